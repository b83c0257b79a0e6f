#pragma once

#include "common/feedback.h"
#include "common/result.h"
#include "jobs/jobexecutor.h"
#include "jobs/jobspecjson.h"
#include "jobs/jobstore.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace finpipe::jobs {

//! Owns the life of every local job: the store, the runs and their folders, and the executor that
//! runs them. Views (the app, the CLI) ask it to submit, re-run, cancel and remove, and follow its
//! signals; they never write the store themselves. Lives on one thread (the store's).
//!
//! Folders: `<outputRoot>/<job id>/job.json` (the job's file and choices) and
//! `<outputRoot>/<job id>/runs/<n>/` (run n's outputs and manifest.json). An id or run number whose
//! folder exists on disk is never used again, so no run writes beside another's files.
class JobController : public QObject
{
    Q_OBJECT

public:
    //! `storePath` empty means JobStore::defaultPath(); `outputRoot` empty means the `jobs` folder
    //! beside the store. `executor` null means a LocalExecutor.
    explicit JobController(const QString &storePath = {}, const QString &outputRoot = {},
                           std::unique_ptr<JobExecutor> executor = {}, QObject *parent = nullptr);
    //! shutdown(1000).
    ~JobController() override;

    //! Opens the store (healing a damaged one, see JobStore::open()) and, when the store is new,
    //! finds the jobs again from their folders' job.json and manifest.json files.
    Result<void> open();
    //! What the analyst should know about open(), in their words (empty when nothing happened):
    //! a damaged job list moved aside, jobs found again, runs interrupted by the last close.
    QStringList openNotes() const { return m_openNotes; }

    JobStore &store() { return m_store; }
    //! The executor of jobs on this computer.
    JobExecutor &executor() { return *m_executor; }
    //! Adds an executor for another place (its where(), e.g. "cloud"); call before open(), which
    //! hands it the runs it still had when the app last closed. Replaces one of the same place.
    void addExecutor(std::unique_ptr<JobExecutor> executor);
    //! The executor for a place ("local", "cloud"); null when there is none.
    JobExecutor *executorAt(const QString &place) const;
    QString outputRoot() const { return m_outputRoot; }
    //! Where new jobs' folders go from now on (existing jobs keep theirs); empty: beside the store.
    void setOutputRoot(const QString &root);
    void setConcurrency(int n);
    //! `<outputRoot>/<id>`.
    QString jobFolder(qint64 id) const;

    //! A new job: the analyst's file (`job`: path, name, hash, detection evidence, choices as
    //! JSON, the place to run it) and what to run (`spec`; its outputDir is ignored). Stores it and
    //! starts run 1.
    Result<qint64> submit(JobRecord job, const JobSpec &spec);
    //! A new run of the job: with `changed` when the analyst changed the choices, else the latest
    //! run's. The input is hashed again first (off this thread); when its bytes changed since the
    //! last run, inputChanged() tells why, and detection decides the type and columns afresh.
    //! False (with the reason in `why`) when the job is unknown or already active.
    //! `place`, when given, moves the job there ("local", "cloud"); else it runs where it last ran.
    bool rerun(qint64 id, const std::optional<JobSpec> &changed = {}, QString *why = nullptr,
               const QString &place = {});
    //! Stops the job's active run (or its pre-run hashing). False when nothing was active.
    bool cancel(qint64 id);
    //! Removes the job from the list, cancelling its run first; with `deleteOutputs` its run folders
    //! go too (a running run's folder once it stopped). Late results of a removed job are dropped.
    Result<void> remove(qint64 id, bool deleteOutputs);
    //! Bytes in the job's run folders.
    qint64 outputsSize(qint64 id) const;
    //! Hashing for a re-run, queued or running.
    bool isActive(qint64 id) const { return m_active.contains(id) || m_preparing.contains(id); }
    int activeCount() const { return int(m_active.size() + m_preparing.size()); }
    //! The run number the job's active run has (0 when none).
    int activeRun(qint64 id) const { return m_active.value(id, 0); }
    //! Cancels everything, records active runs as interrupted (Re-run offers them again), and waits
    //! at most `msecs` for them; never longer. Afterwards nothing more happens.
    bool shutdown(int msecs);

    //! The spec a job's run used (its stored JSON; for runs older than that, the job's choices).
    Result<PinnedSpec> specOf(const JobRun &run, const JobRecord &job) const;

Q_SIGNALS:
    void jobAdded(qint64 id);
    //! Its state, latest run, outputs or choices changed: read it again from the store.
    void jobChanged(qint64 id);
    void jobRemoved(qint64 id);
    //! `fraction` in [0, 1], or -1 when unknown.
    void jobProgress(qint64 id, double fraction);
    void runFinished(qint64 id, int run, finpipe::jobs::JobState state);
    //! The input's bytes changed since the last run ("raw_data.xlsx changed since the last run on
    //! 3 Dec 2026…").
    void inputChanged(qint64 id, const QString &message);
    //! The store could not be written or read.
    void storeFailed(const finpipe::Error &error);

private:
    void onRunStarted(const RunKey &key);
    void onRunFinished(const RunOutcome &outcome);
    void onHashed(qint64 id, const Result<QString> &digest, const std::optional<JobSpec> &changed,
                  const QString &place);
    void onRunPlaced(const RunKey &key, const QString &remoteId, const QString &host);
    void onRunWaiting(const RunKey &key, const QString &why);
    //! Adds a run the analyst started elsewhere as a job, and has its executor follow it.
    void onForeignRun(JobExecutor *executor, const ForeignRun &run);
    void connectExecutor(JobExecutor *executor);
    //! The executor running the job's active run (null when none).
    JobExecutor *activeExecutor(qint64 id) const;
    //! Hands the cloud runs the last session left going to their executor again.
    void resumeRemoteRuns();
    //! Creates run n (the next number whose folder does not exist) and hands it to the executor.
    //! `inputSha256` is the hash taken just before; the run's own replaces it when it read the file.
    //! `pins`: what `spec` depends on now (rules version, templates' SHA-256), recorded with the run.
    Result<int> startRun(const JobRecord &job, JobSpec spec, const SpecPins &pins, const QString &inputSha256,
                         const QString &note, const QString &place);
    //! A run that ended before it started (the input is gone): recorded, never handed out.
    void recordFailedRun(const JobRecord &job, const QString &message);
    qint64 nextJobId();
    //! Gives the job a new id, its run 1 (queued, in `<outputRoot>/<id>/runs/1`) and its job.json,
    //! and stores it; the caller hands the run to its executor.
    Result<void> addNewJob(JobRecord &job, const JobSpec &spec);
    Result<void> writeJobFile(const JobRecord &job, const JobSpec &spec) const;
    void deleteRunFolders(const QStringList &dirs) const;
    QString rulesVersion() const;
    void report(const Error &error);

    JobStore m_store;
    QString m_outputRoot;
    std::unique_ptr<JobExecutor> m_executor;
    //! Executors of other places, by where().
    std::vector<std::unique_ptr<JobExecutor>> m_remote;
    QStringList m_openNotes;
    bool m_shutDown = false;
    //! Job id -> its run in the executor.
    QHash<qint64, int> m_active;
    //! Job id -> the place its active run runs in.
    QHash<qint64, QString> m_activePlace;
    //! Job id -> the cancellation of its re-run's hashing.
    QHash<qint64, std::shared_ptr<Feedback>> m_preparing;
    //! Runs of removed jobs still stopping -> their folders to delete once stopped (maybe none).
    QHash<RunKey, QStringList> m_orphans;
};

} // namespace finpipe::jobs
