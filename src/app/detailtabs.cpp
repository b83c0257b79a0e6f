#include "detailtabs.h"

#include "detectiondialog.h"
#include "icons.h"
#include "jobmodel.h"
#include "localonlyinterceptor.h"
#include "resultsmodel.h"
#include "runviews.h"
#include "common/percent.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QDir>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFutureWatcher>
#include <QHash>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHorizontalBarSeries>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineSeries>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTextBrowser>
#include <QValueAxis>
#include <QVBoxLayout>
#include <QWebEnginePage>
#include <QWebEngineProfile>
#include <QWebEngineScript>
#include <QWebEngineScriptCollection>
#include <QWebEngineSettings>
#include <QWebEngineView>
#include <QtConcurrent>

#include <algorithm>
#include <vector>

namespace finpipe::app {

namespace {

//! Refuses navigation away from local content (a link in a dashboard cannot open a web page).
class DashboardPage : public QWebEnginePage
{
public:
    using QWebEnginePage::QWebEnginePage;

protected:
    bool acceptNavigationRequest(const QUrl &url, NavigationType, bool) override
    {
        return LocalOnlyInterceptor::isAllowed(url);
    }
};

QString humanSize(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

//! A result table as read off the GUI thread, with its columns' display styles.
struct LoadedTable {
    std::shared_ptr<const ingest::Table> table;
    std::vector<analysis::NumberStyle> styles;
};
using TableResult = Result<LoadedTable>;

const QString kThemeScriptName = QStringLiteral("finpipe-dashboard-theme");

// The Data tab sizes each column to its header and its first rows, about this many cells in all
// (measured: some 3.5 us a cell, so about 10 ms on the GUI thread however wide the table), and at
// most this many columns.
constexpr int kFitCells = 3000;
constexpr int kFitColumns = 200;

//! Script that gives the page <html data-theme="light|dark"> (dashboard.css and dashboard.js follow
//! it), or removes it for System. It leaves an unchanged attribute alone: every change redraws
//! the page's charts. Run as the document is created, it finds no <html> yet and waits for it
//! with a MutationObserver, whose callback runs before the parser runs any of the page's scripts.
QString themeScript(AppSettings::Theme theme)
{
    const QString value = theme == AppSettings::Theme::Light  ? QStringLiteral("'light'")
                          : theme == AppSettings::Theme::Dark ? QStringLiteral("'dark'")
                                                              : QStringLiteral("null");
    return QStringLiteral(
               "(function (t) {"
               " function apply(r) {"
               "  if (r.getAttribute('data-theme') === t) return;"
               "  if (t) r.setAttribute('data-theme', t); else r.removeAttribute('data-theme');"
               " }"
               " if (document.documentElement) { apply(document.documentElement); return; }"
               " var o = new MutationObserver(function () {"
               "  if (document.documentElement) { o.disconnect(); apply(document.documentElement); }"
               " });"
               " o.observe(document, { childList: true });"
               "})(%1);")
        .arg(value);
}

} // namespace

//! What the Quality tab shows of a run's data_quality.csv.
struct QualityReport {
    struct Blank {
        QString column;
        double rate; // percent
    };
    struct Skipped {
        QString reason;
        qint64 rows;
        QString examples;
    };
    bool found = false;              // the run has a report
    int columns = 0;                 // columns checked for blanks
    size_t withBlanks = 0;           // of which have some
    std::vector<Blank> blanks;       // at most a dozen, in the file's column order
    std::vector<Skipped> skipped;    // by reason
};

//! Reads a run's data_quality.csv (one row per check and column); runs off the GUI thread.
static QualityReport readQualityReport(const QString &path)
{
    QualityReport report;
    if (path.isEmpty() || !QFileInfo::exists(path))
        return report;
    report.found = true;
    ingest::ReadOptions opts;
    opts.computeHash = false;
    auto table = ingest::readTable(path, opts);
    if (!table.ok())
        return report;
    const int check = table->columnIndex(QStringLiteral("check"));
    const int column = table->columnIndex(QStringLiteral("column"));
    const int rate = table->columnIndex(QStringLiteral("rate"));
    const int scope = table->columnIndex(QStringLiteral("scope"));
    const int count = table->columnIndex(QStringLiteral("count"));
    const int examples = table->columnIndex(QStringLiteral("example_rows"));
    std::vector<QualityReport::Blank> blanks;
    if (check >= 0 && column >= 0 && rate >= 0)
        for (const auto &b : table->batches)
            for (int r = 0; r < b->rowCount(); ++r) {
                const QString what = b->at(r, check).toString();
                if (what == u"blank values") {
                    ++report.columns;
                    if (b->at(r, rate).number > 0)
                        blanks.push_back({b->at(r, column).toString(), b->at(r, rate).number * 100.0});
                } else if (what == u"skipped rows" && scope >= 0 && count >= 0) {
                    report.skipped.push_back({b->at(r, scope).toString(), qint64(b->at(r, count).number),
                                              examples >= 0 ? b->at(r, examples).toString() : QString()});
                }
            }
    // Only the columns that have blanks, at most kBars of them (the highest rates), so every label
    // has room at 1024 x 700; the chart's title says how many are left out.
    constexpr size_t kBars = 12;
    report.withBlanks = blanks.size();
    if (blanks.size() > kBars) {
        std::vector<QualityReport::Blank> top = blanks;
        std::stable_sort(top.begin(), top.end(), [](const auto &a, const auto &b) { return a.rate > b.rate; });
        top.resize(kBars);
        std::vector<QualityReport::Blank> kept; // in the file's column order
        for (const auto &b : blanks)
            for (const auto &t : top)
                if (t.column == b.column && t.rate == b.rate) {
                    kept.push_back(b);
                    break;
                }
        kept.resize(std::min(kept.size(), kBars));
        blanks = std::move(kept);
    }
    report.blanks = std::move(blanks);
    return report;
}

QJsonObject readManifest(const QString &outputDir)
{
    if (outputDir.isEmpty())
        return {};
    QFile f(QDir(outputDir).filePath(QStringLiteral("manifest.json")));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

DetailTabs::DetailTabs(QWidget *parent) : QTabWidget(parent)
{
    setObjectName(QStringLiteral("detailTabs"));
    setAccessibleName(tr("Job details"));
    setDocumentMode(true);
    addTab(makeDashboardTab(), tr("Dashboard"));
    addTab(makeDataTab(), tr("Data"));
    addTab(makeQualityTab(), tr("Quality"));
    addTab(makeOutputsTab(), tr("Outputs"));
    addTab(makeDetailsTab(), tr("Details"));
    showJob(nullptr);
}

DetailTabs::~DetailTabs()
{
    // The page must go before its profile.
    delete m_web;
    m_web = nullptr;
}

QWidget *DetailTabs::makeDashboardTab()
{
    // An off-the-record profile of our own: dashboards never share cookies or cache with anything,
    // and every request passes the local-only interceptor.
    m_profile = new QWebEngineProfile(this);
    m_interceptor = new LocalOnlyInterceptor(m_profile);
    m_profile->setUrlRequestInterceptor(m_interceptor);
    m_profile->settings()->setAttribute(QWebEngineSettings::LocalContentCanAccessRemoteUrls, false);
    m_profile->settings()->setAttribute(QWebEngineSettings::LocalContentCanAccessFileUrls, true);

    m_dashboardStack = new QStackedWidget;
    m_outcome = new RunOutcomePage;
    connect(m_outcome, &RunOutcomePage::runRequested, this, &DetailTabs::runRequested);
    connect(m_outcome, &RunOutcomePage::rerunRequested, this, &DetailTabs::rerunRequested);
    connect(m_outcome, &RunOutcomePage::fixMappingRequested, this, &DetailTabs::fixMappingRequested);
    m_web = new QWebEngineView;
    m_web->setObjectName(QStringLiteral("dashboardView"));
    m_web->setAccessibleName(tr("Dashboard"));
    m_web->setPage(new DashboardPage(m_profile, m_web));
    m_web->setContextMenuPolicy(Qt::NoContextMenu);
    connect(m_web, &QWebEngineView::loadFinished, this, [this](bool ok) {
        // Only the dashboard's own loads count (not an earlier page being replaced).
        if (m_web->url() == m_dashboardUrl)
            Q_EMIT dashboardLoadFinished(ok);
    });
    m_dashboardStack->addWidget(m_outcome);
    m_dashboardStack->addWidget(m_web);

    // Which run this is, always in view: a failed or older run is never taken for the current one.
    auto *page = new QWidget;
    auto *lay = new QVBoxLayout(page);
    lay->setContentsMargins(0, 0, 0, 0);
    lay->setSpacing(0);
    m_runBanner = new QLabel;
    m_runBanner->setObjectName(QStringLiteral("runBanner"));
    m_runBanner->setWordWrap(true);
    m_runBanner->setTextFormat(Qt::PlainText);
    m_runBanner->setContentsMargins(8, 4, 8, 4);
    m_runBanner->setAutoFillBackground(true);
    m_runBanner->setBackgroundRole(QPalette::AlternateBase);
    lay->addWidget(m_runBanner);
    lay->addWidget(m_dashboardStack, 1);
    return page;
}

QWidget *DetailTabs::makeDataTab()
{
    auto *w = new QWidget;
    auto *lay = new QVBoxLayout(w);
    auto *top = new QHBoxLayout;
    auto *label = new QLabel(tr("&Table:"));
    m_tableCombo = new QComboBox;
    m_tableCombo->setObjectName(QStringLiteral("tableCombo"));
    m_tableCombo->setAccessibleName(tr("Result table"));
    m_tableCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    label->setBuddy(m_tableCombo);
    m_dataStatus = new QLabel;
    top->addWidget(label);
    top->addWidget(m_tableCombo);
    top->addWidget(m_dataStatus, 1);
    lay->addLayout(top);

    auto *split = new QSplitter(Qt::Vertical);
    m_results = new ResultsModel(this);
    m_dataView = new QTableView;
    m_dataView->setObjectName(QStringLiteral("dataView"));
    m_dataView->setAccessibleName(tr("Result table rows"));
    m_dataView->setModel(m_results);
    m_dataView->setAlternatingRowColors(true);
    m_dataView->setSelectionBehavior(QAbstractItemView::SelectItems);
    // Uniform row heights keep 100k-row tables fast: no per-row size queries.
    m_dataView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_dataView->verticalHeader()->setDefaultSectionSize(m_dataView->fontMetrics().height() + 6);
    m_dataView->horizontalHeader()->setDefaultSectionSize(96);
    m_dataChart = new QChartView;
    m_dataChart->setObjectName(QStringLiteral("dataChart"));
    m_dataChart->setAccessibleName(tr("Chart of the selected column over time"));
    m_dataChart->setRenderHint(QPainter::Antialiasing);
    m_dataChart->setMinimumHeight(180);
    split->addWidget(m_dataView);
    split->addWidget(m_dataChart);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    lay->addWidget(split, 1);

    connect(m_tableCombo, &QComboBox::currentIndexChanged, this, &DetailTabs::loadDataTable);
    connect(m_dataView->selectionModel(), &QItemSelectionModel::currentColumnChanged, this,
            [this](const QModelIndex &current) {
                m_chartColumn = current.column();
                updateDataChart();
            });
    return w;
}

QWidget *DetailTabs::makeQualityTab()
{
    // The row accounting on top; below it, side by side, the alerts with the skipped rows by
    // reason, and the blank-rate chart: at 1024 x 700 the alerts get the full height and the chart
    // is in view without scrolling.
    auto *w = new QWidget;
    auto *lay = new QVBoxLayout(w);
    lay->setContentsMargins(6, 6, 6, 6);
    m_rowAccounting = new QLabel;
    m_rowAccounting->setObjectName(QStringLiteral("rowAccounting"));
    m_rowAccounting->setWordWrap(true);
    m_rowAccounting->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    lay->addWidget(m_rowAccounting);

    auto *split = new QSplitter(Qt::Horizontal);
    split->setObjectName(QStringLiteral("qualitySplit"));
    split->setChildrenCollapsible(false);
    auto *left = new QSplitter(Qt::Vertical);
    left->setChildrenCollapsible(false);
    m_alerts = new QListWidget;
    m_alerts->setObjectName(QStringLiteral("alertsList"));
    m_alerts->setAccessibleName(tr("Data-quality alerts"));
    m_alerts->setWordWrap(true);
    m_alerts->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_alerts->setMinimumWidth(280);
    m_alerts->setSpacing(3);
    m_skipped = new QTableWidget(0, 3);
    m_skipped->setObjectName(QStringLiteral("skippedTable"));
    m_skipped->setAccessibleName(tr("Skipped rows by reason"));
    m_skipped->setHorizontalHeaderLabels({tr("Skipped because"), tr("Rows"), tr("Example rows")});
    m_skipped->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_skipped->verticalHeader()->hide();
    m_skipped->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_skipped->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_skipped->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_skipped->horizontalHeader()->setMinimumSectionSize(60);
    m_skipped->setWordWrap(true);
    m_skipped->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    left->addWidget(m_alerts);
    left->addWidget(m_skipped);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 1);
    m_qualityChart = new QChartView;
    m_qualityChart->setObjectName(QStringLiteral("qualityChart"));
    m_qualityChart->setAccessibleName(tr("Blank rate per column"));
    m_qualityChart->setRenderHint(QPainter::Antialiasing);
    m_qualityChart->setMinimumWidth(300);
    split->addWidget(left);
    split->addWidget(m_qualityChart);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 5);
    split->setSizes({400, 500});
    lay->addWidget(split, 1);
    return w;
}

QWidget *DetailTabs::makeOutputsTab()
{
    auto *w = new QWidget;
    auto *lay = new QVBoxLayout(w);
    m_outputs = new QTableWidget(0, 5);
    m_outputs->setObjectName(QStringLiteral("outputsTable"));
    m_outputs->setAccessibleName(tr("Output files"));
    m_outputs->setHorizontalHeaderLabels({tr("File"), tr("What it is"), tr("Size"), tr("SHA-256"), QString()});
    m_outputs->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_outputs->setSelectionMode(QAbstractItemView::SingleSelection);
    m_outputs->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_outputs->setWordWrap(false);
    m_outputs->verticalHeader()->hide();
    QHeaderView *h = m_outputs->horizontalHeader();
    h->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    h->setSectionResizeMode(1, QHeaderView::Stretch);
    h->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    // The hash is for checking, not reading: a short column, the whole value in its tooltip.
    h->setSectionResizeMode(3, QHeaderView::Interactive);
    h->resizeSection(3, fontMetrics().horizontalAdvance(QStringLiteral("0123456789abcdef…")) + 16);
    h->setSectionResizeMode(4, QHeaderView::ResizeToContents);
    m_outputs->setToolTip(tr("Double-click or press Enter to open a file in its application"));
    connect(m_outputs, &QTableWidget::itemActivated, this, [this](QTableWidgetItem *item) {
        if (item && item->row() < m_job.outputs.size())
            Q_EMIT openOutputRequested(outputPath(m_job.outputs[item->row()].name));
    });
    lay->addWidget(m_outputs, 1);
    auto *buttons = new QHBoxLayout;
    m_saveAll = new QPushButton(themedIcon(QStringLiteral("saveall")), tr("Save &all…"));
    m_saveAll->setObjectName(QStringLiteral("saveAllButton"));
    m_openFolder = new QPushButton(themedIcon(QStringLiteral("folder")), tr("Open &folder"));
    m_openFolder->setObjectName(QStringLiteral("openFolderButton"));
    buttons->addStretch(1);
    buttons->addWidget(m_saveAll);
    buttons->addWidget(m_openFolder);
    lay->addLayout(buttons);
    connect(m_saveAll, &QPushButton::clicked, this, &DetailTabs::saveAllRequested);
    connect(m_openFolder, &QPushButton::clicked, this, &DetailTabs::openFolderRequested);
    return w;
}

QWidget *DetailTabs::makeDetailsTab()
{
    auto *split = new QSplitter(Qt::Vertical);
    m_runsTable = new RunHistoryTable;
    connect(m_runsTable, &RunHistoryTable::runActivated, this, &DetailTabs::runRequested);
    m_details = new QTextBrowser;
    m_details->setObjectName(QStringLiteral("detailsText"));
    m_details->setAccessibleName(tr("Manifest, detection evidence and lineage"));
    m_details->setOpenLinks(false);
    // A path or a SHA-256 has no spaces: it wraps anywhere rather than push the page sideways.
    m_details->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    split->addWidget(m_runsTable);
    split->addWidget(m_details);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    return split;
}

QString DetailTabs::outputPath(const QString &name) const
{
    return QDir(m_job.outputDir).filePath(name);
}

void DetailTabs::updateRunList(const QList<jobs::JobRun> &runs)
{
    m_runs = runs;
    m_runsTable->setRuns(m_runs, m_job.runNumber);
    m_runBanner->setText(runBannerText(m_runs, m_job.runNumber));
    m_runBanner->setVisible(!m_runBanner->text().isEmpty());
}

void DetailTabs::showJob(const jobs::JobRecord *job, const QList<jobs::JobRun> &runs, int run)
{
    m_job = job ? *job : jobs::JobRecord{};
    m_runs = job ? runs : QList<jobs::JobRun>{};
    if (const jobs::JobRun *r = findRun(m_runs, run)) {
        m_job.runNumber = r->number;
        m_job.state = r->state;
        m_job.progress = r->progress;
        m_job.errorMessage = r->errorMessage;
        m_job.started = r->started;
        m_job.finished = r->finished;
        m_job.outputDir = r->outputDir;
        m_job.outputs = r->outputs;
    }
    m_runsTable->setRuns(m_runs, m_job.runNumber);
    m_runBanner->setText(runBannerText(m_runs, m_job.runNumber));
    m_runBanner->setVisible(!m_runBanner->text().isEmpty());
    m_manifest = job ? readManifest(m_job.outputDir) : QJsonObject{};
    for (int i = 1; i < count(); ++i)
        setTabEnabled(i, job != nullptr);
    loadDashboard();
    {
        const QSignalBlocker block(m_tableCombo);
        m_tableCombo->clear();
        // Result tables first, then the quality report and the (long) lineage.
        QStringList first, last;
        for (const jobs::JobOutput &o : m_job.outputs) {
            if (!o.name.endsWith(u".csv", Qt::CaseInsensitive))
                continue;
            (o.name == u"audit_lineage.csv" || o.name == u"data_quality.csv" ? last : first).append(o.name);
        }
        for (const QString &n : first + last)
            m_tableCombo->addItem(n);
    }
    ++m_dataGeneration;
    m_results->clear();
    m_chartColumn = -1;
    if (m_tableCombo->count() > 0)
        loadDataTable(0);
    else
        updateDataChart();
    loadQuality();
    fillOutputs();
    fillDetails();
}

void DetailTabs::setDashboardTheme(AppSettings::Theme theme)
{
    // Pages loaded from now on get the theme as their document is created, before any of their
    // own scripts run: no flash of the other theme, and the charts are drawn right the first time.
    QWebEngineScriptCollection &scripts = m_web->page()->scripts();
    for (const QWebEngineScript &old : scripts.find(kThemeScriptName))
        scripts.remove(old);
    if (theme != AppSettings::Theme::System) {
        QWebEngineScript script;
        script.setName(kThemeScriptName);
        script.setInjectionPoint(QWebEngineScript::DocumentCreation);
        script.setWorldId(QWebEngineScript::ApplicationWorld); // the page's scripts cannot see it
        script.setRunsOnSubFrames(false);
        script.setSourceCode(themeScript(theme));
        scripts.insert(script);
    }
    // The dashboard on screen changes now.
    if (!m_dashboardUrl.isEmpty())
        m_web->page()->runJavaScript(themeScript(theme), QWebEngineScript::ApplicationWorld);
}

void DetailTabs::loadDashboard()
{
    const QString path = m_job.outputDir.isEmpty()
        ? QString()
        : QDir(m_job.outputDir).filePath(QStringLiteral("dashboard.html"));
    // Only a succeeded run's dashboard is shown: a failed run may have left one half-made, and a
    // stale one must never pass for the current run.
    if (m_job.state == jobs::JobState::Succeeded && !path.isEmpty() && QFileInfo::exists(path)) {
        m_dashboardStack->setCurrentWidget(m_web);
        m_dashboardUrl = QUrl::fromLocalFile(path);
        m_web->load(m_dashboardUrl);
        return;
    }
    m_dashboardUrl.clear();
    m_web->stop();
    m_dashboardStack->setCurrentWidget(m_outcome);
    const jobs::JobRun *run = findRun(m_runs, m_job.runNumber);
    jobs::JobRun fromRecord;
    if (!run && m_job.id != 0) {
        // No run list given: the record's own fields are its latest run.
        fromRecord.number = m_job.runNumber;
        fromRecord.state = m_job.state;
        fromRecord.errorMessage = m_job.errorMessage;
        run = &fromRecord;
    }
    m_outcome->showRun(run, int(m_runs.size()), lastGoodRun(m_runs), m_job.id != 0);
}

void DetailTabs::loadDataTable(int comboIndex)
{
    const quint64 generation = ++m_dataGeneration;
    if (comboIndex < 0 || comboIndex >= m_tableCombo->count()) {
        m_results->clear();
        updateDataChart();
        return;
    }
    const QString path = outputPath(m_tableCombo->itemText(comboIndex));
    m_dataStatus->setText(tr("Loading…"));
    auto *watcher = new QFutureWatcher<TableResult>(this);
    connect(watcher, &QFutureWatcher<TableResult>::finished, this, [this, watcher, generation, path] {
        watcher->deleteLater();
        if (generation != m_dataGeneration)
            return; // the analyst moved on
        const TableResult r = watcher->result();
        if (!r.ok()) {
            m_results->clear();
            m_dataStatus->setText(r.error().message);
            updateDataChart();
            return;
        }
        m_results->setTable(r->table, r->styles);
        fitDataColumns();
        m_dataStatus->setText(tr("%n row(s)", nullptr, int(r->table->rowCount())));
        // Chart the first numeric column after the dates, until the analyst picks another.
        m_chartColumn = -1;
        const auto &cols = r->table->columns;
        for (int c = 0; c < cols.size(); ++c)
            if (cols[c].type == ingest::ColumnType::Integer || cols[c].type == ingest::ColumnType::Decimal) {
                m_chartColumn = c;
                break;
            }
        updateDataChart();
        Q_EMIT dataTableLoaded(path);
    });
    watcher->setFuture(QtConcurrent::run([path]() -> TableResult {
        ingest::ReadOptions opts;
        opts.computeHash = false;
        auto t = ingest::readTable(path, opts);
        if (!t.ok())
            return t.error();
        LoadedTable loaded;
        loaded.table = std::make_shared<ingest::Table>(std::move(t.value()));
        loaded.styles = ResultsModel::columnStyles(*loaded.table);
        return loaded;
    }));
}

void DetailTabs::fitDataColumns()
{
    QHeaderView *h = m_dataView->horizontalHeader();
    const int widest = std::max(160, m_dataView->viewport()->width() / 3);
    const int columns = std::min(m_results->columnCount(), kFitColumns);
    // The rows looked at per column: 200 for a narrow table, 15 for one of 200 columns.
    h->setResizeContentsPrecision(std::clamp(kFitCells / std::max(columns, 1), 10, 200));
    for (int c = 0; c < columns; ++c) {
        m_dataView->resizeColumnToContents(c);
        if (h->sectionSize(c) > widest)
            h->resizeSection(c, widest);
    }
}

void DetailTabs::updateDataChart()
{
    // Building a chart costs milliseconds on the GUI thread; an empty one is kept, not rebuilt.
    if (!m_results->table() && m_dataChartEmpty)
        return;
    m_dataChartEmpty = !m_results->table();
    auto *chart = new QChart;
    chart->setTheme(isDarkPalette() ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart->legend()->hide();
    chart->setMargins(QMargins(4, 4, 4, 4));
    const ingest::Table *t = m_results->table();
    int dateCol = -1;
    if (t) {
        dateCol = t->columnIndex(QStringLiteral("Dates"));
        for (int c = 0; dateCol < 0 && c < t->columns.size(); ++c)
            if (t->columns[c].type == ingest::ColumnType::Date || t->columns[c].type == ingest::ColumnType::DateTime)
                dateCol = c;
    }
    const bool numeric = t && m_chartColumn >= 0 && m_chartColumn < t->columns.size()
        && (t->columns[m_chartColumn].type == ingest::ColumnType::Integer
            || t->columns[m_chartColumn].type == ingest::ColumnType::Decimal);
    if (!t || !numeric) {
        chart->setTitle(t ? tr("Select a numeric column to chart it") : QString());
        m_dataChart->setChart(chart);
        return;
    }
    // The columns as the table's header shows them ("Average order value", not average_order_value).
    const QString yName = m_results->headerData(m_chartColumn, Qt::Horizontal, Qt::DisplayRole).toString();
    const QString xName = dateCol >= 0 ? m_results->headerData(dateCol, Qt::Horizontal, Qt::DisplayRole).toString() : QString();
    const qint64 rows = t->rowCount();
    // Thousands of points per pixel column add nothing but time; keep at most ~5000.
    const qint64 step = qMax<qint64>(1, rows / 5000);
    QList<QPointF> points;
    points.reserve(int(rows / step) + 1);
    for (qint64 r = 0; r < rows; r += step) {
        const ingest::Value &y = m_results->valueAt(r, m_chartColumn);
        if (!y.isNumber())
            continue;
        if (dateCol >= 0) {
            const ingest::Value &x = m_results->valueAt(r, dateCol);
            if (x.isTemporal())
                points.append(QPointF(double(x.msecs), y.number));
        } else {
            points.append(QPointF(double(r + 1), y.number));
        }
    }
    if (points.size() < 2) {
        // One point draws no line and no axes worth reading (a summary table of one row).
        chart->setTitle(points.isEmpty() ? tr("%1 has no figures to chart").arg(yName)
                                         : tr("%1 has one figure here; a chart needs two or more").arg(yName));
        m_dataChart->setChart(chart);
        return;
    }
    auto *series = new QLineSeries;
    series->setName(yName);
    series->replace(points);
    chart->addSeries(series);
    chart->setTitle(dateCol >= 0 ? tr("%1 over %2").arg(yName, xName) : tr("%1 by row").arg(yName));
    if (dateCol >= 0) {
        auto *x = new QDateTimeAxis;
        x->setFormat(QStringLiteral("yyyy-MM-dd"));
        x->setTickCount(6);
        // Dates are naive (zone-less) times; show them as written.
        x->setTitleText(xName);
        chart->addAxis(x, Qt::AlignBottom);
        series->attachAxis(x);
        x->setRange(QDateTime::fromMSecsSinceEpoch(qint64(points.first().x()), Qt::UTC).toLocalTime(),
                    QDateTime::fromMSecsSinceEpoch(qint64(points.last().x()), Qt::UTC).toLocalTime());
    } else {
        auto *x = new QValueAxis;
        x->setLabelFormat(QStringLiteral("%d"));
        chart->addAxis(x, Qt::AlignBottom);
        series->attachAxis(x);
    }
    auto *y = new QValueAxis;
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
    m_dataChart->setChart(chart);
}

void DetailTabs::loadQuality()
{
    m_alerts->clear();
    const QJsonArray alerts = m_manifest.value(QStringLiteral("alerts")).toArray();
    for (const QJsonValue &a : alerts) {
        // The manifest writes "<severity>: <message>".
        QString text = a.isString() ? a.toString() : a.toObject().value(QStringLiteral("message")).toString();
        QString severity;
        const qsizetype colon = text.indexOf(u": ");
        if (colon > 0 && colon < 10) {
            severity = text.left(colon);
            text = text.mid(colon + 2);
        }
        auto *item = new QListWidgetItem(text);
        if (severity == u"error" || severity == u"warning") {
            item->setIcon(themedIcon(QStringLiteral("detect")));
            item->setForeground(levelColor(severity == u"error" ? detect::Level::VeryLow : detect::Level::Low));
        }
        item->setToolTip(severity);
        m_alerts->addItem(item);
    }
    if (m_job.id != 0 && alerts.isEmpty())
        m_alerts->addItem(m_manifest.isEmpty() ? tr("No data-quality report for this job.")
                                               : tr("No data-quality alerts."));

    // Every row accounted for: read = used + skipped, and the skipped rows by reason.
    const QJsonObject rows = m_manifest.value(QStringLiteral("rows")).toObject();
    const QLocale locale;
    if (m_job.id != 0 && !rows.isEmpty()) {
        const qint64 read = qint64(rows.value(QStringLiteral("read")).toDouble());
        const qint64 used = qint64(rows.value(QStringLiteral("used")).toDouble());
        const qint64 skipped = qint64(rows.value(QStringLiteral("skipped")).toDouble());
        m_rowAccounting->setText(tr("<b>%1</b> rows read = <b>%2</b> used + <b>%3</b> skipped%4")
                                     .arg(locale.toString(read), locale.toString(used), locale.toString(skipped),
                                          read == used + skipped ? QString() : tr(" — these do not add up")));
    } else {
        m_rowAccounting->setText(m_job.id != 0 ? tr("No row counts for this job.") : QString());
    }
    m_skipped->setRowCount(0);
    m_skipped->setVisible(false);

    // The report is read off the GUI thread (the output folder may be on a slow share); a report
    // that arrives after the analyst moved to another job is dropped.
    const quint64 generation = ++m_qualityGeneration;
    const QString path = m_job.id != 0 ? outputPath(QStringLiteral("data_quality.csv")) : QString();
    auto *watcher = new QFutureWatcher<QualityReport>(this);
    connect(watcher, &QFutureWatcher<QualityReport>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_qualityGeneration)
            return;
        showQualityReport(watcher->result());
        Q_EMIT qualityReportLoaded();
    });
    watcher->setFuture(QtConcurrent::run([path] { return readQualityReport(path); }));
}

