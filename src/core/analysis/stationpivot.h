#pragma once

#include "analysis/analysis.h"
#include "analysis/dataquality.h"
#include "common/spillfile.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace finpipe::analysis {

//! A station_analysis layout (a template workbook or CSV) fixing one station's table columns.
struct StationTemplate {
    QString fileName;      //!< as the analyst knows it, for messages
    QString station;       //!< from the template's Station column
    QStringList parameters; //!< parameter columns, in the template's order
};

//! Reads a template's layout: its Station column gives the station, the columns other than the
//! station and date columns are the parameters, in order.
Result<StationTemplate> loadStationTemplate(const QString &path);

//! station_readings -> one table per station: rows are calendar days with data, columns the
//! parameters, cells the aggregate of the day's values. Streams; memory follows the number of
//! cells (station x day x parameter), not of rows: per-row facts needed again at the end (key times
//! for the duplicate check, values for the outlier check) go to temporary files. Only the median
//! keeps every value of a cell in memory, as an exact median must.
class StationPivotAnalysis : public Analysis
{
public:
    StationPivotAnalysis();
    ~StationPivotAnalysis() override;

    QString id() const override { return QStringLiteral("station_pivot"); }
    Result<void> start(const QList<ingest::ColumnInfo> &columns, const detect::ColumnMapping &mapping,
                       const Parameters &parameters) override;
    Result<void> consume(const ingest::RowBatch &batch, LineageSink &lineage, Feedback *feedback) override;
    Result<AnalysisResult> finish(Feedback *feedback) override;

    //! Rows of out-of-order cells the duplicate-key check holds in memory at once (default 2
    //! million, 16 MB); more take further passes over the temporary file.
    void setDuplicateCheckBudget(qint64 rows) { m_rowsPerPass = qMax<qint64>(1, rows); }

private:
    //! Headline cards from the finished tables and quality checks.
    void addKpis(AnalysisResult &result);

    struct Accumulator {
        double sum = 0;
        double compensation = 0; // Kahan term: pandas' group mean sums this way
        double min = 0;
        double max = 0;
        double first = 0;
        qint64 count = 0;
        std::vector<double> values; // only for the median
        // The duplicate-key check. Readings usually arrive in time order, so a cell only needs its
        // latest time: a repeat of it is a duplicate. A cell whose times go backwards is
        // "disordered" and is checked at the end against every time it had (m_keyTimes).
        qint64 keyed = 0;          // rows with this cell's station, day and parameter
        qint64 duplicates = 0;     // while in order
        quint32 index = 0;         // the cell's number in m_keyTimes
        quint32 lastMs = 0;        // latest time of day, while in order
        bool disordered = false;
    };
    struct KeyTime {
        quint32 cell;
        quint32 msOfDay;
    };
    struct Interned {
        struct Hash {
            using is_transparent = void;
            size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
        };
        std::unordered_map<std::string, int, Hash, std::equal_to<>> ids;
        std::vector<std::string> names;
        int id(std::string_view s);
    };
    struct Prepared; // per-row results of the parallel phase

    void prepare(const ingest::RowBatch &batch, int begin, int end, Prepared &out) const;
    static quint64 cellKey(int station, int parameter, qint64 day)
    {
        return (quint64(quint32(station)) << 48) | (quint64(quint32(parameter) & 0xffff) << 32)
               | quint64(quint32(qint32(day)));
    }

    QList<ingest::ColumnInfo> m_columns;
    Parameters m_params;
    int m_station = -1, m_time = -1, m_parameter = -1, m_value = -1, m_validated = -1;
    QStringList m_fieldNames;
    QStringList m_warnings;

    QList<StationTemplate> m_templates;
    // station id -> template index (or -1), filled as stations appear
    std::vector<int> m_stationTemplate;
    // (station id, parameter id) excluded by the station's template
    std::vector<std::vector<char>> m_excluded;
    std::vector<std::vector<qint64>> m_excludedRows;

    // Reused across batches: formatted fields and hashes of the batch being consumed.
    std::unique_ptr<Prepared> m_prepared;

    static constexpr size_t kParamCacheSize = 64;
    struct CachedCode {
        int id = -1;
        std::string text;
    };
    CachedCode m_paramCache[kParamCacheSize];

    Interned m_stations;
    Interned m_parameters;
    std::unordered_map<quint64, Accumulator> m_cells;
    quint32 m_cellCount = 0;
    std::vector<qint64> m_duplicateExamples; // source rows of the first duplicates found in time order
    qint64 m_rowsPerPass = 2'000'000;
    // Every keyed row's (cell, time of day), on disk: read back only if some cell is disordered.
    RecordSpill<KeyTime> m_keyTimes;
    Result<qint64> disorderedDuplicates(Feedback *feedback);
    // parameter id -> outlier group in m_quality
    std::vector<int> m_paramGroups;
    DataQuality m_quality;
    qint64 m_rowsRead = 0;
    qint64 m_rowsUsed = 0;
    qint64 m_rowsSkipped = 0;
};

} // namespace finpipe::analysis
