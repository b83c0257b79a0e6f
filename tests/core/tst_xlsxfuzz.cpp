// Hostile and mutated workbooks: the reader refuses them in bounded memory with a message, or
// reads a table of a consistent shape; it never crashes or hangs. Everything is generated here
// from fixed seeds, so every run tries the same cases.

#include "ingest/reader.h"
#include "ingest/sha256.h"

#include "testutil.h"
#include "xlsxfixtures.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

using namespace finpipe;
using namespace finpipe::ingest;
using namespace finpipe::test;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

//! Peak memory for reading a refused workbook; ASan's own bookkeeping (shadow memory, the
//! quarantine of freed blocks) comes on top under the sanitizer.
constexpr qint64 kPeakLimitKb = (kSanitized ? 1536 : 500) * 1024;

//! How reading went in a child process.
struct ChildRun {
    enum Outcome { Read = 0, Refused = 1, Crashed = 2 } outcome = Crashed;
    qint64 peakKb = 0;
    Error::Code code = Error::Code::Internal;
    QString message;
};

//! Reads `file` in a forked child, whose peak resident memory is its own (wait4), so the test
//! process's earlier work does not count. `limitAs` caps the child's address space (0: no cap).
ChildRun readInChild(const QString &file, const ReadOptions &options = {}, qint64 limitAs = 0)
{
    int pipeFds[2];
    if (pipe(pipeFds) != 0)
        qFatal("pipe failed");
    const pid_t pid = fork();
    if (pid == 0) {
        ::close(pipeFds[0]);
        if (limitAs > 0) {
            rlimit rl{rlim_t(limitAs), rlim_t(limitAs)};
            setrlimit(RLIMIT_AS, &rl);
        }
        // Streamed as the pipeline reads, batch by batch, without keeping the rows.
        auto read = [&]() -> Result<qint64> {
            auto reader = TableReader::open(file, options);
            if (!reader)
                return reader.error();
            RowBatch batch;
            for (;;) {
                auto more = (*reader)->readBatch(batch, nullptr);
                if (!more)
                    return more.error();
                if (!*more)
                    return (*reader)->rowsRead();
            }
        };
        const auto t = read();
        QByteArray report;
        if (t.ok())
            report = "0\n";
        else
            report = "1\n" + QByteArray::number(int(t.error().code)) + '\n' + t.error().toString().toUtf8();
        const ssize_t written = ::write(pipeFds[1], report.constData(), size_t(report.size()));
        ::_exit(written == report.size() ? 0 : 3);
    }
    ::close(pipeFds[1]);
    QByteArray report;
    char buf[4096];
    for (ssize_t n; (n = ::read(pipeFds[0], buf, sizeof buf)) > 0;)
        report.append(buf, qsizetype(n));
    ::close(pipeFds[0]);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    ChildRun run;
    run.peakKb = usage.ru_maxrss;
    qInfo("%s: peak resident memory %lld MB", qPrintable(QFileInfo(file).fileName()), run.peakKb / 1024);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || report.isEmpty())
        return run;
    const QList<QByteArray> parts = report.split('\n');
    run.outcome = parts[0] == "0" ? ChildRun::Read : ChildRun::Refused;
    if (run.outcome == ChildRun::Refused && parts.size() >= 3) {
        run.code = Error::Code(parts[1].toInt());
        run.message = QString::fromUtf8(report.mid(parts[0].size() + parts[1].size() + 2));
    }
    return run;
}

QByteArray inlineCell(const QByteArray &text)
{
    return "<c t=\"inlineStr\"><is><t>" + text + "</t></is></c>";
}

