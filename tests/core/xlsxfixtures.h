#pragma once

// Builders for hand-made .xlsx fixtures: the test writes the XML parts itself and zips them with
// minizip's zip API, for the cases libxlsxwriter cannot produce (inline strings, error cells,
// 1904 workbooks, sparse rows, absurd ranges, encrypted entries, zip bombs).

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <zip.h>
#include <algorithm>
#include <zlib.h>

namespace finpipe::test {

using ZipEntries = QList<QPair<QString, QByteArray>>;

//! Writes a zip archive; entries are encrypted (traditional PKWARE) when a password is given.
inline bool writeZip(const QString &path, const ZipEntries &entries, const char *password = nullptr,
                     int level = Z_BEST_SPEED)
{
    zipFile zf = zipOpen64(QFile::encodeName(path).constData(), APPEND_STATUS_CREATE);
    if (!zf)
        return false;
    bool ok = true;
    for (const auto &[name, data] : entries) {
        zip_fileinfo info{};
        const uLong crc = crc32(0, reinterpret_cast<const Bytef *>(data.constData()), uInt(data.size()));
        ok = ok
            && zipOpenNewFileInZip3_64(zf, name.toUtf8().constData(), &info, nullptr, 0, nullptr, 0, nullptr,
                                       Z_DEFLATED, level, 0, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                                       password, crc, 0)
                == ZIP_OK
            && zipWriteInFileInZip(zf, data.constData(), unsigned(data.size())) == ZIP_OK
            && zipCloseFileInZip(zf) == ZIP_OK;
    }
    return zipClose(zf, nullptr) == ZIP_OK && ok;
}

//! A workbook made of hand-written parts.
struct HandBook {
    QStringList sheetNames{QStringLiteral("Sheet1")};
    QList<QByteArray> sheets;       //!< full worksheet XML, one per name
    QList<QByteArray> sharedStrings; //!< plain strings; rich items go in sstXml
    QByteArray sstXml;              //!< used instead of sharedStrings when set
    bool date1904 = false;
    bool encrypt = false;
};

//! Worksheet XML around `rows` (the inside of <sheetData>).
inline QByteArray sheetXml(const QByteArray &rows, const QByteArray &dimension = {})
{
    QByteArray x = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                   "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                   "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">";
    if (!dimension.isEmpty())
        x += "<dimension ref=\"" + dimension + "\"/>";
    x += "<sheetData>" + rows + "</sheetData></worksheet>";
    return x;
}

//! Cell formats of hand-built books: 0 General, 1 built-in date (14), 2 custom date-time,
//! 3 a number format with a quoted word that holds date letters, 4 custom dd/mm/yyyy,
//! 5 the duration [h]:mm:ss, 6 the duration [mm]:ss, 7 the built-in duration 46.
inline QByteArray handStyles()
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
           "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
           "<numFmts count=\"5\"><numFmt numFmtId=\"164\" formatCode=\"yyyy\\-mm\\-dd\\ hh:mm\"/>"
           "<numFmt numFmtId=\"165\" formatCode=\"0.0&quot; days&quot;\"/>"
           "<numFmt numFmtId=\"166\" formatCode=\"[$-409]dd/mm/yyyy;@\"/>"
           "<numFmt numFmtId=\"167\" formatCode=\"[h]:mm:ss\"/><numFmt numFmtId=\"168\" formatCode=\"[mm]:ss\"/></numFmts>"
           "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
           "<cellXfs count=\"8\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"
           "<xf numFmtId=\"164\" applyNumberFormat=\"1\"/><xf numFmtId=\"165\" applyNumberFormat=\"1\"/>"
           "<xf numFmtId=\"166\" applyNumberFormat=\"1\"/><xf numFmtId=\"167\" applyNumberFormat=\"1\"/>"
           "<xf numFmtId=\"168\" applyNumberFormat=\"1\"/><xf numFmtId=\"46\" applyNumberFormat=\"1\"/>"
           "</cellXfs></styleSheet>";
}

inline ZipEntries handBookEntries(const HandBook &book)
{
    ZipEntries e;
    QByteArray types = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                       "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                       "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                       "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";
    e.append({QStringLiteral("[Content_Types].xml"), types});
    e.append({QStringLiteral("_rels/.rels"),
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
              "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
              "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
              "Target=\"xl/workbook.xml\"/></Relationships>"});
    QByteArray wb = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">";
    wb += book.date1904 ? "<workbookPr date1904=\"1\"/>" : "<workbookPr/>";
    wb += "<sheets>";
    QByteArray rels = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
    for (int i = 0; i < book.sheetNames.size(); ++i) {
        wb += "<sheet name=\"" + book.sheetNames[i].toUtf8() + "\" sheetId=\"" + QByteArray::number(i + 1)
            + "\" r:id=\"rId" + QByteArray::number(i + 1) + "\"/>";
        rels += "<Relationship Id=\"rId" + QByteArray::number(i + 1)
            + "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
              "Target=\"worksheets/sheet"
            + QByteArray::number(i + 1) + ".xml\"/>";
        e.append({QStringLiteral("xl/worksheets/sheet%1.xml").arg(i + 1), book.sheets.value(i)});
    }
    wb += "</sheets></workbook>";
    rels += "<Relationship Id=\"rId100\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
            "<Relationship Id=\"rId101\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
            "</Relationships>";
    QByteArray sst = book.sstXml;
    if (sst.isEmpty()) {
        sst = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
              "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">";
        for (const QByteArray &s : book.sharedStrings)
            sst += "<si><t xml:space=\"preserve\">" + s + "</t></si>";
        sst += "</sst>";
    }
    e.append({QStringLiteral("xl/workbook.xml"), wb});
    e.append({QStringLiteral("xl/_rels/workbook.xml.rels"), rels});
    e.append({QStringLiteral("xl/styles.xml"), handStyles()});
    e.append({QStringLiteral("xl/sharedStrings.xml"), sst});
    return e;
}

