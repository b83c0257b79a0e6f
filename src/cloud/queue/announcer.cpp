#include "cloud/queue/announcer.h"

#include "cloud/queue/jobqueue.h"

#include <QCoroTimer>
#include <QElapsedTimer>

namespace finpipe::cloud {

void Announcer::add(const QString &job)
{
    if (!m_pending.contains(job))
        m_pending.append(job);
    m_idle.clear();
    if (!m_sending) {
        m_sending = true;
        pump(); // runs on until nothing is pending
    }
}

QCoro::Task<> Announcer::pump()
{
    while (!m_pending.isEmpty()) {
        if (m_lastSend.isValid()) {
            const auto since = std::chrono::milliseconds(m_lastSend.elapsed());
            if (since < m_gap)
                co_await QCoro::sleepFor(m_gap - since); // gathers what finishes meanwhile
        }
        m_lastSend.start();
        ++m_sends;
        QStringList jobs = std::exchange(m_pending, {});
        const qsizetype count = jobs.size();
        Result<int> sent = co_await announceAll(m_connection, std::move(jobs));
        if (!sent)
            m_failures += int(count);
    }
    m_sending = false;
    m_idle.wake();
}

QCoro::Task<> Announcer::drained(std::chrono::milliseconds limit)
{
    QElapsedTimer elapsed;
    elapsed.start();
    while (m_sending) {
        const auto left = limit - std::chrono::milliseconds(elapsed.elapsed());
        if (left <= std::chrono::milliseconds(0))
            co_return;
        m_idle.clear();
        co_await m_idle.wait(left);
    }
}

} // namespace finpipe::cloud
