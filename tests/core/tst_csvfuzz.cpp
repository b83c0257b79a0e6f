// A deterministic corpus of 1000 damaged CSV files (a few seconds; about a minute under ASan):
// every one is either refused with a message or read into a consistent table whose rows and
// left-out lines account for the file's lines once each.
#include "ingest/reader.h"

#include "testutil.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <random>

using namespace finpipe;
using namespace finpipe::ingest;

namespace {

//! The clean files the mutations start from: the classes of issue 9 and some plain ones.
QList<QByteArray> baseFiles()
{
    QList<QByteArray> out;
    out << QByteArray("Date,Description,Amount,Balance\n2020-01-01,Coffee,-3.50,96.50\n"
                      "2020-01-02,\"Rent, March\",-500.00,-403.50\n2020-01-03,\"Pay\nslip\",1000,596.50\n");
    out << QByteArray("Account name: ,MyAccount_****01233,,,,\nAccount balance: ,63.86,,,,\n"
                      "Date,Transactions,Debits,Credits,Balance\n01/02/2020,Coffee,3.50,,60.36\n"
                      "02/02/2020,Salary,,1000.00,1060.36\n***END OF FILE***\n");
    out << QByteArray("# comment\n# Fields are: a b\na;b\n1,5;2\n3,25;4\nTotal;6\n");
    out << QByteArray("Date,Amount\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n\nSymbol,Qty\nAAPL,1\nMSFT,2\n");
    out << QByteArray("100,000.00\n300,000.20\n50\n");
    out << QByteArray("1970,  73, \"Hi, Mom!\"\n");
    out << QByteArray("'''a,b,c''',45\n'x',1\n");
    out << QByteArray("id\tname\tflag\r\n1\tx\ttrue\r\n2\ty\tfalse\r\n");
    out << QByteArray("a|b|c\r1|2|3\r4|5|6\r");
    QByteArray numbers = "n,v,w\n";
    for (int i = 0; i < 300; ++i)
        numbers += QByteArray::number(i) + "," + QByteArray::number(i * 1.5) + ",x" + QByteArray::number(i) + "\n";
    out << numbers;
    return out;
}

QByteArray toUtf16(const QByteArray &utf8, bool le, bool bom)
{
    QByteArray out = bom ? (le ? QByteArray("\xFF\xFE") : QByteArray("\xFE\xFF")) : QByteArray();
    for (QChar c : QString::fromUtf8(utf8)) {
        const char lo = char(c.unicode() & 0xff), hi = char(c.unicode() >> 8);
        out += le ? lo : hi;
        out += le ? hi : lo;
    }
    return out;
}

//! One to three random damages.
QByteArray mutate(QByteArray data, std::mt19937 &rng)
{
    auto pick = [&rng](int n) { return int(rng() % unsigned(std::max(1, n))); };
    const int damages = 1 + pick(3);
    for (int d = 0; d < damages; ++d) {
        const int at = pick(int(data.size()) + 1);
        switch (pick(12)) {
        case 0: // byte flip
            if (!data.isEmpty())
                data[std::min<qsizetype>(at, data.size() - 1)] = char(rng());
            break;
        case 1: data.insert(at, '"'); break;
        case 2: data.insert(at, pick(2) ? ',' : ';'); break;
        case 3: data.insert(at, '\0'); break;
        case 4: data.insert(at, '\r'); break;
        case 5: data.truncate(at); break;
        case 6: data.insert(at, QByteArray(100000 + pick(200000), 'h')); break;
        case 7: {
            QByteArray wide;
            const int n = 1000 + pick(20000);
            for (int i = 0; i < n; ++i)
                wide += (i ? "," : "") + QByteArray(pick(3), 'c');
            data.insert(at, wide + "\n");
            break;
        }
        case 8: data.prepend("\xEF\xBB\xBF"); break;
        case 9: data = toUtf16(data, pick(2), pick(2)); break;
        case 10: data.insert(at, "\n\n#x\n\"a\"\"b\",'c'\n"); break;
        case 11: data.insert(at, QByteArray(1, char(0x80 + pick(128)))); break;
        }
    }
    return data;
}

//! An upper bound on the file's lines: every LF, every CR not before an LF, plus one.
qint64 physicalLines(const QByteArray &data)
{
    qint64 n = 1;
    for (qsizetype i = 0; i < data.size(); ++i)
        if (data[i] == '\n' || (data[i] == '\r' && (i + 1 >= data.size() || data[i + 1] != '\n')))
            ++n;
    return n;
}

} // namespace

