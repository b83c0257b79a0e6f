// Detection time on a 1 KB and a 1 GB readings CSV: detection reads a bounded sample, so both
// should take about the same time (target: <= 100 ms each). The 1 GB file is generated in a
// temporary folder and deleted afterwards.
//
// Usage: finpipe-bench-detect [GIGABYTES]   (default 1; use 0.1 for a quick run)
#include "readingsgen.h"

#include "detect/detection.h"
#include "detect/rules.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace finpipe;

namespace {

//! Runs detection `runs` times; prints the fastest and the median.
bool measure(const char *label, const QString &path, const detect::Rules &rules, int runs = 5)
{
    std::vector<double> ms;
    QString type;
    QString level;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        auto d = detect::detectFile(path, {}, rules);
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
        if (!d) {
            std::fprintf(stderr, "%s: %s\n", label, qPrintable(d.error().toString()));
            return false;
        }
        type = d->type;
        level = detect::levelName(d->level);
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%-8s %12lld bytes  detect: min %7.1f ms  median %7.1f ms  -> %s (%s)\n", label,
                QFileInfo(path).size(), ms.front(), ms[ms.size() / 2], qPrintable(type), qPrintable(level));
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const double gigabytes = argc > 1 ? QString::fromLocal8Bit(argv[1]).toDouble() : 1.0;
    QTemporaryDir dir;
    if (!dir.isValid()) {
        std::fprintf(stderr, "cannot create a temporary folder\n");
        return 1;
    }
    QElapsedTimer t;
    t.start();
    detect::RulesOptions options;
    options.includeUser = false;
    const detect::Rules rules = detect::Rules::load(options);
    std::printf("rules loaded in %.1f ms (version %s)\n", double(t.nsecsElapsed()) / 1e6, qPrintable(rules.version()));

    const QString small = dir.filePath(QStringLiteral("small.csv"));
    if (bench::writeReadings(small, 25) < 0)
        return 1;
    // About 39 bytes a row in this layout.
    const qint64 rows = qint64(gigabytes * 1024.0 * 1024.0 * 1024.0 / 39.0);
    const QString big = dir.filePath(QStringLiteral("big.csv"));
    t.restart();
    if (bench::writeReadings(big, rows) < 0)
        return 1;
    std::printf("generated %lld rows in %.1f s\n", rows, double(t.elapsed()) / 1000.0);

    const bool ok = measure("1 KB", small, rules) && measure("big", big, rules);
    QFile::remove(big);
    return ok ? 0 : 1;
}
