#pragma once

#include <QtGlobal>

#include <vector>

namespace finpipe::analysis::bank {

//! One place where a statement's running balance does not follow from the amounts.
struct BalanceBreak {
    qint64 row = 0;       //!< source row (1-based line)
    qint64 date = 0;      //!< booking date, ms
    double amount = 0;
    double expected = 0;  //!< the balance the previous balance and the amounts give
    double found = 0;     //!< the balance the file gives
};

//! Checks the running balance of one account in one currency, streaming, under one assumption
//! about the file's order: oldest booking first (each balance = the previous one + its own amount)
//! or newest first (each balance = the previous one − the previous row's amount). Rows without a
//! balance carry their amount on to the next row that has one. A single wrong balance is one break:
//! when the row after a break agrees with the balance the break row should have had, the chain
//! goes on from there and no second break is reported.
class BalanceChain
{
public:
    explicit BalanceChain(bool newestFirst) : m_newestFirst(newestFirst) {}

    //! Adds the next row in file order; `hasBalance` false for a row without a balance.
    void add(qint64 row, qint64 date, double amount, bool hasBalance, double balance);

    bool newestFirst() const { return m_newestFirst; }
    qint64 breakCount() const { return m_breakCount; }
    //! The first kMaxBreaks breaks, in file order.
    const std::vector<BalanceBreak> &breaks() const { return m_breaks; }
    static constexpr size_t kMaxBreaks = 10000;

    //! Rows checked against a previous balance.
    qint64 checked() const { return m_checked; }

private:
    bool matches(double expected, double found) const;

    bool m_newestFirst = false;
    bool m_started = false;
    double m_run = 0;       //!< the last balance accepted
    double m_pending = 0;   //!< amounts between it and the next balance (see add())
    bool m_hasAlt = false;  //!< the last balanced row broke: what it should have been
    double m_alt = 0;
    qint64 m_breakCount = 0;
    qint64 m_checked = 0;
    std::vector<BalanceBreak> m_breaks;
};

} // namespace finpipe::analysis::bank
