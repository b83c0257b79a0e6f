#include "salessummary.h"

#include "common/humannumbers.h"

#include "ingest/valueparser.h"

#include <algorithm>
#include <cmath>

namespace finpipe::analysis {

namespace {

// Check names as they appear in data_quality.csv.
const QString kUnparseableDate = QStringLiteral("unparseable date");
const QString kUnparseableNumber = QStringLiteral("unparseable number");
const QString kUnparseableFlag = QStringLiteral("unrecognised flag");
const QString kDuplicateId = QStringLiteral("duplicate order id");
const QString kBlankId = QStringLiteral("blank order id");
const QString kNegativeQuantity = QStringLiteral("negative quantity");
const QString kNegativeRevenue = QStringLiteral("negative revenue");
const QString kMismatch = QStringLiteral("revenue differs from quantity x unit price");

std::string_view keyText(std::string_view text)
{
    const std::string_view t = cells::trim(text);
    return t.empty() ? std::string_view("(blank)") : t;
}

QString percent(double rate)
{
    return QString::number(rate * 100.0, 'f', 2) + QLatin1Char('%');
}

struct Entry {
    QString currency;
    QString key;
    QString subKey;
    const void *totals = nullptr;
    double revenue = 0;
};

//! Currency ascending, then revenue descending, then key: ties never depend on hash order.
void sortEntries(std::vector<Entry> &entries)
{
    std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
        if (a.currency != b.currency)
            return a.currency < b.currency;
        if (a.revenue != b.revenue)
            return a.revenue > b.revenue;
        if (a.key != b.key)
            return a.key < b.key;
        return a.subKey < b.subKey;
    });
}

} // namespace

QString SalesSummary::roleName(Role role)
{
    switch (role) {
    case OrderId: return QStringLiteral("order_id");
    case OrderDate: return QStringLiteral("order_date");
    case Revenue: return QStringLiteral("revenue");
    case Quantity: return QStringLiteral("quantity");
    case UnitPrice: return QStringLiteral("unit_price");
    case Region: return QStringLiteral("region");
    case Country: return QStringLiteral("country");
    case ProductCategory: return QStringLiteral("product_category");
    case ProductSubcategory: return QStringLiteral("product_subcategory");
    case ProductId: return QStringLiteral("product_id");
    case ProductName: return QStringLiteral("product_name");
    case Currency: return QStringLiteral("currency");
    case CustomerId: return QStringLiteral("customer_id");
    case Channel: return QStringLiteral("channel");
    case InterestRate: return QStringLiteral("interest_rate");
    case LoanAmount: return QStringLiteral("loan_amount");
    case TransactionFee: return QStringLiteral("transaction_fee");
    case FraudFlag: return QStringLiteral("fraud_flag");
    case RoleCount: break;
    }
    return {};
}

QString SalesSummary::columnName(Role r) const
{
    return mapped(r) ? m_fileColumns[column(r)].name : roleName(r);
}

Result<void> SalesSummary::start(const QList<ingest::ColumnInfo> &columns, const detect::ColumnMapping &mapping,
                                 const Parameters &parameters)
{
    m_fileColumns = columns;
    m_parameters = parameters;
    m_columns.assign(RoleCount, -1);
    m_decimals.assign(RoleCount, 0);
    m_fieldRoles.clear();
    m_fieldNames.clear();
    for (int r = 0; r < RoleCount; ++r) {
        const Role role = Role(r);
        const bool required = role == OrderId || role == OrderDate || role == Revenue;
        auto index = cells::resolveRole(columns, mapping, roleName(role), required);
        if (!index.ok())
            return index.error();
        m_columns[size_t(r)] = *index;
        if (*index >= 0) {
            m_fieldRoles.push_back(role);
            m_fieldNames << roleName(role);
        }
    }
    m_fields.assign(m_fieldRoles.size(), {});
    m_quality.setColumns(columns);
    // Blank rates raise warnings only for the columns the summary uses; loan amounts and interest
    // rates belong to lending rows only, so their blanks are expected.
    for (int c = 0; c < columns.size(); ++c) {
        const auto used = std::find(m_columns.begin(), m_columns.end(), c);
        if (used == m_columns.end())
            m_quality.setBlankAlert(c, QualityLog::BlankAlert::None);
        else if (Role(used - m_columns.begin()) == LoanAmount || Role(used - m_columns.begin()) == InterestRate)
            m_quality.setBlankAlert(c, QualityLog::BlankAlert::Info);
    }
    m_breakdowns.clear();
    for (Role r : {Region, Country, ProductCategory, ProductSubcategory, Channel}) {
        if (mapped(r)) {
            Breakdown b;
            b.role = r;
            m_breakdowns.push_back(std::move(b));
        }
    }
    return {};
}

