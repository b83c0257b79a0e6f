#pragma once

#include "analysis/analysis.h"
#include "common/feedback.h"
#include "detect/detection.h"
#include "detect/mapping.h"
#include "detect/rules.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QHash>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <optional>

namespace finpipe::jobs {
class JobStore;
}

namespace finpipe::app {

class AppSettings;
class DetectionDialog;
class Prompts;

//! A file ready to become a job: hashed, checked for duplicates, its type and mapping decided.
struct PreparedFile {
    QString path;
    QString fileName;
    QString sha256;
    qint64 size = 0;
    QString sheet;
    detect::Detection detection;
    detect::ColumnMapping mapping;   //!< validated
    analysis::Parameters parameters;
    double confidence = 0;           //!< detection's score for the chosen type
    detect::Level level = detect::Level::VeryLow; //!< its level
    QString place = QStringLiteral("local");      //!< where it runs: "local" or "cloud"
};

//! Takes dropped or opened files one at a time from arrival to a job: hashes them on a worker
//! thread (with progress, cancellable), asks about duplicates, detects on a worker thread and,
//! unless detection is sure enough, asks the analyst in the detection dialog. The GUI thread only
//! polls progress and reacts to results; it never waits.
class FileIntake : public QObject
{
    Q_OBJECT

public:
    FileIntake(jobs::JobStore &store, AppSettings &settings, Prompts &prompts, QWidget *dialogParent);
    ~FileIntake() override;

    //! Queues files; the ones already queued or being processed are not queued twice.
    void add(const QStringList &paths);
    //! What a review starts from: a job's latest choices (its sheet, mapping and options).
    struct ReviewPreset {
        QString sheet;
        std::optional<detect::ColumnMapping> mapping;
        analysis::Parameters parameters;
        QString place; //!< where the job ran last ("local", "cloud")
    };
    //! Queues a file for a fresh look: no duplicate question, and the detection dialog always opens
    //! (pre-filled from `preset` when given), so that the options can be set before a run.
    void review(const QString &path, const std::optional<ReviewPreset> &preset = std::nullopt);
    //! Cancels the file in progress (hashing or detection) and forgets the queue.
    void cancel();
    bool isBusy() const { return m_current.has_value(); }
    int queued() const { return int(m_queue.size()); }
    //! The detection dialog currently open, if any (tests drive it).
    DetectionDialog *dialog() const;
    //! Opens the detection dialog for a file even when detection is sure ("review detection").
    void setAlwaysAsk(bool on) { m_alwaysAsk = on; }
    //! Whether files may run in the team cloud (it is set up), and what to say about it in the
    //! detection dialog (e.g. that it cannot be reached now and the job will wait).
    void setCloudStatus(bool configured, const QString &note)
    {
        m_cloudConfigured = configured;
        m_cloudNote = note;
    }

    //! The rules used for detection (loaded on first use, on a worker thread).
    std::shared_ptr<const detect::Rules> rules() const { return m_rules; }

Q_SIGNALS:
    //! What the intake is doing, for the progress bar ("Hashing raw_data.xlsx…"); empty when idle.
    void statusChanged(const QString &text);
    //! In [0, 1], or -1 when unknown.
    void progressChanged(double fraction);
    void fileReady(const finpipe::app::PreparedFile &file);
    //! The analyst chose to open the results of an earlier job for the same content.
    void openExistingRequested(qint64 jobId);
    //! A file could not be taken in (unreadable, not a table, ...); message in the analyst's words.
    void fileFailed(const QString &path, const QString &message);
    void idle();

private:
    void next();
    void startHashing();
    void hashed(const Result<QString> &digest);
    void startDetection();
    void detected(const Result<detect::Detection> &detection);
    void askAnalyst(const std::optional<detect::ColumnMapping> &profileMapping, const QString &profileNote);
    void finishCurrent();
    void poll();

    struct Current {
        QString path;
        QString sha256;
        qint64 size = 0;
        detect::Detection detection;
        std::shared_ptr<Feedback> feedback = std::make_shared<Feedback>();
        quint64 generation = 0;
    };

    jobs::JobStore &m_store;
    AppSettings &m_settings;
    Prompts &m_prompts;
    QPointer<QWidget> m_parent;
    QStringList m_queue;
    std::optional<Current> m_current;
    quint64 m_generation = 0;
    QTimer m_poll;
    QPointer<DetectionDialog> m_dialog;
    std::shared_ptr<const detect::Rules> m_rules;
    bool m_alwaysAsk = false;
    bool m_cloudConfigured = false;
    QString m_cloudNote;
    QHash<QString, std::optional<ReviewPreset>> m_review;
    bool m_currentIsReview = false;
    std::optional<ReviewPreset> m_currentPreset;
};

//! Expands dropped paths: a folder contributes the CSV/XLSX files directly in it (sorted); other
//! files are kept as they are (the reader explains what it cannot read).
QStringList expandDroppedPaths(const QStringList &paths);

} // namespace finpipe::app

Q_DECLARE_METATYPE(finpipe::app::PreparedFile)
