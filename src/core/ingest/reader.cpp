#include "reader.h"

#include "ingest/csvreader.h"
#include "ingest/fileerrors.h"
#include "ingest/xlsxreader.h"

#include <QFile>
#include <QFileInfo>

namespace finpipe::ingest {

namespace {

enum class Magic { Empty, Zip, Ole, Pdf, Gzip, Image, Other };

Magic sniffMagic(const QByteArray &head)
{
    if (head.isEmpty())
        return Magic::Empty;
    if (head.startsWith("PK\x03\x04"))
        return Magic::Zip;
    if (head.startsWith("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))
        return Magic::Ole;
    if (head.startsWith("%PDF"))
        return Magic::Pdf;
    if (head.startsWith("\x1F\x8B"))
        return Magic::Gzip;
    if (head.startsWith("\x89PNG") || head.startsWith("\xFF\xD8\xFF") || head.startsWith("GIF8"))
        return Magic::Image;
    return Magic::Other;
}

//! Encrypted OOXML workbooks are OLE containers holding an "EncryptedPackage" stream.
bool oleHoldsEncryptedPackage(QFile &file)
{
    static const QByteArray marker = QByteArray::fromRawData(
        "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0", 32);
    // The directory sits near the start or the end of the container; scan at most 8 MiB.
    file.seek(0);
    const QByteArray data = file.read(8 * 1024 * 1024);
    return data.contains(marker);
}

} // namespace

Result<std::unique_ptr<TableReader>> TableReader::open(const QString &path, const ReadOptions &options)
{
    // A pipe or device would block the open below or be read more than once; refuse it first.
    if (const QFileInfo fi(path); fi.exists() && !fi.isDir() && !fi.isFile())
        return Error::make(Error::Code::Unsupported,
                           QStringLiteral("\"%1\" is not a regular file (a pipe or device); finpipe reads "
                                          "files only. Save the data to a file and open that.")
                               .arg(displayName(path)));
    QFile file(path);
    if (auto r = openForReading(file); !r.ok())
        return r.error();
    const QString name = displayName(path);
    const QByteArray head = file.read(16);
    const QString suffix = QFileInfo(path).suffix().toLower();
    const bool excelName = suffix == u"xlsx" || suffix == u"xlsm" || suffix == u"xls";

    switch (sniffMagic(head)) {
    case Magic::Empty:
        return Error::make(Error::Code::Unreadable,
                           QStringLiteral("\"%1\" is empty: it has no rows to read.").arg(name));
    case Magic::Zip:
        return openXlsx(path, options);
    case Magic::Ole:
        if (oleHoldsEncryptedPackage(file))
            return Error::make(Error::Code::Encrypted,
                               QStringLiteral("\"%1\" is protected with a password. Open it in Excel, "
                                              "remove the password (File > Info > Protect Workbook), "
                                              "save it, and try again.")
                                   .arg(name));
        return Error::make(Error::Code::Unsupported,
                           QStringLiteral("\"%1\" is an old-style Excel 97-2003 workbook (.xls). Open it "
                                          "in Excel and save it as .xlsx, then try again.")
                               .arg(name));
    case Magic::Pdf:
        return Error::make(Error::Code::Unsupported,
                           QStringLiteral("\"%1\" is a PDF document, not a CSV or Excel file.").arg(name));
    case Magic::Gzip:
        return Error::make(Error::Code::Unsupported,
                           QStringLiteral("\"%1\" is a compressed (gzip) file. Extract it first, then "
                                          "open the CSV or Excel file inside.")
                               .arg(name));
    case Magic::Image:
        return Error::make(Error::Code::Unsupported,
                           QStringLiteral("\"%1\" is an image, not a CSV or Excel file.").arg(name));
    case Magic::Other:
        break;
    }
    if (suffix == u"xlsb" || suffix == u"ods")
        return Error::make(Error::Code::Unsupported,
                           QStringLiteral("\"%1\" is %2, a format finpipe does not read yet. Open it in %3 and "
                                          "save it as .xlsx, then try again.")
                               .arg(name,
                                    suffix == u"xlsb" ? QStringLiteral("an Excel binary workbook (.xlsb)")
                                                      : QStringLiteral("an OpenDocument spreadsheet (.ods)"),
                                    suffix == u"xlsb" ? QStringLiteral("Excel") : QStringLiteral("LibreOffice or Excel")));
    if (excelName) {
        // Many bank and reporting systems export web pages or Excel 2003 XML under an .xls name.
        file.seek(0);
        const QByteArray start = file.read(4096).toLower();
        if (start.contains("<html") || start.contains("<table") || start.contains("<!doctype html"))
            return Error::make(Error::Code::Unsupported,
                               QStringLiteral("\"%1\" is a web page (HTML) with an Excel name, as some systems "
                                              "export. Open it in Excel and save it as .xlsx, then try again.")
                                   .arg(name));
        if (start.contains("urn:schemas-microsoft-com:office:spreadsheet"))
            return Error::make(Error::Code::Unsupported,
                               QStringLiteral("\"%1\" is an Excel 2003 XML spreadsheet. Open it in Excel and "
                                              "save it as .xlsx, then try again.")
                                   .arg(name));
        return Error::make(Error::Code::Corrupt,
                           QStringLiteral("\"%1\" is named like an Excel workbook but is not one: it may "
                                          "be damaged, or be another kind of file renamed.")
                               .arg(name));
    }
    return openCsv(path, options);
}

qint64 Table::rowCount() const
{
    qint64 n = 0;
    for (const auto &b : batches)
        n += b->rowCount();
    return n;
}

int Table::columnIndex(const QString &name) const
{
    for (int i = 0; i < columns.size(); ++i)
        if (columns[i].name == name)
            return i;
    return -1;
}

Result<Table> readTable(const QString &path, const ReadOptions &options, Feedback *feedback)
{
    auto reader = TableReader::open(path, options);
    if (!reader)
        return reader.error();
    Table table;
    for (;;) {
        auto batch = std::make_unique<RowBatch>();
        auto more = (*reader)->readBatch(*batch, feedback);
        if (!more)
            return more.error();
        if (batch->rowCount() > 0)
            table.batches.push_back(std::move(batch));
        if (!*more)
            break;
    }
    table.info = (*reader)->info();
    table.columns = (*reader)->columns();
    return table;
}

} // namespace finpipe::ingest
