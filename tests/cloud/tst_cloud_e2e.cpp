// End to end against the real servers: finpipe-cli submit (as an analyst holding no storage keys)
// -> finpipe-worker --once -> finpipe-cli download, compared with a local finpipe-cli analyze of the
// same input; and the CLI's other cloud commands, errors and exit codes.
#include "cloudtestenv.h"
#include "workerprocess.h"
#include "testutil.h"

#include "cloud/s3/client.h"
#include "cloud/s3/settings.h"

#include <QDir>
#include <QJsonArray>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QSignalSpy>
#include <QTest>

#include <csignal>

using namespace finpipe;
using namespace finpipe::test;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

//! Runs a program with FINPIPE_DATABASE_URL = `databaseUrl`; without the S3 settings unless `storage`.
Run runWith(const QString &program, const QStringList &args, const QString &databaseUrl, bool storage)
{
    QProcess p;
    p.setProcessEnvironment(envWith(databaseUrl, storage));
    p.start(program, args);
    p.waitForFinished(120000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
}


Run cli(const QStringList &args, const QString &url)
{
    return runWith(kCliPath, args, url, false);
}

QString describe(const Run &r)
{
    return QStringLiteral("exit %1\nstdout: %2\nstderr: %3").arg(r.exitCode).arg(QString::fromUtf8(r.out), QString::fromUtf8(r.err));
}

} // namespace

class TestCloudEndToEnd : public QObject
{
    Q_OBJECT

    TestDatabase m_db;
    QString m_ana;
    QString m_bob;
    QString m_worker;
    QTemporaryDir m_tmp;

    QString submit(const QString &file, const QStringList &extra = {})
    {
        const Run r = cli(QStringList{QStringLiteral("submit"), file, QStringLiteral("--json")} + extra, m_ana);
        if (r.exitCode != 0)
            qWarning("%s", qPrintable(describe(r)));
        return QJsonDocument::fromJson(r.out).object().value(u"job_id").toString();
    }

    Run workerOnce() { return runWith(kWorkerPath, {QStringLiteral("--once")}, m_worker, true); }

private Q_SLOTS:
    void initTestCase()
    {
        const QString why = loadCloudEnvironment();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        // A bucket of its own: prune deletes what this database no longer uses, and other tests'
        // databases share the servers' bucket.
        qputenv("FINPIPE_S3_BUCKET", QByteArrayLiteral("finpipe-e2e"));
        auto settings = cloud::s3::Settings::fromEnvironment();
        QVERIFY(settings);
        cloud::s3::Client storage(*settings);
        auto bucket = wait(storage.createBucket());
        QVERIFY2(bucket, qPrintable(bucket ? QString() : bucket.error().toString()));
        m_db = freshDatabase(QStringLiteral("t_cloud_e2e"));
        QVERIFY2(m_db.error.isEmpty(), qPrintable(m_db.error));
        m_ana = m_db.login(QStringLiteral("t_e2e_ana"), QStringLiteral("finpipe_analyst"));
        m_bob = m_db.login(QStringLiteral("t_e2e_bob"), QStringLiteral("finpipe_analyst"));
        m_worker = m_db.login(QStringLiteral("t_e2e_worker"), QStringLiteral("finpipe_worker"));
        QVERIFY(m_tmp.isValid());
    }

    void migrateFromTheCli()
    {
        const Run r = cli({QStringLiteral("migrate")}, m_db.admin);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY(r.out.contains("The database is up to date."));
    }

