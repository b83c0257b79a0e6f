// The analyst's and administrator's cloud commands other than submit: jobs, job, download, url,
// cancel, queue, migrate, cloud init.
#include "cloudcli.h"

#include "cloud/pg/conninfo.h"
#include "cloud/pg/migrator.h"
#include "cloud/queue/connectioncheck.h"
#include "cloud/queue/download.h"
#include "cloud/queue/jobqueue.h"
#include "cloud/s3/settings.h"
#include "cloud/s3/transfer.h"
#include "ingest/sha256.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QRegularExpression>

namespace finpipe::cli {

namespace {

//! Parses `args` for `cmd`; returns an exit code when the command should end now (help, usage).
std::optional<int> parse(QCommandLineParser &parser, const QString &cmd, const QStringList &args, const QString &description,
                         int positional, const QString &positionalName)
{
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    if (!positionalName.isEmpty())
        parser.addPositionalArgument(positionalName, QString());
    if (!parser.parse(QStringList{cmd} + args))
        return usageError(cmd, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        return Ok;
    }
    if (parser.positionalArguments().size() != positional)
        return usageError(cmd, positional == 0 ? QStringLiteral("this command takes no arguments.")
                                               : QStringLiteral("name %1.").arg(positionalName));
    return std::nullopt;
}

std::optional<int> checkJobId(const QString &cmd, const QString &id)
{
    if (!cloud::isJobId(id))
        return usageError(cmd, QStringLiteral("\"%1\" is not a job id (like 0b8e…-…, as `finpipe-cli jobs` lists them).").arg(id));
    return std::nullopt;
}

QJsonObject jobJson(const cloud::JobRow &j)
{
    return QJsonObject{{QStringLiteral("job_id"), j.id},
                       {QStringLiteral("state"), j.state},
                       {QStringLiteral("owner"), j.owner},
                       {QStringLiteral("dataset_type"), j.datasetType},
                       {QStringLiteral("input_name"), j.inputName},
                       {QStringLiteral("input_size"), j.inputSize},
                       {QStringLiteral("input_sha256"), j.inputSha256},
                       {QStringLiteral("attempts"), j.attempts},
                       {QStringLiteral("max_attempts"), j.maxAttempts},
                       {QStringLiteral("progress"), j.progress},
                       {QStringLiteral("error"), j.error},
                       {QStringLiteral("created_at"), j.createdAt},
                       {QStringLiteral("updated_at"), j.updatedAt},
                       {QStringLiteral("finished_at"), j.finishedAt}};
}

//! "900", "90s", "15m", "1h", "7d" → seconds; -1 when not a duration.
int parseExpiry(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^(\\d{1,7})([smhd]?)$"));
    const QRegularExpressionMatch m = re.match(text.trimmed().toLower());
    if (!m.hasMatch())
        return -1;
    const qint64 n = m.captured(1).toLongLong();
    const QString unit = m.captured(2);
    const qint64 factor = unit == u"m" ? 60 : unit == u"h" ? 3600 : unit == u"d" ? 86400 : 1;
    return n * factor > 7 * 86400 ? -1 : int(n * factor);
}

} // namespace

int runJobs(const QStringList &args)
{
    const QString cmd = QStringLiteral("jobs");
    QCommandLineParser parser;
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("One JSON array."));
    const QCommandLineOption limitOpt(QStringLiteral("limit"), QStringLiteral("At most N jobs, newest first (default 100)."),
                                      QStringLiteral("N"), QStringLiteral("100"));
    parser.addOptions({jsonOpt, limitOpt});
    if (auto done = parse(parser, cmd, args, QStringLiteral("List your cloud jobs, newest first."), 0, {}))
        return *done;
    bool ok = false;
    const int limit = parser.value(limitOpt).toInt(&ok);
    if (!ok || limit < 1)
        return usageError(cmd, QStringLiteral("--limit takes a positive number."));
    auto db = connectDatabase();
    if (!db)
        return cloudFail(db.error());
    auto jobs = runToEnd(cloud::listJobs(**db, limit));
    if (!jobs)
        return cloudFail(jobs.error());
    if (parser.isSet(jsonOpt)) {
        QJsonArray a;
        for (const cloud::JobRow &j : *jobs)
            a.append(jobJson(j));
        out() << QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Indented));
        return Ok;
    }
    if (jobs->isEmpty()) {
        out() << "No jobs." << Qt::endl;
        return Ok;
    }
    for (const cloud::JobRow &j : *jobs) {
        out() << j.id << "  " << j.state.leftJustified(9) << "  " << j.createdAt << "  " << j.datasetType << "  " << j.inputName;
        if (j.state == u"running")
            out() << "  " << int(j.progress * 100) << '%';
        if (!j.error.isEmpty())
            out() << "  (" << j.error << ')';
        out() << Qt::endl;
    }
    return Ok;
}