//! The workbook the corpus mutates: shared and inline strings, numbers, dates, durations,
//! booleans, errors, a blank row and content after the sheet data.
HandBook seedBook()
{
    HandBook b;
    b.sharedStrings = {"Name", "Amount", "North", "South &amp; East", "caf\xC3\xA9"};
    QByteArray rows = "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
                      "<c r=\"C1\" t=\"inlineStr\"><is><t>When</t></is></c><c r=\"D1\" t=\"inlineStr\"><is><t>Took</t></is></c>"
                      "<c r=\"E1\" t=\"inlineStr\"><is><t>Ok</t></is></c></row>";
    for (int r = 2; r <= 30; ++r) {
        if (r == 12)
            continue; // a gap
        const QByteArray n = QByteArray::number(r);
        rows += "<row r=\"" + n + "\"><c r=\"A" + n + "\" t=\"s\"><v>" + QByteArray::number(2 + r % 3) + "</v></c>";
        rows += r % 7 == 0 ? "<c r=\"B" + n + "\" t=\"e\"><v>#N/A</v></c>" : "<c r=\"B" + n + "\"><v>" + QByteArray::number(r * 1.25) + "</v></c>";
        rows += "<c r=\"C" + n + "\" s=\"1\"><v>" + QByteArray::number(44197 + r) + "</v></c>";
        rows += "<c r=\"D" + n + "\" s=\"5\"><v>" + QByteArray::number(r / 24.0) + "</v></c>";
        rows += "<c r=\"E" + n + "\" t=\"b\"><v>" + QByteArray::number(r % 2) + "</v></c></row>";
    }
    QByteArray sheet = sheetXml(rows, "A1:E30");
    sheet.replace("</worksheet>", "<mergeCells count=\"1\"><mergeCell ref=\"A40:B40\"/></mergeCells></worksheet>");
    b.sheets = {sheet};
    return b;
}

//! Writes a zip by hand, every entry stored (no compression): first `junkEntries` entries of
//! `junkBytes` zeros each, left as holes of a sparse file (so the test writes almost nothing to
//! disk, while the file's size and every read of it are as if the zeros were there), then
//! `entries`, then the central directory. `badCrc` names an entry whose checksum is wrong.
bool writeStoredZipWithJunk(const QString &path, const ZipEntries &entries, int junkEntries, qint64 junkBytes,
                            const QString &badCrc)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    auto u16 = [](QByteArray &b, quint32 v) { b.append(char(v & 0xff)).append(char((v >> 8) & 0xff)); };
    auto u32 = [&](QByteArray &b, quint32 v) { u16(b, v & 0xffff); u16(b, v >> 16); };
    QByteArray directory;
    auto add = [&](const QByteArray &name, quint32 crc, qint64 size, const QByteArray *data) {
        const quint32 offset = quint32(f.pos());
        QByteArray local;
        u32(local, 0x04034b50);
        for (quint32 v : {20u, 0u, 0u, 0u, 0x21u}) // version, flags, stored, time, date 1980-01-01
            u16(local, v);
        u32(local, crc);
        u32(local, quint32(size));
        u32(local, quint32(size));
        u16(local, quint32(name.size()));
        u16(local, 0);
        local += name;
        if (f.write(local) != local.size())
            return false;
        if (data ? f.write(*data) != data->size() : !f.seek(f.pos() + size))
            return false;
        u32(directory, 0x02014b50);
        for (quint32 v : {20u, 20u, 0u, 0u, 0u, 0x21u})
            u16(directory, v);
        u32(directory, crc);
        u32(directory, quint32(size));
        u32(directory, quint32(size));
        for (quint32 v : {quint32(name.size()), 0u, 0u, 0u, 0u})
            u16(directory, v);
        u32(directory, 0);
        u32(directory, offset);
        directory += name;
        return true;
    };
    const QByteArray zeros(1 << 20, '\0');
    const uLong zerosCrc = crc32(0, reinterpret_cast<const Bytef *>(zeros.constData()), uInt(zeros.size()));
    uLong junkCrc = crc32(0, nullptr, 0);
    for (qint64 done = 0; done < junkBytes; done += zeros.size())
        junkCrc = crc32_combine(junkCrc, zerosCrc, z_off_t(zeros.size()));
    for (int i = 0; i < junkEntries; ++i)
        if (!add("xl/media/junk" + QByteArray::number(i) + ".bin", quint32(junkCrc), junkBytes, nullptr))
            return false;
    for (const auto &[name, data] : entries) {
        quint32 crc = quint32(crc32(0, reinterpret_cast<const Bytef *>(data.constData()), uInt(data.size())));
        if (name == badCrc)
            crc ^= 0x5a5a5a5au;
        if (!add(name.toUtf8(), crc, data.size(), &data))
            return false;
    }
    const quint32 directoryAt = quint32(f.pos());
    const quint32 count = quint32(junkEntries + entries.size());
    QByteArray end;
    u32(end, 0x06054b50);
    for (quint32 v : {0u, 0u, count, count})
        u16(end, v);
    u32(end, quint32(directory.size()));
    u32(end, directoryAt);
    u16(end, 0);
    return f.write(directory + end) == directory.size() + end.size();
}

} // namespace

