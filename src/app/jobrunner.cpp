#include "jobrunner.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QtConcurrent>

namespace finpipe::app {

JobRunner::JobRunner(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<JobOutcome>();
    // The runner decides how many run; the pool only must never be the limit.
    m_pool.setMaxThreadCount(64);
    m_poll.setInterval(50);
    connect(&m_poll, &QTimer::timeout, this, &JobRunner::poll);
}

JobRunner::~JobRunner()
{
    shutdown(30000);
}

void JobRunner::setConcurrency(int n)
{
    m_concurrency = qMax(1, n);
    dispatch();
}

void JobRunner::start(qint64 id, const jobs::JobSpec &spec)
{
    auto task = std::make_shared<Task>();
    task->id = id;
    task->spec = spec;
    m_tasks.insert(id, task);
    m_waiting.append(id);
    dispatch();
}

int JobRunner::runningCount() const
{
    int n = 0;
    for (const auto &t : m_tasks)
        n += t->dispatched ? 1 : 0;
    return n;
}

bool JobRunner::isActive(qint64 id) const
{
    return m_tasks.contains(id);
}

bool JobRunner::isRunning(qint64 id) const
{
    const auto t = m_tasks.value(id);
    return t && t->dispatched;
}

void JobRunner::dispatch()
{
    while (!m_waiting.isEmpty() && runningCount() < m_concurrency) {
        const qint64 id = m_waiting.takeFirst();
        std::shared_ptr<Task> task = m_tasks.value(id);
        if (!task)
            continue;
        task->dispatched = true;
        auto feedback = task->feedback;
        auto started = task->started;
        const jobs::JobSpec spec = task->spec;
        auto *watcher = new QFutureWatcher<JobOutcome>(this);
        connect(watcher, &QFutureWatcher<JobOutcome>::finished, this, [this, watcher, id] {
            JobOutcome outcome = watcher->result();
            watcher->deleteLater();
            finishTask(id, std::move(outcome));
        });
        watcher->setFuture(QtConcurrent::run(&m_pool, [id, spec, feedback, started]() {
            started->store(true);
            JobOutcome out;
            out.id = id;
            if (feedback->isCancelled()) {
                out.cancelled = true;
                out.error = Error::make(Error::Code::Cancelled, QObject::tr("The job was cancelled."));
                return out;
            }
            // Exceptions are programmer errors; catch them at the task root so one bad job cannot
            // take the application down.
            try {
                jobs::Manifest partial;
                auto result = jobs::runJob(spec, feedback.get(), &partial);
                if (result.ok()) {
                    out.ok = true;
                    out.manifest = std::move(result.value());
                } else {
                    out.error = result.error();
                    out.cancelled = result.error().code == Error::Code::Cancelled || feedback->isCancelled();
                    out.manifest = std::move(partial);
                }
            } catch (const std::exception &e) {
                out.error = Error::make(Error::Code::Internal,
                                        QObject::tr("finpipe hit an internal error while running this job."),
                                        QString::fromLocal8Bit(e.what()));
            }
            return out;
        }));
    }
    if (!m_tasks.isEmpty() && !m_poll.isActive())
        m_poll.start();
}

void JobRunner::poll()
{
    for (const auto &t : std::as_const(m_tasks)) {
        if (!t->dispatched)
            continue;
        if (!t->startReported && t->started->load()) {
            t->startReported = true;
            Q_EMIT jobStarted(t->id);
        }
        if (t->startReported)
            Q_EMIT jobProgress(t->id, t->feedback->fraction());
    }
    if (m_tasks.isEmpty())
        m_poll.stop();
}

bool JobRunner::cancel(qint64 id)
{
    const auto task = m_tasks.value(id);
    if (!task)
        return false;
    task->feedback->cancel();
    if (!task->dispatched) {
        m_waiting.removeAll(id);
        JobOutcome out;
        out.id = id;
        out.cancelled = true;
        out.error = Error::make(Error::Code::Cancelled, tr("The job was cancelled before it started."));
        // Report asynchronously, like a running job, so callers see one order of events.
        QMetaObject::invokeMethod(this, [this, id, out] { finishTask(id, out); }, Qt::QueuedConnection);
    }
    return true;
}

void JobRunner::finishTask(qint64 id, JobOutcome outcome)
{
    const auto task = m_tasks.take(id);
    if (!task)
        return;
    if (task->dispatched && !task->startReported && task->started->load())
        Q_EMIT jobStarted(id);
    Q_EMIT jobFinished(outcome);
    dispatch();
}

bool JobRunner::shutdown(int msecs)
{
    m_waiting.clear();
    for (const auto &t : std::as_const(m_tasks))
        t->feedback->cancel();
    return m_pool.waitForDone(msecs);
}

} // namespace finpipe::app
