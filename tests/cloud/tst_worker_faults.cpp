// finpipe-worker when things go wrong, against the real servers: a worker killed with SIGKILL
// mid-job (another completes the job), a worker frozen past its lease (fenced: it can write
// nothing, exactly one set of outputs is recorded), a running job cancelled by its owner.
#include "cloudtestenv.h"
#include "testutil.h"
#include "workerprocess.h"

#include <QDate>
#include <QDir>
#include <QFileInfo>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace finpipe;
using namespace finpipe::test;

class TestWorkerFaults : public QObject
{
    Q_OBJECT

    TestDatabase m_db;
    QString m_ana;
    QString m_worker;
    QTemporaryDir m_tmp;
    cloud::pg::Connection m_admin;

    //! One row of the admin's view: state, attempts, output count, distinct attempts of outputs.
    QVariantList jobFacts(const QString &id)
    {
        const QString sql = QStringLiteral(
            "SELECT j.state::text, j.attempts, (SELECT count(*) FROM finpipe.job_outputs o WHERE o.job_id = j.id), "
            "(SELECT coalesce(string_agg(DISTINCT o.attempt::text, ','), '') FROM finpipe.job_outputs o WHERE o.job_id = j.id), "
            "coalesce(j.error, '') FROM finpipe.jobs j WHERE j.id = $1::uuid");
        auto r = wait(m_admin.query(sql, QVariantList{id}));
        return r && r->rowCount() == 1 ? r->rows.first() : QVariantList();
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString why = loadCloudEnvironment();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        m_db = freshDatabase(QStringLiteral("t_worker_faults"));
        QVERIFY2(m_db.error.isEmpty(), qPrintable(m_db.error));
        m_ana = m_db.login(QStringLiteral("t_wf_ana"), QStringLiteral("finpipe_analyst"));
        m_worker = m_db.login(QStringLiteral("t_wf_worker"), QStringLiteral("finpipe_worker"));
        QVERIFY(wait(m_admin.connect(m_db.admin)));
    }

    void killedWorkersJobIsCompletedByAnother()
    {
        const QString file = writeBigStationFile(m_tmp.filePath(QStringLiteral("stations_kill.csv")), 1);
        const QString id = submitted(m_ana, file);
        QVERIFY(!id.isEmpty());
        {
            WorkerProcess a(m_worker, {QStringLiteral("--lease"), QStringLiteral("3")});
            QVERIFY2(a.waitFor("claimed", id, 20000), a.log().constData());
            a.signal(SIGKILL);
            QVERIFY(a.process().waitForFinished(5000));
        }
        QCOMPARE(jobFacts(id).value(0).toString(), QStringLiteral("running")); // killed mid-job
        QTest::qWait(3500); // the lease runs out
        WorkerProcess b(m_worker, {QStringLiteral("--once")});
        QVERIFY2(b.waitFor("job_succeeded", id, 60000), b.log().constData());
        QVERIFY(b.process().waitForFinished(10000));
        QCOMPARE(b.process().exitCode(), 0);
        const QVariantList facts = jobFacts(id);
        QCOMPARE(facts.value(0).toString(), QStringLiteral("succeeded"));
        QCOMPARE(facts.value(1).toInt(), 2);
        QVERIFY(facts.value(2).toInt() >= 5);
        QCOMPARE(facts.value(3).toString(), QStringLiteral("2")); // one set, the second attempt's

        // The lineage of a million rows (over 64 MiB) went up in parts: it downloads whole, its
        // SHA-256 checked against the one recorded.
        QProcess dl;
        dl.setProcessEnvironment(envWith(m_ana, false));
        dl.start(kCliPath, {QStringLiteral("download"), id, QStringLiteral("--output"), QStringLiteral("audit_lineage.csv"),
                        QStringLiteral("--to"), m_tmp.filePath(QStringLiteral("kill-out"))});
        QVERIFY(dl.waitForFinished(120000));
        QVERIFY2(dl.exitCode() == 0, dl.readAllStandardError().constData());
        QVERIFY(QFileInfo(m_tmp.filePath(QStringLiteral("kill-out/audit_lineage.csv"))).size() >= (64LL << 20));
    }

    void frozenWorkerPastItsLeaseWritesNothing()
    {
        const QString file = writeBigStationFile(m_tmp.filePath(QStringLiteral("stations_freeze.csv")), 2);
        const QString id = submitted(m_ana, file);
        QVERIFY(!id.isEmpty());
        WorkerProcess a(m_worker, {QStringLiteral("--lease"), QStringLiteral("3")});
        QVERIFY2(a.waitFor("claimed", id, 20000), a.log().constData());
        a.signal(SIGSTOP);
        QCOMPARE(jobFacts(id).value(0).toString(), QStringLiteral("running"));
        QTest::qWait(3500);
        WorkerProcess b(m_worker, {QStringLiteral("--once")});
        QVERIFY2(b.waitFor("job_succeeded", id, 60000), b.log().constData());
        QVERIFY(b.process().waitForFinished(10000));
        // The frozen worker wakes up, finds its lease gone and abandons the job.
        a.signal(SIGCONT);
        QVERIFY2(a.waitFor("lease_lost", id, 20000), a.log().constData());
        QVERIFY2(a.waitFor("job_abandoned", id, 60000), a.log().constData());
        const QVariantList facts = jobFacts(id);
        QCOMPARE(facts.value(0).toString(), QStringLiteral("succeeded"));
        QCOMPARE(facts.value(1).toInt(), 2);
        QCOMPARE(facts.value(3).toString(), QStringLiteral("2"));
        a.signal(SIGTERM);
        QVERIFY(a.process().waitForFinished(10000));
        QCOMPARE(a.process().exitCode(), 0);
        QVERIFY(!a.log().contains("\"event\":\"job_succeeded\""));
    }

    void runningJobIsCancelledWithinAHeartbeat()
    {
        const QString file = writeBigStationFile(m_tmp.filePath(QStringLiteral("stations_cancel.csv")), 3);
        const QString id = submitted(m_ana, file);
        QVERIFY(!id.isEmpty());
        WorkerProcess a(m_worker, {QStringLiteral("--lease"), QStringLiteral("3")});
        QVERIFY2(a.waitFor("claimed", id, 20000), a.log().constData());
        a.signal(SIGSTOP); // hold it mid-job while its owner cancels
        QProcess cancel;
        cancel.setProcessEnvironment(envWith(m_ana, false));
        cancel.start(kCliPath, {QStringLiteral("cancel"), id});
        QVERIFY(cancel.waitForFinished(30000));
        QCOMPARE(cancel.exitCode(), 0);
        a.signal(SIGCONT);
        QVERIFY2(a.waitFor("job_cancelled", id, 20000), a.log().constData());
        const QVariantList facts = jobFacts(id);
        QCOMPARE(facts.value(0).toString(), QStringLiteral("cancelled"));
        QCOMPARE(facts.value(2).toInt(), 0); // no outputs recorded
        // The worker goes on to the next job.
        const QString next = submitted(m_ana, seedPath(QStringLiteral("fintech_sales.csv")));
        QVERIFY2(a.waitFor("job_succeeded", next, 30000), a.log().constData());
        a.signal(SIGTERM);
        QVERIFY(a.process().waitForFinished(10000));
        QCOMPARE(a.process().exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestWorkerFaults)
#include "tst_worker_faults.moc"
