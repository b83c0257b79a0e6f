#pragma once

#include <QString>
#include <QtGlobal>

#include <optional>
#include <vector>

namespace finpipe::analysis::bank {

//! The latest bookings of one counterparty in one direction (money in or out), kept for finding
//! payments that repeat. Bounded: only the kMax latest by date are kept, whatever the file's order.
class Occurrences
{
public:
    static constexpr size_t kMax = 64;
    void add(qint64 day, double amount);
    //! Bookings seen in all (also those no longer kept).
    qint64 seen() const { return m_seen; }
    //! The kept bookings, by date.
    std::vector<std::pair<qint64, double>> sorted() const;

private:
    std::vector<std::pair<qint64, double>> m_items; // (day since 1970, amount)
    qint64 m_seen = 0;
};

//! A payment that repeats: the same counterparty, a similar amount, a regular cadence.
struct Recurrence {
    QString cadence;        //!< "weekly", "fortnightly", "monthly", "quarterly", "yearly"
    double typicalAmount = 0; //!< the median of the similar amounts (signed)
    qint64 occurrences = 0; //!< bookings at that amount and cadence
    qint64 firstDay = 0;    //!< days since 1970
    qint64 lastDay = 0;
    qint64 nextDay = 0;     //!< the next expected date
};

//! A recurrence in the bookings, if there is one: the amounts within 10% (at least 1.00) of their
//! median, on distinct days, whose gaps are mostly (three in four, after the first) one cadence's;
//! they must be at least half of the bookings, or all within 1% of one amount.
//! Weekly and fortnightly need 4 bookings, monthly and quarterly 3, yearly 2 (to the cent the same amount).
std::optional<Recurrence> findRecurrence(const std::vector<std::pair<qint64, double>> &byDate);

} // namespace finpipe::analysis::bank
