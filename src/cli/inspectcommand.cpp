#include "cli.h"

#include "detect/rules.h"
#include "detect/sheetchoice.h"
#include "ingest/fileerrors.h"
#include "ingest/reader.h"
#include "jobs/lineaccount.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace finpipe::cli {

namespace {

//! One worksheet as inspect reads it: the whole sheet, so the row count is exact.
struct SheetCount {
    QString name;
    qint64 rows = 0;
    int columns = 0;
    QString error;
};

struct Inspection {
    ingest::SourceInfo info;
    QList<ingest::ColumnInfo> columns;
    qint64 rows = 0;
    //! xlsx: every worksheet, and why the one read was chosen (when none was named).
    QList<SheetCount> sheets;
    QString sheetReason;
};

//! Reads a table to its end: rows counted, hash computed, column types final.
Result<std::unique_ptr<ingest::TableReader>> readAll(const QString &path, const ingest::ReadOptions &options)
{
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
    return reader;
}

//! Reads the whole table once: rows are counted, the hash computed and the column types final. With
//! no sheet named, a workbook is read from the sheet detection would read (and analyze does).
Result<Inspection> inspect(const QString &path, const QString &sheet)
{
    ingest::ReadOptions options;
    options.sheet = sheet;
    Inspection r;
    if (sheet.trimmed().isEmpty()) {
        ingest::ReadOptions probe;
        probe.computeHash = false;
        auto first = detect::openAnySheet(path, probe);
        if (!first)
            return first.error();
        const ingest::SourceInfo &info = (*first)->info();
        if (info.format == ingest::FileFormat::Xlsx && info.sheets.size() > 1) {
            const detect::Rules rules = detect::Rules::load();
            auto survey = detect::surveySheets(path, info.sheets, probe, rules);
            if (!survey)
                return survey.error();
            options.sheet = survey->sheets[survey->chosen].name;
            r.sheetReason = survey->reason;
        }
    }
    auto reader = readAll(path, options);
    if (!reader)
        return reader.error();
    r.info = (*reader)->info();
    r.columns = (*reader)->columns();
    r.rows = (*reader)->rowsRead();
    for (const QString &name : std::as_const(r.info.sheets)) {
        SheetCount c{name, 0, 0, {}};
        if (name == r.info.sheet) {
            c.rows = r.rows;
            c.columns = int(r.columns.size());
        } else {
            ingest::ReadOptions o;
            o.sheet = name;
            o.computeHash = false;
            auto other = readAll(path, o);
            if (other) {
                c.rows = (*other)->rowsRead();
                c.columns = int((*other)->columns().size());
            } else {
                c.error = other.error().message;
            }
        }
        r.sheets.append(c);
    }
    return r;
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
        QJsonArray sheets;
        for (const SheetCount &c : r.sheets) {
            QJsonObject so{{QStringLiteral("name"), c.name},
                           {QStringLiteral("rows"), c.rows},
                           {QStringLiteral("columns"), c.columns}};
            if (!c.error.isEmpty())
                so.insert(u"error", c.error);
            sheets.append(so);
        }
        o.insert(u"sheets", sheets);
        o.insert(u"sheet", r.info.sheet);
        if (!r.sheetReason.isEmpty())
            o.insert(u"sheet_reason", r.sheetReason);
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
        out() << "  sheet     " << r.info.sheet << '\n';
        if (!r.sheetReason.isEmpty())
            out() << "            " << r.sheetReason << '\n';
        if (r.sheets.size() > 1) {
            out() << "  sheets\n";
            for (const SheetCount &s : r.sheets) {
                out() << "    " << (s.name == r.info.sheet ? "* " : "  ") << s.name << "  ";
                if (s.error.isEmpty())
                    out() << c.toString(s.rows) << (s.rows == 1 ? " row x " : " rows x ") << s.columns
                          << (s.columns == 1 ? " column\n" : " columns\n");
                else
                    out() << "cannot be read: " << s.error << '\n';
            }
        }
        out() << "  header    " << (r.info.hasHeader ? "yes" : "no") << '\n';
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
                                     "the sheet detection would read: the one holding the best-recognised "
                                     "table)."),
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