int runJob(const QStringList &args)
{
    const QString cmd = QStringLiteral("job");
    QCommandLineParser parser;
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("One JSON object."));
    parser.addOption(jsonOpt);
    if (auto done = parse(parser, cmd, args, QStringLiteral("Show one job: state, attempts, error, outputs and history."), 1,
                          QStringLiteral("ID")))
        return *done;
    const QString id = parser.positionalArguments().first();
    if (auto bad = checkJobId(cmd, id))
        return *bad;
    auto db = connectDatabase();
    if (!db)
        return cloudFail(db.error());
    auto job = runToEnd(cloud::jobById(**db, id));
    if (!job)
        return cloudFail(job.error());
    auto outputs = runToEnd(cloud::jobOutputs(**db, id));
    if (!outputs)
        return cloudFail(outputs.error());
    auto events = runToEnd(cloud::jobEvents(**db, id));
    if (!events)
        return cloudFail(events.error());
    if (parser.isSet(jsonOpt)) {
        QJsonObject o = jobJson(*job);
        QJsonArray outs, history;
        for (const cloud::OutputRecord &r : *outputs)
            outs.append(QJsonObject{{QStringLiteral("name"), r.name},
                                    {QStringLiteral("kind"), r.kind},
                                    {QStringLiteral("size"), r.size},
                                    {QStringLiteral("sha256"), r.sha256},
                                    {QStringLiteral("attempt"), r.attempt}});
        for (const cloud::JobEvent &e : *events)
            history.append(QJsonObject{{QStringLiteral("at"), e.at},
                                       {QStringLiteral("kind"), e.kind},
                                       {QStringLiteral("from"), e.fromState},
                                       {QStringLiteral("to"), e.toState},
                                       {QStringLiteral("by"), e.actor},
                                       {QStringLiteral("message"), e.message}});
        o.insert(QStringLiteral("outputs"), outs);
        o.insert(QStringLiteral("history"), history);
        out() << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
        return Ok;
    }
    out() << "Job " << job->id << Qt::endl
          << "  state      " << job->state << (job->state == u"running" ? QStringLiteral(" (%1%)").arg(int(job->progress * 100)) : QString())
          << Qt::endl
          << "  input      " << job->inputName << " (" << job->inputSize << " bytes, SHA-256 " << job->inputSha256 << ')' << Qt::endl
          << "  type       " << job->datasetType << Qt::endl
          << "  attempts   " << job->attempts << " of " << job->maxAttempts << Qt::endl
          << "  submitted  " << job->createdAt << " by " << job->owner << Qt::endl;
    if (!job->finishedAt.isEmpty())
        out() << "  finished   " << job->finishedAt << Qt::endl;
    if (!job->error.isEmpty())
        out() << "  error      " << job->error << Qt::endl;
    if (!outputs->isEmpty()) {
        out() << "Outputs (attempt " << outputs->first().attempt << "):" << Qt::endl;
        for (const cloud::OutputRecord &r : *outputs)
            out() << "  " << r.name << "  " << r.size << " bytes  " << r.kind << Qt::endl;
    }
    out() << "History:" << Qt::endl;
    for (const cloud::JobEvent &e : *events)
        out() << "  " << e.at << "  " << (e.kind == u"state" ? e.fromState + QStringLiteral(" -> ") + e.toState : e.kind) << "  "
              << e.actor << "  " << e.message << Qt::endl;
    return Ok;
}

int runCancel(const QStringList &args)
{
    const QString cmd = QStringLiteral("cancel");
    QCommandLineParser parser;
    if (auto done = parse(parser, cmd, args,
                          QStringLiteral("Cancel one of your jobs: a queued job at once, a running one within a heartbeat."), 1,
                          QStringLiteral("ID")))
        return *done;
    const QString id = parser.positionalArguments().first();
    if (auto bad = checkJobId(cmd, id))
        return *bad;
    auto db = connectDatabase();
    if (!db)
        return cloudFail(db.error());
    auto state = runToEnd(cloud::cancelJob(**db, id));
    if (!state)
        return cloudFail(state.error());
    out() << "Job " << id << " is " << *state << '.' << Qt::endl;
    return Ok;
}

