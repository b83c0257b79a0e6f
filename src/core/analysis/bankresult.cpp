// BankTransactions::finish(): the result tables, charts, headline figures and alerts.
#include "banktransactions.h"

#include "common/humannumbers.h"

#include "ingest/valueparser.h"

#include <algorithm>
#include <cmath>

namespace finpipe::analysis {

namespace {

using ingest::values::kMsecsPerDay;

//! Takes a column out of a table (the account column of a statement without one).
void dropColumn(ResultTable &t, const QString &name)
{
    const qsizetype i = t.columns.indexOf(name);
    if (i < 0)
        return;
    t.columns.removeAt(i);
    for (auto &row : t.rows)
        row.erase(row.begin() + i);
}

Cell dayCell(qint64 day)
{
    return Cell::date(day * kMsecsPerDay);
}

} // namespace

QString BankTransactions::currencyText(int c) const
{
    return cells::qs(m_currencies.text(c));
}

QString BankTransactions::accountText(int a) const
{
    return cells::qs(m_accounts.text(a));
}

Result<AnalysisResult> BankTransactions::finish(Feedback *feedback)
{
    Q_UNUSED(feedback);
    Summary s;
    s.result.analysisId = id();
    s.result.rowsRead = m_rowsRead;
    s.result.rowsUsed = m_rowsUsed;
    s.result.rowsSkipped = m_rowsSkipped;
    s.currencies.resize(size_t(m_currencies.size()));
    for (int i = 0; i < m_currencies.size(); ++i)
        s.currencies[size_t(i)] = i;
    std::sort(s.currencies.begin(), s.currencies.end(),
              [this](int a, int b) { return m_currencies.text(a) < m_currencies.text(b); });
    // One currency: titles name it ("End-of-day balance (GBP)"); an unnamed one is left out of them.
    if (s.currencies.size() == 1 && currencyText(s.currencies.front()) != unspecifiedCurrency())
        s.currencyNote = QStringLiteral(" (%1)").arg(currencyText(s.currencies.front()));

    addWarnings(s);
    addCashflow(s);
    findLedgers(s);
    addReconciliation(s);
    addVerdict(s);
    addBalanceByDay(s);
    addCounterparties(s);
    addRecurring(s);
    addCategories(s);
    addHeadline(s);
    addQuality(s);
    return std::move(s.result);
}

//! How the amounts were read, currencies, skipped rows, problems with the category files.
void BankTransactions::addWarnings(Summary &s) const
{
    AnalysisResult &result = s.result;
    const std::vector<int> &currencies = s.currencies;
    result.warnings << (mapped(Amount) && mapped(Direction)
                            ? QStringLiteral("Amounts are read from \"%1\", signed by the debit/credit indicator in "
                                             "\"%2\".")
                                  .arg(columnName(Amount), columnName(Direction))
                        : mapped(Amount)
                            ? QStringLiteral("Amounts are read from one signed column, \"%1\" (money in positive, "
                                             "money out negative).")
                                  .arg(columnName(Amount))
                            : QStringLiteral("Amounts are read from a debit column, \"%1\" (money out), and a credit "
                                             "column, \"%2\" (money in).")
                                  .arg(columnName(Debit), columnName(Credit)));
    if (!mapped(Currency))
        result.warnings << QStringLiteral("No currency column is mapped, so all amounts are taken to be in one "
                                          "currency, shown as \"(unspecified)\".");
    else if (m_blankCurrency)
        result.warnings << QStringLiteral("Some rows have a blank currency; their amounts are totalled apart, as "
                                          "\"(unspecified)\".");
    if (currencies.size() > 1)
        result.warnings << QStringLiteral("The statement holds %1 currencies; every total is given per currency and "
                                          "amounts in different currencies are never added together.")
                               .arg(currencies.size());
    if (m_rowsSkipped > 0)
        result.warnings << QStringLiteral("%1 of %2 rows were skipped because their booking date or amount could "
                                          "not be read; audit_lineage.csv says why for each.")
                               .arg(m_rowsSkipped)
                               .arg(m_rowsRead);
    for (const QString &p : std::as_const(m_categoryProblems))
        result.warnings << QStringLiteral("Category keywords: %1.").arg(p);
}

//! cashflow_by_month: money in and out per month and currency.
void BankTransactions::addCashflow(Summary &s) const
{
    AnalysisResult &result = s.result;
    const bool oneCurrency = s.currencies.size() == 1;
    const QString &currencyNote = s.currencyNote;
    {
        ResultTable t;
        t.id = QStringLiteral("cashflow_by_month");
        t.title = QStringLiteral("Money in and out by month") + currencyNote;
        t.columns = {QStringLiteral("month"), QStringLiteral("currency"), QStringLiteral("money_in"),
                     QStringLiteral("money_out"), QStringLiteral("net"), QStringLiteral("transactions")};
        std::vector<std::pair<std::pair<qint64, QString>, const MonthTotals *>> rows;
        for (const auto &[k, m] : m_months)
            rows.push_back({{k.first, currencyText(k.second)}, &m});
        std::sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
        for (const auto &[k, m] : rows)
            t.rows.push_back({Cell::str(cells::monthText(k.first)), Cell::str(k.second), amountCell(m->in),
                              amountCell(m->out), amountCell(m->in - m->out), Cell::integer(m->count)});
        result.tables.push_back(std::move(t));
        if (oneCurrency)
            result.charts.append({ChartSpec::Kind::Bar, QStringLiteral("cashflow_by_month"),
                                  QStringLiteral("Money in and out by month") + currencyNote, QStringLiteral("month"),
                                  {QStringLiteral("money_in"), QStringLiteral("money_out")}});
    }
}

//! Each account and currency's order (oldest or newest first), from its balances and dates.
void BankTransactions::findLedgers(Summary &s) const
{
    std::vector<LedgerView> &ledgers = s.ledgers;
    for (const auto &[k, l] : m_ledgers) {
        LedgerView v{int(k >> 32), int(k & 0xffffffffu), &l, false, nullptr, {}};
        const bool datesDown = l.firstDate > l.lastDate, datesUp = l.firstDate < l.lastDate;
        const qint64 up = l.oldestFirst.breakCount(), down = l.newestFirst.breakCount();
        if (l.balances >= 2 && up != down) {
            // The balances decide: under the wrong order nearly every balance breaks.
            v.newestFirst = down < up;
            const bool datesAgree = v.newestFirst ? datesDown : datesUp;
            const bool datesDisagree = v.newestFirst ? datesUp : datesDown;
            v.orderWhy = datesAgree      ? QStringLiteral("balances and dates")
                         : datesDisagree ? QStringLiteral("balances (the dates run the other way)")
                                         : QStringLiteral("balances");
        } else {
            v.newestFirst = datesDown;
            v.orderWhy = datesDown || datesUp ? QStringLiteral("dates") : QStringLiteral("assumed: all on one date");
        }
        v.chain = v.newestFirst ? &l.newestFirst : &l.oldestFirst;
        ledgers.push_back(v);
    }
    std::sort(ledgers.begin(), ledgers.end(), [&](const LedgerView &a, const LedgerView &b) {
        return std::pair(accountText(a.account), currencyText(a.currency))
            < std::pair(accountText(b.account), currencyText(b.currency));
    });
}

//! reconciliation and reconciliation_breaks, the verdict and its alert.
void BankTransactions::addReconciliation(Summary &s) const
{
    AnalysisResult &result = s.result;
    const std::vector<LedgerView> &ledgers = s.ledgers;
    const bool withBalance = mapped(Balance);
    qint64 &totalBreaks = s.totalBreaks;
    std::vector<double> &openings = s.openings, &closings = s.closings;
    openings.assign(ledgers.size(), 0);
    closings.assign(ledgers.size(), 0);
    {
        ResultTable t;
        t.id = QStringLiteral("reconciliation");
        t.title = QStringLiteral("Reconciliation: does each balance follow from the amounts?");
        t.columns = {QStringLiteral("account"),         QStringLiteral("currency"),
                     QStringLiteral("order"),           QStringLiteral("order_found_from"),
                     QStringLiteral("first_date"),
                     QStringLiteral("last_date"),       QStringLiteral("transactions"),
                     QStringLiteral("opening_balance"), QStringLiteral("money_in"),
                     QStringLiteral("money_out"),       QStringLiteral("sum_of_amounts"),
                     QStringLiteral("expected_closing"), QStringLiteral("closing_balance"),
                     QStringLiteral("difference"),      QStringLiteral("breaks"),
                     QStringLiteral("verdict")};
        ResultTable b;
        b.id = QStringLiteral("reconciliation_breaks");
        b.title = QStringLiteral("Balance breaks: rows whose balance does not follow from the amounts");
        b.columns = {QStringLiteral("row"),     QStringLiteral("account"),          QStringLiteral("currency"),
                     QStringLiteral("date"),    QStringLiteral("amount"),           QStringLiteral("expected_balance"),
                     QStringLiteral("found_balance"), QStringLiteral("difference")};
        for (size_t i = 0; i < ledgers.size(); ++i) {
            const LedgerView &v = ledgers[i];
            const Ledger &l = *v.ledger;
            std::vector<Cell> row{Cell::str(accountText(v.account)), Cell::str(currencyText(v.currency))};
            const qint64 first = std::min(l.minDate, l.maxDate), last = l.maxDate;
            if (!withBalance || l.balances == 0) {
                row.insert(row.end(), {Cell::str(v.newestFirst ? QStringLiteral("newest first")
                                                               : QStringLiteral("oldest first")),
                                       Cell::str(v.orderWhy), Cell::date(first), Cell::date(last), Cell::integer(l.rows), Cell::blank(),
                                       amountCell(l.in), amountCell(l.out), amountCell(l.sum), Cell::blank(),
                                       Cell::blank(), Cell::blank(), Cell::blank(),
                                       Cell::str(withBalance ? QStringLiteral("not possible: no row has a balance")
                                                             : QStringLiteral("not possible: the statement has no "
                                                                              "balance column"))});
                t.rows.push_back(std::move(row));
                openings[i] = std::nan("");
                closings[i] = std::nan("");
                continue;
            }
            const double opening = v.newestFirst ? l.lastBalance - l.lastBalanceAmount - l.sumAfterLast
                                                 : l.firstBalance - l.firstBalanceAmount - l.sumBeforeFirst;
            const double closing = v.newestFirst ? l.firstBalance + l.sumBeforeFirst : l.lastBalance + l.sumAfterLast;
            openings[i] = opening;
            closings[i] = closing;
            const double expected = opening + l.sum;
            const qint64 breaks = v.chain->breakCount();
            totalBreaks += breaks;
            const QString verdict =
                breaks == 0 ? QStringLiteral("reconciled: %1 balances follow from the amounts").arg(v.chain->checked() + 1)
                            : QStringLiteral("%1 break(s): see reconciliation_breaks.csv").arg(breaks);
            row.insert(row.end(),
                       {Cell::str(v.newestFirst ? QStringLiteral("newest first") : QStringLiteral("oldest first")),
                        Cell::str(v.orderWhy), Cell::date(first), Cell::date(last), Cell::integer(l.rows), amountCell(opening), amountCell(l.in),
                        amountCell(l.out), amountCell(l.sum), amountCell(expected), amountCell(closing),
                        amountCell(closing - expected), Cell::integer(breaks), Cell::str(verdict)});
            t.rows.push_back(std::move(row));
            for (const bank::BalanceBreak &br : v.chain->breaks())
                b.rows.push_back({Cell::integer(br.row), Cell::str(accountText(v.account)),
                                  Cell::str(currencyText(v.currency)), Cell::date(br.date), amountCell(br.amount),
                                  amountCell(br.expected), amountCell(br.found), amountCell(br.found - br.expected)});
        }
        std::sort(b.rows.begin(), b.rows.end(),
                  [](const auto &x, const auto &y) { return x[0].number < y[0].number; });
        if (!mapped(Account)) {
            dropColumn(t, QStringLiteral("account"));
            dropColumn(b, QStringLiteral("account"));
        }
        result.tables.push_back(std::move(t));
        if (withBalance)
            result.tables.push_back(std::move(b));
    }
}

//! The reconciliation's verdict (manifest.json's "verdicts") and its alert.
void BankTransactions::addVerdict(Summary &s) const
{
    AnalysisResult &result = s.result;
    const std::vector<LedgerView> &ledgers = s.ledgers;
    const bool withBalance = mapped(Balance);
    const qint64 totalBreaks = s.totalBreaks;
    const std::vector<double> &openings = s.openings, &closings = s.closings;
    const bool anyBalance = std::any_of(ledgers.begin(), ledgers.end(),
                                        [](const LedgerView &v) { return v.ledger->balances > 0; });
    Verdict verdict{QStringLiteral("reconciliation"), Verdict::Outcome::NotPossible, totalBreaks, {}};
    if (!withBalance || !anyBalance) {
        verdict.message = withBalance ? QStringLiteral("Reconciliation was not possible: no row has a balance.")
                                      : QStringLiteral("Reconciliation was not possible: the statement has no "
                                                       "balance column.");
        result.alerts.append({QualityAlert::Severity::Info, verdict.message});
    } else if (totalBreaks == 0) {
        verdict.outcome = Verdict::Outcome::Passed;
        verdict.message = QStringLiteral("Reconciled: every balance follows from the previous balance and the "
                                         "amounts.");
        if (ledgers.size() == 1)
            verdict.message += QStringLiteral(" Opening balance %1, closing balance %2.")
                                   .arg(moneyText(rounded(openings[0])), moneyText(rounded(closings[0])));
        result.alerts.append({QualityAlert::Severity::Info, verdict.message});
    } else {
        QStringList rows;
        for (const LedgerView &v : ledgers)
            for (const bank::BalanceBreak &br : v.chain->breaks())
                if (rows.size() < 5)
                    rows << QString::number(br.row);
        verdict.outcome = Verdict::Outcome::Failed;
        verdict.message = QStringLiteral("The balances do not reconcile: %1 break(s), first on row(s) %2; see "
                                         "reconciliation_breaks.csv.")
                              .arg(totalBreaks)
                              .arg(rows.join(QStringLiteral(", ")));
        result.alerts.append({QualityAlert::Severity::Warning, verdict.message});
    }
    result.verdicts.append(verdict);
}

//! balance_by_day: the end-of-day balance (or, without one, the cumulative net), charted.
void BankTransactions::addBalanceByDay(Summary &s) const
{
    AnalysisResult &result = s.result;
    const std::vector<LedgerView> &ledgers = s.ledgers;
    const bool withBalance = mapped(Balance);
    const QString &currencyNote = s.currencyNote;
    {
        ResultTable t;
        t.id = QStringLiteral("balance_by_day");
        const bool byBalance = withBalance;
        t.title = byBalance ? QStringLiteral("End-of-day balance") + currencyNote
                            : QStringLiteral("Cumulative net flow by day (no balance column)") + currencyNote;
        t.columns = {QStringLiteral("date"), QStringLiteral("account"), QStringLiteral("currency"),
                     byBalance ? QStringLiteral("balance") : QStringLiteral("cumulative_net")};
        for (const LedgerView &v : ledgers) {
            if (byBalance) {
                for (const auto &[day, fl] : v.ledger->dayBalances)
                    t.rows.push_back({dayCell(day), Cell::str(accountText(v.account)), Cell::str(currencyText(v.currency)),
                                      amountCell(v.newestFirst ? fl.first : fl.second)});
            } else {
                double run = 0;
                for (const auto &[day, net] : v.ledger->dayNet) {
                    run += net;
                    t.rows.push_back({dayCell(day), Cell::str(accountText(v.account)), Cell::str(currencyText(v.currency)),
                                      amountCell(run)});
                }
            }
        }
        if (!mapped(Account))
            dropColumn(t, QStringLiteral("account"));
        if (ledgers.size() == 1)
            result.charts.prepend({ChartSpec::Kind::TimeSeries, t.id, t.title, QStringLiteral("date"), {t.columns.last()}});
        // First on the page: the balance over time is what an analyst looks at first.
        result.tables.insert(result.tables.begin(), std::move(t));
    }
}

//! counterparties (top first per currency) and top_payees, charted.
void BankTransactions::addCounterparties(Summary &s) const
{
    AnalysisResult &result = s.result;
    const bool oneCurrency = s.currencies.size() == 1;
    const QString &currencyNote = s.currencyNote;
    std::vector<CpEntry> &cps = s.counterparties;
    cps.reserve(m_counterparties.size());
    for (const auto &[k, t] : m_counterparties)
        cps.push_back({int(k >> 32), int(k & 0xffffffffu), &t});
    std::sort(cps.begin(), cps.end(), [&](const CpEntry &a, const CpEntry &b) {
        if (a.currency != b.currency)
            return currencyText(a.currency) < currencyText(b.currency);
        const double fa = a.t->in + a.t->out, fb = b.t->in + b.t->out;
        if (fa != fb)
            return fa > fb;
        return m_counterpartyNames.text(a.name) < m_counterpartyNames.text(b.name);
    });
    {
        ResultTable t;
        t.id = QStringLiteral("counterparties");
        t.title = QStringLiteral("Counterparties: money in and out, largest first") + currencyNote;
        t.columns = {QStringLiteral("counterparty"), QStringLiteral("currency"), QStringLiteral("category"),
                     QStringLiteral("money_in"),     QStringLiteral("money_out"), QStringLiteral("net"),
                     QStringLiteral("transactions"), QStringLiteral("first_date"), QStringLiteral("last_date")};
        for (const CpEntry &e : cps)
            t.rows.push_back({Cell::str(cells::qs(m_counterpartyNames.text(e.name))), Cell::str(currencyText(e.currency)),
                              Cell::str(m_categoryNames.value(e.t->category)), amountCell(e.t->in),
                              amountCell(e.t->out), amountCell(e.t->in - e.t->out), Cell::integer(e.t->count),
                              dayCell(e.t->firstDay), dayCell(e.t->lastDay)});
        result.tables.push_back(std::move(t));
        if (oneCurrency) {
            // The chart's bars: the 15 largest payees by money out.
            ResultTable top;
            top.id = QStringLiteral("top_payees");
            top.title = QStringLiteral("Top 15 payees by money out") + currencyNote;
            top.columns = {QStringLiteral("counterparty"), QStringLiteral("money_out"), QStringLiteral("transactions")};
            std::vector<CpEntry> byOut = cps;
            std::stable_sort(byOut.begin(), byOut.end(), [](const CpEntry &a, const CpEntry &b) { return a.t->out > b.t->out; });
            for (const CpEntry &e : byOut) {
                if (top.rows.size() >= 15 || e.t->out <= 0)
                    break;
                top.rows.push_back({Cell::str(cells::qs(m_counterpartyNames.text(e.name))), amountCell(e.t->out),
                                    Cell::integer(e.t->count)});
            }
            result.charts.append({ChartSpec::Kind::Bar, top.id, top.title, QStringLiteral("counterparty"),
                                  {QStringLiteral("money_out")}});
            result.tables.push_back(std::move(top));
        }
    }
}

//! recurring: payments of one counterparty at a regular cadence.
void BankTransactions::addRecurring(Summary &s) const
{
    AnalysisResult &result = s.result;
    const std::vector<CpEntry> &cps = s.counterparties;
    qint64 &recurringOut = s.recurringOut;
    {
        ResultTable t;
        t.id = QStringLiteral("recurring");
        t.title = QStringLiteral("Recurring payments: subscriptions, standing orders, salaries");
        t.columns = {QStringLiteral("counterparty"), QStringLiteral("currency"),     QStringLiteral("direction"),
                     QStringLiteral("cadence"),      QStringLiteral("typical_amount"), QStringLiteral("occurrences"),
                     QStringLiteral("first_date"),   QStringLiteral("last_date"),    QStringLiteral("next_expected")};
        for (const CpEntry &e : cps) {
            for (const bool out : {true, false}) {
                const auto r = bank::findRecurrence((out ? e.t->outgoing : e.t->incoming).sorted());
                if (!r)
                    continue;
                recurringOut += out;
                t.rows.push_back({Cell::str(cells::qs(m_counterpartyNames.text(e.name))),
                                  Cell::str(currencyText(e.currency)),
                                  Cell::str(out ? QStringLiteral("out") : QStringLiteral("in")), Cell::str(r->cadence),
                                  amountCell(r->typicalAmount), Cell::integer(r->occurrences), dayCell(r->firstDay),
                                  dayCell(r->lastDay), dayCell(r->nextDay)});
            }
        }
        result.tables.push_back(std::move(t));
    }
}

//! categories: spending by category, charted.
void BankTransactions::addCategories(Summary &s) const
{
    AnalysisResult &result = s.result;
    const bool oneCurrency = s.currencies.size() == 1;
    const QString &currencyNote = s.currencyNote;
    {
        ResultTable t;
        t.id = QStringLiteral("categories");
        t.title = QStringLiteral("Spending by category (keywords in rules/categories.json)") + currencyNote;
        t.columns = {QStringLiteral("category"), QStringLiteral("currency"), QStringLiteral("money_out"),
                     QStringLiteral("money_in"), QStringLiteral("net"),      QStringLiteral("transactions"),
                     QStringLiteral("share_of_spending")};
        std::map<int, double> spending;
        for (const auto &[k, m] : m_categoryTotals)
            spending[k.first] += m.out;
        std::vector<std::pair<std::pair<int, int>, const MonthTotals *>> rows;
        for (const auto &[k, m] : m_categoryTotals)
            rows.push_back({k, &m});
        std::sort(rows.begin(), rows.end(), [&](const auto &a, const auto &b) {
            if (a.first.first != b.first.first)
                return currencyText(a.first.first) < currencyText(b.first.first);
            if (a.second->out != b.second->out)
                return a.second->out > b.second->out;
            return m_categoryNames.value(a.first.second) < m_categoryNames.value(b.first.second);
        });
        for (const auto &[k, m] : rows) {
            const double total = spending[k.first];
            t.rows.push_back({Cell::str(m_categoryNames.value(k.second)), Cell::str(currencyText(k.first)),
                              amountCell(m->out), amountCell(m->in), amountCell(m->in - m->out), Cell::integer(m->count),
                              total > 0 ? Cell::num(std::round(m->out / total * 10000) / 10000) : Cell::blank()});
        }
        result.tables.push_back(std::move(t));
        if (oneCurrency)
            result.charts.append({ChartSpec::Kind::Bar, QStringLiteral("categories"),
                                  QStringLiteral("Spending by category") + currencyNote, QStringLiteral("category"),
                                  {QStringLiteral("money_out")}});
    }
}

//! The dashboard's cards: per currency (the first three), balances when there is one account.
void BankTransactions::addHeadline(Summary &s) const
{
    AnalysisResult &result = s.result;
    const std::vector<int> &currencies = s.currencies;
    const std::vector<LedgerView> &ledgers = s.ledgers;
    const bool withBalance = mapped(Balance);
    const std::vector<double> &openings = s.openings, &closings = s.closings;
    const qint64 recurringOut = s.recurringOut;
    for (size_t ci = 0; ci < currencies.size() && ci < 3; ++ci) {
        const int c = currencies[ci];
        const QString cur = currencies.size() > 1 || currencyText(c) != unspecifiedCurrency()
                                ? QStringLiteral(" (%1)").arg(currencyText(c)) : QString();
        double in = 0, out = 0;
        qint64 n = 0;
        for (const auto &[k, m] : m_months)
            if (k.second == c) {
                in += m.in;
                out += m.out;
                n += m.count;
            }
        const LedgerView *only = nullptr;
        int count = 0;
        for (size_t i = 0; i < ledgers.size(); ++i)
            if (ledgers[i].currency == c && ++count == 1)
                only = &ledgers[i];
        if (count == 1 && withBalance && !std::isnan(openings[size_t(only - ledgers.data())])) {
            const size_t i = size_t(only - ledgers.data());
            result.kpis.append({QStringLiteral("Opening balance") + cur, moneyText(rounded(openings[i])),
                                cells::dateText(std::min(only->ledger->minDate, only->ledger->maxDate)), Kpi::Tone::Neutral});
            result.kpis.append({QStringLiteral("Closing balance") + cur, moneyText(rounded(closings[i])),
                                cells::dateText(only->ledger->maxDate), Kpi::Tone::Neutral});
        }
        result.kpis.append({QStringLiteral("Money in") + cur, moneyText(rounded(in)), QString(), Kpi::Tone::Good});
        result.kpis.append({QStringLiteral("Money out") + cur, moneyText(rounded(out)), QString(), Kpi::Tone::Bad});
        result.kpis.append({QStringLiteral("Net") + cur, moneyText(rounded(in - out)),
                            QStringLiteral("%1 transactions").arg(n), in >= out ? Kpi::Tone::Good : Kpi::Tone::Bad});
    }
    {
        const Verdict &v = result.verdicts.constLast();
        const bool passed = v.outcome == Verdict::Outcome::Passed, failed = v.outcome == Verdict::Outcome::Failed;
        result.kpis.append({QStringLiteral("Reconciliation"),
                            passed   ? QStringLiteral("reconciled")
                            : failed ? QStringLiteral("%1 break(s)").arg(v.failures)
                                     : QStringLiteral("not possible"),
                            passed   ? QStringLiteral("every balance follows from the amounts")
                            : failed ? QStringLiteral("see reconciliation_breaks.csv")
                                     : (withBalance ? QStringLiteral("no row has a balance")
                                                    : QStringLiteral("no balance column")),
                            passed ? Kpi::Tone::Good : failed ? Kpi::Tone::Bad : Kpi::Tone::Neutral});
    }
    result.kpis.append({QStringLiteral("Recurring payments"), QString::number(recurringOut),
                        QStringLiteral("payments out that repeat"), Kpi::Tone::Neutral});
}

//! Alerts from the quality log and data_quality.csv.
void BankTransactions::addQuality(Summary &s) const
{
    AnalysisResult &result = s.result;
    result.alerts += m_quality.blankAlerts(m_rowsRead, m_parameters.blankRateAlert);
    struct AlertRule {
        QString check;
        Role role;
        QString text;
    };
    const AlertRule rules[] = {
        {QStringLiteral("suspected duplicate transaction"), Description,
         QStringLiteral("%1 rows repeat the date, amount and payee of an earlier row (suspected duplicates), e.g. rows %2.")},
        {QStringLiteral("unparseable date"), BookingDate, QStringLiteral("%1 booking dates could not be read, e.g. rows %2.")},
        {QStringLiteral("unparseable amount"), Amount, QStringLiteral("%1 amounts could not be read, e.g. rows %2.")},
        {QStringLiteral("unparseable amount"), Debit, QStringLiteral("%1 debit amounts could not be read, e.g. rows %2.")},
        {QStringLiteral("unparseable amount"), Credit, QStringLiteral("%1 credit amounts could not be read, e.g. rows %2.")},
        {QStringLiteral("unparseable balance"), Balance, QStringLiteral("%1 balances could not be read, e.g. rows %2.")},
        {QStringLiteral("unreadable debit/credit indicator"), Direction,
         QStringLiteral("%1 rows have a debit/credit indicator that is neither, e.g. rows %2; their amounts keep their "
                        "own sign.")},
        {QStringLiteral("debit and credit both filled"), Debit,
         QStringLiteral("%1 rows have both a debit and a credit, e.g. rows %2.")},
    };
    for (const AlertRule &rule : rules) {
        if (rule.role != RoleCount && !mapped(rule.role))
            continue;
        const QualityFinding *f = m_quality.find(rule.check, rule.role != RoleCount ? columnName(rule.role) : QString());
        if (f && f->count > 0)
            result.alerts.append({QualityAlert::Severity::Warning, rule.text.arg(f->count).arg(QualityLog::exampleText(*f))});
    }
    result.quality = m_quality.table(m_rowsRead);
}

} // namespace finpipe::analysis
