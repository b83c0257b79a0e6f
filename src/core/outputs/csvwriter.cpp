#include "csvwriter.h"

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
        appendCsvField(out, std::string_view(utf8.constData(), size_t(utf8.size())));
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
        appendCsvField(out, std::string_view(utf8.constData(), size_t(utf8.size())));
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