    void submitWorkDownloadIsIdenticalToLocal()
    {
        const QString input = seedPath(QStringLiteral("raw_data.xlsx"));
        const QString id = submit(input);
        QVERIFY(!id.isEmpty());

        const Run w = workerOnce();
        QVERIFY2(w.exitCode == 0, qPrintable(describe(w)));
        // A one-slot worker claims, listens and writes on one database session.
        QVERIFY2(w.err.contains("\"database_sessions\":1,"), w.err.constData());
        // One JSON object per log line, and the job succeeded.
        bool succeeded = false;
        for (const QByteArray &line : w.err.split('\n')) {
            if (line.isEmpty())
                continue;
            QJsonParseError e;
            const QJsonObject o = QJsonDocument::fromJson(line, &e).object();
            QVERIFY2(e.error == QJsonParseError::NoError && !o.isEmpty(), line.constData());
            if (o.value(u"event").toString() == u"job_succeeded" && o.value(u"job").toString() == id)
                succeeded = true;
        }
        QVERIFY2(succeeded, w.err.constData());

        const Run job = cli({QStringLiteral("job"), id, QStringLiteral("--json")}, m_ana);
        QVERIFY2(job.exitCode == 0, qPrintable(describe(job)));
        const QJsonObject j = QJsonDocument::fromJson(job.out).object();
        QCOMPARE(j.value(u"state").toString(), QStringLiteral("succeeded"));
        QCOMPARE(j.value(u"attempts").toInt(), 1);
        const QJsonArray outputs = j.value(u"outputs").toArray();
        QVERIFY(outputs.size() >= 5);

        const QString cloudDir = m_tmp.filePath(QStringLiteral("cloud"));
        const Run dl = cli({QStringLiteral("download"), id, QStringLiteral("--to"), cloudDir}, m_ana);
        QVERIFY2(dl.exitCode == 0, qPrintable(describe(dl)));

        const QString localDir = m_tmp.filePath(QStringLiteral("local"));
        const CliRun local = runCli({QStringLiteral("analyze"), input, QStringLiteral("--out"), localDir, QStringLiteral("--quiet")});
        QCOMPARE(local.exitCode, 0);
        int compared = 0;
        for (const QJsonValue &v : outputs) {
            const QString name = v.toObject().value(u"name").toString();
            const QByteArray cloudBytes = readAll(QDir(cloudDir).filePath(name));
            QCOMPARE(sha256Of(cloudBytes), v.toObject().value(u"sha256").toString());
            // Data files and the dashboard are byte-identical; the workbook and manifest carry times.
            if (name.endsWith(QStringLiteral(".csv")) || name.endsWith(QStringLiteral(".html"))) {
                QVERIFY2(cloudBytes == readAll(QDir(localDir).filePath(name)), qPrintable(name));
                ++compared;
            }
        }
        QVERIFY(compared >= 4);
        const QJsonObject cloudManifest = QJsonDocument::fromJson(readAll(QDir(cloudDir).filePath(QStringLiteral("manifest.json")))).object();
        const QJsonObject localManifest = QJsonDocument::fromJson(readAll(QDir(localDir).filePath(QStringLiteral("manifest.json")))).object();
        for (const char *key : {"dataset", "rows", "analysis", "input", "parameters", "rules_version", "status", "alerts", "warnings"})
            QCOMPARE(cloudManifest.value(QLatin1String(key)), localManifest.value(QLatin1String(key)));

        // A link the database issues serves the same bytes.
        const Run url = cli({QStringLiteral("url"), id, QStringLiteral("CT_Analysis.csv"), QStringLiteral("--expires"), QStringLiteral("5m")}, m_ana);
        QVERIFY2(url.exitCode == 0, qPrintable(describe(url)));
        QNetworkAccessManager nam;
        std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(QUrl::fromEncoded(url.out.trimmed()))));
        QSignalSpy done(reply.get(), &QNetworkReply::finished);
        QVERIFY(done.wait(10000));
        QCOMPARE(reply->readAll(), readAll(QDir(localDir).filePath(QStringLiteral("CT_Analysis.csv"))));

        // Another analyst sees nothing of it.
        const Run other = cli({QStringLiteral("job"), id}, m_bob);
        QCOMPARE(other.exitCode, 3);
        QVERIFY(other.err.contains("there is no job"));
        const Run otherUrl = cli({QStringLiteral("url"), id, QStringLiteral("CT_Analysis.csv")}, m_bob);
        QVERIFY(otherUrl.exitCode != 0);
        QVERIFY(otherUrl.out.isEmpty());
    }

    void theAnalystsChoicesTravelWithTheJob()
    {
        // --type, --agg and --format chosen on the analyst's machine are what the worker runs.
        const QString input = seedPath(QStringLiteral("synthetic_raw_data.csv"));
        const QStringList flags{QStringLiteral("--type"), QStringLiteral("generic_table"), QStringLiteral("--format"), QStringLiteral("csv")};
        const QString id = submit(input, flags);
        QVERIFY(!id.isEmpty());
        QCOMPARE(workerOnce().exitCode, 0);
        const QString cloudDir = m_tmp.filePath(QStringLiteral("choices-cloud"));
        const Run dl = cli({QStringLiteral("download"), id, QStringLiteral("--to"), cloudDir}, m_ana);
        QVERIFY2(dl.exitCode == 0, qPrintable(describe(dl)));
        const QString localDir = m_tmp.filePath(QStringLiteral("choices-local"));
        const CliRun local = runCli(QStringList{QStringLiteral("analyze"), input, QStringLiteral("--out"), localDir, QStringLiteral("--quiet")} + flags);
        QCOMPARE(local.exitCode, 0);
        QStringList cloudFiles = QDir(cloudDir).entryList(QDir::Files, QDir::Name);
        QStringList localFiles = QDir(localDir).entryList(QDir::Files, QDir::Name);
        QCOMPARE(cloudFiles, localFiles);
        QVERIFY(!cloudFiles.contains(QStringLiteral("results.xlsx")));
        QVERIFY(!cloudFiles.contains(QStringLiteral("dashboard.html")));
        for (const QString &name : std::as_const(cloudFiles))
            if (name.endsWith(QStringLiteral(".csv")))
                QVERIFY2(readAll(QDir(cloudDir).filePath(name)) == readAll(QDir(localDir).filePath(name)), qPrintable(name));
        const QJsonObject m = QJsonDocument::fromJson(readAll(QDir(cloudDir).filePath(QStringLiteral("manifest.json")))).object();
        QCOMPARE(m.value(u"dataset").toObject().value(u"type").toString(), QStringLiteral("generic_table"));
    }

    void templatesTravelWithTheJob()
    {
        // --template files are stored by their hash like the input; the worker downloads, checks
        // and applies them: the same outputs as a local run with the same templates.
        const QString input = seedPath(QStringLiteral("raw_data.xlsx"));
        const QStringList flags{QStringLiteral("--template"), seedPath(QStringLiteral("ct_analysis_template.xlsx")),
                                QStringLiteral("--template"), seedPath(QStringLiteral("tus_analysis_template.xlsx"))};
        const QString id = submit(input, flags);
        QVERIFY(!id.isEmpty());
        const Run w = workerOnce();
        QVERIFY2(w.exitCode == 0 && w.err.contains("\"event\":\"job_succeeded\""), qPrintable(describe(w)));
        const QString cloudDir = m_tmp.filePath(QStringLiteral("templates-cloud"));
        const Run dl = cli({QStringLiteral("download"), id, QStringLiteral("--to"), cloudDir}, m_ana);
        QVERIFY2(dl.exitCode == 0, qPrintable(describe(dl)));
        const QString localDir = m_tmp.filePath(QStringLiteral("templates-local"));
        const CliRun local = runCli(QStringList{QStringLiteral("analyze"), input, QStringLiteral("--out"), localDir, QStringLiteral("--quiet")} + flags);
        QCOMPARE(local.exitCode, 0);
        const QStringList cloudFiles = QDir(cloudDir).entryList(QDir::Files, QDir::Name);
        QCOMPARE(cloudFiles, QDir(localDir).entryList(QDir::Files, QDir::Name));
        int compared = 0;
        for (const QString &name : cloudFiles)
            if (name.endsWith(QStringLiteral(".csv")) || name.endsWith(QStringLiteral(".html"))) {
                QVERIFY2(readAll(QDir(cloudDir).filePath(name)) == readAll(QDir(localDir).filePath(name)), qPrintable(name));
                ++compared;
            }
        QVERIFY(compared >= 4);
        // The templates were applied (the manifest names them as the local run does).
        const QJsonObject m = QJsonDocument::fromJson(readAll(QDir(cloudDir).filePath(QStringLiteral("manifest.json")))).object();
        const QJsonObject lm = QJsonDocument::fromJson(readAll(QDir(localDir).filePath(QStringLiteral("manifest.json")))).object();
        QCOMPARE(m.value(u"analysis"), lm.value(u"analysis"));
        QVERIFY2(QJsonDocument(m).toJson().contains("ct_analysis_template"), QJsonDocument(m).toJson().constData());

        // Two templates of one name cannot be told apart on the worker: refused before anything is sent.
        const QString copy = m_tmp.filePath(QStringLiteral("other/ct_analysis_template.xlsx"));
        QDir().mkpath(QFileInfo(copy).path());
        QVERIFY(QFile::copy(seedPath(QStringLiteral("ct_analysis_template.xlsx")), copy));
        const Run twice = cli({QStringLiteral("submit"), input, QStringLiteral("--template"), seedPath(QStringLiteral("ct_analysis_template.xlsx")),
                               QStringLiteral("--template"), copy}, m_ana);
        QCOMPARE(twice.exitCode, 2);
        QVERIFY2(twice.err.contains("two templates are named ct_analysis_template.xlsx"), twice.err.constData());
    }

    void cloudCheckFromTheCli()
    {
        const Run ok = cli({QStringLiteral("cloud"), QStringLiteral("check")}, m_ana);
        QVERIFY2(ok.exitCode == 0, qPrintable(describe(ok)));
        QCOMPARE(ok.out.count("\nok    ") + (ok.out.startsWith("ok    ") ? 1 : 0), 5);
        QVERIFY(ok.out.contains("ok    The storage answers: "));
        const Run json = cli({QStringLiteral("cloud"), QStringLiteral("check"), QStringLiteral("--json")}, m_ana);
        QCOMPARE(json.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(json.out).object().value(u"ok").toBool(), true);
        QUrl wrong(m_ana);
        wrong.setPassword(QStringLiteral("WrongPw123"));
        const Run refused = cli({QStringLiteral("cloud"), QStringLiteral("check")}, wrong.toString(QUrl::FullyEncoded));
        QCOMPARE(refused.exitCode, 8);
        QVERIFY2(refused.out.contains("FAIL  Your login works: the database refused the password for user t_e2e_ana"), refused.out.constData());
        QVERIFY(refused.out.contains("What to do: check your user name and password."));
        QVERIFY(!refused.out.contains("WrongPw123") && !refused.err.contains("WrongPw123"));
    }

    void sameFileIsUploadedOnce()
    {
        const QString input = seedPath(QStringLiteral("raw_data.xlsx"));
        const Run r = cli({QStringLiteral("submit"), input}, m_bob);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains("already in the storage"), r.out.constData());
        QVERIFY(workerOnce().exitCode == 0);
    }

    void simultaneousSubmissionsUploadOnce()
    {
        // Ten analysts' submissions of one new file at the same moment: one upload, ten jobs.
        const QByteArray csv = readAll(seedPath(QStringLiteral("fintech_sales.csv"))) + "\n\n";
        const QString file = writeFixture(m_tmp.filePath(QStringLiteral("sales_together.csv")), csv);
        const SubmittedTogether together = submitTogether(file, {m_ana}, 10);
        QVERIFY2(together.failure.isEmpty(), qPrintable(together.failure));
        QCOMPARE(together.uploaded, 1);
        QCOMPARE(together.stored, 9);
        // One worker runs four at a time, their writes spread over four connections besides the
        // one that claims.
        const Run w = runWith(kWorkerPath, {QStringLiteral("--once"), QStringLiteral("--concurrency"), QStringLiteral("4")}, m_worker, true);
        QVERIFY2(w.exitCode == 0, qPrintable(describe(w)));
        QCOMPARE(w.err.count("\"event\":\"job_succeeded\""), 10);
        QVERIFY2(w.err.contains("\"database_sessions\":5"), w.err.constData());
    }

    void damagedDownloadIsDeleted()
    {
        const QString id = submit(seedPath(QStringLiteral("fintech_sales.csv")));
        QVERIFY(!id.isEmpty());
        QCOMPARE(workerOnce().exitCode, 0);
        const Run job = cli({QStringLiteral("job"), id, QStringLiteral("--json")}, m_ana);
        const QJsonObject j = QJsonDocument::fromJson(job.out).object();
        QCOMPARE(j.value(u"state").toString(), QStringLiteral("succeeded"));
        const QString name = j.value(u"outputs").toArray().first().toObject().value(u"name").toString();
        // Someone with the storage keys overwrites an output after it was recorded.
        auto settings = cloud::s3::Settings::fromEnvironment();
        QVERIFY(settings);
        cloud::s3::Client storage(*settings);
        QVERIFY(wait(storage.put(QStringLiteral("outputs/%1/1/%2").arg(id, name), QByteArrayLiteral("tampered"))));
        const QString dir = m_tmp.filePath(QStringLiteral("damaged"));
        const Run dl = cli({QStringLiteral("download"), id, QStringLiteral("--output"), name, QStringLiteral("--to"), dir}, m_ana);
        QVERIFY(dl.exitCode != 0);
        QVERIFY2(dl.err.contains("was damaged"), dl.err.constData());
        QVERIFY(!QFile::exists(QDir(dir).filePath(name)));
        QVERIFY(!QFile::exists(QDir(dir).filePath(name + QStringLiteral(".part"))));
    }

    void poisonedUploadIsDetectedAndDeleted()
    {
        // A new file, uploaded by the analyst; then its object is replaced with other bytes.
        const QByteArray csv = readAll(seedPath(QStringLiteral("fintech_sales.csv"))) + "\n";
        const QString file = writeFixture(m_tmp.filePath(QStringLiteral("sales_poisoned.csv")), csv);
        const QString id = submit(file);
        QVERIFY(!id.isEmpty());
        auto settings = cloud::s3::Settings::fromEnvironment();
        QVERIFY(settings);
        cloud::s3::Client storage(*settings);
        const QString key = QStringLiteral("uploads/") + sha256Of(csv);
        QVERIFY(wait(storage.put(key, QByteArrayLiteral("poison"))));
        QCOMPARE(workerOnce().exitCode, 0);
        const Run job = cli({QStringLiteral("job"), id, QStringLiteral("--json")}, m_ana);
        const QJsonObject j = QJsonDocument::fromJson(job.out).object();
        QCOMPARE(j.value(u"state").toString(), QStringLiteral("failed"));
        QCOMPARE(j.value(u"error").toString(), QStringLiteral("the uploaded file was damaged; submit it again"));
        auto head = wait(storage.head(key));
        QVERIFY(!head);
        QCOMPARE(head.error().code, Error::Code::NotFound);
        // Submitting again uploads it again and works.
        const Run again = cli({QStringLiteral("submit"), file}, m_ana);
        QVERIFY2(again.exitCode == 0 && again.out.contains("uploaded"), qPrintable(describe(again)));
        QCOMPARE(workerOnce().exitCode, 0);
    }

    void cancelAQueuedJob()
    {
        const QString id = submit(seedPath(QStringLiteral("fintech_sales.csv")));
        QVERIFY(!id.isEmpty());
        QCOMPARE(cli({QStringLiteral("cancel"), id}, m_bob).exitCode, 3); // not Bob's
        const Run c = cli({QStringLiteral("cancel"), id}, m_ana);
        QVERIFY2(c.exitCode == 0 && c.out.contains("cancelled"), qPrintable(describe(c)));
        QCOMPARE(workerOnce().exitCode, 0); // nothing to do
        const Run job = cli({QStringLiteral("job"), id, QStringLiteral("--json")}, m_ana);
        QCOMPARE(QJsonDocument::fromJson(job.out).object().value(u"state").toString(), QStringLiteral("cancelled"));
        const Run dl = cli({QStringLiteral("download"), id, QStringLiteral("--to"), m_tmp.filePath(QStringLiteral("x"))}, m_ana);
        QVERIFY(dl.exitCode != 0);
        QVERIFY(dl.err.contains("has no outputs (it is cancelled)"));
    }

    void submitAndWait()
    {
        // The worker runs on while the analyst waits: the final state comes by NOTIFY.
        QProcess worker;
        worker.setProcessEnvironment(envWith(m_worker, true));
        worker.start(kWorkerPath, {QStringLiteral("--lease"), QStringLiteral("6")});
        QVERIFY(worker.waitForStarted());
        QElapsedTimer waited;
        waited.start();
        const Run r = cli({QStringLiteral("submit"), seedPath(QStringLiteral("synthetic_raw_data.csv")), QStringLiteral("--wait"),
                           QStringLiteral("--json")},
                          m_ana);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value(u"state").toString(), QStringLiteral("succeeded"));
        // By the completion's announcement (the worker's Announcer), not by the re-read every 30 s.
        QVERIFY2(waited.elapsed() < 25000, qPrintable(QStringLiteral("waited %1 ms").arg(waited.elapsed())));
        // SIGTERM: the worker stops claiming and exits 0.
        ::kill(pid_t(worker.processId()), SIGTERM);
        QVERIFY(worker.waitForFinished(15000));
        QCOMPARE(worker.exitStatus(), QProcess::NormalExit);
        QCOMPARE(worker.exitCode(), 0);
        QVERIFY(worker.readAllStandardError().contains("\"event\":\"stopped\""));
    }

    void cloudErrorsAreNamed()
    {
        const Run missing = cli({QStringLiteral("jobs")}, QString());
        QCOMPARE(missing.exitCode, 2);
        QVERIFY(missing.err.contains("FINPIPE_DATABASE_URL is not set"));

        const QString wrong = withLogin(m_ana, {}, QStringLiteral("NotThePassword77"), {});
        const Run refused = cli({QStringLiteral("jobs")}, wrong);
        QCOMPARE(refused.exitCode, 8);
        QVERIFY2(refused.err.contains("the database refused the password for user t_e2e_ana"), refused.err.constData());
        QVERIFY(!refused.err.contains("NotThePassword77"));

        const Run unreachable = cli({QStringLiteral("jobs")}, QStringLiteral("postgresql://a:b@127.0.0.1:1/x?connect_timeout=3"));
        QCOMPARE(unreachable.exitCode, 8);
        QVERIFY(unreachable.err.contains("cannot reach the database at 127.0.0.1:1"));

        const Run notAnId = cli({QStringLiteral("job"), QStringLiteral("12; DROP TABLE x")}, m_ana);
        QCOMPARE(notAnId.exitCode, 2);

        // The worker needs the storage settings and names the missing one.
        const Run noStorage = runWith(kWorkerPath, {QStringLiteral("--once")}, m_worker, false);
        QCOMPARE(noStorage.exitCode, 2);
        QVERIFY(noStorage.err.contains("FINPIPE_S3_ENDPOINT is not set"));
        // An analyst's login cannot work as a worker.
        const Run analystAsWorker = runWith(kWorkerPath, {QStringLiteral("--once")}, m_ana, true);
        QCOMPARE(analystAsWorker.exitCode, 8);
    }

    void pruneDeletesStrayObjectsThenOldJobs()
    {
        // Runs last: it deletes every finished job.
        const Run jobs = cli({QStringLiteral("jobs"), QStringLiteral("--json")}, m_db.admin); // everyone's
        const QJsonArray before = QJsonDocument::fromJson(jobs.out).array();
        QString succeeded;
        for (const QJsonValue &v : before)
            if (v.toObject().value(u"state").toString() == u"succeeded")
                succeeded = v.toObject().value(u"job_id").toString();
        QVERIFY(!succeeded.isEmpty());
        auto settings = cloud::s3::Settings::fromEnvironment();
        QVERIFY(settings);
        cloud::s3::Client storage(*settings);
        // An object of an attempt that lost its lease.
        const QString stray = QStringLiteral("outputs/%1/9/CT_Analysis.csv").arg(succeeded);
        QVERIFY(wait(storage.put(stray, QByteArrayLiteral("late"))));

        QCOMPARE(cli({QStringLiteral("prune"), QStringLiteral("--older-than"), QStringLiteral("1")}, m_ana).exitCode, 2); // no storage settings
        const Run analyst = runWith(kCliPath, {QStringLiteral("prune"), QStringLiteral("--older-than"), QStringLiteral("1")}, m_ana, true);
        QCOMPARE(analyst.exitCode, 8); // an analyst may not, and nothing is deleted
        QVERIFY2(analyst.err.contains("prune needs the database's administrator"), analyst.err.constData());
        QVERIFY(wait(storage.head(stray)));

        const Run keep = runWith(kCliPath, {QStringLiteral("prune"), QStringLiteral("--older-than"), QStringLiteral("30")}, m_db.admin, true);
        QVERIFY2(keep.exitCode == 0, qPrintable(describe(keep)));
        QVERIFY2(keep.out.contains("Deleted 0 job(s) with 0 object(s), 1 object(s) no finished job records, and 0 unused input(s)."),
                 keep.out.constData());
        QVERIFY(!wait(storage.head(stray)));
        const Run stillThere = cli({QStringLiteral("download"), succeeded, QStringLiteral("--to"), m_tmp.filePath(QStringLiteral("kept"))}, m_ana);
        QVERIFY2(stillThere.exitCode == 0, qPrintable(describe(stillThere)));

        const Run all = runWith(kCliPath, {QStringLiteral("prune"), QStringLiteral("--older-than"), QStringLiteral("0")}, m_db.admin, true);
        QVERIFY2(all.exitCode == 0, qPrintable(describe(all)));
        QVERIFY2(all.out.contains(QStringLiteral("Deleted %1 job(s)").arg(before.size()).toUtf8()), all.out.constData());
        const Run after = cli({QStringLiteral("jobs"), QStringLiteral("--json")}, m_db.admin);
        QCOMPARE(QJsonDocument::fromJson(after.out).array().size(), 0);
        auto left = wait(storage.list(QStringLiteral("outputs/%1/").arg(succeeded)));
        QVERIFY(left);
        QVERIFY(left->isEmpty());
        const QString input = QStringLiteral("uploads/") + sha256Of(readAll(seedPath(QStringLiteral("raw_data.xlsx"))));
        QVERIFY(!wait(storage.head(input))); // no job uses it any more
    }

    void cloudInitStoresSettings()
    {
        const Run r = runWith(kCliPath, {QStringLiteral("cloud"), QStringLiteral("init")}, m_db.admin, true);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY(r.out.contains("Storage settings stored"));
        QVERIFY(!r.out.contains(qgetenv("FINPIPE_S3_SECRET_KEY")));
        const Run noStorage = runWith(kCliPath, {QStringLiteral("cloud"), QStringLiteral("init")}, m_db.admin, false);
        QCOMPARE(noStorage.exitCode, 2);
        QVERIFY(noStorage.err.contains("FINPIPE_S3_ENDPOINT is not set"));
    }
};

QTEST_GUILESS_MAIN(TestCloudEndToEnd)
#include "tst_cloud_e2e.moc"
