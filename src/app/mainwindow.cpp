#include "mainwindow.h"

#include "columnfit.h"
#include "detailtabs.h"
#include "icons.h"
#include "intake.h"
#include "jobdelegates.h"
#include "jobmodel.h"
#include "mappingjson.h"
#include "outputsaver.h"
#include "prompts.h"
#include "screenfit.h"
#include "secretstore.h"
#include "settingsdialog.h"
#include "ui_mainwindow.h"

#include "cloud/queue/cloudexecutor.h"

#include "common/buildinfo.h"

#include <QApplication>
#include <QClipboard>
#include <QGuiApplication>
#include <QPointer>
#include <QCloseEvent>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QFrame>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QHeaderView>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QSignalBlocker>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableWidget>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QUrl>
#include <QtConcurrent>

namespace finpipe::app {

using jobs::JobRecord;
using jobs::JobState;

namespace {

QStringList localPaths(const QMimeData *mime)
{
    QStringList paths;
    if (!mime || !mime->hasUrls())
        return paths;
    for (const QUrl &u : mime->urls())
        if (u.isLocalFile())
            paths.append(u.toLocalFile());
    return paths;
}

} // namespace

MainWindow::MainWindow(const Options &options, QWidget *parent)
    : QMainWindow(parent), m_ui(std::make_unique<Ui::MainWindow>()), m_settings(options.settings)
{
    m_ui->setupUi(this);
    setWindowIcon(themedIcon(QStringLiteral("finpipe")));
    if (options.prompts) {
        m_prompts = options.prompts;
    } else {
        m_ownPrompts = std::make_unique<DialogPrompts>();
        m_prompts = m_ownPrompts.get();
    }

    m_details = new DetailTabs;
    applyDashboardTheme();
    m_ui->detailsLayout->addWidget(m_details);
    // A bigger window gives the details the room; the job list keeps the height the analyst gave it.
    m_ui->splitter->setStretchFactor(0, 0);
    m_ui->splitter->setStretchFactor(1, 1);
    m_ui->intakeBar->hide();

    m_model = new JobModel(this);
    m_jobs = new jobs::JobController(options.storePath, m_settings.outputRoot(), {}, this);
    m_jobs->setConcurrency(m_settings.concurrency());
    // The team cloud is the controller's second executor; it follows the cloud runs the last session
    // left going as soon as open() hands them over.
    {
        auto cloudExecutor = std::make_unique<cloud::CloudExecutor>();
        m_cloud = cloudExecutor.get();
        m_jobs->addExecutor(std::move(cloudExecutor));
    }
    m_secrets = new SecretStore(QStringLiteral("finpipe"), this);
    m_intake = new FileIntake(m_jobs->store(), m_settings, *m_prompts, this);

    setUpJobList();
    setUpActions();

    if (auto opened = m_jobs->open(); !opened) {
        m_storeError = opened.error();
        QTimer::singleShot(0, this, [this] { reportStoreError(*m_storeError); });
    } else {
        auto all = m_jobs->store().jobs();
        if (all.ok()) {
            m_model->setJobs(*all);
            // After a restart the latest job is the one on screen.
            if (m_proxy->rowCount() > 0)
                m_ui->jobsView->selectionModel()->setCurrentIndex(
                    m_proxy->index(0, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        }
        else
            QTimer::singleShot(0, this, [this, e = all.error()] { reportStoreError(e); });
    }
    // What opening found (a damaged list moved aside, jobs found again, interrupted runs) stays on
    // screen until the analyst closes it.
    setUpNoticeBar();
    showNotice(storeNotice());

    m_cloudStatus = new QLabel(this);
    m_cloudStatus->setObjectName(QStringLiteral("cloudStatus"));
    statusBar()->addPermanentWidget(m_cloudStatus);
    connect(m_cloud, &cloud::CloudExecutor::connectionChanged, this, &MainWindow::updateCloudStatus);
    loadCloudSettings();

    connect(m_intake, &FileIntake::statusChanged, this, [this](const QString &text) {
        m_ui->intakeBar->setVisible(!text.isEmpty());
        m_ui->intakeLabel->setText(text);
    });
    connect(m_intake, &FileIntake::progressChanged, this, [this](double f) {
        if (f < 0) {
            m_ui->intakeProgress->setRange(0, 0); // busy: the total is unknown
        } else {
            m_ui->intakeProgress->setRange(0, 1000);
            m_ui->intakeProgress->setValue(qRound(f * 1000));
        }
    });
    connect(m_ui->intakeCancelButton, &QPushButton::clicked, m_intake, &FileIntake::cancel);
    connect(m_intake, &FileIntake::fileReady, this, &MainWindow::createJob);
    connect(m_intake, &FileIntake::idle, this, [this] { m_fixing.clear(); });
    connect(m_intake, &FileIntake::openExistingRequested, this, [this](qint64 id) {
        selectJob(id);
        m_details->setCurrentIndex(DetailTabs::DashboardTab);
    });
    connect(m_intake, &FileIntake::fileFailed, this, [this](const QString &path, const QString &message) {
        m_prompts->showError(this, tr("Cannot analyse %1").arg(QFileInfo(path).fileName()), message);
    });

    connect(m_details, &DetailTabs::copyLinkRequested, this, &MainWindow::copyOutputLink);
    connect(m_jobs, &jobs::JobController::jobAdded, this, &MainWindow::refreshJob);
    connect(m_jobs, &jobs::JobController::jobChanged, this, &MainWindow::refreshJob);
    connect(m_jobs, &jobs::JobController::jobRemoved, this, [this](qint64 id) {
        m_model->remove(id);
        showCurrentJob();
        updateActions();
    });
    connect(m_jobs, &jobs::JobController::jobProgress, m_model, &JobModel::setProgress);
    connect(m_jobs, &jobs::JobController::runFinished, this, &MainWindow::onRunFinished);
    connect(m_jobs, &jobs::JobController::storeFailed, this, &MainWindow::reportStoreError);
    connect(m_jobs, &jobs::JobController::inputChanged, this, [this](qint64 id, const QString &message) {
        // Said where the analyst looks: the run's own banner shows it too.
        showNotice(message);
        if (currentJobId() == id)
            showCurrentJob();
    });

    connect(m_details, &DetailTabs::saveOutputRequested, this, &MainWindow::saveOutput);
    connect(m_details, &DetailTabs::saveAllRequested, this, &MainWindow::saveAllOutputs);
    connect(m_details, &DetailTabs::openOutputRequested, this,
            [](const QString &path) { QDesktopServices::openUrl(QUrl::fromLocalFile(path)); });
    connect(m_details, &QTabWidget::currentChanged, this, &MainWindow::updateSaveAction);
    connect(m_details->outputsTable(), &QTableWidget::itemSelectionChanged, this, &MainWindow::updateSaveAction);
    connect(m_details, &DetailTabs::openFolderRequested, this, [this] {
        if (!m_details->shownOutputDir().isEmpty())
            QDesktopServices::openUrl(QUrl::fromLocalFile(m_details->shownOutputDir()));
    });
    connect(m_details, &DetailTabs::runRequested, this, &MainWindow::showRun);
    connect(m_details, &DetailTabs::rerunRequested, this, [this] { rerunJobs({currentJobId()}); });
    connect(m_details, &DetailTabs::fixMappingRequested, this, [this] { fixMapping(currentJobId()); });

    auto *ticker = new QTimer(this);
    connect(ticker, &QTimer::timeout, m_model, &JobModel::tick);
    ticker->start(1000);

    if (!m_settings.windowGeometry().isEmpty()) {
        restoreGeometry(m_settings.windowGeometry());
    } else {
        // First start: the designed size, shrunk to fit a small screen (a 1024 x 768 laptop), centred.
        fitToScreen(this, true);
    }
    // The job list can be dragged smaller or collapsed (View → Show the Job List); its size is kept.
    m_ui->splitter->setCollapsible(0, true);
    // Three rows are enough to pick a job; the empty page's size does not count once jobs are listed.
    m_ui->jobsStack->setMinimumHeight(m_ui->jobsView->verticalHeader()->defaultSectionSize() * 3);
    m_ui->splitter->setCollapsible(1, false);
    if (!m_settings.splitterState().isEmpty())
        m_ui->splitter->restoreState(m_settings.splitterState());
    connect(m_ui->splitter, &QSplitter::splitterMoved, this, [this] {
        m_settings.setSplitterState(m_ui->splitter->saveState());
        QSignalBlocker block(m_ui->actionShowJobList);
        m_ui->actionShowJobList->setChecked(m_ui->splitter->sizes().value(0) > 0);
    });
    m_ui->actionShowJobList->setChecked(m_ui->splitter->sizes().value(0) > 0 || m_ui->splitter->sizes().isEmpty());
    connect(m_ui->actionShowJobList, &QAction::toggled, this, [this](bool on) {
        QList<int> sizes = m_ui->splitter->sizes();
        const int total = sizes.value(0) + sizes.value(1);
        if (on)
            sizes = {total / 4, total - total / 4};
        else
            sizes = {0, total};
        m_ui->splitter->setSizes(sizes);
        m_settings.setSplitterState(m_ui->splitter->saveState());
    });
    // Tab moves to the next control, never from cell to cell: the keyboard reaches everything.
    for (QAbstractItemView *view : findChildren<QAbstractItemView *>())
        view->setTabKeyNavigation(false);
    updateEmptyState();
    updateActions();
    showCurrentJob();
}

MainWindow::~MainWindow()
{
    // Runs still stopping are abandoned (they write only into their own folders); never block.
    m_jobs->shutdown(1000);
}

void MainWindow::setUpNoticeBar()
{
    m_noticeBar = new QFrame;
    m_noticeBar->setObjectName(QStringLiteral("noticeBar"));
    m_noticeBar->setFrameShape(QFrame::StyledPanel);
    auto *lay = new QHBoxLayout(m_noticeBar);
    lay->setContentsMargins(8, 4, 4, 4);
    m_noticeLabel = new QLabel;
    m_noticeLabel->setObjectName(QStringLiteral("noticeLabel"));
    m_noticeLabel->setWordWrap(true);
    m_noticeLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *close = new QToolButton;
    close->setObjectName(QStringLiteral("noticeCloseButton"));
    close->setText(tr("Dismiss"));
    close->setAccessibleName(tr("Dismiss this message"));
    lay->addWidget(m_noticeLabel, 1);
    lay->addWidget(close);
    connect(close, &QToolButton::clicked, m_noticeBar, &QWidget::hide);
    if (auto *central = qobject_cast<QBoxLayout *>(centralWidget()->layout()))
        central->insertWidget(0, m_noticeBar);
    m_noticeBar->hide();
}

void MainWindow::showNotice(const QString &text)
{
    m_noticeLabel->setText(text);
    m_noticeBar->setVisible(!text.isEmpty());
}

QString MainWindow::noticeText() const
{
    return m_noticeBar->isVisibleTo(const_cast<MainWindow *>(this)) ? m_noticeLabel->text() : QString();
}

QString MainWindow::storeNotice() const
{
    return m_jobs->openNotes().join(QLatin1Char(' '));
}

QTableView *MainWindow::jobsView() const
{
    return m_ui->jobsView;
}

QString MainWindow::outputRoot() const
{
    // The settings' folder, else beside the store, so a test's (or a portable) store keeps its
    // outputs with it.
    m_jobs->setOutputRoot(m_settings.outputRoot());
    return m_jobs->outputRoot();
}

void MainWindow::setUpJobList()
{
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(JobModel::SortRole);
    QTableView *v = m_ui->jobsView;
    v->setModel(m_proxy);
    v->setItemDelegateForColumn(JobModel::ConfidenceColumn, new ConfidenceBadgeDelegate(v));
    v->setItemDelegateForColumn(JobModel::StateColumn, new JobStateDelegate(v));
    v->verticalHeader()->hide();
    v->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    v->verticalHeader()->setDefaultSectionSize(v->fontMetrics().height() + 12);
    v->horizontalHeader()->setHighlightSections(false);
    // The file name stretches; on a narrow window the other columns give up width first (down to
    // what still reads: the confidence badge whole, "Succeeded", the date and time in the
    // analyst's short format), not the file name.
    const QFontMetrics fm = v->fontMetrics();
    const auto text = [&fm](const QString &s, int pad) { return fm.horizontalAdvance(s) + pad; };
    const QString longestDate = JobModel::startedText(QDateTime(QDate(2026, 12, 30), QTime(23, 59, 59)));
    QList<ColumnFit::Column> columns(JobModel::ColumnCount);
    columns[JobModel::TypeColumn] = {170, 96};
    columns[JobModel::ConfidenceColumn] = {120, text(QStringLiteral("99% · high"), 28)};
    // Room for "This computer" and a worker's short host name; the tooltip has the whole of it.
    columns[JobModel::WhereColumn] = {text(QStringLiteral("Cloud · worker-01"), 36), text(QStringLiteral("This co…"), 36)};
    columns[JobModel::StateColumn] = {150, text(QStringLiteral("Succeeded"), 24)};
    columns[JobModel::StartedColumn] = {std::max(150, text(longestDate, 16)), text(longestDate, 16)};
    columns[JobModel::DurationColumn] = {90, text(QStringLiteral("10 min 00 s"), 16)};
    new ColumnFit(v, JobModel::FileColumn, columns);
    v->sortByColumn(JobModel::StartedColumn, Qt::DescendingOrder);
    v->setFocusPolicy(Qt::StrongFocus);

    connect(v->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        if (currentJobId() != m_followJob)
            m_followJob = 0;
        m_shownRun = 0;
        showCurrentJob();
        updateActions();
    });
    connect(v, &QTableView::doubleClicked, this, [this] { m_details->setCurrentIndex(DetailTabs::DashboardTab); });
    connect(v, &QTableView::customContextMenuRequested, this, &MainWindow::showContextMenu);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateEmptyState);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateEmptyState);
    connect(m_model, &QAbstractItemModel::modelReset, this, &MainWindow::updateEmptyState);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &MainWindow::updateActions);

    const qreal dpr = devicePixelRatioF();
    m_ui->emptyIcon->setPixmap(themedPixmap(QStringLiteral("drop"), 96, dpr,
                                            palette().color(QPalette::PlaceholderText)));
    QFont f = m_ui->emptyLabel->font();
    f.setPointSizeF(f.pointSizeF() * 1.35);
    m_ui->emptyLabel->setFont(f);
    m_ui->emptyLabel->setAccessibleName(m_ui->emptyLabel->text());
    // A wrapped label in a centred column: fixed width, and the height its lines need.
    const int hintWidth = m_ui->emptyHint->fontMetrics().averageCharWidth() * 64;
    m_ui->emptyHint->setFixedWidth(hintWidth);
    m_ui->emptyHint->setMinimumHeight(m_ui->emptyHint->heightForWidth(hintWidth));
    m_ui->emptyHint->setForegroundRole(QPalette::PlaceholderText);
    m_ui->emptyLayout->setAlignment(m_ui->emptyHint, Qt::AlignHCenter);
    // The empty window is one big drop target, and looks like one.
    m_ui->emptyPage->setAttribute(Qt::WA_StyledBackground);
    m_ui->emptyPage->setStyleSheet(
        QStringLiteral("#emptyPage { border: 2px dashed palette(mid); border-radius: 14px; margin: 10px; }"));
    m_ui->emptyOpenButton->setIcon(themedIcon(QStringLiteral("open")));
    m_ui->emptySampleButton->setIcon(themedIcon(QStringLiteral("rerun")));
    connect(m_ui->emptyOpenButton, &QPushButton::clicked, this, &MainWindow::openFileDialog);
    connect(m_ui->emptySampleButton, &QPushButton::clicked, this, &MainWindow::openSample);
}

