#include "analysis.h"

#include "analysis/banktransactions.h"
#include "analysis/stationpivot.h"
#include "analysis/salessummary.h"
#include "analysis/profile.h"
#include "analysis/timeseriesreport.h"

namespace finpipe::analysis {

QString aggregationName(Aggregation a)
{
    switch (a) {
    case Aggregation::Mean: return QStringLiteral("mean");
    case Aggregation::Median: return QStringLiteral("median");
    case Aggregation::Sum: return QStringLiteral("sum");
    case Aggregation::First: return QStringLiteral("first");
    case Aggregation::Min: return QStringLiteral("min");
    case Aggregation::Max: return QStringLiteral("max");
    case Aggregation::Count: return QStringLiteral("count");
    }
    return QStringLiteral("mean");
}

std::optional<Aggregation> aggregationFromName(const QString &name)
{
    const QString n = name.trimmed().toLower();
    for (Aggregation a : {Aggregation::Mean, Aggregation::Median, Aggregation::Sum, Aggregation::First,
                          Aggregation::Min, Aggregation::Max, Aggregation::Count}) {
        if (aggregationName(a) == n)
            return a;
    }
    if (n == u"average" || n == u"avg")
        return Aggregation::Mean;
    return std::nullopt;
}

// The registry: one line per analysis. Keep it in this file so that adding an analysis is a
// one-line change here plus its own files.
std::unique_ptr<Analysis> createAnalysis(const QString &analysisId)
{
    if (analysisId == u"station_pivot")
        return std::make_unique<StationPivotAnalysis>();
    if (analysisId == u"sales_summary")
        return std::make_unique<SalesSummary>();
    if (analysisId == u"profile")
        return std::make_unique<Profile>();
    if (analysisId == u"timeseries_report")
        return std::make_unique<TimeSeriesReport>();
    if (analysisId == u"bank_transactions")
        return std::make_unique<BankTransactions>();
    return nullptr;
}

} // namespace finpipe::analysis
