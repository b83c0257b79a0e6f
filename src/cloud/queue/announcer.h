#pragma once

#include "cloud/common/wakeup.h"

#include <QCoroTask>
#include <QElapsedTimer>
#include <QStringList>

#include <chrono>

namespace finpipe::cloud {

namespace pg {
class Connection;
}

//! Sends a worker's announcements (finpipe.announce_all, 0008_lean_claims.sql) on one connection,
//! one transaction at a time: the jobs added while one is in flight, or within `gap` of the last
//! send, go together in the next. An announcement after a quiet spell goes at once; under load a
//! worker sends at most one announcement transaction per gap, however many jobs it finishes
//! (every notifying transaction takes PostgreSQL's one notify lock: one per job held 16 busy
//! workers to two thirds of their throughput). Each job is announced after add() is called, so a
//! job added after its change committed is announced with that change or a later one. The
//! connection must outlive the announcer's work (drained()).
class Announcer
{
public:
    //! How long a busy worker gathers announcements at most: a listener learns of a change at
    //! most this much later than it could.
    static constexpr std::chrono::milliseconds kDefaultGap{25};

    explicit Announcer(pg::Connection &connection, std::chrono::milliseconds gap = kDefaultGap)
        : m_connection(connection), m_gap(gap)
    {
    }
    Announcer(const Announcer &) = delete;
    Announcer &operator=(const Announcer &) = delete;

    //! Announces `job`'s current state soon; returns at once.
    void add(const QString &job);
    //! Resumes when nothing is waiting or in flight (or after `limit`).
    QCoro::Task<> drained(std::chrono::milliseconds limit = std::chrono::seconds(10));
    //! Announcements the database refused or that a lost connection dropped (they are not retried:
    //! a listener that misses one sees the change when it next reads the job).
    int failures() const { return m_failures; }
    //! Announcement transactions sent so far.
    int sends() const { return m_sends; }

private:
    QCoro::Task<> pump();

    pg::Connection &m_connection;
    std::chrono::milliseconds m_gap;
    QElapsedTimer m_lastSend; //!< since the last send started
    QStringList m_pending;
    bool m_sending = false;
    int m_failures = 0;
    int m_sends = 0;
    WakeUp m_idle;
};

} // namespace finpipe::cloud
