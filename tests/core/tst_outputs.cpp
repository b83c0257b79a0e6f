// Output files: CSV layout and quoting, formula-like text escaped, atomic writes and their error
// messages, results.xlsx (real numbers and dates, sheet names, splitting long tables, text kept as
// text, overlong cells cut), streamed lineage with its hash.
#include "analysis/resulttable.h"
#include "ingest/reader.h"
#include "outputs/atomicfile.h"
#include "outputs/csvwriter.h"
#include "outputs/lineagewriter.h"
#include "outputs/outputfolder.h"
#include "outputs/xlsxoutput.h"
#include "testutil.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <string>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <sys/resource.h>
#include <unistd.h>

using namespace finpipe;
using namespace finpipe::analysis;
using namespace finpipe::outputs;
using finpipe::test::readAll;
using finpipe::test::sha256Of;

namespace {

constexpr qint64 kDay = 86'400'000;

ResultTable sampleTable()
{
    ResultTable t;
    t.id = QStringLiteral("CT_Analysis");
    t.title = QStringLiteral("CT");
    t.columns = {QStringLiteral("Station"), QStringLiteral("Dates"), QStringLiteral("Data 1"),
                 QStringLiteral("Note, with comma")};
    t.rows.push_back({Cell::str(QStringLiteral("CT")), Cell::date(18628 * kDay), Cell::num(1.5),
                      Cell::str(QStringLiteral("say \"hi\""))});
    t.rows.push_back({Cell::str(QStringLiteral("CT")), Cell::date(18629 * kDay), Cell::blank(),
                      Cell::str(QStringLiteral("two\nlines"))});
    t.rows.push_back({Cell::str(QStringLiteral("CT")), Cell::dateTime(18630 * kDay + 3723000), Cell::num(176.0),
                      Cell::blank()});
    return t;
}

//! Lets this process write files of at most `bytes` while it lives (EFBIG beyond, like a full disk).
class FileSizeLimit
{
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        m_oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        ::getrlimit(RLIMIT_FSIZE, &m_old);
        rlimit limit = m_old;
        limit.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    ~FileSizeLimit()
    {
        ::setrlimit(RLIMIT_FSIZE, &m_old);
        std::signal(SIGXFSZ, m_oldHandler);
    }

private:
    rlimit m_old{};
    void (*m_oldHandler)(int) = nullptr;
};

} // namespace