void DetailTabs::showQualityReport(const QualityReport &report)
{
    const QLocale locale;
    for (const QualityReport::Skipped &s : report.skipped) {
        const int row = m_skipped->rowCount();
        m_skipped->insertRow(row);
        m_skipped->setItem(row, 0, new QTableWidgetItem(s.reason));
        auto *n = new QTableWidgetItem(locale.toString(s.rows));
        n->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_skipped->setItem(row, 1, n);
        m_skipped->setItem(row, 2, new QTableWidgetItem(s.examples));
    }
    m_skipped->setVisible(m_skipped->rowCount() > 0);

    // Building a chart costs milliseconds on the GUI thread; an empty one is kept, not rebuilt.
    if (!report.found && m_qualityChartEmpty)
        return;
    m_qualityChartEmpty = !report.found;
    auto *chart = new QChart;
    chart->setTheme(isDarkPalette() ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart->legend()->hide();
    const std::vector<QualityReport::Blank> &blanks = report.blanks;
    if (!blanks.empty()) {
        auto *set = new QBarSet(tr("Blank rate (%)"));
        QStringList names;
        // Horizontal bars stack upwards: reversed, so the file's first column is on top.
        for (auto it = blanks.rbegin(); it != blanks.rend(); ++it) {
            names.append(it->column);
            set->append(readablePercentValue(it->rate / 100.0)); // as the alerts write it
        }
        auto *series = new QHorizontalBarSeries;
        series->append(set);
        series->setLabelsVisible(true);
        series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd); // a 5 % bar is too thin to hold "5.8 %"
        series->setLabelsFormat(QStringLiteral("@value %"));
        series->setLabelsPrecision(3);
        set->setLabelColor(palette().color(QPalette::WindowText));
        chart->addSeries(series);
        auto *cats = new QBarCategoryAxis;
        cats->append(names);
        QFont small = cats->labelsFont();
        small.setPointSizeF(std::max(7.0, small.pointSizeF() - 1));
        cats->setLabelsFont(small);
        chart->addAxis(cats, Qt::AlignLeft);
        series->attachAxis(cats);
        auto *x = new QValueAxis;
        x->setRange(0, 100);
        x->setLabelFormat(QStringLiteral("%d %"));
        x->setLabelsFont(small);
        x->setTickCount(5);
        chart->addAxis(x, Qt::AlignBottom);
        series->attachAxis(x);
        chart->setMargins(QMargins(4, 4, 4, 4));
        chart->setTitle(report.withBlanks > blanks.size()
                            ? tr("Blank rate: top %1 of %2 columns").arg(blanks.size()).arg(report.withBlanks)
                            : tr("Blank rate (%1 of %2 columns have blanks)").arg(blanks.size()).arg(report.columns));
    } else if (report.columns > 0) {
        chart->setTitle(tr("No blank values in any of the %1 columns").arg(report.columns));
    }
    m_qualityChart->setChart(chart);
}

