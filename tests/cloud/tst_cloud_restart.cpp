// PostgreSQL stopped and started again while a worker runs a job: the worker reconnects with
// backoff, LISTENs again, completes the job in the same attempt, and picks up the next job by
// NOTIFY. Restarts the shared test server, so CTest runs it alone (RUN_SERIAL).
#include "cloudtestenv.h"
#include "testutil.h"
#include "workerprocess.h"

#include <QDate>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace finpipe;
using namespace finpipe::test;

namespace {

// Where scripts/cloud-servers.sh keeps the server (Debian's PostgreSQL 15, run as postgres).
const QString kPgCtl = QStringLiteral("/usr/lib/postgresql/15/bin/pg_ctl");

bool pgCtl(const QStringList &args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedChannels);
    p.start(QStringLiteral("runuser"), QStringList{QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--"), kPgCtl,
                                                   QStringLiteral("-D"), cloudServersDir() + QStringLiteral("/pg/data")}
                                           + args);
    return p.waitForFinished(60000) && p.exitCode() == 0;
}

} // namespace

class TestCloudRestart : public QObject
{
    Q_OBJECT

    TestDatabase m_db;
    QString m_ana;
    QString m_worker;
    QTemporaryDir m_tmp;

private Q_SLOTS:
    void initTestCase()
    {
        const QString why = loadCloudEnvironment();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        m_db = freshDatabase(QStringLiteral("t_cloud_restart"));
        QVERIFY2(m_db.error.isEmpty(), qPrintable(m_db.error));
        m_ana = m_db.login(QStringLiteral("t_rs_ana"), QStringLiteral("finpipe_analyst"));
        m_worker = m_db.login(QStringLiteral("t_rs_worker"), QStringLiteral("finpipe_worker"));
    }

    void workerRidesThroughARestart()
    {
        const QString file = writeBigStationFile(m_tmp.filePath(QStringLiteral("stations_restart.csv")), 0);
        const QString id = submitted(m_ana, file);
        QVERIFY(!id.isEmpty());
        // A lease of 30 s (a heartbeat every 10 s) outlives a stop that takes a loaded machine 12 s.
        WorkerProcess worker(m_worker, {QStringLiteral("--lease"), QStringLiteral("30")});
        QVERIFY2(worker.waitFor("claimed", id, 20000), worker.log().constData());

        // Down for two seconds in the middle of the job.
        QVERIFY(pgCtl({QStringLiteral("-m"), QStringLiteral("fast"), QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("30"),
                       QStringLiteral("stop")}));
        QTest::qWait(2000);
        QVERIFY(pgCtl({QStringLiteral("-l"), cloudServersDir() + QStringLiteral("/log/postgresql.log"), QStringLiteral("-w"),
                       QStringLiteral("-t"), QStringLiteral("30"), QStringLiteral("start")}));
        QVERIFY2(worker.waitFor("database_reconnected", {}, 30000), worker.log().constData());
        QVERIFY2(worker.log().contains("\"event\":\"database_lost\""), worker.log().constData());
        QVERIFY2(worker.log().contains(id.toLatin1())
                     && (worker.waitFor("job_succeeded", id, 60000) || worker.log().contains("job_succeeded")),
                 worker.log().constData());

        cloud::pg::Connection admin;
        QVERIFY(wait(admin.connect(m_db.admin)));
        const QString sql = QStringLiteral("SELECT state::text, attempts FROM finpipe.jobs WHERE id = $1::uuid");
        auto facts = wait(admin.query(sql, QVariantList{id}));
        QVERIFY(facts);
        QCOMPARE(facts->value(0, 0).toString(), QStringLiteral("succeeded"));
        QCOMPARE(facts->value(0, 1).toInt(), 1); // the same attempt: the lease outlived the restart

        // Listening again: the next job is picked up by NOTIFY, not by the 30 s look-again.
        const QString next = submitted(m_ana, seedPath(QStringLiteral("fintech_sales.csv")));
        QVERIFY(!next.isEmpty());
        QElapsedTimer pickup;
        pickup.start();
        QVERIFY2(worker.waitFor("claimed", next, 10000), worker.log().constData());
        QVERIFY2(pickup.elapsed() < 5000, qPrintable(QString::number(pickup.elapsed())));
        QVERIFY2(worker.waitFor("job_succeeded", next, 30000), worker.log().constData());

        worker.signal(SIGTERM);
        QVERIFY(worker.process().waitForFinished(15000));
        QCOMPARE(worker.process().exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCloudRestart)
#include "tst_cloud_restart.moc"
