#include "mainwindow.h"

#include "detailtabs.h"
#include "icons.h"
#include "intake.h"
#include "jobdelegates.h"
#include "jobmodel.h"
#include "jobrunner.h"
#include "mappingjson.h"
#include "outputsaver.h"
#include "prompts.h"
#include "settingsdialog.h"
#include "ui_mainwindow.h"

#include <QApplication>
#include <QCloseEvent>
#include <QCryptographicHash>
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QSortFilterProxyModel>
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
    : QMainWindow(parent), m_ui(std::make_unique<Ui::MainWindow>()), m_settings(options.settings),
      m_store(options.storePath)
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
    m_ui->splitter->setStretchFactor(0, 2);
    m_ui->splitter->setStretchFactor(1, 5);
    m_ui->intakeBar->hide();

    m_model = new JobModel(this);
    m_runner = new JobRunner(this);
    m_runner->setConcurrency(m_settings.concurrency());
    m_intake = new FileIntake(m_store, m_settings, *m_prompts, this);

    setUpJobList();
    setUpActions();

    if (auto opened = m_store.open(); !opened) {
        m_storeError = opened.error();
        QTimer::singleShot(0, this, [this] { reportStoreError(*m_storeError); });
    } else {
        auto all = m_store.jobs();
        if (all.ok())
            m_model->setJobs(*all);
        else
            QTimer::singleShot(0, this, [this, e = all.error()] { reportStoreError(e); });
        if (m_store.interruptedAtOpen() > 0)
            statusBar()->showMessage(tr("%n job(s) were interrupted when finpipe last closed. Select one "
                                        "and press F5 to run it again.", nullptr, m_store.interruptedAtOpen()));
    }

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
    connect(m_intake, &FileIntake::openExistingRequested, this, [this](qint64 id) {
        selectJob(id);
        m_details->setCurrentIndex(DetailTabs::DashboardTab);
    });
    connect(m_intake, &FileIntake::fileFailed, this, [this](const QString &path, const QString &message) {
        m_prompts->showError(this, tr("Cannot analyse %1").arg(QFileInfo(path).fileName()), message);
    });

    connect(m_runner, &JobRunner::jobStarted, this, &MainWindow::onJobStarted);
    connect(m_runner, &JobRunner::jobProgress, m_model, &JobModel::setProgress);
    connect(m_runner, &JobRunner::jobFinished, this, &MainWindow::onJobFinished);

    connect(m_details, &DetailTabs::saveOutputRequested, this, &MainWindow::saveOutput);
    connect(m_details, &DetailTabs::saveAllRequested, this, &MainWindow::saveAllOutputs);
    connect(m_details, &DetailTabs::openFolderRequested, this, [this] {
        if (const JobRecord *j = m_model->job(currentJobId()))
            QDesktopServices::openUrl(QUrl::fromLocalFile(j->outputDir));
    });

    auto *ticker = new QTimer(this);
    connect(ticker, &QTimer::timeout, m_model, &JobModel::tick);
    ticker->start(1000);

    if (!m_settings.windowGeometry().isEmpty())
        restoreGeometry(m_settings.windowGeometry());
    updateEmptyState();
    updateActions();
    showCurrentJob();
}

MainWindow::~MainWindow()
{
    // Workers must stop before the store and model they report to go away.
    m_runner->shutdown(30000);
}

QTableView *MainWindow::jobsView() const
{
    return m_ui->jobsView;
}

