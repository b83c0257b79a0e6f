#pragma once

#include "ingest/valueparser.h"

#include <QByteArray>
#include <QString>

#include <algorithm>
#include <cstdio>

// The readings file the CSV and analysis benchmarks share: Station_ID, Date_Time, PCode, Result
// in the raw layout of the users' files. Deterministic, so runs compare like with like.
namespace finpipe::bench {

//! Writes `rows` data rows (plus the header) to `path`: 4 stations, "Data 1".."Data 24", readings
//! spread evenly over 1,500 days with `YYYY-MM-DD HH:MM:SS` timestamps, Results 0-700 with two
//! decimals and about 3% blank. 2,000,000 rows make about 78 MB. `newestFirst` writes the same
//! readings in reverse time order (every cell's times go backwards). Returns bytes written, -1 on
//! error.
inline qint64 writeReadings(const QString &path, qint64 rows, bool newestFirst = false)
{
    std::FILE *f = std::fopen(path.toLocal8Bit().constData(), "wb");
    if (!f)
        return -1;
    static const char *const kStations[] = {"CT", "TUS", "NRB", "KSM"};
    constexpr int kParams = 24;
    constexpr qint64 kPerStep = 4 * kParams;
    const qint64 steps = std::max<qint64>(1, (rows + kPerStep - 1) / kPerStep);
    const qint64 spanSeconds = 1500ll * 86400;
    const qint64 stepSeconds = std::max<qint64>(1, spanSeconds / steps);
    QByteArray buf;
    buf.reserve(1 << 20);
    buf += "Station_ID,Date_Time,PCode,Result\n";
    qint64 written = 0;
    quint64 rng = 0x9E3779B97F4A7C15ull;
    char line[96];
    for (qint64 row = 0; row < rows; ++row) {
        const qint64 i = newestFirst ? rows - 1 - row : row;
        const qint64 step = i / kPerStep;
        const int station = int((i / kParams) % 4);
        const int param = int(i % kParams) + 1;
        // Days since 2021-01-01 (day 18628).
        const qint64 t = step * stepSeconds;
        const finpipe::ingest::values::CivilDate date = finpipe::ingest::values::civilFromDays(18628 + t / 86400);
        const int y = int(date.year), m = date.month, d = date.day;
        const int sod = int(t % 86400);
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        int n;
        if (rng % 100 < 3)
            n = std::snprintf(line, sizeof line, "%s,%04d-%02d-%02d %02d:%02d:%02d,Data %d,\n", kStations[station],
                              y, m, d, sod / 3600, sod / 60 % 60, sod % 60, param);
        else
            n = std::snprintf(line, sizeof line, "%s,%04d-%02d-%02d %02d:%02d:%02d,Data %d,%d.%02d\n",
                              kStations[station], y, m, d, sod / 3600, sod / 60 % 60, sod % 60, param,
                              int((rng >> 20) % 700), int((rng >> 40) % 100));
        buf.append(line, n);
        if (buf.size() > (1 << 20) - 128) {
            written += qint64(std::fwrite(buf.constData(), 1, size_t(buf.size()), f));
            buf.clear();
        }
    }
    written += qint64(std::fwrite(buf.constData(), 1, size_t(buf.size()), f));
    return std::fclose(f) == 0 ? written : -1;
}

} // namespace finpipe::bench
