#pragma once

#include "cloud/common/wakeup.h"
#include "cloud/pg/connection.h"
#include "cloud/queue/announcer.h"
#include "cloud/queue/jobqueue.h"
#include "cloud/s3/client.h"
#include "cloud/s3/settings.h"

#include <QCoroTask>
#include <QJsonObject>
#include <QObject>

#include <memory>
#include <set>
#include <vector>

namespace finpipe::worker {

struct WorkerOptions {
    QString databaseUrl;
    cloud::s3::Settings storage;
    int concurrency = 1;
    int leaseSeconds = 30;
    //! Exit when no job is ready (after finishing the ones claimed).
    bool once = false;
};

//! Exit codes of finpipe-worker.
enum WorkerExit { WorkerOk = 0, WorkerUsage = 2, WorkerCloudUnavailable = 8 };

//! One JSON object per line on stderr: {"time", "level", "event", …fields}.
void logLine(const char *level, const char *event, QJsonObject fields = {});

//! finpipe-worker: registers, claims jobs with fenced leases, heartbeats every third of the lease,
//! downloads and checks the input, runs the same pipeline as `finpipe-cli analyze`, uploads the
//! outputs to outputs/<job>/<attempt>/ and completes through the queue functions.
class Worker : public QObject
{
    Q_OBJECT
public:
    explicit Worker(WorkerOptions options, QObject *parent = nullptr);
    ~Worker() override;

    //! Runs until stopped (or, with `once`, until no job is ready); gives the exit code.
    QCoro::Task<int> run();
    //! Stops claiming; running jobs finish, then run() ends.
    void stop();
    //! Stops claiming and cancels running jobs: each goes back to the queue (fail_job, retryable).
    void abort();

private:
    struct Running;
    //! Runs a claimed job in a slot whose writes go through `writer`.
    QCoro::Task<> runOne(cloud::ClaimedJob job, cloud::pg::Connection *writer);
    //! The write connection with the fewest running jobs (the claim connection for one slot).
    cloud::pg::Connection *quietestWriter();
    QCoro::Task<> heartbeats(std::shared_ptr<Running> running);
    QCoro::Task<> announceRunning(std::shared_ptr<Running> running);
    //! How fetching an input or a template from uploads/<sha256> went.
    struct Fetched {
        enum Outcome { Ok, Missing, Damaged, Failed } outcome = Ok;
        QString detail; //!< why, when Failed
    };
    //! Downloads uploads/<sha256> to `path` and checks its SHA-256: a missing object is marked
    //! unstored, a damaged one deleted and marked (the next submission uploads it again), a good one
    //! marked verified.
    QCoro::Task<Fetched> fetchUpload(QString jobId, QString sha256, QString path);
    //! complete_job, with `claimNext` complete_and_claim (the next job for the slot, if one is
    //! ready); asked again, without claiming, while the database cannot be reached.
    QCoro::Task<Result<std::optional<cloud::ClaimedJob>>> complete(std::shared_ptr<Running> running,
                                                                  QList<cloud::OutputRecord> outputs, bool claimNext);
    //! Reports a failed attempt; `retryable` errors go back to the queue while attempts remain.
    QCoro::Task<> failAttempt(const Running &running, QString error, bool retryable);
    QCoro::Task<Result<QList<cloud::OutputRecord>>> uploadOutputs(std::shared_ptr<Running> running, QString outputDir,
                                                                   QStringList names);
    void poke();

    WorkerOptions m_options;
    cloud::pg::Connection m_db; //!< claims for free slots, LISTEN, registration, announcements
    //! The running jobs' writes: heartbeats, completions (and the claim of the next job for the
    //! slot), failures; a job's writes all go through one (cloud::writeConnectionsFor). Empty for
    //! one slot: m_db carries them.
    std::vector<std::unique_ptr<cloud::pg::Connection>> m_writers;
    cloud::s3::Client m_storage;
    QString m_workerId;
    std::set<std::shared_ptr<Running>> m_running; //!< the jobs holding a slot
    int m_completing = 0; //!< jobs whose outputs are stored, completing outside their slot
    bool m_stopping = false;
    bool m_aborting = false;
    cloud::Announcer m_announcer{m_db}; //!< state changes that committed without notifying
    cloud::WakeUp m_wake; //!< a job finished, a NOTIFY came, or the worker was told to stop
};

} // namespace finpipe::worker
