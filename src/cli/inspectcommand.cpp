#include "cli.h"

#include "ingest/fileerrors.h"
#include "ingest/reader.h"
#include "jobs/lineaccount.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace finpipe::cli {

namespace {

struct Inspection {
    ingest::SourceInfo info;
    QList<ingest::ColumnInfo> columns;
    qint64 rows = 0;
};

//! Reads the whole table once: rows are counted, the hash computed and the column types final.
Result<Inspection> inspect(const QString &path, const QString &sheet)
{
    ingest::ReadOptions options;
    options.sheet = sheet;
    auto reader = ingest::TableReader::open(path, options);
    if (!reader)
        return reader.error();
    ingest::RowBatch batch;
    for (;;) {
        auto more = (*reader)->readBatch(batch);
        if (!more)
            return more.error();
        if (!*more)
            break;
    }
    return Inspection{(*reader)->info(), (*reader)->columns(), (*reader)->rowsRead()};
}

QString delimiterName(QChar d)
{
    if (d == u'\t')
        return QStringLiteral("tab");
    return QStringLiteral("\"%1\"").arg(d);
}

QJsonObject toJson(const Inspection &r)
{
    const bool csv = r.info.format == ingest::FileFormat::Csv;
    QJsonObject o;
    o.insert(u"file", r.info.path);
    o.insert(u"format", csv ? QStringLiteral("csv") : QStringLiteral("xlsx"));
    o.insert(u"sha256", r.info.sha256);
    o.insert(u"size", r.info.size);
    o.insert(u"header", r.info.hasHeader);
    o.insert(u"encoding", r.info.encoding);
    if (csv) {
        o.insert(u"delimiter", QString(r.info.delimiter));
        o.insert(u"quote", r.info.quote.isNull() ? QString() : QString(r.info.quote));
        o.insert(u"decimal_comma", r.info.decimalComma);
        o.insert(u"skipped_lines", r.info.skippedLines);
    } else {
        o.insert(u"sheets", QJsonArray::fromStringList(r.info.sheets));
        o.insert(u"sheet", r.info.sheet);
    }
    o.insert(u"rows", r.rows);
    QJsonArray columns;
    for (const ingest::ColumnInfo &c : r.columns)
        columns.append(QJsonObject{{QStringLiteral("name"), c.name},
                                   {QStringLiteral("type"), ingest::columnTypeName(c.type)}});
    o.insert(u"columns", columns);
    // Every line the reader did not hand out as a row, by reason, with the first lines of each.
    o.insert(u"left_out", jobs::leftOutToJson(r.info.skipped));
    o.insert(u"left_out_total", jobs::linesLeftOut(r.info.skipped));
    QJsonArray moreTables;
    for (qint64 line : r.info.moreTablesAt)
        moreTables.append(line);
    o.insert(u"more_tables_at", moreTables);
    o.insert(u"warnings", QJsonArray::fromStringList(r.info.warnings));
    return o;
}

void printHuman(const Inspection &r)
{
    const bool csv = r.info.format == ingest::FileFormat::Csv;
    const QLocale c = QLocale::c();
    out() << ingest::displayName(r.info.path) << ": " << (csv ? "CSV" : "Excel workbook") << ", "
          << c.toString(r.rows) << " rows x " << r.columns.size() << " columns\n";
    out() << "  size      " << c.toString(r.info.size) << " bytes\n";
    out() << "  sha256    " << r.info.sha256 << '\n';
    if (csv) {
        out() << "  encoding  " << r.info.encoding << '\n';
        out() << "  delimiter " << delimiterName(r.info.delimiter) << ", decimal "
              << (r.info.decimalComma ? "comma" : "point") << ", header " << (r.info.hasHeader ? "yes" : "no");
        if (r.info.skippedLines)
            out() << ", " << r.info.skippedLines << " line(s) skipped above it";
        out() << '\n';
    } else {
        out() << "  sheet     " << r.info.sheet << " (of " << r.info.sheets.join(QStringLiteral(", "))
              << ")\n  header    " << (r.info.hasHeader ? "yes" : "no") << '\n';
    }
    if (const qint64 total = jobs::linesLeftOut(r.info.skipped); total > 0) {
        out() << "  left out  " << c.toString(total) << (total == 1 ? " line" : " lines") << '\n';
        for (const ingest::SkippedSummary &s : r.info.skipped) {
            if (s.count <= 0)
                continue;
            QStringList lines;
            for (qint64 line : s.examples)
                lines << c.toString(line);
            out() << "    " << c.toString(s.count) << " x " << ingest::skipReasonText(s.reason)
                  << (s.count == 1 ? " (line " : " (lines ") << lines.join(QStringLiteral(", "))
                  << (s.count > qint64(s.examples.size()) ? ", ...)" : ")") << '\n';
        }
    }
    if (!r.info.moreTablesAt.isEmpty()) {
        QStringList lines;
        for (qint64 line : r.info.moreTablesAt)
            lines << c.toString(line);
        out() << "  more tables follow, from line" << (lines.size() == 1 ? " " : "s ")
              << lines.join(QStringLiteral(", ")) << " (only the first was read)\n";
    }
    out() << "  columns\n";
    qsizetype width = 4;
    for (const ingest::ColumnInfo &col : r.columns)
        width = std::max(width, col.name.size());
    for (const ingest::ColumnInfo &col : r.columns)
        out() << "    " << col.name.leftJustified(width + 2) << ingest::columnTypeName(col.type) << '\n';
    if (!r.info.warnings.isEmpty()) {
        out() << "  warnings\n";
        for (const QString &w : r.info.warnings)
            out() << "    - " << w << '\n';
    }
}

} // namespace

//! `finpipe-cli inspect FILE [--sheet NAME|INDEX] [--json]`: what the reader finds in a file.
int runInspect(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Show what finpipe reads in a CSV or Excel file: format, encoding, delimiter, "
                       "header, rows, column names and types, SHA-256 and warnings."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The CSV, .xlsx or .xlsm file."));
    parser.addOption({QStringLiteral("sheet"),
                      QStringLiteral("Excel: the worksheet to read, by name or 1-based index (default: "
                                     "the first worksheet)."),
                      QStringLiteral("NAME|INDEX")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON object.")});
    if (!parser.parse(QStringList{QStringLiteral("inspect")} + args))
        return usageError(QStringLiteral("inspect"), parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        return Ok;
    }
    const QStringList files = parser.positionalArguments();
    if (files.size() != 1)
        return usageError(QStringLiteral("inspect"),
                          files.isEmpty() ? QStringLiteral("name the file to inspect.")
                                          : QStringLiteral("inspect one file at a time."));
    auto result = inspect(files.first(), parser.value(QStringLiteral("sheet")));
    if (!result)
        return fail(result.error());
    if (parser.isSet(QStringLiteral("json")))
        out() << QJsonDocument(toJson(*result)).toJson(QJsonDocument::Indented);
    else
        printHuman(*result);
    out().flush();
    return Ok;
}

} // namespace finpipe::cli
