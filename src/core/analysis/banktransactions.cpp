#include "banktransactions.h"

#include "analysis/bankvalues.h"
#include "detect/rules.h"
#include "ingest/valueparser.h"

#include <algorithm>
#include <cmath>

namespace finpipe::analysis {

namespace {

const QString kUnparseableDate = QStringLiteral("unparseable date");
const QString kUnparseableAmount = QStringLiteral("unparseable amount");
const QString kUnparseableBalance = QStringLiteral("unparseable balance");
const QString kDuplicate = QStringLiteral("suspected duplicate transaction");
const QString kBothSides = QStringLiteral("debit and credit both filled");
const QString kUnreadableDirection = QStringLiteral("unreadable debit/credit indicator");

//! The sign a debit/credit indicator gives ("Af"/"Bij", "S"/"H", "DR"/"CR", ...): -1 money out,
//! +1 money in, 0 when the cell says neither.
int directionOf(std::string_view text)
{
    std::string t;
    for (const char c : cells::trim(text))
        t += char(c >= 'A' && c <= 'Z' ? c + 32 : c);
    static const char *const kOut[] = {"af", "d", "dr", "debit", "s", "soll", "dbit", "debe", "out", "-"};
    static const char *const kIn[] = {"bij", "c", "cr", "credit", "h", "haben", "crdt", "haber", "in", "+"};
    for (const char *w : kOut)
        if (t == w)
            return -1;
    for (const char *w : kIn)
        if (t == w)
            return 1;
    return 0;
}

} // namespace

QString BankTransactions::roleName(Role role)
{
    switch (role) {
    case BookingDate: return QStringLiteral("booking_date");
    case ValueDate: return QStringLiteral("value_date");
    case Description: return QStringLiteral("description");
    case Amount: return QStringLiteral("amount");
    case Debit: return QStringLiteral("debit");
    case Credit: return QStringLiteral("credit");
    case Balance: return QStringLiteral("balance");
    case Currency: return QStringLiteral("currency");
    case Reference: return QStringLiteral("reference");
    case Category: return QStringLiteral("category");
    case Account: return QStringLiteral("account");
    case Direction: return QStringLiteral("direction");
    case RoleCount: break;
    }
    return {};
}

QString BankTransactions::columnName(Role r) const
{
    return mapped(r) ? m_fileColumns[column(r)].name : roleName(r);
}

Result<void> BankTransactions::start(const QList<ingest::ColumnInfo> &columns, const detect::ColumnMapping &mapping,
                                     const Parameters &parameters)
{
    m_fileColumns = columns;
    m_parameters = parameters;
    m_columns.assign(RoleCount, -1);
    for (int r = 0; r < RoleCount; ++r) {
        const Role role = Role(r);
        auto index = cells::resolveRole(columns, mapping, roleName(role), role == BookingDate || role == Description);
        if (!index.ok())
            return index.error();
        m_columns[size_t(r)] = *index;
    }
    if (!mapped(Amount) && !(mapped(Debit) && mapped(Credit)))
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("A statement needs its amounts: map the amount role to a column of signed "
                                          "amounts, or the debit and credit roles to the money-out and money-in "
                                          "columns."));
    if (mapped(Amount)) {
        // One signed column wins over debit and credit.
        for (Role r : {Debit, Credit})
            m_columns[size_t(r)] = -1;
    } else {
        m_columns[size_t(Direction)] = -1; // an indicator only signs a single amount column
    }
    m_fieldRoles.clear();
    m_fieldNames.clear();
    for (int r = 0; r < RoleCount; ++r) {
        if (mapped(Role(r))) {
            m_fieldRoles.push_back(Role(r));
            m_fieldNames << roleName(Role(r));
        }
    }
    m_fields.assign(m_fieldRoles.size(), {});
    m_quality.setColumns(columns);
    for (int c = 0; c < columns.size(); ++c) {
        const auto used = std::find(m_columns.begin(), m_columns.end(), c);
        if (used == m_columns.end())
            m_quality.setBlankAlert(c, QualityLog::BlankAlert::None);
        else if (Role(used - m_columns.begin()) != BookingDate && Role(used - m_columns.begin()) != Description
                 && Role(used - m_columns.begin()) != Amount)
            // Debit and credit columns are each blank on about half the rows; balances, value dates
            // and references are often given on some rows only.
            m_quality.setBlankAlert(c, QualityLog::BlankAlert::Info);
    }
    if (!m_categoriesSet)
        m_categories = bank::Categories::load(detect::Rules::categoriesFiles(), &m_categoryProblems);
    return {};
}