void DetailTabs::fillOutputs()
{
    m_outputs->setRowCount(0);
    for (const jobs::JobOutput &o : m_job.outputs) {
        const int r = m_outputs->rowCount();
        m_outputs->insertRow(r);
        m_outputs->setItem(r, 0, new QTableWidgetItem(o.name));
        auto *what = new QTableWidgetItem(outputDescription(o.name));
        what->setToolTip(what->text());
        m_outputs->setItem(r, 1, what);
        auto *size = new QTableWidgetItem(humanSize(o.size));
        size->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_outputs->setItem(r, 2, size);
        auto *hash = new QTableWidgetItem(o.sha256);
        hash->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        hash->setToolTip(o.sha256);
        m_outputs->setItem(r, 3, hash);
        const QString path = outputPath(o.name);
        auto *cell = new QWidget;
        auto *cellLayout = new QHBoxLayout(cell);
        cellLayout->setContentsMargins(2, 0, 2, 0);
        auto *open = new QPushButton(tr("Open"));
        open->setObjectName(QStringLiteral("open_%1").arg(o.name));
        open->setAccessibleName(tr("Open %1").arg(o.name));
        open->setToolTip(tr("Open %1 in its application").arg(o.name));
        connect(open, &QPushButton::clicked, this, [this, path] { Q_EMIT openOutputRequested(path); });
        auto *save = new QPushButton(themedIcon(QStringLiteral("save")), tr("Save…"));
        save->setObjectName(QStringLiteral("save_%1").arg(o.name));
        save->setAccessibleName(tr("Save %1").arg(o.name));
        connect(save, &QPushButton::clicked, this, [this, path] { Q_EMIT saveOutputRequested(path); });
        cellLayout->addWidget(open);
        cellLayout->addWidget(save);
        if (m_job.place == u"cloud" && !m_job.remoteId.isEmpty()) {
            // A link to the cloud's copy, for a colleague (it expires in an hour).
            auto *link = new QPushButton(tr("Copy link"));
            link->setObjectName(QStringLiteral("link_%1").arg(o.name));
            link->setAccessibleName(tr("Copy a link to %1").arg(o.name));
            link->setToolTip(tr("Put a link to the team cloud's copy of %1 on the clipboard; it works for an hour").arg(o.name));
            connect(link, &QPushButton::clicked, this, [this, name = o.name] { Q_EMIT copyLinkRequested(name); });
            cellLayout->addWidget(link);
        }
        m_outputs->setCellWidget(r, 4, cell);
    }
    const bool any = !m_job.outputs.isEmpty();
    m_saveAll->setEnabled(any);
    m_openFolder->setEnabled(!m_job.outputDir.isEmpty() && QFileInfo(m_job.outputDir).isDir());
}