class TestCsvFuzz : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void damagedFilesAreRefusedOrReadConsistently()
    {
        QTemporaryDir dir;
        const QList<QByteArray> bases = baseFiles();
        std::mt19937 rng(20261205u);
        int refused = 0, read = 0;
        QElapsedTimer total;
        total.start();
        for (int round = 0; round < 1000; ++round) {
            const QByteArray content = mutate(bases[round % bases.size()], rng);
            const QString path = test::writeFixture(dir.filePath(QStringLiteral("f%1.csv").arg(round)), content);
            const QByteArray label = "case " + QByteArray::number(round);
            QElapsedTimer timer;
            timer.start();
            ReadOptions options;
            options.batchRows = 1 + int(rng() % 40);
            auto reader = TableReader::open(path, options);
            if (!reader) {
                QVERIFY2(!reader.error().message.isEmpty(), label.constData());
                ++refused;
                continue;
            }
            const int columns = int((*reader)->columns().size());
            QVERIFY2(columns >= 1 && columns <= 16384, label.constData());
            RowBatch sample;
            QVERIFY2((*reader)->readSample(sample, 50).ok(), label.constData());
            const qint64 lines = physicalLines(content);
            qint64 lastRow = 0, lastSkip = 0, rows = 0, skipped = 0;
            QSet<qint64> seen;
            bool failed = false;
            for (;;) {
                RowBatch batch;
                auto more = (*reader)->readBatch(batch);
                if (!more) {
                    QVERIFY2(!more.error().message.isEmpty(), label.constData());
                    failed = true;
                    break;
                }
                QCOMPARE(batch.columnCount(), columns);
                for (int r = 0; r < batch.rowCount(); ++r) {
                    const qint64 line = batch.sourceLine(r);
                    QVERIFY2(line > lastRow && line <= lines, label.constData());
                    QVERIFY2(!seen.contains(line), label.constData());
                    seen.insert(line);
                    lastRow = line;
                }
                for (const SkippedLine &s : batch.skipped()) {
                    QVERIFY2(s.line > lastSkip && s.line <= lines, label.constData());
                    QVERIFY2(!seen.contains(s.line), label.constData());
                    seen.insert(s.line);
                    lastSkip = s.line;
                }
                rows += batch.rowCount();
                skipped += qint64(batch.skipped().size());
                if (!*more)
                    break;
            }
            if (failed) {
                ++refused;
                continue;
            }
            const SourceInfo &info = (*reader)->info();
            QVERIFY2(rows + skipped + (info.hasHeader ? 1 : 0) <= lines, label.constData());
            qint64 summarised = 0;
            for (const SkippedSummary &s : info.skipped) {
                QVERIFY2(s.count > 0 && s.examples.size() <= 10, label.constData());
                summarised += s.count;
            }
            QCOMPARE(summarised, skipped);
            QCOMPARE((*reader)->rowsRead(), rows);
            QVERIFY2(timer.elapsed() < 20000, label.constData());
            ++read;
        }
        qInfo("%d read, %d refused in %lld ms", read, refused, qint64(total.elapsed()));
        QVERIFY(read > 400);
    }
};

QTEST_GUILESS_MAIN(TestCsvFuzz)
#include "tst_csvfuzz.moc"
