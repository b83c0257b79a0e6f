#include "jobs/jobstore.h"

#include <QAtomicInt>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

#include <algorithm>

#include "jobs/jobstoresql.h"

namespace finpipe::jobs {

using storesql::fromDb;
using storesql::text;
using storesql::toDb;

namespace {

constexpr const char *kStateNames[] = {"queued",    "running",   "succeeded",
                                       "failed",    "cancelled", "interrupted"};

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
        // 2 -> 3: runs. Each job's existing state, times, folder and outputs become its run 1; the
        // run columns left in `jobs` are no longer read.
        {
            QStringLiteral("CREATE TABLE runs ("
                           " job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
                           " number INTEGER NOT NULL,"
                           " state TEXT NOT NULL,"
                           " progress REAL NOT NULL DEFAULT 0,"
                           " error_message TEXT NOT NULL DEFAULT '',"
                           " created TEXT NOT NULL,"
                           " started TEXT NOT NULL DEFAULT '',"
                           " finished TEXT NOT NULL DEFAULT '',"
                           " output_dir TEXT NOT NULL DEFAULT '',"
                           " input_sha256 TEXT NOT NULL DEFAULT '',"
                           " input_size INTEGER NOT NULL DEFAULT 0,"
                           " spec_json TEXT NOT NULL DEFAULT '',"
                           " dataset_type TEXT NOT NULL DEFAULT '',"
                           " mapping_json TEXT NOT NULL DEFAULT '',"
                           " note TEXT NOT NULL DEFAULT '',"
                           " PRIMARY KEY (job_id, number))"),
            QStringLiteral("INSERT INTO runs (job_id, number, state, progress, error_message, created,"
                           " started, finished, output_dir, input_sha256, input_size, dataset_type,"
                           " mapping_json)"
                           " SELECT id, 1, state, progress, error_message, created, started, finished,"
                           " output_dir, sha256, size, dataset_type, mapping_json FROM jobs"),
            QStringLiteral("CREATE TABLE run_outputs ("
                           " job_id INTEGER NOT NULL,"
                           " run INTEGER NOT NULL,"
                           " name TEXT NOT NULL,"
                           " size INTEGER NOT NULL,"
                           " sha256 TEXT NOT NULL,"
                           " PRIMARY KEY (job_id, run, name),"
                           " FOREIGN KEY (job_id, run) REFERENCES runs(job_id, number) ON DELETE CASCADE)"),
            QStringLiteral("INSERT INTO run_outputs (job_id, run, name, size, sha256)"
                           " SELECT job_id, 1, name, size, sha256 FROM outputs"),
            QStringLiteral("DROP TABLE outputs"),
        },
        // 3 -> 4: where each run runs (this computer or the team's cloud) and the cloud's id for it.
        {
            QStringLiteral("ALTER TABLE runs ADD COLUMN place TEXT NOT NULL DEFAULT 'local'"),
            QStringLiteral("ALTER TABLE runs ADD COLUMN remote_id TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE runs ADD COLUMN remote_host TEXT NOT NULL DEFAULT ''"),
        },
    };
    return steps;
}

const QString kJobColumns = QStringLiteral(
    "id, input_path, file_name, sha256, size, sheet, dataset_type, confidence, level,"
    " mapping_json, parameters_json, detection_json, created");

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
    j.level = levelFromName(q.value(c++).toString());
    j.mappingJson = q.value(c++).toString();
    j.parametersJson = q.value(c++).toString();
    j.detectionJson = q.value(c++).toString();
    j.created = fromDb(q.value(c++));
    return j;
}

//! The run columns a job record mirrors from its latest run.
void copyRunIntoJob(const JobRun &r, JobRecord &j)
{
    j.runNumber = r.number;
    j.state = r.state;
    j.progress = r.progress;
    j.errorMessage = r.errorMessage;
    j.started = r.started;
    j.finished = r.finished;
    j.outputDir = r.outputDir;
    j.place = r.place;
    j.remoteId = r.remoteId;
    j.remoteHost = r.remoteHost;
    j.outputs = r.outputs;
}

