#include "jobs/jobrecovery.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace finpipe::jobs {

namespace {

QJsonObject readObject(const QString &path, QByteArray *bytes = nullptr)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray data = f.read(16 * 1024 * 1024); // manifests are small; never read a giant
    if (bytes)
        *bytes = data;
    return QJsonDocument::fromJson(data).object();
}

//! Numeric sub-folder names of `dir`, ascending.
QList<qint64> numberedFolders(const QString &dir)
{
    QList<qint64> out;
    for (const QString &name : QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks)) {
        bool ok = false;
        const qint64 n = name.toLongLong(&ok);
        if (ok && n > 0 && name == QString::number(n))
            out.append(n);
    }
    std::sort(out.begin(), out.end());
    return out;
}

//! A run as its folder tells it.
JobRun runFromFolder(qint64 jobId, int number, const QString &dir, QJsonObject *manifestOut)
{
    JobRun run;
    run.jobId = jobId;
    run.number = number;
    run.outputDir = dir;
    QByteArray bytes;
    const QJsonObject m = readObject(QDir(dir).filePath(QStringLiteral("manifest.json")), &bytes);
    if (manifestOut)
        *manifestOut = m;
    if (m.isEmpty()) {
        run.state = JobState::Interrupted;
        run.errorMessage = QObject::tr("This run's folder has no manifest.json: it did not finish. "
                                       "Re-run the job to get its results.");
        run.created = QFileInfo(dir).birthTime().toUTC();
        if (!run.created.isValid())
            run.created = QFileInfo(dir).lastModified().toUTC();
        return run;
    }
    run.state = jobStateFromName(m.value(QStringLiteral("status")).toString()).value_or(JobState::Interrupted);
    if (!isFinalState(run.state))
        run.state = JobState::Interrupted;
    run.errorMessage = m.value(QStringLiteral("error")).toString();
    run.started = QDateTime::fromString(m.value(QStringLiteral("started")).toString(), Qt::ISODateWithMs).toUTC();
    run.finished = QDateTime::fromString(m.value(QStringLiteral("finished")).toString(), Qt::ISODateWithMs).toUTC();
    run.created = run.started.isValid() ? run.started : QFileInfo(dir).lastModified().toUTC();
    run.progress = run.state == JobState::Succeeded ? 1.0 : 0.0;
    const QJsonObject input = m.value(QStringLiteral("input")).toObject();
    run.inputSha256 = input.value(QStringLiteral("sha256")).toString();
    run.inputSize = qint64(input.value(QStringLiteral("size")).toDouble());
    const QJsonObject dataset = m.value(QStringLiteral("dataset")).toObject();
    run.datasetType = dataset.value(QStringLiteral("type")).toString();
    run.mappingJson = QString::fromUtf8(QJsonDocument(QJsonObject{
        {QStringLiteral("type"), run.datasetType},
        {QStringLiteral("roles"), dataset.value(QStringLiteral("mapping")).toObject()},
        {QStringLiteral("overridden"), dataset.value(QStringLiteral("overridden")).toBool()}})
                                             .toJson(QJsonDocument::Compact));
    for (const QJsonValue &o : m.value(QStringLiteral("outputs")).toArray()) {
        const QJsonObject out = o.toObject();
        run.outputs.append({out.value(QStringLiteral("name")).toString(),
                            qint64(out.value(QStringLiteral("size")).toDouble()),
                            out.value(QStringLiteral("sha256")).toString()});
    }
    run.outputs.append({QStringLiteral("manifest.json"), bytes.size(),
                        QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex())});
    run.note = QObject::tr("Found again in its folder after the job list was lost.");
    return run;
}

} // namespace

