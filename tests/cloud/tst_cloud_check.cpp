// cloud::checkConnection (the app's "Test connection" and `finpipe-cli cloud check`) against the
// real servers: each step fails for its own reason, in the analyst's words, with what to do, and
// the later steps are not run.
#include "cloudtestenv.h"

#include "cloud/queue/connectioncheck.h"

#include <QNetworkAccessManager>
#include <QTest>

using namespace finpipe;
using namespace finpipe::cloud;
using namespace finpipe::test;

namespace {

using Status = CheckStep::Status;

//! "PPFNN": one letter per step (Passed, Failed, Not run).
QString shape(const ConnectionReport &r)
{
    QString s;
    for (const CheckStep &step : r.steps)
        s += step.status == Status::Passed ? u'P' : step.status == Status::Failed ? u'F' : u'N';
    return s;
}

QString describe(const ConnectionReport &r)
{
    QString s;
    for (const CheckStep &step : r.steps)
        s += step.title + QStringLiteral(": ") + step.detail + QStringLiteral(" / ") + step.advice + u'\n';
    return s;
}

QString withHostAndQuery(const QString &url, const QString &host, const QString &query)
{
    QUrl u(url);
    if (!host.isEmpty())
        u.setHost(host);
    u.setQuery(query);
    return u.toString(QUrl::FullyEncoded);
}

} // namespace

class TestCloudCheck : public QObject
{
    Q_OBJECT

    TestDatabase m_db;
    QNetworkAccessManager m_nam;

    ConnectionReport check(const QString &url) { return wait(checkConnection(url, m_nam)); }

private Q_SLOTS:
    void initTestCase()
    {
        const QString why = loadCloudEnvironment();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        m_db = freshDatabase(QStringLiteral("t_cloud_check"));
        QVERIFY2(m_db.error.isEmpty(), qPrintable(m_db.error));
    }

    void everyStepPassesForAnAnalyst()
    {
        const ConnectionReport r = check(m_db.login(QStringLiteral("t_chk_ana"), QStringLiteral("finpipe_analyst")));
        QVERIFY2(r.ok(), qPrintable(describe(r)));
        QCOMPARE(shape(r), QStringLiteral("PPPPP"));
        QVERIFY(r.steps.at(4).detail.contains(QLatin1String("accepted the database's signature")));
        // The link was recorded like every other.
        cloud::pg::Connection admin;
        QVERIFY(wait(admin.connect(m_db.admin)));
        auto n = wait(admin.query(QStringLiteral("SELECT count(*) FROM finpipe.job_events WHERE actor = 't_chk_ana' AND kind = 'url'")));
        QVERIFY(n);
        QCOMPARE(n->value(0, 0).toInt(), 1);
    }

    void theServerDoesNotAnswer()
    {
        const QString url = m_db.login(QStringLiteral("t_chk_ana"), QStringLiteral("finpipe_analyst"));
        QUrl u(url);
        u.setPort(1);
        const ConnectionReport r = check(u.toString(QUrl::FullyEncoded));
        QCOMPARE(shape(r), QStringLiteral("FNNNN"));
        QCOMPARE(r.steps.at(0).detail, QStringLiteral("cannot reach the database at 127.0.0.1:1"));
        QVERIFY(r.steps.at(0).advice.contains(QLatin1String("VPN")));
    }

    void theServersCertificateIsNotTrusted()
    {
        // verify-full with the system's CAs, which did not sign the test server's certificate.
        const QString url = withHostAndQuery(m_db.login(QStringLiteral("t_chk_ana"), QStringLiteral("finpipe_analyst")),
                                             QStringLiteral("localhost"), QStringLiteral("sslmode=verify-full&sslrootcert=system"));
        const ConnectionReport r = check(url);
        QCOMPARE(shape(r), QStringLiteral("FNNNN"));
        QVERIFY2(r.steps.at(0).detail.contains(QLatin1String("secure connection")), qPrintable(describe(r)));
        QVERIFY(r.steps.at(0).advice.contains(QLatin1String("certificate")));
        // With the server's CA it goes through.
        const QString trusted = withHostAndQuery(url, {}, QStringLiteral("sslmode=verify-full&sslrootcert=")
                                                              + QString::fromUtf8(QUrl::toPercentEncoding(qEnvironmentVariable("FINPIPE_TEST_PG_CA"))));
        QVERIFY2(check(trusted).ok(), qPrintable(describe(check(trusted))));
    }

    void theLoginIsRefused()
    {
        const QString url = m_db.login(QStringLiteral("t_chk_ana"), QStringLiteral("finpipe_analyst"));
        const QString wrong = QStringLiteral("NotThePassword77");
        const ConnectionReport r = check(withLogin(url, {}, wrong, {}));
        QCOMPARE(shape(r), QStringLiteral("PFNNN"));
        QCOMPARE(r.steps.at(1).detail, QStringLiteral("the database refused the password for user t_chk_ana"));
        QVERIFY(r.steps.at(1).advice.contains(QLatin1String("password")));
        QVERIFY(!describe(r).contains(wrong));
    }