bool SalesSummary::optionalNumber(const ingest::RowBatch &batch, int row, Role r, double &out)
{
    if (!mapped(r))
        return false;
    const ingest::Value &v = batch.at(row, column(r));
    if (v.isBlank())
        return false;
    if (cells::numberOf(v, out)) {
        noteDecimals(r, out);
        return true;
    }
    QualityFinding &f = m_quality.finding(kUnparseableNumber, columnName(r));
    if (f.detail.isEmpty())
        f.detail = QStringLiteral("not a number, e.g. \"%1\"; left out of the totals that use it").arg(v.toString());
    f.add(batch.sourceLine(row));
    return false;
}

Result<void> SalesSummary::consume(const ingest::RowBatch &batch, LineageSink &lineage, Feedback *feedback)
{
    if (feedback && feedback->isCancelled())
        return Error::make(Error::Code::Cancelled, QStringLiteral("The sales summary was cancelled."));
    if (!m_fieldsSent) {
        lineage.setFields(m_fieldNames);
        m_fieldsSent = true;
    }
    m_quality.countBlanks(batch);

    QString reasons;
    std::string reasonUtf8;
    for (int row = 0; row < batch.rowCount(); ++row) {
        ++m_rowsRead;
        const qint64 line = batch.sourceLine(row);
        for (size_t i = 0; i < m_fieldRoles.size(); ++i)
            m_fields[i] = batch.at(row, column(m_fieldRoles[i])).text;
        const std::string_view hash = m_hasher.hash(m_fields.data(), int(m_fields.size()));

        // A row without a date or a revenue cannot be placed in any total: skip it, say why.
        reasons.clear();
        qint64 date = 0;
        bool hasTime = false;
        const ingest::Value &dateValue = batch.at(row, column(OrderDate));
        if (dateValue.isBlank()) {
            reasons = QStringLiteral("blank order date");
        } else if (!cells::dateOf(dateValue, date, hasTime)) {
            reasons = QStringLiteral("unparseable order date");
            QualityFinding &f = m_quality.finding(kUnparseableDate, columnName(OrderDate));
            if (f.detail.isEmpty())
                f.detail = QStringLiteral("not a date, e.g. \"%1\"; the row is skipped").arg(dateValue.toString());
            f.add(line);
        }
        double revenue = 0;
        const ingest::Value &revenueValue = batch.at(row, column(Revenue));
        if (revenueValue.isBlank()) {
            reasons += (reasons.isEmpty() ? QString() : QStringLiteral("; ")) + QStringLiteral("blank revenue");
        } else if (!cells::numberOf(revenueValue, revenue)) {
            reasons += (reasons.isEmpty() ? QString() : QStringLiteral("; ")) + QStringLiteral("unparseable revenue");
            QualityFinding &f = m_quality.finding(kUnparseableNumber, columnName(Revenue));
            if (f.detail.isEmpty())
                f.detail = QStringLiteral("not an amount, e.g. \"%1\"; the row is skipped").arg(revenueValue.toString());
            f.add(line);
        }
        if (!reasons.isEmpty()) {
            ++m_rowsSkipped;
            reasonUtf8 = reasons.toStdString();
            lineage.add(line, m_fields.data(), hash, RowStatus::Skipped, reasonUtf8);
            continue;
        }
        if (m_rowsUsed == 0 || date < m_firstDate)
            m_firstDate = date;
        if (m_rowsUsed == 0 || date > m_lastDate)
            m_lastDate = date;
        ++m_rowsUsed;
        noteDecimals(Revenue, revenue);
        lineage.add(line, m_fields.data(), hash, RowStatus::Used, {});

        // Currency: amounts are only ever added within one currency.
        int currency = 0;
        if (mapped(Currency)) {
            const std::string_view c = cells::trim(batch.at(row, column(Currency)).text);
            if (c.empty()) {
                m_blankCurrency = true;
                currency = m_currencies.id("(unspecified)");
            } else {
                currency = m_currencies.id(c);
            }
        } else {
            currency = m_currencies.id("(unspecified)");
        }

        // Order ids: duplicates and blanks are reported; the rows still count.
        const std::string_view orderId = cells::trim(batch.at(row, column(OrderId)).text);
        if (orderId.empty()) {
            m_quality.finding(kBlankId, columnName(OrderId)).add(line);
        } else if (!m_orderIds.insert(orderId)) {
            ++m_duplicateIds;
            QualityFinding &f = m_quality.finding(kDuplicateId, columnName(OrderId));
            if (f.detail.isEmpty())
                f.detail = QStringLiteral("e.g. %1 on row %2 was seen on an earlier row; every row is counted "
                                          "in the totals")
                               .arg(cells::qs(orderId))
                               .arg(line);
            f.add(line);
        }

        double quantity = 0, unitPrice = 0;
        const bool hasQuantity = optionalNumber(batch, row, Quantity, quantity);
        const bool hasPrice = optionalNumber(batch, row, UnitPrice, unitPrice);
        if (hasQuantity && quantity < 0) {
            QualityFinding &f = m_quality.finding(kNegativeQuantity, columnName(Quantity));
            if (f.detail.isEmpty())
                f.detail = QStringLiteral("quantities below zero (returns?), e.g. %1 on row %2").arg(quantity).arg(line);
            f.add(line);
        }
        if (revenue < 0) {
            QualityFinding &f = m_quality.finding(kNegativeRevenue, columnName(Revenue));
            if (f.detail.isEmpty())
                f.detail = QStringLiteral("refunds or reversals? they are included in the totals");
            f.add(line);
        }
        if (hasQuantity && hasPrice) {
            const double expected = quantity * unitPrice;
            if (std::abs(revenue - expected) > 0.01 + 1e-9 * std::abs(revenue)) {
                QualityFinding &f = m_quality.finding(kMismatch, columnName(Revenue));
                if (f.detail.isEmpty())
                    f.detail = QStringLiteral("e.g. row %1: %2 x %3 = %4, revenue says %5")
                                   .arg(line)
                                   .arg(quantity)
                                   .arg(unitPrice)
                                   .arg(expected, 0, 'f', 2)
                                   .arg(revenue, 0, 'f', 2);
                f.add(line);
            }
        }

        bool flagged = false, hasFlag = false;
        if (mapped(FraudFlag)) {
            const ingest::Value &v = batch.at(row, column(FraudFlag));
            if (!v.isBlank()) {
                hasFlag = cells::flagOf(v, flagged);
                if (!hasFlag) {
                    QualityFinding &f = m_quality.finding(kUnparseableFlag, columnName(FraudFlag));
                    if (f.detail.isEmpty())
                        f.detail = QStringLiteral("neither yes nor no, e.g. \"%1\"; left out of the fraud rates")
                                       .arg(v.toString());
                    f.add(line);
                }
            }
        }

        // By month.
        const qint64 month = cells::monthStartOf(date);
        MonthTotals &m = m_months[{month, currency}];
        m.revenue += revenue;
        ++m.orders;
        if (hasQuantity)
            m.quantity += quantity;
        double fee = 0;
        if (optionalNumber(batch, row, TransactionFee, fee))
            m.fees += fee;
        double loan = 0;
        if (optionalNumber(batch, row, LoanAmount, loan)) {
            ++m.loans;
            m.loanAmount += loan;
            double rate = 0;
            if (optionalNumber(batch, row, InterestRate, rate)) {
                m.rateSum += rate;
                ++m.rates;
            }
        }

        // Breakdowns.
        for (Breakdown &b : m_breakdowns) {
            std::string_view key = keyText(batch.at(row, column(b.role)).text);
            if (b.role == ProductSubcategory && mapped(ProductCategory)) {
                // A subcategory is only unique within its category.
                m_keyBuffer.assign(keyText(batch.at(row, column(ProductCategory)).text));
                m_keyBuffer += '\x1f';
                m_keyBuffer += key;
                key = m_keyBuffer;
            }
            Totals &t = b.totals[pairKey(currency, b.keys.id(key))];
            t.revenue += revenue;
            ++t.orders;
            if (hasQuantity)
                t.quantity += quantity;
            if (hasFlag) {
                ++t.checkedOrders;
                t.checkedRevenue += revenue;
                if (flagged) {
                    ++t.flaggedOrders;
                    t.flaggedRevenue += revenue;
                }
            }
        }

        // Products: by id when there is one, else by name.
        if (mapped(ProductId) || mapped(ProductName)) {
            const std::string_view key =
                keyText(batch.at(row, column(mapped(ProductId) ? ProductId : ProductName)).text);
            ProductTotals &p = m_products[pairKey(currency, m_productKeys.id(key))];
            if (p.name < 0 && mapped(ProductName) && mapped(ProductId))
                p.name = m_productNames.id(keyText(batch.at(row, column(ProductName)).text));
            p.revenue += revenue;
            ++p.orders;
            if (hasQuantity)
                p.quantity += quantity;
        }

        OrderValue &ov = m_orderValues[currency];
        if (ov.orders == 0 || revenue < ov.smallest)
            ov.smallest = revenue;
        if (ov.orders == 0 || revenue > ov.largest)
            ov.largest = revenue;
        ov.revenue += revenue;
        ++ov.orders;
    }
    return {};
}

