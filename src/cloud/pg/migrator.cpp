#include "cloud/pg/migrator.h"

#include "cloud/pg/connection.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QRegularExpression>

namespace finpipe::cloud::pg {

namespace {

Result<MigrationFile> readFile(const QString &path, int version, const QString &base)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error::make(Error::Code::NotFound, QStringLiteral("cannot read the migration %1").arg(path), f.errorString());
    MigrationFile m;
    m.version = version;
    m.base = base;
    m.name = base.section(u'_', 1);
    m.bytes = f.readAll();
    m.sha256 = QString::fromLatin1(QCryptographicHash::hash(m.bytes, QCryptographicHash::Sha256).toHex());
    return m;
}

} // namespace

Result<Migrations> loadMigrations(const QString &dirPath)
{
    QString path = dirPath;
    if (path.isEmpty())
        path = qEnvironmentVariable("FINPIPE_MIGRATIONS_DIR");
    if (path.isEmpty())
        path = QStringLiteral(":/migrations");
    const QDir dir(path);
    if (!dir.exists())
        return Error::make(Error::Code::NotFound, QStringLiteral("the migrations folder %1 does not exist").arg(path));
    Migrations out;
    Result<MigrationFile> bootstrap = readFile(dir.filePath(QStringLiteral("bootstrap.sql")), -1, QStringLiteral("bootstrap"));
    if (!bootstrap)
        return bootstrap.error();
    out.bootstrap = *bootstrap;
    static const QRegularExpression numbered(QStringLiteral("^(\\d{4})_[^/]+\\.sql$"));
    QStringList names = dir.entryList(QDir::Files, QDir::Name);
    names.sort();
    for (const QString &name : std::as_const(names)) {
        const QRegularExpressionMatch m = numbered.match(name);
        if (!m.hasMatch())
            continue;
        Result<MigrationFile> file = readFile(dir.filePath(name), m.captured(1).toInt(), name.chopped(4));
        if (!file)
            return file.error();
        if (!out.files.isEmpty() && out.files.last().version == file->version)
            return Error::make(Error::Code::Invalid, QStringLiteral("two migrations have the number %1: %2 and %3")
                                                         .arg(m.captured(1), out.files.last().base, file->base));
        out.files.append(*file);
    }
    if (out.files.isEmpty())
        return Error::make(Error::Code::NotFound, QStringLiteral("no numbered migrations in %1").arg(path));
    return out;
}

namespace {

// Not a coroutine: GCC 12 cannot build QStringLiteral or braced lists inside co_await expressions.
QCoro::Task<Result<QueryResult>> sq(Connection &c, const char *sql, QVariantList params = {})
{
    return c.query(QString::fromLatin1(sql), std::move(params));
}

//! Rolls the transaction back and passes the error on.
QCoro::Task<Result<void>> rollback(Connection &c, Error error)
{
    (void)co_await sq(c, "ROLLBACK");
    co_return error;
}

QCoro::Task<Result<bool>> applyOne(Connection &c, const MigrationFile &file)
{
    if (Result<QueryResult> begin = co_await sq(c, "BEGIN"); !begin)
        co_return begin.error();
    const QVariantList version{file.version};
    Result<QueryResult> recorded = co_await sq(c, "SELECT sha256 FROM finpipe.schema_migrations WHERE version = $1", version);
    if (!recorded) {
        Result<void> r = co_await rollback(c, recorded.error());
        co_return r.error();
    }
    if (recorded->rowCount() > 0) {
        const QString sha = recorded->scalar().toString();
        (void)co_await sq(c, "ROLLBACK");
        if (sha != file.sha256)
            co_return Error::make(Error::Code::Changed,
                                  QStringLiteral("migration %1 was changed after it was applied; restore it and add a new "
                                                 "numbered file for the change instead").arg(file.base),
                                  QStringLiteral("recorded SHA-256 %1, the file's %2").arg(sha, file.sha256));
        co_return false;
    }
    if (Result<void> run = co_await c.execute(QString::fromUtf8(file.bytes)); !run) {
        Error e = run.error();
        e.message = QStringLiteral("migration %1 failed: %2").arg(file.base, e.message);
        Result<void> r = co_await rollback(c, e);
        co_return r.error();
    }
    const QVariantList row{file.version, file.name, file.sha256};
    Result<QueryResult> record
        = co_await sq(c, "INSERT INTO finpipe.schema_migrations (version, name, sha256) VALUES ($1, $2, $3)", row);
    if (!record) {
        Result<void> r = co_await rollback(c, record.error());
        co_return r.error();
    }
    if (Result<QueryResult> commit = co_await sq(c, "COMMIT"); !commit)
        co_return commit.error();
    co_return true;
}

} // namespace

QCoro::Task<Result<int>> migrate(Connection &c, const Migrations &migrations, std::function<void(const QString &)> progress)
{
    const QVariantList lockId{kMigrationLock};
    if (Result<QueryResult> lock = co_await sq(c, "SELECT pg_advisory_lock($1)", lockId); !lock)
        co_return lock.error();
    int applied = 0;
    Result<void> outcome;
    (void)co_await sq(c, "SET client_min_messages = warning");
    if (Result<QueryResult> begin = co_await sq(c, "BEGIN"); !begin) {
        outcome = begin.error();
    } else if (Result<void> boot = co_await c.execute(QString::fromUtf8(migrations.bootstrap.bytes)); !boot) {
        Error e = boot.error();
        e.message = QStringLiteral("the migrations' bootstrap failed: %1").arg(e.message);
        outcome = co_await rollback(c, e);
    } else if (Result<QueryResult> commit = co_await sq(c, "COMMIT"); !commit) {
        outcome = commit.error();
    } else {
        for (const MigrationFile &file : migrations.files) {
            Result<bool> one = co_await applyOne(c, file);
            if (!one) {
                outcome = one.error();
                break;
            }
            if (*one)
                ++applied;
            if (progress)
                progress((*one ? QStringLiteral("applied ") : QStringLiteral("up to date ")) + file.base);
        }
    }
    (void)co_await sq(c, "SELECT pg_advisory_unlock($1)", lockId);
    if (!outcome)
        co_return outcome.error();
    co_return applied;
}

} // namespace finpipe::cloud::pg
