// cloud::pg::Connection and the migrator against the real PostgreSQL of the test servers.
#include "cloudtestenv.h"

#include "cloud/pg/connection.h"
#include "cloud/pg/migrator.h"

#include <QCoroSignal>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace finpipe;
using namespace finpipe::cloud;

namespace {

QCoro::Task<Result<pg::QueryResult>> connectAndQuery(pg::Connection &c, QString url, QString sql, QVariantList params)
{
    if (auto r = co_await c.connect(url); !r)
        co_return r.error();
    co_return co_await c.query(sql, params);
}

//! Several statements awaited at once on one connection: each gets its own answer.
QCoro::Task<QStringList> interleaved(pg::Connection &c, int n)
{
    std::vector<QCoro::Task<Result<pg::QueryResult>>> tasks;
    for (int i = 0; i < n; ++i)
        tasks.push_back(c.query(QStringLiteral("SELECT pg_sleep(0.005), $1::text"), QVariantList{QStringLiteral("v%1").arg(i)}));
    QStringList answers;
    for (auto &t : tasks) {
        Result<pg::QueryResult> r = co_await t;
        answers << (r ? r->value(0, 1).toString() : r.error().toString());
    }
    co_return answers;
}

} // namespace

class TestPgConnection : public QObject
{
    Q_OBJECT

    test::TestDatabase m_db;

private Q_SLOTS:
    void initTestCase()
    {
        const QString why = test::loadCloudEnvironment();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        m_db = test::freshDatabase(QStringLiteral("t_pgconnection"));
        QVERIFY2(m_db.error.isEmpty(), qPrintable(m_db.error));
    }

    void parametersAndTypes()
    {
        pg::Connection c;
        const QString hostile = QStringLiteral("x'); DROP SCHEMA finpipe CASCADE; --");
        auto r = test::wait(connectAndQuery(
            c, m_db.admin,
            QStringLiteral("SELECT $1::int + 1 AS n, $2::text AS t, $3::text IS NULL AS isnull, 2.5::float8 AS f, "
                           "'é'::text AS u, $4::bool AS b"),
            QVariantList{41, hostile, QVariant(), true}));
        QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
        QCOMPARE(r->rowCount(), 1);
        QCOMPARE(r->value(0, QStringLiteral("n")), QVariant(qlonglong(42)));
        QCOMPARE(r->value(0, QStringLiteral("t")).toString(), hostile); // a value, never SQL
        QCOMPARE(r->value(0, QStringLiteral("isnull")), QVariant(true));
        QCOMPARE(r->value(0, QStringLiteral("f")), QVariant(2.5));
        QCOMPARE(r->value(0, QStringLiteral("u")).toString(), QStringLiteral("é"));
        QCOMPARE(r->value(0, QStringLiteral("b")), QVariant(true));
        auto schema = test::wait(c.query(QStringLiteral("SELECT count(*) FROM pg_namespace WHERE nspname = 'finpipe'")));
        QVERIFY(schema);
        QCOMPARE(schema->scalar(), QVariant(qlonglong(1)));
    }

    void statementErrorsCarrySqlState()
    {
        pg::Connection c;
        auto r = test::wait(connectAndQuery(c, m_db.admin, QStringLiteral("SELECT 1 / $1::int"), QVariantList{0}));
        QVERIFY(!r);
        QCOMPARE(pg::sqlState(r.error()), QStringLiteral("22012"));
        QVERIFY(r.error().message.contains(QStringLiteral("division by zero")));
        QVERIFY(!pg::isCloudUnavailable(r.error()));
        // The connection is usable after an error.
        auto ok = test::wait(c.query(QStringLiteral("SELECT 7")));
        QVERIFY(ok);
        QCOMPARE(ok->scalar(), QVariant(qlonglong(7)));
    }

    void statementsInFlightTakeTurns()
    {
        pg::Connection c;
        QVERIFY(test::wait(c.connect(m_db.admin)));
        QStringList expected;
        for (int i = 0; i < 20; ++i)
            expected << QStringLiteral("v%1").arg(i);
        QCOMPARE(test::wait(interleaved(c, 20)), expected);
    }

