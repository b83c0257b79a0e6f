// finpipe-bench-gen-readings OUT ROWS: writes the shared readings benchmark file.
#include "readingsgen.h"

#include <QCoreApplication>
#include <QStringList>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    bool ok = false;
    const qint64 rows = args.size() == 3 ? args[2].toLongLong(&ok) : 0;
    if (!ok || rows < 0) {
        std::fprintf(stderr, "usage: finpipe-bench-gen-readings OUT ROWS   (2000000 rows ~ 78 MB)\n");
        return 2;
    }
    const qint64 bytes = finpipe::bench::writeReadings(args[1], rows);
    if (bytes < 0) {
        std::fprintf(stderr, "finpipe-bench-gen-readings: cannot write %s\n", qPrintable(args[1]));
        return 3;
    }
    std::printf("%s: %lld rows, %lld bytes\n", qPrintable(args[1]), static_cast<long long>(rows),
                static_cast<long long>(bytes));
    return 0;
}