ResultTable SalesSummary::breakdownTable(const Breakdown &b, const QString &id, const QString &title,
                                         const QString &keyHeader, bool withSubcategory) const
{
    std::map<int, double> currencyRevenue;
    std::vector<Entry> entries;
    entries.reserve(b.totals.size());
    for (const auto &[k, t] : b.totals) {
        const int currency = int(k >> 32);
        Entry e;
        e.currency = cells::qs(m_currencies.text(currency));
        const QString key = cells::qs(b.keys.text(int(k & 0xffffffffu)));
        if (withSubcategory) {
            const qsizetype sep = key.indexOf(QChar(0x1f));
            e.key = key.left(sep);
            e.subKey = key.mid(sep + 1);
        } else {
            e.key = key;
        }
        e.totals = &t;
        e.revenue = t.revenue;
        currencyRevenue[currency] += t.revenue;
        entries.push_back(std::move(e));
    }
    sortEntries(entries);
    std::map<QString, double> totalByCurrency;
    for (const auto &[c, r] : currencyRevenue)
        totalByCurrency[cells::qs(m_currencies.text(c))] = r;

    ResultTable t;
    t.id = id;
    t.title = title;
    if (withSubcategory)
        t.columns << roleName(ProductCategory);
    t.columns << keyHeader << QStringLiteral("currency") << QStringLiteral("revenue") << QStringLiteral("orders")
              << QStringLiteral("share_of_revenue");
    if (mapped(Quantity))
        t.columns << QStringLiteral("quantity");
    for (const Entry &e : entries) {
        const Totals &tot = *static_cast<const Totals *>(e.totals);
        std::vector<Cell> row;
        if (withSubcategory)
            row.push_back(Cell::str(e.key));
        row.push_back(Cell::str(withSubcategory ? e.subKey : e.key));
        row.push_back(Cell::str(e.currency));
        row.push_back(totalCell(tot.revenue, Revenue));
        row.push_back(Cell::integer(tot.orders));
        const double total = totalByCurrency[e.currency];
        row.push_back(total != 0 ? Cell::num(tot.revenue / total) : Cell::blank());
        if (mapped(Quantity))
            row.push_back(totalCell(tot.quantity, Quantity));
        t.rows.push_back(std::move(row));
    }
    return t;
}