QString DetailTabs::outputDescription(const QString &name)
{
    static const QHash<QString, const char *> known = {
        {QStringLiteral("manifest.json"), QT_TR_NOOP("What was read, chosen and written, with every file's SHA-256")},
        {QStringLiteral("audit_lineage.csv"), QT_TR_NOOP("One row per input row: used or skipped, and why")},
        {QStringLiteral("data_quality.csv"), QT_TR_NOOP("Blank rates, outliers, duplicates and skipped rows")},
        {QStringLiteral("results.xlsx"), QT_TR_NOOP("Every result table in one Excel workbook")},
        {QStringLiteral("dashboard.html"), QT_TR_NOOP("The dashboard: opens in any browser, no network needed")},
        {QStringLiteral("cashflow_by_month.csv"), QT_TR_NOOP("Money in, money out and net per month and currency")},
        {QStringLiteral("reconciliation.csv"), QT_TR_NOOP("Opening and closing balance against the amounts")},
        {QStringLiteral("reconciliation_breaks.csv"), QT_TR_NOOP("Rows whose balance does not follow")},
        {QStringLiteral("counterparties.csv"), QT_TR_NOOP("Who money went to and came from")},
        {QStringLiteral("recurring.csv"), QT_TR_NOOP("Regular payments and when the next is due")},
        {QStringLiteral("categories.csv"), QT_TR_NOOP("Spending by category")},
        {QStringLiteral("balance_by_day.csv"), QT_TR_NOOP("The balance at the end of each day")},
        {QStringLiteral("top_payees.csv"), QT_TR_NOOP("The largest payees")},
    };
    if (const auto it = known.constFind(name); it != known.cend())
        return tr(it.value());
    if (name.endsWith(u"_Analysis.csv"))
        return tr("Station %1: one row per day, one column per parameter").arg(name.chopped(13));
    if (name.endsWith(u".csv"))
        return tr("Result table %1 (CSV)").arg(name.chopped(4).replace(QLatin1Char('_'), QLatin1Char(' ')));
    return tr("Output file");
}

