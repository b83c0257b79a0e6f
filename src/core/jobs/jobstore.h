#pragma once

#include "common/result.h"
#include "detect/detection.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace finpipe::jobs {

//! Where a local job is in its life. Stored by name ("queued", ...).
enum class JobState { Queued, Running, Succeeded, Failed, Cancelled, Interrupted };

//! "queued", "running", "succeeded", "failed", "cancelled", "interrupted".
QString jobStateName(JobState state);
std::optional<JobState> jobStateFromName(const QString &name);
//! True for the states a job never leaves on its own (all but queued and running).
bool isFinalState(JobState state);

//! Reads detect::levelName()'s spelling ("very_low") and the older "very low".
std::optional<detect::Level> levelFromName(const QString &name);

//! One file the job wrote into its output folder.
struct JobOutput {
    QString name;    //!< file name inside the output folder
    qint64 size = 0;
    QString sha256;  //!< lower-case hex
};

//! One run of a job: the first run, a re-run, a re-run with changes. Each has its own folder.
struct JobRun {
    qint64 jobId = 0;
    int number = 0;              //!< 1, 2, …; assigned by addRun() when 0
    JobState state = JobState::Queued;
    double progress = 0;         //!< in [0, 1]
    QString errorMessage;        //!< in the analyst's words, for failed/cancelled/interrupted runs
    QDateTime created;           //!< UTC
    QDateTime started;           //!< UTC; invalid until it runs
    QDateTime finished;          //!< UTC; invalid until it ends
    QString outputDir;           //!< `<root>/<job id>/runs/<n>`; never an existing folder
    QString inputSha256;         //!< of the bytes this run read (empty until it read them)
    qint64 inputSize = 0;
    QString specJson;            //!< jobSpecToJson(): everything chosen for this run
    QString datasetType;         //!< the type this run used
    QString mappingJson;         //!< the mapping this run used (as JobRecord::mappingJson)
    QString note;                //!< why this run differs, e.g. the file changed since the last run
    QString place = QStringLiteral("local"); //!< where it runs: JobExecutor::where() ("local", "cloud")
    QString remoteId;            //!< the cloud's id of the run once submitted; empty until then
    QString remoteHost;          //!< the cloud worker's host once one claimed it
    QList<JobOutput> outputs;
};

//! A job as the store keeps it: the analyst's file and choices, plus its latest run's state.
struct JobRecord {
    qint64 id = 0;               //!< assigned by addJob() when 0
    QString inputPath;
    QString fileName;            //!< the input's name as shown to the analyst
    QString sha256;              //!< of the input as last read
    qint64 size = 0;             //!< of the input, bytes
    QString sheet;               //!< xlsx sheet read, if any
    QString datasetType;         //!< rules id
    double confidence = 0;
    //! Detection's level; empty when the analyst named the type.
    std::optional<detect::Level> level;
    QString mappingJson;         //!< {"type":…, "roles":{role: column}, "overridden":bool}
    QString parametersJson;      //!< the analysis parameters, as JSON
    QString detectionJson;       //!< detection evidence (scores, strategies, reasons), as JSON
    // The latest run (mirrors runs' last entry; addJob() makes run 1 from these).
    int runNumber = 0;           //!< the latest run's number; 0 before the first
    int runCount = 0;
    int lastGoodRun = 0;         //!< the latest succeeded run's number; 0 if none
    JobState state = JobState::Queued;
    double progress = 0;         //!< in [0, 1]
    QString errorMessage;        //!< in the analyst's words, for failed/interrupted jobs
    QDateTime created;           //!< UTC
    QDateTime started;           //!< UTC; invalid until it runs
    QDateTime finished;          //!< UTC; invalid until it ends
    QString outputDir;
    QString place = QStringLiteral("local"); //!< the latest run's (JobRun::place)
    QString remoteId;            //!< the latest run's
    QString remoteHost;          //!< the latest run's
    QList<JobOutput> outputs;
};

//! A remembered mapping for files whose headers match exactly (order-insensitive).
struct MappingProfile {
    QString headersKey;          //!< see headersKey()
    QString datasetType;
    QString mappingJson;         //!< {"type":…, "roles":{…}}
    QDateTime saved;             //!< UTC
};

//! The local job store: a SQLite database in the user's application-data folder.
//! Lives on one thread (the one that calls open()); every statement is parameterised.
class JobStore
{
public:
    //! Schema version this build writes; older databases are migrated by open().
    static constexpr int kSchemaVersion = 4;

    //! `databasePath` empty means defaultPath().
    explicit JobStore(QString databasePath = {});
    ~JobStore();
    JobStore(const JobStore &) = delete;
    JobStore &operator=(const JobStore &) = delete;

