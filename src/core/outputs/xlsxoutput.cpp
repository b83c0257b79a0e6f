#include "xlsxoutput.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUuid>

#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace finpipe::outputs {

namespace {

constexpr double kExcelEpochOffsetDays = 25569.0; // 1970-01-01 as an Excel serial (1900 system)

//! Excel's limit for the characters in one cell (libxlsxwriter refuses longer strings).
constexpr qsizetype kMaxCellChars = 32'767;

//! `text` as UTF-8, cut to Excel's limit; `truncated` counts the cells cut.
QByteArray cellText(const QString &text, qint64 &truncated)
{
    if (text.size() <= kMaxCellChars) // UTF-16 units: never fewer than characters
        return text.toUtf8();
    const QList<uint> chars = text.toUcs4();
    if (chars.size() <= kMaxCellChars)
        return text.toUtf8();
    ++truncated;
    return QString::fromUcs4(reinterpret_cast<const char32_t *>(chars.constData()), kMaxCellChars).toUtf8();
}

Error xlsxError(const QString &path, const QString &detail)
{
    return Error::make(Error::Code::Failed,
                       QStringLiteral("Could not write the Excel workbook \"%1\" in %2: %3.")
                           .arg(QFileInfo(path).fileName(), outputFolderOf(path), detail),
                       detail);
}

int displayWidth(const analysis::Cell &cell)
{
    switch (cell.kind) {
    case analysis::Cell::Kind::Blank: return 0;
    case analysis::Cell::Kind::Number: return int(QString::number(cell.number, 'g', 10).size());
    case analysis::Cell::Kind::Date: return 10;
    case analysis::Cell::Kind::DateTime: return 19;
    case analysis::Cell::Kind::Text: return int(cell.text.size());
    }
    return 0;
}

struct Formats {
    lxw_format *header = nullptr;
    lxw_format *date = nullptr;
    lxw_format *dateTime = nullptr;
};

lxw_error writeSheet(lxw_worksheet *ws, const analysis::ResultTable &table, size_t begin, size_t end,
                     const Formats &formats, qint64 &truncated)
{
    const int cols = int(table.columns.size());
    for (int c = 0; c < cols; ++c) {
        if (lxw_error e = worksheet_write_string(ws, 0, lxw_col_t(c), cellText(table.columns[c], truncated).constData(),
                                                 formats.header))
            return e;
    }
    // Widths from the header and the first rows: enough to read, never absurd.
    std::vector<int> widths(static_cast<size_t>(cols), 8);
    for (int c = 0; c < cols; ++c)
        widths[size_t(c)] = std::max(widths[size_t(c)], int(table.columns[c].size()) + 2);
    for (size_t r = begin; r < end && r < begin + 2000; ++r)
        for (int c = 0; c < cols && size_t(c) < table.rows[r].size(); ++c)
            widths[size_t(c)] = std::max(widths[size_t(c)], displayWidth(table.rows[r][size_t(c)]) + 2);
    for (int c = 0; c < cols; ++c)
        worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c), std::min(widths[size_t(c)], 60), nullptr);
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_autofilter(ws, 0, 0, lxw_row_t(end - begin), lxw_col_t(std::max(cols - 1, 0)));

    for (size_t r = begin; r < end; ++r) {
        const lxw_row_t row = lxw_row_t(r - begin + 1);
        const auto &cells = table.rows[r];
        for (size_t c = 0; c < cells.size() && c < size_t(cols); ++c) {
            const analysis::Cell &cell = cells[c];
            lxw_error e = LXW_NO_ERROR;
            switch (cell.kind) {
            case analysis::Cell::Kind::Blank:
                break;
            case analysis::Cell::Kind::Number:
                e = worksheet_write_number(ws, row, lxw_col_t(c), cell.number, nullptr);
                break;
            case analysis::Cell::Kind::Date:
                e = worksheet_write_number(ws, row, lxw_col_t(c),
                                           double(cell.msecs) / 86'400'000.0 + kExcelEpochOffsetDays, formats.date);
                break;
            case analysis::Cell::Kind::DateTime:
                e = worksheet_write_number(ws, row, lxw_col_t(c),
                                           double(cell.msecs) / 86'400'000.0 + kExcelEpochOffsetDays,
                                           formats.dateTime);
                break;
            case analysis::Cell::Kind::Text:
                // Always a string cell, never a formula: "=HYPERLINK(...)" from a file stays text.
                if (!cell.text.isEmpty())
                    e = worksheet_write_string(ws, row, lxw_col_t(c), cellText(cell.text, truncated).constData(), nullptr);
                break;
            }
            if (e != LXW_NO_ERROR)
                return e;
        }
    }
    return LXW_NO_ERROR;
}

} // namespace