    void pipelinedStatementsEachRunInTheirOwnTransaction()
    {
        pg::Connection c;
        QVERIFY(test::wait(c.connect(m_db.admin)));
        const QString insert = QStringLiteral("INSERT INTO pipe_t VALUES ($1::int) RETURNING txid_current()");
        std::vector<pg::Connection::Statement> statements{
            {QStringLiteral("CREATE TEMP TABLE pipe_t (v int)"), {}},
            {insert, {1}},
            {QStringLiteral("SELECT 1 / $1::int"), {0}},
            {insert, {2}},
            {QStringLiteral("SELECT string_agg(v::text, ',' ORDER BY v) FROM pipe_t"), {}},
        };
        // A plain statement awaited at the same time takes its turn before or after the pipeline.
        auto alongside = c.query(QStringLiteral("SELECT $1::text"), QVariantList{QStringLiteral("alone")});
        const std::vector<Result<pg::QueryResult>> answers = test::wait(c.queries(std::move(statements)));
        QCOMPARE(answers.size(), size_t(5));
        QVERIFY(answers[0]);
        QVERIFY(answers[1]);
        QVERIFY(!answers[2]);
        QCOMPARE(pg::sqlState(answers[2].error()), QStringLiteral("22012"));
        QVERIFY2(answers[3], "a failing statement does not stop the next");
        QVERIFY(answers[1]->scalar() != answers[3]->scalar()); // two transactions
        QVERIFY(answers[4]);
        QCOMPARE(answers[4]->scalar().toString(), QStringLiteral("1,2"));
        auto alone = test::wait(std::move(alongside));
        QVERIFY(alone);
        QCOMPARE(alone->scalar().toString(), QStringLiteral("alone"));
        auto after = test::wait(c.query(QStringLiteral("SELECT 7")));
        QVERIFY(after);
        QCOMPARE(after->scalar(), QVariant(qlonglong(7)));
    }

    void wrongPasswordIsNamedWithoutThePassword()
    {
        const QString url = m_db.login(QStringLiteral("t_pg_ana"), QStringLiteral("finpipe_analyst"));
        const QString wrong = QStringLiteral("Wr0ngSecretValue42");
        pg::Connection c;
        auto r = test::wait(c.connect(test::withLogin(url, {}, wrong, {})));
        QVERIFY(!r);
        QCOMPARE(r.error().message, QStringLiteral("the database refused the password for user t_pg_ana"));
        QVERIFY(!r.error().toString().contains(wrong));
        QVERIFY(pg::isCloudUnavailable(r.error()));
        // The right password works.
        pg::Connection ok;
        QVERIFY(test::wait(ok.connect(url)));
    }

    void tlsWithVerifyFull()
    {
        // The test server's certificate names localhost and 127.0.0.1 and is signed by a CA made at
        // each start (scripts/cloud-servers.sh): verify-full checks the chain and the name.
        const QString ca = qEnvironmentVariable("FINPIPE_TEST_PG_CA");
        QVERIFY2(QFileInfo(ca).isReadable(), "cloud-servers.sh env gave no FINPIPE_TEST_PG_CA");
        const QString login = m_db.login(QStringLiteral("t_pg_tls"), QStringLiteral("finpipe_analyst"));
        auto withTls = [&login](const QString &host, const QString &root) {
            QUrl u(login);
            u.setHost(host);
            QUrlQuery q;
            q.addQueryItem(QStringLiteral("sslmode"), QStringLiteral("verify-full"));
            q.addQueryItem(QStringLiteral("sslrootcert"), root);
            u.setQuery(q);
            return u.toString(QUrl::FullyEncoded);
        };
        for (const QString &host : {QStringLiteral("localhost"), QStringLiteral("127.0.0.1")}) {
            pg::Connection c;
            auto r = test::wait(connectAndQuery(c, withTls(host, ca),
                                                QStringLiteral("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()"), {}));
            QVERIFY2(r, qPrintable(host + u' ' + (r ? QString() : r.error().toString())));
            QCOMPARE(r->value(0, 0).toBool(), true);
            QVERIFY2(r->value(0, 1).toString().startsWith(QLatin1String("TLSv1.")), qPrintable(r->value(0, 1).toString()));
        }

        // A CA that did not sign the server's certificate: refused, and said so without the password.
        QTemporaryDir dir;
        const QString otherCa = dir.filePath(QStringLiteral("other-ca.crt"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                       QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                       QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=someone else"),
                       QStringLiteral("-keyout"), dir.filePath(QStringLiteral("k")), QStringLiteral("-out"), otherCa});
        QVERIFY(openssl.waitForFinished(30000) && openssl.exitCode() == 0);
        pg::Connection refused;
        auto r = test::wait(refused.connect(withTls(QStringLiteral("localhost"), otherCa)));
        QVERIFY(!r);
        QVERIFY2(r.error().message.startsWith(QLatin1String("the secure connection to the database at localhost:")),
                 qPrintable(r.error().message));
        QVERIFY2(r.error().message.contains(QLatin1String("certificate")), qPrintable(r.error().message));
        QVERIFY(pg::isCloudUnavailable(r.error()));
        QVERIFY(!r.error().toString().contains(QUrl(login).password()));
    }