ResultTable SalesSummary::fraudTable(const Breakdown &b, const QString &id, const QString &title,
                                     const QString &keyHeader) const
{
    std::vector<Entry> entries;
    for (const auto &[k, t] : b.totals) {
        Entry e;
        e.currency = cells::qs(m_currencies.text(int(k >> 32)));
        e.key = cells::qs(b.keys.text(int(k & 0xffffffffu)));
        e.totals = &t;
        e.revenue = t.checkedRevenue;
        entries.push_back(std::move(e));
    }
    sortEntries(entries);
    ResultTable t;
    t.id = id;
    t.title = title;
    t.columns = {keyHeader,
                 QStringLiteral("currency"),
                 QStringLiteral("orders"),
                 QStringLiteral("flagged_orders"),
                 QStringLiteral("flagged_order_share"),
                 QStringLiteral("revenue"),
                 QStringLiteral("flagged_revenue"),
                 QStringLiteral("flagged_revenue_share")};
    for (const Entry &e : entries) {
        const Totals &tot = *static_cast<const Totals *>(e.totals);
        t.rows.push_back({Cell::str(e.key), Cell::str(e.currency), Cell::integer(tot.checkedOrders),
                          Cell::integer(tot.flaggedOrders),
                          tot.checkedOrders ? Cell::num(double(tot.flaggedOrders) / double(tot.checkedOrders))
                                            : Cell::blank(),
                          totalCell(tot.checkedRevenue, Revenue), totalCell(tot.flaggedRevenue, Revenue),
                          tot.checkedRevenue != 0 ? Cell::num(tot.flaggedRevenue / tot.checkedRevenue)
                                                  : Cell::blank()});
    }
    return t;
}

