#include "jobmodel.h"

#include "mappingjson.h"

#include "icons.h"
#include "common/percent.h"

#include <QLocale>
#include <QRegularExpression>

namespace finpipe::app {

using jobs::JobRecord;
using jobs::JobState;

JobModel::JobModel(QObject *parent) : QAbstractTableModel(parent) {}

int JobModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_jobs.size());
}

int JobModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString JobModel::stateText(JobState state)
{
    switch (state) {
    case JobState::Queued: return tr("Queued");
    case JobState::Running: return tr("Running");
    case JobState::Succeeded: return tr("Succeeded");
    case JobState::Failed: return tr("Failed");
    case JobState::Cancelled: return tr("Cancelled");
    case JobState::Interrupted: return tr("Interrupted");
    }
    return {};
}

QString JobModel::durationText(qint64 ms)
{
    if (ms < 0)
        return {};
    if (ms < 10'000)
        return tr("%1 s").arg(QLocale().toString(double(ms) / 1000.0, 'f', 1));
    const qint64 s = ms / 1000;
    if (s < 3600)
        return tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return tr("%1 h %2 min").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0'));
}

QString JobModel::startedText(const QDateTime &when)
{
    const QLocale locale;
    // The locale's short time format without its seconds (the C locale's is "HH:mm:ss").
    static const QRegularExpression seconds(QStringLiteral("[:.]ss?"));
    QString time = locale.timeFormat(QLocale::ShortFormat);
    time.remove(seconds);
    const QDateTime local = when.toLocalTime();
    return locale.toString(local.date(), QLocale::ShortFormat) + u' ' + locale.toString(local.time(), time);
}

QString JobModel::typeTitle(const QString &datasetType)
{
    if (datasetType.isEmpty())
        return tr("Not yet known");
    QString t = datasetType;
    t.replace(QLatin1Char('_'), QLatin1Char(' '));
    t[0] = t[0].toUpper();
    return t;
}

QString JobModel::levelText(const std::optional<detect::Level> &level)
{
    if (!level)
        return {};
    switch (*level) {
    case detect::Level::High: return tr("high");
    case detect::Level::Medium: return tr("medium");
    case detect::Level::Low: return tr("low");
    case detect::Level::VeryLow: return tr("very low");
    }
    return {};
}

bool JobModel::chosenByAnalyst(const JobRecord &job)
{
    const auto mapping = mappingFromJson(job.mappingJson);
    return mapping && mapping->overridden;
}

static qint64 durationOf(const JobRecord &j)
{
    if (!j.started.isValid())
        return -1;
    const QDateTime end = j.finished.isValid() ? j.finished : QDateTime::currentDateTimeUtc();
    if (j.state != JobState::Running && !j.finished.isValid())
        return -1;
    return qMax<qint64>(0, j.started.msecsTo(end));
}

QVariant JobModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_jobs.size())
        return {};
    const JobRecord &j = m_jobs.at(index.row());
    switch (role) {
    case JobIdRole: return j.id;
    case LevelRole: return j.level && !m_chosen.at(index.row()) ? QVariant(int(*j.level)) : QVariant();
    case ConfidenceRole: return j.confidence;
    case StateRole: return int(j.state);
    case ProgressRole: return j.progress;
    default: break;
    }
    const int col = index.column();
    if (role == Qt::DisplayRole || role == SortRole) {
        const bool sort = role == SortRole;
        switch (col) {
        case FileColumn: return j.fileName;
        case TypeColumn: return typeTitle(j.datasetType);
        case ConfidenceColumn:
            if (sort)
                return j.confidence;
            if (j.datasetType.isEmpty())
                return QString();
            // The analyst's own choice is theirs, not a low score of detection's.
            return m_chosen.at(index.row()) ? tr("set by you") : QStringLiteral("%1%").arg(wholePercent(j.confidence));
        case WhereColumn: return placeText(j);
        case StateColumn: {
            if (sort)
                return int(j.state);
            // The latest run's state; which run it is once there are several.
            QString text = j.state == JobState::Running ? tr("Running %1%").arg(qRound(j.progress * 100))
                                                        : stateText(j.state);
            if (j.place == u"cloud" && j.state == JobState::Queued) {
                if (!j.remoteId.isEmpty())
                    text = tr("Queued in the cloud");
                else if (j.progress > 0)
                    text = tr("Uploading %1%").arg(qRound(j.progress * 100));
                else
                    text = tr("Waiting for the cloud");
            }
            return j.runCount > 1 ? tr("%1 · run %2").arg(text).arg(j.runNumber) : text;
        }
        case StartedColumn:
            if (sort)
                return j.started.isValid() ? j.started : j.created;
            return j.started.isValid() ? startedText(j.started) : QString();
        case DurationColumn: {
            const qint64 d = durationOf(j);
            return sort ? QVariant(d) : QVariant(durationText(d));
        }
        default: break;
        }
    }
    if (role == Qt::ToolTipRole) {
        if (col == StateColumn && !j.errorMessage.isEmpty()) {
            if (j.lastGoodRun > 0 && j.lastGoodRun != j.runNumber)
                return tr("%1\nRun %2 succeeded; its results are kept.").arg(j.errorMessage).arg(j.lastGoodRun);
            return j.errorMessage;
        }
        if (col == FileColumn)
            return j.inputPath;
        // On a narrow window these cells are cut short; the tooltip has them whole.
        if (col == TypeColumn && !j.datasetType.isEmpty())
            return typeTitle(j.datasetType);
        if (col == WhereColumn) {
            if (j.place != u"cloud")
                return tr("Runs on this computer");
            if (j.remoteId.isEmpty())
                return tr("Not in the team cloud yet: finpipe sends it when the cloud answers.");
            return j.remoteHost.isEmpty() ? tr("Cloud job %1").arg(j.remoteId)
                                          : tr("Cloud job %1, run by the worker on %2").arg(j.remoteId, j.remoteHost);
        }
        if (col == StartedColumn && j.started.isValid())
            return QLocale().toString(j.started.toLocalTime(), QLocale::LongFormat);
        if (col == ConfidenceColumn && j.level)
            return tr("Detection confidence %1% (%2)").arg(wholePercent(j.confidence)).arg(levelText(j.level));
    }
    if (role == Qt::DecorationRole && col == WhereColumn)
        return themedIcon(j.place == u"cloud" ? QStringLiteral("cloud") : QStringLiteral("local"));
    if (role == Qt::AccessibleTextRole && col == ConfidenceColumn)
        return tr("Confidence %1%, %2").arg(wholePercent(j.confidence)).arg(levelText(j.level));
    return {};
}