inline bool writeHandBook(const QString &path, const HandBook &book, int level = Z_BEST_SPEED)
{
    return writeZip(path, handBookEntries(book), book.encrypt ? "secret" : nullptr, level);
}

//! A large entry written piece by piece, so that the test never holds it: `head`, then `repeat`
//! `times` times, then `tail`.
struct GeneratedEntry {
    QString name;
    QByteArray head;
    QByteArray repeat;
    qint64 times = 0;
    QByteArray tail;
};

//! Writes `entries` with the part named like `big` replaced by the generated one.
inline bool writeZipGenerated(const QString &path, const ZipEntries &entries, const GeneratedEntry &big,
                              int level = Z_BEST_COMPRESSION)
{
    zipFile zf = zipOpen64(QFile::encodeName(path).constData(), APPEND_STATUS_CREATE);
    if (!zf)
        return false;
    bool ok = true;
    auto open = [&](const QString &name) {
        zip_fileinfo info{};
        return zipOpenNewFileInZip3_64(zf, name.toUtf8().constData(), &info, nullptr, 0, nullptr, 0, nullptr,
                                       level ? Z_DEFLATED : 0, level, 0, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                                       nullptr, 0, 0)
            == ZIP_OK;
    };
    auto write = [&](const QByteArray &b) { return b.isEmpty() || zipWriteInFileInZip(zf, b.constData(), unsigned(b.size())) == ZIP_OK; };
    for (const auto &[name, data] : entries) {
        if (name == big.name)
            continue;
        ok = ok && open(name) && write(data) && zipCloseFileInZip(zf) == ZIP_OK;
    }
    ok = ok && open(big.name) && write(big.head);
    // Repeats are written in blocks of about 1 MB.
    const qint64 perBlock = big.repeat.isEmpty() ? 1 : std::max<qint64>(1, (1 << 20) / big.repeat.size());
    const QByteArray block = big.repeat.repeated(qsizetype(perBlock));
    qint64 left = big.times;
    for (; ok && left >= perBlock; left -= perBlock)
        ok = write(block);
    for (; ok && left > 0; --left)
        ok = write(big.repeat);
    ok = ok && write(big.tail) && zipCloseFileInZip(zf) == ZIP_OK;
    return zipClose(zf, nullptr) == ZIP_OK && ok;
}

//! Overwrites a 32-bit field of the central directory record of entry `name` (offsets from the
//! record's signature: 16 CRC-32, 20 compressed size, 24 uncompressed size). False if not found.
inline bool patchCentralDirectory(QByteArray &zip, const QByteArray &name, int fieldOffset, quint32 value)
{
    for (qsizetype at = zip.indexOf("PK\x01\x02"); at >= 0; at = zip.indexOf("PK\x01\x02", at + 4)) {
        if (at + 46 > zip.size())
            return false;
        const auto u16 = [&](qsizetype i) { return int(quint8(zip[i])) | int(quint8(zip[i + 1])) << 8; };
        const int nameLength = u16(at + 28);
        if (zip.mid(at + 46, nameLength) != name)
            continue;
        for (int i = 0; i < 4; ++i)
            zip[at + fieldOffset + i] = char((value >> (8 * i)) & 0xff);
        return true;
    }
    return false;
}

//! Overwrites a 32-bit field of the local header of entry `name` (offsets from the header's
//! signature: 14 CRC-32, 18 compressed size, 22 uncompressed size). False if not found.
inline bool patchLocalHeader(QByteArray &zip, const QByteArray &name, int fieldOffset, quint32 value)
{
    for (qsizetype at = zip.indexOf("PK\x03\x04"); at >= 0; at = zip.indexOf("PK\x03\x04", at + 4)) {
        const auto u16 = [&](qsizetype i) { return int(quint8(zip[i])) | int(quint8(zip[i + 1])) << 8; };
        if (zip.mid(at + 30, u16(at + 26)) != name)
            continue;
        for (int i = 0; i < 4; ++i)
            zip[at + fieldOffset + i] = char((value >> (8 * i)) & 0xff);
        return true;
    }
    return false;
}

//! The entry's offset in the archive where its compressed data starts (after its local header).
inline qsizetype entryDataOffset(const QByteArray &zip, const QByteArray &name)
{
    for (qsizetype at = zip.indexOf("PK\x03\x04"); at >= 0; at = zip.indexOf("PK\x03\x04", at + 4)) {
        const auto u16 = [&](qsizetype i) { return int(quint8(zip[i])) | int(quint8(zip[i + 1])) << 8; };
        const int nameLength = u16(at + 26), extraLength = u16(at + 28);
        if (zip.mid(at + 30, nameLength) == name)
            return at + 30 + nameLength + extraLength;
    }
    return -1;
}

} // namespace finpipe::test
