#include "jobs/localexecutor.h"

#include <QDeadlineTimer>
#include <QFutureWatcher>
#include <QMutex>
#include <QThreadPool>
#include <QtConcurrent>

#include <new>

namespace finpipe::jobs {

namespace {

// Pools whose runs were still stopping when their executor shut down. They are never destroyed
// (that would wait); waitForAbandoned() lets the process wait for them before it exits.
QMutex g_abandonedMutex;
QList<QThreadPool *> &abandoned()
{
    static QList<QThreadPool *> pools;
    return pools;
}

RunOutcome runOne(const RunKey &key, const JobSpec &spec, Feedback *feedback)
{
    RunOutcome out;
    out.key = key;
    if (feedback->isCancelled()) {
        out.cancelled = true;
        out.error = Error::make(Error::Code::Cancelled, QObject::tr("The run was cancelled."));
        return out;
    }
    // Exceptions are programmer errors; catch them at the task root so one bad job cannot take the
    // application down.
    try {
        Manifest partial;
        auto result = runJob(spec, feedback, &partial);
        if (result.ok()) {
            out.ok = true;
            out.manifest = std::move(result.value());
        } else {
            out.error = result.error();
            out.cancelled = result.error().code == Error::Code::Cancelled || feedback->isCancelled();
            out.manifest = std::move(partial);
        }
    } catch (const std::bad_alloc &) {
        out.error = Error::make(Error::Code::Internal,
                                QObject::tr("This job needed more memory than the computer could give it. Close "
                                            "other programs or run fewer jobs at once (Settings), then re-run it."));
    } catch (const std::exception &e) {
        out.error = Error::make(Error::Code::Internal,
                                QObject::tr("finpipe hit an internal error while running this job."),
                                QString::fromLocal8Bit(e.what()));
    } catch (...) {
        out.error = Error::make(Error::Code::Internal,
                                QObject::tr("finpipe hit an internal error while running this job."));
    }
    return out;
}

} // namespace

LocalExecutor::LocalExecutor(QObject *parent) : JobExecutor(parent), m_pool(new QThreadPool)
{
    qRegisterMetaType<RunKey>();
    qRegisterMetaType<RunOutcome>();
    // The executor decides how many run; the pool only must never be the limit.
    m_pool->setMaxThreadCount(64);
    m_poll.setInterval(50);
    connect(&m_poll, &QTimer::timeout, this, &LocalExecutor::poll);
}

LocalExecutor::~LocalExecutor()
{
    shutdown(1000);
}

void LocalExecutor::setConcurrency(int n)
{
    m_concurrency = qMax(1, n);
    dispatch();
}

void LocalExecutor::start(const RunKey &key, const JobSpec &spec)
{
    if (m_shutDown || m_tasks.contains(key))
        return;
    auto task = std::make_shared<Task>();
    task->key = key;
    task->spec = spec;
    m_tasks.insert(key, task);
    m_waiting.append(key);
    // Dispatch from the event loop: start() returns before anything is reported.
    QMetaObject::invokeMethod(this, &LocalExecutor::dispatch, Qt::QueuedConnection);
}

int LocalExecutor::runningCount() const
{
    int n = 0;
    for (const auto &t : m_tasks)
        n += t->dispatched ? 1 : 0;
    return n;
}

void LocalExecutor::dispatch()
{
    if (m_shutDown)
        return;
    while (!m_waiting.isEmpty() && runningCount() < m_concurrency) {
        const RunKey key = m_waiting.takeFirst();
        std::shared_ptr<Task> task = m_tasks.value(key);
        if (!task)
            continue;
        task->dispatched = true;
        auto feedback = task->feedback;
        auto started = task->started;
        const JobSpec spec = task->spec;
        auto *watcher = new QFutureWatcher<RunOutcome>(this);
        connect(watcher, &QFutureWatcher<RunOutcome>::finished, this, [this, watcher, key] {
            RunOutcome outcome = watcher->result();
            watcher->deleteLater();
            finishTask(key, std::move(outcome));
        });
        watcher->setFuture(QtConcurrent::run(m_pool, [key, spec, feedback, started]() {
            started->store(true);
            return runOne(key, spec, feedback.get());
        }));
    }
    if (!m_tasks.isEmpty() && !m_poll.isActive())
        m_poll.start();
}

void LocalExecutor::poll()
{
    for (const auto &t : std::as_const(m_tasks)) {
        if (!t->dispatched)
            continue;
        if (!t->startReported && t->started->load()) {
            t->startReported = true;
            Q_EMIT runStarted(t->key);
        }
        if (t->startReported)
            Q_EMIT runProgress(t->key, t->feedback->fraction());
    }
    if (m_tasks.isEmpty())
        m_poll.stop();
}

bool LocalExecutor::cancel(const RunKey &key)
{
    const auto task = m_tasks.value(key);
    if (!task)
        return false;
    task->feedback->cancel();
    if (!task->dispatched) {
        m_waiting.removeAll(key);
        RunOutcome out;
        out.key = key;
        out.cancelled = true;
        out.error = Error::make(Error::Code::Cancelled, tr("The run was cancelled before it started."));
        // Report asynchronously, like a running job, so callers see one order of events.
        QMetaObject::invokeMethod(this, [this, key, out] { finishTask(key, out); }, Qt::QueuedConnection);
    }
    return true;
}

void LocalExecutor::finishTask(const RunKey &key, RunOutcome outcome)
{
    if (m_shutDown)
        return;
    const auto task = m_tasks.take(key);
    if (!task)
        return;
    if (task->dispatched && !task->startReported && task->started->load())
        Q_EMIT runStarted(key);
    Q_EMIT runFinished(outcome);
    dispatch();
}

bool LocalExecutor::shutdown(int msecs)
{
    if (!m_pool)
        return true;
    m_shutDown = true;
    m_waiting.clear();
    for (const auto &t : std::as_const(m_tasks))
        t->feedback->cancel();
    m_poll.stop();
    const bool done = m_pool->waitForDone(msecs);
    m_tasks.clear();
    if (done) {
        delete m_pool;
    } else {
        QMutexLocker lock(&g_abandonedMutex);
        abandoned().append(m_pool);
    }
    m_pool = nullptr;
    return done;
}

bool LocalExecutor::waitForAbandoned(int msecs)
{
    QDeadlineTimer deadline(msecs);
    QMutexLocker lock(&g_abandonedMutex);
    bool all = true;
    for (QThreadPool *pool : std::as_const(abandoned()))
        all = pool->waitForDone(int(qMax<qint64>(0, deadline.remainingTime()))) && all;
    return all;
}

} // namespace finpipe::jobs
