#include "jobs/jobstore.h"
#include "jobs/jobstoresql.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

// The job store's runs: each run of a job, its state, folder and outputs.

namespace finpipe::jobs {

using storesql::fromDb;
using storesql::text;
using storesql::toDb;

namespace {

const QString kRunColumns = QStringLiteral(
    "job_id, number, state, progress, error_message, created, started, finished, output_dir,"
    " input_sha256, input_size, spec_json, dataset_type, mapping_json, note, place, remote_id, remote_host");

JobRun readRun(const QSqlQuery &q)
{
    JobRun r;
    int c = 0;
    r.jobId = q.value(c++).toLongLong();
    r.number = q.value(c++).toInt();
    // An unknown state can only come from a newer build; showing it as interrupted offers Re-run.
    r.state = jobStateFromName(q.value(c++).toString()).value_or(JobState::Interrupted);
    r.progress = q.value(c++).toDouble();
    r.errorMessage = q.value(c++).toString();
    r.created = fromDb(q.value(c++));
    r.started = fromDb(q.value(c++));
    r.finished = fromDb(q.value(c++));
    r.outputDir = q.value(c++).toString();
    r.inputSha256 = q.value(c++).toString();
    r.inputSize = q.value(c++).toLongLong();
    r.specJson = q.value(c++).toString();
    r.datasetType = q.value(c++).toString();
    r.mappingJson = q.value(c++).toString();
    r.note = q.value(c++).toString();
    r.place = q.value(c++).toString();
    r.remoteId = q.value(c++).toString();
    r.remoteHost = q.value(c++).toString();
    return r;
}

//! Binds a run's columns after job_id and number, in the order INSERT and UPDATE name them.
void bindRunColumns(QSqlQuery &q, const JobRun &r)
{
    q.addBindValue(jobStateName(r.state));
    q.addBindValue(r.progress);
    q.addBindValue(text(r.errorMessage));
    q.addBindValue(toDb(r.created));
    q.addBindValue(toDb(r.started));
    q.addBindValue(toDb(r.finished));
    q.addBindValue(text(r.outputDir));
    q.addBindValue(text(r.inputSha256));
    q.addBindValue(r.inputSize);
    q.addBindValue(text(r.specJson));
    q.addBindValue(text(r.datasetType));
    q.addBindValue(text(r.mappingJson));
    q.addBindValue(text(r.note));
    q.addBindValue(r.place.isEmpty() ? QStringLiteral("local") : r.place);
    q.addBindValue(text(r.remoteId));
    q.addBindValue(text(r.remoteHost));
}

} // namespace

Result<int> JobStore::addRun(JobRun &run)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (run.number <= 0) {
        auto latest = latestRun(run.jobId);
        if (!latest)
            return latest.error();
        run.number = *latest + 1;
    }
    if (!run.created.isValid())
        run.created = QDateTime::currentDateTimeUtc();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO runs (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                  .arg(kRunColumns));
    q.addBindValue(run.jobId);
    q.addBindValue(run.number);
    bindRunColumns(q, run);
    if (!q.exec())
        return dbError(QStringLiteral("updated"), q.lastError().text());
    if (!run.outputs.isEmpty())
        if (auto r = setRunOutputs(run.jobId, run.number, run.outputs); !r)
            return r.error();
    return run.number;
}

Result<void> JobStore::updateRun(const JobRun &run)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral(
        "UPDATE runs SET state = ?, progress = ?, error_message = ?, created = ?, started = ?,"
        " finished = ?, output_dir = ?, input_sha256 = ?, input_size = ?, spec_json = ?,"
        " dataset_type = ?, mapping_json = ?, note = ?, place = ?, remote_id = ?, remote_host = ?"
        " WHERE job_id = ? AND number = ?"));
    bindRunColumns(q, run);
    q.addBindValue(run.jobId);
    q.addBindValue(run.number);
    if (!q.exec())
        return dbError(QStringLiteral("updated"), q.lastError().text());
    return {};
}

Result<void> JobStore::setRunState(qint64 jobId, int number, JobState state, const QString &errorMessage)
{
    const QString now = toDb(QDateTime::currentDateTimeUtc());
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (state == JobState::Running) {
        q.prepare(QStringLiteral("UPDATE runs SET state = ?, error_message = ?, started = ?,"
                                 " finished = '', progress = 0 WHERE job_id = ? AND number = ?"));
        q.addBindValue(jobStateName(state));
        q.addBindValue(text(errorMessage));
        q.addBindValue(now);
    } else if (isFinalState(state)) {
        q.prepare(QStringLiteral("UPDATE runs SET state = ?, error_message = ?, finished = ?"
                                 " WHERE job_id = ? AND number = ?"));
        q.addBindValue(jobStateName(state));
        q.addBindValue(text(errorMessage));
        q.addBindValue(now);
    } else {
        q.prepare(QStringLiteral("UPDATE runs SET state = ?, error_message = ?, started = '',"
                                 " finished = '', progress = 0 WHERE job_id = ? AND number = ?"));
        q.addBindValue(jobStateName(state));
        q.addBindValue(text(errorMessage));
    }
    q.addBindValue(jobId);
    q.addBindValue(number);
    if (!q.exec())
        return dbError(QStringLiteral("updated"), q.lastError().text());
    return {};
}

