#pragma once

#include "analysis/analysis.h"
#include "analysis/cellvalues.h"
#include "analysis/qualitylog.h"

#include <cmath>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace finpipe::analysis {

//! The sales summary for `sales_orders` files: revenue and orders by month, region, product and
//! channel, top products, average order value, fraud rates and lending by month, each total kept
//! per currency. Streams: it keeps aggregates and the set of order ids, never the rows.
class SalesSummary final : public Analysis
{
public:
    //! The roles, in the order their fields appear in the audit lineage and the row hash.
    enum Role {
        OrderId, OrderDate, Revenue, Quantity, UnitPrice, Region, Country, ProductCategory,
        ProductSubcategory, ProductId, ProductName, Currency, CustomerId, Channel, InterestRate,
        LoanAmount, TransactionFee, FraudFlag, RoleCount
    };
    static QString roleName(Role role);

    QString id() const override { return QStringLiteral("sales_summary"); }
    Result<void> start(const QList<ingest::ColumnInfo> &columns, const detect::ColumnMapping &mapping,
                       const Parameters &parameters) override;
    Result<void> consume(const ingest::RowBatch &batch, LineageSink &lineage, Feedback *feedback) override;
    Result<AnalysisResult> finish(Feedback *feedback) override;

    //! Text shown for amounts whose currency is unknown.
    static QString unspecifiedCurrency() { return QStringLiteral("(unspecified)"); }
    //! Text shown for a blank category, region, channel or product.
    static QString blankKey() { return QStringLiteral("(blank)"); }

private:
    struct Totals {
        double revenue = 0;
        qint64 orders = 0;
        double quantity = 0;
        // Fraud: only orders whose flag could be read count towards the rates.
        qint64 checkedOrders = 0;
        qint64 flaggedOrders = 0;
        double checkedRevenue = 0;
        double flaggedRevenue = 0;
    };
    struct MonthTotals {
        double revenue = 0;
        qint64 orders = 0;
        double quantity = 0;
        double fees = 0;
        qint64 loans = 0;
        double loanAmount = 0;
        double rateSum = 0;
        qint64 rates = 0;
    };
    struct ProductTotals {
        double revenue = 0;
        qint64 orders = 0;
        double quantity = 0;
        int name = -1;
    };
    struct OrderValue {
        double revenue = 0;
        qint64 orders = 0;
        double smallest = 0;
        double largest = 0;
    };
    //! One "revenue by X" breakdown: keys interned, totals per (currency, key).
    struct Breakdown {
        Role role = Region;
        cells::Interner keys;
        std::unordered_map<quint64, Totals> totals;
    };

    static quint64 pairKey(int currency, int key) { return (quint64(quint32(currency)) << 32) | quint32(key); }
    int column(Role r) const { return m_columns[size_t(r)]; }
    bool mapped(Role r) const { return m_columns[size_t(r)] >= 0; }
    QString columnName(Role r) const;
    //! A total of role `r` rounded to the precision of that role's inputs.
    double rounded(double v, Role r) const { return cells::roundTo(v, m_decimals[size_t(r)]); }
    //! That total as a result cell: whole numbers when the inputs were whole (quantities).
    Cell totalCell(double v, Role r) const
    {
        const double t = rounded(v, r);
        return m_decimals[size_t(r)] == 0 && std::abs(t) < 9.0e15 ? Cell::integer(qint64(t)) : Cell::num(t);
    }
    void noteDecimals(Role r, double v) { m_decimals[size_t(r)] = cells::decimalsOf(v, m_decimals[size_t(r)]); }
    //! Reads an optional amount; notes an unparseable one in the quality log.
    bool optionalNumber(const ingest::RowBatch &batch, int row, Role r, double &out);

    ResultTable breakdownTable(const Breakdown &b, const QString &id, const QString &title,
                               const QString &keyHeader, bool withSubcategory) const;
    ResultTable fraudTable(const Breakdown &b, const QString &id, const QString &title,
                           const QString &keyHeader) const;

    QList<ingest::ColumnInfo> m_fileColumns;
    Parameters m_parameters;
    std::vector<int> m_columns;         // per Role: column index or -1
    std::vector<int> m_decimals;        // per Role: decimals its values need
    std::vector<Role> m_fieldRoles;     // mapped roles, in role order
    QStringList m_fieldNames;
    bool m_fieldsSent = false;
    std::vector<std::string_view> m_fields;
    cells::RowHasher m_hasher;
    std::string m_keyBuffer;

    QualityLog m_quality;
    cells::Interner m_currencies;
    std::map<std::pair<qint64, int>, MonthTotals> m_months; // (month start, currency)
    std::vector<Breakdown> m_breakdowns;                     // region, country, category, subcategory, channel
    cells::Interner m_productKeys;
    cells::Interner m_productNames;
    std::unordered_map<quint64, ProductTotals> m_products;
    std::unordered_map<int, OrderValue> m_orderValues;       // per currency
    cells::FingerprintSet m_orderIds;
    qint64 m_duplicateIds = 0;
    bool m_blankCurrency = false;

    qint64 m_firstDate = 0; // of the used rows
    qint64 m_lastDate = 0;
    qint64 m_rowsRead = 0;
    qint64 m_rowsUsed = 0;
    qint64 m_rowsSkipped = 0;
};

} // namespace finpipe::analysis
