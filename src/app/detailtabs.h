#pragma once

#include "appsettings.h"
#include "ingest/reader.h"
#include "jobs/jobstore.h"

#include <QJsonObject>
#include <QTabWidget>
#include <QUrl>

#include <memory>

class QChartView;
class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QStackedWidget;
class QTableView;
class QTableWidget;
class QTextBrowser;
class QWebEngineProfile;
class QWebEngineView;

namespace finpipe::app {

class LocalOnlyInterceptor;
class ResultsModel;
class RunHistoryTable;
class RunOutcomePage;
struct QualityReport;

//! The selected job's details: Dashboard, Data, Quality, Outputs, Details.
class DetailTabs : public QTabWidget
{
    Q_OBJECT

public:
    enum Tab { DashboardTab, DataTab, QualityTab, OutputsTab, DetailsTab };

    explicit DetailTabs(QWidget *parent = nullptr);
    ~DetailTabs() override;

    //! Shows run `run` (0: the latest) of the job (nullptr: nothing selected), and its runs in the
    //! Details tab. Reloads even when it is the same run, so that a finished run shows its outputs.
    //! Without `runs`, the job record's own (latest run) fields are shown.
    void showJob(const jobs::JobRecord *job, const QList<jobs::JobRun> &runs = {}, int run = 0);
    //! Refreshes the run list only (another run of the shown job changed).
    void updateRunList(const QList<jobs::JobRun> &runs);
    qint64 jobId() const { return m_job.id; }
    //! The run shown (0 when none).
    int shownRun() const { return m_job.runNumber; }
    QString shownOutputDir() const { return m_job.outputDir; }
    QList<jobs::JobOutput> shownOutputs() const { return m_job.outputs; }
    //! "Run 3 of 3 · failed": which run the tabs show.
    QLabel *runBanner() const { return m_runBanner; }
    RunOutcomePage *outcomePage() const { return m_outcome; }
    RunHistoryTable *runsTable() const { return m_runsTable; }

    //! The dashboard's colours: Light and Dark force that theme on every dashboard shown from now
    //! on and on the one shown now (its charts redraw); System lets the page follow the system's
    //! preference. QtWebEngine 6.4 cannot force prefers-color-scheme, so this sets the page's
    //! <html data-theme> before the page's own scripts run.
    void setDashboardTheme(AppSettings::Theme theme);

    //! What an output file is, in the analyst's words ("One row per input row: used or skipped, and why").
    static QString outputDescription(const QString &name);
    //! The output file selected in the Outputs tab, else the first output; empty if none.
    QString selectedOutputPath() const;
    //! The job's manifest.json, parsed (empty when there is none).
    const QJsonObject &manifest() const { return m_manifest; }

    QWebEngineView *dashboardView() const { return m_web; }
    LocalOnlyInterceptor *interceptor() const { return m_interceptor; }
    ResultsModel *resultsModel() const { return m_results; }
    QTableView *dataView() const { return m_dataView; }
    QComboBox *tableCombo() const { return m_tableCombo; }
    QChartView *dataChart() const { return m_dataChart; }
    QChartView *qualityChart() const { return m_qualityChart; }
    QListWidget *alertsList() const { return m_alerts; }
    //! "1,440 rows read = 1,356 used + 84 skipped" above the Quality tab.
    QLabel *rowAccounting() const { return m_rowAccounting; }
    //! The skipped rows by reason: reason, rows, example rows.
    QTableWidget *skippedTable() const { return m_skipped; }
    QTableWidget *outputsTable() const { return m_outputs; }
    QTextBrowser *detailsText() const { return m_details; }

Q_SIGNALS:
    void dashboardLoadFinished(bool ok);
    //! A result table finished loading into the Data tab.
    void dataTableLoaded(const QString &path);
    //! The shown run's data-quality report (data_quality.csv) was read, off the GUI thread, into
    //! the Quality tab's skipped-rows table and blank-rate chart (also when the run has none).
    void qualityReportLoaded();
    void saveOutputRequested(const QString &path);
    //! Copy a pre-signed link to the cloud's copy of an output of the shown (cloud) job.
    void copyLinkRequested(const QString &name);
    //! Open the output in the system's application for its kind (double-click, Enter or Open).
    void openOutputRequested(const QString &path);
    void saveAllRequested();
    void openFolderRequested();
    //! The analyst asked to see run `run` of the shown job.
    void runRequested(int run);
    void rerunRequested();
    void fixMappingRequested();

private:
    QWidget *makeDashboardTab();
    QWidget *makeDataTab();
    QWidget *makeQualityTab();
    QWidget *makeOutputsTab();
    QWidget *makeDetailsTab();

    void loadDashboard();
    void loadDataTable(int comboIndex);
    void updateDataChart();
    //! Each result column as wide as its header and its first rows need (a bounded number of
    //! cells), so that figures read whole; a long text column stops at a third of the view.
    void fitDataColumns();
    void loadQuality();
    void showQualityReport(const QualityReport &report);
    void fillOutputs();
    void fillDetails();
    QString outputPath(const QString &name) const;

    //! The job with the shown run's state, times, folder and outputs.
    jobs::JobRecord m_job;
    QList<jobs::JobRun> m_runs;
    QJsonObject m_manifest;
    quint64 m_dataGeneration = 0;
    quint64 m_qualityGeneration = 0;

    QWebEngineProfile *m_profile = nullptr;
    LocalOnlyInterceptor *m_interceptor = nullptr;
    QStackedWidget *m_dashboardStack = nullptr;
    QWebEngineView *m_web = nullptr;
    QUrl m_dashboardUrl;
    QLabel *m_runBanner = nullptr;
    RunOutcomePage *m_outcome = nullptr;
    RunHistoryTable *m_runsTable = nullptr;

    QComboBox *m_tableCombo = nullptr;
    QTableView *m_dataView = nullptr;
    ResultsModel *m_results = nullptr;
    QChartView *m_dataChart = nullptr;
    QLabel *m_dataStatus = nullptr;
    int m_chartColumn = -1;
    bool m_dataChartEmpty = false;
    bool m_qualityChartEmpty = false;

    QListWidget *m_alerts = nullptr;
    QChartView *m_qualityChart = nullptr;
    QLabel *m_rowAccounting = nullptr;
    QTableWidget *m_skipped = nullptr;

    QTableWidget *m_outputs = nullptr;
    QPushButton *m_saveAll = nullptr;
    QPushButton *m_openFolder = nullptr;

    QTextBrowser *m_details = nullptr;
};

//! Reads `<outputDir>/manifest.json`; empty when missing or unreadable.
QJsonObject readManifest(const QString &outputDir);

} // namespace finpipe::app
