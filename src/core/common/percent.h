#pragma once

#include <QString>
#include <QtGlobal>

#include <cmath>

namespace finpipe {

//! A share (0..1) as a whole percentage for people to read. Rounds, except that anything short of
//! certain never reads 100% and anything above nothing never reads 0% (0.9995 is "99%").
inline int wholePercent(double fraction)
{
    const double f = qBound(0.0, fraction, 1.0);
    const int p = int(std::lround(f * 100.0));
    if (p == 100 && f < 1.0)
        return 99;
    if (p == 0 && f > 0.0)
        return 1;
    return p;
}

//! A share (0..1) as the percentage people read in alerts and charts: one decimal below 10 %,
//! whole from 10 % up (wholePercent's rule: short of 100 never reads 100, above 0 never reads 0).
inline double readablePercentValue(double share)
{
    const double f = qBound(0.0, share, 1.0);
    const double tenth = std::round(f * 1000.0) / 10.0;
    if (tenth >= 10.0)
        return wholePercent(f);
    if (tenth == 0.0 && f > 0.0)
        return 0.1;
    return tenth;
}

//! readablePercentValue as text: "4.5%", "98%".
inline QString readablePercent(double share)
{
    const double v = readablePercentValue(share);
    return QString::number(v, 'f', v >= 10.0 ? 0 : 1) + QLatin1Char('%');
}

} // namespace finpipe
