// The S3 endpoint stopped while `finpipe-cli submit` uploads its input: the upload is tried again,
// then the submission fails with a clear message and the exit code for an unreachable cloud;
// nothing is recorded as stored, no job is queued, the reservation is given back, and once the
// storage is back the same file is submitted at once. Stops the shared S3 endpoint, so CTest runs
// it alone (RUN_SERIAL).
#include "cloudtestenv.h"
#include "testutil.h"
#include "workerprocess.h"

#include "ingest/sha256.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace finpipe;
using namespace finpipe::test;

namespace {

bool servers(const QString &command)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedChannels);
    p.start(QStringLiteral("bash"), {QStringLiteral(FINPIPE_SOURCE_DIR "/scripts/cloud-servers.sh"), command, cloudServersDir()});
    return p.waitForFinished(60000) && p.exitCode() == 0;
}

} // namespace

class TestCloudStorageOutage : public QObject
{
    Q_OBJECT

    TestDatabase m_db;
    QString m_ana;
    QTemporaryDir m_tmp;

private Q_SLOTS:
    void initTestCase()
    {
        const QString why = loadCloudEnvironment();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        m_db = freshDatabase(QStringLiteral("t_cloud_outage"));
        QVERIFY2(m_db.error.isEmpty(), qPrintable(m_db.error));
        m_ana = m_db.login(QStringLiteral("t_out_ana"), QStringLiteral("finpipe_analyst"));
    }

    void cleanupTestCase()
    {
        QVERIFY(servers(QStringLiteral("start-s3"))); // whatever happened above
    }

    void submissionWhileTheStorageGoesDown()
    {
        const QString file = writeBigStationFile(m_tmp.filePath(QStringLiteral("stations_outage.csv")), 7);
        const Result<QString> sha = ingest::sha256File(file);
        QVERIFY(sha);
        cloud::pg::Connection admin;
        QVERIFY(wait(admin.connect(m_db.admin)));
        const QString uploadSql = QStringLiteral("SELECT reservation IS NOT NULL, stored, verified FROM finpipe.uploads WHERE sha256 = $1");
        const QVariantList bySha{*sha};

        QProcess submit;
        submit.setProcessEnvironment(envWith(m_ana, false));
        submit.start(kCliPath, {QStringLiteral("submit"), file, QStringLiteral("--json")});
        QVERIFY(submit.waitForStarted());
        // Once the database has reserved the upload for it, the submission is held (SIGSTOP) while
        // the storage goes away, so that it is mid-upload, not finished, when the storage stops.
        bool reserved = false;
        for (QDeadlineTimer deadline(60000); !reserved && !deadline.hasExpired() && submit.state() == QProcess::Running;) {
            auto r = wait(admin.query(uploadSql, bySha));
            QVERIFY(r);
            reserved = r->rowCount() == 1 && r->value(0, 0).toBool();
            if (!reserved)
                QTest::qWait(5);
        }
        QVERIFY2(reserved, submit.readAllStandardError().constData());
        ::kill(pid_t(submit.processId()), SIGSTOP);
        const bool stopped = servers(QStringLiteral("stop-s3"));
        ::kill(pid_t(submit.processId()), SIGCONT);
        QVERIFY(stopped);

        QVERIFY(submit.waitForFinished(120000));
        const QString err = QString::fromUtf8(submit.readAllStandardError());
        QCOMPARE(submit.exitCode(), 8); // the cloud is unreachable or refused us
        QVERIFY2(err.contains(QLatin1String("the upload failed, nothing was submitted")), qPrintable(err));
        QVERIFY2(!err.contains(QUrl(m_ana).password()), qPrintable(err));
        QVERIFY(submit.readAllStandardOutput().trimmed().isEmpty());

        // Nothing recorded as stored, no job, and the reservation was given back.
        auto upload = wait(admin.query(uploadSql, bySha));
        QVERIFY(upload);
        QCOMPARE(upload->rowCount(), 1);
        QCOMPARE(upload->value(0, 0).toBool(), false);
        QCOMPARE(upload->value(0, 1).toBool(), false);
        QCOMPARE(upload->value(0, 2).toBool(), false);
        const QString jobsSql = QStringLiteral("SELECT count(*) FROM finpipe.jobs");
        auto jobs = wait(admin.query(jobsSql, {}));
        QVERIFY(jobs);
        QCOMPARE(jobs->value(0, 0).toInt(), 0);

        // The storage back: the same file goes through at once (it does not wait for the old reservation).
        QVERIFY(servers(QStringLiteral("start-s3")));
        QElapsedTimer again;
        again.start();
        const QString id = submitted(m_ana, file);
        QVERIFY(!id.isEmpty());
        QVERIFY2(again.elapsed() < 60000, qPrintable(QString::number(again.elapsed())));
        upload = wait(admin.query(uploadSql, bySha));
        QVERIFY(upload);
        QCOMPARE(upload->value(0, 1).toBool(), true);
        const QString stateSql = QStringLiteral("SELECT state::text, input_sha256 FROM finpipe.jobs WHERE id = $1::uuid");
        auto job = wait(admin.query(stateSql, QVariantList{id}));
        QVERIFY(job);
        QCOMPARE(job->value(0, 0).toString(), QStringLiteral("queued"));
        QCOMPARE(job->value(0, 1).toString(), *sha);
    }
};

QTEST_GUILESS_MAIN(TestCloudStorageOutage)
#include "tst_cloud_storage_outage.moc"
