#include "jobs/jobstore.h"

#include <QAtomicInt>
#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

#include <algorithm>

namespace finpipe::jobs {

namespace {

constexpr const char *kStateNames[] = {"queued",    "running",   "succeeded",
                                       "failed",    "cancelled", "interrupted"};

QString toDb(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QStringLiteral("");
}

// A null QString binds as SQL NULL; the columns are NOT NULL text.
QVariant text(const QString &s)
{
    return s.isNull() ? QVariant(QStringLiteral("")) : QVariant(s);
}

QDateTime fromDb(const QVariant &v)
{
    const QString s = v.toString();
    if (s.isEmpty())
        return {};
    return QDateTime::fromString(s, Qt::ISODateWithMs).toUTC();
}

// Each step takes the schema from version i to i + 1. Steps are append-only: a released step is
// never edited, because databases out there have already run it.
const QList<QStringList> &migrations()
{
    static const QList<QStringList> steps = {
        // 0 -> 1: jobs and their outputs.
        {
            QStringLiteral("CREATE TABLE jobs ("
                           " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                           " input_path TEXT NOT NULL,"
                           " file_name TEXT NOT NULL,"
                           " sha256 TEXT NOT NULL,"
                           " size INTEGER NOT NULL DEFAULT 0,"
                           " dataset_type TEXT NOT NULL DEFAULT '',"
                           " confidence REAL NOT NULL DEFAULT 0,"
                           " level TEXT NOT NULL DEFAULT '',"
                           " mapping_json TEXT NOT NULL DEFAULT '',"
                           " parameters_json TEXT NOT NULL DEFAULT '',"
                           " state TEXT NOT NULL,"
                           " progress REAL NOT NULL DEFAULT 0,"
                           " error_message TEXT NOT NULL DEFAULT '',"
                           " created TEXT NOT NULL,"
                           " started TEXT NOT NULL DEFAULT '',"
                           " finished TEXT NOT NULL DEFAULT '',"
                           " output_dir TEXT NOT NULL DEFAULT '')"),
            QStringLiteral("CREATE INDEX jobs_sha256 ON jobs(sha256)"),
            QStringLiteral("CREATE TABLE outputs ("
                           " job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
                           " name TEXT NOT NULL,"
                           " size INTEGER NOT NULL,"
                           " sha256 TEXT NOT NULL,"
                           " PRIMARY KEY (job_id, name))"),
        },
        // 1 -> 2: detection evidence, the sheet read, and remembered mappings.
        {
            QStringLiteral("ALTER TABLE jobs ADD COLUMN detection_json TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE jobs ADD COLUMN sheet TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("CREATE TABLE mapping_profiles ("
                           " headers_key TEXT PRIMARY KEY,"
                           " dataset_type TEXT NOT NULL,"
                           " mapping_json TEXT NOT NULL,"
                           " saved TEXT NOT NULL)"),
        },
    };
    return steps;
}

const QString kJobColumns = QStringLiteral(
    "id, input_path, file_name, sha256, size, sheet, dataset_type, confidence, level,"
    " mapping_json, parameters_json, detection_json, state, progress, error_message, created,"
    " started, finished, output_dir");

JobRecord readJob(const QSqlQuery &q)
{
    JobRecord j;
    int c = 0;
    j.id = q.value(c++).toLongLong();
    j.inputPath = q.value(c++).toString();
    j.fileName = q.value(c++).toString();
    j.sha256 = q.value(c++).toString();
    j.size = q.value(c++).toLongLong();
    j.sheet = q.value(c++).toString();
    j.datasetType = q.value(c++).toString();
    j.confidence = q.value(c++).toDouble();
    j.level = q.value(c++).toString();
    j.mappingJson = q.value(c++).toString();
    j.parametersJson = q.value(c++).toString();
    j.detectionJson = q.value(c++).toString();
    // An unknown state can only come from a newer build; showing it as interrupted offers Re-run.
    j.state = jobStateFromName(q.value(c++).toString()).value_or(JobState::Interrupted);
    j.progress = q.value(c++).toDouble();
    j.errorMessage = q.value(c++).toString();
    j.created = fromDb(q.value(c++));
    j.started = fromDb(q.value(c++));
    j.finished = fromDb(q.value(c++));
    j.outputDir = q.value(c++).toString();
    return j;
}

} // namespace

QString jobStateName(JobState state)
{
    return QString::fromLatin1(kStateNames[int(state)]);
}

std::optional<JobState> jobStateFromName(const QString &name)
{
    for (int i = 0; i < int(std::size(kStateNames)); ++i)
        if (name == QLatin1String(kStateNames[i]))
            return JobState(i);
    return std::nullopt;
}

bool isFinalState(JobState state)
{
    return state != JobState::Queued && state != JobState::Running;
}

JobStore::JobStore(QString databasePath)
    : m_path(databasePath.isEmpty() ? defaultPath() : std::move(databasePath))
{
    static QAtomicInt counter;
    m_connection = QStringLiteral("finpipe-jobstore-%1").arg(counter.fetchAndAddRelaxed(1));
}

JobStore::~JobStore()
{
    if (QSqlDatabase::contains(m_connection)) {
        QSqlDatabase::database(m_connection, false).close();
        QSqlDatabase::removeDatabase(m_connection);
    }
}

QString JobStore::defaultPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("jobs.sqlite"));
}