void MainWindow::setUpActions()
{
    m_ui->actionOpen->setIcon(themedIcon(QStringLiteral("open")));
    m_ui->actionSaveOutput->setIcon(themedIcon(QStringLiteral("save")));
    m_ui->actionSaveAll->setIcon(themedIcon(QStringLiteral("saveall")));
    m_ui->actionSettings->setIcon(themedIcon(QStringLiteral("settings")));
    m_ui->actionRerun->setIcon(themedIcon(QStringLiteral("rerun")));
    m_ui->actionReview->setIcon(themedIcon(QStringLiteral("detect")));
    m_ui->actionCancel->setIcon(themedIcon(QStringLiteral("cancel")));
    m_ui->actionRemove->setIcon(themedIcon(QStringLiteral("remove")));
    m_ui->actionShowFolder->setIcon(themedIcon(QStringLiteral("folder")));
    m_ui->actionQuit->setShortcut(QKeySequence::Quit);
    // Delete removes jobs only when the job list has focus, never while typing elsewhere.
    m_ui->actionRemove->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_ui->jobsView->addAction(m_ui->actionRemove);

    connect(m_ui->actionOpen, &QAction::triggered, this, &MainWindow::openFileDialog);
    connect(m_ui->actionOpenReview, &QAction::triggered, this, [this] {
        const QStringList recent = m_settings.recentFiles();
        const QString start = recent.isEmpty() ? QDir::homePath() : QFileInfo(recent.first()).absolutePath();
        const QStringList files = m_prompts->openFiles(this, start);
        if (!files.isEmpty())
            reviewPaths(files);
    });
    connect(m_ui->actionSaveOutput, &QAction::triggered, this, &MainWindow::saveRequested);
    connect(m_ui->actionSaveAll, &QAction::triggered, this, &MainWindow::saveAllOutputs);
    connect(m_ui->actionSettings, &QAction::triggered, this, &MainWindow::showSettings);
    connect(m_ui->actionQuit, &QAction::triggered, this, &QWidget::close);
    connect(m_ui->actionOpenJob, &QAction::triggered, this,
            [this] { m_details->setCurrentIndex(DetailTabs::DashboardTab); });
    connect(m_ui->actionRerun, &QAction::triggered, this, [this] { rerunJobs(selectedJobIds()); });
    connect(m_ui->actionReview, &QAction::triggered, this, [this] { fixMapping(currentJobId()); });
    connect(m_ui->actionCancel, &QAction::triggered, this, [this] { cancelJobs(selectedJobIds()); });
    connect(m_ui->actionRemove, &QAction::triggered, this, [this] { removeJobs(selectedJobIds()); });
    connect(m_ui->actionShowFolder, &QAction::triggered, this, [this] {
        if (!m_details->shownOutputDir().isEmpty())
            QDesktopServices::openUrl(QUrl::fromLocalFile(m_details->shownOutputDir()));
    });
    connect(m_ui->actionAbout, &QAction::triggered, this, [this] {
        // The same facts as --version: version, commit, Qt.
        const QStringList facts = finpipe::versionText(QStringLiteral("finpipe")).trimmed().split(u'\n');
        QStringList lines;
        for (const QString &fact : facts)
            lines.append(fact.toHtmlEscaped());
        lines.first() = QStringLiteral("<b>%1</b>").arg(lines.first());
        QMessageBox::about(this, tr("About finpipe"),
                           tr("%1<br><br>Recognises, analyses and charts finance datasets on this computer.")
                               .arg(lines.join(QStringLiteral("<br>"))));
    });
    connect(m_ui->menuRecent, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    rebuildRecentMenu();
}

QMenu *MainWindow::recentMenu() const
{
    return m_ui->menuRecent;
}

QAction *MainWindow::saveOutputAction() const
{
    return m_ui->actionSaveOutput;
}

void MainWindow::rebuildRecentMenu()
{
    m_ui->menuRecent->clear();
    const QStringList recent = m_settings.recentFiles();
    for (const QString &p : recent) {
        QAction *a = m_ui->menuRecent->addAction(QDir::toNativeSeparators(p));
        a->setEnabled(QFileInfo::exists(p));
        connect(a, &QAction::triggered, this, [this, p] { openPaths({p}); });
    }
    m_ui->menuRecent->setEnabled(!recent.isEmpty());
}

void MainWindow::updateEmptyState()
{
    // With no jobs the whole window is the drop target: the details have nothing to show.
    const bool empty = m_model->rowCount() == 0;
    const bool wasEmpty = !m_ui->detailsHost->isVisibleTo(this);
    m_ui->jobsStack->setCurrentWidget(empty ? m_ui->emptyPage : m_ui->listPage);
    m_ui->detailsHost->setVisible(!empty);
    // The first job: the list takes a fifth of the height unless the analyst sized it before.
    if (wasEmpty && !empty && m_settings.splitterState().isEmpty()) {
        const int total = qMax(m_ui->splitter->height(), 400);
        m_ui->splitter->setSizes({total / 5, total - total / 5});
    }
}

QList<qint64> MainWindow::selectedJobIds() const
{
    QList<qint64> ids;
    const QModelIndexList rows = m_ui->jobsView->selectionModel()->selectedRows();
    for (const QModelIndex &i : rows)
        ids.append(i.data(JobModel::JobIdRole).toLongLong());
    return ids;
}

qint64 MainWindow::currentJobId() const
{
    const QModelIndexList rows = m_ui->jobsView->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return 0;
    const QModelIndex cur = m_ui->jobsView->currentIndex();
    if (cur.isValid() && m_ui->jobsView->selectionModel()->isRowSelected(cur.row(), {}))
        return cur.data(JobModel::JobIdRole).toLongLong();
    return rows.first().data(JobModel::JobIdRole).toLongLong();
}

void MainWindow::selectJob(qint64 id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return;
    const QModelIndex idx = m_proxy->mapFromSource(m_model->index(row, 0));
    m_ui->jobsView->selectionModel()->setCurrentIndex(
        idx, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_ui->jobsView->scrollTo(idx);
}

void MainWindow::updateActions()
{
    const QList<qint64> ids = selectedJobIds();
    bool anyActive = false, anyIdle = false;
    for (qint64 id : ids) {
        if (m_jobs->isActive(id))
            anyActive = true;
        else
            anyIdle = true;
    }
    const JobRecord *cur = m_model->job(currentJobId());
    const bool shownHasOutputs = cur && !m_details->shownOutputs().isEmpty();
    m_ui->actionRerun->setEnabled(anyIdle);
    m_ui->actionReview->setEnabled(cur && !m_jobs->isActive(cur->id));
    m_ui->actionCancel->setEnabled(anyActive);
    m_ui->actionRemove->setEnabled(!ids.isEmpty());
    m_ui->actionRemove->setText(ids.size() > 1 ? tr("&Remove %1 Jobs").arg(ids.size()) : tr("&Remove Job"));
    m_ui->actionOpenJob->setEnabled(cur != nullptr);
    m_ui->actionShowFolder->setEnabled(cur && QFileInfo(m_details->shownOutputDir()).isDir());
    m_ui->actionSaveOutput->setEnabled(shownHasOutputs);
    m_ui->actionSaveAll->setEnabled(shownHasOutputs);
    updateSaveAction();
}

void MainWindow::showCurrentJob()
{
    const qint64 id = currentJobId();
    const JobRecord *job = m_model->job(id);
    QList<jobs::JobRun> runs;
    if (job) {
        auto r = m_jobs->store().runs(id);
        if (r.ok())
            runs = *r;
    }
    m_details->showJob(job, runs, m_shownRun);
}

void MainWindow::showRun(int run)
{
    m_shownRun = run;
    showCurrentJob();
    m_details->setCurrentIndex(DetailTabs::DashboardTab);
    updateActions();
}

void MainWindow::refreshJob(qint64 id)
{
    auto j = m_jobs->store().job(id);
    if (!j.ok()) {
        reportStoreError(j.error());
        return;
    }
    if (!j->has_value())
        return;
    m_model->upsert(**j);
    // Only the job on screen is redrawn: another job's change never replaces it, not even briefly.
    if (currentJobId() == id && m_details->jobId() == id && m_shownRun == 0)
        showCurrentJob();
    else if (currentJobId() == id && m_details->jobId() == id) {
        if (auto runs = m_jobs->store().runs(id); runs.ok())
            m_details->updateRunList(*runs);
    }
    updateActions();
}

void MainWindow::showContextMenu(const QPoint &pos)
{
    const QModelIndex idx = m_ui->jobsView->indexAt(pos);
    if (idx.isValid() && !m_ui->jobsView->selectionModel()->isRowSelected(idx.row(), {}))
        selectJob(idx.data(JobModel::JobIdRole).toLongLong());
    QMenu menu(this);
    menu.addAction(m_ui->actionOpenJob);
    menu.addAction(m_ui->actionRerun);
    menu.addAction(m_ui->actionReview);
    menu.addAction(m_ui->actionCancel);
    menu.addAction(m_ui->actionRemove);
    menu.addSeparator();
    menu.addAction(m_ui->actionShowFolder);
    menu.exec(m_ui->jobsView->viewport()->mapToGlobal(pos));
}

void MainWindow::openFileDialog()
{
    const QStringList recent = m_settings.recentFiles();
    const QString start = recent.isEmpty() ? QDir::homePath() : QFileInfo(recent.first()).absolutePath();
    const QStringList files = m_prompts->openFiles(this, start);
    if (!files.isEmpty())
        openPaths(files);
}

void MainWindow::openPaths(const QStringList &paths)
{
    const QStringList files = expandDroppedPaths(paths);
    for (const QString &f : files)
        m_settings.addRecentFile(f);
    // The menu is enabled as soon as it has something (it only rebuilds itself when it opens, and a
    // disabled menu never opens).
    rebuildRecentMenu();
    if (files.isEmpty() && !paths.isEmpty())
        statusBar()->showMessage(tr("No CSV or Excel files found there."), 5000);
    m_intake->add(files);
}

void MainWindow::reviewPaths(const QStringList &paths)
{
    const QStringList files = expandDroppedPaths(paths);
    for (const QString &f : files)
        m_settings.addRecentFile(f);
    rebuildRecentMenu();
    for (const QString &f : files)
        m_intake->review(f);
}

void MainWindow::openSample()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)
                        + QStringLiteral("/samples");
    const QString target = QDir(dir).filePath(QStringLiteral("station_readings.csv"));
    const QString source = QStringLiteral(":/finpipe/samples/station_readings.csv");
    // A fresh copy each time: the analyst may have edited the last one.
    if (!QDir().mkpath(dir) || (QFileInfo::exists(target) && !QFile::remove(target))
        || !QFile::copy(source, target)) {
        m_prompts->showError(this, tr("Sample"),
                             tr("The sample could not be copied to %1.").arg(QDir::toNativeSeparators(dir)));
        return;
    }
    QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    openPaths({target});
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (!localPaths(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dragMoveEvent(QDragMoveEvent *event)
{
    if (!localPaths(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QStringList paths = localPaths(event->mimeData());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    openPaths(paths);
}

void MainWindow::createJob(const PreparedFile &file)
{
    jobs::JobSpec spec;
    spec.inputPath = file.path;
    spec.read.sheet = file.sheet;
    spec.mapping = file.mapping;
    spec.params = file.parameters;
    // The analyst has seen (or the settings accepted) detection's answer.
    spec.requireConfidentDetection = false;
    m_jobs->setConcurrency(m_settings.concurrency());

    // "Fix the mapping…": the choice becomes a new run of the job it was asked for.
    if (const qint64 target = m_fixing.take(QFileInfo(file.path).absoluteFilePath()); target > 0 && m_model->job(target)) {
        QString why;
        if (!m_jobs->rerun(target, spec, &why, file.place))
            m_prompts->showError(this, tr("Not run again"), why);
        m_followJob = target;
        selectJob(target);
        return;
    }

    JobRecord j;
    j.inputPath = file.path;
    j.fileName = file.fileName;
    j.sha256 = file.sha256;
    j.size = file.size;
    j.sheet = file.sheet;
    j.datasetType = file.mapping.datasetType;
    j.confidence = file.confidence;
    j.level = file.level;
    j.mappingJson = mappingToJson(file.mapping);
    j.parametersJson = parametersToJson(file.parameters);
    j.detectionJson = detectionToJson(file.detection, file.mapping.datasetType);
    j.place = file.place;
    outputRoot(); // the settings' folder, as it is now
    auto id = m_jobs->submit(j, spec);
    if (!id) {
        reportStoreError(id.error());
        return;
    }
    m_followJob = 0;
    selectJob(*id);
    m_followJob = *id;
    updateActions();
}

void MainWindow::onRunFinished(qint64 id, int run, JobState state)
{
    const JobRecord *j = m_model->job(id);
    const QString name = j ? j->fileName : QString();
    const QString error = j ? j->errorMessage : QString();
    if (state == JobState::Succeeded) {
        if (m_followJob == id || currentJobId() == id || currentJobId() == 0)
            showFinishedJob(id);
        statusBar()->showMessage(tr("%1 analysed.").arg(name), 8000);
        if (!isActiveWindow())
            notify(tr("Analysis finished"), tr("%1 is ready: its dashboard is open in finpipe.").arg(name));
    } else if (state == JobState::Failed) {
        // The Dashboard tab says it in full; the notification only points there.
        if (m_followJob == id || currentJobId() == id)
            showFinishedJob(id);
        statusBar()->showMessage(tr("%1: run %2 failed. The Dashboard tab says why.").arg(name).arg(run), 15000);
        if (!isActiveWindow())
            notify(tr("Analysis failed"), tr("%1: %2").arg(name, error));
    } else if (state == JobState::Cancelled) {
        statusBar()->showMessage(tr("%1: run %2 cancelled.").arg(name).arg(run), 8000);
    }
    if (m_followJob == id)
        m_followJob = 0;
    Q_EMIT jobFinished(id, state);
}

void MainWindow::showFinishedJob(qint64 id)
{
    // The job's change, just before its end, already showed it when it is the one on screen at its
    // latest run: a big job's dashboard and tables are loaded once, not twice.
    if (currentJobId() != id) {
        selectJob(id); // shows its latest run
    } else if (m_shownRun != 0 || m_details->jobId() != id) {
        m_shownRun = 0;
        showCurrentJob();
    }
    m_details->setCurrentIndex(DetailTabs::DashboardTab);
}

void MainWindow::notify(const QString &title, const QString &message)
{
    if (QSystemTrayIcon::isSystemTrayAvailable() && QSystemTrayIcon::supportsMessages()) {
        if (!m_tray) {
            m_tray = new QSystemTrayIcon(themedIcon(QStringLiteral("finpipe")), this);
            connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
                showNormal();
                raise();
                activateWindow();
            });
        }
        m_tray->show();
        m_tray->showMessage(title, message, QSystemTrayIcon::Information, 8000);
    } else {
        QApplication::alert(this);
    }
}

void MainWindow::rerunJobs(const QList<qint64> &ids)
{
    m_jobs->setConcurrency(m_settings.concurrency());
    outputRoot(); // the settings' folder, as it is now
    for (qint64 id : ids) {
        if (m_jobs->isActive(id))
            continue;
        QString why;
        if (!m_jobs->rerun(id, std::nullopt, &why)) {
            m_prompts->showError(this, tr("Not run again"), why);
            continue;
        }
        if (ids.size() == 1)
            m_followJob = id;
    }
    m_shownRun = 0;
    showCurrentJob();
    updateActions();
}

void MainWindow::cancelJobs(const QList<qint64> &ids)
{
    for (qint64 id : ids)
        m_jobs->cancel(id);
}

void MainWindow::fixMapping(qint64 id)
{
    const JobRecord *j = m_model->job(id);
    if (!j || m_jobs->isActive(id))
        return;
    if (!QFileInfo::exists(j->inputPath)) {
        m_prompts->showError(this, tr("Cannot detect again"),
                             tr("%1 is no longer at %2.").arg(j->fileName, QDir::toNativeSeparators(j->inputPath)));
        return;
    }
    m_fixing.insert(QFileInfo(j->inputPath).absoluteFilePath(), id);
    // The dialog starts from the job's own choices: its sheet, mapping, templates and options.
    FileIntake::ReviewPreset preset;
    preset.sheet = j->sheet;
    preset.mapping = mappingFromJson(j->mappingJson);
    preset.parameters = parametersFromJson(j->parametersJson);
    preset.place = j->place;
    m_intake->review(j->inputPath, preset);
}

void MainWindow::removeJobs(const QList<qint64> &ids)
{
    if (ids.isEmpty())
        return;
    qint64 bytes = 0;
    int running = 0;
    for (qint64 id : ids) {
        bytes += m_jobs->outputsSize(id);
        running += m_jobs->isActive(id) ? 1 : 0;
    }
    const Prompts::RemoveChoice choice = m_prompts->confirmRemove(this, int(ids.size()), bytes, running);
    if (choice == Prompts::RemoveChoice::Cancel)
        return;
    for (qint64 id : ids) {
        // A running job is cancelled first; its late result is dropped, its folder deleted once it stopped.
        if (auto r = m_jobs->remove(id, choice == Prompts::RemoveChoice::DeleteFiles); !r) {
            reportStoreError(r.error());
            return;
        }
    }
    statusBar()->showMessage(ids.size() == 1 ? tr("Removed 1 job.") : tr("Removed %1 jobs.").arg(ids.size()), 8000);
    showCurrentJob();
    updateActions();
}

void MainWindow::showSettings()
{
    SettingsDialog dlg(m_settings, *m_prompts, this, m_secrets);
    connect(&dlg, &SettingsDialog::cloudSettingsChanged, this, &MainWindow::loadCloudSettings);
    if (dlg.exec() != QDialog::Accepted)
        return;
    m_jobs->setConcurrency(m_settings.concurrency());
    m_jobs->setOutputRoot(m_settings.outputRoot());
    applyTheme(m_settings.theme());
    applyDashboardTheme();
}

void MainWindow::loadCloudSettings()
{
    if (!m_settings.cloud().configured()) {
        m_cloud->setConnInfo({});
        updateCloudStatus();
        return;
    }
    readCloudConnInfo(m_settings, *m_secrets, this, [this](Result<QString> conninfo) {
        if (!conninfo) {
            m_cloud->setConnInfo({});
            m_cloudStatus->setText(tr("Team cloud: %1").arg(conninfo.error().message));
            m_intake->setCloudStatus(false, conninfo.error().message);
            return;
        }
        m_cloud->setConnInfo(*conninfo);
        updateCloudStatus();
    });
}

void MainWindow::copyOutputLink(const QString &name)
{
    const JobRecord *j = m_model->job(m_details->jobId());
    if (!j || j->remoteId.isEmpty())
        return;
    statusBar()->showMessage(tr("Asking the team cloud for a link to %1…").arg(name));
    QPointer<MainWindow> self(this);
    m_cloud->outputLink(j->remoteId, name, 3600).then([self, name](const Result<QString> &link) {
        if (!self)
            return;
        if (!link) {
            self->m_prompts->showError(self, tr("No link"), tr("The team cloud gave no link to %1: %2").arg(name, link.error().message));
            self->statusBar()->clearMessage();
            return;
        }
        QGuiApplication::clipboard()->setText(*link);
        self->statusBar()->showMessage(tr("A link to %1 is on the clipboard; it works for an hour.").arg(name), 8000);
        Q_EMIT self->linkCopied(name);
    });
}

void MainWindow::updateCloudStatus()
{
    const bool configured = m_settings.cloud().configured();
    QString note;
    if (!configured)
        m_cloudStatus->clear();
    else if (m_cloud->isConnected())
        m_cloudStatus->setText(tr("Team cloud: connected"));
    else {
        m_cloudStatus->setText(tr("Team cloud: offline"));
        note = tr("The team cloud cannot be reached now (%1). A job sent there waits and goes by itself "
                  "when it can.").arg(m_cloud->unavailableReason());
    }
    m_cloudStatus->setToolTip(note);
    m_cloudStatus->setAccessibleName(m_cloudStatus->text());
    m_intake->setCloudStatus(configured, note);
}

void MainWindow::applyDashboardTheme()
{
    // The dashboard looks like the window around it. With "follow the system" that is the app's
    // palette: QtWebEngine's own idea of the system's colour scheme may differ from it.
    AppSettings::Theme theme = m_settings.theme();
    if (theme == AppSettings::Theme::System)
        theme = QApplication::palette().color(QPalette::Window).lightness() < 128 ? AppSettings::Theme::Dark
                                                                     : AppSettings::Theme::Light;
    m_details->setDashboardTheme(theme);
}

void MainWindow::reportStoreError(const Error &error)
{
    if (!error.detail.isEmpty())
        qWarning("finpipe: %s", qPrintable(error.toString()));
    m_prompts->showError(this, tr("Job list"), error.message);
    statusBar()->showMessage(error.message);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (const int running = m_jobs->activeCount(); running > 0) {
        if (!m_prompts->confirmQuit(this, running)) {
            event->ignore();
            return;
        }
    }
    m_settings.setWindowGeometry(saveGeometry());
    if (m_model->rowCount() > 0)
        m_settings.setSplitterState(m_ui->splitter->saveState());
    m_intake->cancel();
    // Cancels and records the runs as interrupted; waits a second at most.
    m_jobs->shutdown(1000);
    QMainWindow::closeEvent(event);
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange) {
        // Re-draw what was rendered for the old palette (light/dark switch).
        m_ui->emptyIcon->setPixmap(themedPixmap(QStringLiteral("drop"), 96, devicePixelRatioF(),
                                                palette().color(QPalette::PlaceholderText)));
        if (m_details)
            applyDashboardTheme();
    }
    QMainWindow::changeEvent(event);
}

} // namespace finpipe::app
