#pragma once

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

} // namespace finpipe