    void unreachableServerIsNamed()
    {
        pg::Connection c;
        c.setConnectTimeout(std::chrono::milliseconds(3000));
        auto r = test::wait(c.connect(QStringLiteral("postgresql://someone:pw@127.0.0.1:1/db?sslmode=disable")));
        QVERIFY(!r);
        QCOMPARE(r.error().message, QStringLiteral("cannot reach the database at 127.0.0.1:1"));
        QVERIFY(pg::isCloudUnavailable(r.error()));
        QVERIFY(!r.error().toString().contains(QStringLiteral(":pw@")));
    }

    void malformedConnectionStringIsNotEchoed()
    {
        pg::Connection c;
        auto r = test::wait(c.connect(QStringLiteral("host=x password='s3cr3tpw")));
        QVERIFY(!r);
        QVERIFY(!r.error().toString().contains(QStringLiteral("s3cr3tpw")));
    }

    void notificationsArriveAsSignals()
    {
        pg::Connection listener, sender;
        QVERIFY(test::wait(listener.connect(m_db.admin)));
        QVERIFY(test::wait(sender.connect(m_db.admin)));
        QVERIFY(test::wait(listener.listen(QStringLiteral("finpipe_jobs"))));
        QSignalSpy spy(&listener, &pg::Connection::notification);
        QElapsedTimer t;
        t.start();
        QVERIFY(test::wait(sender.query(QStringLiteral("SELECT pg_notify($1, $2)"),
                                            QVariantList{QStringLiteral("finpipe_jobs"), QStringLiteral("{\"id\":1}")})));
        QVERIFY(spy.count() == 1 || spy.wait(2000));
        qInfo("NOTIFY delivered %lld ms after the sender's statement began", qlonglong(t.elapsed()));
        QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("finpipe_jobs"));
        QCOMPARE(spy.at(0).at(1).toString(), QStringLiteral("{\"id\":1}"));
    }

    void reconnectsAndListensAgain()
    {
        pg::Connection listener, killer;
        QVERIFY(test::wait(listener.connect(m_db.admin)));
        QVERIFY(test::wait(killer.connect(m_db.admin)));
        QVERIFY(test::wait(listener.listen(QStringLiteral("finpipe_jobs"))));
        auto pid = test::wait(listener.query(QStringLiteral("SELECT pg_backend_pid()")));
        QVERIFY(pid);
        QSignalSpy dropped(&listener, &pg::Connection::disconnected);
        QSignalSpy back(&listener, &pg::Connection::reconnected);
        QVERIFY(test::wait(killer.query(QStringLiteral("SELECT pg_terminate_backend($1)"), QVariantList{pid->scalar()})));
        QVERIFY(dropped.count() == 1 || dropped.wait(5000));
        QVERIFY(dropped.at(0).at(0).toString().startsWith(QStringLiteral("the connection to the database at 127.0.0.1:")));
        QVERIFY(back.count() == 1 || back.wait(10000));
        QVERIFY(listener.isConnected());
        auto newPid = test::wait(listener.query(QStringLiteral("SELECT pg_backend_pid()")));
        QVERIFY(newPid);
        QVERIFY(newPid->scalar() != pid->scalar());
        // Still listening on the new session.
        QSignalSpy spy(&listener, &pg::Connection::notification);
        QVERIFY(test::wait(killer.query(QStringLiteral("SELECT pg_notify($1, $2)"),
                                            QVariantList{QStringLiteral("finpipe_jobs"), QStringLiteral("again")})));
        QVERIFY(spy.count() == 1 || spy.wait(3000));
        QCOMPARE(spy.at(0).at(1).toString(), QStringLiteral("again"));
    }

    void statementCutOffByADropFailsClearly()
    {
        pg::Connection victim, killer;
        QVERIFY(test::wait(victim.connect(m_db.admin)));
        QVERIFY(test::wait(killer.connect(m_db.admin)));
        auto pid = test::wait(victim.query(QStringLiteral("SELECT pg_backend_pid()")));
        QVERIFY(pid);
        auto slow = victim.query(QStringLiteral("SELECT pg_sleep(5)"));
        QVERIFY(test::wait(killer.query(QStringLiteral("SELECT pg_sleep(0.2), pg_terminate_backend($1)"), QVariantList{pid->scalar()})));
        auto r = test::wait(std::move(slow));
        QVERIFY(!r);
        QVERIFY(pg::isCloudUnavailable(r.error()));

        // A pipeline cut off: every statement's answer says so.
        pg::Connection victim2;
        QVERIFY(test::wait(victim2.connect(m_db.admin)));
        auto pid2 = test::wait(victim2.query(QStringLiteral("SELECT pg_backend_pid()")));
        QVERIFY(pid2);
        std::vector<pg::Connection::Statement> statements{{QStringLiteral("SELECT pg_sleep(5)"), {}},
                                                         {QStringLiteral("SELECT 1"), {}}};
        auto pipeline = victim2.queries(std::move(statements));
        QVERIFY(test::wait(killer.query(QStringLiteral("SELECT pg_sleep(0.2), pg_terminate_backend($1)"), QVariantList{pid2->scalar()})));
        const auto answers = test::wait(std::move(pipeline));
        QCOMPARE(answers.size(), size_t(2));
        for (const auto &a : answers) {
            QVERIFY(!a);
            QVERIFY(pg::isCloudUnavailable(a.error()));
        }
    }

    void migrationsTwiceApplyOnce()
    {
        pg::Connection c;
        QVERIFY(test::wait(c.connect(m_db.admin)));
        auto migrations = pg::loadMigrations(QStringLiteral(FINPIPE_SOURCE_DIR "/migrations"));
        QVERIFY(migrations);
        QStringList said;
        auto again = test::wait(pg::migrate(c, *migrations, [&said](const QString &s) { said << s; }));
        QVERIFY2(again, qPrintable(again ? QString() : again.error().toString()));
        QCOMPARE(*again, 0); // freshDatabase applied them already
        QVERIFY(!said.isEmpty());
        for (const QString &s : std::as_const(said))
            QVERIFY2(s.startsWith(QStringLiteral("up to date ")), qPrintable(s));
        auto recorded = test::wait(c.query(QStringLiteral("SELECT count(*) FROM finpipe.schema_migrations")));
        QVERIFY(recorded);
        QCOMPARE(recorded->scalar().toLongLong(), qlonglong(migrations->files.size()));
        // The copy built into the program is the same as the repository's.
        auto builtIn = pg::loadMigrations(QStringLiteral(":/migrations"));
        QVERIFY(builtIn);
        QCOMPARE(builtIn->files.size(), migrations->files.size());
        QCOMPARE(builtIn->files.last().sha256, migrations->files.last().sha256);
    }
};

QTEST_GUILESS_MAIN(TestPgConnection)
#include "tst_pgconnection.moc"