QString JobModel::placeText(const JobRecord &j)
{
    if (j.place != u"cloud")
        return tr("This computer");
    return j.remoteHost.isEmpty() ? tr("Team cloud") : tr("Cloud · %1").arg(j.remoteHost);
}

QVariant JobModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case FileColumn: return tr("File");
    case TypeColumn: return tr("Dataset type");
    case ConfidenceColumn: return tr("Confidence");
    case WhereColumn: return tr("Runs on");
    case StateColumn: return tr("State");
    case StartedColumn: return tr("Started");
    case DurationColumn: return tr("Duration");
    default: return {};
    }
}

void JobModel::setJobs(const QList<JobRecord> &jobs)
{
    beginResetModel();
    m_jobs = jobs;
    m_chosen.clear();
    for (const JobRecord &j : jobs)
        m_chosen.append(chosenByAnalyst(j));
    endResetModel();
}

int JobModel::rowOf(qint64 id) const
{
    for (int i = 0; i < m_jobs.size(); ++i)
        if (m_jobs[i].id == id)
            return i;
    return -1;
}

const JobRecord *JobModel::job(qint64 id) const
{
    const int r = rowOf(id);
    return r < 0 ? nullptr : &m_jobs[r];
}

void JobModel::upsert(const JobRecord &job)
{
    const int r = rowOf(job.id);
    if (r >= 0) {
        m_jobs[r] = job;
        m_chosen[r] = chosenByAnalyst(job);
        Q_EMIT dataChanged(index(r, 0), index(r, ColumnCount - 1));
        return;
    }
    beginInsertRows({}, 0, 0);
    m_jobs.prepend(job);
    m_chosen.prepend(chosenByAnalyst(job));
    endInsertRows();
}

void JobModel::remove(qint64 id)
{
    const int r = rowOf(id);
    if (r < 0)
        return;
    beginRemoveRows({}, r, r);
    m_jobs.removeAt(r);
    m_chosen.removeAt(r);
    endRemoveRows();
}

void JobModel::setProgress(qint64 id, double progress)
{
    const int r = rowOf(id);
    if (r < 0 || qFuzzyCompare(m_jobs[r].progress + 1, progress + 1))
        return;
    m_jobs[r].progress = progress;
    Q_EMIT dataChanged(index(r, StateColumn), index(r, StateColumn));
}

void JobModel::tick()
{
    for (int r = 0; r < m_jobs.size(); ++r)
        if (m_jobs[r].state == JobState::Running)
            Q_EMIT dataChanged(index(r, DurationColumn), index(r, DurationColumn));
}

} // namespace finpipe::app
