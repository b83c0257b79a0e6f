#pragma once

#include "common/result.h"
#include "jobs/jobexecutor.h"

#include <QCoroTask>
#include <QHash>
#include <QString>
#include <QTimer>

#include <memory>

namespace finpipe::cloud {

struct JobRow;

//! Runs jobs in the team's cloud: the JobController's second executor. start() hands a run to the
//! queue (the input goes up through a PUT link the database issues, unless the storage already
//! holds its bytes) and the run's state then follows the cloud's live, by LISTEN/NOTIFY on the
//! same connection (no polling while connected). When the cloud succeeded, the outputs come down
//! into the run's folder through GET links, each checked against its SHA-256, so that a cloud run's
//! folder reads like a local one.
//!
//! Offline first: a run handed over while the cloud cannot be reached waits ("waiting for the
//! cloud: …", see runWaiting) and goes by itself once the connection is back (tries again with
//! backoff, at once on retryNow()). Runs outlive the app: shutdown() leaves them in the cloud, and
//! resume() follows them again, or submits one that never reached it.
//!
//! Every database and network call is a co_await; nothing here blocks the event loop.
class CloudExecutor : public jobs::JobExecutor
{
    Q_OBJECT

public:
    explicit CloudExecutor(QObject *parent = nullptr);
    ~CloudExecutor() override;

    QString where() const override { return QStringLiteral("cloud"); }
    //! Uploads at once; the number of runs in the cloud is the workers' business.
    void setConcurrency(int n) override { m_concurrency = qMax(1, n); }
    int concurrency() const override { return m_concurrency; }
    void start(const jobs::RunKey &key, const jobs::JobSpec &spec) override;
    //! A run not yet in the cloud ends at once; one in the cloud is cancelled there and ends when the
    //! cloud says so (within a worker's heartbeat).
    bool cancel(const jobs::RunKey &key) override;
    bool isActive(const jobs::RunKey &key) const override { return m_runs.contains(key); }
    int activeCount() const override { return int(m_runs.size()); }
    //! Stops following; the runs go on in the cloud. Returns at once.
    bool shutdown(int msecs) override;
    bool runsOutliveApp() const override { return true; }
    void resume(const jobs::RunKey &key, const jobs::JobSpec &spec, const QString &remoteId) override;

    //! The database connection (libpq URL or key=value string, with the password: a secret, never
    //! logged); empty when the cloud is not set up. Connects at once (again when it changed).
    void setConnInfo(const QString &conninfo);
    bool isConnected() const { return m_connected; }
    //! Why the cloud cannot be used now, in the analyst's words; empty when connected.
    QString unavailableReason() const { return m_why; }
    //! Tries to connect now instead of at the next backoff step (the network came back).
    void retryNow();
    //! A pre-signed GET link (valid `expiresSeconds`) for one output of a cloud run.
    QCoro::Task<Result<QString>> outputLink(QString remoteId, QString name, int expiresSeconds);

Q_SIGNALS:
    //! Connected, or lost the connection (why, in the analyst's words).
    void connectionChanged(bool connected, const QString &why);

private:
    struct Session;
    struct Run {
        jobs::RunKey key;
        jobs::JobSpec spec;
        QString remoteId;
        enum class Phase { Waiting, Submitting, InCloud, Downloading } phase = Phase::Waiting;
        bool started = false;        //!< runStarted() was emitted
        bool cancelRequested = false;
        bool cancelSent = false;
        QString host;
    };
    using RunPtr = std::shared_ptr<Run>;

    QCoro::Task<> connectLoop(std::shared_ptr<Session> session, QString conninfo);
    QCoro::Task<> submitRun(std::shared_ptr<Session> session, RunPtr run);
    //! Reads the job's row and acts on its state (after a notification, a submission, a reconnect).
    QCoro::Task<> refresh(std::shared_ptr<Session> session, RunPtr run);
    QCoro::Task<> sendCancel(std::shared_ptr<Session> session, RunPtr run);
    QCoro::Task<> download(std::shared_ptr<Session> session, RunPtr run);
    //! The analyst's recent jobs this app does not follow (submitted elsewhere): foreignRunFound().
    QCoro::Task<> findForeignRuns(std::shared_ptr<Session> session);
    QCoro::Task<> adoptIfMine(std::shared_ptr<Session> session, QString remoteId);
    void reportForeign(const JobRow &row);
    //! The worker's host, once, for the list (runPlaced).
    QCoro::Task<> learnHost(std::shared_ptr<Session> session, RunPtr run);
    //! runStarted(), once per run.
    void markStarted(const RunPtr &run);
    //! Tells the session's coroutines their answers are no longer wanted, and closes it.
    void dropSession();
    //! The cloud cannot be used now (why, in the analyst's words): waiting runs say so.
    void unavailable(const QString &why);
    void onConnected(const std::shared_ptr<Session> &session);
    void onLost(const QString &why);
    void onNotification(const QString &payload);
    //! Hands every waiting run to the cloud and reads every followed run's state again.
    void catchUp(const std::shared_ptr<Session> &session);
    void scheduleRetry();
    void setWaiting(const RunPtr &run, const QString &why);
    //! Ends the run (after the current call returned).
    void finish(const RunPtr &run, jobs::RunOutcome outcome);
    void finishCancelled(const RunPtr &run);
    void finishFailed(const RunPtr &run, Error error);
    bool current(const RunPtr &run) const { return m_runs.value(run->key) == run; }

    QString m_conninfo;
    std::shared_ptr<Session> m_session;
    bool m_connected = false;
    bool m_shutDown = false;
    QString m_why;
    QTimer m_retry;
    int m_backoffMs = 0;
    int m_concurrency = 1;
    QHash<jobs::RunKey, RunPtr> m_runs;
    QHash<QString, jobs::RunKey> m_byRemote;
};

} // namespace finpipe::cloud
