#pragma once

#include <QtGlobal>

#include <atomic>

namespace finpipe {

//! Progress and cancellation shared between a long task and whoever watches it
//! (modelled on QGIS's QgsFeedback). Thread-safe; the task writes, observers poll.
class Feedback
{
public:
    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return m_cancelled.load(std::memory_order_relaxed); }

    //! Bytes (or other units) done out of total; total 0 means unknown.
    void setProgress(qint64 done, qint64 total)
    {
        m_total.store(total, std::memory_order_relaxed);
        m_done.store(done, std::memory_order_relaxed);
    }
    void setRows(qint64 rows) { m_rows.store(rows, std::memory_order_relaxed); }
    //! A short phase label such as "Hashing" or "Reading"; must point to static storage.
    void setPhase(const char *phase) { m_phase.store(phase, std::memory_order_relaxed); }

    qint64 done() const { return m_done.load(std::memory_order_relaxed); }
    qint64 total() const { return m_total.load(std::memory_order_relaxed); }
    qint64 rows() const { return m_rows.load(std::memory_order_relaxed); }
    const char *phase() const { return m_phase.load(std::memory_order_relaxed); }
    //! In [0, 1], or -1 when the total is unknown.
    double fraction() const
    {
        const qint64 t = total();
        return t > 0 ? qBound(0.0, double(done()) / double(t), 1.0) : -1.0;
    }

private:
    std::atomic<bool> m_cancelled{false};
    std::atomic<qint64> m_done{0};
    std::atomic<qint64> m_total{0};
    std::atomic<qint64> m_rows{0};
    std::atomic<const char *> m_phase{""};
};

} // namespace finpipe
