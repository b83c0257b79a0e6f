#pragma once

#include "analysis/analysis.h"
#include "analysis/bankcategories.h"
#include "analysis/bankreconcile.h"
#include "analysis/bankrecurring.h"
#include "analysis/cellvalues.h"
#include "analysis/qualitylog.h"

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace finpipe::analysis {

//! The analysis of bank and card statements (`bank_transactions` files): money in and out by
//! month, the running balance reconciled against the amounts, counterparties with their
//! descriptions normalised, payments that recur, spending by category, and suspected duplicate
//! bookings. Streams: it keeps per-month, per-day and per-counterparty state, never the rows.
class BankTransactions final : public Analysis
{
public:
    //! The roles, in the order their fields appear in the audit lineage and the row hash.
    enum Role { BookingDate, ValueDate, Description, Amount, Debit, Credit, Balance, Currency, Reference, Category,
                Account, Direction, RoleCount };
    static QString roleName(Role role);

    //! The category keywords; by default the shipped categories.json and the user's rules folder's.
    void setCategories(const bank::Categories &categories) { m_categories = categories; m_categoriesSet = true; }

    QString id() const override { return QStringLiteral("bank_transactions"); }
    Result<void> start(const QList<ingest::ColumnInfo> &columns, const detect::ColumnMapping &mapping,
                       const Parameters &parameters) override;
    Result<void> consume(const ingest::RowBatch &batch, LineageSink &lineage, Feedback *feedback) override;
    Result<AnalysisResult> finish(Feedback *feedback) override;

    static QString unspecifiedCurrency() { return QStringLiteral("(unspecified)"); }

private:
    struct MonthTotals {
        double in = 0;
        double out = 0; // positive
        qint64 count = 0;
    };
    struct CounterpartyTotals {
        double in = 0;
        double out = 0;
        qint64 count = 0;
        qint64 firstDay = 0;
        qint64 lastDay = 0;
        int category = -1; // index into m_categoryNames
        bank::Occurrences outgoing;
        bank::Occurrences incoming;
    };
    //! One account and currency: its balance checked under both orders, its first and last rows.
    struct Ledger {
        bank::BalanceChain oldestFirst{false};
        bank::BalanceChain newestFirst{true};
        qint64 rows = 0;
        qint64 balances = 0;
        double sum = 0;
        double in = 0;
        double out = 0;
        qint64 firstDate = 0, lastDate = 0;      // of the first and last rows in file order
        qint64 minDate = 0, maxDate = 0;
        // The first and last rows with a balance, in file order, and the amounts around them.
        double firstBalance = 0, firstBalanceAmount = 0, sumBeforeFirst = 0;
        double lastBalance = 0, lastBalanceAmount = 0, sumAfterLast = 0;
        //! day -> (balance of the first row that day in file order, of the last row that day).
        std::map<qint64, std::pair<double, double>> dayBalances;
        //! day -> net of the day's amounts (the balance chart without a balance column).
        std::map<qint64, double> dayNet;
    };

    //! One account and currency as the tables show it: its order and the chain that checks it.
    struct LedgerView {
        int account, currency;
        const Ledger *ledger;
        bool newestFirst;
        const bank::BalanceChain *chain;
        QString orderWhy; //!< what the order was found from
    };
    struct CpEntry {
        int currency, name;
        const CounterpartyTotals *t;
    };
    //! What finish()'s table builders share.
    struct Summary {
        AnalysisResult result;
        std::vector<int> currencies; //!< by code
        QString currencyNote;        //!< " (GBP)" when there is one currency
        std::vector<LedgerView> ledgers;
        std::vector<double> openings, closings; //!< per ledger; NaN without balances
        qint64 totalBreaks = 0;
        std::vector<CpEntry> counterparties; //!< top first, per currency
        qint64 recurringOut = 0;
    };
    void addWarnings(Summary &s) const;
    void addCashflow(Summary &s) const;
    void findLedgers(Summary &s) const;
    void addReconciliation(Summary &s) const;
    void addVerdict(Summary &s) const;
    void addBalanceByDay(Summary &s) const;
    void addCounterparties(Summary &s) const;
    void addRecurring(Summary &s) const;
    void addCategories(Summary &s) const;
    void addHeadline(Summary &s) const;
    void addQuality(Summary &s) const;
    Cell amountCell(double v) const { return Cell::num(rounded(v) + 0.0); } // + 0.0: never "-0.0"
    QString currencyText(int c) const;
    QString accountText(int a) const;

    static quint64 pairKey(int a, int b) { return (quint64(quint32(a)) << 32) | quint32(b); }
    int column(Role r) const { return m_columns[size_t(r)]; }
    bool mapped(Role r) const { return m_columns[size_t(r)] >= 0; }
    QString columnName(Role r) const;
    double rounded(double v) const { return cells::roundTo(v, m_decimals); }
    //! The row's signed amount (money in positive), or why not.
    bool amountOfRow(const ingest::RowBatch &batch, int row, double &amount, QString &why);
    void noteUnparseable(Role r, const ingest::Value &v, qint64 line, const QString &consequence);
    int categoryIndex(const QString &name);

    QList<ingest::ColumnInfo> m_fileColumns;
    Parameters m_parameters;
    bank::Categories m_categories;
    bool m_categoriesSet = false;
    QStringList m_categoryProblems;
    std::vector<int> m_columns;
    std::vector<Role> m_fieldRoles;
    QStringList m_fieldNames;
    bool m_fieldsSent = false;
    std::vector<std::string_view> m_fields;
    cells::RowHasher m_hasher;
    int m_decimals = 2;

    QualityLog m_quality;
    cells::Interner m_currencies;
    cells::Interner m_accounts;
    cells::Interner m_counterpartyNames;
    QStringList m_categoryNames;
    std::map<std::pair<qint64, int>, MonthTotals> m_months;          // (month start, currency)
    std::unordered_map<quint64, CounterpartyTotals> m_counterparties; // (currency, counterparty)
    std::unordered_map<quint64, Ledger> m_ledgers;                    // (account, currency)
    std::map<std::pair<int, int>, MonthTotals> m_categoryTotals;      // (currency, category)
    cells::FingerprintSet m_bookings; // date|amount|counterparty|currency, for duplicates
    std::string m_keyBuffer;
    bool m_blankCurrency = false;

    qint64 m_rowsRead = 0;
    qint64 m_rowsUsed = 0;
    qint64 m_rowsSkipped = 0;
    qint64 m_duplicates = 0;
};

} // namespace finpipe::analysis