void BankTransactions::noteUnparseable(Role r, const ingest::Value &v, qint64 line, const QString &consequence)
{
    const QString &check = r == BookingDate ? kUnparseableDate : r == Balance ? kUnparseableBalance : kUnparseableAmount;
    QualityFinding &f = m_quality.finding(check, columnName(r));
    if (f.detail.isEmpty())
        f.detail = QStringLiteral("e.g. \"%1\" on row %2; %3").arg(v.toString()).arg(line).arg(consequence);
    f.add(line);
}

bool BankTransactions::amountOfRow(const ingest::RowBatch &batch, int row, double &amount, QString &why)
{
    const qint64 line = batch.sourceLine(row);
    if (mapped(Amount)) {
        const ingest::Value &v = batch.at(row, column(Amount));
        if (v.isBlank()) {
            why = QStringLiteral("blank amount");
            return false;
        }
        if (!bank::amountOf(v, amount)) {
            why = QStringLiteral("unparseable amount");
            noteUnparseable(Amount, v, line, QStringLiteral("the row is skipped"));
            return false;
        }
        if (mapped(Direction)) {
            // Unsigned amounts with an indicator column (ING's "Af Bij", German "S"/"H").
            const ingest::Value &d = batch.at(row, column(Direction));
            const int sign = directionOf(d.text);
            if (sign == 0) {
                QualityFinding &f = m_quality.finding(kUnreadableDirection, columnName(Direction));
                if (f.detail.isEmpty())
                    f.detail = QStringLiteral("e.g. \"%1\" on row %2; the amount's own sign is kept")
                                   .arg(cells::qs(cells::trim(d.text)))
                                   .arg(line);
                f.add(line);
            } else {
                amount = sign * std::abs(amount);
            }
        }
        return true;
    }
    // Debit (money out) and credit (money in): the sign of the written figure does not matter.
    const ingest::Value &d = batch.at(row, column(Debit));
    const ingest::Value &c = batch.at(row, column(Credit));
    double debit = 0, credit = 0;
    const bool hasDebit = !d.isBlank() && bank::amountOf(d, debit);
    const bool hasCredit = !c.isBlank() && bank::amountOf(c, credit);
    if (!d.isBlank() && !hasDebit)
        noteUnparseable(Debit, d, line, QStringLiteral("the row is skipped"));
    if (!c.isBlank() && !hasCredit)
        noteUnparseable(Credit, c, line, QStringLiteral("the row is skipped"));
    if ((!d.isBlank() && !hasDebit) || (!c.isBlank() && !hasCredit)) {
        why = QStringLiteral("unparseable amount");
        return false;
    }
    if (!hasDebit && !hasCredit) {
        why = QStringLiteral("blank debit and credit");
        return false;
    }
    if (hasDebit && hasCredit && debit != 0 && credit != 0) {
        QualityFinding &f = m_quality.finding(kBothSides, columnName(Debit));
        if (f.detail.isEmpty())
            f.detail = QStringLiteral("e.g. row %1; the amount taken is credit − debit").arg(line);
        f.add(line);
    }
    amount = std::abs(credit) - std::abs(debit);
    return true;
}

int BankTransactions::categoryIndex(const QString &name)
{
    qsizetype i = m_categoryNames.indexOf(name);
    if (i < 0) {
        m_categoryNames << name;
        i = m_categoryNames.size() - 1;
    }
    return int(i);
}