Result<void> JobStore::setRunRemote(qint64 jobId, int number, const QString &remoteId, const QString &remoteHost)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("UPDATE runs SET remote_id = ?, remote_host = ? WHERE job_id = ? AND number = ?"));
    q.addBindValue(text(remoteId));
    q.addBindValue(text(remoteHost));
    q.addBindValue(jobId);
    q.addBindValue(number);
    if (!q.exec())
        return dbError(QStringLiteral("updated"), q.lastError().text());
    return {};
}

Result<qint64> JobStore::jobWithRemoteId(const QString &remoteId) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT job_id FROM runs WHERE remote_id = ? LIMIT 1"));
    q.addBindValue(remoteId);
    if (!q.exec())
        return dbError(QStringLiteral("read"), q.lastError().text());
    return q.next() ? q.value(0).toLongLong() : qint64(0);
}

Result<void> JobStore::setRunProgress(qint64 jobId, int number, double progress)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("UPDATE runs SET progress = ? WHERE job_id = ? AND number = ?"));
    q.addBindValue(qBound(0.0, progress, 1.0));
    q.addBindValue(jobId);
    q.addBindValue(number);
    if (!q.exec())
        return dbError(QStringLiteral("updated"), q.lastError().text());
    return {};
}

Result<void> JobStore::setRunOutputs(qint64 jobId, int number, const QList<JobOutput> &outputs)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    // Nested inside addJob()'s transaction QSqlDatabase::transaction() fails; then this joins it.
    const bool own = db.transaction();
    auto fail = [&](const QString &why) {
        if (own)
            db.rollback();
        return dbError(QStringLiteral("updated"), why);
    };
    QSqlQuery del(db);
    del.prepare(QStringLiteral("DELETE FROM run_outputs WHERE job_id = ? AND run = ?"));
    del.addBindValue(jobId);
    del.addBindValue(number);
    if (!del.exec())
        return fail(del.lastError().text());
    for (const JobOutput &o : outputs) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO run_outputs (job_id, run, name, size, sha256)"
                                 " VALUES (?, ?, ?, ?, ?)"));
        q.addBindValue(jobId);
        q.addBindValue(number);
        q.addBindValue(text(o.name));
        q.addBindValue(o.size);
        q.addBindValue(text(o.sha256));
        if (!q.exec())
            return fail(q.lastError().text());
    }
    if (own && !db.commit())
        return dbError(QStringLiteral("updated"), db.lastError().text());
    return {};
}

namespace {

Result<QList<JobOutput>> readOutputs(const QSqlDatabase &db, qint64 jobId, int run)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT name, size, sha256 FROM run_outputs WHERE job_id = ? AND run = ?"
                             " ORDER BY name"));
    q.addBindValue(jobId);
    q.addBindValue(run);
    if (!q.exec())
        return Error::make(Error::Code::Unreadable, QStringLiteral("The job list could not be read."),
                           q.lastError().text());
    QList<JobOutput> list;
    while (q.next())
        list.append({q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toString()});
    return list;
}

} // namespace

Result<QList<JobRun>> JobStore::runs(qint64 jobId) const
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT %1 FROM runs WHERE job_id = ? ORDER BY number").arg(kRunColumns));
    q.addBindValue(jobId);
    if (!q.exec())
        return dbError(QStringLiteral("read"), q.lastError().text());
    QList<JobRun> list;
    while (q.next())
        list.append(readRun(q));
    for (JobRun &r : list) {
        auto outputs = readOutputs(db, jobId, r.number);
        if (!outputs)
            return outputs.error();
        r.outputs = *outputs;
    }
    return list;
}

Result<std::optional<JobRun>> JobStore::run(qint64 jobId, int number) const
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT %1 FROM runs WHERE job_id = ? AND number = ?").arg(kRunColumns));
    q.addBindValue(jobId);
    q.addBindValue(number);
    if (!q.exec())
        return dbError(QStringLiteral("read"), q.lastError().text());
    if (!q.next())
        return std::optional<JobRun>();
    JobRun r = readRun(q);
    auto outputs = readOutputs(db, jobId, number);
    if (!outputs)
        return outputs.error();
    r.outputs = *outputs;
    return std::optional<JobRun>(std::move(r));
}


} // namespace finpipe::jobs