    //! `<AppDataLocation>/jobs.sqlite`.
    static QString defaultPath();
    //! `<AppDataLocation>/jobs`: the parent of each job's output folder.
    static QString defaultOutputRoot();
    //! A stable key for a set of column headers (sorted, case kept), for mapping profiles.
    static QString headersKey(const QStringList &headers);

    //! Opens (creating folders and the file if needed), checks it (a damaged file, or one with no
    //! schema, is moved aside and a fresh one started: see movedAsideAtOpen()), migrates the
    //! schema, and, with `claimRuns`, marks runs on this computer that were left queued or running
    //! (the app was killed) as interrupted; runs in the cloud go on without the app and are kept. Only the one app that owns the store may claim them (see the app's
    //! SingleInstance); a reader such as the CLI passes false and leaves a running app's runs alone.
    Result<void> open(bool claimRuns = true);
    bool isOpen() const;
    QString path() const { return m_path; }
    //! The schema version found in the file before open() migrated it (0 for a new file).
    int schemaVersionAtOpen() const { return m_versionAtOpen; }
    //! How many running jobs open() turned into interrupted ones.
    int interruptedAtOpen() const { return m_interruptedAtOpen; }
    //! Where open() moved a damaged file (`<path>.damaged-<timestamp>`); empty when it did not.
    QString movedAsideAtOpen() const { return m_movedAside; }
    //! True when open() created the file (it did not exist, or a damaged one was moved aside).
    bool createdAtOpen() const { return m_created; }

    //! Inserts the job (id when unset, created) and its run 1 from the record's run fields
    //! (state, times, output folder, outputs), and returns its id.
    Result<qint64> addJob(JobRecord &job);
    //! Writes every column of an existing job and of its latest run (not the outputs).
    Result<void> updateJob(const JobRecord &job);
    //! Changes the latest run's state (and error message); sets started when it becomes running
    //! and finished when it reaches a final state.
    Result<void> setState(qint64 id, JobState state, const QString &errorMessage = {});
    Result<void> setProgress(qint64 id, double progress);
    Result<void> setOutputDir(qint64 id, const QString &dir);
    //! Replaces the latest run's list of outputs.
    Result<void> setOutputs(qint64 id, const QList<JobOutput> &outputs);
    //! Removes the job with all its runs (not their folders).
    Result<void> removeJob(qint64 id);
    //! The highest job id ever used in this store (0 for none).
    Result<qint64> maxJobId() const;

    //! Appends a run (number when unset: one past the last) and returns its number.
    Result<int> addRun(JobRun &run);
    //! Writes every column of the run (not its outputs).
    Result<void> updateRun(const JobRun &run);
    Result<void> setRunState(qint64 jobId, int number, JobState state, const QString &errorMessage = {});
    Result<void> setRunProgress(qint64 jobId, int number, double progress);
    Result<void> setRunOutputs(qint64 jobId, int number, const QList<JobOutput> &outputs);
    //! Records the cloud's id of a run and the host of the worker running it (empty: unknown yet).
    Result<void> setRunRemote(qint64 jobId, int number, const QString &remoteId, const QString &remoteHost);
    //! The job's runs, oldest first, with outputs.
    Result<QList<JobRun>> runs(qint64 jobId) const;
    Result<std::optional<JobRun>> run(qint64 jobId, int number) const;

    Result<std::optional<JobRecord>> job(qint64 id) const;
    //! Every job, newest first, with its latest run and that run's outputs.
    Result<QList<JobRecord>> jobs() const;
    //! The job with a run the cloud knows by this id; 0 when none.
    Result<qint64> jobWithRemoteId(const QString &remoteId) const;
    //! Jobs whose input had this SHA-256, newest first (the duplicate check).
    Result<QList<JobRecord>> jobsBySha256(const QString &sha256) const;

    Result<void> saveProfile(const MappingProfile &profile);
    Result<std::optional<MappingProfile>> profileFor(const QString &headersKey) const;

private:
    Result<void> openFile();
    //! Integrity check and schema check of an existing file; an error describes the damage.
    Result<void> checkHealth();
    Result<void> moveAside(const QString &why);
    Result<void> migrate();
    Result<int> latestRun(qint64 jobId) const;
    Result<void> fillLatestRun(JobRecord &job) const;
    Error dbError(const QString &what, const QString &detail) const;

    QString m_path;
    QString m_connection;
    int m_versionAtOpen = 0;
    int m_interruptedAtOpen = 0;
    QString m_movedAside;
    bool m_created = false;
};

} // namespace finpipe::jobs
