#pragma once

#include "analysis/resulttable.h"
#include "common/feedback.h"
#include "common/result.h"
#include "detect/mapping.h"
#include "ingest/reader.h"

#include <QStringList>

#include <memory>
#include <optional>
#include <string_view>

namespace finpipe::analysis {

enum class Aggregation { Mean, Median, Sum, First, Min, Max, Count };
QString aggregationName(Aggregation a);                 //!< "mean", "median", ...
std::optional<Aggregation> aggregationFromName(const QString &name);

//! The analysis parameters an analyst can set (CLI flags, the detection dialog).
struct Parameters {
    Aggregation aggregation = Aggregation::Mean;
    //! station_analysis workbooks/CSVs whose columns fix a station's table layout.
    QStringList templates;
    //! Use only rows whose `validated` role is truthy (when the file has one).
    bool onlyValidated = false;
    //! Data-quality thresholds.
    double blankRateAlert = 0.20;
    int outlierCountAlert = 10;
    double outlierZ = 3.0;
};

//! What happened to an input row, for the audit lineage.
enum class RowStatus { Used, Skipped };

//! Receives one audit-lineage record per input data row, in input order.
//! The file it writes has the columns: row, <field names>, row_hash, status, reason.
class LineageSink
{
public:
    virtual ~LineageSink() = default;
    //! Called once, before any add(): the names of the mapped fields written per row.
    virtual void setFields(const QStringList &fieldNames) = 0;
    //! `fields` has one entry per field name; `rowHash` is 64 lower-case hex digits.
    //! `reason` is empty for used rows, else in the analyst's words ("blank value").
    virtual void add(qint64 sourceRow, const std::string_view *fields, std::string_view rowHash,
                     RowStatus status, std::string_view reason) = 0;
};

//! One kind of analysis. The pipeline calls start(), then consume() for every batch in file order,
//! then finish(). Columns are resolved through the validated mapping only; an analysis never
//! guesses columns itself.
class Analysis
{
public:
    virtual ~Analysis() = default;
    //! "station_pivot", "sales_summary", "timeseries_report", "profile".
    virtual QString id() const = 0;
    virtual Result<void> start(const QList<ingest::ColumnInfo> &columns,
                               const detect::ColumnMapping &mapping, const Parameters &parameters) = 0;
    virtual Result<void> consume(const ingest::RowBatch &batch, LineageSink &lineage,
                                 Feedback *feedback) = 0;
    virtual Result<AnalysisResult> finish(Feedback *feedback) = 0;
};

//! The analysis a rules type maps to ("station_pivot" for station_readings, ...); nullptr if none.
std::unique_ptr<Analysis> createAnalysis(const QString &analysisId);

} // namespace finpipe::analysis