Result<void> BankTransactions::consume(const ingest::RowBatch &batch, LineageSink &lineage, Feedback *feedback)
{
    if (feedback && feedback->isCancelled())
        return Error::make(Error::Code::Cancelled, QStringLiteral("The statement analysis was cancelled."));
    if (!m_fieldsSent) {
        lineage.setFields(m_fieldNames);
        m_fieldsSent = true;
    }
    m_quality.countBlanks(batch);

    QString reasons, why;
    std::string reasonUtf8;
    for (int row = 0; row < batch.rowCount(); ++row) {
        ++m_rowsRead;
        const qint64 line = batch.sourceLine(row);
        for (size_t i = 0; i < m_fieldRoles.size(); ++i)
            m_fields[i] = batch.at(row, column(m_fieldRoles[i])).text;
        const std::string_view hash = m_hasher.hash(m_fields.data(), int(m_fields.size()));

        reasons.clear();
        qint64 date = 0;
        const ingest::Value &dateValue = batch.at(row, column(BookingDate));
        if (dateValue.isBlank()) {
            reasons = QStringLiteral("blank booking date");
        } else if (!bank::dateOf(dateValue, date)) {
            reasons = QStringLiteral("unparseable booking date");
            noteUnparseable(BookingDate, dateValue, line, QStringLiteral("the row is skipped"));
        }
        double amount = 0;
        why.clear();
        if (!amountOfRow(batch, row, amount, why))
            reasons += (reasons.isEmpty() ? QString() : QStringLiteral("; ")) + why;
        if (!reasons.isEmpty()) {
            ++m_rowsSkipped;
            reasonUtf8 = reasons.toStdString();
            lineage.add(line, m_fields.data(), hash, RowStatus::Skipped, reasonUtf8);
            continue;
        }
        ++m_rowsUsed;
        m_decimals = cells::decimalsOf(amount, m_decimals);
        lineage.add(line, m_fields.data(), hash, RowStatus::Used, {});

        int currency = 0;
        const std::string_view c = mapped(Currency) ? cells::trim(batch.at(row, column(Currency)).text)
                                                    : std::string_view();
        if (c.empty()) {
            m_blankCurrency = m_blankCurrency || mapped(Currency);
            currency = m_currencies.id("(unspecified)");
        } else {
            currency = m_currencies.id(c);
        }
        const int account = m_accounts.id(mapped(Account) ? cells::trim(batch.at(row, column(Account)).text)
                                                          : std::string_view());

        // Balance: optional per row.
        double balance = 0;
        bool hasBalance = false;
        if (mapped(Balance)) {
            const ingest::Value &b = batch.at(row, column(Balance));
            if (!b.isBlank()) {
                hasBalance = bank::amountOf(b, balance);
                if (!hasBalance)
                    noteUnparseable(Balance, b, line, QStringLiteral("the row's balance is not checked"));
            }
        }

        const qint64 day = ingest::values::dayOf(date);
        MonthTotals &m = m_months[{cells::monthStartOf(date), currency}];
        (amount >= 0 ? m.in : m.out) += std::abs(amount);
        ++m.count;

        Ledger &l = m_ledgers[pairKey(account, currency)];
        l.oldestFirst.add(line, date, amount, hasBalance, balance);
        l.newestFirst.add(line, date, amount, hasBalance, balance);
        if (l.rows == 0)
            l.firstDate = l.minDate = l.maxDate = date;
        ++l.rows;
        l.sum += amount;
        (amount >= 0 ? l.in : l.out) += std::abs(amount);
        l.lastDate = date;
        l.minDate = std::min(l.minDate, date);
        l.maxDate = std::max(l.maxDate, date);
        if (!hasBalance) {
            (l.balances == 0 ? l.sumBeforeFirst : l.sumAfterLast) += amount;
        } else {
            if (l.balances == 0) {
                l.firstBalance = balance;
                l.firstBalanceAmount = amount;
            }
            ++l.balances;
            l.lastBalance = balance;
            l.lastBalanceAmount = amount;
            l.sumAfterLast = 0;
            auto [it, inserted] = l.dayBalances.try_emplace(day, balance, balance);
            if (!inserted)
                it->second.second = balance;
        }
        l.dayNet[day] += amount;

        // Counterparty and category.
        const QString name = bank::normaliseCounterparty(batch.at(row, column(Description)).text);
        const QByteArray nameUtf8 = name.toUtf8();
        const int cp = m_counterpartyNames.id(std::string_view(nameUtf8.constData(), size_t(nameUtf8.size())));
        CounterpartyTotals &t = m_counterparties[pairKey(currency, cp)];
        if (t.count == 0) {
            t.firstDay = t.lastDay = day;
            t.category = categoryIndex(m_categories.categoryOf(name));
        }
        (amount >= 0 ? t.in : t.out) += std::abs(amount);
        ++t.count;
        t.firstDay = std::min(t.firstDay, day);
        t.lastDay = std::max(t.lastDay, day);
        (amount >= 0 ? t.incoming : t.outgoing).add(day, amount);
        MonthTotals &ct = m_categoryTotals[{currency, t.category}];
        (amount >= 0 ? ct.in : ct.out) += std::abs(amount);
        ++ct.count;

        // Suspected duplicates: the same date, amount and payee (and currency) as an earlier row.
        m_keyBuffer.assign(std::to_string(day));
        m_keyBuffer += '|';
        m_keyBuffer += std::to_string(std::llround(amount * 100));
        m_keyBuffer += '|';
        m_keyBuffer += std::string_view(nameUtf8.constData(), size_t(nameUtf8.size()));
        m_keyBuffer += '|';
        m_keyBuffer += m_currencies.text(currency);
        m_keyBuffer += '|';
        m_keyBuffer += m_accounts.text(account);
        if (!m_bookings.insert(m_keyBuffer)) {
            ++m_duplicates;
            QualityFinding &f = m_quality.finding(kDuplicate, columnName(Description));
            if (f.detail.isEmpty())
                f.detail = QStringLiteral("e.g. row %1: %2, %3, \"%4\" as on an earlier row; two coffees on one day "
                                          "look the same, so check before removing; every row is counted")
                               .arg(line)
                               .arg(cells::dateText(date))
                               .arg(amount, 0, 'f', 2)
                               .arg(name);
            f.add(line);
        }
    }
    return {};
}

} // namespace finpipe::analysis
