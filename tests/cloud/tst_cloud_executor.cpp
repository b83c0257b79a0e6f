// The cloud as the JobController's second executor, against the real servers and a real worker:
// a job handed to the cloud follows its states live and its outputs come down into the run's folder,
// identical to a local run's; a job submitted while the database cannot be reached waits (also
// across a restart of the app) and goes when it can; a running cloud job is cancelled; a download
// that does not match its SHA-256 is refused and deleted.
#include "cloudtestenv.h"
#include "workerprocess.h"
#include "jobtesthelpers.h"
#include "testutil.h"

#include "cloud/queue/cloudexecutor.h"
#include "cloud/queue/jobqueue.h"
#include "cloud/s3/client.h"
#include "cloud/s3/settings.h"
#include "jobs/jobcontroller.h"

#include <QDir>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace finpipe;
using namespace finpipe::test;
using jobs::JobController;
using jobs::JobRecord;
using jobs::JobSpec;
using jobs::JobState;

namespace {

//! A TCP proxy in front of the database, so that a test can take "the database" away from the app
//! (and give it back on the same port) without stopping the server other tests use.
class DatabaseProxy : public QObject
{
public:
    explicit DatabaseProxy(quint16 target) : m_target(target)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = m_server.nextPendingConnection()) {
                auto *upstream = new QTcpSocket(client);
                upstream->connectToHost(QHostAddress::LocalHost, m_target);
                connect(client, &QTcpSocket::readyRead, upstream, [client, upstream] { upstream->write(client->readAll()); });
                connect(upstream, &QTcpSocket::readyRead, client, [client, upstream] { client->write(upstream->readAll()); });
                connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
                connect(upstream, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
                m_clients.append(client);
            }
        });
    }
    bool up()
    {
        return m_server.listen(QHostAddress::LocalHost, m_port) && (m_port = m_server.serverPort()) != 0;
    }
    //! Stops listening and cuts every connection, as a database that went away.
    void down()
    {
        m_server.close();
        for (const QPointer<QTcpSocket> &c : std::as_const(m_clients))
            if (c)
                c->abort();
        m_clients.clear();
    }
    quint16 port() const { return m_port; }

private:
    QTcpServer m_server;
    quint16 m_target;
    quint16 m_port = 0;
    QList<QPointer<QTcpSocket>> m_clients;
};

QString viaPort(const QString &url, quint16 port)
{
    QUrl u(url);
    u.setPort(port);
    return u.toString(QUrl::FullyEncoded);
}

JobRecord cloudRecord(const QString &path)
{
    JobRecord j = recordFor(path);
    j.place = QStringLiteral("cloud");
    return j;
}

//! A controller with the local executor and a cloud one, on its own store.
struct App {
    std::unique_ptr<JobController> controller;
    cloud::CloudExecutor *cloud = nullptr;

    App(const QString &dir, const QString &conninfo)
    {
        controller = std::make_unique<JobController>(QDir(dir).filePath(QStringLiteral("jobs.sqlite")),
                                                     QDir(dir).filePath(QStringLiteral("jobs")));
        auto executor = std::make_unique<cloud::CloudExecutor>();
        cloud = executor.get();
        cloud->setConnInfo(conninfo);
        controller->addExecutor(std::move(executor));
        const auto opened = controller->open();
        if (!opened)
            qFatal("open: %s", qPrintable(opened.error().toString()));
    }
    JobRecord job(qint64 id) const { return controller->store().job(id).value().value(); }
    //! Runs the event loop until the job's latest run is in `state` (or the time is up).
    bool waitForState(qint64 id, JobState state, int ms) const
    {
        return QTest::qWaitFor([&] { return job(id).state == state; }, ms);
    }
};

} // namespace

class TestCloudExecutor : public QObject
{
    Q_OBJECT

