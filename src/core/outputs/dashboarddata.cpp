#include "outputs/dashboarddata.h"

#include "outputs/htmlescape.h"

#include "analysis/columnstyle.h"

#include <QDate>
#include <QTime>

#include <algorithm>

namespace finpipe::outputs {

using analysis::Cell;
using analysis::ChartSpec;
using analysis::QualityAlert;
using analysis::ResultTable;

QString formatCellDate(qint64 msecs, bool withTime)
{
    constexpr qint64 kDay = 86400000;
    // Floor division: dates before 1970 have negative msecs.
    qint64 days = msecs / kDay;
    qint64 rest = msecs % kDay;
    if (rest < 0) {
        rest += kDay;
        --days;
    }
    const QDate date = QDate::fromJulianDay(2440588 + days); // 2440588: 1970-01-01
    QString s = date.toString(Qt::ISODate);
    if (withTime) {
        const QTime time = QTime::fromMSecsSinceStartOfDay(int(rest));
        s += u' ';
        s += time.toString(time.msec() ? QStringLiteral("HH:mm:ss.zzz") : QStringLiteral("HH:mm:ss"));
    }
    return s;
}

namespace {

const char *columnType(const ResultTable &table, qsizetype column)
{
    int kinds = 0; // bit per Cell::Kind seen (blanks ignored)
    for (const auto &row : table.rows) {
        if (column < qsizetype(row.size()) && row[column].kind != Cell::Kind::Blank)
            kinds |= 1 << int(row[column].kind);
    }
    switch (kinds) {
    case 0: return "blank";
    case 1 << int(Cell::Kind::Number): return "number";
    case 1 << int(Cell::Kind::Date): return "date";
    case 1 << int(Cell::Kind::DateTime):
    case (1 << int(Cell::Kind::Date)) | (1 << int(Cell::Kind::DateTime)): return "datetime";
    case 1 << int(Cell::Kind::Text): return "text";
    default: return "mixed";
    }
}

//! As formatCellDate(), straight into the JSON (dates are a large share of every table).
void appendDate(QByteArray &out, qint64 msecs, bool withTime)
{
    constexpr qint64 kDay = 86400000;
    qint64 days = msecs / kDay;
    qint64 rest = msecs % kDay;
    if (rest < 0) {
        rest += kDay;
        --days;
    }
    int y = 0, m = 0, d = 0;
    QDate::fromJulianDay(2440588 + days).getDate(&y, &m, &d);
    if (y < 0 || y > 9999) { // outside what four digits hold: the slow, general path
        appendScriptSafeJsonString(out, formatCellDate(msecs, withTime));
        return;
    }
    char buf[32];
    char *p = buf;
    auto two = [&p](int v) {
        *p++ = char('0' + v / 10);
        *p++ = char('0' + v % 10);
    };
    *p++ = '"';
    two(y / 100);
    two(y % 100);
    *p++ = '-';
    two(m);
    *p++ = '-';
    two(d);
    if (withTime) {
        const int ms = int(rest);
        *p++ = ' ';
        two(ms / 3600000);
        *p++ = ':';
        two(ms / 60000 % 60);
        *p++ = ':';
        two(ms / 1000 % 60);
        if (ms % 1000) {
            *p++ = '.';
            *p++ = char('0' + ms % 1000 / 100);
            two(ms % 100);
        }
    }
    *p++ = '"';
    out.append(buf, p - buf);
}

void appendCell(QByteArray &out, const Cell &cell)
{
    switch (cell.kind) {
    case Cell::Kind::Blank: out += "null"; break;
    case Cell::Kind::Number: appendJsonNumber(out, cell.number); break;
    case Cell::Kind::Date: appendDate(out, cell.msecs, false); break;
    case Cell::Kind::DateTime: appendDate(out, cell.msecs, true); break;
    case Cell::Kind::Text: appendScriptSafeJsonString(out, cell.text); break;
    }
}

void appendKey(QByteArray &out, const char *key)
{
    out += '"';
    out += key;
    out += "\":";
}

void appendTable(QByteArray &out, const ResultTable &table, qsizetype maxRows)
{
    out += '{';
    appendKey(out, "id");
    appendScriptSafeJsonString(out, table.id);
    out += ',';
    appendKey(out, "title");
    appendScriptSafeJsonString(out, table.title.isEmpty() ? table.id : table.title);
    out += ',';
    appendKey(out, "columns");
    out += '[';
    for (qsizetype c = 0; c < table.columns.size(); ++c) {
        if (c)
            out += ',';
        out += '{';
        appendKey(out, "name");
        appendScriptSafeJsonString(out, table.columns[c]);
        out += ',';
        appendKey(out, "type");
        out += '"';
        out += columnType(table, c);
        out += "\",";
        // How the page shows the numbers (the CSV keeps them exact) and a header for people.
        appendKey(out, "style");
        switch (analysis::numberStyleOf(table, c)) {
        case analysis::NumberStyle::Plain: out += "\"plain\""; break;
        case analysis::NumberStyle::Count: out += "\"count\""; break;
        case analysis::NumberStyle::Money: out += "\"money\""; break;
        case analysis::NumberStyle::Share: out += "\"share\""; break;
        }
        out += ',';
        appendKey(out, "label");
        appendScriptSafeJsonString(out, analysis::readableHeader(table.columns[c]));
        out += '}';
    }
    out += "],";
    appendKey(out, "totalRows");
    out += QByteArray::number(qint64(table.rows.size()));
    out += ',';
    appendKey(out, "rows");
    out += "[\n";
    const qsizetype width = table.columns.size();
    const size_t embedded = std::min(table.rows.size(), size_t(std::max<qsizetype>(0, maxRows)));
    for (size_t r = 0; r < embedded; ++r) {
        const auto &row = table.rows[r];
        if (r)
            out += ",\n";
        out += '[';
        // Rows are padded or cut to the header so the page can trust row[i] <-> columns[i].
        for (qsizetype c = 0; c < width; ++c) {
            if (c)
                out += ',';
            if (c < qsizetype(row.size()))
                appendCell(out, row[c]);
            else
                out += "null";
        }
        out += ']';
    }
    out += "]}";
}

void appendStringList(QByteArray &out, const QStringList &list)
{
    out += '[';
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (i)
            out += ',';
        appendScriptSafeJsonString(out, list[i]);
    }
    out += ']';
}

void appendStringMap(QByteArray &out, const QMap<QString, QString> &map)
{
    out += '{';
    bool first = true;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (!first)
            out += ',';
        first = false;
        appendScriptSafeJsonString(out, it.key());
        out += ':';
        appendScriptSafeJsonString(out, it.value());
    }
    out += '}';
}

