#pragma once

// Shared by the C++ cloud tests: the real servers of scripts/cloud-servers.sh (started by CTest's
// `cloud_servers` fixture), a fresh migrated database per test, and logins in the two roles.

#include "cloud/common/runtoend.h"
#include "cloud/pg/connection.h"
#include "cloud/pg/migrator.h"

#include <QCoroTask>
#include <QEventLoop>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

#include <optional>

namespace finpipe::test {

//! Runs the event loop until `task` ends and gives its value.
template <typename T>
T wait(QCoro::Task<T> &&task)
{
    return cloud::runToEnd(std::move(task));
}

//! The servers' settings (FINPIPE_DATABASE_URL and FINPIPE_S3_*), as `cloud-servers.sh env` prints
//! them; put into this process's environment too, so that programs it starts inherit them.
//! Returns an error text when the servers are not running.
//! Where scripts/cloud-servers.sh keeps the test servers (CTest's fixture sets FINPIPE_CLOUD_DIR).
inline QString cloudServersDir()
{
    return qEnvironmentVariable("FINPIPE_CLOUD_DIR", QStringLiteral(FINPIPE_SOURCE_DIR "/build/cloud-servers"));
}

inline QString loadCloudEnvironment()
{
    const QString dir = cloudServersDir();
    QProcess p;
    p.start(QStringLiteral("bash"),
            {QStringLiteral("-c"), QStringLiteral("eval \"$(bash \"$1\" env \"$2\")\" && env -0"), QStringLiteral("bash"),
             QStringLiteral(FINPIPE_SOURCE_DIR "/scripts/cloud-servers.sh"), dir});
    if (!p.waitForFinished(30000) || p.exitCode() != 0)
        return QStringLiteral("the cloud test servers are not running in %1 (scripts/cloud-servers.sh start %1): %2")
            .arg(dir, QString::fromUtf8(p.readAllStandardError()));
    const QList<QByteArray> vars = p.readAllStandardOutput().split('\0');
    for (const QByteArray &v : vars) {
        const qsizetype eq = v.indexOf('=');
        if (eq > 0 && (v.startsWith("FINPIPE_S3_") || v.startsWith("FINPIPE_DATABASE_URL") || v.startsWith("FINPIPE_TEST_PG_CA")))
            qputenv(v.left(eq).constData(), v.mid(eq + 1));
    }
    return {};
}

//! `url` (a postgresql:// URL) with another user, password and database.
inline QString withLogin(const QString &url, const QString &user, const QString &password, const QString &db)
{
    QUrl u(url);
    if (!user.isEmpty())
        u.setUserName(user);
    if (!password.isEmpty())
        u.setPassword(password);
    if (!db.isEmpty())
        u.setPath(u'/' + db);
    return u.toString(QUrl::FullyEncoded);
}

inline QString randomSecret()
{
    return QString::number(QRandomGenerator::global()->generate64(), 36) + QString::number(QRandomGenerator::global()->generate64(), 36);
}

//! A database made for one test: dropped and created afresh, migrated by the C++ migrator, with the
//! test servers' storage settings. `admin` is its administrator's URL.
struct TestDatabase {
    QString name;
    QString admin;
    QString error; //!< why it could not be made

    //! A login in `group` ("finpipe_analyst" or "finpipe_worker"), made afresh; its URL.
    QString login(const QString &user, const QString &group) const;
};

namespace detail {

inline QCoro::Task<QString> makeDatabase(TestDatabase *db)
{
    const QString adminUrl = qEnvironmentVariable("FINPIPE_DATABASE_URL");
    cloud::pg::Connection admin;
    admin.setAutoReconnect(false);
    if (auto c = co_await admin.connect(adminUrl); !c)
        co_return c.error().toString();
    // Database names cannot be parameters: these are the test's own constant names.
    const QString drop = QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(db->name);
    const QString create = QStringLiteral("CREATE DATABASE %1").arg(db->name);
    if (auto r = co_await admin.execute(drop); !r)
        co_return r.error().toString();
    if (auto r = co_await admin.execute(create); !r)
        co_return r.error().toString();
    admin.close();

    db->admin = withLogin(adminUrl, {}, {}, db->name);
    cloud::pg::Connection c;
    c.setAutoReconnect(false);
    if (auto r = co_await c.connect(db->admin); !r)
        co_return r.error().toString();
    Result<cloud::pg::Migrations> migrations = cloud::pg::loadMigrations(QStringLiteral(FINPIPE_SOURCE_DIR "/migrations"));
    if (!migrations)
        co_return migrations.error().toString();
    if (auto m = co_await cloud::pg::migrate(c, *migrations); !m)
        co_return m.error().toString();
    const QVariantList settings{qEnvironmentVariable("FINPIPE_S3_ENDPOINT"), qEnvironmentVariable("FINPIPE_S3_REGION"),
                                qEnvironmentVariable("FINPIPE_S3_BUCKET"),   qEnvironmentVariable("FINPIPE_S3_ACCESS_KEY"),
                                qEnvironmentVariable("FINPIPE_S3_SECRET_KEY"), true};
    const QString sql = QStringLiteral("SELECT finpipe.set_storage_settings($1, $2, $3, $4, $5, $6)");
    if (auto r = co_await c.query(sql, settings); !r)
        co_return r.error().toString();
    co_return QString();
}

inline QCoro::Task<QString> makeLogin(QString adminUrl, QString user, QString group, QString password)
{
    cloud::pg::Connection c;
    c.setAutoReconnect(false);
    if (auto r = co_await c.connect(adminUrl); !r)
        co_return r.error().toString();
    // Role names cannot be parameters either (constant names of the test); the password is quoted
    // by the server's own quote_literal through a parameter.
    const QString drop = QStringLiteral("DROP ROLE IF EXISTS %1").arg(user);
    if (auto r = co_await c.execute(drop); !r)
        co_return r.error().toString();
    const QString make = QStringLiteral("DO $$ BEGIN EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I', "
                                        "current_setting('finpipe_test.user'), current_setting('finpipe_test.pw'), "
                                        "current_setting('finpipe_test.group')); END $$");
    const QString set = QStringLiteral("SELECT set_config('finpipe_test.user', $1, false), set_config('finpipe_test.pw', $2, false), "
                                       "set_config('finpipe_test.group', $3, false)");
    const QVariantList values{user, password, group};
    if (auto r = co_await c.query(set, values); !r)
        co_return r.error().toString();
    if (auto r = co_await c.execute(make); !r)
        co_return r.error().toString();
    co_return QString();
}

} // namespace detail

//! Makes the database `name` (see TestDatabase); check `error`.
inline TestDatabase freshDatabase(const QString &name)
{
    TestDatabase db;
    db.name = name;
    db.error = wait(detail::makeDatabase(&db));
    return db;
}

inline QString TestDatabase::login(const QString &user, const QString &group) const
{
    const QString password = randomSecret();
    const QString why = wait(detail::makeLogin(admin, user, group, password));
    if (!why.isEmpty())
        qFatal("cannot make the login %s: %s", qPrintable(user), qPrintable(why));
    return withLogin(admin, user, password, name);
}

} // namespace finpipe::test
