#include "csvwriter.h"

#include <QLocale>

#include <charconv>

#include "analysis/lineage.h"

namespace finpipe::outputs {

void appendCsvField(std::string &out, std::string_view field)
{
    bool quote = false;
    for (char c : field) {
        if (c == ',' || c == '"' || c == '\n' || c == '\r') {
            quote = true;
            break;
        }
    }
    if (!quote) {
        out.append(field);
        return;
    }
    out.push_back('"');
    for (char c : field) {
        if (c == '"')
            out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
}

bool looksLikeFormula(std::string_view field)
{
    if (field.empty())
        return false;
    const char c = field.front();
    if (c == '=' || c == '@' || c == '\t' || c == '\r')
        return true;
    if (c != '-' && c != '+')
        return false;
    // A signed number ("-12.5", "+3") is a value, not a formula.
    const QString text = QString::fromUtf8(field.data(), qsizetype(field.size()));
    bool number = false;
    QLocale::c().toDouble(text, &number);
    return !number;
}

void appendSafeCsvField(std::string &out, std::string_view field)
{
    if (!looksLikeFormula(field)) {
        appendCsvField(out, field);
        return;
    }
    out.append("\"'");
    for (char c : field) {
        if (c == '"')
            out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
}

void appendCsvCell(std::string &out, const analysis::Cell &cell)
{
    char buf[40];
    switch (cell.kind) {
    case analysis::Cell::Kind::Blank:
        return;
    case analysis::Cell::Kind::Number:
        if (cell.integral) {
            const auto r = std::to_chars(buf, buf + sizeof buf, qint64(cell.number));
            out.append(buf, size_t(r.ptr - buf));
            return;
        }
        out.append(buf, size_t(analysis::lineage::formatNumber(cell.number, buf)));
        return;
    case analysis::Cell::Kind::Date:
        out.append(buf, size_t(analysis::lineage::formatDate(cell.msecs, buf)));
        return;
    case analysis::Cell::Kind::DateTime:
        out.append(buf, size_t(analysis::lineage::formatTimestamp(cell.msecs, buf)));
        return;
    case analysis::Cell::Kind::Text: {
        const QByteArray utf8 = cell.text.toUtf8();
        appendSafeCsvField(out, std::string_view(utf8.constData(), size_t(utf8.size())));
        return;
    }
    }
}

QByteArray tableToCsv(const analysis::ResultTable &table)
{
    std::string out;
    for (qsizetype c = 0; c < table.columns.size(); ++c) {
        if (c)
            out.push_back(',');
        const QByteArray utf8 = table.columns[c].toUtf8();
        appendSafeCsvField(out, std::string_view(utf8.constData(), size_t(utf8.size())));
    }
    out.push_back('\n');
    for (const auto &row : table.rows) {
        for (size_t c = 0; c < row.size(); ++c) {
            if (c)
                out.push_back(',');
            appendCsvCell(out, row[c]);
        }
        out.push_back('\n');
    }
    return QByteArray(out.data(), qsizetype(out.size()));
}

Result<WrittenFile> writeTableCsv(const analysis::ResultTable &table, const QString &path)
{
    return writeFileAtomically(path, tableToCsv(table));
}

} // namespace finpipe::outputs
