#include "jobs/jobcontroller.h"

#include "detect/rules.h"
#include "ingest/sha256.h"
#include "jobs/jobrecovery.h"
#include "jobs/localexecutor.h"
#include "outputs/atomicfile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QtConcurrent>

namespace finpipe::jobs {

namespace {

//! The folder a run's outputs go to.
QString runFolder(const QString &jobFolder, int number)
{
    return QDir(jobFolder).filePath(QStringLiteral("runs/%1").arg(number));
}

//! The job's mapping and parameters JSON (the app's form) read as a spec, for runs stored before
//! runs kept their own spec. Both share their shape with the spec's JSON.
Result<PinnedSpec> specFromJobColumns(const JobRecord &job)
{
    QJsonObject o{{QStringLiteral("input_path"), job.inputPath}};
    o.insert(QStringLiteral("read"), QJsonObject{{QStringLiteral("sheet"), job.sheet}});
    if (const QJsonDocument m = QJsonDocument::fromJson(job.mappingJson.toUtf8()); m.isObject())
        o.insert(QStringLiteral("mapping"), m.object());
    if (const QJsonDocument p = QJsonDocument::fromJson(job.parametersJson.toUtf8()); p.isObject())
        o.insert(QStringLiteral("parameters"), p.object());
    // The analyst saw (or the settings accepted) detection's answer when the job was made.
    o.insert(QStringLiteral("require_confident_detection"), false);
    return jobSpecFromJson(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QString describeDay(const QDateTime &utc)
{
    return QLocale().toString(utc.toLocalTime().date(), QStringLiteral("d MMM yyyy"));
}

//! A folder this controller made, safe to delete: a real folder (not a link) with no link inside.
bool removeRunFolder(const QString &dir)
{
    const QFileInfo info(dir);
    if (dir.isEmpty() || !info.exists())
        return true;
    if (info.isSymLink() || !info.isDir())
        return false;
    return QDir(dir).removeRecursively();
}

} // namespace

JobController::JobController(const QString &storePath, const QString &outputRoot,
                             std::unique_ptr<JobExecutor> executor, QObject *parent)
    : QObject(parent), m_store(storePath), m_executor(std::move(executor))
{
    qRegisterMetaType<JobState>();
    qRegisterMetaType<Error>();
    qRegisterMetaType<ForeignRun>();
    setOutputRoot(outputRoot);
    if (!m_executor)
        m_executor = std::make_unique<LocalExecutor>();
    m_executor->setParent(nullptr);
    connectExecutor(m_executor.get());
}

void JobController::connectExecutor(JobExecutor *executor)
{
    connect(executor, &JobExecutor::runStarted, this, &JobController::onRunStarted);
    connect(executor, &JobExecutor::runFinished, this, &JobController::onRunFinished);
    connect(executor, &JobExecutor::runProgress, this, [this](const RunKey &key, double f) {
        if (m_active.value(key.job) == key.run)
            Q_EMIT jobProgress(key.job, f);
    });
    connect(executor, &JobExecutor::runPlaced, this, &JobController::onRunPlaced);
    connect(executor, &JobExecutor::runWaiting, this, &JobController::onRunWaiting);
    connect(executor, &JobExecutor::foreignRunFound, this,
            [this, executor](const ForeignRun &run) { onForeignRun(executor, run); });
}

void JobController::onForeignRun(JobExecutor *executor, const ForeignRun &run)
{
    if (m_shutDown || run.remoteId.isEmpty())
        return;
    auto known = m_store.jobWithRemoteId(run.remoteId);
    if (!known || *known != 0)
        return;
    JobRecord job;
    job.fileName = run.inputName;
    job.sha256 = run.inputSha256;
    job.size = run.inputSize;
    job.datasetType = run.datasetType;
    job.place = executor->where();
    job.remoteId = run.remoteId;
    job.created = run.created;
    JobSpec spec;
    if (auto added = addNewJob(job, spec); !added) {
        report(added.error());
        return;
    }
    spec.outputDir = job.outputDir;
    m_active.insert(job.id, 1);
    m_activePlace.insert(job.id, job.place);
    executor->resume({job.id, 1}, spec, run.remoteId);
    Q_EMIT jobAdded(job.id);
}

void JobController::addExecutor(std::unique_ptr<JobExecutor> executor)
{
    const QString place = executor->where();
    std::erase_if(m_remote, [&](const auto &e) { return e->where() == place; });
    executor->setParent(nullptr);
    connectExecutor(executor.get());
    m_remote.push_back(std::move(executor));
}

JobExecutor *JobController::executorAt(const QString &place) const
{
    if (place.isEmpty() || place == m_executor->where())
        return m_executor.get();
    for (const auto &e : m_remote)
        if (e->where() == place)
            return e.get();
    return nullptr;
}

JobExecutor *JobController::activeExecutor(qint64 id) const
{
    return m_active.contains(id) ? executorAt(m_activePlace.value(id)) : nullptr;
}

JobController::~JobController()
{
    shutdown(1000);
}

void JobController::setOutputRoot(const QString &root)
{
    m_outputRoot = root.isEmpty()
        ? QDir(QFileInfo(m_store.path()).absolutePath()).filePath(QStringLiteral("jobs"))
        : root;
}

void JobController::setConcurrency(int n)
{
    m_executor->setConcurrency(n);
}

QString JobController::jobFolder(qint64 id) const
{
    return QDir(m_outputRoot).filePath(QString::number(id));
}

QString JobController::rulesVersion() const
{
    // Read each time (a few small files): the analyst may edit the rules while the app runs.
    return detect::Rules::load().version();
}

void JobController::report(const Error &error)
{
    if (!error.detail.isEmpty())
        qWarning("finpipe: %s", qPrintable(error.toString()));
    Q_EMIT storeFailed(error);
}

Result<void> JobController::open()
{
    m_openNotes.clear();
    if (auto r = m_store.open(); !r)
        return r;
    if (!m_store.movedAsideAtOpen().isEmpty())
        m_openNotes.append(tr("The job list was damaged. finpipe moved it to %1 and started a new one.")
                               .arg(QDir::toNativeSeparators(m_store.movedAsideAtOpen())));
    if (m_store.createdAtOpen()) {
        auto found = rebuildFromFolders(m_store, m_outputRoot);
        if (!found)
            return found.error();
        if (*found > 0)
            m_openNotes.append(found.value() == 1
                                   ? tr("1 job was found again in its folder.")
                                   : tr("%1 jobs were found again in their folders.").arg(*found));
    }
    resumeRemoteRuns();
    if (const int n = m_store.interruptedAtOpen(); n > 0)
        m_openNotes.append(n == 1 ? tr("1 run was interrupted when finpipe last closed. Select its "
                                       "job and press Re-run (F5) to run it again.")
                                  : tr("%1 runs were interrupted when finpipe last closed. Select "
                                       "their jobs and press Re-run (F5) to run them again.").arg(n));
    return {};
}

void JobController::resumeRemoteRuns()
{
    auto jobs = m_store.jobs();
    if (!jobs) {
        report(jobs.error());
        return;
    }
    for (const JobRecord &j : std::as_const(*jobs)) {
        if (j.place == m_executor->where() || isFinalState(j.state) || m_active.contains(j.id))
            continue;
        JobExecutor *executor = executorAt(j.place);
        auto run = m_store.run(j.id, j.runNumber);
        if (!executor || !run || !run->has_value())
            continue; // kept as it is: an app with that executor follows it again
        auto pinned = specOf(**run, j);
        if (!pinned) {
            (void)m_store.setRunState(j.id, j.runNumber, JobState::Failed, pinned.error().message);
            continue;
        }
        JobSpec spec = pinned->spec;
        spec.outputDir = (*run)->outputDir;
        m_active.insert(j.id, j.runNumber);
        m_activePlace.insert(j.id, j.place);
        executor->resume({j.id, j.runNumber}, spec, (*run)->remoteId);
    }
}

qint64 JobController::nextJobId()
{
    const auto maxId = m_store.maxJobId();
    qint64 next = (maxId.ok() ? *maxId : 0) + 1;
    // Folders left by a lost job list (or another tool) keep their ids.
    const QStringList names = QDir(m_outputRoot).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &name : names) {
        bool ok = false;
        const qint64 id = name.toLongLong(&ok);
        if (ok && id >= next)
            next = id + 1;
    }
    while (QFileInfo::exists(jobFolder(next)))
        ++next;
    return next;
}

Result<void> JobController::writeJobFile(const JobRecord &job, const JobSpec &spec) const
{
    // The job's file and choices beside its runs: what rebuildFromFolders() needs to find it again.
    QJsonObject o{{QStringLiteral("id"), double(job.id)},
                  {QStringLiteral("input_path"), job.inputPath},
                  {QStringLiteral("file_name"), job.fileName},
                  {QStringLiteral("created"), job.created.toUTC().toString(Qt::ISODateWithMs)},
                  {QStringLiteral("detection"), job.detectionJson},
                  {QStringLiteral("spec"), QJsonDocument::fromJson(jobSpecToJson(spec)).object()}};
    if (!QDir().mkpath(jobFolder(job.id)))
        return Error::make(Error::Code::Permission,
                           tr("The folder for the job's results (%1) could not be created.")
                               .arg(QDir::toNativeSeparators(jobFolder(job.id))));
    auto written = outputs::writeFileAtomically(QDir(jobFolder(job.id)).filePath(QStringLiteral("job.json")),
                                                QJsonDocument(o).toJson(QJsonDocument::Indented));
    if (!written)
        return written.error();
    return {};
}

Result<void> JobController::addNewJob(JobRecord &job, const JobSpec &spec)
{
    job.id = nextJobId();
    job.state = JobState::Queued;
    job.runNumber = 1;
    job.outputDir = runFolder(jobFolder(job.id), 1);
    job.outputs.clear();
    job.started = job.finished = {};
    job.errorMessage.clear();
    if (!job.created.isValid())
        job.created = QDateTime::currentDateTimeUtc();
    if (auto w = writeJobFile(job, spec); !w)
        return w.error();
    if (auto added = m_store.addJob(job); !added)
        return added.error();
    return {};
}

Result<qint64> JobController::submit(JobRecord job, const JobSpec &spec)
{
    if (m_shutDown)
        return Error::make(Error::Code::Cancelled, tr("finpipe is closing."));
    if (job.place.isEmpty())
        job.place = m_executor->where();
    JobExecutor *executor = executorAt(job.place);
    if (!executor)
        return Error::make(Error::Code::Unsupported, tr("The team cloud is not set up on this computer: "
                                                        "set it up in Settings, Cloud."));
    job.remoteId.clear();
    job.remoteHost.clear();
    if (auto added = addNewJob(job, spec); !added)
        return added.error();
    // Run 1 was created with the job; now record what it runs.
    JobSpec runSpec = spec;
    runSpec.outputDir = job.outputDir;
    auto run = m_store.run(job.id, 1);
    if (!run || !run->has_value())
        return run ? Error::make(Error::Code::Internal, tr("The new job's first run is missing.")) : run.error();
    JobRun first = **run;
    first.specJson = QString::fromUtf8(jobSpecToJson(runSpec, pinSpec(runSpec, rulesVersion())));
    // The intake's hash until the run reports the hash of what it read.
    if (auto u = m_store.updateRun(first); !u)
        return u.error();
    m_active.insert(job.id, 1);
    m_activePlace.insert(job.id, job.place);
    executor->start({job.id, 1}, runSpec);
    Q_EMIT jobAdded(job.id);
    return job.id;
}

Result<PinnedSpec> JobController::specOf(const JobRun &run, const JobRecord &job) const
{
    if (!run.specJson.isEmpty())
        return jobSpecFromJson(run.specJson.toUtf8());
    return specFromJobColumns(job);
}

bool JobController::rerun(qint64 id, const std::optional<JobSpec> &changed, QString *why, const QString &place)
{
    auto fail = [why](const QString &text) {
        if (why)
            *why = text;
        return false;
    };
    if (m_shutDown)
        return fail(tr("finpipe is closing."));
    if (isActive(id))
        return fail(tr("This job is already running."));
    auto job = m_store.job(id);
    if (!job) {
        report(job.error());
        return fail(job.error().message);
    }
    if (!job->has_value())
        return fail(tr("This job is no longer in the list."));
    const QString runPlace = place.isEmpty() ? (*job)->place : place;
    if (!executorAt(runPlace))
        return fail(tr("The team cloud is not set up on this computer: set it up in Settings, Cloud."));
    const QString path = (*job)->inputPath;
    auto feedback = std::make_shared<Feedback>();
    m_preparing.insert(id, feedback);
    auto *watcher = new QFutureWatcher<Result<QString>>(this);
    connect(watcher, &QFutureWatcher<Result<QString>>::finished, this, [this, watcher, id, changed, feedback, runPlace] {
        watcher->deleteLater();
        if (m_shutDown || m_preparing.value(id) != feedback)
            return;
        m_preparing.remove(id);
        if (feedback->isCancelled()) {
            Q_EMIT jobChanged(id);
            return;
        }
        onHashed(id, watcher->result(), changed, runPlace);
    });
    // Hash off this thread: a large file takes seconds.
    watcher->setFuture(QtConcurrent::run([path, feedback]() { return ingest::sha256File(path, feedback.get()); }));
    Q_EMIT jobChanged(id);
    return true;
}

void JobController::onHashed(qint64 id, const Result<QString> &digest, const std::optional<JobSpec> &changed,
                             const QString &place)
{
    auto job = m_store.job(id);
    if (!job || !job->has_value()) {
        if (!job)
            report(job.error());
        return;
    }
    const JobRecord &j = **job;
    if (!digest) {
        const QString message = j.inputPath.isEmpty()
            ? tr("%1 was sent to the team cloud from another computer, so finpipe has no copy of it here. "
                 "Drop the file on finpipe to run it again.").arg(j.fileName)
            : QFileInfo::exists(j.inputPath)
            ? tr("%1 could not be read again: %2").arg(j.fileName, digest.error().message)
            : tr("%1 is no longer at %2, so it cannot be analysed again. Put it back, or drop the file "
                 "on finpipe as a new job.").arg(j.fileName, QDir::toNativeSeparators(j.inputPath));
        recordFailedRun(j, message);
        return;
    }
    // The latest run that read the file knows what it read; before any, the job's hash.
    QString previous = j.sha256;
    QDateTime previousWhen = j.created;
    if (auto runs = m_store.runs(id); runs.ok()) {
        for (auto it = runs->crbegin(); it != runs->crend(); ++it)
            if (!it->inputSha256.isEmpty()) {
                previous = it->inputSha256;
                previousWhen = it->started.isValid() ? it->started : it->created;
                break;
            }
    }

    JobSpec spec;
    auto latest = m_store.run(id, j.runNumber);
    auto pinned = latest && latest->has_value() ? specOf(**latest, j) : specFromJobColumns(j);
    if (changed) {
        spec = *changed;
    } else {
        if (!pinned) {
            recordFailedRun(j, tr("The choices of the last run could not be read (%1). Use Fix the "
                                  "mapping… to choose again.").arg(pinned.error().message));
            return;
        }
        spec = pinned->spec;
    }
    spec.inputPath = j.inputPath;

    QStringList notes;
    const SpecPins now = pinSpec(spec, rulesVersion());
    // What the last run was pinned to and is no longer: said, so a different result is explained.
    if (pinned) {
        if (!pinned->pins.rulesVersion.isEmpty() && pinned->pins.rulesVersion != now.rulesVersion)
            notes.append(tr("finpipe's detection rules changed since the last run."));
        for (auto it = pinned->pins.templateSha256.cbegin(); it != pinned->pins.templateSha256.cend(); ++it)
            if (now.templateSha256.contains(it.key()) && now.templateSha256.value(it.key()) != it.value())
                notes.append(tr("The template %1 changed since the last run.").arg(QFileInfo(it.key()).fileName()));
    }

    QString note;
    if (!previous.isEmpty() && previous.compare(*digest, Qt::CaseInsensitive) != 0) {
        note = tr("%1 changed since the last run on %2, so finpipe detected its type and columns again.")
                   .arg(j.fileName, describeDay(previousWhen));
        if (!changed) {
            // The old columns may be gone: detection looks at the new bytes, and asks for a choice
            // (the run stops as uncertain) when it is not sure.
            spec.mapping.reset();
            spec.choice.reset();
            spec.requireConfidentDetection = true;
        }
        Q_EMIT inputChanged(id, note);
    }
    if (!note.isEmpty())
        notes.prepend(note);
    if (auto started = startRun(j, spec, now, *digest, notes.join(QLatin1Char(' ')), place); !started)
        report(started.error());
}

Result<int> JobController::startRun(const JobRecord &job, JobSpec spec, const SpecPins &pins, const QString &inputSha256,
                                    const QString &note, const QString &place)
{
    JobExecutor *executor = executorAt(place);
    if (!executor)
        return Error::make(Error::Code::Unsupported, tr("The team cloud is not set up on this computer: "
                                                        "set it up in Settings, Cloud."));
    const QString folder = job.outputDir.contains(QStringLiteral("/runs/"))
        ? QFileInfo(QFileInfo(job.outputDir).absolutePath()).absolutePath()
        : jobFolder(job.id);
    int number = job.runNumber + 1;
    while (QFileInfo::exists(runFolder(folder, number)))
        ++number;
    spec.outputDir = runFolder(folder, number);
    JobRun run;
    run.jobId = job.id;
    run.number = number;
    run.state = JobState::Queued;
    run.outputDir = spec.outputDir;
    run.specJson = QString::fromUtf8(jobSpecToJson(spec, pins));
    run.datasetType = spec.mapping ? spec.mapping->datasetType : QString();
    run.note = note;
    run.place = executor->where();
    // What was hashed just before; replaced by the hash of what the run read once it read it all.
    run.inputSha256 = inputSha256;
    auto added = m_store.addRun(run);
    if (!added)
        return added.error();
    (void)writeJobFile(job, spec); // a convenience for recovery; the run goes on without it
    m_active.insert(job.id, number);
    m_activePlace.insert(job.id, run.place);
    executor->start({job.id, number}, spec);
    Q_EMIT jobChanged(job.id);
    return number;
}

void JobController::recordFailedRun(const JobRecord &job, const QString &message)
{
    JobRun run;
    run.jobId = job.id;
    run.state = JobState::Failed;
    run.errorMessage = message;
    run.started = run.finished = QDateTime::currentDateTimeUtc();
    if (auto r = m_store.addRun(run); !r) {
        report(r.error());
        return;
    }
    Q_EMIT jobChanged(job.id);
    Q_EMIT runFinished(job.id, run.number, JobState::Failed);
}

bool JobController::cancel(qint64 id)
{
    if (auto f = m_preparing.value(id)) {
        f->cancel();
        return true;
    }
    JobExecutor *executor = activeExecutor(id);
    if (!executor)
        return false;
    return executor->cancel({id, m_active.value(id)});
}

void JobController::onRunPlaced(const RunKey &key, const QString &remoteId, const QString &host)
{
    if (m_active.value(key.job) != key.run)
        return;
    if (auto r = m_store.setRunRemote(key.job, key.run, remoteId, host); !r)
        report(r.error());
    Q_EMIT jobChanged(key.job);
}

void JobController::onRunWaiting(const RunKey &key, const QString &why)
{
    if (m_active.value(key.job) != key.run)
        return;
    auto run = m_store.run(key.job, key.run);
    if (!run || !run->has_value() || (*run)->state != JobState::Queued || (*run)->errorMessage == why)
        return;
    if (auto r = m_store.setRunState(key.job, key.run, JobState::Queued, why); !r)
        report(r.error());
    Q_EMIT jobChanged(key.job);
}

void JobController::onRunStarted(const RunKey &key)
{
    if (m_active.value(key.job) != key.run)
        return;
    if (auto r = m_store.setRunState(key.job, key.run, JobState::Running); !r)
        report(r.error());
    Q_EMIT jobChanged(key.job);
}

void JobController::onRunFinished(const RunOutcome &outcome)
{
    const RunKey key = outcome.key;
    if (m_orphans.contains(key)) {
        // The job was removed while this run stopped.
        deleteRunFolders(m_orphans.take(key));
        return;
    }
    if (m_active.value(key.job) != key.run)
        return;
    m_active.remove(key.job);
    m_activePlace.remove(key.job);
    const JobState state = outcome.ok ? JobState::Succeeded
                                      : outcome.cancelled ? JobState::Cancelled : JobState::Failed;
    auto stored = m_store.run(key.job, key.run);
    if (!stored || !stored->has_value()) {
        if (!stored)
            report(stored.error());
        return;
    }
    JobRun run = **stored;
    // A failed run keeps (and lists) whatever outputs it made.
    QList<JobOutput> outputs;
    for (const OutputFile &o : outcome.manifest.outputs)
        outputs.append({o.name, o.size, o.sha256});
    // The manifest describes the other outputs, so it does not list itself; the analyst still wants
    // to see and save it.
    QFile manifest(QDir(run.outputDir).filePath(QStringLiteral("manifest.json")));
    if (manifest.open(QIODevice::ReadOnly)) {
        const QByteArray bytes = manifest.readAll(); // a few kilobytes
        outputs.append({QStringLiteral("manifest.json"), bytes.size(),
                        QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex())});
    }
    run.outputs = outputs;
    // What the run actually read, which may differ from what was hashed before it started.
    if (!outcome.manifest.inputSha256.isEmpty()) {
        run.inputSha256 = outcome.manifest.inputSha256;
        run.inputSize = outcome.manifest.inputSize;
    }
    if (!outcome.manifest.datasetType.isEmpty())
        run.datasetType = outcome.manifest.datasetType;
    if (outcome.ok)
        run.progress = 1.0;
    if (auto r = m_store.updateRun(run); !r)
        report(r.error());
    if (auto r = m_store.setRunOutputs(key.job, key.run, outputs); !r)
        report(r.error());
    QString message;
    if (outcome.cancelled)
        message = tr("This run was cancelled; it did not finish.");
    else if (!outcome.ok)
        message = outcome.error.message;
    if (auto r = m_store.setRunState(key.job, key.run, state, message); !r)
        report(r.error());
    if (!outcome.ok && !outcome.cancelled && !outcome.error.detail.isEmpty())
        qWarning("finpipe: job %lld run %d failed: %s", key.job, key.run, qPrintable(outcome.error.toString()));

