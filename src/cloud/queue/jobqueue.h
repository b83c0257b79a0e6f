#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QCoroTask>
#include <QDateTime>
#include <QList>
#include <QStringList>
#include <QString>

#include <optional>

namespace finpipe::cloud {

namespace pg {
class Connection;
}

// The SQL interface of migrations/0001_queue.sql, 0002_presign.sql, 0004_quiet_commits.sql,
// 0005_release_upload.sql, 0007_job_host.sql and 0008_lean_claims.sql (docs/cloud-servers.md),
// called with parameters only. Each function is one statement on the given connection.

//! SQLSTATEs the queue functions raise.
inline constexpr const char *kLeaseLost = "FP001";
inline constexpr const char *kNotUploaded = "FP002";
inline constexpr const char *kBadArgument = "FP003";
inline constexpr const char *kNoSuchJob = "FP004";
inline constexpr const char *kJobCancelled = "FP005";
inline constexpr const char *kNoStorageSettings = "FP006";

//! A job a worker claimed.
struct ClaimedJob {
    QString id;
    QString token;      //!< the lease token every write must carry
    int attempt = 0;    //!< 1 for the first
    int maxAttempts = 0;
    int leaseSeconds = 0;
    QString datasetType;
    QString inputName;
    qint64 inputSize = 0;
    QString inputSha256;
    QByteArray parameters; //!< the job's spec (jobs::jobSpecToJson)
};

//! One output file of a job, as complete_job records it and job_outputs lists it.
struct OutputRecord {
    QString name;
    QString kind;   //!< "data", "workbook", "dashboard", "manifest", "other"
    qint64 size = 0;
    QString sha256;
    int attempt = 0;
    QString storageKey;
};

//! The kind recorded for an output file name.
QString outputKind(const QString &name);

// ---- workers (role finpipe_worker)

QCoro::Task<Result<QString>> registerWorker(pg::Connection &c, QString host, qint64 pid, QString version);
QCoro::Task<Result<void>> workerHeartbeat(pg::Connection &c, QString worker);
//! How many connections, besides the one that claims and listens, a worker with `slots` concurrent
//! jobs spreads their writes (heartbeats, completions with the next claim, failures) over: one per
//! slot up to four, and none for one slot (its writes and its claims take turns anyway, so they
//! share the one session). Every session that commits at once costs the server a wake-up per WAL
//! flush; on a 2-core server 16 sessions got two thirds of what 4 to 10 got, for finpipe and
//! graphile-worker alike (graphile-worker's 16 concurrent jobs share a pool of 10).
int writeConnectionsFor(int slots);
//! The next job, or nothing when none is ready.
QCoro::Task<Result<std::optional<ClaimedJob>>> claimJob(pg::Connection &c, QString worker, int leaseSeconds);
//! Renews the lease and records progress (negative: unknown). Gives "running" or "cancelled";
//! an error with SQLSTATE FP001 when the lease is lost.
QCoro::Task<Result<QString>> heartbeat(pg::Connection &c, QString job, QString token, double progress);
QCoro::Task<Result<void>> completeJob(pg::Connection &c, QString job, QString token, QList<OutputRecord> outputs);
//! completeJob and then claimJob for `worker`, in one transaction (0008_lean_claims.sql): the next
//! job, or nothing when none is ready. A refused completion gives completeJob's error and claims
//! nothing. Neither change is announced (an Announcer does that).
QCoro::Task<Result<std::optional<ClaimedJob>>> completeAndClaim(pg::Connection &c, QString job, QString token,
                                                               QList<OutputRecord> outputs, QString worker,
                                                               int leaseSeconds);
//! Gives the job's new state ("queued" for a retry, "failed", "cancelled").
QCoro::Task<Result<QString>> failJob(pg::Connection &c, QString job, QString token, QString error, bool retryable);
//! Tells listeners the states of jobs after a claim, a completion or a final failure, which commit
//! without notifying (0004_quiet_commits.sql), in one transaction that does not wait for the disk
//! (finpipe.announce_all, 0008_lean_claims.sql); gives how many were announced.
QCoro::Task<Result<int>> announceAll(pg::Connection &c, QStringList jobs);
//! Whether the job succeeded with the outputs of `attempt` (after a completion whose answer was lost).
QCoro::Task<Result<bool>> succeededWithAttempt(pg::Connection &c, QString job, int attempt);
QCoro::Task<Result<void>> markUpload(pg::Connection &c, QString sha256, bool matches);
//! Seconds until something may become claimable without a notification (a retry's run_after, a
//! lease that expires), at most `cap`; `cap` when nothing is pending.
QCoro::Task<Result<double>> secondsUntilNextDue(pg::Connection &c, double cap);

// ---- analysts (role finpipe_analyst)

//! presign_upload's answer.
struct UploadTicket {
    QString state;       //!< "upload", "uploading" or "stored"
    QString url;         //!< the PUT URL when state is "upload"
    QDateTime expiresAt;
    QString reservation;
};
QCoro::Task<Result<UploadTicket>> presignUpload(pg::Connection &c, QString sha256, qint64 size, QString reservation);
QCoro::Task<Result<void>> uploadStored(pg::Connection &c, QString sha256, QString reservation);
//! Gives back a reservation whose upload failed, so that the next submission uploads at once
//! (0005_release_upload.sql). Gives whether one was released.
QCoro::Task<Result<bool>> releaseUpload(pg::Connection &c, QString sha256, QString reservation);
QCoro::Task<Result<QString>> submitJob(pg::Connection &c, QString inputName, qint64 inputSize, QString sha256,
                                       QString datasetType, QByteArray detection, QByteArray mapping, QByteArray parameters);
QCoro::Task<Result<QString>> cancelJob(pg::Connection &c, QString job);
//! The host of the worker that runs (or ran) one of the caller's jobs; empty before one claimed it
//! (0007_job_host.sql).
QCoro::Task<Result<QString>> jobHost(pg::Connection &c, QString job);
//! A GET URL for one output of one of the caller's jobs.
QCoro::Task<Result<QString>> presignOutput(pg::Connection &c, QString job, QString name, int expiresSeconds);

//! One row of finpipe.jobs as the caller may see it.
struct JobRow {
    QString id;
    QString owner;
    QString state;
    QString datasetType;
    QString inputName;
    qint64 inputSize = 0;
    QString inputSha256;
    int attempts = 0;
    int maxAttempts = 0;
    double progress = 0;
    QString error;
    QString createdAt;
    QString updatedAt;
    QString finishedAt;
};
//! The caller's jobs (all jobs for a worker or the administrator), newest first.
QCoro::Task<Result<QList<JobRow>>> listJobs(pg::Connection &c, int limit);
//! One job; an error with SQLSTATE FP004 when the caller cannot see it.
QCoro::Task<Result<JobRow>> jobById(pg::Connection &c, QString job);
QCoro::Task<Result<QList<OutputRecord>>> jobOutputs(pg::Connection &c, QString job);

struct JobEvent {
    QString at;
    QString kind;
    QString fromState;
    QString toState;
    QString actor;
    QString message;
};
QCoro::Task<Result<QList<JobEvent>>> jobEvents(pg::Connection &c, QString job);

//! Whether `text` is a job id (a UUID); the CLI checks before asking the database.
bool isJobId(const QString &text);
//! Whether a job state is final.
bool isFinalState(const QString &state);

} // namespace finpipe::cloud
