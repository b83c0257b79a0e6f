// Peak resident memory while streaming a 1 GB CSV (target <= 100 MB), and what opening it
// (sniffing, sampling from offsets) costs on a file that size (target <= 100 ms).
#include "readingsgen.h"

#include "ingest/reader.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <cstdio>

using namespace finpipe;

namespace {

qint64 statusKb(const char *field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(int(qstrlen(field))).trimmed().split(' ').first().toLongLong();
    return -1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("readings-1gb.csv"));
    // ~39 bytes a row: 26 million rows make about 1 GB.
    const qint64 bytes = bench::writeReadings(path, 26'000'000);
    if (bytes < 0)
        return 3;
    std::printf("Streaming a %.2f GB CSV\n", double(bytes) / 1e9);
    const qint64 before = statusKb("VmHWM:");

    QElapsedTimer t;
    t.start();
    auto reader = ingest::TableReader::open(path);
    if (!reader) {
        std::fprintf(stderr, "%s\n", qPrintable(reader.error().toString()));
        return 3;
    }
    ingest::RowBatch sample;
    (void)(*reader)->readSample(sample, 2000);
    std::printf("  open + readSample(2000): %.1f ms (target <= 100 ms)\n", t.nsecsElapsed() / 1e6);

    t.restart();
    ingest::RowBatch batch;
    qint64 rows = 0;
    for (;;) {
        auto more = (*reader)->readBatch(batch);
        if (!more) {
            std::fprintf(stderr, "%s\n", qPrintable(more.error().toString()));
            return 3;
        }
        rows += batch.rowCount();
        if (!*more)
            break;
    }
    const double s = t.nsecsElapsed() / 1e9;
    std::printf("  %lld rows in %.2f s (%.1f MB/s with SHA-256)\n", static_cast<long long>(rows), s,
                double(bytes) / 1e6 / s);
    std::printf("  peak RSS (VmHWM) %.1f MB (%.1f MB before opening; target <= 100 MB)\n",
                statusKb("VmHWM:") / 1024.0, before / 1024.0);
    return 0;
}
