#pragma once

#include "analysis/analysis.h"
#include "analysis/cellvalues.h"
#include "analysis/qualitylog.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace finpipe::analysis {

//! The profile for `generic_table` files, so that even an unrecognised file yields something
//! useful: per column its type, blanks, distinct values, min/max/mean and most frequent values.
//! Streams; per column it keeps counters and at most kDistinctCap distinct values.
class Profile final : public Analysis
{
public:
    //! Distinct values are counted exactly up to this many per column; beyond, the count is a floor.
    static constexpr int kDistinctCap = 100'000;
    //! Values listed per column in `top_values`.
    static constexpr int kTopValues = 5;

    QString id() const override { return QStringLiteral("profile"); }
    Result<void> start(const QList<ingest::ColumnInfo> &columns, const detect::ColumnMapping &mapping,
                       const Parameters &parameters) override;
    Result<void> consume(const ingest::RowBatch &batch, LineageSink &lineage, Feedback *feedback) override;
    Result<AnalysisResult> finish(Feedback *feedback) override;

private:
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    struct Column {
        qint64 blank = 0;
        qint64 integers = 0;
        qint64 decimals = 0;
        qint64 dates = 0;
        qint64 dateTimes = 0;
        qint64 booleans = 0;
        qint64 texts = 0; // text and unreadable cells
        // Numbers: the sum is compensated (Kahan) so that the mean of long columns stays exact.
        qint64 numbers = 0;
        double sum = 0;
        double sumCarry = 0;
        double min = 0;
        double max = 0;
        qint64 temporals = 0;
        qint64 minMsecs = 0;
        qint64 maxMsecs = 0;
        bool timeOfDay = false;
        std::unordered_map<std::string, qint64, Hash, std::equal_to<>> counts;
        bool capped = false;
        qint64 uncounted = 0; // values not tallied once the cap was reached
    };
    static QString typeOf(const Column &c);

    QList<ingest::ColumnInfo> m_columns;
    Parameters m_parameters;
    std::vector<Column> m_stats;
    QualityLog m_quality;
    bool m_fieldsSent = false;
    std::vector<std::string_view> m_cells;
    cells::RowHasher m_hasher;
    qint64 m_rows = 0;
};

} // namespace finpipe::analysis
