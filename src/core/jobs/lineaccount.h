#pragma once

#include "analysis/analysis.h"
#include "analysis/resulttable.h"
#include "ingest/reader.h"
#include "ingest/value.h"

#include <QJsonArray>
#include <QList>
#include <QString>

#include <deque>
#include <string>
#include <vector>

// Every line of the input accounted for: the lines a reader leaves out of the table (metadata
// above the header, comments, blank lines, rows of the wrong width, footers, further tables) join
// the rows an analysis reports, in the audit lineage, the manifest and the data-quality table.
namespace finpipe::jobs {

//! A lineage sink that slips the reader's left-out lines in between the analysis's rows, in line
//! order, so that audit_lineage.csv lists every line of the file once. Holds only the left-out
//! lines of the batches not yet consumed.
class LineAccountingSink : public analysis::LineageSink
{
public:
    explicit LineAccountingSink(analysis::LineageSink &inner) : m_inner(inner) {}

    //! The left-out lines of the batch about to be consumed (in file order).
    void queue(const std::vector<ingest::SkippedLine> &lines);
    //! Writes every queued line (at the end of the file).
    void flush();
    //! Left-out lines written to the lineage so far.
    qint64 written() const { return m_written; }

    //! The rows the analysis skipped, by its reason, in the order each reason first came.
    struct SkipReasonCount {
        QString reason;
        qint64 count = 0;
        std::vector<qint64> examples; //!< the first few rows
    };
    const std::vector<SkipReasonCount> &skippedByReason() const { return m_skippedByReason; }

    void setFields(const QStringList &fieldNames) override;
    void add(qint64 sourceRow, const std::string_view *fields, std::string_view rowHash,
             analysis::RowStatus status, std::string_view reason) override;

private:
    void writeBefore(qint64 line);

    analysis::LineageSink &m_inner;
    std::deque<ingest::SkippedLine> m_pending;
    std::vector<std::string_view> m_blankFields;
    bool m_fieldsSet = false;
    qint64 m_written = 0;
    std::vector<SkipReasonCount> m_skippedByReason;
    std::string m_lastReason;      // the reason of the latest skipped row, and its index above:
    size_t m_lastReasonIndex = 0;  // rows skipped for one reason often come in runs
};

//! Lines left out, summed over every reason.
qint64 linesLeftOut(const QList<ingest::SkippedSummary> &skipped);

//! Adds one "skipped rows" row per reason to the data-quality table (check "skipped rows", the
//! reason as scope, the count, its share of `linesTotal`, example lines), and an alert that names
//! them, so that the table's skipped rows add up to the manifest's.
void addLeftOutLines(const QList<ingest::SkippedSummary> &skipped, qint64 linesTotal,
                     analysis::AnalysisResult &result);

//! Adds one "skipped rows" row per reason the analysis skipped rows for (check "skipped rows",
//! the reason as scope, the count, its share of `rowsRead`, example rows), an alert that names
//! them, and a "row count" row that says read = used + skipped. Call after addLeftOutLines().
void addSkippedRows(const std::vector<LineAccountingSink::SkipReasonCount> &byReason, qint64 rowsRead,
                    qint64 rowsUsed, qint64 rowsSkipped, analysis::AnalysisResult &result);

//! The manifest's form: [{"reason", "count", "lines"}], by reason.
QJsonArray leftOutToJson(const QList<ingest::SkippedSummary> &skipped);

} // namespace finpipe::jobs
