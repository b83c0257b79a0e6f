#pragma once

#include <QString>

#include <cmath>

// Numbers as people read them in the dashboard's headline cards (the CSV files keep exact
// values): counts whole with grouped thousands, money with two decimals, shares as percentages.
namespace finpipe {

//! "1,234,567", "−12": grouped thousands and a real minus sign.
inline QString groupedInteger(qint64 n)
{
    QString digits = QString::number(n < 0 ? -n : n);
    for (qsizetype i = digits.size() - 3; i > 0; i -= 3)
        digits.insert(i, u',');
    return n < 0 ? QStringLiteral("−") + digits : digits;
}

//! "12,345.67", "−950.00": two decimals, grouped thousands, a real minus sign.
inline QString moneyText(double v)
{
    QString digits = QString::number(std::abs(v), 'f', 2);
    for (qsizetype i = digits.indexOf(u'.') - 3; i > 0; i -= 3)
        digits.insert(i, u',');
    return (v < 0 && digits != u"0.00" ? QStringLiteral("−") : QString()) + digits;
}

//! A share (0.0227) as "2.27 %"; `signedChange` writes "+3.40 %" for growth.
inline QString percentText(double share, int decimals = 2, bool signedChange = false)
{
    const double p = share * 100.0;
    QString s = QString::number(std::abs(p), 'f', decimals);
    const bool zero = s.toDouble() == 0.0;
    if (p < 0 && !zero)
        s.prepend(QStringLiteral("−"));
    else if (signedChange && !zero)
        s.prepend(u'+');
    return s + QStringLiteral(" %");
}

} // namespace finpipe