    // The job now stands for the bytes last read and, after a fresh detection, for its answer.
    if (auto job = m_store.job(key.job); job.ok() && job->has_value()) {
        JobRecord j = **job;
        bool dirty = false;
        if (!run.inputSha256.isEmpty() && run.inputSha256 != j.sha256) {
            j.sha256 = run.inputSha256;
            j.size = run.inputSize;
            dirty = true;
        }
        if (j.sheet.isEmpty() && !outcome.manifest.sheet.isEmpty()) {
            j.sheet = outcome.manifest.sheet;
            dirty = true;
        }
        if (outcome.ok && !outcome.manifest.datasetType.isEmpty()) {
            // The job's type and choices are those of its latest good run: the analyst's mapping
            // when the run had one (it keeps multi-column roles), else what detection found.
            const QJsonObject used = QJsonDocument::fromJson(run.specJson.toUtf8()).object();
            QJsonObject mapping = used.value(QStringLiteral("mapping")).toObject();
            if (mapping.isEmpty()) {
                QJsonObject roles;
                for (auto it = outcome.manifest.mapping.begin(); it != outcome.manifest.mapping.end(); ++it)
                    roles.insert(it.key(), it.value());
                mapping = {{QStringLiteral("type"), outcome.manifest.datasetType},
                           {QStringLiteral("roles"), roles},
                           {QStringLiteral("overridden"), outcome.manifest.overridden}};
            }
            j.datasetType = outcome.manifest.datasetType;
            j.mappingJson = QString::fromUtf8(QJsonDocument(mapping).toJson(QJsonDocument::Compact));
            if (used.value(QStringLiteral("parameters")).isObject())
                j.parametersJson = QString::fromUtf8(
                    QJsonDocument(used.value(QStringLiteral("parameters")).toObject()).toJson(QJsonDocument::Compact));
            // Detection's confidence in the type used ("override" level: the analyst named it).
            j.confidence = outcome.manifest.confidence;
            j.level = levelFromName(outcome.manifest.level);
            dirty = true;
        } else if (!outcome.ok && outcome.error.code == Error::Code::Uncertain && !outcome.manifest.guesses.isEmpty()) {
            // Detection looked at new bytes and was not sure: the list shows how sure it now is of
            // the job's type (not the confidence of the earlier file, which no longer holds).
            j.confidence = 0;
            j.level = detect::Level::VeryLow;
            for (const DetectionGuess &g : outcome.manifest.guesses)
                if (g.datasetType == j.datasetType) {
                    j.confidence = g.confidence;
                    j.level = levelFromName(g.level);
                }
            dirty = true;
        }
        if (dirty) {
            j.state = state; // updateJob() also writes the latest run's columns
            if (auto fresh = m_store.run(key.job, key.run); fresh.ok() && fresh->has_value()) {
                j.progress = (*fresh)->progress;
                j.errorMessage = (*fresh)->errorMessage;
                j.started = (*fresh)->started;
                j.finished = (*fresh)->finished;
                j.outputDir = (*fresh)->outputDir;
            }
            if (auto r = m_store.updateJob(j); !r)
                report(r.error());
        }
    }
    Q_EMIT jobChanged(key.job);
    Q_EMIT runFinished(key.job, key.run, state);
}

qint64 JobController::outputsSize(qint64 id) const
{
    qint64 total = 0;
    auto runs = m_store.runs(id);
    if (!runs)
        return 0;
    for (const JobRun &r : *runs) {
        if (r.outputDir.isEmpty() || QFileInfo(r.outputDir).isSymLink())
            continue;
        QDirIterator it(r.outputDir, QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            it.next();
            total += it.fileInfo().size();
        }
    }
    return total;
}

void JobController::deleteRunFolders(const QStringList &dirs) const
{
    QSet<QString> parents;
    for (const QString &d : dirs) {
        if (!removeRunFolder(d))
            qWarning("finpipe: did not delete %s (not a plain folder)", qPrintable(d));
        const QFileInfo info(d);
        if (info.absolutePath().endsWith(QStringLiteral("/runs")))
            parents.insert(QFileInfo(info.absolutePath()).absolutePath());
    }
    // The job folders: their job.json and the runs folder, and themselves once empty.
    for (const QString &p : parents) {
        const QDir dir(p);
        QDir().rmdir(dir.filePath(QStringLiteral("runs")));
        // Once no run is left, the job's own file goes with it.
        if (!QFileInfo::exists(dir.filePath(QStringLiteral("runs")))) {
            QFile::remove(dir.filePath(QStringLiteral("job.json")));
            QDir().rmdir(p);
        }
    }
}

Result<void> JobController::remove(qint64 id, bool deleteOutputs)
{
    QStringList dirs;
    if (deleteOutputs) {
        auto runs = m_store.runs(id);
        if (!runs)
            return runs.error();
        for (const JobRun &r : *runs)
            if (!r.outputDir.isEmpty())
                dirs.append(r.outputDir);
    }
    if (auto f = m_preparing.take(id))
        f->cancel();
    if (JobExecutor *executor = activeExecutor(id)) {
        const RunKey key{id, m_active.take(id)};
        m_activePlace.remove(id);
        executor->cancel(key);
        // Its folder goes once the run stopped writing into it.
        QStringList later;
        if (deleteOutputs) {
            auto run = m_store.run(id, key.run);
            if (run.ok() && run->has_value() && !(*run)->outputDir.isEmpty()) {
                later.append((*run)->outputDir);
                dirs.removeAll((*run)->outputDir);
            }
        }
        m_orphans.insert(key, later);
    }
    if (auto r = m_store.removeJob(id); !r)
        return r;
    if (deleteOutputs)
        deleteRunFolders(dirs);
    Q_EMIT jobRemoved(id);
    return {};
}

bool JobController::shutdown(int msecs)
{
    if (m_shutDown)
        return true;
    m_shutDown = true;
    for (const auto &f : std::as_const(m_preparing))
        f->cancel();
    m_preparing.clear();
    for (auto it = m_active.cbegin(); it != m_active.cend(); ++it) {
        // A cloud run goes on without the app; the next start follows it again.
        const JobExecutor *executor = executorAt(m_activePlace.value(it.key()));
        if (executor && executor->runsOutliveApp())
            continue;
        (void)m_store.setRunState(it.key(), it.value(), JobState::Interrupted,
                                  tr("finpipe was closed while this run was going. Re-run it to get its "
                                     "results."));
    }
    m_active.clear();
    m_activePlace.clear();
    bool stopped = m_executor->shutdown(msecs);
    for (const auto &e : m_remote)
        stopped = e->shutdown(msecs) && stopped;
    return stopped;
}

} // namespace finpipe::jobs
