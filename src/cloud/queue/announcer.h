#pragma once

#include "cloud/common/wakeup.h"

#include <QCoroTask>
#include <QStringList>

#include <chrono>

namespace finpipe::cloud {

namespace pg {
class Connection;
}

//! Sends a worker's announcements (finpipe.announce_all, 0008_lean_claims.sql) on one connection,
//! one transaction at a time: the jobs added while one is in flight go together in the next. Each
//! job is announced after add() is called, so a job added after its change committed is announced
//! with that change or a later one. The connection must outlive the announcer's work (drained()).
class Announcer
{
public:
    explicit Announcer(pg::Connection &connection) : m_connection(connection) {}
    Announcer(const Announcer &) = delete;
    Announcer &operator=(const Announcer &) = delete;

    //! Announces `job`'s current state soon; returns at once.
    void add(const QString &job);
    //! Resumes when nothing is waiting or in flight (or after `limit`).
    QCoro::Task<> drained(std::chrono::milliseconds limit = std::chrono::seconds(10));
    //! Announcements the database refused or that a lost connection dropped (they are not retried:
    //! a listener that misses one sees the change when it next reads the job).
    int failures() const { return m_failures; }

private:
    QCoro::Task<> pump();

    pg::Connection &m_connection;
    QStringList m_pending;
    bool m_sending = false;
    int m_failures = 0;
    WakeUp m_idle;
};

} // namespace finpipe::cloud