    TestDatabase m_db;
    QString m_ana;
    QString m_worker;
    QTemporaryDir m_tmp;
    quint16 m_pgPort = 0;

private Q_SLOTS:
    void initTestCase()
    {
        const QString why = loadCloudEnvironment();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        m_db = freshDatabase(QStringLiteral("t_cloud_executor"));
        QVERIFY2(m_db.error.isEmpty(), qPrintable(m_db.error));
        m_ana = m_db.login(QStringLiteral("t_exec_ana"), QStringLiteral("finpipe_analyst"));
        m_worker = m_db.login(QStringLiteral("t_exec_worker"), QStringLiteral("finpipe_worker"));
        m_pgPort = quint16(QUrl(m_ana).port());
        QVERIFY(m_tmp.isValid());
    }

    void cloudJobFollowsLiveAndDownloadsLikeALocalRun()
    {
        WorkerProcess worker(m_worker, {QStringLiteral("--concurrency"), QStringLiteral("1")});
        QVERIFY(worker.waitFor("started", {}, 20000));
        App app(m_tmp.filePath(QStringLiteral("live")), m_ana);
        QSignalSpy connected(app.cloud, &cloud::CloudExecutor::connectionChanged);
        QVERIFY(QTest::qWaitFor([&] { return app.cloud->isConnected(); }, 20000));

        const QString input = seedPath(QStringLiteral("raw_data.xlsx"));
        QList<JobState> seen;
        QElapsedTimer sinceSubmit;
        qint64 firstChangeMs = -1;
        qint64 id = 0;
        connect(app.controller.get(), &JobController::jobChanged, this, [&](qint64 changed) {
            if (changed != id)
                return;
            const JobState s = app.job(id).state;
            if (seen.isEmpty() || seen.last() != s) {
                if (firstChangeMs < 0 && s != JobState::Queued)
                    firstChangeMs = sinceSubmit.elapsed();
                seen.append(s);
            }
        });
        sinceSubmit.start();
        auto submitted = app.controller->submit(cloudRecord(input), specFor(input));
        QVERIFY2(submitted, qPrintable(submitted ? QString() : submitted.error().toString()));
        id = *submitted;
        QVERIFY2(app.waitForState(id, JobState::Succeeded, 90000), qPrintable(app.job(id).errorMessage));
        qInfo("submit -> first live state change (%s) in the list: %lld ms", seen.size() > 1 ? "running" : "?", firstChangeMs);
        QVERIFY2(seen.contains(JobState::Running), "the list never showed the job running");
        const JobRecord job = app.job(id);
        QCOMPARE(job.place, QStringLiteral("cloud"));
        QVERIFY(cloud::isJobId(job.remoteId));
        QVERIFY2(!job.remoteHost.isEmpty(), "the worker's host was never shown");

        // The same input run on this computer: identical data files and dashboard.
        const QString localDir = m_tmp.filePath(QStringLiteral("local-run"));
        const CliRun local = runCli({QStringLiteral("analyze"), input, QStringLiteral("--out"), localDir, QStringLiteral("--quiet")});
        QCOMPARE(local.exitCode, 0);
        int compared = 0;
        for (const jobs::JobOutput &o : job.outputs) {
            const QByteArray bytes = readAll(QDir(job.outputDir).filePath(o.name));
            QCOMPARE(sha256Of(bytes), o.sha256);
            if (o.name.endsWith(QStringLiteral(".csv")) || o.name.endsWith(QStringLiteral(".html"))) {
                QVERIFY2(bytes == readAll(QDir(localDir).filePath(o.name)), qPrintable(o.name));
                ++compared;
            }
        }
        QVERIFY2(compared >= 4, qPrintable(QString::number(compared)));
        QVERIFY(!QDir(job.outputDir).entryList({QStringLiteral("*.part")}, QDir::Files).size());

        // Re-run: a new run, in the cloud again, with a job of its own there.
        QVERIFY(app.controller->rerun(id));
        QVERIFY(QTest::qWaitFor([&] { return app.job(id).runNumber == 2; }, 20000));
        QVERIFY2(app.waitForState(id, JobState::Succeeded, 90000), qPrintable(app.job(id).errorMessage));
        QCOMPARE(app.job(id).place, QStringLiteral("cloud"));
        QVERIFY(cloud::isJobId(app.job(id).remoteId) && app.job(id).remoteId != job.remoteId);
        QVERIFY(QFile::exists(QDir(app.job(id).outputDir).filePath(QStringLiteral("CT_Analysis.csv"))));

        // A link for one output serves its bytes.
        auto link = wait(app.cloud->outputLink(job.remoteId, QStringLiteral("CT_Analysis.csv"), 3600));
        QVERIFY2(link, qPrintable(link ? QString() : link.error().toString()));
        QVERIFY(link->contains(QStringLiteral("X-Amz-Expires=3600")));
    }

