// SHA-256 throughput of finpipe's sha256File against `openssl dgst -sha256` on the same 300 MB
// file in the same run (warm page cache for both; best of three each).
#include "ingest/sha256.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <cstdio>

using namespace finpipe;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    constexpr qint64 kBytes = 300ll * 1000 * 1000;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("hash-300mb.bin"));
    {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return 3;
        QByteArray chunk(1 << 20, Qt::Uninitialized);
        quint64 x = 88172645463325252ull;
        for (qint64 left = kBytes; left > 0;) {
            for (char &c : chunk) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                c = char(x);
            }
            const qint64 n = std::min<qint64>(left, chunk.size());
            f.write(chunk.constData(), n);
            left -= n;
        }
    }
    const double mb = double(kBytes) / 1e6;
    double oursBest = 1e9, opensslBest = 1e9;
    QString ours, theirs;
    for (int round = 0; round < 3; ++round) {
        QElapsedTimer t;
        t.start();
        QProcess p;
        p.start(QStringLiteral("openssl"), {QStringLiteral("dgst"), QStringLiteral("-sha256"), QStringLiteral("-r"), path});
        p.waitForFinished(-1);
        opensslBest = std::min(opensslBest, t.nsecsElapsed() / 1e9);
        theirs = QString::fromLatin1(p.readAllStandardOutput().left(64));

        t.restart();
        auto digest = ingest::sha256File(path);
        oursBest = std::min(oursBest, t.nsecsElapsed() / 1e9);
        if (!digest.ok()) {
            std::fprintf(stderr, "%s\n", qPrintable(digest.error().toString()));
            return 3;
        }
        ours = *digest;
    }
    std::printf("SHA-256 of a %.0f MB file (best of 3, warm cache)\n", mb);
    std::printf("  finpipe sha256File   %8.1f MB/s  (%.3f s)\n", mb / oursBest, oursBest);
    std::printf("  openssl dgst -sha256 %8.1f MB/s  (%.3f s, includes process start)\n", mb / opensslBest,
                opensslBest);
    std::printf("  ratio finpipe/openssl %.2fx (target >= 0.90x)\n", opensslBest / oursBest);
    std::printf("  digests %s\n", ours == theirs ? "agree" : "DIFFER");
    return ours == theirs ? 0 : 1;
}
