#pragma once

#include "common/result.h"
#include "jobs/pipeline.h"

#include <QDateTime>
#include <QHashFunctions>
#include <QMetaType>
#include <QObject>

namespace finpipe::jobs {

//! One run of one job: what an executor is asked to do and reports about.
struct RunKey {
    qint64 job = 0;
    int run = 0;
    friend bool operator==(const RunKey &a, const RunKey &b) { return a.job == b.job && a.run == b.run; }
    friend bool operator!=(const RunKey &a, const RunKey &b) { return !(a == b); }
};
inline size_t qHash(const RunKey &k, size_t seed = 0) { return qHashMulti(seed, k.job, k.run); }

//! How a run ended.
struct RunOutcome {
    RunKey key;
    bool ok = false;
    bool cancelled = false;
    Error error;        //!< when not ok, in the analyst's words
    //! Complete when ok; as far as the run got otherwise. Its outputs are the files the run wrote
    //! into the spec's output folder (a remote executor downloads them there first).
    Manifest manifest;
};

//! A run the analyst started elsewhere (another computer, `finpipe-cli submit`) that a remote
//! executor found; the controller adds it to the list as a job of its own.
struct ForeignRun {
    QString remoteId;
    QString inputName;
    QString inputSha256;
    qint64 inputSize = 0;
    QString datasetType;
    QDateTime created; //!< UTC
};

//! Runs jobs somewhere: on this computer's threads (LocalExecutor) or in the team's cloud. Every
//! call returns at once; what happens is reported by the signals, on the executor's thread, always
//! after the call that caused it returned. Each started run ends with exactly one runFinished.
class JobExecutor : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;
    ~JobExecutor() override = default;

    //! "local", "cloud": where the job list says a run happens.
    virtual QString where() const = 0;
    //! How many runs may be in progress at once; the rest wait in order.
    virtual void setConcurrency(int n) = 0;
    virtual int concurrency() const = 0;

    //! Queues the run; it starts when a slot is free. The spec's outputDir must not exist yet.
    virtual void start(const RunKey &key, const JobSpec &spec) = 0;
    //! Asks the run to stop. A waiting run ends at once (cancelled); a running one at its next
    //! check. False when the executor does not know the run.
    virtual bool cancel(const RunKey &key) = 0;
    //! Waiting or running.
    virtual bool isActive(const RunKey &key) const = 0;
    virtual int activeCount() const = 0;
    //! Cancels everything and waits at most `msecs` (never longer) for runs to stop; returns
    //! whether they all did. After it no signal is emitted. Runs still stopping are abandoned:
    //! they write only inside their own output folders.
    virtual bool shutdown(int msecs) = 0;

    //! Whether runs go on without this program (in the team's cloud): the store keeps them across a
    //! restart, resume() follows them again, and shutdown() leaves them going.
    virtual bool runsOutliveApp() const { return false; }
    //! Takes up a run an earlier session started: `remoteId` is the id runPlaced() gave then (empty
    //! when it was never handed over). Executors whose runs do not outlive the app start it afresh.
    virtual void resume(const RunKey &key, const JobSpec &spec, const QString &remoteId)
    {
        Q_UNUSED(remoteId);
        start(key, spec);
    }

Q_SIGNALS:
    void runStarted(const finpipe::jobs::RunKey &key);
    //! `fraction` in [0, 1], or -1 when unknown.
    void runProgress(const finpipe::jobs::RunKey &key, double fraction);
    void runFinished(const finpipe::jobs::RunOutcome &outcome);
    //! Where a remote run is: the cloud's id for it once submitted, the worker's host once one took
    //! it (empty until then).
    void runPlaced(const finpipe::jobs::RunKey &key, const QString &remoteId, const QString &host);
    //! Why a run still waits (e.g. "waiting for the cloud: cannot reach the database"); empty when
    //! it no longer does.
    void runWaiting(const finpipe::jobs::RunKey &key, const QString &why);
    //! A run of the analyst's that this program did not start; resume() follows it once the
    //! controller gave it a key.
    void foreignRunFound(const finpipe::jobs::ForeignRun &run);
};

} // namespace finpipe::jobs

Q_DECLARE_METATYPE(finpipe::jobs::RunKey)
Q_DECLARE_METATYPE(finpipe::jobs::RunOutcome)
Q_DECLARE_METATYPE(finpipe::jobs::ForeignRun)
