#include "bankrecurring.h"

#include "ingest/valueparser.h"

#include <algorithm>
#include <cmath>

namespace finpipe::analysis::bank {

namespace {

using ingest::values::civilFromDays;
using ingest::values::daysFromCivil;

struct Cadence {
    const char16_t *name;
    int minGap;
    int maxGap;
    int months; //!< 0: by days
    int days;
    int minCount;
};

constexpr Cadence kCadences[] = {
    {u"weekly", 6, 8, 0, 7, 4},         {u"fortnightly", 13, 15, 0, 14, 4},
    {u"monthly", 27, 34, 1, 0, 3},      {u"quarterly", 85, 98, 3, 0, 3},
    {u"yearly", 355, 376, 12, 0, 2},
};

qint64 addMonths(qint64 day, int months)
{
    const auto c = civilFromDays(day);
    qint64 y = c.year;
    int m = c.month + months;
    y += (m - 1) / 12;
    m = (m - 1) % 12 + 1;
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    const int last = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
    return daysFromCivil(int(y), m, std::min(c.day, last));
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

} // namespace

void Occurrences::add(qint64 day, double amount)
{
    ++m_seen;
    if (m_items.size() < kMax) {
        m_items.push_back({day, amount});
        return;
    }
    // Full: the earliest booking makes way for a later one.
    auto earliest = std::min_element(m_items.begin(), m_items.end());
    if (day > earliest->first)
        *earliest = {day, amount};
}

std::vector<std::pair<qint64, double>> Occurrences::sorted() const
{
    auto out = m_items;
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<Recurrence> findRecurrence(const std::vector<std::pair<qint64, double>> &byDate)
{
    if (byDate.size() < 2)
        return std::nullopt;
    std::vector<double> amounts;
    for (const auto &[day, amount] : byDate)
        amounts.push_back(amount);
    const double typical = median(amounts);
    const double tolerance = std::max(1.0, std::abs(typical) * 0.10);
    std::vector<qint64> days;
    std::vector<double> similar;
    for (const auto &[day, amount] : byDate) {
        if (std::abs(amount - typical) > tolerance)
            continue;
        if (!days.empty() && days.back() == day)
            continue; // one a day: a repeat on the same day is no cadence
        days.push_back(day);
        similar.push_back(amount);
    }
    if (days.size() < 2)
        return std::nullopt;
    // A payee's repeat payment is either most of what goes to it (rent, a salary) or the same
    // amount each time (a subscription among irregular purchases); two similar amounts among many
    // different ones are chance.
    const double same = median(similar);
    const bool exact = std::all_of(similar.begin(), similar.end(), [&](double a) {
        return std::abs(a - same) <= std::max(0.01, std::abs(same) * 0.01);
    });
    if (!exact && similar.size() * 2 < byDate.size())
        return std::nullopt;
    const bool identical = std::all_of(similar.begin(), similar.end(), [&](double a) { return std::abs(a - same) < 0.005; });
    std::vector<qint64> gaps;
    for (size_t i = 1; i < days.size(); ++i)
        gaps.push_back(days[i] - days[i - 1]);
    for (const Cadence &c : kCadences) {
        if (int(days.size()) < c.minCount)
            continue;
        if (int(days.size()) == 2 && !identical)
            continue; // two bookings a year apart are a cadence only at the very same amount

        const auto fits = std::count_if(gaps.begin(), gaps.end(), [&](qint64 g) { return g >= c.minGap && g <= c.maxGap; });
        if (fits * 4 < qint64(gaps.size()) * 3)
            continue;
        Recurrence r;
        r.cadence = QString::fromUtf16(c.name);
        r.typicalAmount = median(similar);
        r.occurrences = qint64(days.size());
        r.firstDay = days.front();
        r.lastDay = days.back();
        r.nextDay = c.months ? addMonths(r.lastDay, c.months) : r.lastDay + c.days;
        return r;
    }
    return std::nullopt;
}

} // namespace finpipe::analysis::bank
