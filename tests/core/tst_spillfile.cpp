// SpillFile: bytes appended are read back exactly, in order, whether they went to the temporary
// file, stayed in the buffer, or stayed in memory because no temporary file could be written.
#include "common/spillfile.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <vector>

using namespace finpipe;

namespace {

struct Pair {
    quint32 a;
    quint32 b;
};

std::vector<Pair> readAll(RecordSpill<Pair> &spill, bool *ok)
{
    std::vector<Pair> out;
    *ok = spill.read([&](const Pair *records, size_t n) {
        out.insert(out.end(), records, records + n);
        return true;
    });
    return out;
}

} // namespace

class TestSpillFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recordsComeBackInOrder_data()
    {
        QTest::addColumn<int>("count");
        QTest::newRow("none") << 0;
        QTest::newRow("buffer only") << 1000;
        QTest::newRow("file and buffer") << 1'000'003;
    }

    void recordsComeBackInOrder()
    {
        QFETCH(int, count);
        RecordSpill<Pair> spill;
        for (int i = 0; i < count; ++i)
            spill.push({quint32(i), quint32(i) * 7u});
        QCOMPARE(spill.count(), qint64(count));
        QVERIFY(spill.file().diskError().isEmpty());
        QCOMPARE(spill.file().bytesOnDisk() > 0, count * qint64(sizeof(Pair)) > (qint64(1) << 20));
        // Twice: reading leaves the spill readable (and appendable) again.
        for (int round = 0; round < 2; ++round) {
            bool ok = false;
            const auto back = readAll(spill, &ok);
            QVERIFY(ok);
            QCOMPARE(back.size(), size_t(count));
            for (int i = 0; i < count; ++i) {
                if (back[size_t(i)].a != quint32(i) || back[size_t(i)].b != quint32(i) * 7u)
                    QFAIL(qPrintable(QStringLiteral("record %1 differs").arg(i)));
            }
        }
        // Appending after a read continues at the end.
        spill.push({1u, 2u});
        bool ok = false;
        const auto back = readAll(spill, &ok);
        QVERIFY(ok);
        QCOMPARE(back.size(), size_t(count) + 1);
        QCOMPARE(back.back().a, 1u);
        QCOMPARE(back.back().b, 2u);
    }

    void visitCanStopEarly()
    {
        RecordSpill<Pair> spill;
        for (int i = 0; i < 300'000; ++i)
            spill.push({quint32(i), 0});
        size_t seen = 0;
        QVERIFY(spill.read([&](const Pair *, size_t n) {
            seen += n;
            return false;
        }));
        QVERIFY(seen > 0 && seen < 300'000);
    }

    void noTemporaryFileKeepsBytesInMemory()
    {
        // A temporary folder that does not exist: nothing can be written, nothing may be lost.
        QTemporaryDir dir;
        const QByteArray old = qgetenv("TMPDIR");
        qputenv("TMPDIR", QFile::encodeName(dir.filePath(QStringLiteral("missing/folder"))));
        SpillFile spill(1024);
        std::vector<quint64> values;
        for (quint64 i = 0; i < 50'000; ++i) {
            values.push_back(i * 2654435761u);
            spill.append(&values.back(), sizeof(quint64));
        }
        qputenv("TMPDIR", old);
        QVERIFY(!spill.diskError().isEmpty());
        QVERIFY2(spill.diskError().contains(u"temporary"), qPrintable(spill.diskError()));
        QCOMPARE(spill.bytesOnDisk(), qint64(0));
        QCOMPARE(spill.size(), qint64(values.size() * sizeof(quint64)));
        QVERIFY(spill.rewind());
        std::vector<quint64> back(values.size() + 1);
        QCOMPARE(spill.next(back.data(), back.size() * sizeof(quint64)), values.size() * sizeof(quint64));
        back.pop_back();
        QCOMPARE(back, values);
    }

    void temporaryFileIsRemoved()
    {
        QTemporaryDir dir;
        const QByteArray old = qgetenv("TMPDIR");
        qputenv("TMPDIR", QFile::encodeName(dir.path()));
        {
            SpillFile spill(64);
            const char bytes[100] = {};
            spill.append(bytes, sizeof bytes);
            spill.append(bytes, sizeof bytes);
            QVERIFY(spill.bytesOnDisk() > 0);
            // Named elsewhere; on Linux it has no name at all.
            QVERIFY(QDir(dir.path()).entryList(QDir::Files).size() <= 1);
        }
        qputenv("TMPDIR", old);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSpillFile)
#include "tst_spillfile.moc"