int runUrl(const QStringList &args)
{
    const QString cmd = QStringLiteral("url");
    QCommandLineParser parser;
    const QCommandLineOption expiresOpt(QStringLiteral("expires"),
                                        QStringLiteral("How long the link works: seconds, or 30m, 1h, 7d (default 15m; at most 7d)."),
                                        QStringLiteral("TIME"), QStringLiteral("15m"));
    parser.addOption(expiresOpt);
    parser.addPositionalArgument(QStringLiteral("ID"), QString());
    if (auto done = parse(parser, cmd, args, QStringLiteral("Print a time-limited download link for one output of one of your jobs."),
                          2, QStringLiteral("NAME")))
        return *done;
    const QString id = parser.positionalArguments().at(0);
    const QString name = parser.positionalArguments().at(1);
    if (auto bad = checkJobId(cmd, id))
        return *bad;
    const int seconds = parseExpiry(parser.value(expiresOpt));
    if (seconds < 1)
        return usageError(cmd, QStringLiteral("--expires takes a time from 1 second to 7 days, e.g. 900, 30m, 1h or 7d."));
    auto db = connectDatabase();
    if (!db)
        return cloudFail(db.error());
    auto url = runToEnd(cloud::presignOutput(**db, id, name, seconds));
    if (!url)
        return cloudFail(url.error());
    out() << *url << Qt::endl;
    return Ok;
}

int runDownload(const QStringList &args)
{
    const QString cmd = QStringLiteral("download");
    QCommandLineParser parser;
    const QCommandLineOption toOpt(QStringLiteral("to"), QStringLiteral("The folder to download into (made if missing)."),
                                   QStringLiteral("DIR"));
    const QCommandLineOption outputOpt(QStringLiteral("output"), QStringLiteral("Only this output (repeatable)."),
                                       QStringLiteral("NAME"));
    const QCommandLineOption quietOpt(QStringLiteral("quiet"), QStringLiteral("Print nothing on success."));
    parser.addOptions({toOpt, outputOpt, quietOpt});
    if (auto done = parse(parser, cmd, args,
                          QStringLiteral("Download the outputs of one of your succeeded jobs through links the database issues. "
                                         "Each file is checked against its recorded SHA-256; a partial file (NAME.part) is "
                                         "resumed."),
                          1, QStringLiteral("ID")))
        return *done;
    const QString id = parser.positionalArguments().first();
    if (auto bad = checkJobId(cmd, id))
        return *bad;
    if (!parser.isSet(toOpt))
        return usageError(cmd, QStringLiteral("say where with --to DIR."));
    const QString dir = parser.value(toOpt);
    if (!QDir().mkpath(dir))
        return fail(Error::make(Error::Code::Permission, QStringLiteral("cannot make the folder %1").arg(dir)));
    auto db = connectDatabase();
    if (!db)
        return cloudFail(db.error());
    auto job = runToEnd(cloud::jobById(**db, id));
    if (!job)
        return cloudFail(job.error());
    auto outputs = runToEnd(cloud::jobOutputs(**db, id));
    if (!outputs)
        return cloudFail(outputs.error());
    if (outputs->isEmpty()) {
        err() << "finpipe-cli: job " << id << " has no outputs (it is " << job->state << ")." << Qt::endl;
        return job->state == u"failed" ? AnalysisFailed : Unreadable;
    }
    QList<cloud::OutputRecord> wanted;
    const QStringList names = parser.values(outputOpt);
    for (const QString &n : names) {
        auto it = std::find_if(outputs->cbegin(), outputs->cend(), [&n](const cloud::OutputRecord &o) { return o.name == n; });
        if (it == outputs->cend())
            return fail(Error::make(Error::Code::NotFound, QStringLiteral("job %1 has no output named \"%2\"").arg(id, n)));
        wanted.append(*it);
    }
    if (names.isEmpty())
        wanted = *outputs;
    QNetworkAccessManager nam;
    for (const cloud::OutputRecord &o : std::as_const(wanted)) {
        Result<void> got = runToEnd(cloud::downloadOutput(**db, nam, id, o, dir));
        if (!got && got.error().code == Error::Code::Format)
            return fail(got.error()); // a name that is not a plain file name
        if (!got)
            return cloudFail(got.error());
        if (!parser.isSet(quietOpt))
            out() << "  " << QDir::toNativeSeparators(QDir(dir).filePath(o.name)) << "  (" << o.size << " bytes)" << Qt::endl;
    }
    return Ok;
}

