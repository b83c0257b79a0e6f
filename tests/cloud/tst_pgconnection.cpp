// cloud::pg::Connection and the migrator against the real PostgreSQL of the test servers.
#include "cloudtestenv.h"

#include "cloud/pg/connection.h"
#include "cloud/pg/migrator.h"
#include "cloud/queue/announcer.h"

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

QCoro::Task<bool> drained(Announcer &announcer)
{
    co_await announcer.drained();
    co_return true;
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

    void preparedStatementsArePreparedOncePerSession()
    {
        pg::Connection c;
        QVERIFY(test::wait(c.connect(m_db.admin)));
        const QString sql = QStringLiteral("SELECT $1::int * 2 AS twice, $2::text AS t");
        const QString hostile = QStringLiteral("'); DEALLOCATE ALL; --");
        for (int i = 1; i <= 3; ++i) {
            auto r = test::wait(c.prepared(sql, QVariantList{i, hostile}));
            QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
            QCOMPARE(r->value(0, QStringLiteral("twice")), QVariant(qlonglong(2 * i)));
            QCOMPARE(r->value(0, QStringLiteral("t")).toString(), hostile);
        }
        const QString count = QStringLiteral("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1");
        auto made = test::wait(c.query(count, QVariantList{sql}));
        QVERIFY(made);
        QCOMPARE(made->scalar(), QVariant(qlonglong(1)));

        // Errors as query() gives them; a statement that cannot be prepared is not remembered.
        auto zero = test::wait(c.prepared(QStringLiteral("SELECT 1 / $1::int"), QVariantList{0}));
        QVERIFY(!zero);
        QCOMPARE(pg::sqlState(zero.error()), QStringLiteral("22012"));
        auto typo = test::wait(c.prepared(QStringLiteral("SELEC 1")));
        QVERIFY(!typo);
        QCOMPARE(pg::sqlState(typo.error()), QStringLiteral("42601"));

        // The shape of what a statement reads changed since it was prepared (a migration): it is
        // prepared again and answers with the new shape.
        QVERIFY(test::wait(c.execute(QStringLiteral("CREATE TEMP TABLE prep_t (a int); INSERT INTO prep_t VALUES (1)"))));
        const QString star = QStringLiteral("SELECT * FROM prep_t WHERE a = $1::int");
        auto before = test::wait(c.prepared(star, QVariantList{1}));
        QVERIFY(before);
        QCOMPARE(before->columns.size(), 1);
        QVERIFY(test::wait(c.execute(QStringLiteral("ALTER TABLE prep_t ADD COLUMN b text DEFAULT 'new'"))));
        auto after = test::wait(c.prepared(star, QVariantList{1}));
        QVERIFY2(after, qPrintable(after ? QString() : after.error().toString()));
        QCOMPARE(after->columns.size(), 2);
        QCOMPARE(after->value(0, QStringLiteral("b")).toString(), QStringLiteral("new"));

        // The session loses them (as behind a pooler that hands out other sessions): the statement
        // still answers, and the connection stops preparing.
        QVERIFY(test::wait(c.execute(QStringLiteral("DEALLOCATE ALL"))));
        auto lost = test::wait(c.prepared(sql, QVariantList{5, hostile}));
        QVERIFY2(lost, qPrintable(lost ? QString() : lost.error().toString()));
        QCOMPARE(lost->value(0, QStringLiteral("twice")), QVariant(qlonglong(10)));
        auto plain = test::wait(c.prepared(sql, QVariantList{6, hostile}));
        QVERIFY(plain);
        QCOMPARE(plain->value(0, QStringLiteral("twice")), QVariant(qlonglong(12)));
        auto none = test::wait(c.query(QStringLiteral("SELECT count(*) FROM pg_prepared_statements")));
        QVERIFY(none);
        QCOMPARE(none->scalar(), QVariant(qlonglong(0)));
    }

    void preparedStatementsSurviveAReconnect()
    {
        pg::Connection c, killer;
        QVERIFY(test::wait(c.connect(m_db.admin)));
        QVERIFY(test::wait(killer.connect(m_db.admin)));
        const QString sql = QStringLiteral("SELECT pg_backend_pid() AS pid, $1::text AS t");
        auto first = test::wait(c.prepared(sql, QVariantList{QStringLiteral("a")}));
        QVERIFY(first);
        QSignalSpy back(&c, &pg::Connection::reconnected);
        QVERIFY(test::wait(killer.query(QStringLiteral("SELECT pg_terminate_backend($1)"),
                                        QVariantList{first->value(0, QStringLiteral("pid"))})));
        QVERIFY(back.count() == 1 || back.wait(10000));
        auto second = test::wait(c.prepared(sql, QVariantList{QStringLiteral("b")}));
        QVERIFY2(second, qPrintable(second ? QString() : second.error().toString()));
        QVERIFY(second->value(0, QStringLiteral("pid")) != first->value(0, QStringLiteral("pid")));
        QCOMPARE(second->value(0, QStringLiteral("t")).toString(), QStringLiteral("b"));
        auto made = test::wait(c.query(QStringLiteral("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1"),
                                       QVariantList{sql}));
        QVERIFY(made);
        QCOMPARE(made->scalar(), QVariant(qlonglong(1))); // prepared again in the new session
    }

    void announcerGathersWhatFinishesWithinItsGap()
    {
        pg::Connection listener, sender;
        QVERIFY(test::wait(listener.connect(m_db.admin)));
        QVERIFY(test::wait(sender.connect(m_db.admin)));
        const QString sha = QString(64, u'a');
        QVERIFY(test::wait(sender.query(QStringLiteral("INSERT INTO finpipe.uploads (sha256, storage_key, size, stored) "
                                                       "VALUES ($1, 'uploads/' || $1, 0, true) ON CONFLICT DO NOTHING"),
                                        QVariantList{sha})));
        QStringList jobs;
        for (int i = 0; i < 4; ++i) {
            auto id = test::wait(sender.query(QStringLiteral("SELECT finpipe.submit_job('noop', 0, $1, 'noop')::text"), QVariantList{sha}));
            QVERIFY(id);
            jobs << id->scalar().toString();
        }
        QVERIFY(test::wait(listener.listen(QStringLiteral("finpipe_jobs"))));
        QList<QPair<QString, qint64>> heard; // job id, ms after the first add
        QElapsedTimer t;
        QObject::connect(&listener, &pg::Connection::notification, &listener, [&](const QString &, const QString &payload) {
            for (const QString &j : std::as_const(jobs))
                if (payload.contains(j))
                    heard.append({j, t.elapsed()});
        });
        const std::chrono::milliseconds gap{1000};
        Announcer announcer(sender, gap);
        t.start();
        announcer.add(jobs[0]); // after a quiet spell: at once
        QTRY_COMPARE_WITH_TIMEOUT(heard.size(), 1, 5000);
        QCOMPARE(heard[0].first, jobs[0]);
        QVERIFY2(heard[0].second < gap.count() / 2, qPrintable(QString::number(heard[0].second)));
        announcer.add(jobs[1]); // within the gap: gathered, sent together once it has passed
        announcer.add(jobs[2]);
        announcer.add(jobs[3]);
        announcer.add(jobs[1]); // twice: announced once
        QVERIFY(test::wait(drained(announcer)));
        QTRY_COMPARE_WITH_TIMEOUT(heard.size(), 4, 5000);
        for (int i = 1; i < 4; ++i) {
            QCOMPARE(heard[i].first, jobs[i]);
            QVERIFY2(heard[i].second >= gap.count() - 50, qPrintable(QString::number(heard[i].second)));
        }
        QCOMPARE(announcer.sends(), 2);
        QCOMPARE(announcer.failures(), 0);
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
