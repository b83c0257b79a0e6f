// finpipe-cli prune: the administrator's clean-up of the team cloud (rows and objects).
#include "cloudcli.h"

#include "cloud/pg/conninfo.h"
#include "cloud/s3/client.h"
#include "cloud/s3/settings.h"

#include <QCommandLineParser>

namespace finpipe::cli {

namespace {

struct PruneCounts {
    int jobs = 0;
    int jobObjects = 0;
    int strayObjects = 0;
    int uploads = 0;
};

QCoro::Task<Result<PruneCounts>> prune(cloud::pg::Connection &db, cloud::s3::Client &storage, int days)
{
    PruneCounts counts;
    const QVariantList age{days};
    // Only the administrator may: checked before anything is deleted.
    const QString mayDelete = QStringLiteral("SELECT has_table_privilege('finpipe.jobs', 'DELETE') "
                                             "AND has_table_privilege('finpipe.uploads', 'DELETE')");
    auto allowed = co_await db.query(mayDelete);
    if (!allowed)
        co_return allowed.error();
    if (!allowed->scalar().toBool())
        co_return cloud::pg::dbError(QStringLiteral("42501"), QStringLiteral("prune needs the database's administrator; user %1 "
                                                                             "may not delete jobs")
                                                                  .arg(db.info().user));

    // Finished jobs older than the cut-off: their objects, then their rows (outputs and history go
    // with them).
    const QString oldSql = QStringLiteral("SELECT id::text FROM finpipe.jobs WHERE state IN ('succeeded', 'failed', "
                                          "'cancelled') AND finished_at < now() - make_interval(days => $1::int)");
    auto old = co_await db.query(oldSql, age);
    if (!old)
        co_return old.error();
    for (const QVariantList &row : std::as_const(old->rows)) {
        const QString id = row.at(0).toString();
        const QString prefix = QStringLiteral("outputs/%1/").arg(id);
        Result<QStringList> keys = co_await storage.list(prefix);
        if (!keys)
            co_return keys.error();
        for (const QString &key : std::as_const(*keys)) {
            if (auto d = co_await storage.del(key); !d)
                co_return d.error();
            ++counts.jobObjects;
        }
        const QVariantList p{id};
        const QString goneSql = QStringLiteral("DELETE FROM finpipe.jobs WHERE id = $1::uuid");
        auto gone = co_await db.query(goneSql, p);
        if (!gone)
            co_return gone.error();
        ++counts.jobs;
    }

    // Objects a finished job does not record: attempts that lost their lease. Only the prefixes of
    // this database's jobs are looked at; queued and running jobs keep everything (an attempt may
    // be uploading).
    const QString finishedSql = QStringLiteral("SELECT j.id::text, coalesce(array_to_string(array_agg(o.storage_key), E'\\n'), '') "
                                               "FROM finpipe.jobs j LEFT JOIN finpipe.job_outputs o ON o.job_id = j.id "
                                               "WHERE j.state IN ('succeeded', 'failed', 'cancelled') GROUP BY j.id");
    auto finished = co_await db.query(finishedSql);
    if (!finished)
        co_return finished.error();
    for (const QVariantList &row : std::as_const(finished->rows)) {
        const QString prefix = QStringLiteral("outputs/%1/").arg(row.at(0).toString());
        const QStringList recorded = row.at(1).toString().split(u'\n', Qt::SkipEmptyParts);
        Result<QStringList> keys = co_await storage.list(prefix);
        if (!keys)
            co_return keys.error();
        for (const QString &key : std::as_const(*keys)) {
            if (recorded.contains(key))
                continue;
            if (auto d = co_await storage.del(key); !d)
                co_return d.error();
            ++counts.strayObjects;
        }
    }

    // Inputs and templates no job uses any more, not seen for the same time and not being uploaded.
    const QString unusedSql = QStringLiteral("SELECT sha256 FROM finpipe.uploads u WHERE last_seen < now() - make_interval(days => $1::int) "
                                             "AND coalesce(reserved_until, '-infinity') < now() "
                                             "AND NOT EXISTS (SELECT 1 FROM finpipe.jobs j WHERE j.input_sha256 = u.sha256) "
                                             "AND NOT EXISTS (SELECT 1 FROM finpipe.jobs j, jsonb_array_elements(j.parameters #> '{parameters,templates}') t "
                                             "WHERE t->>'sha256' = u.sha256)");
    auto unused = co_await db.query(unusedSql, age);
    if (!unused)
        co_return unused.error();
    for (const QVariantList &row : std::as_const(unused->rows)) {
        const QString sha = row.at(0).toString();
        const QVariantList p{sha};
        // The row goes first (re-checked: a submission may have come meanwhile), then the object.
        const QString dropSql = QStringLiteral("DELETE FROM finpipe.uploads u WHERE sha256 = $1 AND NOT EXISTS "
                                               "(SELECT 1 FROM finpipe.jobs j WHERE j.input_sha256 = u.sha256) AND NOT EXISTS "
                                               "(SELECT 1 FROM finpipe.jobs j, jsonb_array_elements(j.parameters #> '{parameters,templates}') t "
                                               "WHERE t->>'sha256' = u.sha256)");
        auto gone = co_await db.query(dropSql, p);
        if (!gone)
            co_return gone.error();
        if (gone->commandTag != u"DELETE 1")
            continue;
        const QString key = QStringLiteral("uploads/") + sha;
        if (auto d = co_await storage.del(key); !d)
            co_return d.error();
        ++counts.uploads;
    }
    co_return counts;
}

} // namespace

int runPrune(const QStringList &args)
{
    const QString cmd = QStringLiteral("prune");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Delete finished jobs older than DAYS with their outputs and history, the stored objects no finished job "
        "records (attempts that lost their lease), and inputs no job uses that were not seen for DAYS. Run it as the "
        "database's administrator with the storage settings (FINPIPE_S3_*) in the environment."));
    parser.addHelpOption();
    const QCommandLineOption olderOpt(QStringLiteral("older-than"), QStringLiteral("Age in days of what is deleted (0: every finished job)."),
                                      QStringLiteral("DAYS"));
    parser.addOption(olderOpt);
    if (!parser.parse(QStringList{cmd} + args))
        return usageError(cmd, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        return Ok;
    }
    if (!parser.positionalArguments().isEmpty())
        return usageError(cmd, QStringLiteral("prune takes no arguments."));
    if (!parser.isSet(olderOpt))
        return usageError(cmd, QStringLiteral("say how old with --older-than DAYS."));
    bool ok = false;
    const int days = parser.value(olderOpt).toInt(&ok);
    if (!ok || days < 0 || days > 36500)
        return usageError(cmd, QStringLiteral("--older-than takes a number of days from 0 to 36500."));
    Result<cloud::s3::Settings> settings = cloud::s3::Settings::fromEnvironment();
    if (!settings)
        return fail(settings.error());
    auto db = connectDatabase();
    if (!db)
        return cloudFail(db.error());
    cloud::s3::Client storage(*settings);
    Result<PruneCounts> counts = runToEnd(prune(**db, storage, days));
    if (!counts)
        return cloudFail(counts.error());
    out() << "Deleted " << counts->jobs << " job(s) with " << counts->jobObjects << " object(s), " << counts->strayObjects
          << " object(s) no finished job records, and " << counts->uploads << " unused input(s)." << Qt::endl;
    return Ok;
}

} // namespace finpipe::cli
