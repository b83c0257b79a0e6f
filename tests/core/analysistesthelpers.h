#pragma once

// Helpers for the analysis tests (sales summary, profile, time-series report): building row
// batches by hand, recording the audit lineage, and finding cells in result tables.

#include "analysis/analysis.h"
#include "ingest/reader.h"
#include "ingest/value.h"

#include <QDate>
#include <QStringList>

#include <charconv>
#include <memory>
#include <string>
#include <vector>

namespace finpipe::test {

//! Keeps every lineage record, as the audit_lineage.csv writer would see it.
class RecordingLineage : public analysis::LineageSink
{
public:
    struct Record {
        qint64 row = 0;
        QStringList fields;
        QString hash;
        analysis::RowStatus status = analysis::RowStatus::Used;
        QString reason;
    };
    QStringList fieldNames;
    int setFieldsCalls = 0;
    std::vector<Record> records;

    void setFields(const QStringList &names) override
    {
        fieldNames = names;
        ++setFieldsCalls;
    }
    void add(qint64 sourceRow, const std::string_view *fields, std::string_view rowHash,
             analysis::RowStatus status, std::string_view reason) override
    {
        Record r;
        r.row = sourceRow;
        for (int i = 0; i < fieldNames.size(); ++i)
            r.fields << QString::fromUtf8(fields[i].data(), qsizetype(fields[i].size()));
        r.hash = QString::fromLatin1(rowHash.data(), qsizetype(rowHash.size()));
        r.status = status;
        r.reason = QString::fromUtf8(reason.data(), qsizetype(reason.size()));
        records.push_back(std::move(r));
    }
};

//! Rows of cell texts, as they would be written in a CSV file.
using TextRows = std::vector<std::vector<std::string>>;

//! Types a cell the way a reader would: blank, integer, decimal, ISO date, else text.
inline void setCell(ingest::RowBatch &batch, ingest::Value &v, std::string_view utf8)
{
    v.text = batch.store(utf8);
    const QString text = QString::fromUtf8(utf8.data(), qsizetype(utf8.size()));
    if (text.trimmed().isEmpty()) {
        v.kind = ingest::Value::Kind::Blank;
        return;
    }
    const QDate date = QDate::fromString(text, Qt::ISODate);
    if (text.size() == 10 && date.isValid()) {
        v.kind = ingest::Value::Kind::Date;
        v.msecs = (date.toJulianDay() - 2440588) * 86'400'000;
        return;
    }
    double d = 0;
    const auto [ptr, ec] = std::from_chars(utf8.data(), utf8.data() + utf8.size(), d);
    if (ec == std::errc() && ptr == utf8.data() + utf8.size()) {
        v.kind = utf8.find_first_of(".eE") != std::string_view::npos ? ingest::Value::Kind::Decimal
                                                                      : ingest::Value::Kind::Integer;
        v.number = d;
        return;
    }
    v.kind = ingest::Value::Kind::Text;
}

//! A batch from rows of text; row i gets source line firstLine + i.
inline std::unique_ptr<ingest::RowBatch> makeBatch(int columns, const TextRows &rows, qint64 firstLine = 2)
{
    auto batch = std::make_unique<ingest::RowBatch>();
    batch->reset(columns);
    for (size_t i = 0; i < rows.size(); ++i) {
        batch->appendRow(firstLine + qint64(i));
        for (int c = 0; c < columns; ++c)
            setCell(*batch, batch->at(int(i), c), size_t(c) < rows[i].size() ? std::string_view(rows[i][size_t(c)]) : std::string_view());
    }
    return batch;
}

//! Turns the cells of `batch` that hold an Excel error (#N/A, #DIV/0!, #VALUE!, #REF!, #NAME?,
//! #NUM!, #NULL!) into error values, as the Excel reader reads them from a workbook.
inline void markExcelErrors(ingest::RowBatch &batch)
{
    static const QStringList errors = {QStringLiteral("#N/A"),   QStringLiteral("#DIV/0!"), QStringLiteral("#VALUE!"),
                                       QStringLiteral("#REF!"),  QStringLiteral("#NAME?"),  QStringLiteral("#NUM!"),
                                       QStringLiteral("#NULL!")};
    for (int r = 0; r < batch.rowCount(); ++r)
        for (int c = 0; c < batch.columnCount(); ++c) {
            ingest::Value &v = batch.at(r, c);
            if (errors.contains(v.toString()))
                v.kind = ingest::Value::Kind::Error;
        }
}

//! The one data-quality row (check, column) of `r`, or nullptr when there is none or several.
inline const std::vector<analysis::Cell> *qualityRow(const analysis::AnalysisResult &r, const QString &check,
                                                     const QString &column)
{
    const int cCheck = int(r.quality.columns.indexOf(QStringLiteral("check")));
    const int cColumn = int(r.quality.columns.indexOf(QStringLiteral("column")));
    const std::vector<analysis::Cell> *found = nullptr;
    for (const auto &row : r.quality.rows)
        if (row[size_t(cCheck)].text == check && row[size_t(cColumn)].text == column) {
            if (found)
                return nullptr;
            found = &row;
        }
    return found;
}

inline QList<ingest::ColumnInfo> makeColumns(const QStringList &names)
{
    QList<ingest::ColumnInfo> columns;
    for (const QString &n : names)
        columns.append({n, ingest::ColumnType::Text});
    return columns;
}

inline const analysis::ResultTable *findTable(const analysis::AnalysisResult &r, const QString &id)
{
    for (const auto &t : r.tables) {
        if (t.id == id)
            return &t;
    }
    return nullptr;
}

inline int col(const analysis::ResultTable &t, const QString &name)
{
    return int(t.columns.indexOf(name));
}

//! The rows of the data-quality table whose check is `check` (and column, when given).
inline std::vector<const std::vector<analysis::Cell> *> qualityRows(const analysis::AnalysisResult &r,
                                                                    const QString &check,
                                                                    const QString &column = {})
{
    std::vector<const std::vector<analysis::Cell> *> out;
    const int cCheck = col(r.quality, QStringLiteral("check"));
    const int cColumn = col(r.quality, QStringLiteral("column"));
    for (const auto &row : r.quality.rows) {
        if (row[size_t(cCheck)].text == check && (column.isEmpty() || row[size_t(cColumn)].text == column))
            out.push_back(&row);
    }
    return out;
}

} // namespace finpipe::test
