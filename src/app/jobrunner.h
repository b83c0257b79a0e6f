#pragma once

#include "common/feedback.h"
#include "common/result.h"
#include "jobs/pipeline.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <memory>

namespace finpipe::app {

//! How a job ended.
struct JobOutcome {
    qint64 id = 0;
    bool ok = false;
    bool cancelled = false;
    Error error;            //!< when not ok
    jobs::Manifest manifest; //!< complete when ok; as far as the job got otherwise
};

//! Runs local jobs on a thread pool, at most concurrency() at once; the rest wait in order.
//! Progress is polled from each job's Feedback on the GUI thread, so workers never touch widgets
//! or the store. All signals are emitted on the thread that owns the runner.
class JobRunner : public QObject
{
    Q_OBJECT

public:
    explicit JobRunner(QObject *parent = nullptr);
    //! Cancels everything and waits for the workers to stop.
    ~JobRunner() override;

    void setConcurrency(int n);
    int concurrency() const { return m_concurrency; }

    //! Queues the job; it starts when a slot is free.
    void start(qint64 id, const jobs::JobSpec &spec);
    //! Asks the job to stop. A waiting job ends at once; a running one within its next progress
    //! check. Returns false when the runner does not know the job.
    bool cancel(qint64 id);
    bool isActive(qint64 id) const;
    bool isRunning(qint64 id) const;
    int runningCount() const;
    int waitingCount() const { return int(m_waiting.size()); }
    //! Cancels all jobs and waits up to `msecs` for the workers.
    bool shutdown(int msecs = 5000);

Q_SIGNALS:
    void jobStarted(qint64 id);
    //! `fraction` in [0, 1], or -1 when unknown.
    void jobProgress(qint64 id, double fraction);
    void jobFinished(const finpipe::app::JobOutcome &outcome);

private:
    struct Task {
        qint64 id = 0;
        jobs::JobSpec spec;
        std::shared_ptr<Feedback> feedback = std::make_shared<Feedback>();
        std::shared_ptr<std::atomic<bool>> started = std::make_shared<std::atomic<bool>>(false);
        bool startReported = false;
        bool dispatched = false;
    };

    void dispatch();
    void poll();
    void finishTask(qint64 id, JobOutcome outcome);

    QThreadPool m_pool;
    QTimer m_poll;
    int m_concurrency = 1;
    QList<qint64> m_waiting;
    QHash<qint64, std::shared_ptr<Task>> m_tasks;
};

} // namespace finpipe::app

Q_DECLARE_METATYPE(finpipe::app::JobOutcome)