QString xlsxSheetName(const QString &wanted, const QStringList &taken)
{
    QString base;
    for (QChar c : wanted)
        base += QStringView(u"[]:*?/\\").contains(c) || c.unicode() < 0x20 ? QChar(u'_') : c;
    base = base.trimmed();
    // Excel also refuses names that start or end with an apostrophe, and "History".
    while (base.startsWith(u'\''))
        base.remove(0, 1);
    while (base.endsWith(u'\''))
        base.chop(1);
    if (base.isEmpty() || base.compare(u"History", Qt::CaseInsensitive) == 0)
        base = QStringLiteral("Sheet");
    auto isTaken = [&](const QString &name) {
        return std::any_of(taken.begin(), taken.end(),
                           [&](const QString &t) { return t.compare(name, Qt::CaseInsensitive) == 0; });
    };
    QString name = base.left(31);
    for (int k = 2; isTaken(name); ++k) {
        const QString suffix = QStringLiteral(" (%1)").arg(k);
        name = base.left(31 - suffix.size()) + suffix;
    }
    return name;
}

Result<WrittenFile> writeResultsXlsx(const analysis::AnalysisResult &result, const QString &path,
                                     QStringList *notes, qint64 maxRowsPerSheet)
{
    const QFileInfo target(path);
    // libxlsxwriter writes the file itself: give it a temporary name next to the target and rename
    // when it is complete, so the workbook appears whole or not at all.
    const QString temp = target.absoluteDir().filePath(
        QStringLiteral(".%1.%2.part").arg(target.fileName(), QUuid::createUuid().toString(QUuid::Id128)));
    const QByteArray tempName = QFile::encodeName(temp);
    const QByteArray tmpDir = QFile::encodeName(target.absolutePath());

    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE; // rows go straight to disk: memory stays flat
    options.tmpdir = const_cast<char *>(tmpDir.constData());
    options.use_zip64 = LXW_TRUE;
    lxw_workbook *wb = workbook_new_opt(tempName.constData(), &options);
    if (!wb)
        return xlsxError(path, QStringLiteral("the file could not be created"));

    Formats formats;
    formats.header = workbook_add_format(wb);
    format_set_bold(formats.header);
    formats.date = workbook_add_format(wb);
    format_set_num_format(formats.date, "yyyy-mm-dd");
    formats.dateTime = workbook_add_format(wb);
    format_set_num_format(formats.dateTime, "yyyy-mm-dd hh:mm:ss");

    std::vector<const analysis::ResultTable *> tables;
    for (const auto &t : result.tables)
        tables.push_back(&t);
    if (!result.quality.columns.isEmpty())
        tables.push_back(&result.quality);

    QStringList taken;
    lxw_error failure = LXW_NO_ERROR;
    for (const analysis::ResultTable *t : tables) {
        const size_t rows = t->rows.size();
        const size_t perSheet = size_t(std::max<qint64>(1, maxRowsPerSheet));
        const size_t parts = rows == 0 ? 1 : (rows + perSheet - 1) / perSheet;
        QStringList names;
        qint64 truncated = 0;
        for (size_t part = 0; part < parts && failure == LXW_NO_ERROR; ++part) {
            const QString wanted = parts == 1 ? t->id : QStringLiteral("%1 part %2").arg(t->id).arg(part + 1);
            const QString name = xlsxSheetName(wanted, taken);
            taken << name;
            names << name;
            lxw_worksheet *ws = workbook_add_worksheet(wb, name.toUtf8().constData());
            if (!ws) {
                failure = LXW_ERROR_MEMORY_MALLOC_FAILED;
                break;
            }
            const size_t begin = part * perSheet;
            failure = writeSheet(ws, *t, begin, std::min(rows, begin + perSheet), formats, truncated);
        }
        if (truncated > 0 && notes)
            *notes << QStringLiteral("%1 cell(s) of the table %2 hold more than 32,767 characters, Excel's limit for a "
                                     "cell; results.xlsx holds only their first 32,767 characters.")
                          .arg(truncated)
                          .arg(t->id);
        if (parts > 1 && notes)
            *notes << QStringLiteral("The table %1 has %2 rows, more than fit on one Excel sheet; it continues "
                                     "over the sheets %3 of results.xlsx (the CSV file holds it whole).")
                          .arg(t->id)
                          .arg(rows)
                          .arg(names.join(QStringLiteral(", ")));
        if (failure != LXW_NO_ERROR)
            break;
    }
    errno = 0;
    const lxw_error closed = workbook_close(wb);
    const int closeErrno = errno;
    if (failure == LXW_NO_ERROR)
        failure = closed;
    if (failure != LXW_NO_ERROR) {
        QFile::remove(temp);
        // libxlsxwriter's own text hides a full disk ("Error creating output xlsx file").
        const bool diskFull = closeErrno == ENOSPC || closeErrno == EDQUOT || closeErrno == EFBIG;
        return xlsxError(path, diskFull ? QString::fromLocal8Bit(std::strerror(closeErrno))
                                        : QString::fromUtf8(lxw_strerror(failure)));
    }
    std::error_code ec;
    std::filesystem::rename(std::filesystem::path(tempName.toStdString()),
                            std::filesystem::path(QFile::encodeName(path).toStdString()), ec);
    if (ec) {
        QFile::remove(temp);
        return xlsxError(path, QString::fromLocal8Bit(ec.message().c_str()));
    }
    return describeFile(path);
}

} // namespace finpipe::outputs