JobRun runFromJob(const JobRecord &j)
{
    JobRun r;
    r.jobId = j.id;
    r.number = j.runNumber > 0 ? j.runNumber : 1;
    r.state = j.state;
    r.progress = j.progress;
    r.errorMessage = j.errorMessage;
    r.created = j.created;
    r.started = j.started;
    r.finished = j.finished;
    r.outputDir = j.outputDir;
    r.inputSha256 = j.sha256;
    r.inputSize = j.size;
    r.datasetType = j.datasetType;
    r.mappingJson = j.mappingJson;
    r.place = j.place;
    r.remoteId = j.remoteId;
    r.remoteHost = j.remoteHost;
    r.outputs = j.outputs;
    return r;
}

QString dbLevel(const std::optional<detect::Level> &level)
{
    return level ? detect::levelName(*level) : QStringLiteral("");
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

std::optional<detect::Level> levelFromName(const QString &name)
{
    for (detect::Level l : {detect::Level::High, detect::Level::Medium, detect::Level::Low, detect::Level::VeryLow})
        if (name == detect::levelName(l))
            return l;
    // Stores written before the spelling was settled used a space.
    if (name == u"very low")
        return detect::Level::VeryLow;
    return std::nullopt;
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

Result<void> JobStore::openFile()
{
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
    return {};
}

Result<void> JobStore::checkHealth()
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    // quick_check reads every page (not the indexes' contents): damage and "not a database" show.
    if (!q.exec(QStringLiteral("PRAGMA quick_check")))
        return dbError(QStringLiteral("read"), q.lastError().text());
    QStringList problems;
    while (q.next())
        if (const QString line = q.value(0).toString(); line != u"ok")
            problems.append(line);
    if (!problems.isEmpty())
        return dbError(QStringLiteral("read"), problems.mid(0, 3).join(QStringLiteral("; ")));
    QSqlQuery t(db);
    if (!t.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'")))
        return dbError(QStringLiteral("read"), t.lastError().text());
    QStringList tables;
    while (t.next())
        tables.append(t.value(0).toString());
    if (!tables.contains(u"schema_version") || !tables.contains(u"jobs"))
        return dbError(QStringLiteral("read"), QStringLiteral("its tables are missing"));
    return {};
}

Result<void> JobStore::moveAside(const QString &why)
{
    if (QSqlDatabase::contains(m_connection))
        QSqlDatabase::database(m_connection, false).close();
    const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString target = m_path + QStringLiteral(".damaged-") + stamp;
    for (int n = 2; QFileInfo::exists(target); ++n)
        target = m_path + QStringLiteral(".damaged-%1-%2").arg(stamp).arg(n);
    if (!QFile::rename(m_path, target))
        return Error::make(Error::Code::Permission,
                           QStringLiteral("The job list (%1) is damaged and could not be moved aside.")
                               .arg(QDir::toNativeSeparators(m_path)),
                           why);
    // The journal files belong to the damaged file; a fresh file must not replay them.
    for (const char *suffix : {"-wal", "-shm", "-journal"})
        if (QFileInfo::exists(m_path + QLatin1String(suffix)))
            QFile::rename(m_path + QLatin1String(suffix), target + QLatin1String(suffix));
    qWarning("finpipe: the job list %s was damaged (%s); moved to %s", qPrintable(m_path), qPrintable(why),
             qPrintable(target));
    m_movedAside = target;
    return {};
}

Result<void> JobStore::open(bool claimRuns)
{
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath()))
        return Error::make(Error::Code::Permission,
                           QStringLiteral("The folder for the job list (%1) could not be created.")
                               .arg(QDir::toNativeSeparators(QFileInfo(m_path).absolutePath())));
    m_movedAside.clear();
    m_created = !QFileInfo::exists(m_path);
    if (!m_created && QFileInfo(m_path).size() == 0) {
        // SQLite would take an empty file as a new database: the job list would silently be empty
        // and the next job would reuse id 1.
        if (auto r = moveAside(QStringLiteral("the file is empty")); !r)
            return r;
        m_created = true;
    }
    auto opened = openFile();
    if (!opened && !m_created) {
        if (auto r = moveAside(opened.error().detail); !r)
            return r;
        m_created = true;
        opened = openFile();
    }
    if (!opened)
        return opened;
    if (!m_created) {
        if (auto health = checkHealth(); !health) {
            if (auto r = moveAside(health.error().detail); !r)
                return r;
            m_created = true;
            if (auto again = openFile(); !again)
                return again;
        }
    }
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery pragma(db);
    // The GUI thread writes here on every state change: WAL with synchronous=NORMAL commits without
    // an fsync each time (a power cut may lose the last state change, never corrupt the file), so a
    // busy disk cannot freeze the window.
    pragma.exec(QStringLiteral("PRAGMA journal_mode = WAL"));
    pragma.exec(QStringLiteral("PRAGMA synchronous = NORMAL"));

    if (auto m = migrate(); !m)
        return m;
    m_interruptedAtOpen = 0;
    if (!claimRuns)
        return {};

    QSqlQuery q(db);
    // Cloud runs go on without the app; its cloud executor follows them again.
    q.prepare(QStringLiteral("UPDATE runs SET state = ?, error_message = ?, finished = ?"
                             " WHERE state = ? AND place <> 'cloud'"));
    q.addBindValue(jobStateName(JobState::Interrupted));
    q.addBindValue(QStringLiteral("finpipe was closed while this run was going. Re-run it to "
                                  "get its results."));
    q.addBindValue(toDb(QDateTime::currentDateTimeUtc()));
    q.addBindValue(jobStateName(JobState::Running));
    if (!q.exec())
        return dbError(QStringLiteral("updated"), q.lastError().text());
    m_interruptedAtOpen = q.numRowsAffected();
    // Queued runs belonged to the executor of the previous session; nothing will start them now.
    QSqlQuery q2(db);
    q2.prepare(QStringLiteral("UPDATE runs SET state = ?, error_message = ? WHERE state = ? AND place <> 'cloud'"));
    q2.addBindValue(jobStateName(JobState::Interrupted));
    q2.addBindValue(QStringLiteral("finpipe was closed before this run started. Re-run it to get "
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
    q.finish(); // an open read would lock the tables a step drops
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
    q.addBindValue(dbLevel(job.level));
    q.addBindValue(text(job.mappingJson));
    q.addBindValue(text(job.parametersJson));
    q.addBindValue(text(job.detectionJson));
    q.addBindValue(toDb(job.created));
}

} // namespace

Result<qint64> JobStore::addJob(JobRecord &job)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!job.created.isValid())
        job.created = QDateTime::currentDateTimeUtc();
    if (!db.transaction())
        return dbError(QStringLiteral("added"), db.lastError().text());
    QSqlQuery q(db);
    // The run columns of `jobs` (schema 1 and 2) are NOT NULL without defaults; they are no longer read.
    q.prepare(QStringLiteral(
        "INSERT INTO jobs (id, input_path, file_name, sha256, size, sheet, dataset_type, confidence,"
        " level, mapping_json, parameters_json, detection_json, created, state)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')"));
    q.addBindValue(job.id > 0 ? QVariant(job.id) : QVariant(QMetaType(QMetaType::LongLong)));
    bindJobColumns(q, job);
    if (!q.exec()) {
        const QString why = q.lastError().text();
        db.rollback();
        return dbError(QStringLiteral("added"), why);
    }
    job.id = q.lastInsertId().toLongLong();
    JobRun first = runFromJob(job);
    auto added = addRun(first);
    if (!added) {
        db.rollback();
        return added.error();
    }
    if (!db.commit())
        return dbError(QStringLiteral("added"), db.lastError().text());
    job.runNumber = *added;
    job.runCount = 1;
    job.lastGoodRun = job.state == JobState::Succeeded ? job.runNumber : 0;
    return job.id;
}