QString JobStore::defaultOutputRoot()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("jobs"));
}

QString JobStore::headersKey(const QStringList &headers)
{
    QStringList sorted = headers;
    std::sort(sorted.begin(), sorted.end());
    // A unit separator cannot appear in a sensible header, so the join is unambiguous enough.
    return sorted.join(QChar(0x1f));
}

Error JobStore::dbError(const QString &what, const QString &detail) const
{
    return Error::make(Error::Code::Unreadable,
                       QStringLiteral("The job list (%1) could not be %2.")
                           .arg(QDir::toNativeSeparators(m_path), what),
                       detail);
}

bool JobStore::isOpen() const
{
    return QSqlDatabase::contains(m_connection)
        && QSqlDatabase::database(m_connection, false).isOpen();
}

Result<void> JobStore::open()
{
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath()))
        return Error::make(Error::Code::Permission,
                           QStringLiteral("The folder for the job list (%1) could not be created.")
                               .arg(QDir::toNativeSeparators(QFileInfo(m_path).absolutePath())));
    QSqlDatabase db = QSqlDatabase::contains(m_connection)
        ? QSqlDatabase::database(m_connection, false)
        : QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(m_path);
    if (!db.open())
        return dbError(QStringLiteral("opened"), db.lastError().text());
    QSqlQuery pragma(db);
    pragma.exec(QStringLiteral("PRAGMA foreign_keys = ON"));
    // Another instance may hold the file briefly; wait rather than fail.
    pragma.exec(QStringLiteral("PRAGMA busy_timeout = 3000"));
    // The GUI thread writes here on every state change: WAL with synchronous=NORMAL commits without
    // an fsync each time (a power cut may lose the last state change, never corrupt the file), so a
    // busy disk cannot freeze the window.
    pragma.exec(QStringLiteral("PRAGMA journal_mode = WAL"));
    pragma.exec(QStringLiteral("PRAGMA synchronous = NORMAL"));

    if (auto m = migrate(); !m)
        return m;

    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE jobs SET state = ?, error_message = ?, finished = ?"
                             " WHERE state = ?"));
    q.addBindValue(jobStateName(JobState::Interrupted));
    q.addBindValue(QStringLiteral("finpipe was closed while this job was running. Re-run it to "
                                  "get its results."));
    q.addBindValue(toDb(QDateTime::currentDateTimeUtc()));
    q.addBindValue(jobStateName(JobState::Running));
    if (!q.exec())
        return dbError(QStringLiteral("updated"), q.lastError().text());
    m_interruptedAtOpen = q.numRowsAffected();
    // Queued jobs belonged to the runner of the previous session; nothing will start them now.
    QSqlQuery q2(db);
    q2.prepare(QStringLiteral("UPDATE jobs SET state = ?, error_message = ? WHERE state = ?"));
    q2.addBindValue(jobStateName(JobState::Interrupted));
    q2.addBindValue(QStringLiteral("finpipe was closed before this job started. Re-run it to get "
                                   "its results."));
    q2.addBindValue(jobStateName(JobState::Queued));
    if (!q2.exec())
        return dbError(QStringLiteral("updated"), q2.lastError().text());
    m_interruptedAtOpen += q2.numRowsAffected();
    return {};
}

Result<void> JobStore::migrate()
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")))
        return dbError(QStringLiteral("prepared"), q.lastError().text());
    int version = 0;
    if (q.exec(QStringLiteral("SELECT version FROM schema_version")) && q.next())
        version = q.value(0).toInt();
    else if (!q.exec(QStringLiteral("INSERT INTO schema_version (version) VALUES (0)")))
        return dbError(QStringLiteral("prepared"), q.lastError().text());
    m_versionAtOpen = version;

    if (version > kSchemaVersion)
        return Error::make(Error::Code::Unsupported,
                           QStringLiteral("The job list (%1) was written by a newer finpipe. Update "
                                          "finpipe to open it.")
                               .arg(QDir::toNativeSeparators(m_path)),
                           QStringLiteral("schema version %1, this build knows %2")
                               .arg(version)
                               .arg(kSchemaVersion));

    const auto &steps = migrations();
    for (int v = version; v < kSchemaVersion; ++v) {
        // One transaction per step: a crash mid-migration leaves the previous version intact.
        if (!db.transaction())
            return dbError(QStringLiteral("upgraded"), db.lastError().text());
        for (const QString &sql : steps[v]) {
            QSqlQuery s(db);
            if (!s.exec(sql)) {
                const QString why = s.lastError().text();
                db.rollback();
                return dbError(QStringLiteral("upgraded"),
                               QStringLiteral("step %1: %2").arg(v + 1).arg(why));
            }
        }
        QSqlQuery s(db);
        s.prepare(QStringLiteral("UPDATE schema_version SET version = ?"));
        s.addBindValue(v + 1);
        if (!s.exec() || !db.commit()) {
            const QString why = s.lastError().text();
            db.rollback();
            return dbError(QStringLiteral("upgraded"), why);
        }
    }
    return {};
}