QString DetailTabs::selectedOutputPath() const
{
    if (m_job.outputs.isEmpty())
        return {};
    const int row = m_outputs->currentRow();
    const int r = row >= 0 && row < m_job.outputs.size() ? row : 0;
    return outputPath(m_job.outputs[r].name);
}

void DetailTabs::fillDetails()
{
    if (m_job.id == 0) {
        m_details->clear();
        return;
    }
    QString h;
    h += QStringLiteral("<h3>%1</h3>").arg(esc(m_job.fileName));
    h += QStringLiteral("<table cellspacing=4>");
    auto row = [&h](const QString &k, const QString &v) {
        h += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(esc(k), esc(v));
    };
    row(tr("Input"), m_job.inputPath.isEmpty() ? tr("sent to the team cloud from another computer")
                                                : QDir::toNativeSeparators(m_job.inputPath));
    row(tr("Size"), humanSize(m_job.size));
    row(tr("Runs on"), JobModel::placeText(m_job));
    if (!m_job.remoteId.isEmpty())
        row(tr("Cloud job"), m_job.remoteId);
    row(tr("SHA-256"), m_job.sha256);
    if (const jobs::JobRun *run = findRun(m_runs, m_job.runNumber)) {
        row(tr("Run"), tr("%1 of %2").arg(run->number).arg(m_runs.size()));
        if (!run->inputSha256.isEmpty())
            row(tr("SHA-256 this run read"), run->inputSha256);
        if (!run->note.isEmpty())
            row(tr("Note"), run->note);
    }
    if (!m_job.sheet.isEmpty())
        row(tr("Sheet"), m_job.sheet);
    row(tr("Dataset type"), JobModel::typeTitle(m_job.datasetType));
    row(tr("Confidence"), QStringLiteral("%1% (%2)").arg(wholePercent(m_job.confidence)).arg(JobModel::levelText(m_job.level)));
    row(tr("State"), JobModel::stateText(m_job.state));
    if (!m_job.errorMessage.isEmpty())
        row(tr("Message"), m_job.errorMessage);
    row(tr("Output folder"), QDir::toNativeSeparators(m_job.outputDir));
    h += QStringLiteral("</table>");

    const QJsonObject mapping = QJsonDocument::fromJson(m_job.mappingJson.toUtf8()).object();
    const QJsonObject roles = mapping.value(QStringLiteral("roles")).toObject();
    if (!roles.isEmpty()) {
        h += QStringLiteral("<h4>%1</h4><table cellspacing=4>").arg(
            mapping.value(QStringLiteral("overridden")).toBool() ? tr("Column mapping (changed by you)")
                                                                 : tr("Column mapping"));
        for (auto it = roles.begin(); it != roles.end(); ++it)
            row(it.key(), it.value().toString());
        h += QStringLiteral("</table>");
    }

    const QJsonObject evidence = QJsonDocument::fromJson(m_job.detectionJson.toUtf8()).object();
    if (!evidence.isEmpty()) {
        h += QStringLiteral("<h4>%1</h4>").arg(tr("Detection evidence"));
        const QJsonArray reasons = evidence.value(QStringLiteral("reasons")).toArray();
        if (!reasons.isEmpty()) {
            h += QStringLiteral("<ul>");
            for (const QJsonValue &r : reasons)
                h += QStringLiteral("<li>%1</li>").arg(esc(r.toString()));
            h += QStringLiteral("</ul>");
        }
        const QJsonObject scores = evidence.value(QStringLiteral("scores")).toObject();
        if (!scores.isEmpty()) {
            h += QStringLiteral("<table cellspacing=4>");
            for (auto it = scores.begin(); it != scores.end(); ++it)
                row(JobModel::typeTitle(it.key()), QStringLiteral("%1%").arg(wholePercent(it.value().toDouble())));
            h += QStringLiteral("</table>");
        }
        const QJsonArray strategies = evidence.value(QStringLiteral("strategies")).toArray();
        for (const QJsonValue &sv : strategies) {
            const QJsonObject s = sv.toObject();
            h += QStringLiteral("<p><b>%1</b> %2%<br>")
                     .arg(esc(DetectionDialog::strategyTitle(s.value(QStringLiteral("name")).toString())))
                     .arg(wholePercent(s.value(QStringLiteral("score")).toDouble()));
            for (const QJsonValue &r : s.value(QStringLiteral("reasons")).toArray())
                h += QStringLiteral("· %1<br>").arg(esc(r.toString()));
            h += QStringLiteral("</p>");
        }
    }

    if (!m_manifest.isEmpty()) {
        const QJsonObject rows = m_manifest.value(QStringLiteral("rows")).toObject();
        const qint64 read = qint64(rows.value(QStringLiteral("read")).toDouble());
        const qint64 used = qint64(rows.value(QStringLiteral("used")).toDouble());
        const qint64 skipped = qint64(rows.value(QStringLiteral("skipped")).toDouble());
        h += QStringLiteral("<h4>%1</h4>").arg(tr("Lineage"));
        h += QStringLiteral("<p>%1</p>").arg(
            esc(tr("%1 input rows read: %2 used, %3 skipped. Every row is listed with its SHA-256 row hash "
                   "and what happened to it in audit_lineage.csv.")
                    .arg(QLocale().toString(read), QLocale().toString(used), QLocale().toString(skipped))));
        const QJsonArray warnings = m_manifest.value(QStringLiteral("warnings")).toArray();
        for (const QJsonValue &w : warnings)
            h += QStringLiteral("<p>⚠ %1</p>").arg(esc(w.toString()));
        h += QStringLiteral("<h4>manifest.json</h4><pre style=\"white-space: pre-wrap\">%1</pre>")
                 .arg(esc(QString::fromUtf8(QJsonDocument(m_manifest).toJson(QJsonDocument::Indented))));
    }
    m_details->setHtml(h);
}

} // namespace finpipe::app