Result<void> JobStore::updateJob(const JobRecord &job)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral(
        "UPDATE jobs SET input_path = ?, file_name = ?, sha256 = ?, size = ?, sheet = ?,"
        " dataset_type = ?, confidence = ?, level = ?, mapping_json = ?, parameters_json = ?,"
        " detection_json = ?, created = ? WHERE id = ?"));
    bindJobColumns(q, job);
    q.addBindValue(job.id);
    if (!q.exec())
        return dbError(QStringLiteral("updated"), q.lastError().text());
    auto latest = latestRun(job.id);
    if (!latest)
        return latest.error();
    if (*latest == 0)
        return {};
    auto r = run(job.id, *latest);
    if (!r)
        return r.error();
    JobRun updated = **r;
    updated.state = job.state;
    updated.progress = job.progress;
    updated.errorMessage = job.errorMessage;
    updated.started = job.started;
    updated.finished = job.finished;
    updated.outputDir = job.outputDir;
    return updateRun(updated);
}

Result<int> JobStore::latestRun(qint64 jobId) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT MAX(number) FROM runs WHERE job_id = ?"));
    q.addBindValue(jobId);
    if (!q.exec())
        return dbError(QStringLiteral("read"), q.lastError().text());
    return q.next() ? q.value(0).toInt() : 0;
}

