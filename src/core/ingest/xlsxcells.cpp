#include "xlsxcells.h"

#include <QDateTime>

#include <charconv>
#include <cmath>

namespace finpipe::ingest {

namespace {

ColumnType columnTypeOf(Value::Kind kind)
{
    switch (kind) {
    case Value::Kind::Integer: return ColumnType::Integer;
    case Value::Kind::Decimal: return ColumnType::Decimal;
    case Value::Kind::Date: return ColumnType::Date;
    case Value::Kind::DateTime: return ColumnType::DateTime;
    case Value::Kind::Boolean: return ColumnType::Boolean;
    default: return ColumnType::Text;
    }
}

QString plural(qint64 n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1StringView(n == 1 ? one : many));
}

} // namespace

void widenType(std::optional<ColumnType> &type, Value::Kind kind)
{
    if (kind == Value::Kind::Blank || kind == Value::Kind::Error)
        return; // an error cell (#N/A) says nothing about the column's type
    const ColumnType k = columnTypeOf(kind);
    if (!type) {
        type = k;
        return;
    }
    const ColumnType t = *type;
    if (t == k || t == ColumnType::Text)
        return;
    auto either = [&](ColumnType a, ColumnType b) { return (t == a && k == b) || (t == b && k == a); };
    if (either(ColumnType::Integer, ColumnType::Decimal))
        type = ColumnType::Decimal;
    else if (either(ColumnType::Date, ColumnType::DateTime))
        type = ColumnType::DateTime;
    else
        type = ColumnType::Text;
}

QStringList CellStats::warnings(const QString &sheet) const
{
    QStringList out;
    if (errorCells)
        out.append(QStringLiteral("Sheet \"%1\": %2 held Excel errors such as #N/A or #DIV/0! "
                                  "(the first at %3); they are kept as errors, not numbers.")
                   .arg(sheet, plural(errorCells, "cell", "cells"), firstError));
    if (truncated)
        out.append(QStringLiteral("Sheet \"%1\": %2 held more than Excel's 32,767 characters (the "
                                  "first at %3); %4 cut to that length.")
                   .arg(sheet, plural(truncated, "cell", "cells"), firstTruncated,
                        truncated == 1 ? QStringLiteral("it was") : QStringLiteral("they were")));
    if (unknownEntities)
        out.append(QStringLiteral("Sheet \"%1\": %2 held an '&' code that XML does not define, such "
                                  "as &foo; (the first at %3); kept as written.")
                   .arg(sheet, plural(unknownEntities, "cell", "cells"), firstUnknownEntity));
    if (durations)
        out.append(QStringLiteral("Sheet \"%1\": %2 held durations (elapsed time such as %3, the first "
                                  "at %4); they are read as text, as Excel shows them, not as dates.")
                   .arg(sheet, plural(durations, "cell", "cells"), durationExample,
                        firstDuration));
    if (phantomDates)
        out.append(QStringLiteral("Sheet \"%1\": %2 showed 29 February 1900, a day that never "
                                  "existed (an old Excel quirk), at %3 first; read as blanks.")
                   .arg(sheet, plural(phantomDates, "cell", "cells"), firstPhantom));
    if (beyondColumns)
        out.append(QStringLiteral("Sheet \"%1\": %2 to the right of the table (the first at %3) "
                                  "%4 ignored.")
                   .arg(sheet, plural(beyondColumns, "value", "values"), firstBeyond,
                        beyondColumns == 1 ? QStringLiteral("was") : QStringLiteral("were")));
    if (innerBlankRows)
        out.append(QStringLiteral("Sheet \"%1\": %2 between the data %3 skipped.")
                   .arg(sheet, plural(innerBlankRows, "empty row", "empty rows"),
                        innerBlankRows == 1 ? QStringLiteral("was") : QStringLiteral("were")));
    return out;
}

bool firstRowIsHeader(const RowBatch &first, const RowBatch &below)
{
    int headerVotes = 0, dataVotes = 0;
    bool anyText = false;
    for (int col = 0; col < first.columnCount(); ++col) {
        const Value &head = first.at(0, col);
        if (head.isBlank() || head.kind == Value::Kind::Error)
            continue;
        anyText = anyText || head.kind == Value::Kind::Text;
        std::optional<ColumnType> data;
        for (int row = 0; row < below.rowCount(); ++row)
            widenType(data, below.at(row, col).kind);
        if (!data || *data == ColumnType::Text)
            continue;
        std::optional<ColumnType> both = data;
        widenType(both, head.kind);
        if (*both == ColumnType::Text)
            ++headerVotes;
        else
            ++dataVotes;
    }
    if (below.rowCount() == 0)
        return anyText; // a lone row of numbers or dates is data, a lone row of words a header
    return !(dataVotes > 0 && headerVotes == 0);
}

std::string_view CellConverter::textOf(const RawCell &cell) const
{
    switch (cell.type) {
    case RawCell::Type::SharedString: {
        size_t index = 0;
        const char *end = cell.value.data() + cell.value.size();
        const auto [p, ec] = std::from_chars(cell.value.data(), end, index);
        return ec == std::errc() && p == end && index < m_strings.size() ? m_strings.at(index) : std::string_view();
    }
    case RawCell::Type::InlineString:
    case RawCell::Type::FormulaString:
        return cell.value;
    default:
        return {};
    }
}

