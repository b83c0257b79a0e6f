#pragma once

#include <QObject>
#include <QTimer>

#include <chrono>
#include <coroutine>
#include <utility>

namespace finpipe::cloud {

//! Lets one coroutine wait until it is woken or a time passes: `co_await wakeUp.wait(limit)`.
//! A wake while nobody waits is remembered (pending) until cleared. However often it is woken,
//! the waiter is resumed once, from the event loop. (QCoro 0.8's signal awaiter posts one resume
//! per emission and crashes when a signal comes twice before the first is delivered.)
class WakeUp : public QObject
{
public:
    WakeUp()
    {
        m_timer.setSingleShot(true);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] { resumeWaiter(); });
    }

    void wake()
    {
        m_pending = true;
        resumeWaiter();
    }
    bool pending() const { return m_pending; }
    void clear() { m_pending = false; }

    struct Awaiter {
        WakeUp *w;
        std::chrono::milliseconds limit;
        bool await_ready() const noexcept { return w->m_pending; }
        void await_suspend(std::coroutine_handle<> h)
        {
            w->m_waiter = h;
            w->m_timer.start(std::max(limit, std::chrono::milliseconds(0)));
        }
        void await_resume() const noexcept {}
    };
    //! Resumes when woken (or already pending) or after `limit`.
    Awaiter wait(std::chrono::milliseconds limit) { return Awaiter{this, limit}; }

private:
    void resumeWaiter()
    {
        if (!m_waiter)
            return;
        const std::coroutine_handle<> h = std::exchange(m_waiter, nullptr);
        m_timer.stop();
        QTimer::singleShot(0, this, [h] { h.resume(); });
    }

    QTimer m_timer;
    std::coroutine_handle<> m_waiter;
    bool m_pending = false;
};

} // namespace finpipe::cloud
