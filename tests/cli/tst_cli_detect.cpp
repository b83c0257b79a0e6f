#include "testutil.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace finpipe::test;

class TestCliDetect : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_noRules; // an empty user rules folder: the shipped rules only

    CliRun detect(const QStringList &args)
    {
        return runCli(QStringList{QStringLiteral("detect"), QStringLiteral("--rules"), m_noRules.path()} + args);
    }

    static QJsonObject parse(const CliRun &run)
    {
        QJsonParseError e;
        const QJsonDocument doc = QJsonDocument::fromJson(run.out, &e);
        if (e.error != QJsonParseError::NoError)
            qWarning() << "not JSON:" << e.errorString() << run.out.left(200);
        return doc.object();
    }

private Q_SLOTS:
    void jsonForRawData()
    {
        const CliRun run = detect({QStringLiteral("--json"), seedPath(QStringLiteral("raw_data.xlsx"))});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject o = parse(run);
        QCOMPARE(o.value(u"type").toString(), QStringLiteral("station_readings"));
        QCOMPARE(o.value(u"level").toString(), QStringLiteral("high"));
        QVERIFY(o.value(u"confidence").toDouble() >= 0.9 && o.value(u"confidence").toDouble() <= 1.0);
        QCOMPARE(o.value(u"ambiguous").toBool(true), false);
        const QJsonObject mapping = o.value(u"mapping").toObject();
        QCOMPARE(mapping.value(u"station").toString(), QStringLiteral("Station_ID"));
        QCOMPARE(mapping.value(u"timestamp").toString(), QStringLiteral("Date_Time"));
        QCOMPARE(mapping.value(u"parameter").toString(), QStringLiteral("PCode"));
        QCOMPARE(mapping.value(u"value").toString(), QStringLiteral("Result"));
        QCOMPARE(o.value(u"missing_roles").toArray().size(), 0);
        const QJsonObject scores = o.value(u"scores").toObject();
        for (const char16_t *t : {u"station_readings", u"station_analysis", u"sales_orders", u"generic_table"})
            QVERIFY(scores.contains(QString::fromUtf16(t)));
        QVERIFY(scores.value(u"sales_orders").toDouble() < 0.5);
        const QJsonArray strategies = o.value(u"strategies").toArray();
        QCOMPARE(strategies.size(), 5 * scores.size());
        QStringList names;
        for (const QJsonValue &v : strategies) {
            const QJsonObject s = v.toObject();
            QVERIFY(s.contains(u"name") && s.contains(u"type") && s.contains(u"score") && s.value(u"reasons").isArray());
            if (s.value(u"type").toString() == u"station_readings")
                names << s.value(u"name").toString();
        }
        QCOMPARE(names, (QStringList{QStringLiteral("exact_header"), QStringLiteral("fuzzy_header"),
                                     QStringLiteral("value_profile"), QStringLiteral("structure"),
                                     QStringLiteral("file_name")}));
        QCOMPARE(o.value(u"analysis").toString(), QStringLiteral("station_pivot"));
        QCOMPARE(o.value(u"rules_version").toString().size(), 16);
    }

    void jsonForTemplateListsParameterColumns()
    {
        const CliRun run = detect({QStringLiteral("--json"), seedPath(QStringLiteral("ct_analysis_template.xlsx"))});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject o = parse(run);
        QCOMPARE(o.value(u"type").toString(), QStringLiteral("station_analysis"));
        const QJsonArray params = o.value(u"mapping").toObject().value(u"parameters").toArray();
        QCOMPARE(params.size(), 25);
        QCOMPARE(params.first().toString(), QStringLiteral("Data 1"));
    }

    void humanSummaryForSales()
    {
        const CliRun run = detect({seedPath(QStringLiteral("fintech_sales.csv"))});
        QCOMPARE(run.exitCode, 0);
        const QString text = QString::fromUtf8(run.out);
        QVERIFY2(text.startsWith(QStringLiteral("fintech_sales.csv: sales_orders")), qPrintable(text.left(200)));
        QVERIFY(text.contains(QStringLiteral("high")));
        QVERIFY(text.contains(QStringLiteral("revenue")));
        QVERIFY(text.contains(QStringLiteral("Why sales_orders:")));
        QVERIFY(text.contains(QStringLiteral("exact_header")));
    }

    void negativeIsGenericAndNotHigh()
    {
        const CliRun run = detect({QStringLiteral("--json"), dataPath(QStringLiteral("detect/neg_addresses.csv"))});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject o = parse(run);
        QCOMPARE(o.value(u"type").toString(), QStringLiteral("generic_table"));
        QVERIFY(o.value(u"level").toString() != u"high");
        QVERIFY(o.value(u"mapping").toObject().isEmpty());
    }

    void sheetOption()
    {
        const CliRun ok = detect({QStringLiteral("--json"), QStringLiteral("--sheet"), QStringLiteral("CT Station"),
                                  seedPath(QStringLiteral("ct_analysis_template.xlsx"))});
        QCOMPARE(ok.exitCode, 0);
        QCOMPARE(parse(ok).value(u"type").toString(), QStringLiteral("station_analysis"));
        const CliRun missing = detect({QStringLiteral("--sheet"), QStringLiteral("No Such Sheet"),
                                       seedPath(QStringLiteral("ct_analysis_template.xlsx"))});
        // A sheet the workbook does not have is a wrong argument: a usage error naming the sheets.
        QCOMPARE(missing.exitCode, 2);
        QVERIFY(missing.err.contains("No Such Sheet"));
        QVERIFY(missing.err.contains("CT Station"));
    }

    void malformedUserRuleIsAWarningNotAFailure()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("broken.json")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\n  \"id\": \"broken\",\n  oops\n}\n");
        f.close();
        const CliRun run = runCli({QStringLiteral("detect"), QStringLiteral("--rules"), dir.path(), QStringLiteral("--json"),
                                   seedPath(QStringLiteral("synthetic_raw_data.csv"))});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.contains("broken.json:3:"), run.err.constData());
        const QJsonObject o = parse(run);
        QCOMPARE(o.value(u"type").toString(), QStringLiteral("station_readings"));
        const QJsonArray problems = o.value(u"rules_problems").toArray();
        QCOMPARE(problems.size(), 1);
        QVERIFY(problems.first().toObject().value(u"file").toString().endsWith(QStringLiteral("broken.json")));
        QCOMPARE(problems.first().toObject().value(u"line").toInt(), 3);
    }

    void exitCodes()
    {
        QCOMPARE(detect({}).exitCode, 2);
        QCOMPARE(detect({QStringLiteral("--bogus"), seedPath(QStringLiteral("raw_data.xlsx"))}).exitCode, 2);
        QTemporaryDir dir;
        const CliRun missing = detect({dir.filePath(QStringLiteral("nope.csv"))});
        QCOMPARE(missing.exitCode, 3);
        QVERIFY(missing.err.contains("nope.csv"));
        QFile empty(dir.filePath(QStringLiteral("empty.csv")));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.close();
        QCOMPARE(detect({empty.fileName()}).exitCode, 3);
        QCOMPARE(detect({QStringLiteral("--help")}).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestCliDetect)
#include "tst_cli_detect.moc"