bool CellConverter::isBlank(const RawCell &cell) const
{
    switch (cell.type) {
    case RawCell::Type::SharedString: {
        if (cell.value.empty())
            return true; // <v/>: no text at all
        size_t index = 0;
        const char *end = cell.value.data() + cell.value.size();
        const auto [p, ec] = std::from_chars(cell.value.data(), end, index);
        // A bad index is not blank: converting it reports the damage.
        return ec == std::errc() && p == end && index < m_strings.size() && m_strings.at(index).empty();
    }
    default:
        return cell.value.empty();
    }
}

Result<void> CellConverter::convert(const RawCell &cell, qint64 row, Value &v, RowBatch &batch, CellStats &stats) const
{
    auto setText = [&](std::string_view s) {
        if (s.empty())
            return; // empty strings are blanks (raw exports store blanks that way)
        v.kind = Value::Kind::Text;
        v.text = batch.store(s);
    };
    if (cell.truncated && stats.truncated++ == 0)
        stats.firstTruncated = cellName(cell.column, row);
    if (cell.unknownEntity && stats.unknownEntities++ == 0)
        stats.firstUnknownEntity = cellName(cell.column, row);
    switch (cell.type) {
    case RawCell::Type::SharedString: {
        if (cell.value.empty())
            return {}; // <v/>: an empty cell
        size_t index = 0;
        const char *end = cell.value.data() + cell.value.size();
        const auto [p, ec] = std::from_chars(cell.value.data(), end, index);
        if (ec != std::errc() || p != end || index >= m_strings.size())
            return Error::make(Error::Code::Corrupt,
                               QStringLiteral("Sheet \"%1\" in \"%2\" is damaged: cell %3 refers to text that is "
                                              "missing from the workbook.")
                                   .arg(m_sheetName, m_fileName, cellName(cell.column, row)),
                               QStringLiteral("shared string index \"%1\"; the workbook has %2")
                                   .arg(QString::fromUtf8(cell.value.data(), qsizetype(std::min<size_t>(cell.value.size(), 40))))
                                   .arg(plural(qint64(m_strings.size()), "shared string", "shared strings")));
        setText(m_strings.at(index));
        return {};
    }
    case RawCell::Type::InlineString:
    case RawCell::Type::FormulaString:
        setText(cell.value);
        return {};
    case RawCell::Type::Boolean:
        if (cell.value.empty())
            return {};
        v.kind = Value::Kind::Boolean;
        v.number = (cell.value == "1" || cell.value == "true") ? 1 : 0;
        v.text = v.number != 0 ? std::string_view("TRUE") : std::string_view("FALSE");
        return {};
    case RawCell::Type::Error:
        // #N/A, #DIV/0!, #VALUE!...: a value of its own, shown as Excel shows it, never a blank.
        if (cell.value.empty())
            return {};
        if (stats.errorCells++ == 0)
            stats.firstError = cellName(cell.column, row);
        v.kind = Value::Kind::Error;
        v.text = batch.store(cell.value);
        return {};
    case RawCell::Type::IsoDate: {
        const QDateTime dt = QDateTime::fromString(QString::fromStdString(cell.value), Qt::ISODateWithMs);
        if (!dt.isValid()) {
            setText(cell.value);
            return {};
        }
        const QDateTime naive(dt.date(), dt.time(), Qt::UTC);
        v.msecs = naive.toMSecsSinceEpoch();
        const bool withTime = dt.time() != QTime(0, 0);
        v.kind = withTime ? Value::Kind::DateTime : Value::Kind::Date;
        char buf[32];
        v.text = batch.store({buf, ExcelDate::format(v.msecs, withTime, buf)});
        return {};
    }
    case RawCell::Type::Number:
        break;
    }
    if (cell.value.empty())
        return {};
    double x = 0;
    const char *begin = cell.value.data();
    const char *end = begin + cell.value.size();
    const auto [p, ec] = std::from_chars(begin, end, x);
    if (ec != std::errc() || p != end || !std::isfinite(x)) {
        setText(cell.value); // not a number after all: keep what the file says
        return {};
    }
    if (const DateFormat fmt = m_styles.dateFormat(cell.style); fmt == DateFormat::Duration) {
        // An elapsed time (255:10:10) is no calendar day: the text Excel shows.
        const QByteArray shown = formatDuration(x, m_styles.formatCode(cell.style)).toUtf8();
        if (stats.durations++ == 0) {
            stats.firstDuration = cellName(cell.column, row);
            stats.durationExample = QString::fromUtf8(shown);
        }
        setText({shown.constData(), size_t(shown.size())});
        return {};
    } else if (fmt != DateFormat::None) {
        if (auto ms = ExcelDate::toMsecs(x, m_date1904)) {
            qint64 msecs = *ms;
            const qint64 day = ExcelDate::kMsecsPerDay;
            // A date-only format shows the day; a time part hidden by the format is not data.
            if (fmt == DateFormat::Date)
                msecs -= ((msecs % day) + day) % day;
            const bool withTime = msecs % day != 0;
            v.kind = withTime ? Value::Kind::DateTime : Value::Kind::Date;
            v.msecs = msecs;
            v.number = x;
            char buf[32];
            v.text = batch.store({buf, ExcelDate::format(msecs, withTime, buf)});
            return {};
        }
        if (!m_date1904 && x >= 60 && x < 61) {
            if (stats.phantomDates++ == 0)
                stats.firstPhantom = cellName(cell.column, row);
            return {};
        }
        // Out of Excel's date range: Excel shows #####; keep the number.
    }
    v.number = x;
    v.kind = (x == std::trunc(x) && std::fabs(x) < 9007199254740992.0) ? Value::Kind::Integer : Value::Kind::Decimal;
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, x);
    v.text = batch.store({buf, size_t(res.ptr - buf)});
    return {};
}

} // namespace finpipe::ingest