int runQueue(const QStringList &args)
{
    const QString cmd = QStringLiteral("queue");
    QCommandLineParser parser;
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("One JSON object."));
    parser.addOption(jsonOpt);
    if (auto done = parse(parser, cmd, args,
                          QStringLiteral("Jobs by state (yours, or all for workers and the administrator), the oldest queued "
                                         "job's age and the workers seen in the last two minutes."),
                          0, {}))
        return *done;
    auto db = connectDatabase();
    if (!db)
        return cloudFail(db.error());
    const QString states = QStringLiteral("SELECT state::text, count(*) FROM finpipe.jobs GROUP BY state ORDER BY state");
    const QString oldest = QStringLiteral("SELECT coalesce(extract(epoch FROM now() - min(created_at))::float8, 0) "
                                          "FROM finpipe.jobs WHERE state = 'queued'");
    const QString workers = QStringLiteral("SELECT host, version, to_char(last_heartbeat AT TIME ZONE 'UTC', "
                                           "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM finpipe.workers "
                                           "WHERE last_heartbeat > now() - interval '2 minutes' ORDER BY host");
    auto byState = runToEnd((*db)->query(states));
    if (!byState)
        return cloudFail(byState.error());
    auto age = runToEnd((*db)->query(oldest));
    if (!age)
        return cloudFail(age.error());
    auto live = runToEnd((*db)->query(workers));
    if (!live)
        return cloudFail(live.error());
    QJsonObject counts;
    for (const QString &s : {QStringLiteral("queued"), QStringLiteral("running"), QStringLiteral("succeeded"),
                             QStringLiteral("failed"), QStringLiteral("cancelled")})
        counts.insert(s, 0);
    for (const QVariantList &row : std::as_const(byState->rows))
        counts.insert(row.at(0).toString(), row.at(1).toLongLong());
    if (parser.isSet(jsonOpt)) {
        QJsonArray w;
        for (const QVariantList &row : std::as_const(live->rows))
            w.append(QJsonObject{{QStringLiteral("host"), row.at(0).toString()},
                                 {QStringLiteral("version"), row.at(1).toString()},
                                 {QStringLiteral("last_heartbeat"), row.at(2).toString()}});
        out() << QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("jobs"), counts},
                                                             {QStringLiteral("oldest_queued_seconds"), age->scalar().toDouble()},
                                                             {QStringLiteral("workers"), w}})
                                       .toJson(QJsonDocument::Indented));
        return Ok;
    }
    for (auto it = counts.constBegin(); it != counts.constEnd(); ++it)
        out() << it.key().leftJustified(10) << it.value().toInteger() << Qt::endl;
    out() << "oldest queued job: " << QString::number(age->scalar().toDouble(), 'f', 1) << " s" << Qt::endl;
    out() << "live workers: " << live->rowCount() << Qt::endl;
    for (const QVariantList &row : std::as_const(live->rows))
        out() << "  " << row.at(0).toString() << "  " << row.at(1).toString() << "  last seen " << row.at(2).toString() << Qt::endl;
    return Ok;
}

namespace {

int migrateWith(cloud::pg::Connection &db, bool quiet)
{
    auto migrations = cloud::pg::loadMigrations();
    if (!migrations)
        return fail(migrations.error());
    auto applied = runToEnd(cloud::pg::migrate(db, *migrations, [quiet](const QString &line) {
        if (!quiet)
            out() << line << Qt::endl;
    }));
    if (!applied)
        return cloudFail(applied.error());
    if (!quiet)
        out() << (*applied == 0 ? QStringLiteral("The database is up to date.") : QStringLiteral("Applied %1 migration(s).").arg(*applied))
              << Qt::endl;
    return Ok;
}

} // namespace

int runMigrate(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption quietOpt(QStringLiteral("quiet"), QStringLiteral("Print nothing on success."));
    parser.addOption(quietOpt);
    if (auto done = parse(parser, QStringLiteral("migrate"), args,
                          QStringLiteral("Apply the pending database migrations (as the database's administrator); safe to run "
                                         "twice or at once from two places."),
                          0, {}))
        return *done;
    auto db = connectDatabase();
    if (!db)
        return cloudFail(db.error());
    return migrateWith(**db, parser.isSet(quietOpt));
}

