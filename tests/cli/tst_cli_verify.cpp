// finpipe-cli verify: a folder checked against its manifest.json, and the exit codes scripts use.
#include "clioutputhelpers.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace finpipe;
using namespace finpipe::test;

namespace {

//! A fresh complete run of the station sample (CSV outputs only: quick).
QString goodRun(const QTemporaryDir &dir)
{
    const QString out = dir.filePath(QStringLiteral("results"));
    const auto r = runCli({QStringLiteral("analyze"), stationSample(), QStringLiteral("--out"), out,
                           QStringLiteral("--format"), QStringLiteral("csv")});
    if (r.exitCode != 0)
        qFatal("analyze failed: %s", r.err.constData());
    return out;
}

CliRun verify(const QString &dir, bool json = false)
{
    QStringList args{QStringLiteral("verify"), dir};
    if (json)
        args << QStringLiteral("--json");
    return runCli(args);
}

} // namespace

class TestCliVerify : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aCompleteRunIsConsistent()
    {
        QTemporaryDir dir;
        const QString out = goodRun(dir);
        const auto r = verify(out);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("consistent"), r.out.constData());
        QVERIFY(r.out.contains("succeeded"));
        const QJsonObject json = QJsonDocument::fromJson(verify(out, true).out).object();
        QCOMPARE(json.value(u"consistent").toBool(), true);
        QCOMPARE(json.value(u"matching").toInt(), 4);
        QVERIFY(json.value(u"differences").toArray().isEmpty());
    }

    void differencesAreNamedAndExit6_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("state");
        QTest::addColumn<QString>("name");
        QTest::newRow("modified") << QStringLiteral("modify") << QStringLiteral("changed") << QStringLiteral("CT_Analysis.csv");
        QTest::newRow("same size") << QStringLiteral("flip") << QStringLiteral("changed") << QStringLiteral("CT_Analysis.csv");
        QTest::newRow("missing") << QStringLiteral("remove") << QStringLiteral("missing") << QStringLiteral("CT_Analysis.csv");
        QTest::newRow("extra") << QStringLiteral("add") << QStringLiteral("unlisted") << QStringLiteral("notes.txt");
        QTest::newRow("no manifest") << QStringLiteral("unmanifest") << QStringLiteral("missing") << QStringLiteral("manifest.json");
    }
    void differencesAreNamedAndExit6()
    {
        QFETCH(QString, change);
        QFETCH(QString, state);
        QFETCH(QString, name);
        QTemporaryDir dir;
        const QString out = goodRun(dir);
        const QString ct = QDir(out).filePath(QStringLiteral("CT_Analysis.csv"));
        if (change == u"modify") {
            writeFixture(ct, readAll(ct) + "1,2\n");
        } else if (change == u"flip") {
            QByteArray bytes = readAll(ct);
            bytes[bytes.size() - 2] = bytes[bytes.size() - 2] == '1' ? '2' : '1';
            writeFixture(ct, bytes);
        } else if (change == u"remove") {
            QVERIFY(QFile::remove(ct));
        } else if (change == u"add") {
            writeFixture(QDir(out).filePath(QStringLiteral("notes.txt")), "mine");
        } else {
            QVERIFY(QFile::remove(QDir(out).filePath(QStringLiteral("manifest.json"))));
        }
        const auto r = verify(out);
        QCOMPARE(r.exitCode, 6);
        QVERIFY2(r.out.contains("differs"), r.out.constData());
        QVERIFY2(r.out.contains(name.toUtf8()), r.out.constData());
        const auto j = verify(out, true);
        QCOMPARE(j.exitCode, 6);
        const QJsonObject json = QJsonDocument::fromJson(j.out).object();
        QCOMPARE(json.value(u"consistent").toBool(), false);
        const QJsonArray differences = json.value(u"differences").toArray();
        QCOMPARE(differences.size(), 1);
        QCOMPARE(differences.first().toObject().value(u"name").toString(), name);
        QCOMPARE(differences.first().toObject().value(u"state").toString(), state);
    }

    void aFailedRunIsConsistentButExits7()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("results"));
        const auto run = runCliWithFileLimit({QStringLiteral("analyze"), smallStationInput(dir.path()),
                                              QStringLiteral("--out"), out}, 64 * 1024);
        QCOMPARE(run.exitCode, 5);
        const auto r = verify(out);
        QCOMPARE(r.exitCode, 7);
        QVERIFY2(r.out.contains("did not succeed"), r.out.constData());
        QCOMPARE(QJsonDocument::fromJson(verify(out, true).out).object().value(u"status").toString(),
                 QStringLiteral("failed"));
    }

    void missingFolderAndUsage()
    {
        QTemporaryDir dir;
        auto r = verify(dir.filePath(QStringLiteral("nope")));
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains("does not exist"));
        r = runCli({QStringLiteral("verify")});
        QCOMPARE(r.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliVerify)
#include "tst_cli_verify.moc"