    void submissionWaitsForTheDatabaseAcrossARestart()
    {
        DatabaseProxy proxy(m_pgPort);
        QVERIFY(proxy.up());
        const quint16 port = proxy.port();
        proxy.down();
        const QString viaProxy = viaPort(m_ana, port);
        const QString dir = m_tmp.filePath(QStringLiteral("offline"));
        const QString input = seedPath(QStringLiteral("fintech_sales.csv"));
        qint64 id = 0;
        {
            App app(dir, viaProxy);
            auto submitted = app.controller->submit(cloudRecord(input), specFor(input));
            QVERIFY(submitted);
            id = *submitted;
            QVERIFY2(QTest::qWaitFor([&] { return app.job(id).errorMessage.contains(QStringLiteral("cannot reach")); }, 20000),
                     qPrintable(app.job(id).errorMessage));
            QVERIFY(app.job(id).errorMessage.startsWith(QStringLiteral("Waiting for the cloud: ")));
            QCOMPARE(app.job(id).state, JobState::Queued);
            QVERIFY(app.job(id).remoteId.isEmpty());
        } // the app quits while the job waits
        QVERIFY(proxy.up());
        WorkerProcess worker(m_worker, {});
        App again(dir, viaProxy);
        QCOMPARE(again.job(id).state, JobState::Queued); // not "interrupted": it still waits
        QVERIFY2(again.waitForState(id, JobState::Succeeded, 90000), qPrintable(again.job(id).errorMessage));
        QVERIFY(cloud::isJobId(again.job(id).remoteId));
        QVERIFY(QFile::exists(QDir(again.job(id).outputDir).filePath(QStringLiteral("dashboard.html"))));
    }

    void aChangeInTheDatabaseShowsAtOnce()
    {
        // No worker: the job stays queued until someone changes it in the database.
        App app(m_tmp.filePath(QStringLiteral("live-change")), m_ana);
        const QString input = seedPath(QStringLiteral("fintech_sales.csv"));
        auto submitted = app.controller->submit(cloudRecord(input), specFor(input));
        QVERIFY(submitted);
        const qint64 id = *submitted;
        QVERIFY(QTest::qWaitFor([&] { return !app.job(id).remoteId.isEmpty(); }, 30000));
        QTest::qWait(500); // settled: nothing is in flight
        cloud::pg::Connection other; // the analyst elsewhere (another computer, the CLI)
        QVERIFY(wait(other.connect(m_ana)));
        QElapsedTimer t;
        t.start();
        QVERIFY(wait(cloud::cancelJob(other, app.job(id).remoteId)));
        const qint64 committed = t.elapsed();
        // Nothing polls: only the notification can bring the change.
        QVERIFY(app.waitForState(id, JobState::Cancelled, 10000));
        qInfo("a change committed in the database reached the job list %lld ms after the commit", t.elapsed() - committed);
    }

    void aRunningCloudJobIsCancelled()
    {
        const QString input = writeBigStationFile(m_tmp.filePath(QStringLiteral("big.csv")), 7);
        WorkerProcess worker(m_worker, {QStringLiteral("--lease"), QStringLiteral("3")});
        App app(m_tmp.filePath(QStringLiteral("cancel")), m_ana);
        auto submitted = app.controller->submit(cloudRecord(input), specFor(input));
        QVERIFY(submitted);
        QVERIFY2(app.waitForState(*submitted, JobState::Running, 90000), qPrintable(app.job(*submitted).errorMessage));
        QElapsedTimer t;
        t.start();
        QVERIFY(app.controller->cancel(*submitted));
        QVERIFY(app.waitForState(*submitted, JobState::Cancelled, 20000));
        qInfo("a running cloud job stopped %lld ms after Cancel", t.elapsed());
        QVERIFY(worker.waitFor("job_cancelled", app.job(*submitted).remoteId, 20000));
    }

