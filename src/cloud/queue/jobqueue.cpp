#include "cloud/queue/jobqueue.h"

#include "cloud/pg/connection.h"

#include <QRegularExpression>
#include <QUuid>

#include <algorithm>

namespace finpipe::cloud {

namespace {

// Not a coroutine: GCC 12 cannot build QStringLiteral or braced lists inside co_await expressions.
QCoro::Task<Result<pg::QueryResult>> sq(pg::Connection &c, const char *sql, QVariantList params = {})
{
    return c.query(QString::fromLatin1(sql), std::move(params));
}

// The calls a worker makes for every job (claims, completions, heartbeats, announcements): as sq(),
// prepared once per session.
QCoro::Task<Result<pg::QueryResult>> hot(pg::Connection &c, const char *sql, QVariantList params)
{
    return c.prepared(QString::fromLatin1(sql), std::move(params));
}

//! The statement's one value, as text.
QCoro::Task<Result<QString>> scalarText(QCoro::Task<Result<pg::QueryResult>> statement)
{
    Result<pg::QueryResult> r = co_await statement;
    if (!r)
        co_return r.error();
    co_return r->scalar().toString();
}

QString text(const pg::QueryResult &r, int row, const char *column)
{
    return r.value(row, QString::fromLatin1(column)).toString();
}

JobRow jobRow(const pg::QueryResult &r, int row)
{
    JobRow j;
    j.id = text(r, row, "id");
    j.owner = text(r, row, "owner");
    j.state = text(r, row, "state");
    j.datasetType = text(r, row, "dataset_type");
    j.inputName = text(r, row, "input_name");
    j.inputSize = r.value(row, QStringLiteral("input_size")).toLongLong();
    j.inputSha256 = text(r, row, "input_sha256");
    j.attempts = r.value(row, QStringLiteral("attempts")).toInt();
    j.maxAttempts = r.value(row, QStringLiteral("max_attempts")).toInt();
    j.progress = r.value(row, QStringLiteral("progress")).toDouble();
    j.error = text(r, row, "error");
    j.createdAt = text(r, row, "created_at");
    j.updatedAt = text(r, row, "updated_at");
    j.finishedAt = text(r, row, "finished_at");
    return j;
}

constexpr const char *kJobColumns =
    "SELECT id, owner, state, dataset_type, input_name, input_size, input_sha256, attempts, max_attempts, "
    "progress::float8 AS progress, coalesce(error, '') AS error, "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS created_at, "
    "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS updated_at, "
    "coalesce(to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') AS finished_at "
    "FROM finpipe.jobs ";

QByteArray outputsJson(const QList<OutputRecord> &outputs)
{
    // Built by hand to keep the key order stable; names are escaped as JSON strings.
    QByteArray json = "[";
    for (const OutputRecord &o : outputs) {
        if (json.size() > 1)
            json += ',';
        QString name = o.name;
        name.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
        json += "{\"name\":\"" + name.toUtf8() + "\",\"kind\":\"" + o.kind.toUtf8() + "\",\"size\":"
            + QByteArray::number(o.size) + ",\"sha256\":\"" + o.sha256.toLatin1() + "\"}";
    }
    return json + ']';
}

} // namespace

QString outputKind(const QString &name)
{
    const QString lower = name.toLower();
    if (lower == u"manifest.json")
        return QStringLiteral("manifest");
    if (lower.endsWith(u".csv"))
        return QStringLiteral("data");
    if (lower.endsWith(u".xlsx"))
        return QStringLiteral("workbook");
    if (lower.endsWith(u".html"))
        return QStringLiteral("dashboard");
    return QStringLiteral("other");
}

bool isJobId(const QString &text)
{
    return !QUuid::fromString(text).isNull() && text.size() == 36;
}

bool isFinalState(const QString &state)
{
    return state == u"succeeded" || state == u"failed" || state == u"cancelled";
}

QCoro::Task<Result<QString>> registerWorker(pg::Connection &c, QString host, qint64 pid, QString version)
{
    return scalarText(sq(c, "SELECT finpipe.register_worker($1, $2::int, $3)", {host, pid, version}));
}

QCoro::Task<Result<void>> workerHeartbeat(pg::Connection &c, QString worker)
{
    const QVariantList p{worker};
    auto r = co_await hot(c, "SELECT finpipe.worker_heartbeat($1)", p);
    if (!r)
        co_return r.error();
    co_return Result<void>();
}

namespace {

constexpr const char *kClaimedColumns =
    "SELECT id, lease_token, attempts, max_attempts, lease_seconds, dataset_type, input_name, "
    "input_size, input_sha256, parameters::text AS parameters FROM ";

std::optional<ClaimedJob> claimedJob(const pg::QueryResult &r)
{
    if (r.rowCount() == 0)
        return std::nullopt;
    ClaimedJob j;
    j.id = text(r, 0, "id");
    j.token = text(r, 0, "lease_token");
    j.attempt = r.value(0, QStringLiteral("attempts")).toInt();
    j.maxAttempts = r.value(0, QStringLiteral("max_attempts")).toInt();
    j.leaseSeconds = r.value(0, QStringLiteral("lease_seconds")).toInt();
    j.datasetType = text(r, 0, "dataset_type");
    j.inputName = text(r, 0, "input_name");
    j.inputSize = r.value(0, QStringLiteral("input_size")).toLongLong();
    j.inputSha256 = text(r, 0, "input_sha256");
    j.parameters = text(r, 0, "parameters").toUtf8();
    return j;
}

} // namespace

int writeConnectionsFor(int slots)
{
    return slots <= 1 ? 0 : std::min(slots, 4);
}

QCoro::Task<Result<std::optional<ClaimedJob>>> claimJob(pg::Connection &c, QString worker, int leaseSeconds)
{
    const QVariantList p{worker, leaseSeconds};
    const QByteArray sql = QByteArray(kClaimedColumns) + "finpipe.claim_job($1, $2)";
    auto r = co_await hot(c, sql.constData(), p);
    if (!r)
        co_return r.error();
    co_return claimedJob(*r);
}

QCoro::Task<Result<std::optional<ClaimedJob>>> completeAndClaim(pg::Connection &c, QString job, QString token,
                                                               QList<OutputRecord> outputs, QString worker,
                                                               int leaseSeconds)
{
    const QVariantList p{job, token, outputsJson(outputs), worker, leaseSeconds};
    const QByteArray sql = QByteArray(kClaimedColumns) + "finpipe.complete_and_claim($1, $2, $3::jsonb, $4, $5::int)";
    auto r = co_await hot(c, sql.constData(), p);
    if (!r)
        co_return r.error();
    co_return claimedJob(*r);
}

QCoro::Task<Result<QString>> heartbeat(pg::Connection &c, QString job, QString token, double progress)
{
    const QVariant fraction = progress < 0 ? QVariant() : QVariant(progress);
    return scalarText(hot(c, "SELECT finpipe.heartbeat($1, $2, $3::real)::text", {job, token, fraction}));
}

QCoro::Task<Result<void>> completeJob(pg::Connection &c, QString job, QString token, QList<OutputRecord> outputs)
{
    const QVariantList p{job, token, outputsJson(outputs)};
    auto r = co_await hot(c, "SELECT finpipe.complete_job($1, $2, $3::jsonb)", p);
    if (!r)
        co_return r.error();
    co_return Result<void>();
}

QCoro::Task<Result<QString>> failJob(pg::Connection &c, QString job, QString token, QString error, bool retryable)
{
    return scalarText(hot(c, "SELECT finpipe.fail_job($1, $2, $3, $4)::text", {job, token, error, retryable}));
}

QCoro::Task<Result<int>> announceAll(pg::Connection &c, QStringList jobs)
{
    // An array literal of ids, passed as one parameter; each must be a UUID.
    for (const QString &job : std::as_const(jobs))
        if (!isJobId(job))
            co_return Error::make(Error::Code::Usage, QStringLiteral("'%1' is not a job id").arg(job));
    const QVariantList p{u'{' + jobs.join(u',') + u'}'};
    auto r = co_await hot(c, "SELECT finpipe.announce_all($1::uuid[])", p);
    if (!r)
        co_return r.error();
    co_return r->scalar().toInt();
}

QCoro::Task<Result<bool>> succeededWithAttempt(pg::Connection &c, QString job, int attempt)
{
    const QVariantList p{job, attempt};
    auto r = co_await sq(c,
                         "SELECT j.state = 'succeeded' AND EXISTS (SELECT 1 FROM finpipe.job_outputs o WHERE o.job_id = j.id "
                         "AND o.attempt = $2::int) FROM finpipe.jobs j WHERE j.id = $1::uuid",
                         p);
    if (!r)
        co_return r.error();
    co_return r->scalar().toBool();
}

QCoro::Task<Result<void>> markUpload(pg::Connection &c, QString sha256, bool matches)
{
    const QVariantList p{sha256, matches};
    auto r = co_await sq(c, "SELECT finpipe.mark_upload($1, $2)", p);
    if (!r)
        co_return r.error();
    co_return Result<void>();
}

QCoro::Task<Result<double>> secondsUntilNextDue(pg::Connection &c, double cap)
{
    const QVariantList p{cap};
    auto r = co_await sq(c,
                         "SELECT greatest(0, least($1::float8, extract(epoch FROM least("
                         "(SELECT min(run_after) FROM finpipe.jobs WHERE state = 'queued'), "
                         "(SELECT min(lease_expires_at) FROM finpipe.jobs WHERE state = 'running')) - now())::float8))",
                         p);
    if (!r)
        co_return r.error();
    const QVariant v = r->scalar();
    co_return v.isNull() ? cap : v.toDouble();
}

QCoro::Task<Result<UploadTicket>> presignUpload(pg::Connection &c, QString sha256, qint64 size, QString reservation)
{
    const QVariantList p{sha256, size, reservation.isEmpty() ? QVariant() : QVariant(reservation)};
    auto r = co_await sq(c,
                         "SELECT state, coalesce(url, '') AS url, "
                         "coalesce(to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') AS expires_at, "
                         "coalesce(reservation::text, '') AS reservation "
                         "FROM finpipe.presign_upload($1, $2::bigint, 900, $3::uuid)",
                         p);
    if (!r)
        co_return r.error();
    UploadTicket t;
    t.state = text(*r, 0, "state");
    t.url = text(*r, 0, "url");
    t.expiresAt = QDateTime::fromString(text(*r, 0, "expires_at"), Qt::ISODate);
    t.reservation = text(*r, 0, "reservation");
    co_return t;
}

QCoro::Task<Result<void>> uploadStored(pg::Connection &c, QString sha256, QString reservation)
{
    const QVariantList p{sha256, reservation};
    auto r = co_await sq(c, "SELECT finpipe.upload_stored($1, $2::uuid)", p);
    if (!r)
        co_return r.error();
    co_return Result<void>();
}

QCoro::Task<Result<bool>> releaseUpload(pg::Connection &c, QString sha256, QString reservation)
{
    const QVariantList p{sha256, reservation};
    auto r = co_await sq(c, "SELECT finpipe.release_upload($1, $2::uuid)", p);
    if (!r)
        co_return r.error();
    co_return r->scalar().toBool();
}

QCoro::Task<Result<QString>> submitJob(pg::Connection &c, QString inputName, qint64 inputSize, QString sha256,
                                       QString datasetType, QByteArray detection, QByteArray mapping, QByteArray parameters)
{
    return scalarText(sq(c, "SELECT finpipe.submit_job($1, $2::bigint, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb)::text",
                         {inputName, inputSize, sha256, datasetType, detection, mapping, parameters}));
}

QCoro::Task<Result<QString>> cancelJob(pg::Connection &c, QString job)
{
    return scalarText(sq(c, "SELECT finpipe.cancel_job($1::uuid)::text", {job}));
}

QCoro::Task<Result<QString>> jobHost(pg::Connection &c, QString job)
{
    return scalarText(sq(c, "SELECT finpipe.job_host($1::uuid)", {job}));
}

QCoro::Task<Result<QString>> presignOutput(pg::Connection &c, QString job, QString name, int expiresSeconds)
{
    return scalarText(sq(c, "SELECT url FROM finpipe.presign_output($1::uuid, $2, $3::int)",
                         {job, name, expiresSeconds}));
}

QCoro::Task<Result<QList<JobRow>>> listJobs(pg::Connection &c, int limit)
{
    const QVariantList p{limit};
    const QByteArray sql = QByteArray(kJobColumns) + "ORDER BY created_at DESC LIMIT $1::int";
    auto r = co_await sq(c, sql.constData(), p);
    if (!r)
        co_return r.error();
    QList<JobRow> jobs;
    for (int i = 0; i < r->rowCount(); ++i)
        jobs.append(jobRow(*r, i));
    co_return jobs;
}

QCoro::Task<Result<JobRow>> jobById(pg::Connection &c, QString job)
{
    const QVariantList p{job};
    const QByteArray sql = QByteArray(kJobColumns) + "WHERE id = $1::uuid";
    auto r = co_await sq(c, sql.constData(), p);
    if (!r)
        co_return r.error();
    if (r->rowCount() == 0)
        co_return pg::dbError(QString::fromLatin1(kNoSuchJob), QStringLiteral("there is no job %1 of yours").arg(job));
    co_return jobRow(*r, 0);
}

QCoro::Task<Result<QList<OutputRecord>>> jobOutputs(pg::Connection &c, QString job)
{
    const QVariantList p{job};
    auto r = co_await sq(c,
                         "SELECT name, kind, size, sha256, attempt, storage_key FROM finpipe.job_outputs "
                         "WHERE job_id = $1::uuid ORDER BY name",
                         p);
    if (!r)
        co_return r.error();
    QList<OutputRecord> outputs;
    for (int i = 0; i < r->rowCount(); ++i) {
        OutputRecord o;
        o.name = text(*r, i, "name");
        o.kind = text(*r, i, "kind");
        o.size = r->value(i, QStringLiteral("size")).toLongLong();
        o.sha256 = text(*r, i, "sha256");
        o.attempt = r->value(i, QStringLiteral("attempt")).toInt();
        o.storageKey = text(*r, i, "storage_key");
        outputs.append(o);
    }
    co_return outputs;
}

QCoro::Task<Result<QList<JobEvent>>> jobEvents(pg::Connection &c, QString job)
{
    const QVariantList p{job};
    auto r = co_await sq(c,
                         "SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS at, kind, "
                         "coalesce(from_state::text, '') AS from_state, coalesce(to_state::text, '') AS to_state, actor, "
                         "message FROM finpipe.job_events WHERE job_id = $1::uuid ORDER BY at, id",
                         p);
    if (!r)
        co_return r.error();
    QList<JobEvent> events;
    for (int i = 0; i < r->rowCount(); ++i)
        events.append({text(*r, i, "at"), text(*r, i, "kind"), text(*r, i, "from_state"), text(*r, i, "to_state"),
                       text(*r, i, "actor"), text(*r, i, "message")});
    co_return events;
}

} // namespace finpipe::cloud