class TestXlsxFuzz : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_tables = 0;
    int m_refusals = 0;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    //! Reads `file` whole; a table must have a consistent shape, a refusal a message that names
    //! the file. Each case must end quickly.
    void checkOutcome(const QString &file, const QString &label)
    {
        QElapsedTimer timer;
        timer.start();
        auto t = readTable(file);
        QVERIFY2(timer.elapsed() < (kSanitized ? 20000 : 5000), qPrintable(label + QStringLiteral(": too slow")));
        if (!t.ok()) {
            ++m_refusals;
            QVERIFY2(!t.error().message.trimmed().isEmpty(), qPrintable(label));
            QVERIFY2(t.error().code != Error::Code::Internal, qPrintable(label + QStringLiteral(": ") + t.error().toString()));
            return;
        }
        ++m_tables;
        const int columns = int(t->columns.size());
        QVERIFY2(columns > 0, qPrintable(label));
        qint64 lastLine = 0;
        for (const auto &b : t->batches) {
            QCOMPARE(b->columnCount(), columns);
            for (int r = 0; r < b->rowCount(); ++r) {
                QVERIFY2(b->sourceLine(r) > lastLine, qPrintable(label + QStringLiteral(": rows out of order")));
                lastLine = b->sourceLine(r);
                for (int c = 0; c < columns; ++c) {
                    const Value &v = b->at(r, c);
                    QVERIFY2(v.isBlank() == v.text.empty() || v.kind == Value::Kind::Boolean, qPrintable(label));
                    QVERIFY2(v.text.size() <= 4 * 32767, qPrintable(label + QStringLiteral(": a cell longer than Excel allows")));
                }
            }
        }
        QVERIFY2(lastLine <= 1'048'576, qPrintable(label));
        for (const SkippedSummary &s : t->info.skipped)
            QVERIFY2(s.count >= s.examples.size() && s.examples.size() <= 10, qPrintable(label));
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // ---- hostile workbooks: refused, in bounded memory ---------------------------------------

    void sharedStringsBomb()
    {
        // Truthful headers, under the 200:1 ratio: shared strings that inflate to about 270 MB.
        // One MB of mostly repeated text with a different letter every ~1500 characters, so that
        // it compresses about 180:1.
        QByteArray unit;
        QRandomGenerator rng(9001);
        while (unit.size() < 1024 * 1024) {
            QByteArray text(30000, 'a');
            for (int i = 0; i < text.size(); i += 1200 + int(rng.bounded(600)))
                text[i] = char('b' + rng.bounded(20));
            unit += "<si><t>" + text + "</t></si>";
        }
        HandBook b = seedBook();
        const GeneratedEntry sst{QStringLiteral("xl/sharedStrings.xml"),
                                 "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">", unit, 270,
                                 "</sst>"};
        const QString file = path(QStringLiteral("sstbomb.xlsx"));
        QVERIFY(writeZipGenerated(file, handBookEntries(b), sst, 1));
        const qint64 size = QFileInfo(file).size();
        QVERIFY2(qint64(unit.size()) * 270 / size < 200, qPrintable(QString::number(qint64(unit.size()) * 270 / size)));

        const ChildRun run = readInChild(file);
        QVERIFY2(run.outcome == ChildRun::Refused, qPrintable(QStringLiteral("outcome %1 peak %2").arg(int(run.outcome)).arg(run.peakKb / 1024)));
        QCOMPARE(run.code, Error::Code::TooLarge);
        QVERIFY2(run.message.contains(u"\"sstbomb.xlsx\" was not read: its shared text is larger than 256 MB"),
                 qPrintable(run.message));
        QVERIFY2(run.peakKb < kPeakLimitKb, qPrintable(QStringLiteral("peak %1 MB").arg(run.peakKb / 1024)));
    }

    void headersUnderstateTheData()
    {
        // Headers that claim 2 MB of compressed data for a shared-strings part of 40 KB that
        // inflates to 40 MB: the ratio is measured on the bytes really consumed.
        HandBook b = seedBook();
        ZipEntries entries = handBookEntries(b);
        QByteArray padding(2 * 1024 * 1024, Qt::Uninitialized);
        QRandomGenerator rng(77);
        for (char &c : padding)
            c = char(rng.bounded(256));
        entries.append({QStringLiteral("xl/media/image1.bin"), padding});
        const GeneratedEntry sst{QStringLiteral("xl/sharedStrings.xml"),
                                 "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">",
                                 "<si><t>" + QByteArray(1000, 'z') + "</t></si>", 40'000, "</sst>"};
        const QString written = path(QStringLiteral("liar-src.xlsx"));
        QVERIFY(writeZipGenerated(written, entries, sst, 9));
        QByteArray zip = readAll(written);
        QVERIFY(patchCentralDirectory(zip, "xl/sharedStrings.xml", 20, 2 * 1024 * 1024));
        QVERIFY(patchLocalHeader(zip, "xl/sharedStrings.xml", 18, 2 * 1024 * 1024));
        const QString file = writeFixture(path(QStringLiteral("liar.xlsx")), zip);

        const ChildRun run = readInChild(file);
        QVERIFY2(run.outcome == ChildRun::Refused, qPrintable(QStringLiteral("outcome %1 peak %2").arg(int(run.outcome)).arg(run.peakKb / 1024)));
        QCOMPARE(run.code, Error::Code::TooLarge);
        QVERIFY2(run.message.contains(u"zip bomb"), qPrintable(run.message));
        QVERIFY2(run.peakKb < kPeakLimitKb, qPrintable(QStringLiteral("peak %1 MB").arg(run.peakKb / 1024)));
    }

    void stylesBomb()
    {
        // A styles part of 200 MB (parts like it are read whole): refused at 64 MB, even when
        // the ratio limit is lifted.
        HandBook b = seedBook();
        const GeneratedEntry styles{QStringLiteral("xl/styles.xml"),
                                    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><cellXfs>",
                                    "<xf numFmtId=\"14\"/>", 10'000'000, "</cellXfs></styleSheet>"};
        const QString file = path(QStringLiteral("styles.xlsx"));
        QVERIFY(writeZipGenerated(file, handBookEntries(b), styles, 1));
        ReadOptions o;
        o.maxCompressionRatio = 100'000;
        const ChildRun run = readInChild(file, o);
        QVERIFY2(run.outcome == ChildRun::Refused, qPrintable(QStringLiteral("outcome %1").arg(int(run.outcome))));
        QCOMPARE(run.code, Error::Code::TooLarge);
        QVERIFY2(run.message.contains(u"unpacks to more than 64.0 MB") && run.message.contains(u"xl/styles.xml"),
                 qPrintable(run.message));
        QVERIFY2(run.peakKb < kPeakLimitKb, qPrintable(QStringLiteral("peak %1 MB").arg(run.peakKb / 1024)));
    }

    void hugeCellSplitByComments()
    {
        // One cell of 64 MB, in pieces between XML comments, stored without compression (no
        // ratio to trip): cut to 32,767 characters as it is read, never held whole.
        HandBook b = seedBook();
        const GeneratedEntry sheet{QStringLiteral("xl/worksheets/sheet1.xml"),
                                   sheetXml("<row r=\"1\">" + inlineCell("Note") + "</row><row r=\"2\"><c t=\"inlineStr\"><is><t>")
                                       .chopped(int(qstrlen("</sheetData></worksheet>"))),
                                   QByteArray(4000, 'q') + "<!-- split -->", 64 * 256,
                                   "</t></is></c></row></sheetData></worksheet>"};
        const QString file = path(QStringLiteral("hugecell.xlsx"));
        QVERIFY(writeZipGenerated(file, handBookEntries(b), sheet, 0));
        const ChildRun run = readInChild(file);
        QVERIFY2(run.outcome == ChildRun::Read, qPrintable(run.message));
        QVERIFY2(run.peakKb < kPeakLimitKb, qPrintable(QStringLiteral("peak %1 MB").arg(run.peakKb / 1024)));

        auto t = readTable(file);
        QVERIFY(t.ok());
        QCOMPARE(t->batches.front()->at(0, 0).text.size(), size_t(32767));
        QVERIFY2(t->info.warnings.join(u'\n').contains(u"more than Excel's 32,767 characters"),
                 qPrintable(t->info.warnings.join(u'\n')));
    }

    void asWideAsExcel()
    {
        // Every row has a value in the last column Excel has (XFD): 16,384 columns, read in
        // batches small enough to keep memory bounded.
        QByteArray rows = "<row r=\"1\">" + inlineCell("Id") + "</row>";
        for (int r = 2; r <= 3001; ++r) {
            const QByteArray n = QByteArray::number(r);
            rows += "<row r=\"" + n + "\"><c r=\"A" + n + "\"><v>" + n + "</v></c><c r=\"XFD" + n + "\"><v>1</v></c></row>";
        }
        HandBook b;
        b.sheets = {sheetXml(rows)};
        const QString file = path(QStringLiteral("wide.xlsx"));
        QVERIFY(writeHandBook(file, b));
        const ChildRun run = readInChild(file);
        QVERIFY2(run.outcome != ChildRun::Crashed, "crashed");
        QVERIFY2(run.peakKb < kPeakLimitKb, qPrintable(QStringLiteral("peak %1 MB").arg(run.peakKb / 1024)));
        auto reader = TableReader::open(file);
        QVERIFY(reader.ok());
        QCOMPARE((*reader)->columns().size(), 16384);
    }

    void largeWorkbookRefusedInBoundedMemory()
    {
        // 600 MB of stored media that the reader never needs, then a sheet with a wrong checksum:
        // refused as damaged without the file ever being held in memory (it is hashed and
        // unzipped straight from disk).
        HandBook b = seedBook();
        const QString file = path(QStringLiteral("large.xlsx"));
        QVERIFY(writeStoredZipWithJunk(file, handBookEntries(b), 6, 100ll * 1024 * 1024,
                                       QStringLiteral("xl/worksheets/sheet1.xml")));
        QVERIFY(QFileInfo(file).size() > 600ll * 1024 * 1024);
        QElapsedTimer timer;
        timer.start();
        const ChildRun run = readInChild(file);
        qInfo("large.xlsx refused in %lld ms", timer.elapsed());
        QVERIFY(QFile::remove(file));
        QVERIFY2(run.outcome == ChildRun::Refused, qPrintable(QStringLiteral("outcome %1 peak %2").arg(int(run.outcome)).arg(run.peakKb / 1024)));
        QCOMPARE(run.code, Error::Code::Corrupt);
        QVERIFY2(run.message.contains(u"\"large.xlsx\" is damaged") && run.message.contains(u"checksum"),
                 qPrintable(run.message));
        QVERIFY2(run.peakKb < kPeakLimitKb, qPrintable(QStringLiteral("peak %1 MB").arg(run.peakKb / 1024)));

        // The same file with a good checksum is read, with the digest of the whole file.
        QVERIFY(writeStoredZipWithJunk(file, handBookEntries(b), 6, 100ll * 1024 * 1024, {}));
        auto t = readTable(file);
        QVERIFY2(t.ok(), t.ok() ? "" : qPrintable(t.error().toString()));
        QCOMPARE(t->info.size, QFileInfo(file).size());
        auto digest = sha256File(file);
        QVERIFY(digest.ok());
        QCOMPARE(t->info.sha256, *digest);
        QVERIFY(QFile::remove(file));
    }

    void outOfMemoryIsAnError()
    {
        if (kSanitized)
            QSKIP("ASan reserves more address space than the cap allows");
        // 120 MB of shared text, within every limit, read with 16 MB of address space to spare
        // (glibc may also have up to 64 MB reserved for an arena): the allocation fails and the
        // read ends with a message, not an abort.
        HandBook b = seedBook();
        QByteArray unit;
        for (int i = 0; unit.size() < 1024 * 1024; ++i)
            unit += "<si><t>" + QByteArray(20000, char('a' + i % 26)) + "</t></si>";
        const GeneratedEntry sst{QStringLiteral("xl/sharedStrings.xml"),
                                 "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">", unit, 120,
                                 "</sst>"};
        const QString file = path(QStringLiteral("big.xlsx"));
        QVERIFY(writeZipGenerated(file, handBookEntries(b), sst, 1));
        ReadOptions o;
        o.maxCompressionRatio = 100'000;
        qint64 pages = 0, pageSize = sysconf(_SC_PAGESIZE);
        {
            QFile statm(QStringLiteral("/proc/self/statm"));
            QVERIFY(statm.open(QIODevice::ReadOnly));
            pages = statm.readAll().split(' ').value(0).toLongLong();
        }
        const ChildRun run = readInChild(file, o, pages * pageSize + 16ll * 1024 * 1024);
        QVERIFY2(run.outcome == ChildRun::Refused, qPrintable(QStringLiteral("outcome %1 peak %2").arg(int(run.outcome)).arg(run.peakKb / 1024)));
        QCOMPARE(run.code, Error::Code::TooLarge);
        QVERIFY2(run.message.contains(u"ran out of memory"), qPrintable(run.message));
    }

    // ---- the mutated corpus ------------------------------------------------------------------

    void mutatedCorpus()
    {
        const HandBook seed = seedBook();
        const ZipEntries parts = handBookEntries(seed);
        const QString seedFile = path(QStringLiteral("seed.xlsx"));
        QVERIFY(writeZip(seedFile, parts));
        checkOutcome(seedFile, QStringLiteral("seed"));
        QCOMPARE(m_tables, 1);
        const QByteArray seedZip = readAll(seedFile);
        QRandomGenerator rng(20261205);
        int n = 0;
        auto check = [&](const QByteArray &zip, const QString &kind) {
            const QString label = QStringLiteral("%1 #%2").arg(kind).arg(n);
            checkOutcome(writeFixture(path(QStringLiteral("case%1.xlsx").arg(n++)), zip), label);
        };
        auto checkParts = [&](const ZipEntries &entries, const QString &kind) {
            const QString file = path(QStringLiteral("case%1.xlsx").arg(n++));
            if (!writeZip(file, entries))
                qFatal("cannot write %s", qPrintable(file));
            checkOutcome(file, QStringLiteral("%1 #%2").arg(kind).arg(n - 1));
        };

        // Byte flips anywhere in the archive.
        for (int i = 0; i < 80; ++i) {
            QByteArray zip = seedZip;
            for (int k = 0, flips = 1 + int(rng.bounded(8)); k < flips; ++k) {
                const qsizetype at = qsizetype(rng.bounded(quint32(zip.size())));
                zip[at] = char(zip[at] ^ char(1 + rng.bounded(255)));
            }
            check(zip, QStringLiteral("byte flips"));
        }
        // Truncations.
        for (int i = 0; i < 30; ++i)
            check(seedZip.left(qsizetype(rng.bounded(quint32(seedZip.size())))), QStringLiteral("truncated"));
        // Wrong sizes and checksums in the headers.
        const QList<QByteArray> names{"xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"};
        for (int i = 0; i < 40; ++i) {
            QByteArray zip = seedZip;
            const QByteArray &name = names[int(rng.bounded(quint32(names.size())))];
            const int field = QList<int>{16, 20, 24}[int(rng.bounded(3))];
            const quint32 value = rng.bounded(2) ? rng.generate() : rng.bounded(100000u);
            QVERIFY(patchCentralDirectory(zip, name, field, value));
            if (rng.bounded(2))
                patchLocalHeader(zip, name, field - 2, value);
            check(zip, QStringLiteral("wrong sizes"));
        }
        // The XML changed before zipping: nasty tokens, huge positions, bad references, deep
        // nesting, entity tricks.
        const QList<QByteArray> tokens{
            "<", ">", "\"", "&", "&foo;", "&#0;", "&#xFFFFFFFF;", "&#55296;", "<![CDATA[", "<!--", "</row>", "<row>",
            "<c>", "<c r=\"A0\">", "<c r=\"XFD1048576\">", "<c r=\"XFE1\">", "r=\"1048577\"", " t=\"s\"", " t=\"e\"",
            " t=\"zz\"", "<v>-1</v>", "<v>0.5</v>", "<v>1e400</v>", "<v>99999999999999999999</v>", "<v/>",
            "s=\"99999999\"", " s=\"5\"", "<dimension ref=\"A1:XFD1048576\"/>", "<dimension ref=\"A1:ZZZZ9\"/>",
            "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>", "&b;",
            "<?pi x?>", "\xEF\xBB\xBF", "\xFF\xFE", "\xC3", QByteArray(3000, '<').replace("<", "<a>"),
            "<a>" + QByteArray("<b>").repeated(5000), "<is><t>" + QByteArray(40000, 'w') + "</t></is>"};
        for (int i = 0; i < 160; ++i) {
            ZipEntries mutated = parts;
            // Mostly the sheet; the other parts too.
            const int which = rng.bounded(3) ? int(mutated.size()) - 5 + int(rng.bounded(5)) : int(rng.bounded(quint32(mutated.size())));
            QByteArray &data = mutated[which].second;
            for (int k = 0, edits = 1 + int(rng.bounded(4)); k < edits; ++k) {
                const qsizetype at = qsizetype(rng.bounded(quint32(data.size() + 1)));
                switch (rng.bounded(4)) {
                case 0:
                case 1: data.insert(at, tokens[int(rng.bounded(quint32(tokens.size())))]); break;
                case 2: data.remove(at, 1 + int(rng.bounded(40))); break;
                default: data.truncate(at); break;
                }
            }
            checkParts(mutated, QStringLiteral("xml edit in %1").arg(mutated[which].first));
        }
        qInfo("%d cases: %d tables, %d refusals", n, m_tables - 1, m_refusals);
        QVERIFY(m_refusals > 50);
        QVERIFY(m_tables > 20);
    }
};

QTEST_GUILESS_MAIN(TestXlsxFuzz)
#include "tst_xlsxfuzz.moc"