namespace {

//! `cloud check`: the steps of cloud::checkConnection, one line each.
int checkCloud(bool json, bool quiet)
{
    const QString url = qEnvironmentVariable("FINPIPE_DATABASE_URL");
    if (url.isEmpty())
        return fail(Error::make(Error::Code::Usage, QStringLiteral("FINPIPE_DATABASE_URL is not set")));
    QNetworkAccessManager nam;
    const cloud::ConnectionReport report = runToEnd(cloud::checkConnection(url, nam));
    if (json) {
        QJsonArray steps;
        for (const cloud::CheckStep &s : report.steps) {
            const char *status = s.status == cloud::CheckStep::Status::Passed   ? "passed"
                                 : s.status == cloud::CheckStep::Status::Failed ? "failed"
                                                                                : "not_run";
            steps.append(QJsonObject{{QStringLiteral("title"), s.title},
                                     {QStringLiteral("status"), QString::fromLatin1(status)},
                                     {QStringLiteral("detail"), s.detail},
                                     {QStringLiteral("advice"), s.advice}});
        }
        out() << QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("ok"), report.ok()}, {QStringLiteral("steps"), steps}})
                                       .toJson(QJsonDocument::Compact))
              << Qt::endl;
    } else if (!quiet || !report.ok()) {
        for (const cloud::CheckStep &s : report.steps) {
            switch (s.status) {
            case cloud::CheckStep::Status::Passed:
                out() << "ok    " << s.title << ": " << s.detail << Qt::endl;
                break;
            case cloud::CheckStep::Status::Failed:
                out() << "FAIL  " << s.title << ": " << s.detail << Qt::endl << "      What to do: " << s.advice << '.' << Qt::endl;
                break;
            case cloud::CheckStep::Status::NotRun:
                out() << "-     " << s.title << " (not checked)" << Qt::endl;
                break;
            }
        }
    }
    return report.ok() ? Ok : CloudUnavailable;
}

} // namespace

int runCloud(const QStringList &args)
{
    const QString cmd = QStringLiteral("cloud");
    QCommandLineParser parser;
    const QCommandLineOption quietOpt(QStringLiteral("quiet"), QStringLiteral("Print nothing on success."));
    parser.addOption(quietOpt);
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("'cloud check': print the steps as JSON."));
    parser.addOption(jsonOpt);
    if (auto done = parse(parser, cmd, args,
                          QStringLiteral("'cloud init': apply the migrations and store (or rotate) the storage settings from "
                                         "FINPIPE_S3_ENDPOINT, _REGION, _BUCKET, _ACCESS_KEY, _SECRET_KEY and _PATH_STYLE. Run "
                                         "it as the database's administrator.\n'cloud check': check an analyst's "
                                         "FINPIPE_DATABASE_URL step by step (the server answers, the login works, the finpipe "
                                         "tables are there and up to date, the login may submit, the storage answers a link the "
                                         "database signed) and say what to do about the first step that fails; exit 8 when one "
                                         "fails."),
                          1, QStringLiteral("init|check")))
        return *done;
    if (parser.positionalArguments().first() == u"check")
        return checkCloud(parser.isSet(jsonOpt), parser.isSet(quietOpt));
    if (parser.positionalArguments().first() != u"init")
        return usageError(cmd, QStringLiteral("the cloud commands are 'cloud init' and 'cloud check'."));
    Result<cloud::s3::Settings> storage = cloud::s3::Settings::fromEnvironment();
    if (!storage)
        return fail(storage.error());
    auto db = connectDatabase();
    if (!db)
        return cloudFail(db.error());
    if (const int code = migrateWith(**db, parser.isSet(quietOpt)); code != Ok)
        return code;
    const QString sql = QStringLiteral("SELECT finpipe.set_storage_settings($1, $2, $3, $4, $5, $6)");
    const QVariantList values{storage->endpoint, storage->region, storage->bucket, storage->accessKey, storage->secretKey,
                              storage->pathStyle};
    auto stored = runToEnd((*db)->query(sql, values));
    if (!stored)
        return cloudFail(stored.error());
    if (!parser.isSet(quietOpt))
        out() << "Storage settings stored: bucket " << storage->bucket << " at " << storage->endpoint << " ("
              << (storage->pathStyle ? "path-style" : "virtual-hosted") << ")." << Qt::endl;
    return Ok;
}

} // namespace finpipe::cli
