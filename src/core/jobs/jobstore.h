#pragma once

#include "common/result.h"

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

//! One file the job wrote into its output folder.
struct JobOutput {
    QString name;    //!< file name inside the output folder
    qint64 size = 0;
    QString sha256;  //!< lower-case hex
};

//! A job as the store keeps it.
struct JobRecord {
    qint64 id = 0;               //!< assigned by addJob()
    QString inputPath;
    QString fileName;            //!< the input's name as shown to the analyst
    QString sha256;              //!< of the input
    qint64 size = 0;             //!< of the input, bytes
    QString sheet;               //!< xlsx sheet read, if any
    QString datasetType;         //!< rules id
    double confidence = 0;
    QString level;               //!< "high", "medium", "low", "very low"
    QString mappingJson;         //!< {"type":…, "roles":{role: column}, "overridden":bool}
    QString parametersJson;      //!< the analysis parameters, as JSON
    QString detectionJson;       //!< detection evidence (scores, strategies, reasons), as JSON
    JobState state = JobState::Queued;
    double progress = 0;         //!< in [0, 1]
    QString errorMessage;        //!< in the analyst's words, for failed/interrupted jobs
    QDateTime created;           //!< UTC
    QDateTime started;           //!< UTC; invalid until it runs
    QDateTime finished;          //!< UTC; invalid until it ends
    QString outputDir;
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
    static constexpr int kSchemaVersion = 2;

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

    //! Opens (creating folders and the file if needed), migrates the schema, and marks jobs that
    //! were left `running` (the app was killed) as interrupted.
    Result<void> open();
    bool isOpen() const;
    QString path() const { return m_path; }
    //! The schema version found in the file before open() migrated it (0 for a new file).
    int schemaVersionAtOpen() const { return m_versionAtOpen; }
    //! How many running jobs open() turned into interrupted ones.
    int interruptedAtOpen() const { return m_interruptedAtOpen; }

    //! Inserts the job (id, created filled in when unset) and returns its id.
    Result<qint64> addJob(JobRecord &job);
    //! Writes every column of an existing job (not its outputs).
    Result<void> updateJob(const JobRecord &job);
    //! Changes state (and error message); sets started when it becomes running and finished when
    //! it reaches a final state.
    Result<void> setState(qint64 id, JobState state, const QString &errorMessage = {});
    Result<void> setProgress(qint64 id, double progress);
    Result<void> setOutputDir(qint64 id, const QString &dir);
    //! Replaces the job's list of outputs.
    Result<void> setOutputs(qint64 id, const QList<JobOutput> &outputs);
    Result<void> removeJob(qint64 id);

    Result<std::optional<JobRecord>> job(qint64 id) const;
    //! Every job, newest first, with outputs.
    Result<QList<JobRecord>> jobs() const;
    //! Jobs whose input had this SHA-256, newest first (the duplicate check).
    Result<QList<JobRecord>> jobsBySha256(const QString &sha256) const;

    Result<void> saveProfile(const MappingProfile &profile);
    Result<std::optional<MappingProfile>> profileFor(const QString &headersKey) const;

private:
    Result<void> migrate();
    Error dbError(const QString &what, const QString &detail) const;

    QString m_path;
    QString m_connection;
    int m_versionAtOpen = 0;
    int m_interruptedAtOpen = 0;
};

} // namespace finpipe::jobs
