// finpipe-cli analyze and its output folder: one complete run or none, whatever happens. Two runs
// at once, kill -9 and Ctrl-C mid-run, re-runs with fewer outputs, planted links, a file as --out,
// formula-like cells, an overlong cell, a full disk.
#include "clioutputhelpers.h"

#include "ingest/reader.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <sys/mount.h>

using namespace finpipe;
using namespace finpipe::test;

namespace {

QStringList analyze(const QString &input, const QString &out, const QStringList &more = {})
{
    return QStringList{QStringLiteral("analyze"), input, QStringLiteral("--out"), out} + more;
}

QJsonObject manifestOf(const QString &dir)
{
    return QJsonDocument::fromJson(readAll(QDir(dir).filePath(QStringLiteral("manifest.json")))).object();
}

QStringList filesIn(const QString &dir)
{
    QStringList files = QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    files.sort();
    return files;
}

//! What a run left beside its folder: staging folders, set-aside folders, the lock.
QStringList leftoversBeside(const QString &out)
{
    const QFileInfo info(out);
    return entriesStartingWith(info.absolutePath(), QStringLiteral(".") + info.fileName() + QLatin1Char('.'));
}

} // namespace

class TestCliOutputs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aSecondRunIntoABusyFolderIsRefusedAndTheFolderEndsWhole()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("results"));
        QCOMPARE(runCli(analyze(stationSample(), out)).exitCode, 0);
        const QByteArray manifest = readAll(QDir(out).filePath(QStringLiteral("manifest.json")));
        HeldRun first;
        QVERIFY(first.start(largeStationInput(dir.path()), out));
        // The second waits a few seconds for the first, then gives up naming the folder.
        const auto second = runCli(analyze(smallStationInput(dir.path()), out));
        QCOMPARE(second.exitCode, 5);
        QVERIFY2(second.err.contains("Another finpipe run"), second.err.constData());
        QVERIFY2(second.err.contains(QDir::toNativeSeparators(out).toUtf8()), second.err.constData());
        QCOMPARE(readAll(QDir(out).filePath(QStringLiteral("manifest.json"))), manifest);
        // The first is stopped (Ctrl-C): the folder still holds the earlier run, whole.
        first.signal(SIGINT);
        QVERIFY(first.finish());
        QCOMPARE(first.process().exitCode(), 130);
        QCOMPARE(readAll(QDir(out).filePath(QStringLiteral("manifest.json"))), manifest);
        QCOMPARE(verifyExit(out), 0);
        QVERIFY2(leftoversBeside(out).isEmpty(), qPrintable(leftoversBeside(out).join(u' ')));
    }

    void twoRunsAtOnceLeaveOneWholeRun()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("results"));
        QProcess a, b;
        a.start(QStringLiteral(FINPIPE_CLI_PATH), analyze(stationSample(), out));
        b.start(QStringLiteral(FINPIPE_CLI_PATH), analyze(smallStationInput(dir.path()), out, {QStringLiteral("--format"), QStringLiteral("csv")}));
        QVERIFY(a.waitForFinished(60000) && b.waitForFinished(60000));
        // The second waits for the first (or, if the first is slow, is refused): never a mixture.
        QVERIFY2(a.exitCode() == 0 || a.exitCode() == 5, a.readAllStandardError().constData());
        QVERIFY2(b.exitCode() == 0 || b.exitCode() == 5, b.readAllStandardError().constData());
        QVERIFY(a.exitCode() == 0 || b.exitCode() == 0);
        QCOMPARE(verifyExit(out), 0);
        QVERIFY(leftoversBeside(out).isEmpty());
    }

    void killedRerunLeavesThePreviousRunAndTheNextRunCleansUp()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("results"));
        QCOMPARE(runCli(analyze(stationSample(), out)).exitCode, 0);
        const QByteArray manifest = readAll(QDir(out).filePath(QStringLiteral("manifest.json")));
        const QStringList before = filesIn(out);

        const QString large = largeStationInput(dir.path());
        {
            HeldRun killed;
            QVERIFY(killed.start(large, out));
            killed.signal(SIGKILL); // no chance to clean up
            QVERIFY(killed.process().waitForFinished(10000));
            QCOMPARE(killed.process().exitStatus(), QProcess::CrashExit);
        }
        QVERIFY(!leftoversBeside(out).isEmpty()); // its staging folder and lock file are still there
        QCOMPARE(readAll(QDir(out).filePath(QStringLiteral("manifest.json"))), manifest);
        QCOMPARE(filesIn(out), before);
        QCOMPARE(verifyExit(out), 0);

        // Killed in a new folder: nothing appears there.
        const QString fresh = dir.filePath(QStringLiteral("fresh"));
        {
            HeldRun killedFresh;
            QVERIFY(killedFresh.start(large, fresh));
            killedFresh.signal(SIGKILL);
            QVERIFY(killedFresh.process().waitForFinished(10000));
        }
        QVERIFY(!QFileInfo::exists(fresh));

        // The next run finds the lock stale, removes the leftovers and replaces the set whole.
        const auto next = runCli(analyze(stationSample(), out, {QStringLiteral("--format"), QStringLiteral("csv")}));
        QVERIFY2(next.exitCode == 0, next.err.constData());
        QVERIFY(leftoversBeside(out).isEmpty());
        QCOMPARE(verifyExit(out), 0);
        QCOMPARE(runCli(analyze(stationSample(), fresh)).exitCode, 0);
        QVERIFY(leftoversBeside(fresh).isEmpty());
    }

    void ctrlCCancelsKeepsThePreviousRunAndExits130_data()
    {
        QTest::addColumn<int>("signal");
        QTest::newRow("SIGINT") << int(SIGINT);
        QTest::newRow("SIGTERM") << int(SIGTERM);
    }
    void ctrlCCancelsKeepsThePreviousRunAndExits130()
    {
        QFETCH(int, signal);
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("results"));
        QCOMPARE(runCli(analyze(stationSample(), out)).exitCode, 0);
        const QByteArray manifest = readAll(QDir(out).filePath(QStringLiteral("manifest.json")));
        HeldRun run;
        QVERIFY(run.start(largeStationInput(dir.path()), out));
        run.signal(signal);
        QVERIFY(run.finish()); // the signal arrives as it goes on; the run stops at once
        QCOMPARE(run.process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(run.process().exitCode(), 130);
        QVERIFY(run.process().readAllStandardError().contains("cancelled"));
        QCOMPARE(readAll(QDir(out).filePath(QStringLiteral("manifest.json"))), manifest);
        QVERIFY2(leftoversBeside(out).isEmpty(), qPrintable(leftoversBeside(out).join(u' ')));
        QCOMPARE(verifyExit(out), 0);
    }

    void rerunWithFewerOutputsLeavesNoStaleFiles()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("results"));
        QCOMPARE(runCli(analyze(stationSample(), out)).exitCode, 0);
        QVERIFY(QFile::exists(QDir(out).filePath(QStringLiteral("dashboard.html"))));
        QCOMPARE(runCli(analyze(stationSample(), out, {QStringLiteral("--format"), QStringLiteral("csv")})).exitCode, 0);
        QVERIFY(!QFile::exists(QDir(out).filePath(QStringLiteral("results.xlsx"))));
        QVERIFY(!QFile::exists(QDir(out).filePath(QStringLiteral("dashboard.html"))));
        QCOMPARE(verifyExit(out), 0);
        // One station fewer: its table goes too.
        const QString tusOnly = dir.filePath(QStringLiteral("tus.csv"));
        QByteArray csv;
        for (const QByteArray &line : readAll(stationSample()).split('\n'))
            if (!line.startsWith("CT,"))
                csv += line + '\n';
        writeFixture(tusOnly, csv.trimmed() + '\n');
        QCOMPARE(runCli(analyze(tusOnly, out, {QStringLiteral("--format"), QStringLiteral("csv")})).exitCode, 0);
        QVERIFY(!QFile::exists(QDir(out).filePath(QStringLiteral("CT_Analysis.csv"))));
        QVERIFY(QFile::exists(QDir(out).filePath(QStringLiteral("TUS_Analysis.csv"))));
        QCOMPARE(verifyExit(out), 0);
    }

    void plantedLinksAreRefusedAndTheirTargetsUntouched()
    {
        QTemporaryDir dir;
        const QString precious = writeFixture(dir.filePath(QStringLiteral("precious.txt")), "precious");
        const QString out = dir.filePath(QStringLiteral("results"));
        QCOMPARE(runCli(analyze(stationSample(), out)).exitCode, 0);
        for (const char *name : {"CT_Analysis.csv", "manifest.json"}) {
            const QString planted = QDir(out).filePath(QLatin1String(name));
            QVERIFY(QFile::remove(planted));
            QVERIFY(QFile::link(precious, planted));
            const auto r = runCli(analyze(stationSample(), out));
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains("symbolic link"), r.err.constData());
            QVERIFY2(r.err.contains(name), r.err.constData());
            QCOMPARE(readAll(precious), QByteArray("precious"));
            QVERIFY(QFileInfo(planted).isSymLink());
            QVERIFY(QFile::remove(planted));
            if (QLatin1String(name) != QLatin1String("manifest.json")) // a missing listed file is no obstacle
                QCOMPARE(runCli(analyze(stationSample(), out)).exitCode, 0);
        }
        // The folder itself a link.
        const QString elsewhere = dir.filePath(QStringLiteral("elsewhere"));
        QVERIFY(QDir().mkpath(elsewhere));
        writeFixture(QDir(elsewhere).filePath(QStringLiteral("manifest.json")), "{\"outputs\": []}");
        const QString linked = dir.filePath(QStringLiteral("linked"));
        QVERIFY(QFile::link(elsewhere, linked));
        const auto r = runCli(analyze(stationSample(), linked));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("symbolic link"), r.err.constData());
        QCOMPARE(filesIn(elsewhere), QStringList{QStringLiteral("manifest.json")});
    }

    void foldersHoldingOtherFilesAreRefused()
    {
        QTemporaryDir dir;
        writeFixture(dir.filePath(QStringLiteral("budget.xlsx")), "mine");
        const auto r = runCli(analyze(stationSample(), dir.path()));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("budget.xlsx") && r.err.contains("new or empty folder"), r.err.constData());
        QCOMPARE(filesIn(dir.path()), QStringList{QStringLiteral("budget.xlsx")});
    }

    void outNamingAFileIsAUsageError()
    {
        QTemporaryDir dir;
        const QString file = writeFixture(dir.filePath(QStringLiteral("report.csv")), "a,b\n");
        const auto r = runCli(analyze(stationSample(), file));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("is an existing file, not a folder"), r.err.constData());
        QCOMPARE(readAll(file), QByteArray("a,b\n"));
    }

    void formulaLikeCellsAreEscapedInResultsButExactInLineage()
    {
        QTemporaryDir dir;
        const QString formula = QStringLiteral("=HYPERLINK(\"http://evil\",\"x\")");
        QByteArray csv;
        for (const QByteArray &line : readAll(smallStationInput(dir.path())).split('\n'))
            csv += (line.startsWith("CT,") ? "\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"" + line.mid(2) : line) + '\n';
        const QString input = writeFixture(dir.filePath(QStringLiteral("evil.csv")), csv.trimmed() + '\n');
        const QString out = dir.filePath(QStringLiteral("results"));
        const auto r = runCli(analyze(input, out));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QStringList tables = QDir(out).entryList({QStringLiteral("*HYPERLINK*_Analysis.csv")});
        QCOMPARE(tables.size(), 1);
        const QByteArray table = readAll(QDir(out).filePath(tables.first()));
        QVERIFY2(table.contains("\n\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",2021-01-01,"), table.constData());
        // The lineage keeps the value exactly: its row hashes are computed from it.
        const QByteArray lineage = readAll(QDir(out).filePath(QStringLiteral("audit_lineage.csv")));
        QVERIFY(lineage.contains("\n2,\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",2021-01-01"));
        QVERIFY(!lineage.contains("'=HYPERLINK"));
        // The workbook holds it as text, not as a formula.
        auto sheet = ingest::readTable(QDir(out).filePath(QStringLiteral("results.xlsx")));
        QVERIFY(sheet.ok());
        QCOMPARE(sheet->batches.front()->at(0, 0).toString(), formula);
    }

    void overlongCellIsCutInTheWorkbookWithAWarning()
    {
        // A parameter name of 40,000 characters: a column of CT_Analysis, a cell of data_quality.
        QTemporaryDir dir;
        const QByteArray longText(40'000, 'P');
        QByteArray csv;
        for (const QByteArray &line : readAll(smallStationInput(dir.path())).split('\n'))
            csv += QByteArray(line).replace(",Data 1,", "," + longText + ",") + '\n';
        const QString input = writeFixture(dir.filePath(QStringLiteral("long.csv")), csv.trimmed() + '\n');
        const QString out = dir.filePath(QStringLiteral("results"));
        const auto r = runCli(analyze(input, out));
        QVERIFY2(r.exitCode == 0, r.err.left(2000).constData());
        QVERIFY2(r.out.contains("32,767"), r.out.left(2000).constData());
        QVERIFY(QFile::exists(QDir(out).filePath(QStringLiteral("dashboard.html"))));
        const QJsonArray warnings = manifestOf(out).value(u"warnings").toArray();
        QVERIFY(std::any_of(warnings.begin(), warnings.end(), [](const QJsonValue &w) { return w.toString().contains(u"32,767"); }));
        // The CSV holds it whole; the workbook its first 32,767 characters.
        QVERIFY(readAll(QDir(out).filePath(QStringLiteral("CT_Analysis.csv"))).contains(longText));
        auto sheet = ingest::readTable(QDir(out).filePath(QStringLiteral("results.xlsx")),
                                       ingest::ReadOptions{QStringLiteral("data_quality")});
        QVERIFY2(sheet.ok(), qPrintable(sheet.ok() ? QString() : sheet.error().toString()));
        qsizetype longest = 0;
        for (const auto &batch : sheet->batches)
            for (qsizetype row = 0; row < batch->rowCount(); ++row)
                for (int c = 0; c < int(sheet->columns.size()); ++c)
                    longest = std::max(longest, batch->at(row, c).toString().size());
        QCOMPARE(longest, 32'767);
    }

    void fullDiskIsNamed()
    {
        // A tmpfs of 96 KB: needs root; the file size limit below covers the same path without.
        if (::geteuid() != 0)
            QSKIP("mounting a small tmpfs needs root");
        QTemporaryDir dir;
        const QString mountPoint = dir.filePath(QStringLiteral("small"));
        QVERIFY(QDir().mkpath(mountPoint));
        if (::mount("tmpfs", QFile::encodeName(mountPoint).constData(), "tmpfs", 0, "size=96k") != 0)
            QSKIP("cannot mount a tmpfs here");
        const auto r = runCli(analyze(stationSample(), QDir(mountPoint).filePath(QStringLiteral("results"))));
        const QStringList left = filesIn(mountPoint);
        ::umount(QFile::encodeName(mountPoint).constData());
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.err.contains("No space left on device"), r.err.constData());
        QVERIFY(!r.err.contains("Unknown error"));
        // What fitted is there with a manifest saying "failed", nothing half-written beside it.
        QVERIFY2(left.isEmpty() || left == QStringList{QStringLiteral("results")}, qPrintable(left.join(u' ')));
    }

    void writeFailureNamesTheReasonAndKeepsWhatWasWritten()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("results"));
        const auto r = runCliWithFileLimit(analyze(smallStationInput(dir.path()), out), 64 * 1024);
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.err.contains("dashboard.html"), r.err.constData());
        QVERIFY2(r.err.contains(std::strerror(EFBIG)), r.err.constData());
        QVERIFY2(r.err.contains("kept"), r.err.constData());
        QCOMPARE(manifestOf(out).value(u"status").toString(), QStringLiteral("failed"));
        QCOMPARE(verifyExit(out), 7); // consistent, but the run failed
    }
};

QTEST_GUILESS_MAIN(TestCliOutputs)
#include "tst_cli_outputs.moc"