QString MainWindow::outputRoot() const
{
    const QString configured = m_settings.outputRoot();
    if (!configured.isEmpty())
        return configured;
    // Beside the store, so a test's (or a portable) store keeps its outputs with it.
    return QDir(QFileInfo(m_store.path()).absolutePath()).filePath(QStringLiteral("jobs"));
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
    v->horizontalHeader()->setSectionResizeMode(JobModel::FileColumn, QHeaderView::Stretch);
    v->horizontalHeader()->setHighlightSections(false);
    v->setColumnWidth(JobModel::TypeColumn, 170);
    v->setColumnWidth(JobModel::ConfidenceColumn, 140);
    v->setColumnWidth(JobModel::WhereColumn, 90);
    v->setColumnWidth(JobModel::StateColumn, 150);
    v->setColumnWidth(JobModel::StartedColumn, 150);
    v->setColumnWidth(JobModel::DurationColumn, 90);
    v->sortByColumn(JobModel::StartedColumn, Qt::DescendingOrder);
    v->setFocusPolicy(Qt::StrongFocus);

    connect(v->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        if (currentJobId() != m_followJob)
            m_followJob = 0;
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
    connect(m_ui->emptyOpenButton, &QPushButton::clicked, this, &MainWindow::openFileDialog);
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
    connect(m_ui->actionSaveOutput, &QAction::triggered, this, [this] {
        const QString path = m_details->selectedOutputPath();
        if (!path.isEmpty())
            saveOutput(path);
    });
    connect(m_ui->actionSaveAll, &QAction::triggered, this, &MainWindow::saveAllOutputs);
    connect(m_ui->actionSettings, &QAction::triggered, this, &MainWindow::showSettings);
    connect(m_ui->actionQuit, &QAction::triggered, this, &QWidget::close);
    connect(m_ui->actionOpenJob, &QAction::triggered, this,
            [this] { m_details->setCurrentIndex(DetailTabs::DashboardTab); });
    connect(m_ui->actionRerun, &QAction::triggered, this, [this] { rerunJobs(selectedJobIds()); });
    connect(m_ui->actionReview, &QAction::triggered, this, [this] {
        if (const JobRecord *j = m_model->job(currentJobId()))
            m_intake->review(j->inputPath);
    });
    connect(m_ui->actionCancel, &QAction::triggered, this, [this] { cancelJobs(selectedJobIds()); });
    connect(m_ui->actionRemove, &QAction::triggered, this, [this] { removeJobs(selectedJobIds()); });
    connect(m_ui->actionShowFolder, &QAction::triggered, this, [this] {
        if (const JobRecord *j = m_model->job(currentJobId()))
            QDesktopServices::openUrl(QUrl::fromLocalFile(j->outputDir));
    });
    connect(m_ui->actionAbout, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About finpipe"),
                           tr("<b>finpipe</b> %1<br>Recognises, analyses and charts finance datasets "
                              "on this computer.").arg(QApplication::applicationVersion().toHtmlEscaped()));
    });
    connect(m_ui->menuRecent, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    rebuildRecentMenu();
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
    m_ui->jobsStack->setCurrentWidget(m_model->rowCount() == 0 ? m_ui->emptyPage : m_ui->listPage);
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
        if (m_runner->isActive(id))
            anyActive = true;
        else
            anyIdle = true;
    }
    const JobRecord *cur = m_model->job(currentJobId());
    m_ui->actionRerun->setEnabled(anyIdle);
    m_ui->actionReview->setEnabled(cur && !m_runner->isActive(cur->id));
    m_ui->actionCancel->setEnabled(anyActive);
    m_ui->actionRemove->setEnabled(!ids.isEmpty());
    m_ui->actionOpenJob->setEnabled(cur != nullptr);
    m_ui->actionShowFolder->setEnabled(cur && QFileInfo(cur->outputDir).isDir());
    m_ui->actionSaveOutput->setEnabled(cur && !cur->outputs.isEmpty());
    m_ui->actionSaveAll->setEnabled(cur && !cur->outputs.isEmpty());
}

void MainWindow::showCurrentJob()
{
    const qint64 id = currentJobId();
    m_details->showJob(m_model->job(id));
}

void MainWindow::refreshJob(qint64 id)
{
    auto j = m_store.job(id);
    if (!j.ok()) {
        reportStoreError(j.error());
        return;
    }
    if (!j->has_value())
        return;
    m_model->upsert(**j);
    if (currentJobId() == id)
        showCurrentJob();
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
    if (files.isEmpty() && !paths.isEmpty())
        statusBar()->showMessage(tr("No CSV or Excel files found there."), 5000);
    m_intake->add(files);
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
    j.state = JobState::Queued;
    auto id = m_store.addJob(j);
    if (!id) {
        reportStoreError(id.error());
        return;
    }
    j.outputDir = QDir(outputRoot()).filePath(QString::number(j.id));
    if (auto r = m_store.setOutputDir(j.id, j.outputDir); !r) {
        reportStoreError(r.error());
        return;
    }
    m_model->upsert(j);
    m_followJob = 0;
    selectJob(j.id);
    m_followJob = j.id;
    startJob(j);
}