    void jobsSentFromElsewhereAppear()
    {
        const QString dir = m_tmp.filePath(QStringLiteral("elsewhere"));
        QString remote;
        {
            App app(dir, m_ana);
            QVERIFY(QTest::qWaitFor([&] { return app.cloud->isConnected(); }, 20000));
            QTest::qWait(1000); // the analyst's earlier jobs (other tests') join the list first
            // The same analyst submits from the command line (another computer, as far as the app knows).
            remote = submitted(m_ana, seedPath(QStringLiteral("fintech_sales.csv")));
            QVERIFY(cloud::isJobId(remote));
            QVERIFY(QTest::qWaitFor([&] { return app.controller->store().jobWithRemoteId(remote).value() != 0; }, 20000));
            const qint64 id = app.controller->store().jobWithRemoteId(remote).value();
            QCOMPARE(app.job(id).remoteId, remote);
            QCOMPARE(app.job(id).fileName, QStringLiteral("fintech_sales.csv"));
            QCOMPARE(app.job(id).place, QStringLiteral("cloud"));
            WorkerProcess worker(m_worker, {QStringLiteral("--once")});
            QVERIFY2(app.waitForState(id, JobState::Succeeded, 60000), qPrintable(app.job(id).errorMessage));
            QVERIFY(QFile::exists(QDir(app.job(id).outputDir).filePath(QStringLiteral("dashboard.html"))));
        }
        // Another start of the app lists it once, not twice.
        App again(dir, m_ana);
        QVERIFY(QTest::qWaitFor([&] { return again.cloud->isConnected(); }, 20000));
        QTest::qWait(1000);
        int listed = 0;
        const QList<JobRecord> all = again.controller->store().jobs().value();
        for (const JobRecord &j : all)
            listed += j.remoteId == remote ? 1 : 0;
        QCOMPARE(listed, 1);
    }

    void aTamperedDownloadIsRefused()
    {
        DatabaseProxy proxy(m_pgPort);
        QVERIFY(proxy.up());
        const QString input = seedPath(QStringLiteral("synthetic_raw_data.csv"));
        App app(m_tmp.filePath(QStringLiteral("tamper")), viaPort(m_ana, proxy.port()));
        auto submitted = app.controller->submit(cloudRecord(input), specFor(input));
        QVERIFY(submitted);
        const qint64 id = *submitted;
        QVERIFY(QTest::qWaitFor([&] { return !app.job(id).remoteId.isEmpty(); }, 30000));
        const QString remote = app.job(id).remoteId;
        // The app is offline while a worker does the job and someone overwrites an output.
        proxy.down();
        WorkerProcess worker(m_worker, {QStringLiteral("--once")});
        QVERIFY(worker.waitFor("job_succeeded", remote, 60000));
        auto settings = cloud::s3::Settings::fromEnvironment();
        QVERIFY(settings);
        cloud::s3::Client storage(*settings);
        QVERIFY(wait(storage.put(QStringLiteral("outputs/%1/1/dashboard.html").arg(remote), QByteArrayLiteral("<p>tampered</p>"))));
        QVERIFY(proxy.up());
        app.cloud->retryNow();
        QVERIFY2(app.waitForState(id, JobState::Failed, 90000), qPrintable(app.job(id).errorMessage));
        QVERIFY2(app.job(id).errorMessage.contains(QStringLiteral("was damaged")), qPrintable(app.job(id).errorMessage));
        QVERIFY(!QFile::exists(QDir(app.job(id).outputDir).filePath(QStringLiteral("dashboard.html"))));
        QVERIFY(!QFile::exists(QDir(app.job(id).outputDir).filePath(QStringLiteral("dashboard.html.part"))));
    }
};

QTEST_GUILESS_MAIN(TestCloudExecutor)
#include "tst_cloud_executor.moc"
