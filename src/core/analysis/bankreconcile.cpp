#include "bankreconcile.h"

#include <cmath>

namespace finpipe::analysis::bank {

bool BalanceChain::matches(double expected, double found) const
{
    // Half a cent, and the binary noise of long sums.
    return std::abs(expected - found) <= 0.005 + 1e-12 * std::abs(found);
}

void BalanceChain::add(qint64 row, qint64 date, double amount, bool hasBalance, double balance)
{
    // Oldest first: balance[i] = balance[j] + amounts of rows j+1..i (j the last balanced row).
    // Newest first: balance[i] = balance[j] − amounts of rows j..i−1.
    if (!m_newestFirst)
        m_pending += amount;
    if (hasBalance) {
        if (m_started) {
            ++m_checked;
            const double delta = m_newestFirst ? -m_pending : m_pending;
            const double expected = m_run + delta;
            if (matches(expected, balance)) {
                m_hasAlt = false;
            } else if (m_hasAlt && matches(m_alt + delta, balance)) {
                // The previous row's balance alone was wrong (already reported).
                m_hasAlt = false;
            } else {
                ++m_breakCount;
                if (m_breaks.size() < kMaxBreaks)
                    m_breaks.push_back({row, date, amount, expected, balance});
                m_hasAlt = true;
                m_alt = expected;
            }
        }
        m_started = true;
        m_run = balance;
        m_pending = 0;
    }
    if (m_newestFirst)
        m_pending += amount;
}

} // namespace finpipe::analysis::bank
