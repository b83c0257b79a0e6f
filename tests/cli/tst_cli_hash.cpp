#include "testutil.h"

#include <QTemporaryDir>
#include <QTest>

using namespace finpipe::test;

class TestCliHash : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void printsSha256sumFormat()
    {
        const QString file = seedPath(QStringLiteral("synthetic_raw_data.csv"));
        QProcess ref;
        ref.start(QStringLiteral("sha256sum"), {file});
        ref.waitForFinished();
        const CliRun run = runCli({QStringLiteral("hash"), file});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, ref.readAllStandardOutput());
    }

    void severalFilesOneLineEach()
    {
        const CliRun run = runCli({QStringLiteral("hash"), seedPath(QStringLiteral("raw_data.xlsx")),
                                   seedPath(QStringLiteral("fintech_sales.csv"))});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out.count('\n'), 2);
    }

    void missingFileExitsThreeAndGoesOn()
    {
        QTemporaryDir dir;
        const CliRun run = runCli({QStringLiteral("hash"), dir.filePath(QStringLiteral("missing.csv")),
                                   seedPath(QStringLiteral("synthetic_raw_data.csv"))});
        QCOMPARE(run.exitCode, 3);
        QVERIFY(run.err.contains("missing.csv"));
        QCOMPARE(run.out.count('\n'), 1);
    }

    void noArgumentsIsAUsageError()
    {
        const CliRun run = runCli({QStringLiteral("hash")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("--help"));
    }

    void unknownCommandIsAUsageError()
    {
        const CliRun run = runCli({QStringLiteral("frobnicate")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("unknown command"));
    }
};

QTEST_GUILESS_MAIN(TestCliHash)
#include "tst_cli_hash.moc"