class TestOutputs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void csvLayoutAndQuoting()
    {
        const QByteArray csv = tableToCsv(sampleTable());
        QCOMPARE(csv, QByteArray("Station,Dates,Data 1,\"Note, with comma\"\n"
                                 "CT,2021-01-01,1.5,\"say \"\"hi\"\"\"\n"
                                 "CT,2021-01-02,,\"two\nlines\"\n"
                                 "CT,2021-01-03 01:02:03,176.0,\n"));
    }

    void countsAreWholeNumbersMeansKeepTheirFloatForm()
    {
        // Counts read as counts ("467"); aggregated values keep the old pipeline's float form
        // ("467.0") so that pivot tables stay byte-identical with its outputs.
        analysis::ResultTable t;
        t.id = QStringLiteral("counts");
        t.columns = {QStringLiteral("orders"), QStringLiteral("mean")};
        t.rows.push_back({analysis::Cell::integer(467), analysis::Cell::num(467)});
        t.rows.push_back({analysis::Cell::integer(-3), analysis::Cell::num(2.5)});
        QCOMPARE(tableToCsv(t), QByteArray("orders,mean\n467,467.0\n-3,2.5\n"));
    }

    void writesAtomicallyAndReportsHash()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("CT_Analysis.csv"));
        {
            QFile old(path);
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("old content\n");
        }
        AtomicFile f(path);
        QVERIFY(f.open().ok());
        f.write(QByteArray("new,"));
        // Until commit, the old file is untouched: a reader never sees half a file.
        QCOMPARE(readAll(path), QByteArray("old content\n"));
        f.write(std::string("content\n"));
        auto written = f.commit();
        QVERIFY(written.ok());
        QCOMPARE(readAll(path), QByteArray("new,content\n"));
        QCOMPARE(written->size, 12);
        QCOMPARE(written->sha256, sha256Of("new,content\n"));
        // No temporary files left behind.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("CT_Analysis.csv")});
    }

    void largeFileIsWrittenBehindIntact()
    {
        // Over 100 MB in background mode: the write-behind (start writing each 32 MB, drop the
        // one before from the page cache) must leave every byte in place, in order.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("audit_lineage.csv"));
        AtomicFile f(path, /*background=*/true);
        QVERIFY(f.open().ok());
        QCryptographicHash expected(QCryptographicHash::Sha256);
        qint64 total = 0;
        for (int chunk = 0; chunk < 105; ++chunk) {
            std::string data = f.takeBuffer();
            data.assign(size_t(1) << 20, char('a' + chunk % 26));
            data += std::to_string(chunk) + '\n';
            expected.addData(QByteArrayView(data.data(), qsizetype(data.size())));
            total += qint64(data.size());
            f.write(std::move(data));
        }
        auto written = f.commit();
        QVERIFY(written.ok());
        QCOMPARE(written->size, total);
        QCOMPARE(QFileInfo(path).size(), total);
        QCOMPARE(written->sha256, QString::fromLatin1(expected.result().toHex()));
        QFile back(path);
        QVERIFY(back.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromLatin1(QCryptographicHash::hash(back.readAll(), QCryptographicHash::Sha256).toHex()),
                 written->sha256);
    }

    void abandonedWriteLeavesNothing()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("audit_lineage.csv"));
        {
            AtomicFile f(path, /*background=*/true);
            QVERIFY(f.open().ok());
            f.write(std::string(1 << 20, 'x'));
            // destroyed without commit(): a failed job
        }
        QVERIFY(!QFile::exists(path));
        QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
    }

    void unwritableFolderIsAClearError()
    {
        if (::geteuid() == 0)
            QSKIP("root can write anywhere");
        QTemporaryDir dir;
        QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::ExeOwner);
        auto w = writeFileAtomically(dir.filePath(QStringLiteral("x.csv")), "a\n");
        QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QVERIFY(!w.ok());
        QVERIFY(w.error().message.contains(u"x.csv"));
    }

    void missingFolderIsAClearError()
    {
        QTemporaryDir dir;
        auto w = writeFileAtomically(dir.filePath(QStringLiteral("no/such/folder/x.csv")), "a\n");
        QVERIFY(!w.ok());
        QCOMPARE(w.error().code, Error::Code::Failed);
        QVERIFY(w.error().message.contains(u"x.csv"));
    }

    void lineageStreamsInOrderWithHash()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("audit_lineage.csv"));
        LineageWriter w(path);
        QVERIFY(w.open().ok());
        w.setFields({QStringLiteral("Station_ID"), QStringLiteral("Date_Time")});
        const std::string hash(64, 'a');
        // Enough rows to pass several 4 MiB chunks through the background writer.
        for (int i = 0; i < 60000; ++i) {
            const std::string station = i % 2 ? "CT" : "T,US";
            const std::string_view fields[2] = {station, "2021-01-01 00:00:00"};
            w.add(i + 2, fields, hash, i % 3 ? RowStatus::Used : RowStatus::Skipped, i % 3 ? "" : "blank value");
        }
        auto written = w.commit();
        QVERIFY(written.ok());
        const QByteArray content = readAll(path);
        QCOMPARE(written->size, content.size());
        QCOMPARE(written->sha256, sha256Of(content));
        const QList<QByteArray> lines = content.split('\n');
        QCOMPARE(lines[0], QByteArray("row,Station_ID,Date_Time,row_hash,status,reason"));
        QCOMPARE(lines[1], QByteArray("2,\"T,US\",2021-01-01 00:00:00,") + QByteArray(64, 'a')
                               + QByteArray(",skipped,blank value"));
        QCOMPARE(lines[2], QByteArray("3,CT,2021-01-01 00:00:00,") + QByteArray(64, 'a') + QByteArray(",used,"));
        QCOMPARE(lines[60000].left(6), QByteArray("60001,"));
        QCOMPARE(lines.size(), 60002); // header, rows, and the empty piece after the last LF
    }

    void sheetNames()
    {
        QCOMPARE(xlsxSheetName(QStringLiteral("CT_Analysis"), {}), QStringLiteral("CT_Analysis"));
        QCOMPARE(xlsxSheetName(QStringLiteral("a/b:c*d?e[f]g\\h"), {}), QStringLiteral("a_b_c_d_e_f_g_h"));
        const QString longName(40, QLatin1Char('x'));
        const QString first = xlsxSheetName(longName, {});
        QCOMPARE(first.size(), 31);
        const QString second = xlsxSheetName(longName, {first});
        QVERIFY(second.size() <= 31);
        QVERIFY(second != first);
        QCOMPARE(xlsxSheetName(QStringLiteral("ct_analysis"), {QStringLiteral("CT_Analysis")}),
                 QStringLiteral("ct_analysis (2)"));
        QCOMPARE(xlsxSheetName(QStringLiteral("History"), {}), QStringLiteral("Sheet"));
    }

    void workbookHasRealNumbersAndDates()
    {
        QTemporaryDir dir;
        AnalysisResult result;
        result.tables.push_back(sampleTable());
        result.quality.id = QStringLiteral("data_quality");
        result.quality.columns = {QStringLiteral("check"), QStringLiteral("count")};
        result.quality.rows.push_back({Cell::str(QStringLiteral("blank cells")), Cell::num(3)});
        const QString path = dir.filePath(QStringLiteral("results.xlsx"));
        auto written = writeResultsXlsx(result, path);
        QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().toString()));
        const QByteArray bytes = readAll(path);
        QVERIFY(bytes.startsWith("PK\x03\x04"));
        QVERIFY(bytes.contains("xl/worksheets/sheet1.xml"));
        QVERIFY(bytes.contains("xl/worksheets/sheet2.xml"));
        QCOMPARE(written->sha256, sha256Of(bytes));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("results.xlsx")});

        // Read it back with finpipe's own reader: numbers are numeric cells, dates are dates.
        auto table = ingest::readTable(path);
        QVERIFY2(table.ok(), qPrintable(table.ok() ? QString() : table.error().toString()));
        QCOMPARE(table->columns.size(), 4);
        QCOMPARE(table->columns[2].name, QStringLiteral("Data 1"));
        const ingest::RowBatch &b = *table->batches.front();
        QCOMPARE(b.rowCount(), 3);
        QVERIFY(b.at(0, 2).isNumber());
        QCOMPARE(b.at(0, 2).number, 1.5);
        QVERIFY(b.at(0, 1).isTemporal());
        QCOMPARE(b.at(0, 1).msecs, 18628 * kDay);
        QVERIFY(b.at(1, 2).isBlank());
        QCOMPARE(b.at(2, 2).number, 176.0);
        QCOMPARE(b.at(0, 3).toString(), QStringLiteral("say \"hi\""));
        auto quality = ingest::readTable(path, ingest::ReadOptions{QStringLiteral("data_quality")});
        QVERIFY(quality.ok());
        QVERIFY(quality->batches.front()->at(0, 1).isNumber());
    }

    void longTablesContinueOnMoreSheets()
    {
        QTemporaryDir dir;
        AnalysisResult result;
        ResultTable t;
        t.id = QStringLiteral("big");
        t.columns = {QStringLiteral("n")};
        for (int i = 0; i < 7; ++i)
            t.rows.push_back({Cell::num(i)});
        result.tables.push_back(t);
        QStringList notes;
        const QString path = dir.filePath(QStringLiteral("results.xlsx"));
        auto written = writeResultsXlsx(result, path, &notes, /*maxRowsPerSheet=*/3);
        QVERIFY(written.ok());
        QCOMPARE(notes.size(), 1);
        QVERIFY(notes[0].contains(u"big"));
        QVERIFY(notes[0].contains(u"7 rows"));
        // Every row is somewhere: 3 + 3 + 1, nothing truncated.
        qint64 total = 0;
        for (int s = 1; s <= 3; ++s) {
            auto part = ingest::readTable(path, ingest::ReadOptions{QString::number(s)});
            QVERIFY2(part.ok(), qPrintable(part.ok() ? QString() : part.error().toString()));
            QCOMPARE(part->columns.first().name, QStringLiteral("n"));
            total += part->rowCount();
        }
        QCOMPARE(total, 7);
        QCOMPARE(ingest::readTable(path, ingest::ReadOptions{QStringLiteral("big part 3")})->rowCount(), 1);
    }

    void formulaLikeTextIsEscapedInDerivedCsv()
    {
        ResultTable t;
        t.id = QStringLiteral("x");
        t.columns = {QStringLiteral("=name"), QStringLiteral("value")};
        const QStringList cells{QStringLiteral("=HYPERLINK(\"http://evil\",\"x\")"), QStringLiteral("=cmd|' /C calc'!A0"),
                                QStringLiteral("+1 555"), QStringLiteral("@SUM(A1)"), QStringLiteral("\tx"),
                                QStringLiteral("\rx"), QStringLiteral("-"), QStringLiteral("-12.5"), QStringLiteral("+3"),
                                QStringLiteral("a=b")};
        for (const QString &c : cells)
            t.rows.push_back({Cell::str(c), Cell::num(-12.5)});
        QCOMPARE(tableToCsv(t), QByteArray("\"'=name\",value\n"
                                           "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",-12.5\n"
                                           "\"'=cmd|' /C calc'!A0\",-12.5\n"
                                           "\"'+1 555\",-12.5\n"
                                           "\"'@SUM(A1)\",-12.5\n"
                                           "\"'\tx\",-12.5\n"
                                           "\"'\rx\",-12.5\n"
                                           "\"'-\",-12.5\n"
                                           "-12.5,-12.5\n"
                                           "+3,-12.5\n"
                                           "a=b,-12.5\n"));
    }

    void workbookKeepsFormulaLikeTextAsText()
    {
        QTemporaryDir dir;
        AnalysisResult result;
        ResultTable t;
        t.id = QStringLiteral("x");
        t.columns = {QStringLiteral("station")};
        const QString formula = QStringLiteral("=HYPERLINK(\"http://evil\",\"x\")");
        t.rows.push_back({Cell::str(formula)});
        t.rows.push_back({Cell::str(QStringLiteral("=1+1"))});
        result.tables.push_back(t);
        const QString path = dir.filePath(QStringLiteral("results.xlsx"));
        QVERIFY(writeResultsXlsx(result, path).ok());
        auto table = ingest::readTable(path);
        QVERIFY(table.ok());
        // A formula would read back as its (missing) result; a string cell reads back as written.
        QCOMPARE(table->batches.front()->at(0, 0).toString(), formula);
        QCOMPARE(table->batches.front()->at(1, 0).toString(), QStringLiteral("=1+1"));
    }

    void overlongCellIsCutInTheWorkbookWithANote()
    {
        QTemporaryDir dir;
        AnalysisResult result;
        ResultTable t;
        t.id = QStringLiteral("notes");
        t.columns = {QStringLiteral("note"), QStringLiteral("n")};
        t.rows.push_back({Cell::str(QString(40'000, u'x')), Cell::num(1)});
        t.rows.push_back({Cell::str(QStringLiteral("short")), Cell::num(2)});
        result.tables.push_back(t);
        QStringList notes;
        const QString path = dir.filePath(QStringLiteral("results.xlsx"));
        auto written = writeResultsXlsx(result, path, &notes);
        QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().toString()));
        QCOMPARE(notes.size(), 1);
        QVERIFY(notes[0].contains(u"32,767"));
        QVERIFY(notes[0].contains(u"notes"));
        auto table = ingest::readTable(path);
        QVERIFY2(table.ok(), qPrintable(table.ok() ? QString() : table.error().toString()));
        QCOMPARE(table->batches.front()->at(0, 0).toString().size(), 32'767);
        QCOMPARE(table->batches.front()->at(1, 0).toString(), QStringLiteral("short"));
    }

    void fullDiskIsNamedNotUnknown()
    {
        // Qt's "Unknown error" after a write the disk could not take: the reason, not that.
        const QString unknown = QStringLiteral("Unknown error");
        QCOMPARE(fileErrorText(QFileDevice::ResourceError, unknown, 0), QString::fromLocal8Bit(std::strerror(ENOSPC)));
        QCOMPARE(fileErrorText(QFileDevice::WriteError, unknown, ENOSPC), QStringLiteral("No space left on device"));
        QCOMPARE(fileErrorText(QFileDevice::WriteError, unknown, EDQUOT), QString::fromLocal8Bit(std::strerror(EDQUOT)));
        QCOMPARE(fileErrorText(QFileDevice::OpenError, QStringLiteral("Permission denied"), EACCES),
                 QStringLiteral("Permission denied"));
        QVERIFY(!fileErrorText(QFileDevice::WriteError, unknown, 0).contains(unknown));

        // A write the disk cannot take in full (here: over the process's file size limit) names
        // the system's reason.
        QTemporaryDir dir;
        Result<WrittenFile> written = Error::make(Error::Code::Internal, QString());
        {
            FileSizeLimit limit(64 * 1024);
            written = writeFileAtomically(dir.filePath(QStringLiteral("big.csv")), QByteArray(200 * 1024, 'x'));
        }
        QVERIFY(!written.ok());
        QVERIFY2(written.error().message.contains(QString::fromLocal8Bit(std::strerror(EFBIG))),
                 qPrintable(written.error().message));
        QVERIFY(!written.error().message.contains(u"Unknown error"));
        QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
    }

    void overlongFileNamesAreCutInMessages()
    {
        // A station name of thousands of characters makes a file name the system refuses; the
        // message says so without repeating the whole name.
        QTemporaryDir dir;
        auto written = writeFileAtomically(dir.filePath(QString(5000, u'S') + QStringLiteral("_Analysis.csv")), "a\n");
        QVERIFY(!written.ok());
        QVERIFY2(written.error().message.size() < 600, qPrintable(written.error().message.left(600)));
        QVERIFY(written.error().message.contains(QStringLiteral("SSS…SSS")));
        QVERIFY(written.error().message.contains(QStringLiteral("S_Analysis.csv")));
    }

    void messagesNameTheOutputFolderNotTheStaging()
    {
        QCOMPARE(outputFolderOf(QStringLiteral("/data/.out.staging-0123456789abcdef0123456789abcdef/a.csv")),
                 QDir::toNativeSeparators(QStringLiteral("/data/out")));
        QCOMPARE(outputFolderOf(QStringLiteral("/data/out/a.csv")), QDir::toNativeSeparators(QStringLiteral("/data/out")));
    }

    void csvIsDeterministic()
    {
        QTemporaryDir dir;
        auto a = writeTableCsv(sampleTable(), dir.filePath(QStringLiteral("a.csv")));
        auto b = writeTableCsv(sampleTable(), dir.filePath(QStringLiteral("b.csv")));
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->sha256, b->sha256);
        QCOMPARE(readAll(a->path), readAll(b->path));
    }
};

QTEST_GUILESS_MAIN(TestOutputs)
#include "tst_outputs.moc"
