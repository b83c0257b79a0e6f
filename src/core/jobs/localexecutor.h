#pragma once

#include "common/feedback.h"
#include "jobs/jobexecutor.h"

#include <QHash>
#include <QList>
#include <QTimer>

#include <atomic>
#include <memory>

class QThreadPool;

namespace finpipe::jobs {

//! Runs jobs on this computer, on a thread pool, at most concurrency() at once. Progress is polled
//! from each run's Feedback on the executor's thread, so workers never touch the store or views.
class LocalExecutor : public JobExecutor
{
    Q_OBJECT

public:
    explicit LocalExecutor(QObject *parent = nullptr);
    //! shutdown(1000): never blocks longer than a second.
    ~LocalExecutor() override;

    QString where() const override { return QStringLiteral("local"); }
    void setConcurrency(int n) override;
    int concurrency() const override { return m_concurrency; }
    void start(const RunKey &key, const JobSpec &spec) override;
    bool cancel(const RunKey &key) override;
    bool isActive(const RunKey &key) const override { return m_tasks.contains(key); }
    int activeCount() const override { return int(m_tasks.size()); }
    bool shutdown(int msecs) override;

    //! Runs dispatched to a worker and not yet finished.
    int runningCount() const;
    //! Waits up to `msecs` for runs that shutdown() abandoned in any executor (tests, process end).
    static bool waitForAbandoned(int msecs);

private:
    struct Task {
        RunKey key;
        JobSpec spec;
        std::shared_ptr<Feedback> feedback = std::make_shared<Feedback>();
        std::shared_ptr<std::atomic<bool>> started = std::make_shared<std::atomic<bool>>(false);
        bool startReported = false;
        bool dispatched = false;
    };

    void dispatch();
    void poll();
    void finishTask(const RunKey &key, RunOutcome outcome);

    //! Owned, but left running (not destroyed) when shutdown() times out: destroying a pool waits.
    QThreadPool *m_pool = nullptr;
    QTimer m_poll;
    int m_concurrency = 1;
    bool m_shutDown = false;
    QList<RunKey> m_waiting;
    QHash<RunKey, std::shared_ptr<Task>> m_tasks;
};

} // namespace finpipe::jobs
