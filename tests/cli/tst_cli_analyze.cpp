// finpipe-cli analyze: outputs, --json, and every exit code an analyst or script relies on.
#include "clioutputhelpers.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

using namespace finpipe;

namespace {

QString sample()
{
    return QStringLiteral(FINPIPE_SOURCE_DIR "/samples/station_readings.csv");
}

test::CliRun runWithEnv(const QStringList &args, const QString &name, const QString &value,
                        const QString &program = QStringLiteral(FINPIPE_CLI_PATH))
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(name, value);
    p.setProcessEnvironment(env);
    p.start(program, args);
    p.waitForFinished(120000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

} // namespace

class TestCliAnalyze : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void analysesTheSample()
    {
        QTemporaryDir out;
        const auto r = test::runCli({QStringLiteral("analyze"), sample(), QStringLiteral("--out"), out.path()});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        for (const char *f : {"CT_Analysis.csv", "TUS_Analysis.csv", "audit_lineage.csv", "data_quality.csv",
                              "results.xlsx", "dashboard.html", "manifest.json"})
            QVERIFY2(QFile::exists(QDir(out.path()).filePath(QLatin1String(f))), f);
        QVERIFY(r.out.contains("1440 rows"));
        QVERIFY(r.out.contains("station_readings"));
        QVERIFY(r.out.contains("CT_Analysis.csv"));
        // stderr is not a terminal here: no progress line.
        QVERIFY(!r.err.contains('\r'));
    }