Result<void> JobStore::setState(qint64 id, JobState state, const QString &errorMessage)
{
    auto latest = latestRun(id);
    if (!latest)
        return latest.error();
    return setRunState(id, *latest, state, errorMessage);
}

Result<void> JobStore::setProgress(qint64 id, double progress)
{
    auto latest = latestRun(id);
    if (!latest)
        return latest.error();
    return setRunProgress(id, *latest, progress);
}

Result<void> JobStore::setOutputDir(qint64 id, const QString &dir)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("UPDATE runs SET output_dir = ? WHERE job_id = ? AND number ="
                             " (SELECT MAX(number) FROM runs WHERE job_id = ?)"));
    q.addBindValue(text(dir));
    q.addBindValue(id);
    q.addBindValue(id);
    if (!q.exec())
        return dbError(QStringLiteral("updated"), q.lastError().text());
    return {};
}

Result<void> JobStore::setOutputs(qint64 id, const QList<JobOutput> &outputs)
{
    auto latest = latestRun(id);
    if (!latest)
        return latest.error();
    return setRunOutputs(id, *latest, outputs);
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

Result<qint64> JobStore::maxJobId() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    // sqlite_sequence remembers ids of removed jobs too.
    if (!q.exec(QStringLiteral("SELECT MAX(m) FROM (SELECT MAX(id) AS m FROM jobs UNION ALL"
                               " SELECT seq AS m FROM sqlite_sequence WHERE name = 'jobs')")))
        return dbError(QStringLiteral("read"), q.lastError().text());
    return q.next() ? q.value(0).toLongLong() : 0;
}

Result<void> JobStore::fillLatestRun(JobRecord &job) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT COUNT(*), MAX(number),"
                             " MAX(CASE WHEN state = 'succeeded' THEN number ELSE 0 END)"
                             " FROM runs WHERE job_id = ?"));
    q.addBindValue(job.id);
    if (!q.exec() || !q.next())
        return dbError(QStringLiteral("read"), q.lastError().text());
    job.runCount = q.value(0).toInt();
    job.lastGoodRun = q.value(2).toInt();
    if (job.runCount == 0)
        return {};
    auto latest = run(job.id, q.value(1).toInt());
    if (!latest)
        return latest.error();
    if (latest->has_value())
        copyRunIntoJob(**latest, job);
    return {};
}

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
    if (auto r = fillLatestRun(j); !r)
        return r.error();
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
    for (JobRecord &j : list)
        if (auto r = fillLatestRun(j); !r)
            return r.error();
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
    for (JobRecord &j : list)
        if (auto r = fillLatestRun(j); !r)
            return r.error();
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