namespace {
//! Binds a job's columns in the order both INSERT and UPDATE name them.
void bindJobColumns(QSqlQuery &q, const JobRecord &job)
{
    q.addBindValue(text(job.inputPath));
    q.addBindValue(text(job.fileName));
    q.addBindValue(text(job.sha256));
    q.addBindValue(job.size);
    q.addBindValue(text(job.sheet));
    q.addBindValue(text(job.datasetType));
    q.addBindValue(job.confidence);
    q.addBindValue(text(job.level));
    q.addBindValue(text(job.mappingJson));
    q.addBindValue(text(job.parametersJson));
    q.addBindValue(text(job.detectionJson));
    q.addBindValue(jobStateName(job.state));
    q.addBindValue(job.progress);
    q.addBindValue(text(job.errorMessage));
    q.addBindValue(toDb(job.created));
    q.addBindValue(toDb(job.started));
    q.addBindValue(toDb(job.finished));
    q.addBindValue(text(job.outputDir));
}
} // namespace

Result<qint64> JobStore::addJob(JobRecord &job)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!job.created.isValid())
        job.created = QDateTime::currentDateTimeUtc();
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "INSERT INTO jobs (input_path, file_name, sha256, size, sheet, dataset_type, confidence,"
        " level, mapping_json, parameters_json, detection_json, state, progress, error_message,"
        " created, started, finished, output_dir)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    bindJobColumns(q, job);
    if (!q.exec())
        return dbError(QStringLiteral("added"), q.lastError().text());
    job.id = q.lastInsertId().toLongLong();
    if (!job.outputs.isEmpty())
        if (auto r = setOutputs(job.id, job.outputs); !r)
            return r.error();
    return job.id;
}

Result<void> JobStore::updateJob(const JobRecord &job)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral(
        "UPDATE jobs SET input_path = ?, file_name = ?, sha256 = ?, size = ?, sheet = ?,"
        " dataset_type = ?, confidence = ?, level = ?, mapping_json = ?, parameters_json = ?,"
        " detection_json = ?, state = ?, progress = ?, error_message = ?, created = ?, started = ?,"
        " finished = ?, output_dir = ? WHERE id = ?"));
    bindJobColumns(q, job);
    q.addBindValue(job.id);
    if (!q.exec())
        return dbError(QStringLiteral("updated"), q.lastError().text());
    return {};
}

Result<void> JobStore::setState(qint64 id, JobState state, const QString &errorMessage)
{
    const QString now = toDb(QDateTime::currentDateTimeUtc());
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (state == JobState::Running) {
        // A re-run starts afresh: clear the previous end, error and progress.
        q.prepare(QStringLiteral("UPDATE jobs SET state = ?, error_message = ?, started = ?,"
                                 " finished = '', progress = 0 WHERE id = ?"));
        q.addBindValue(jobStateName(state));
        q.addBindValue(text(errorMessage));
        q.addBindValue(now);
    } else if (isFinalState(state)) {
        q.prepare(QStringLiteral("UPDATE jobs SET state = ?, error_message = ?, finished = ?"
                                 " WHERE id = ?"));
        q.addBindValue(jobStateName(state));
        q.addBindValue(text(errorMessage));
        q.addBindValue(now);
    } else {
        q.prepare(QStringLiteral("UPDATE jobs SET state = ?, error_message = ?, started = '',"
                                 " finished = '', progress = 0 WHERE id = ?"));
        q.addBindValue(jobStateName(state));
        q.addBindValue(text(errorMessage));
    }
    q.addBindValue(id);
    if (!q.exec())
        return dbError(QStringLiteral("updated"), q.lastError().text());
    return {};
}

Result<void> JobStore::setProgress(qint64 id, double progress)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("UPDATE jobs SET progress = ? WHERE id = ?"));
    q.addBindValue(qBound(0.0, progress, 1.0));
    q.addBindValue(id);
    if (!q.exec())
        return dbError(QStringLiteral("updated"), q.lastError().text());
    return {};
}

