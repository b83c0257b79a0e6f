#include "cloud/queue/connectioncheck.h"

#include "cloud/pg/connection.h"
#include "cloud/pg/conninfo.h"
#include "cloud/pg/migrator.h"
#include "cloud/pg/queryresult.h"

#include <QCoroNetworkReply>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>
#include <QXmlStreamReader>

#include <memory>

namespace finpipe::cloud {

bool ConnectionReport::ok() const
{
    return failure() == nullptr && !steps.isEmpty() && steps.last().status == CheckStep::Status::Passed;
}

const CheckStep *ConnectionReport::failure() const
{
    for (const CheckStep &s : steps)
        if (s.status == CheckStep::Status::Failed)
            return &s;
    return nullptr;
}

namespace {

const QString kAskInit = QStringLiteral("ask your administrator to run `finpipe-cli cloud init`");

//! The <Code> of an S3 error body ("SignatureDoesNotMatch"), or empty.
QString s3ErrorCode(const QByteArray &body)
{
    QXmlStreamReader xml(body);
    while (!xml.atEnd())
        if (xml.readNext() == QXmlStreamReader::StartElement && xml.name() == u"Code")
            return xml.readElementText();
    return {};
}

} // namespace

QCoro::Task<ConnectionReport> checkConnection(QString databaseUrl, QNetworkAccessManager &nam)
{
    ConnectionReport report;
    report.steps = {
        {QStringLiteral("The database server answers"), CheckStep::Status::NotRun, {}, {}},
        {QStringLiteral("Your login works"), CheckStep::Status::NotRun, {}, {}},
        {QStringLiteral("The finpipe tables are there and up to date"), CheckStep::Status::NotRun, {}, {}},
        {QStringLiteral("You may submit jobs"), CheckStep::Status::NotRun, {}, {}},
        {QStringLiteral("The storage answers"), CheckStep::Status::NotRun, {}, {}},
    };
    auto pass = [&report](int i, QString detail) {
        report.steps[i].status = CheckStep::Status::Passed;
        report.steps[i].detail = std::move(detail);
    };
    auto failAt = [&report](int i, QString detail, QString advice) {
        report.steps[i].status = CheckStep::Status::Failed;
        report.steps[i].detail = std::move(detail);
        report.steps[i].advice = std::move(advice);
        return report;
    };

    // 1 and 2: the server, then the login (libpq tells them apart by the failure's SQLSTATE).
    if (databaseUrl.trimmed().isEmpty())
        co_return failAt(0, QStringLiteral("no database is set"), QStringLiteral("enter the connection your administrator gave you"));
    pg::Connection db;
    db.setAutoReconnect(false);
    db.setConnectTimeout(std::chrono::milliseconds(8000));
    if (Result<void> c = co_await db.connect(databaseUrl); !c) {
        const QString state = pg::sqlState(c.error());
        const bool loginProblem = state == QLatin1String(pg::kBadPassword) || state == u"28000" || state == u"3D000";
        if (!loginProblem) {
            const bool tls = c.error().message.contains(QLatin1String("secure connection"));
            co_return failAt(0, c.error().message,
                             tls ? QStringLiteral("check the TLS mode and the server's certificate (ask your administrator for its CA)")
                                 : QStringLiteral("check the host and port, and that this computer can reach the server "
                                                  "(VPN, firewall)"));
        }
        pass(0, QStringLiteral("%1 answers").arg(db.info().where()));
        co_return failAt(1, c.error().message,
                         state == QLatin1String(pg::kBadPassword)
                             ? QStringLiteral("check your user name and password")
                             : QStringLiteral("check the user and database names with your administrator"));
    }
    pass(0, QStringLiteral("%1 answers").arg(db.info().where()));
    pass(1, QStringLiteral("signed in as %1").arg(db.info().user.isEmpty() ? QStringLiteral("(default user)") : db.info().user));

    // 3: the schema, as new as this program's migrations.
    // A login outside finpipe_analyst may not even look into the schema.
    const QString schemaSql = QStringLiteral(
        "SELECT n.oid IS NOT NULL, CASE WHEN n.oid IS NULL THEN false ELSE has_schema_privilege(n.oid, 'USAGE') END "
        "FROM (SELECT 1) AS one LEFT JOIN pg_namespace n ON n.nspname = 'finpipe'");
    Result<pg::QueryResult> schema = co_await db.query(schemaSql);
    if (!schema)
        co_return failAt(2, schema.error().message, kAskInit);
    if (!schema->value(0, 0).toBool())
        co_return failAt(2, QStringLiteral("the database has no finpipe tables yet"), kAskInit);
    const QString notAnalyst = QStringLiteral("ask your administrator to grant finpipe_analyst to your login");
    if (!schema->value(0, 1).toBool()) {
        pass(2, QStringLiteral("the finpipe tables are there (your login cannot read their version)"));
        co_return failAt(3, QStringLiteral("your login may not use the finpipe tables"), notAnalyst);
    }
    const QString versionSql = QStringLiteral(
        "SELECT to_regclass('finpipe.schema_migrations') IS NOT NULL, "
        "has_table_privilege(coalesce(to_regclass('finpipe.schema_migrations'), 'pg_class'::regclass), 'SELECT')");
    Result<pg::QueryResult> present = co_await db.query(versionSql);
    if (!present)
        co_return failAt(2, present.error().message, kAskInit);
    if (!present->value(0, 0).toBool())
        co_return failAt(2, QStringLiteral("the database has no finpipe tables yet"), kAskInit);
    if (!present->value(0, 1).toBool()) {
        pass(2, QStringLiteral("the finpipe tables are there (your login cannot read their version)"));
        co_return failAt(3, QStringLiteral("your login may not read the finpipe tables"), notAnalyst);
    }
    Result<pg::QueryResult> applied = co_await db.query(QStringLiteral("SELECT coalesce(max(version), 0) FROM finpipe.schema_migrations"));
    if (!applied)
        co_return failAt(2, applied.error().message, kAskInit);
    const int have = applied->value(0, 0).toInt();
    int need = 0;
    if (Result<pg::Migrations> mine = pg::loadMigrations(); mine && !mine->files.isEmpty())
        need = mine->files.last().version;
    if (have < need)
        co_return failAt(2, QStringLiteral("the finpipe tables are older than this program (version %1; it needs %2)").arg(have).arg(need),
                         QStringLiteral("ask your administrator to run `finpipe-cli migrate`"));
    pass(2, have > need ? QStringLiteral("version %1, newer than this program's %2: update finpipe when you can").arg(have).arg(need)
                        : QStringLiteral("version %1").arg(have));

    // 4: may submit.
    Result<pg::QueryResult> role = co_await db.query(QStringLiteral(
        "SELECT pg_has_role(current_user, 'finpipe_analyst', 'MEMBER'), current_user"));
    if (!role)
        co_return failAt(3, role.error().message, QStringLiteral("ask your administrator to grant finpipe_analyst to your login"));
    if (!role->value(0, 0).toBool())
        co_return failAt(3, QStringLiteral("your login %1 is not a finpipe analyst").arg(role->value(0, 1).toString()),
                         QStringLiteral("ask your administrator to grant finpipe_analyst to %1").arg(role->value(0, 1).toString()));
    pass(3, QStringLiteral("%1 is a finpipe analyst").arg(role->value(0, 1).toString()));

    // 5: the storage answers a request the database signed.
    Result<pg::QueryResult> link = co_await db.query(QStringLiteral("SELECT url FROM finpipe.presign_check()"));
    if (!link) {
        const bool unset = pg::sqlState(link.error()) == u"FP006";
        co_return failAt(4, unset ? QStringLiteral("the storage is not set up yet") : link.error().message, kAskInit);
    }
    const QUrl url = QUrl::fromEncoded(link->value(0, 0).toString().toUtf8());
    QNetworkRequest request(url);
    request.setTransferTimeout(10000);
    std::unique_ptr<QNetworkReply> reply(co_await nam.get(request));
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString where = url.authority();
    if (status == 0)
        co_return failAt(4, QStringLiteral("the storage at %1 does not answer (%2)").arg(where, reply->errorString()),
                         QStringLiteral("check that this computer can reach %1; if it can, ask your administrator").arg(where));
    const QString code = s3ErrorCode(reply->readAll());
    // A correctly signed request for an object nobody stored: 404 NoSuchKey (or 200, should it exist).
    if (status == 200 || (status == 404 && code != u"NoSuchBucket")) {
        pass(4, QStringLiteral("%1 accepted the database's signature").arg(where));
        co_return report;
    }
    if (code == u"NoSuchBucket")
        co_return failAt(4, QStringLiteral("the storage at %1 has no such bucket").arg(where),
                         QStringLiteral("ask your administrator to check the bucket (`finpipe-cli cloud init`)"));
    if (status == 403)
        co_return failAt(4, QStringLiteral("the storage at %1 refused the database's signature (%2)").arg(where, code.isEmpty() ? QStringLiteral("HTTP 403") : code),
                         QStringLiteral("ask your administrator to check the storage keys and region (`finpipe-cli cloud init` stores them)"));
    co_return failAt(4, QStringLiteral("the storage at %1 answered HTTP %2%3").arg(where).arg(status).arg(code.isEmpty() ? QString() : u' ' + code),
                     QStringLiteral("try again later; if it stays, ask your administrator"));
}

} // namespace finpipe::cloud
