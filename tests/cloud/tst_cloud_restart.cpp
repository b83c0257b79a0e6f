// PostgreSQL stopped and started again while a worker runs a job: the worker reconnects with
// backoff, LISTENs again, completes the job in the same attempt, and picks up the next job by
// NOTIFY. Restarts the shared test server, so CTest runs it alone (RUN_SERIAL).
#include "cloudtestenv.h"
#include "testutil.h"

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

const QString kWorker = QStringLiteral(FINPIPE_WORKER_PATH);
const QString kCli = QStringLiteral(FINPIPE_CLI_PATH);
// Where scripts/cloud-servers.sh keeps the server (Debian's PostgreSQL 15, run as postgres).
const QString kPgCtl = QStringLiteral("/usr/lib/postgresql/15/bin/pg_ctl");

QString cloudDir()
{
    return qEnvironmentVariable("FINPIPE_CLOUD_DIR", QStringLiteral(FINPIPE_SOURCE_DIR "/build/cloud-servers"));
}

bool pgCtl(const QStringList &args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedChannels);
    p.start(QStringLiteral("runuser"), QStringList{QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--"), kPgCtl,
                                                   QStringLiteral("-D"), cloudDir() + QStringLiteral("/pg/data")}
                                           + args);
    return p.waitForFinished(60000) && p.exitCode() == 0;
}

QProcessEnvironment envWith(const QString &databaseUrl, bool storage)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("FINPIPE_DATABASE_URL"), databaseUrl);
    if (!storage)
        for (const QString &k : env.keys())
            if (k.startsWith(QStringLiteral("FINPIPE_S3_")))
                env.remove(k);
    return env;
}

QString submitted(const QString &analyst, const QString &file)
{
    QProcess p;
    p.setProcessEnvironment(envWith(analyst, false));
    p.start(kCli, {QStringLiteral("submit"), file, QStringLiteral("--json")});
    p.waitForFinished(120000);
    const QByteArray out = p.readAllStandardOutput();
    if (p.exitCode() != 0)
        qWarning("submit: %s %s", out.constData(), p.readAllStandardError().constData());
    return QJsonDocument::fromJson(out).object().value(u"job_id").toString();
}

QString writeStationFile(const QString &path)
{
    QByteArray csv = "Station_ID,Date_Time,PCode,Result\n";
    const QDate start(1970, 1, 1);
    for (int day = 0; day < 21000; ++day) {
        const QByteArray date = start.addDays(day).toString(Qt::ISODate).toLatin1();
        for (const char *station : {"CT", "TUS"})
            for (int code = 1; code <= 24; ++code)
                csv += QByteArray(station) + ',' + date + ",Data " + QByteArray::number(code) + ','
                    + QByteArray::number((day * 13 + code) % 500 / 10.0, 'f', 1) + '\n';
    }
    return writeFixture(path, csv);
}

} // namespace

class TestCloudRestart : public QObject
{
    Q_OBJECT

    TestDatabase m_db;
    QString m_ana;
    QString m_worker;
    QTemporaryDir m_tmp;
    QProcess m_process;
    QByteArray m_log;

    bool waitFor(const char *event, const QString &job, int ms)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < ms) {
            while (m_process.canReadLine()) {
                const QByteArray line = m_process.readLine();
                m_log += line;
                const QJsonObject o = QJsonDocument::fromJson(line).object();
                if (o.value(u"event").toString() == QLatin1String(event) && (job.isEmpty() || o.value(u"job").toString() == job))
                    return true;
            }
            if (m_process.state() == QProcess::NotRunning)
                return false;
            m_process.waitForReadyRead(100);
        }
        return false;
    }

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
        const QString file = writeStationFile(m_tmp.filePath(QStringLiteral("stations_restart.csv")));
        const QString id = submitted(m_ana, file);
        QVERIFY(!id.isEmpty());
        m_process.setProcessEnvironment(envWith(m_worker, true));
        m_process.setReadChannel(QProcess::StandardError);
        m_process.start(kWorker, {QStringLiteral("--lease"), QStringLiteral("15")});
        QVERIFY2(waitFor("claimed", id, 20000), m_log.constData());

        // Down for two seconds in the middle of the job.
        QVERIFY(pgCtl({QStringLiteral("-m"), QStringLiteral("fast"), QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("30"),
                       QStringLiteral("stop")}));
        QTest::qWait(2000);
        QVERIFY(pgCtl({QStringLiteral("-l"), cloudDir() + QStringLiteral("/log/postgresql.log"), QStringLiteral("-w"),
                       QStringLiteral("-t"), QStringLiteral("30"), QStringLiteral("start")}));
        QVERIFY2(waitFor("database_reconnected", {}, 30000), m_log.constData());
        QVERIFY2(m_log.contains("\"event\":\"database_lost\""), m_log.constData());
        QVERIFY2(m_log.contains(id.toLatin1()) && (waitFor("job_succeeded", id, 60000) || m_log.contains("job_succeeded")),
                 m_log.constData());

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
        QVERIFY2(waitFor("claimed", next, 10000), m_log.constData());
        QVERIFY2(pickup.elapsed() < 5000, qPrintable(QString::number(pickup.elapsed())));
        QVERIFY2(waitFor("job_succeeded", next, 30000), m_log.constData());

        ::kill(pid_t(m_process.processId()), SIGTERM);
        QVERIFY(m_process.waitForFinished(15000));
        QCOMPARE(m_process.exitCode(), 0);
    }

    void cleanupTestCase()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
};

QTEST_GUILESS_MAIN(TestCloudRestart)
#include "tst_cloud_restart.moc"