Result<int> rebuildFromFolders(JobStore &store, const QString &outputRoot)
{
    int added = 0;
    for (const qint64 id : numberedFolders(outputRoot)) {
        if (auto existing = store.job(id); !existing || existing->has_value())
            continue;
        const QString folder = QDir(outputRoot).filePath(QString::number(id));
        const QJsonObject jobFile = readObject(QDir(folder).filePath(QStringLiteral("job.json")));

        QList<JobRun> runs;
        QJsonObject lastManifest;
        const QString runsDir = QDir(folder).filePath(QStringLiteral("runs"));
        for (const qint64 n : numberedFolders(runsDir)) {
            QJsonObject m;
            runs.append(runFromFolder(id, int(n), QDir(runsDir).filePath(QString::number(n)), &m));
            if (!m.isEmpty())
                lastManifest = m;
        }
        // The older layout: the job's folder was its only run's folder.
        if (runs.isEmpty() && QFileInfo::exists(QDir(folder).filePath(QStringLiteral("manifest.json"))))
            runs.append(runFromFolder(id, 1, folder, &lastManifest));
        if (runs.isEmpty() && jobFile.isEmpty())
            continue; // not a job's folder

        JobRecord job;
        job.id = id;
        const QJsonObject spec = jobFile.value(QStringLiteral("spec")).toObject();
        const QJsonObject input = lastManifest.value(QStringLiteral("input")).toObject();
        const QJsonObject dataset = lastManifest.value(QStringLiteral("dataset")).toObject();
        job.inputPath = jobFile.value(QStringLiteral("input_path")).toString();
        job.fileName = jobFile.value(QStringLiteral("file_name")).toString();
        if (job.fileName.isEmpty())
            job.fileName = input.value(QStringLiteral("name")).toString();
        if (job.fileName.isEmpty())
            job.fileName = QObject::tr("job %1").arg(id);
        job.sha256 = input.value(QStringLiteral("sha256")).toString();
        job.size = qint64(input.value(QStringLiteral("size")).toDouble());
        job.sheet = input.value(QStringLiteral("sheet")).toString();
        job.datasetType = dataset.value(QStringLiteral("type")).toString();
        job.confidence = dataset.value(QStringLiteral("confidence")).toDouble();
        job.level = levelFromName(dataset.value(QStringLiteral("level")).toString());
        if (spec.value(QStringLiteral("mapping")).isObject())
            job.mappingJson = QString::fromUtf8(
                QJsonDocument(spec.value(QStringLiteral("mapping")).toObject()).toJson(QJsonDocument::Compact));
        else if (!runs.isEmpty())
            job.mappingJson = runs.last().mappingJson;
        if (spec.value(QStringLiteral("parameters")).isObject())
            job.parametersJson = QString::fromUtf8(
                QJsonDocument(spec.value(QStringLiteral("parameters")).toObject()).toJson(QJsonDocument::Compact));
        else
            job.parametersJson = QString::fromUtf8(
                QJsonDocument(lastManifest.value(QStringLiteral("parameters")).toObject()).toJson(QJsonDocument::Compact));
        job.detectionJson = jobFile.value(QStringLiteral("detection")).toString();
        job.created = QDateTime::fromString(jobFile.value(QStringLiteral("created")).toString(), Qt::ISODateWithMs).toUTC();
        if (!job.created.isValid())
            job.created = runs.isEmpty() ? QDateTime::currentDateTimeUtc() : runs.first().created;

        if (runs.isEmpty()) {
            // A job whose first run never got a folder.
            JobRun none;
            none.jobId = id;
            none.number = 1;
            none.state = JobState::Interrupted;
            none.errorMessage = QObject::tr("This job never ran. Re-run it to get its results.");
            runs.append(none);
        }
        const JobRun &first = runs.first();
        job.runNumber = first.number;
        job.state = first.state;
        job.progress = first.progress;
        job.errorMessage = first.errorMessage;
        job.started = first.started;
        job.finished = first.finished;
        job.outputDir = first.outputDir;
        job.outputs = first.outputs;
        if (auto r = store.addJob(job); !r)
            return r.error();
        // addJob() made the first run from the record; give it the rest of what its folder said.
        if (auto r = store.updateRun(first); !r)
            return r.error();
        for (int i = 1; i < runs.size(); ++i) {
            JobRun run = runs[i];
            if (auto r = store.addRun(run); !r)
                return r.error();
        }
        ++added;
    }
    return added;
}

} // namespace finpipe::jobs
