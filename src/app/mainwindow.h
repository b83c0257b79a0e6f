#pragma once

#include "appsettings.h"
#include "jobs/jobstore.h"

#include <QMainWindow>
#include <QSet>

#include <memory>
#include <optional>

class QSettings;
class QSortFilterProxyModel;
class QSystemTrayIcon;
class QTableView;

namespace Ui {
class MainWindow;
}

namespace finpipe::app {

class DetailTabs;
class FileIntake;
class JobModel;
class JobRunner;
class Prompts;
struct JobOutcome;
struct PreparedFile;

//! How to build a main window; the defaults are the real application's.
struct MainWindowOptions {
    //! The job store's file; empty means jobs::JobStore::defaultPath().
    QString storePath;
    //! Settings to use (tests pass their own); nullptr means the application's.
    QSettings *settings = nullptr;
    //! Answers to questions (tests pass scripted ones); nullptr means real dialogs.
    Prompts *prompts = nullptr;
};


//! The main window: the job list, the selected job's details, and everything from a dropped file
//! to its dashboard.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    using Options = MainWindowOptions;

    explicit MainWindow(const Options &options = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    //! Takes files (and folders' CSV/XLSX files) in: hash, duplicate check, detection, job.
    void openPaths(const QStringList &paths);

    //! The error from opening the job store, if it failed (the window then shows it).
    const Error *storeError() const { return m_storeError ? &*m_storeError : nullptr; }

    void selectJob(qint64 id);
    qint64 currentJobId() const;
    QList<qint64> selectedJobIds() const;

    void rerunJobs(const QList<qint64> &ids);
    void cancelJobs(const QList<qint64> &ids);
    void removeJobs(const QList<qint64> &ids);
    //! Asks where, refuses to overwrite silently, copies atomically on a worker thread.
    void saveOutput(const QString &path);
    void saveAllOutputs();

    // For tests and the screenshot: the real widgets and parts.
    jobs::JobStore &store() { return m_store; }
    JobModel *jobModel() const { return m_model; }
    QTableView *jobsView() const;
    DetailTabs *details() const { return m_details; }
    FileIntake *intake() const { return m_intake; }
    JobRunner *runner() const { return m_runner; }
    AppSettings &settings() { return m_settings; }
    QString outputRoot() const;

Q_SIGNALS:
    //! A job reached a final state (after the store and the list were updated).
    void jobFinished(qint64 id, finpipe::jobs::JobState state);
    //! An output copy ended; `error` empty on success.
    void outputSaved(const QString &target, const QString &error);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void setUpActions();
    void setUpJobList();
    void updateEmptyState();
    void updateActions();
    void showCurrentJob();
    void refreshJob(qint64 id);
    void rebuildRecentMenu();
    void openFileDialog();
    void applyDashboardTheme();
    void showSettings();
    void showContextMenu(const QPoint &pos);
    void createJob(const PreparedFile &file);
    void startJob(const jobs::JobRecord &job);
    void onJobStarted(qint64 id);
    void onJobFinished(const JobOutcome &outcome);
    void notify(const QString &title, const QString &message);
    void reportStoreError(const Error &error);
    void copyInBackground(const QList<std::pair<QString, QString>> &copies);

    std::unique_ptr<Ui::MainWindow> m_ui;
    AppSettings m_settings;
    std::unique_ptr<Prompts> m_ownPrompts;
    Prompts *m_prompts = nullptr;
    jobs::JobStore m_store;
    std::optional<Error> m_storeError;
    JobModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    DetailTabs *m_details = nullptr;
    FileIntake *m_intake = nullptr;
    JobRunner *m_runner = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    //! The job whose dashboard opens when it finishes (the analyst's latest file).
    qint64 m_followJob = 0;
};

} // namespace finpipe::app