Result<AnalysisResult> SalesSummary::finish(Feedback *feedback)
{
    if (feedback && feedback->isCancelled())
        return Error::make(Error::Code::Cancelled, QStringLiteral("The sales summary was cancelled."));

    AnalysisResult result;
    result.analysisId = id();
    result.rowsRead = m_rowsRead;
    result.rowsUsed = m_rowsUsed;
    result.rowsSkipped = m_rowsSkipped;

    // Currencies in text order: the order of every per-currency listing.
    std::vector<int> currencies(size_t(m_currencies.size()));
    for (int i = 0; i < m_currencies.size(); ++i)
        currencies[size_t(i)] = i;
    std::sort(currencies.begin(), currencies.end(),
              [this](int a, int b) { return m_currencies.text(a) < m_currencies.text(b); });
    const bool oneCurrency = currencies.size() == 1;
    const QString currencyNote =
        oneCurrency ? QStringLiteral(" (%1)").arg(cells::qs(m_currencies.text(currencies.front()))) : QString();

    if (!mapped(Currency))
        result.warnings << QStringLiteral("No currency column is mapped, so all amounts are taken to be in one "
                                          "currency, shown as \"(unspecified)\". Map the currency role if the "
                                          "file mixes currencies.");
    else if (m_blankCurrency)
        result.warnings << QStringLiteral("Some rows have a blank currency; their amounts are totalled apart, "
                                          "as \"(unspecified)\".");
    if (currencies.size() > 1)
        result.warnings << QStringLiteral("The file holds %1 currencies; every total is given per currency and "
                                          "amounts in different currencies are never added together. Charts are "
                                          "left out because they would mix currencies; see the tables.")
                               .arg(currencies.size());
    if (m_rowsSkipped > 0)
        result.warnings << QStringLiteral("%1 of %2 rows were skipped because their order date or revenue "
                                          "could not be read; audit_lineage.csv says why for each.")
                               .arg(m_rowsSkipped)
                               .arg(m_rowsRead);

    // A month the data covers only in part looks like a collapse in a monthly chart: say so.
    if (m_rowsUsed > 0) {
        using ingest::values::kMsecsPerDay;
        const bool firstPartial = cells::monthStartOf(m_firstDate) != ingest::values::dayOf(m_firstDate) * kMsecsPerDay;
        const bool lastPartial = cells::monthStartOf(m_lastDate + kMsecsPerDay) == cells::monthStartOf(m_lastDate);
        const QString first = cells::dateText(m_firstDate), last = cells::dateText(m_lastDate);
        QStringList partial;
        if (cells::monthStartOf(m_firstDate) == cells::monthStartOf(m_lastDate)) {
            if (firstPartial || lastPartial)
                partial << QStringLiteral("%1 (%2 to %3)").arg(cells::monthText(m_firstDate), first, last);
        } else {
            if (firstPartial)
                partial << QStringLiteral("%1 (from %2)").arg(cells::monthText(m_firstDate), first);
            if (lastPartial)
                partial << QStringLiteral("%1 (up to %2)").arg(cells::monthText(m_lastDate), last);
        }
        if (!partial.isEmpty())
            result.warnings << QStringLiteral("The data covers part of a month only, so its totals are not "
                                              "comparable with full months: %1.")
                                   .arg(partial.join(QStringLiteral(", ")));
    }

    // Revenue by month (and lending by month from the same totals).
    {
        ResultTable t;
        t.id = QStringLiteral("revenue_by_month");
        t.title = QStringLiteral("Revenue and orders by month") + currencyNote;
        t.columns = {QStringLiteral("month"), QStringLiteral("month_start"), QStringLiteral("currency"),
                     QStringLiteral("revenue"), QStringLiteral("orders")};
        if (mapped(Quantity))
            t.columns << QStringLiteral("quantity");
        if (mapped(TransactionFee))
            t.columns << QStringLiteral("transaction_fees");
        std::vector<std::pair<std::pair<qint64, QString>, const MonthTotals *>> rows;
        for (const auto &[k, m] : m_months)
            rows.push_back({{k.first, cells::qs(m_currencies.text(k.second))}, &m});
        std::sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
        for (const auto &[k, m] : rows) {
            std::vector<Cell> row{Cell::str(cells::monthText(k.first)), Cell::date(k.first), Cell::str(k.second),
                                  totalCell(m->revenue, Revenue), Cell::integer(m->orders)};
            if (mapped(Quantity))
                row.push_back(totalCell(m->quantity, Quantity));
            if (mapped(TransactionFee))
                row.push_back(totalCell(m->fees, TransactionFee));
            t.rows.push_back(std::move(row));
        }
        result.tables.push_back(std::move(t));
        if (oneCurrency)
            result.charts.append({ChartSpec::Kind::TimeSeries, QStringLiteral("revenue_by_month"),
                                  QStringLiteral("Revenue by month") + currencyNote, QStringLiteral("month_start"),
                                  {QStringLiteral("revenue")}});

        if (mapped(LoanAmount)) {
            ResultTable l;
            l.id = QStringLiteral("lending_by_month");
            l.title = QStringLiteral("Lending by month: loans, amount lent and mean interest rate") + currencyNote;
            l.columns = {QStringLiteral("month"),           QStringLiteral("month_start"),
                         QStringLiteral("currency"),        QStringLiteral("loans"),
                         QStringLiteral("total_loan_amount"), QStringLiteral("mean_loan_amount")};
            if (mapped(InterestRate))
                l.columns << QStringLiteral("mean_interest_rate") << QStringLiteral("loans_with_rate");
            for (const auto &[k, m] : rows) {
                if (m->loans == 0)
                    continue;
                std::vector<Cell> row{Cell::str(cells::monthText(k.first)), Cell::date(k.first),
                                      Cell::str(k.second),                  Cell::integer(m->loans),
                                      totalCell(m->loanAmount, LoanAmount), Cell::num(m->loanAmount / double(m->loans))};
                if (mapped(InterestRate)) {
                    row.push_back(m->rates ? Cell::num(m->rateSum / double(m->rates)) : Cell::blank());
                    row.push_back(Cell::integer(m->rates));
                }
                l.rows.push_back(std::move(row));
            }
            result.tables.push_back(std::move(l));
            if (oneCurrency)
                result.charts.append({ChartSpec::Kind::TimeSeries, QStringLiteral("lending_by_month"),
                                      QStringLiteral("Amount lent by month") + currencyNote,
                                      QStringLiteral("month_start"), {QStringLiteral("total_loan_amount")}});
        }
    }

    // Revenue by region, country, category, subcategory, channel.
    for (const Breakdown &b : m_breakdowns) {
        const QString role = roleName(b.role);
        QString what = role;
        what.replace(QLatin1Char('_'), QLatin1Char(' '));
        const QString id = QStringLiteral("revenue_by_") + role;
        const bool sub = b.role == ProductSubcategory && mapped(ProductCategory);
        result.tables.push_back(
            breakdownTable(b, id, QStringLiteral("Revenue by %1").arg(what) + currencyNote, role, sub));
        if (oneCurrency && (b.role == Region || b.role == ProductCategory || b.role == Channel))
            result.charts.append({ChartSpec::Kind::Bar, id, QStringLiteral("Revenue by %1").arg(what) + currencyNote,
                                  role, {QStringLiteral("revenue")}});
    }

    // Top products per currency.
    if (mapped(ProductId) || mapped(ProductName)) {
        ResultTable t;
        t.id = QStringLiteral("top_products");
        t.title = QStringLiteral("Top 10 products by revenue") + currencyNote;
        t.columns << QStringLiteral("rank");
        if (mapped(ProductId))
            t.columns << roleName(ProductId);
        if (mapped(ProductName))
            t.columns << roleName(ProductName);
        t.columns << QStringLiteral("currency") << QStringLiteral("revenue") << QStringLiteral("orders");
        if (mapped(Quantity))
            t.columns << QStringLiteral("quantity");
        std::vector<Entry> entries;
        for (const auto &[k, p] : m_products) {
            Entry e;
            e.currency = cells::qs(m_currencies.text(int(k >> 32)));
            e.key = cells::qs(m_productKeys.text(int(k & 0xffffffffu)));
            e.totals = &p;
            e.revenue = p.revenue;
            entries.push_back(std::move(e));
        }
        sortEntries(entries);
        QString currentCurrency;
        int rank = 0;
        for (const Entry &e : entries) {
            if (e.currency != currentCurrency) {
                currentCurrency = e.currency;
                rank = 0;
            }
            if (++rank > 10)
                continue;
            const ProductTotals &p = *static_cast<const ProductTotals *>(e.totals);
            std::vector<Cell> row{Cell::num(rank), Cell::str(e.key)};
            if (mapped(ProductId) && mapped(ProductName))
                row.push_back(p.name >= 0 ? Cell::str(cells::qs(m_productNames.text(p.name))) : Cell::blank());
            row.push_back(Cell::str(e.currency));
            row.push_back(totalCell(p.revenue, Revenue));
            row.push_back(Cell::integer(p.orders));
            if (mapped(Quantity))
                row.push_back(totalCell(p.quantity, Quantity));
            t.rows.push_back(std::move(row));
        }
        result.tables.push_back(std::move(t));
        if (oneCurrency)
            result.charts.append({ChartSpec::Kind::Bar, QStringLiteral("top_products"),
                                  QStringLiteral("Top 10 products by revenue") + currencyNote,
                                  // Ids label the bars: several products may share a name.
                                  roleName(mapped(ProductId) ? ProductId : ProductName), {QStringLiteral("revenue")}});
    }

    // Average order value per currency.
    {
        ResultTable t;
        t.id = QStringLiteral("average_order_value");
        t.title = QStringLiteral("Average order value per currency");
        t.columns = {QStringLiteral("currency"), QStringLiteral("orders"), QStringLiteral("revenue"),
                     QStringLiteral("average_order_value"), QStringLiteral("smallest_order"),
                     QStringLiteral("largest_order")};
        for (int c : currencies) {
            const auto it = m_orderValues.find(c);
            if (it == m_orderValues.end())
                continue;
            const OrderValue &ov = it->second;
            t.rows.push_back({Cell::str(cells::qs(m_currencies.text(c))), Cell::integer(ov.orders),
                              totalCell(ov.revenue, Revenue), Cell::num(ov.revenue / double(ov.orders)),
                              Cell::num(ov.smallest), Cell::num(ov.largest)});
        }
        result.tables.push_back(std::move(t));
    }

    // Fraud rates.
    qint64 fraudChecked = 0, fraudFlagged = 0;
    if (mapped(FraudFlag)) {
        qint64 checked = 0, flagged = 0;
        double checkedRevenue = 0, flaggedRevenue = 0;
        bool counted = false;
        for (const Breakdown &b : m_breakdowns) {
            if (b.role != Channel && b.role != ProductCategory)
                continue;
            const QString role = roleName(b.role);
            const QString id = b.role == Channel ? QStringLiteral("fraud_rate_by_channel")
                                                 : QStringLiteral("fraud_rate_by_category");
            const QString title = b.role == Channel ? QStringLiteral("Fraud rate by channel")
                                                    : QStringLiteral("Fraud rate by product category");
            result.tables.push_back(fraudTable(b, id, title + currencyNote, role));
            if (!counted) {
                for (const auto &[k, t] : b.totals) {
                    checked += t.checkedOrders;
                    flagged += t.flaggedOrders;
                    if (oneCurrency) {
                        checkedRevenue += t.checkedRevenue;
                        flaggedRevenue += t.flaggedRevenue;
                    }
                }
                counted = true;
            }
        }
        fraudChecked = checked;
        fraudFlagged = flagged;
        if (counted && checked > 0) {
            QString msg = QStringLiteral("%1 of %2 orders (%3) are flagged as fraud")
                              .arg(flagged)
                              .arg(checked)
                              .arg(percent(double(flagged) / double(checked)));
            if (oneCurrency && checkedRevenue != 0)
                msg += QStringLiteral(", %1 of revenue").arg(percent(flaggedRevenue / checkedRevenue));
            result.alerts.append({QualityAlert::Severity::Info, msg + QLatin1Char('.')});
        }
    }

    // Headline cards: revenue, orders and average order value per currency, the fraud rate, and
    // the latest month's revenue against the month before.
    for (int c : currencies) {
        const auto it = m_orderValues.find(c);
        if (it == m_orderValues.end() || it->second.orders <= 0)
            continue;
        const QString cur = cells::qs(m_currencies.text(c));
        const OrderValue &ov = it->second;
        result.kpis.append({QStringLiteral("Revenue (%1)").arg(cur), moneyText(rounded(ov.revenue, Revenue)),
                            QStringLiteral("%1 to %2").arg(cells::dateText(m_firstDate), cells::dateText(m_lastDate)),
                            Kpi::Tone::Neutral});
        result.kpis.append({currencies.size() == 1 ? QStringLiteral("Orders") : QStringLiteral("Orders (%1)").arg(cur),
                            groupedInteger(ov.orders), QString(), Kpi::Tone::Neutral});
        result.kpis.append({QStringLiteral("Average order value (%1)").arg(cur),
                            moneyText(ov.revenue / double(ov.orders)), QString(), Kpi::Tone::Neutral});
    }
    if (fraudChecked > 0)
        result.kpis.append({QStringLiteral("Fraud rate"), percentText(double(fraudFlagged) / double(fraudChecked)),
                            QStringLiteral("%1 of %2 orders flagged")
                                .arg(groupedInteger(fraudFlagged), groupedInteger(fraudChecked)),
                            fraudFlagged > 0 ? Kpi::Tone::Bad : Kpi::Tone::Good});
    for (int c : currencies) {
        // The two latest full months with revenue in this currency: a month the data covers
        // only in part would read as a collapse.
        const bool lastPartial = cells::monthStartOf(m_lastDate + ingest::values::kMsecsPerDay)
                                 == cells::monthStartOf(m_lastDate);
        const MonthTotals *latest = nullptr, *before = nullptr;
        qint64 latestMonth = 0, beforeMonth = 0;
        for (auto it = m_months.rbegin(); it != m_months.rend(); ++it) {
            if (it->first.second != c || (lastPartial && it->first.first == cells::monthStartOf(m_lastDate)))
                continue;
            if (!latest) {
                latest = &it->second;
                latestMonth = it->first.first;
            } else {
                before = &it->second;
                beforeMonth = it->first.first;
                break;
            }
        }
        if (!latest || !before || before->revenue == 0)
            continue;
        const double change = (latest->revenue - before->revenue) / std::abs(before->revenue);
        result.kpis.append({currencies.size() == 1 ? QStringLiteral("Change on previous month")
                                                   : QStringLiteral("Change on previous month (%1)")
                                                         .arg(cells::qs(m_currencies.text(c))),
                            percentText(change, 1, true),
                            QStringLiteral("%1 against %2%3")
                                .arg(cells::monthText(latestMonth), cells::monthText(beforeMonth),
                                     lastPartial ? QStringLiteral(" (the last full months)") : QString()),
                            change >= 0 ? Kpi::Tone::Good : Kpi::Tone::Bad});
    }

    // Data quality and alerts.
    result.alerts += m_quality.blankAlerts(m_rowsRead, m_parameters.blankRateAlert);
    result.alerts += m_quality.errorAlerts();
    struct AlertRule {
        QString check;
        Role role;
        QString text;
    };
    const AlertRule rules[] = {
        {kDuplicateId, OrderId, QStringLiteral("%1 rows repeat an order id already seen, e.g. rows %2.")},
        {kNegativeQuantity, Quantity, QStringLiteral("%1 rows have a negative quantity, e.g. rows %2.")},
        {kMismatch, Revenue, QStringLiteral("%1 rows have a revenue that differs from quantity x unit price, e.g. rows %2.")},
        {kUnparseableDate, OrderDate, QStringLiteral("%1 order dates could not be read, e.g. rows %2.")},
        {kUnparseableNumber, Revenue, QStringLiteral("%1 revenue amounts could not be read, e.g. rows %2.")},
        {kUnparseableNumber, Quantity, QStringLiteral("%1 quantities could not be read, e.g. rows %2.")},
        {kUnparseableNumber, UnitPrice, QStringLiteral("%1 unit prices could not be read, e.g. rows %2.")},
        {kUnparseableNumber, LoanAmount, QStringLiteral("%1 loan amounts could not be read, e.g. rows %2.")},
        {kUnparseableNumber, InterestRate, QStringLiteral("%1 interest rates could not be read, e.g. rows %2.")},
        {kUnparseableNumber, TransactionFee, QStringLiteral("%1 transaction fees could not be read, e.g. rows %2.")},
        {kUnparseableFlag, FraudFlag, QStringLiteral("%1 fraud flags are neither yes nor no, e.g. rows %2.")},
    };
    for (const AlertRule &rule : rules) {
        if (rule.role != RoleCount && !mapped(rule.role))
            continue;
        const QualityFinding *f = m_quality.find(rule.check, rule.role != RoleCount ? columnName(rule.role) : QString());
        if (f && f->count > 0)
            result.alerts.append({QualityAlert::Severity::Warning,
                                  rule.text.arg(f->count).arg(QualityLog::exampleText(*f))});
    }
    result.quality = m_quality.table(m_rowsRead);
    return result;
}

} // namespace finpipe::analysis