    void jsonPrintsTheManifest()
    {
        QTemporaryDir out;
        const auto r = test::runCli({QStringLiteral("analyze"), sample(), QStringLiteral("--out"), out.path(),
                                     QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("--json"),
                                     QStringLiteral("--agg"), QStringLiteral("max")});
        QCOMPARE(r.exitCode, 0);
        QJsonParseError error;
        const QJsonObject json = QJsonDocument::fromJson(r.out, &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QCOMPARE(json.value(u"status").toString(), QStringLiteral("succeeded"));
        QCOMPARE(json.value(u"parameters").toObject().value(u"aggregation").toString(), QStringLiteral("max"));
        QCOMPARE(json.value(u"dataset").toObject().value(u"type").toString(), QStringLiteral("station_readings"));
        QStringList names;
        for (const QJsonValue &o : json.value(u"outputs").toArray())
            names << o.toObject().value(u"name").toString();
        QVERIFY(names.contains(QStringLiteral("audit_lineage.csv")));
        QVERIFY(!names.contains(QStringLiteral("results.xlsx"))); // --format csv
        QVERIFY(!QFile::exists(QDir(out.path()).filePath(QStringLiteral("results.xlsx"))));
        QCOMPARE(QJsonDocument::fromJson(
                     [&] {
                         QFile f(QDir(out.path()).filePath(QStringLiteral("manifest.json")));
                         f.open(QIODevice::ReadOnly);
                         return f.readAll();
                     }())
                     .object()
                     .value(u"outputs"),
                 json.value(u"outputs"));
    }

    void quietPrintsNothing()
    {
        QTemporaryDir out;
        const auto r = test::runCli({QStringLiteral("analyze"), sample(), QStringLiteral("--out"), out.path(),
                                     QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("--quiet")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.isEmpty());
        QVERIFY(r.err.isEmpty());
    }

    void usageErrorsExit2_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("no file") << QStringList{QStringLiteral("analyze")} << QByteArray("name the file");
        QTest::newRow("bad aggregation") << QStringList{QStringLiteral("analyze"), sample(), QStringLiteral("--agg"),
                                                        QStringLiteral("average-ish")}
                                         << QByteArray("average-ish");
        QTest::newRow("bad map") << QStringList{QStringLiteral("analyze"), sample(), QStringLiteral("--map"),
                                                QStringLiteral("station")}
                                 << QByteArray("ROLE=COLUMN");
        QTest::newRow("bad format") << QStringList{QStringLiteral("analyze"), sample(), QStringLiteral("--format"),
                                                   QStringLiteral("pdf")}
                                    << QByteArray("pdf");
        QTest::newRow("mapped column missing")
            << QStringList{QStringLiteral("analyze"), sample(), QStringLiteral("--type"),
                           QStringLiteral("station_readings"), QStringLiteral("--map"), QStringLiteral("value=Nope")}
            << QByteArray("Nope");
    }
    void usageErrorsExit2()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, message);
        QTemporaryDir out;
        const auto r = test::runCli(args + QStringList{QStringLiteral("--out"), out.path()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), r.err.constData());
    }

    void unreadableInputExits3()
    {
        QTemporaryDir out;
        auto r = test::runCli({QStringLiteral("analyze"), out.filePath(QStringLiteral("missing.csv")),
                               QStringLiteral("--out"), out.filePath(QStringLiteral("o"))});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains("missing.csv"));
        const QString pdf = out.filePath(QStringLiteral("report.csv"));
        {
            QFile f(pdf);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("%PDF-1.7\n%binary\n");
        }
        r = test::runCli({QStringLiteral("analyze"), pdf, QStringLiteral("--out"), out.filePath(QStringLiteral("o"))});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains("PDF"));
    }

    void uncertainDetectionExits4WithTheFlagsToUse()
    {
        QTemporaryDir rules, out;
        {
            QFile f(QDir(rules.path()).filePath(QStringLiteral("settings.json")));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(R"({"levels": {"high": 1.0, "medium": 1.0, "low": 0.10}})");
        }
        const QString input = test::seedPath(QStringLiteral("raw_data.xlsx"));
        auto r = runWithEnv({QStringLiteral("analyze"), input, QStringLiteral("--out"), out.path()},
                            QStringLiteral("FINPIPE_RULES_DIR"), rules.path());
        QCOMPARE(r.exitCode, 4);
        QVERIFY2(r.err.contains("station_readings"), r.err.constData());
        QVERIFY2(r.err.contains("--type station_readings"), r.err.constData());
        QVERIFY2(r.err.contains("--map station=Station_ID"), r.err.constData());
        QVERIFY(!QFile::exists(QDir(out.path()).filePath(QStringLiteral("audit_lineage.csv"))));
        // Following the advice works.
        r = runWithEnv({QStringLiteral("analyze"), input, QStringLiteral("--out"), out.path(), QStringLiteral("--type"),
                        QStringLiteral("station_readings"), QStringLiteral("--format"), QStringLiteral("csv")},
                       QStringLiteral("FINPIPE_RULES_DIR"), rules.path());
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void uncertainDetectionPrintsACommandToCopy()
    {
        QTemporaryDir rules, out;
        test::writeFixture(QDir(rules.path()).filePath(QStringLiteral("settings.json")),
                           R"({"levels": {"high": 1.0, "medium": 1.0, "low": 0.10}})");
        const QString input = test::seedPath(QStringLiteral("raw_data.xlsx"));
        const QString target = out.filePath(QStringLiteral("my results")); // needs quoting
        auto r = runWithEnv({QStringLiteral("analyze"), input, QStringLiteral("--out"), target, QStringLiteral("--format"),
                             QStringLiteral("csv"), QStringLiteral("--agg"), QStringLiteral("max")},
                            QStringLiteral("FINPIPE_RULES_DIR"), rules.path());
        QCOMPARE(r.exitCode, 4);
        // The confidence reads the same in the message and in the list of guesses.
        QVERIFY2(!r.err.contains("confidence 1.00"), r.err.constData());
        QByteArray command;
        for (const QByteArray &line : r.err.split('\n'))
            if (line.startsWith("  finpipe-cli analyze "))
                command = line.mid(2);
        QVERIFY2(!command.isEmpty(), r.err.constData());
        QVERIFY2(command.contains("--agg max") && command.contains("--format csv"), command.constData());
        // Pasted into a shell, it runs as printed: the analyst's own options, the chosen type.
        command.replace("finpipe-cli", "'" FINPIPE_CLI_PATH "'");
        r = runWithEnv({QStringLiteral("-c"), QString::fromUtf8(command)}, QStringLiteral("FINPIPE_RULES_DIR"),
                       rules.path(), QStringLiteral("/bin/sh"));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject manifest =
            QJsonDocument::fromJson(test::readAll(QDir(target).filePath(QStringLiteral("manifest.json")))).object();
        QCOMPARE(manifest.value(u"dataset").toObject().value(u"type").toString(), QStringLiteral("station_readings"));
        QCOMPARE(manifest.value(u"parameters").toObject().value(u"aggregation").toString(), QStringLiteral("max"));
        QVERIFY(!QFile::exists(QDir(target).filePath(QStringLiteral("results.xlsx"))));
    }

    void failedAnalysisExits5AndListsKeptOutputs()
    {
        // Files over 64 KB cannot be written: dashboard.html, written last, fails.
        QTemporaryDir out;
        const auto r = test::runCliWithFileLimit({QStringLiteral("analyze"), test::smallStationInput(out.path()),
                                                  QStringLiteral("--out"), out.filePath(QStringLiteral("o"))},
                                                 64 * 1024);
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.err.contains("dashboard.html"), r.err.constData());
        QVERIFY2(r.err.contains("kept"), r.err.constData());
        QVERIFY2(r.err.contains("CT_Analysis.csv"), r.err.constData());
        QVERIFY(QFile::exists(QDir(out.path()).filePath(QStringLiteral("o/CT_Analysis.csv"))));
    }

    void badTemplateExits5()
    {
        QTemporaryDir out;
        const auto r = test::runCli({QStringLiteral("analyze"), sample(), QStringLiteral("--out"), out.path(),
                                     QStringLiteral("--template"), out.filePath(QStringLiteral("nope.xlsx"))});
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.err.contains("nope.xlsx"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliAnalyze)
#include "tst_cli_analyze.moc"