const char *severityName(QualityAlert::Severity s)
{
    switch (s) {
    case QualityAlert::Severity::Info: return "info";
    case QualityAlert::Severity::Warning: return "warning";
    case QualityAlert::Severity::Error: return "error";
    }
    return "warning";
}

void appendChart(QByteArray &out, const ChartSpec &chart,
                 const std::vector<ResultTable> &tables)
{
    qsizetype tableIndex = -1;
    for (size_t t = 0; t < tables.size(); ++t) {
        if (tables[t].id == chart.tableId) {
            tableIndex = qsizetype(t);
            break;
        }
    }
    QStringList missing;
    auto columnIndex = [&](const QString &name) -> qsizetype {
        const qsizetype i = tableIndex < 0 ? -1 : tables[size_t(tableIndex)].columns.indexOf(name);
        if (i < 0)
            missing << name;
        return i;
    };
    out += '{';
    appendKey(out, "kind");
    out += chart.kind == ChartSpec::Kind::TimeSeries ? "\"timeseries\"" : "\"bar\"";
    out += ',';
    appendKey(out, "table");
    out += QByteArray::number(tableIndex);
    out += ',';
    appendKey(out, "tableId");
    appendScriptSafeJsonString(out, chart.tableId);
    out += ',';
    appendKey(out, "title");
    appendScriptSafeJsonString(out, chart.title);
    out += ',';
    appendKey(out, "x");
    out += QByteArray::number(columnIndex(chart.xColumn));
    out += ',';
    appendKey(out, "y");
    out += '[';
    bool first = true;
    for (const QString &y : chart.yColumns) {
        const qsizetype i = columnIndex(y);
        if (i < 0)
            continue;
        if (!first)
            out += ',';
        first = false;
        out += QByteArray::number(i);
    }
    out += "],";
    appendKey(out, "missing");
    appendStringList(out, missing);
    out += '}';
}

} // namespace

QByteArray dashboardDataJson(const DashboardInfo &info, const analysis::AnalysisResult &result)
{
    QByteArray out;
    out.reserve(4096);
    out += '{';
    appendKey(out, "format");
    out += "1,";
    appendKey(out, "file");
    out += '{';
    appendKey(out, "name");
    appendScriptSafeJsonString(out, info.fileName);
    out += ',';
    appendKey(out, "sha256");
    appendScriptSafeJsonString(out, info.sha256);
    out += ',';
    appendKey(out, "size");
    out += QByteArray::number(info.size);
    out += ',';
    appendKey(out, "sheet");
    appendScriptSafeJsonString(out, info.sheet);
    out += "},";
    appendKey(out, "datasetType");
    appendScriptSafeJsonString(out, info.datasetType);
    out += ',';
    appendKey(out, "confidence");
    appendJsonNumber(out, info.confidence);
    out += ',';
    appendKey(out, "level");
    appendScriptSafeJsonString(out, info.level);
    out += ',';
    appendKey(out, "mappingOverridden");
    out += info.mappingOverridden ? "true," : "false,";
    appendKey(out, "mapping");
    appendStringMap(out, info.mapping);
    out += ',';
    appendKey(out, "parameters");
    appendStringMap(out, info.parameters);
    out += ',';
    appendKey(out, "analysis");
    appendScriptSafeJsonString(out, result.analysisId);
    out += ',';
    appendKey(out, "rows");
    out += "{\"read\":" + QByteArray::number(result.rowsRead)
           + ",\"used\":" + QByteArray::number(result.rowsUsed)
           + ",\"skipped\":" + QByteArray::number(result.rowsSkipped) + "},";
    appendKey(out, "tables");
    out += "[\n";
    for (size_t t = 0; t < result.tables.size(); ++t) {
        if (t)
            out += ",\n";
        appendTable(out, result.tables[t], info.maxRowsPerTable);
    }
    out += "],\n";
    appendKey(out, "quality");
    if (result.quality.columns.isEmpty())
        out += "null";
    else
        appendTable(out, result.quality, info.maxRowsPerTable);
    out += ",\n";
    appendKey(out, "charts");
    out += '[';
    for (qsizetype c = 0; c < result.charts.size(); ++c) {
        if (c)
            out += ',';
        appendChart(out, result.charts[c], result.tables);
    }
    out += "],\n";
    appendKey(out, "alerts");
    out += '[';
    for (qsizetype a = 0; a < result.alerts.size(); ++a) {
        if (a)
            out += ',';
        out += "{\"severity\":\"";
        out += severityName(result.alerts[a].severity);
        out += "\",\"message\":";
        appendScriptSafeJsonString(out, result.alerts[a].message);
        out += '}';
    }
    out += "],\n";
    appendKey(out, "warnings");
    appendStringList(out, result.warnings);
    out += "}";
    return out;
}

} // namespace finpipe::outputs