Result<void> JobStore::setOutputDir(qint64 id, const QString &dir)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("UPDATE jobs SET output_dir = ? WHERE id = ?"));
    q.addBindValue(text(dir));
    q.addBindValue(id);
    if (!q.exec())
        return dbError(QStringLiteral("updated"), q.lastError().text());
    return {};
}

Result<void> JobStore::setOutputs(qint64 id, const QList<JobOutput> &outputs)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction())
        return dbError(QStringLiteral("updated"), db.lastError().text());
    QSqlQuery del(db);
    del.prepare(QStringLiteral("DELETE FROM outputs WHERE job_id = ?"));
    del.addBindValue(id);
    if (!del.exec()) {
        db.rollback();
        return dbError(QStringLiteral("updated"), del.lastError().text());
    }
    for (const JobOutput &o : outputs) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO outputs (job_id, name, size, sha256) VALUES (?, ?, ?, ?)"));
        q.addBindValue(id);
        q.addBindValue(text(o.name));
        q.addBindValue(o.size);
        q.addBindValue(text(o.sha256));
        if (!q.exec()) {
            db.rollback();
            return dbError(QStringLiteral("updated"), q.lastError().text());
        }
    }
    if (!db.commit())
        return dbError(QStringLiteral("updated"), db.lastError().text());
    return {};
}

Result<void> JobStore::removeJob(qint64 id)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("DELETE FROM jobs WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec())
        return dbError(QStringLiteral("updated"), q.lastError().text());
    return {};
}

namespace {

Result<QList<JobOutput>> readOutputs(const QSqlDatabase &db, qint64 id)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT name, size, sha256 FROM outputs WHERE job_id = ? ORDER BY name"));
    q.addBindValue(id);
    if (!q.exec())
        return Error::make(Error::Code::Unreadable, QStringLiteral("The job list could not be read."),
                           q.lastError().text());
    QList<JobOutput> list;
    while (q.next())
        list.append({q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toString()});
    return list;
}

} // namespace

Result<std::optional<JobRecord>> JobStore::job(qint64 id) const
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT %1 FROM jobs WHERE id = ?").arg(kJobColumns));
    q.addBindValue(id);
    if (!q.exec())
        return dbError(QStringLiteral("read"), q.lastError().text());
    if (!q.next())
        return std::optional<JobRecord>();
    JobRecord j = readJob(q);
    auto outputs = readOutputs(db, id);
    if (!outputs)
        return outputs.error();
    j.outputs = *outputs;
    return std::optional<JobRecord>(std::move(j));
}

Result<QList<JobRecord>> JobStore::jobs() const
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT %1 FROM jobs ORDER BY id DESC").arg(kJobColumns)))
        return dbError(QStringLiteral("read"), q.lastError().text());
    QList<JobRecord> list;
    while (q.next())
        list.append(readJob(q));
    for (JobRecord &j : list) {
        auto outputs = readOutputs(db, j.id);
        if (!outputs)
            return outputs.error();
        j.outputs = *outputs;
    }
    return list;
}

Result<QList<JobRecord>> JobStore::jobsBySha256(const QString &sha256) const
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT %1 FROM jobs WHERE sha256 = ? ORDER BY id DESC").arg(kJobColumns));
    q.addBindValue(sha256.toLower());
    if (!q.exec())
        return dbError(QStringLiteral("read"), q.lastError().text());
    QList<JobRecord> list;
    while (q.next())
        list.append(readJob(q));
    for (JobRecord &j : list) {
        auto outputs = readOutputs(db, j.id);
        if (!outputs)
            return outputs.error();
        j.outputs = *outputs;
    }
    return list;
}

Result<void> JobStore::saveProfile(const MappingProfile &profile)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("INSERT OR REPLACE INTO mapping_profiles"
                             " (headers_key, dataset_type, mapping_json, saved) VALUES (?, ?, ?, ?)"));
    q.addBindValue(text(profile.headersKey));
    q.addBindValue(text(profile.datasetType));
    q.addBindValue(text(profile.mappingJson));
    q.addBindValue(toDb(profile.saved.isValid() ? profile.saved : QDateTime::currentDateTimeUtc()));
    if (!q.exec())
        return dbError(QStringLiteral("updated"), q.lastError().text());
    return {};
}

Result<std::optional<MappingProfile>> JobStore::profileFor(const QString &headersKey) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT headers_key, dataset_type, mapping_json, saved"
                             " FROM mapping_profiles WHERE headers_key = ?"));
    q.addBindValue(text(headersKey));
    if (!q.exec())
        return dbError(QStringLiteral("read"), q.lastError().text());
    if (!q.next())
        return std::optional<MappingProfile>();
    return std::optional<MappingProfile>(MappingProfile{
        q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), fromDb(q.value(3))});
}

} // namespace finpipe::jobs
