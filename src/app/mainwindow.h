#pragma once

#include "appsettings.h"
#include "jobs/jobcontroller.h"
#include "jobs/jobstore.h"

#include <QMainWindow>
#include <QHash>
#include <QSet>

#include <memory>
#include <optional>

class QAction;
class QFrame;
class QMenu;
class QLabel;
class QSettings;
class QSortFilterProxyModel;
class QSystemTrayIcon;
class QTableView;

namespace Ui {
class MainWindow;
}

namespace finpipe::cloud {
class CloudExecutor;
}

namespace finpipe::app {

class DetailTabs;
class SecretStore;
class FileIntake;
class JobModel;
class Prompts;
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
    //! What opening the store had to say (a damaged list moved aside, …), as shown in the banner.
    QString storeNotice() const;
    //! The message bar's text while it is shown (store notices, a changed input); else empty.
    QString noticeText() const;

    void selectJob(qint64 id);
    qint64 currentJobId() const;
    QList<qint64> selectedJobIds() const;
    //! Shows run `run` of the selected job (0: its latest) in the details.
    void showRun(int run);
    //! The run the details show (0 when no job is selected).
    int shownRun() const { return m_shownRun; }

    void rerunJobs(const QList<qint64> &ids);
    void cancelJobs(const QList<qint64> &ids);
    //! Asks (keep or delete the output folders, with their size), cancels running ones, removes.
    void removeJobs(const QList<qint64> &ids);
    //! Reopens the detection dialog on the job's file, detected afresh; the choice becomes a new
    //! run of the same job.
    void fixMapping(qint64 id);
    //! Asks where, refuses to overwrite silently, copies atomically on a worker thread.
    void saveOutput(const QString &path);
    void saveAllOutputs();
    //! Opens files with the detection dialog always shown, so that the sheet, mapping, templates and
    //! options can be set before the first run.
    void reviewPaths(const QStringList &paths);
    //! Copies the sample that ships with finpipe to the application's data folder and opens it.
    void openSample();
    //! The name a saved output is offered under: the source file's base name, then the output's
    //! ("raw_data - CT_Analysis.csv"), so that saves from different jobs do not collide.
    QString suggestedSaveName(const QString &outputPath) const;

    //! Reads the Cloud settings and the keychain's password again and (re)connects the cloud
    //! executor; without settings, files run on this computer only.
    void loadCloudSettings();
    //! The executor of team-cloud jobs (always there; not connected until the cloud is set up).
    cloud::CloudExecutor *cloudExecutor() const { return m_cloud; }

    // For tests and the screenshot: the real widgets and parts.
    jobs::JobStore &store() { return m_jobs->store(); }
    jobs::JobController *controller() const { return m_jobs; }
    JobModel *jobModel() const { return m_model; }
    QTableView *jobsView() const;
    DetailTabs *details() const { return m_details; }
    FileIntake *intake() const { return m_intake; }
    AppSettings &settings() { return m_settings; }
    QString outputRoot() const;
    QMenu *recentMenu() const;
    QAction *saveOutputAction() const;

Q_SIGNALS:
    //! A job reached a final state (after the store and the list were updated).
    void jobFinished(qint64 id, finpipe::jobs::JobState state);
    //! An output copy ended; `error` empty on success.
    void outputSaved(const QString &target, const QString &error);
    //! A link to an output of a cloud job was put on the clipboard.
    void linkCopied(const QString &name);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void setUpActions();
    void setUpNoticeBar();
    void showNotice(const QString &text);
    void setUpJobList();
    void updateEmptyState();
    void updateActions();
    void showCurrentJob();
    void refreshJob(qint64 id);
    void rebuildRecentMenu();
    void updateSaveAction();
    void saveRequested();
    void openFileDialog();
    void applyDashboardTheme();
    void showSettings();
    void showContextMenu(const QPoint &pos);
    void createJob(const PreparedFile &file);
    void onRunFinished(qint64 id, int run, jobs::JobState state);
    //! Selects the job that just ended and shows its latest run's dashboard.
    void showFinishedJob(qint64 id);
    void notify(const QString &title, const QString &message);
    void reportStoreError(const Error &error);
    void updateCloudStatus();
    //! Puts a pre-signed link (one hour) to the shown cloud job's output on the clipboard.
    void copyOutputLink(const QString &name);
    void copyInBackground(const QList<std::pair<QString, QString>> &copies);

    std::unique_ptr<Ui::MainWindow> m_ui;
    AppSettings m_settings;
    std::unique_ptr<Prompts> m_ownPrompts;
    Prompts *m_prompts = nullptr;
    jobs::JobController *m_jobs = nullptr;
    cloud::CloudExecutor *m_cloud = nullptr;
    SecretStore *m_secrets = nullptr;
    QLabel *m_cloudStatus = nullptr;
    std::optional<Error> m_storeError;
    //! The run the details show; 0 means the selected job's latest.
    int m_shownRun = 0;
    //! Files reopened by "Fix the mapping…" -> the job their choice re-runs.
    QHash<QString, qint64> m_fixing;
    JobModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    DetailTabs *m_details = nullptr;
    FileIntake *m_intake = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QFrame *m_noticeBar = nullptr;
    QLabel *m_noticeLabel = nullptr;
    //! The job whose dashboard opens when it finishes (the analyst's latest file).
    qint64 m_followJob = 0;
};

} // namespace finpipe::app