void MainWindow::startJob(const JobRecord &job)
{
    jobs::JobSpec spec;
    spec.inputPath = job.inputPath;
    spec.read.sheet = job.sheet;
    spec.mapping = mappingFromJson(job.mappingJson);
    spec.params = parametersFromJson(job.parametersJson);
    spec.outputDir = job.outputDir;
    // The analyst has seen (or the settings accepted) detection's answer.
    spec.requireConfidentDetection = false;
    m_runner->setConcurrency(m_settings.concurrency());
    m_runner->start(job.id, spec);
    updateActions();
}

void MainWindow::onJobStarted(qint64 id)
{
    if (auto r = m_store.setState(id, JobState::Running); !r)
        reportStoreError(r.error());
    refreshJob(id);
}

void MainWindow::onJobFinished(const JobOutcome &outcome)
{
    const qint64 id = outcome.id;
    const JobState state = outcome.ok ? JobState::Succeeded
                                      : outcome.cancelled ? JobState::Cancelled : JobState::Failed;
    // A failed job keeps (and lists) whatever outputs it made.
    QList<jobs::JobOutput> outputs;
    for (const jobs::OutputFile &o : outcome.manifest.outputs)
        outputs.append({o.name, o.size, o.sha256});
    // The manifest describes the other outputs, so it does not list itself; the analyst still
    // wants to see and save it.
    if (const JobRecord *rec = m_model->job(id)) {
        const QString manifestPath = QDir(rec->outputDir).filePath(QStringLiteral("manifest.json"));
        QFile manifest(manifestPath);
        if (manifest.open(QIODevice::ReadOnly)) {
            const QByteArray bytes = manifest.readAll(); // a few kilobytes
            outputs.append({QStringLiteral("manifest.json"), bytes.size(),
                            QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex())});
        }
    }
    if (!outputs.isEmpty() || outcome.ok)
        (void)m_store.setOutputs(id, outputs);
    if (outcome.ok)
        (void)m_store.setProgress(id, 1.0);
    if (!outcome.manifest.sheet.isEmpty()) {
        if (auto j = m_store.job(id); j.ok() && j->has_value() && (*j)->sheet.isEmpty()) {
            (*j)->sheet = outcome.manifest.sheet;
            (void)m_store.updateJob(**j);
        }
    }
    const QString message = outcome.ok ? QString()
        : outcome.cancelled            ? tr("Cancelled.")
                                       : outcome.error.message;
    if (auto r = m_store.setState(id, state, message); !r)
        reportStoreError(r.error());
    if (!outcome.ok && !outcome.cancelled && !outcome.error.detail.isEmpty())
        qWarning("finpipe: job %lld failed: %s", id, qPrintable(outcome.error.toString()));
    refreshJob(id);

    const JobRecord *j = m_model->job(id);
    const QString name = j ? j->fileName : QString();
    if (outcome.ok) {
        if (m_followJob == id || currentJobId() == id || currentJobId() == 0) {
            selectJob(id);
            m_details->setCurrentIndex(DetailTabs::DashboardTab);
        }
        statusBar()->showMessage(tr("%1 analysed.").arg(name), 8000);
        if (!isActiveWindow())
            notify(tr("Analysis finished"), tr("%1 is ready: its dashboard is open in finpipe.").arg(name));
    } else if (!outcome.cancelled) {
        statusBar()->showMessage(tr("%1 failed: %2").arg(name, outcome.error.message), 15000);
        if (!isActiveWindow())
            notify(tr("Analysis failed"), tr("%1: %2").arg(name, outcome.error.message));
    }
    if (m_followJob == id)
        m_followJob = 0;
    Q_EMIT jobFinished(id, state);
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
    for (qint64 id : ids) {
        if (m_runner->isActive(id))
            continue;
        if (auto r = m_store.setState(id, JobState::Queued); !r) {
            reportStoreError(r.error());
            return;
        }
        auto j = m_store.job(id);
        if (!j.ok() || !j->has_value())
            continue;
        if (!QFileInfo::exists((*j)->inputPath)) {
            (void)m_store.setState(id, JobState::Failed,
                                   tr("%1 is no longer there, so it cannot be analysed again.")
                                       .arg(QDir::toNativeSeparators((*j)->inputPath)));
            refreshJob(id);
            continue;
        }
        m_model->upsert(**j);
        if (ids.size() == 1)
            m_followJob = id;
        startJob(**j);
    }
    showCurrentJob();
}

