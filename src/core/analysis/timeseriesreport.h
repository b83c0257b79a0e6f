#pragma once

#include "analysis/analysis.h"
#include "analysis/cellvalues.h"
#include "analysis/qualitylog.h"

#include <vector>

namespace finpipe::analysis {

//! The time-series report for `station_analysis` files (wide tables: Station, Dates, one column
//! per parameter, such as the analysts' "CT Analysis" workbooks). Per station: the readings by
//! date as in the file, a summary per parameter, a chart; data quality with outliers.
//! Parameters are the `parameters` column group (or a comma-joined `parameters` role), else every
//! other column whose cells are numbers (all-blank columns included, so the layout survives).
//! These files are small (one row per day), so the rows are kept until finish().
class TimeSeriesReport final : public Analysis
{
public:
    QString id() const override { return QStringLiteral("timeseries_report"); }
    Result<void> start(const QList<ingest::ColumnInfo> &columns, const detect::ColumnMapping &mapping,
                       const Parameters &parameters) override;
    Result<void> consume(const ingest::RowBatch &batch, LineageSink &lineage, Feedback *feedback) override;
    Result<AnalysisResult> finish(Feedback *feedback) override;

private:
    struct Row {
        int station = 0;
        qint64 msecs = 0;
        qint64 line = 0;
    };
    //! A column that may be a parameter, with what its cells held.
    struct Candidate {
        int column = -1;
        QString name;
        qint64 numbers = 0;
        qint64 others = 0;     // non-blank cells that are not numbers
        QString otherExample;
        std::vector<qint64> otherRows;
    };

    QList<ingest::ColumnInfo> m_columns;
    Parameters m_parameters;
    int m_stationColumn = -1;
    int m_dateColumn = -1;
    bool m_explicitParameters = false;
    std::vector<Candidate> m_candidates;

    QStringList m_fieldNames;
    bool m_fieldsSent = false;
    std::vector<std::string_view> m_fields;
    cells::RowHasher m_hasher;

    cells::Interner m_stations;
    std::vector<bool> m_stationHasTime;
    std::vector<Row> m_rows;
    std::vector<double> m_values; // m_rows.size() x m_candidates.size(); NaN where there is no number
    QualityLog m_quality;
    qint64 m_rowsRead = 0;
    qint64 m_rowsSkipped = 0;
};

} // namespace finpipe::analysis
