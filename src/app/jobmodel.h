#pragma once

#include "jobs/jobstore.h"

#include <QAbstractTableModel>
#include <QList>

namespace finpipe::app {

//! The job list: one row per job in the store, newest first. The store is the truth; the model
//! keeps a copy of each record plus live progress, and is told of every change by the main window.
class JobModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    //! "This computer", "Team cloud", or "Cloud · <worker host>" once a worker took it.
    static QString placeText(const jobs::JobRecord &job);
    enum Column { FileColumn, TypeColumn, ConfidenceColumn, WhereColumn, StateColumn,
                  StartedColumn, DurationColumn, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1, //!< raw value for sorting
        JobIdRole,                    //!< qint64
        LevelRole,                    //!< int(detect::Level); invalid when the analyst named the type
        ConfidenceRole,               //!< double in [0, 1]
        StateRole,                    //!< int(jobs::JobState)
        ProgressRole,                 //!< double in [0, 1]
    };

    explicit JobModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void setJobs(const QList<jobs::JobRecord> &jobs);
    //! Inserts the job at the top, or replaces the row with the same id.
    void upsert(const jobs::JobRecord &job);
    void remove(qint64 id);
    void setProgress(qint64 id, double progress);
    //! Refreshes the Duration column of running jobs (called by a timer).
    void tick();

    int rowOf(qint64 id) const;
    const jobs::JobRecord *job(qint64 id) const;
    const jobs::JobRecord &jobAt(int row) const { return m_jobs.at(row); }

    static QString stateText(jobs::JobState state);
    //! "high", "medium", "low", "very low"; empty when the analyst named the type.
    static QString levelText(const std::optional<detect::Level> &level);
    //! "1.2 s", "3 min 04 s", "1 h 02 min".
    static QString durationText(qint64 msecs);
    //! When a job started, in the analyst's short date and time format to the minute ("12/5/26
    //! 11:29 PM"; seconds are noise in a list, and the Details tab has them).
    static QString startedText(const QDateTime &when);
    //! True when the analyst changed detection's type or mapping for this job.
    static bool chosenByAnalyst(const jobs::JobRecord &job);
    //! "Station readings" for "station_readings".
    static QString typeTitle(const QString &datasetType);

private:
    QList<jobs::JobRecord> m_jobs;
    //! Per row: the mapping is the analyst's own (parsed from its JSON once, not at every paint).
    QList<bool> m_chosen;
};

} // namespace finpipe::app