void MainWindow::cancelJobs(const QList<qint64> &ids)
{
    for (qint64 id : ids)
        m_runner->cancel(id);
}

void MainWindow::removeJobs(const QList<qint64> &ids)
{
    if (ids.isEmpty() || !m_prompts->confirmRemove(this, int(ids.size())))
        return;
    for (qint64 id : ids) {
        // A running job is told to stop; its late result finds no row and is dropped.
        m_runner->cancel(id);
        if (auto r = m_store.removeJob(id); !r) {
            reportStoreError(r.error());
            return;
        }
        m_model->remove(id);
    }
    showCurrentJob();
    updateActions();
}

void MainWindow::saveOutput(const QString &path)
{
    const QStringList recent = m_settings.recentFiles();
    const QString startDir = recent.isEmpty() ? QDir::homePath() : QFileInfo(recent.first()).absolutePath();
    const QString target = m_prompts->saveFilePath(this, QDir(startDir).filePath(QFileInfo(path).fileName()));
    if (target.isEmpty())
        return;
    if (QFileInfo::exists(target) && !m_prompts->confirmOverwrite(this, target))
        return;
    copyInBackground({{path, target}});
}

void MainWindow::saveAllOutputs()
{
    const JobRecord *j = m_model->job(currentJobId());
    if (!j || j->outputs.isEmpty())
        return;
    const QString folder = m_prompts->saveFolder(this, QDir::homePath());
    if (folder.isEmpty())
        return;
    QList<std::pair<QString, QString>> copies;
    for (const jobs::JobOutput &o : j->outputs) {
        const QString target = QDir(folder).filePath(o.name);
        if (QFileInfo::exists(target) && !m_prompts->confirmOverwrite(this, target))
            continue;
        copies.append({QDir(j->outputDir).filePath(o.name), target});
    }
    if (!copies.isEmpty())
        copyInBackground(copies);
}

void MainWindow::copyInBackground(const QList<std::pair<QString, QString>> &copies)
{
    statusBar()->showMessage(tr("Saving…"));
    using Done = QList<std::pair<QString, QString>>; // target, error
    auto *watcher = new QFutureWatcher<Done>(this);
    connect(watcher, &QFutureWatcher<Done>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const Done done = watcher->result();
        QStringList failed;
        for (const auto &[target, error] : done) {
            if (!error.isEmpty())
                failed.append(error);
            Q_EMIT outputSaved(target, error);
        }
        if (failed.isEmpty())
            statusBar()->showMessage(done.size() == 1 ? tr("Saved %1.").arg(QDir::toNativeSeparators(done.first().first))
                                                      : tr("Saved %n file(s).", nullptr, int(done.size())),
                                     8000);
        else
            m_prompts->showError(this, tr("Not saved"), failed.join(QLatin1Char('\n')));
    });
    watcher->setFuture(QtConcurrent::run([copies]() {
        Done done;
        for (const auto &[from, to] : copies) {
            auto r = copyAtomically(from, to);
            done.append({to, r.ok() ? QString() : r.error().message});
        }
        return done;
    }));
}

void MainWindow::showSettings()
{
    SettingsDialog dlg(m_settings, *m_prompts, this);
    if (dlg.exec() != QDialog::Accepted)
        return;
    m_runner->setConcurrency(m_settings.concurrency());
    applyTheme(m_settings.theme());
    applyDashboardTheme();
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
    m_settings.setWindowGeometry(saveGeometry());
    m_intake->cancel();
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