    void theDatabaseHasNoFinpipeTables()
    {
        cloud::pg::Connection admin;
        QVERIFY(wait(admin.connect(qEnvironmentVariable("FINPIPE_DATABASE_URL"))));
        QVERIFY(wait(admin.execute(QStringLiteral("DROP DATABASE IF EXISTS t_cloud_check_empty WITH (FORCE)"))));
        QVERIFY(wait(admin.execute(QStringLiteral("CREATE DATABASE t_cloud_check_empty"))));
        const QString empty = withLogin(qEnvironmentVariable("FINPIPE_DATABASE_URL"), {}, {}, QStringLiteral("t_cloud_check_empty"));
        const ConnectionReport r = check(empty);
        QCOMPARE(shape(r), QStringLiteral("PPFNN"));
        QCOMPARE(r.steps.at(2).detail, QStringLiteral("the database has no finpipe tables yet"));
        QCOMPARE(r.steps.at(2).advice, QStringLiteral("ask your administrator to run `finpipe-cli cloud init`"));
    }

    void theLoginIsNoAnalyst()
    {
        // A worker's login sees the tables but may not submit.
        const ConnectionReport w = check(m_db.login(QStringLiteral("t_chk_worker"), QStringLiteral("finpipe_worker")));
        QCOMPARE(shape(w), QStringLiteral("PPPFN"));
        QCOMPARE(w.steps.at(3).detail, QStringLiteral("your login t_chk_worker is not a finpipe analyst"));
        QVERIFY(w.steps.at(3).advice.contains(QLatin1String("grant finpipe_analyst to t_chk_worker")));
        // A login in no finpipe role may not even look into the schema.
        cloud::pg::Connection admin;
        QVERIFY(wait(admin.connect(m_db.admin)));
        QVERIFY(wait(admin.execute(QStringLiteral("DROP ROLE IF EXISTS t_chk_nobody"))));
        QVERIFY(wait(admin.execute(QStringLiteral("CREATE ROLE t_chk_nobody LOGIN PASSWORD 'nobody-pw-1'"))));
        const ConnectionReport n = check(withLogin(m_db.admin, QStringLiteral("t_chk_nobody"), QStringLiteral("nobody-pw-1"), {}));
        QCOMPARE(shape(n), QStringLiteral("PPPFN"));
        QVERIFY(n.steps.at(3).advice.contains(QLatin1String("grant finpipe_analyst")));
    }

    void theStorageRefusesTheSignatureOrIsNotSetUp()
    {
        TestDatabase other = freshDatabase(QStringLiteral("t_cloud_check_storage"));
        QVERIFY2(other.error.isEmpty(), qPrintable(other.error));
        const QString ana = other.login(QStringLiteral("t_chk_ana2"), QStringLiteral("finpipe_analyst"));
        cloud::pg::Connection admin;
        QVERIFY(wait(admin.connect(other.admin)));
        // Keys rotated on the storage but not in the database.
        const QString rotate = QStringLiteral("SELECT finpipe.set_storage_settings(endpoint, region, bucket, access_key, 'not-the-secret', path_style) "
                                              "FROM finpipe.storage_settings");
        QVERIFY(wait(admin.query(rotate)));
        ConnectionReport r = check(ana);
        QCOMPARE(shape(r), QStringLiteral("PPPPF"));
        QVERIFY2(r.steps.at(4).detail.contains(QLatin1String("refused the database's signature")), qPrintable(describe(r)));
        QVERIFY(r.steps.at(4).advice.contains(QLatin1String("storage keys")));
        // No storage settings at all.
        QVERIFY(wait(admin.query(QStringLiteral("DELETE FROM finpipe.storage_settings"))));
        r = check(ana);
        QCOMPARE(shape(r), QStringLiteral("PPPPF"));
        QCOMPARE(r.steps.at(4).detail, QStringLiteral("the storage is not set up yet"));
        // An older schema than this program's.
        QVERIFY(wait(admin.query(QStringLiteral("DELETE FROM finpipe.schema_migrations WHERE version = (SELECT max(version) FROM finpipe.schema_migrations)"))));
        r = check(ana);
        QCOMPARE(shape(r), QStringLiteral("PPFNN"));
        QVERIFY2(r.steps.at(2).detail.startsWith(QLatin1String("the finpipe tables are older than this program")), qPrintable(describe(r)));
        QVERIFY(r.steps.at(2).advice.contains(QLatin1String("finpipe-cli migrate")));
    }
};

QTEST_GUILESS_MAIN(TestCloudCheck)
#include "tst_cloud_check.moc"
