#include "apptestutil.h"
#include "testutil.h"

#include "detailtabs.h"
#include "detectiondialog.h"
#include "icons.h"
#include "intake.h"
#include "jobmodel.h"
#include "localonlyinterceptor.h"
#include "mappingjson.h"
#include "settingsdialog.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QHeaderView>
#include <QScrollBar>
#include <QSpinBox>
#include <QStatusBar>
#include <QTcpServer>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTextBrowser>
#include <QAction>
#include <QTimer>
#include <QWebEnginePage>
#include <QWebEngineView>

using namespace finpipe;
using namespace finpipe::test;
using finpipe::jobs::JobState;

namespace {

constexpr int kJobTimeout = 60000;

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

//! The state of the job for `fileName` (the newest one), or -1.
int stateOf(app::MainWindow &w, const QString &fileName)
{
    for (int r = 0; r < w.jobModel()->rowCount(); ++r)
        if (w.jobModel()->jobAt(r).fileName == fileName)
            return int(w.jobModel()->jobAt(r).state);
    return -1;
}

qint64 idOf(app::MainWindow &w, const QString &fileName)
{
    for (int r = 0; r < w.jobModel()->rowCount(); ++r)
        if (w.jobModel()->jobAt(r).fileName == fileName)
            return w.jobModel()->jobAt(r).id;
    return 0;
}

//! The result of `script` in the page (the page's own world); invalid after 10 s without one.
QVariant evalJs(QWebEngineView *view, const QString &script)
{
    QVariant result;
    bool done = false;
    view->page()->runJavaScript(script, [&](const QVariant &v) {
        result = v;
        done = true;
    });
    QElapsedTimer t;
    t.start();
    while (!done && t.elapsed() < 10000)
        QTest::qWait(20);
    return result;
}

QString innerText(QWebEngineView *view)
{
    return evalJs(view, QStringLiteral("document.body ? document.body.innerText : ''")).toString();
}

//! What the dashboard looks like: "<data-theme or none> | <page background> | <first chart line>".
QString dashboardLook(QWebEngineView *view)
{
    return evalJs(view, QStringLiteral(
                            "(function () {"
                            " var series = document.querySelectorAll('.u-legend .u-series');" // [0] is x
                            " var marker = series.length > 1 ? series[1].querySelector('.u-marker') : null;"
                            " return (document.documentElement.getAttribute('data-theme') || 'none') + ' | ' +"
                            "  getComputedStyle(document.body).backgroundColor + ' | ' +"
                            "  (marker ? getComputedStyle(marker).borderTopColor : 'no chart');"
                            "})()"))
        .toString();
}

//! Chooses `theme` in the Settings dialog that `trigger` opens, and presses OK.
void chooseThemeInSettings(app::MainWindow &w, app::AppSettings::Theme theme)
{
    QTimer::singleShot(0, &w, [&w, theme] {
        auto *dlg = w.findChild<app::SettingsDialog *>();
        QVERIFY(dlg && dlg->isVisible());
        auto *combo = dlg->findChild<QComboBox *>(QStringLiteral("themeCombo"));
        combo->setCurrentIndex(combo->findData(int(theme)));
        dlg->accept();
    });
    w.findChild<QAction *>(QStringLiteral("actionSettings"))->trigger(); // returns when it closed
    QCOMPARE(w.settings().theme(), theme);
}

//! A copy of the synthetic readings with headers detection is only medium-sure about.
QString writeMediumFile(const QString &dir)
{
    QByteArray data = fileBytes(seedPath(QStringLiteral("synthetic_raw_data.csv")));
    const qsizetype eol = data.indexOf('\n');
    data.replace(0, eol, "station id,date time,pcode,result");
    const QString path = QDir(dir).filePath(QStringLiteral("readings_lower.csv"));
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(data);
    return path;
}

//! With FINPIPE_SHOTS_DIR set, saves a picture of `w` for a person to look at.
void saveShot(QWidget *w, const char *name)
{
    const QString dir = qEnvironmentVariable("FINPIPE_SHOTS_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(300);
    w->grab().save(QDir(dir).filePath(QString::fromLatin1(name) + QStringLiteral(".png")));
}

//! A station-readings job for synthetic_raw_data.csv as an earlier run of the app stored it: its
//! value column `valueColumn`, its outputs under out/`outName`.
jobs::JobRecord readingsJob(const AppFixture &fx, const QString &valueColumn,
                            const QString &outName)
{
    jobs::JobRecord j;
    j.inputPath = seedPath(QStringLiteral("synthetic_raw_data.csv"));
    j.fileName = QStringLiteral("synthetic_raw_data.csv");
    // The file's real hash: a different one would mean the file changed since (and a re-run then
    // detects afresh instead of using the stored mapping).
    j.sha256 = sha256Of(readAll(j.inputPath));
    j.datasetType = QStringLiteral("station_readings");
    j.mappingJson = QStringLiteral(R"({"type":"station_readings","roles":{"station":"Station_ID",)"
                                   R"("timestamp":"Date_Time","parameter":"PCode","value":"%1"}})")
                        .arg(valueColumn);
    j.outputDir = fx.dir.filePath(QStringLiteral("out/") + outName);
    return j;
}

//! A finished job whose outputs (a dashboard.html) are in `dir`, for showing in DetailTabs alone.
jobs::JobRecord finishedJobIn(const QString &dir)
{
    jobs::JobRecord job;
    job.id = 1;
    job.state = JobState::Succeeded;
    job.outputDir = dir;
    return job;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyListInvitesTheFirstFile()
    {
        AppFixture fx;
        app::MainWindow &w = fx.open();
        auto *stack = w.findChild<QStackedWidget *>(QStringLiteral("jobsStack"));
        QVERIFY(stack);
        QCOMPARE(stack->currentWidget()->objectName(), QStringLiteral("emptyPage"));
        auto *label = w.findChild<QLabel *>(QStringLiteral("emptyLabel"));
        QCOMPARE(label->text(), QStringLiteral("Drop CSV or Excel files anywhere in this window"));
        QVERIFY(label->isVisible());
    }

    void droppedFileRunsToItsDashboard()
    {
        AppFixture fx;
        app::MainWindow &w = fx.open();
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        QSignalSpy loaded(w.details(), &app::DetailTabs::dashboardLoadFinished);
        const QString input = seedPath(QStringLiteral("synthetic_raw_data.csv"));
        dropFiles(&w, {input});

        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
        QCOMPARE(finished.at(0).at(1).value<JobState>(), JobState::Succeeded);
        QCOMPARE(w.jobModel()->rowCount(), 1);
        const jobs::JobRecord &job = w.jobModel()->jobAt(0);
        QCOMPARE(job.fileName, QStringLiteral("synthetic_raw_data.csv"));
        QCOMPARE(job.datasetType, QStringLiteral("station_readings"));
        QVERIFY(job.level == detect::Level::High);
        QCOMPARE(job.sha256, QString::fromLatin1(QCryptographicHash::hash(fileBytes(input),
                                                                          QCryptographicHash::Sha256).toHex()));
        QVERIFY(job.started.isValid() && job.finished.isValid());
        // The list shows it, the dashboard tab is open.
        QCOMPARE(w.jobModel()->data(w.jobModel()->index(0, app::JobModel::StateColumn), Qt::DisplayRole).toString(),
                 QStringLiteral("Succeeded"));
        QCOMPARE(w.jobModel()->data(w.jobModel()->index(0, app::JobModel::WhereColumn), Qt::DisplayRole).toString(),
                 QStringLiteral("This computer"));
        QCOMPARE(w.details()->currentIndex(), int(app::DetailTabs::DashboardTab));
        QCOMPARE(w.currentJobId(), job.id);

        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 30000);
        QCOMPARE(loaded.last().at(0).toBool(), true);
        QCOMPARE(w.details()->dashboardView()->url(),
                 QUrl::fromLocalFile(QDir(job.outputDir).filePath(QStringLiteral("dashboard.html"))));
        QVERIFY(w.details()->dashboardView()->isVisible());
        const QString text = innerText(w.details()->dashboardView());
        QVERIFY2(text.contains(u"CT") && text.contains(u"TUS"), qPrintable(text.left(400)));
        QVERIFY(text.contains(u"synthetic_raw_data.csv"));

        // Outputs tab lists every file with size and SHA-256 as written.
        QTableWidget *outputs = w.details()->outputsTable();
        QVERIFY(outputs->rowCount() >= 4);
        QStringList names;
        for (int r = 0; r < outputs->rowCount(); ++r) {
            const QString name = outputs->item(r, 0)->text();
            names.append(name);
            const QByteArray bytes = fileBytes(QDir(job.outputDir).filePath(name));
            QCOMPARE(outputs->item(r, 3)->text(),
                     QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
        }
        QVERIFY(names.contains(QStringLiteral("CT_Analysis.csv")));
        QVERIFY(names.contains(QStringLiteral("TUS_Analysis.csv")));
        QVERIFY(names.contains(QStringLiteral("dashboard.html")));

        // Data tab: the first result table loads, the chart has a series over the dates.
        QSignalSpy dataLoaded(w.details(), &app::DetailTabs::dataTableLoaded);
        w.details()->setCurrentIndex(app::DetailTabs::DataTab);
        w.details()->tableCombo()->setCurrentIndex(w.details()->tableCombo()->findText(QStringLiteral("TUS_Analysis.csv")));
        QTRY_VERIFY_WITH_TIMEOUT(!dataLoaded.isEmpty(), 10000);
        QVERIFY(w.details()->dataView()->model()->rowCount() > 0);
        QCOMPARE(w.details()->dataView()->model()->headerData(1, Qt::Horizontal).toString(), QStringLiteral("Dates"));
        QVERIFY(w.details()->dataChart()->chart()->series().size() == 1);
        saveShot(&w, "data");

        // Quality tab: a bar per column's blank rate.
        QTRY_VERIFY_WITH_TIMEOUT(w.details()->qualityChart()->chart()->series().size() == 1, 10000);
        w.details()->setCurrentIndex(app::DetailTabs::QualityTab);
        saveShot(&w, "quality");
        w.details()->setCurrentIndex(app::DetailTabs::OutputsTab);
        saveShot(&w, "outputs");
        w.details()->setCurrentIndex(app::DetailTabs::DetailsTab);
        saveShot(&w, "details");

        if (const QByteArray shot = qgetenv("FINPIPE_SCREENSHOT"); !shot.isEmpty()) {
            w.details()->setCurrentIndex(app::DetailTabs::DashboardTab);
            QTest::qWait(1500); // let the dashboard's charts draw
            QVERIFY(w.grab().save(QString::fromLocal8Bit(shot)));
        }
    }

    void mediumConfidenceAsksAndAcceptsAnOverride()
    {
        AppFixture fx;
        const QString input = writeMediumFile(fx.dir.path());
        app::MainWindow &w = fx.open();
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        dropFiles(&w, {input});
        QTRY_VERIFY_WITH_TIMEOUT(w.intake()->dialog() && w.intake()->dialog()->isVisible(), 30000);
        app::DetectionDialog *dlg = w.intake()->dialog();
        QCOMPARE(dlg->type(), QStringLiteral("station_readings"));
        QVERIFY(dlg->canRun());
        QCOMPARE(dlg->roleColumn(QStringLiteral("value")), QStringLiteral("result"));

        // A type whose required columns the file lacks cannot run, and says why.
        saveShot(dlg, "dialog");
        QVERIFY(dlg->setType(QStringLiteral("sales_orders")));
        QVERIFY(!dlg->canRun());
        QVERIFY(!dlg->runButton()->isEnabled());
        QVERIFY(!dlg->validationMessage().isEmpty());
        QVERIFY(dlg->findChild<QLabel *>(QStringLiteral("validationLabel"))->text().startsWith(u"Cannot run"));

        // Back to readings; text as the value is refused, with the column named.
        QVERIFY(dlg->setType(QStringLiteral("station_readings")));
        QVERIFY(dlg->setRoleColumn(QStringLiteral("value"), QStringLiteral("station id")));
        QVERIFY(!dlg->canRun());
        saveShot(dlg, "dialog_invalid");
        QVERIFY(!dlg->runButton()->isEnabled());
        // One column for two roles is refused too.
        QVERIFY(dlg->setRoleColumn(QStringLiteral("value"), QStringLiteral("pcode")));
        QVERIFY(!dlg->canRun());

        // A valid override: the mapping is taken as chosen, and the analyst's choice is remembered.
        QVERIFY(dlg->setRoleColumn(QStringLiteral("value"), QStringLiteral("result")));
        QVERIFY(dlg->canRun());
        dlg->findChild<QComboBox *>(QStringLiteral("aggregationCombo"))->setCurrentText(QStringLiteral("max"));
        dlg->findChild<QCheckBox *>(QStringLiteral("rememberCheck"))->setChecked(true);
        QTest::mouseClick(dlg->runButton(), Qt::LeftButton);

        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
        QCOMPARE(finished.at(0).at(1).value<JobState>(), JobState::Succeeded);
        const jobs::JobRecord job = w.jobModel()->jobAt(0);
        QVERIFY(job.level == detect::Level::Medium);
        const auto mapping = app::mappingFromJson(job.mappingJson);
        QVERIFY(mapping.has_value());
        QCOMPARE(mapping->roles.value(QStringLiteral("value")), QStringLiteral("result"));
        QCOMPARE(app::parametersFromJson(job.parametersJson).aggregation, analysis::Aggregation::Max);
        QVERIFY(job.detectionJson.contains(u"fuzzy_header"));

        // The next file with the same headers gets the remembered mapping offered.
        fx.prompts.duplicateChoice = app::Prompts::DuplicateChoice::AnalyseAgain;
        dropFiles(&w, {input});
        QTRY_VERIFY_WITH_TIMEOUT(w.intake()->dialog() && w.intake()->dialog()->isVisible(), 30000);
        auto *note = w.intake()->dialog()->findChild<QLabel *>(QStringLiteral("profileLabel"));
        QVERIFY(note->isVisible());
        QVERIFY(note->text().contains(u"saved"));
        w.intake()->dialog()->reject();
        QTRY_VERIFY(!w.intake()->isBusy());
        QCOMPARE(w.jobModel()->rowCount(), 1); // cancelling the dialog makes no job
    }

    void droppedFolderContributesItsTables()
    {
        QTemporaryDir dir;
        for (const char *n : {"b.csv", "a.xlsx", "notes.txt", "~$a.xlsx", "c.CSV"}) {
            QFile f(dir.filePath(QString::fromLatin1(n)));
            f.open(QIODevice::WriteOnly);
        }
        QDir(dir.path()).mkdir(QStringLiteral("sub"));
        const QStringList got = app::expandDroppedPaths({dir.path()});
        QStringList names;
        for (const QString &p : got)
            names.append(QFileInfo(p).fileName());
        names.sort(Qt::CaseInsensitive);
        QCOMPARE(names, (QStringList{QStringLiteral("a.xlsx"), QStringLiteral("b.csv"), QStringLiteral("c.CSV")}));
    }

    void duplicateDropAsks()
    {
        AppFixture fx;
        app::MainWindow &w = fx.open();
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        const QString input = seedPath(QStringLiteral("synthetic_raw_data.csv"));
        dropFiles(&w, {input});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
        const qint64 first = w.jobModel()->jobAt(0).id;

        // Cancel: nothing new.
        fx.prompts.duplicateChoice = app::Prompts::DuplicateChoice::Cancel;
        dropFiles(&w, {input});
        QTRY_COMPARE_WITH_TIMEOUT(fx.prompts.duplicateAsked, 1, 30000);
        QVERIFY(fx.prompts.lastDuplicateText.startsWith(u"You analysed synthetic_raw_data.csv on "));
        QVERIFY(fx.prompts.lastDuplicateText.endsWith(u" as station_readings."));
        QTRY_VERIFY(!w.intake()->isBusy());
        QCOMPARE(w.jobModel()->rowCount(), 1);

        // Open the existing results: the earlier job is selected, its dashboard shown.
        w.jobsView()->clearSelection();
        fx.prompts.duplicateChoice = app::Prompts::DuplicateChoice::OpenExisting;
        dropFiles(&w, {input});
        QTRY_COMPARE_WITH_TIMEOUT(fx.prompts.duplicateAsked, 2, 30000);
        QTRY_COMPARE(w.currentJobId(), first);
        QCOMPARE(w.details()->currentIndex(), int(app::DetailTabs::DashboardTab));
        QCOMPARE(w.jobModel()->rowCount(), 1);

        // Analyse again: a second job.
        fx.prompts.duplicateChoice = app::Prompts::DuplicateChoice::AnalyseAgain;
        dropFiles(&w, {input});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kJobTimeout);
        QCOMPARE(w.jobModel()->rowCount(), 2);
    }

    void saveWritesAnIdenticalCopyAndNeverOverwritesSilently()
    {
        AppFixture fx;
        app::MainWindow &w = fx.open();
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        dropFiles(&w, {seedPath(QStringLiteral("synthetic_raw_data.csv"))});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
        const jobs::JobRecord job = w.jobModel()->jobAt(0);
        const QString source = QDir(job.outputDir).filePath(QStringLiteral("CT_Analysis.csv"));

        QSignalSpy saved(&w, &app::MainWindow::outputSaved);
        const QString target = fx.dir.filePath(QStringLiteral("saved/CT copy.csv"));
        QDir().mkpath(QFileInfo(target).absolutePath());
        fx.prompts.saveTarget = target;
        w.details()->setCurrentIndex(app::DetailTabs::OutputsTab);
        auto *button = w.details()->findChild<QPushButton *>(QStringLiteral("save_CT_Analysis.csv"));
        QVERIFY(button);
        QTest::mouseClick(button, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 10000);
        QCOMPARE(saved.at(0).at(1).toString(), QString());
        QCOMPARE(fileBytes(target), fileBytes(source));
        QCOMPARE(fx.prompts.overwriteAsked, 0);

        // The target exists now: the analyst is asked, and "no" leaves it untouched.
        {
            QFile f(target);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("the analyst's own edits\n");
        }
        fx.prompts.overwrite = false;
        QTest::mouseClick(button, Qt::LeftButton);
        QCOMPARE(fx.prompts.overwriteAsked, 1);
        QTest::qWait(200);
        QCOMPARE(saved.count(), 1);
        QCOMPARE(fileBytes(target), QByteArray("the analyst's own edits\n"));

        // "Yes" replaces it, atomically, with the exact bytes (Ctrl+S saves the selected output).
        fx.prompts.overwrite = true;
        w.details()->outputsTable()->selectRow(0);
        const QString firstName = w.details()->outputsTable()->item(0, 0)->text();
        fx.prompts.saveTarget = fx.dir.filePath(QStringLiteral("saved/") + firstName);
        {
            QFile f(fx.prompts.saveTarget);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("old");
        }
        w.jobsView()->setFocus();
        QTest::keyClick(&w, Qt::Key_S, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 2, 10000);
        QCOMPARE(fx.prompts.overwriteAsked, 2);
        QCOMPARE(fileBytes(fx.prompts.saveTarget), fileBytes(QDir(job.outputDir).filePath(firstName)));
        QVERIFY(QDir(fx.dir.filePath(QStringLiteral("saved"))).entryList(QDir::Files).size() == 2); // no temp left

        // Save all copies every output into a folder.
        const QString all = fx.dir.filePath(QStringLiteral("all"));
        QDir().mkpath(all);
        fx.prompts.folderTarget = all;
        QTest::mouseClick(w.details()->findChild<QPushButton *>(QStringLiteral("saveAllButton")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 2 + int(job.outputs.size()), 10000);
        for (const jobs::JobOutput &o : job.outputs)
            QCOMPARE(fileBytes(QDir(all).filePath(o.name)), fileBytes(QDir(job.outputDir).filePath(o.name)));
    }

    void cancellingARunningJobStopsItQuickly()
    {
        AppFixture fx;
        // A readings file big enough to keep a worker busy for a while.
        const QString input = fx.dir.filePath(QStringLiteral("big_readings.csv"));
        {
            QFile f(input);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QByteArray chunk;
            chunk.reserve(64 << 20);
            chunk += "Station_ID,Date_Time,PCode,Result\n";
            for (int i = 0; i < 2'000'000; ++i) {
                chunk += i % 2 ? "CT,2021-" : "TUS,2021-";
                const int day = i % 300;
                chunk += QByteArray::number(1 + day / 28).rightJustified(2, '0');
                chunk += '-';
                chunk += QByteArray::number(1 + day % 28).rightJustified(2, '0');
                chunk += " 00:00:00,Data ";
                chunk += QByteArray::number(1 + i % 24);
                chunk += ',';
                chunk += QByteArray::number(i % 997);
                chunk += ".5\n";
            }
            f.write(chunk);
        }
        app::MainWindow &w = fx.open();
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        dropFiles(&w, {input});
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(w, QStringLiteral("big_readings.csv")), int(JobState::Running), 60000);
        if (!finished.isEmpty())
            QSKIP("the job finished before it could be cancelled");
        w.selectJob(idOf(w, QStringLiteral("big_readings.csv")));
        QElapsedTimer t;
        qint64 ms = -1;
        connect(&w, &app::MainWindow::jobFinished, this, [&] {
            if (ms < 0)
                ms = t.elapsed();
        });
        t.start();
        w.findChild<QAction *>(QStringLiteral("actionCancel"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        qInfo("cancel took %lld ms", ms);
        QCOMPARE(finished.at(0).at(1).value<JobState>(), JobState::Cancelled);
        // It stopped promptly (the time is printed above). The bound leaves room for a loaded CI
        // machine (276 ms was seen with three builds running); a cancel that waited for the
        // 2 M-row job to end would take seconds and end Succeeded.
        QVERIFY2(ms <= 1000, qPrintable(QStringLiteral("cancelling took %1 ms").arg(ms)));
        QCOMPARE(stateOf(w, QStringLiteral("big_readings.csv")), int(JobState::Cancelled));
        QCOMPARE(w.jobModel()->rowCount(), 1); // still listed

        // F5 runs it again.
        w.jobsView()->setFocus();
        QTest::keyClick(w.jobsView(), Qt::Key_F5);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kJobTimeout);
        QCOMPARE(finished.at(1).at(1).value<JobState>(), JobState::Succeeded);
    }

    void cancellingWhileHashingStopsTheIntake()
    {
        AppFixture fx;
        const QString input = fx.dir.filePath(QStringLiteral("large.csv"));
        {
            QFile f(input);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("a,b\n");
            const QByteArray block(8 << 20, 'x');
            for (int i = 0; i < 40; ++i) // 320 MB: hashing takes a noticeable moment
                f.write(block);
        }
        app::MainWindow &w = fx.open();
        dropFiles(&w, {input});
        QTRY_VERIFY(w.intake()->isBusy());
        auto *cancel = w.findChild<QPushButton *>(QStringLiteral("intakeCancelButton"));
        QTRY_VERIFY(cancel->isVisible());
        QTest::mouseClick(cancel, Qt::LeftButton);
        QVERIFY(!w.intake()->isBusy());
        QVERIFY(!cancel->isVisible());
        QTest::qWait(300);
        QCOMPARE(w.jobModel()->rowCount(), 0);
        QVERIFY(fx.prompts.errors.isEmpty());
    }

    void jobsSurviveARestart()
    {
        AppFixture fx;
        qint64 id = 0;
        QList<jobs::JobOutput> outputs;
        {
            app::MainWindow &w = fx.open();
            QSignalSpy finished(&w, &app::MainWindow::jobFinished);
            dropFiles(&w, {seedPath(QStringLiteral("raw_data.xlsx"))});
            QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
            id = w.jobModel()->jobAt(0).id;
            outputs = w.jobModel()->jobAt(0).outputs;
        }
        fx.window.reset();
        app::MainWindow &w = fx.open();
        QCOMPARE(w.jobModel()->rowCount(), 1);
        const jobs::JobRecord *job = w.jobModel()->job(id);
        QVERIFY(job);
        QCOMPARE(job->state, JobState::Succeeded);
        QCOMPARE(job->datasetType, QStringLiteral("station_readings"));
        QCOMPARE(job->sheet, QStringLiteral("Raw Data"));
        QCOMPARE(job->outputs.size(), outputs.size());
        auto *stack = w.findChild<QStackedWidget *>(QStringLiteral("jobsStack"));
        QCOMPARE(stack->currentWidget()->objectName(), QStringLiteral("listPage"));
        QSignalSpy loaded(w.details(), &app::DetailTabs::dashboardLoadFinished);
        w.selectJob(id);
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 30000);
        QVERIFY(loaded.last().at(0).toBool());
    }

    void aJobLeftRunningByACrashShowsInterrupted()
    {
        AppFixture fx;
        qint64 id = 0;
        {
            // What a killed app leaves behind: a row still marked running.
            jobs::JobStore store(fx.storePath());
            QVERIFY(store.open().ok());
            jobs::JobRecord j = readingsJob(fx, QStringLiteral("Result"), QStringLiteral("crashed"));
            j.parametersJson = QStringLiteral(R"({"aggregation":"mean"})");
            id = *store.addJob(j);
            QVERIFY(store.setState(id, JobState::Running).ok());
        }
        app::MainWindow &w = fx.open();
        const jobs::JobRecord *job = w.jobModel()->job(id);
        QVERIFY(job);
        QCOMPARE(job->state, JobState::Interrupted);
        QCOMPARE(w.jobModel()->data(w.jobModel()->index(0, app::JobModel::StateColumn), Qt::DisplayRole).toString(),
                 QStringLiteral("Interrupted"));
        // Said in the message bar, which stays until dismissed (not a status-bar line that fades).
        QVERIFY2(w.noticeText().contains(u"interrupted"), qPrintable(w.noticeText()));

        // Re-run from the context-menu action (F5) brings it to a result.
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        w.selectJob(id);
        auto *rerun = w.findChild<QAction *>(QStringLiteral("actionRerun"));
        QVERIFY(rerun->isEnabled());
        rerun->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
        QCOMPARE(w.jobModel()->job(id)->state, JobState::Succeeded);
    }

    void aFailedJobShowsItsErrorInWords()
    {
        AppFixture fx;
        qint64 id = 0;
        {
            // A saved mapping naming a column the file does not have (e.g. the file was edited).
            jobs::JobStore store(fx.storePath());
            QVERIFY(store.open().ok());
            jobs::JobRecord j = readingsJob(fx, QStringLiteral("Reading"), QStringLiteral("failing"));
            j.state = JobState::Cancelled;
            id = *store.addJob(j);
        }
        app::MainWindow &w = fx.open();
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        w.selectJob(id);
        w.rerunJobs({id});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
        QCOMPARE(finished.at(0).at(1).value<JobState>(), JobState::Failed);
        const jobs::JobRecord *job = w.jobModel()->job(id);
        QVERIFY(!job->errorMessage.isEmpty());
        QVERIFY2(job->errorMessage.contains(u"Reading"), qPrintable(job->errorMessage));
        // The list's tooltip and the dashboard tab both say why.
        const int row = w.jobModel()->rowOf(id);
        QCOMPARE(w.jobModel()->data(w.jobModel()->index(row, app::JobModel::StateColumn), Qt::ToolTipRole).toString(),
                 job->errorMessage);
        auto *message = w.details()->findChild<QLabel *>(QStringLiteral("dashboardMessage"));
        QVERIFY(message->isVisible());
        QVERIFY(message->text().contains(job->errorMessage));
        // Still in the store after a restart, as failed.
        fx.window.reset();
        app::MainWindow &again = fx.open();
        QCOMPARE(again.jobModel()->job(id)->state, JobState::Failed);
    }

    void deleteKeyRemovesTheSelectedJobs()
    {
        AppFixture fx;
        {
            jobs::JobStore store(fx.storePath());
            QVERIFY(store.open().ok());
            for (int i = 0; i < 3; ++i) {
                jobs::JobRecord j;
                j.inputPath = QStringLiteral("/nowhere/f%1.csv").arg(i);
                j.fileName = QStringLiteral("f%1.csv").arg(i);
                j.sha256 = QStringLiteral("%1").arg(i).repeated(64);
                j.state = JobState::Failed;
                QVERIFY(store.addJob(j).ok());
            }
        }
        app::MainWindow &w = fx.open();
        QCOMPARE(w.jobModel()->rowCount(), 3);
        w.jobsView()->selectAll();
        w.jobsView()->selectionModel()->select(w.jobsView()->model()->index(0, 0),
                                               QItemSelectionModel::Deselect | QItemSelectionModel::Rows);
        w.activateWindow();
        w.jobsView()->setFocus();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        fx.prompts.removeAnswer = false;
        QTest::keyClick(w.jobsView(), Qt::Key_Delete);
        QCOMPARE(w.jobModel()->rowCount(), 3);
        fx.prompts.removeAnswer = true;
        QTest::keyClick(w.jobsView(), Qt::Key_Delete);
        QCOMPARE(w.jobModel()->rowCount(), 1);
        QCOMPARE(w.store().jobs()->size(), 1);
    }

    void settingsTakeEffect()
    {
        AppFixture fx;
        app::MainWindow &w = fx.open();
        app::SettingsDialog dlg(w.settings(), fx.prompts, &w);
        QCOMPARE(dlg.findChild<QSpinBox *>(QStringLiteral("concurrencySpin"))->value(),
                 app::AppSettings::defaultConcurrency());
        dlg.findChild<QSpinBox *>(QStringLiteral("concurrencySpin"))->setValue(3);
        auto *level = dlg.findChild<QComboBox *>(QStringLiteral("autoProceedCombo"));
        level->setCurrentIndex(level->findData(QStringLiteral("never")));
        fx.prompts.folderTarget = fx.dir.filePath(QStringLiteral("my outputs"));
        QTest::mouseClick(dlg.findChild<QPushButton *>(QStringLiteral("browseButton")), Qt::LeftButton);
        // The cloud page says what is true: nothing is configured, nothing leaves the computer.
        QVERIFY(dlg.findChild<QLabel *>(QStringLiteral("cloudLabel"))->text().contains(u"not configured"));
        dlg.accept();
        QCOMPARE(w.settings().concurrency(), 3);
        QCOMPARE(w.settings().autoProceedLevel(), QStringLiteral("never"));
        QCOMPARE(w.outputRoot(), fx.dir.filePath(QStringLiteral("my outputs")));

        // "Never" asks even for a file detection is sure about; outputs go to the chosen folder.
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        dropFiles(&w, {seedPath(QStringLiteral("synthetic_raw_data.csv"))});
        QTRY_VERIFY_WITH_TIMEOUT(w.intake()->dialog() && w.intake()->dialog()->isVisible(), 30000);
        QTest::mouseClick(w.intake()->dialog()->runButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
        QVERIFY(w.jobModel()->jobAt(0).outputDir.startsWith(fx.dir.filePath(QStringLiteral("my outputs/"))));
        QVERIFY(QFile::exists(QDir(w.jobModel()->jobAt(0).outputDir).filePath(QStringLiteral("dashboard.html"))));
    }

    void dashboardsCannotReachTheNetwork()
    {
        QVERIFY(app::LocalOnlyInterceptor::isAllowed(QUrl(QStringLiteral("file:///tmp/x/dashboard.html"))));
        QVERIFY(app::LocalOnlyInterceptor::isAllowed(QUrl(QStringLiteral("data:image/png;base64,AAAA"))));
        QVERIFY(!app::LocalOnlyInterceptor::isAllowed(QUrl(QStringLiteral("https://cdn.example.com/lib.js"))));
        QVERIFY(!app::LocalOnlyInterceptor::isAllowed(QUrl(QStringLiteral("http://127.0.0.1:8080/"))));

        // A page that tries to reach a server gets nothing: the server never sees a connection.
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        const QByteArray base = "http://127.0.0.1:" + QByteArray::number(server.serverPort());
        QTemporaryDir dir;
        const QString page = dir.filePath(QStringLiteral("dashboard.html"));
        {
            QFile f(page);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("<html><body><p>local</p><img src=\"" + base + "/track.png\">"
                    "<script src=\"" + base + "/x.js\"></script>"
                    "<script>fetch('" + base + "/beacon').catch(function(){});</script></body></html>");
        }
        app::DetailTabs tabs;
        tabs.show();
        const jobs::JobRecord job = finishedJobIn(dir.path());
        QSignalSpy loaded(&tabs, &app::DetailTabs::dashboardLoadFinished);
        tabs.showJob(&job);
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 30000);
        QTest::qWait(1000);
        QVERIFY(!server.hasPendingConnections());
        QVERIFY(!server.waitForNewConnection(200));
        QCOMPARE(innerText(tabs.dashboardView()).trimmed(), QStringLiteral("local"));
    }

    //! The dashboard's theme is on the page before the page's own scripts run (no flash of the
    //! other theme, charts drawn right the first time), and System leaves the page to the system.
    void dashboardThemeIsSetBeforeThePageRuns()
    {
        QTemporaryDir dir;
        {
            QFile f(dir.filePath(QStringLiteral("dashboard.html")));
            QVERIFY(f.open(QIODevice::WriteOnly));
            // What the page's first script sees, and what it sees after the page has loaded.
            f.write("<!DOCTYPE html><html><head><script>var atParse = "
                    "document.documentElement.getAttribute('data-theme') || 'none';</script></head>"
                    "<body>probe</body></html>");
        }
        app::DetailTabs tabs;
        tabs.show();
        const jobs::JobRecord job = finishedJobIn(dir.path());
        const auto load = [&] {
            QSignalSpy loaded(&tabs, &app::DetailTabs::dashboardLoadFinished);
            tabs.showJob(&job);
            if (!QTest::qWaitFor([&] { return !loaded.isEmpty(); }, 30000))
                return QStringLiteral("not loaded");
            return evalJs(tabs.dashboardView(), QStringLiteral("atParse")).toString();
        };
        const auto attribute = [&] {
            return evalJs(tabs.dashboardView(),
                          QStringLiteral("document.documentElement.getAttribute('data-theme') || 'none'"))
                .toString();
        };
        QCOMPARE(load(), QStringLiteral("none")); // default: the system decides
        tabs.setDashboardTheme(app::AppSettings::Theme::Dark);
        QTRY_COMPARE(attribute(), QStringLiteral("dark")); // the page on screen changes
        QCOMPARE(load(), QStringLiteral("dark"));           // a page loaded later has it from the start
        tabs.setDashboardTheme(app::AppSettings::Theme::Light);
        QTRY_COMPARE(attribute(), QStringLiteral("light"));
        QCOMPARE(load(), QStringLiteral("light"));
        QCOMPARE(attribute(), QStringLiteral("light"));
        tabs.setDashboardTheme(app::AppSettings::Theme::System);
        QTRY_COMPARE(attribute(), QStringLiteral("none"));
        QCOMPARE(load(), QStringLiteral("none"));
    }

    //! The theme setting reaches the real dashboard (page colours and chart lines), at start and
    //! when the analyst changes it in Settings while the dashboard is open.
    void dashboardFollowsTheThemeSetting()
    {
        AppFixture fx;
        app::AppSettings(fx.settings.get()).setTheme(app::AppSettings::Theme::Dark);
        app::MainWindow &w = fx.open();
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        QSignalSpy loaded(w.details(), &app::DetailTabs::dashboardLoadFinished);
        dropFiles(&w, {seedPath(QStringLiteral("fintech_sales.csv"))});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 30000);
        QWebEngineView *view = w.details()->dashboardView();
        // dashboard.css: --bg #0f141b / #f4f6f9, --series-1 #60a5fa / #2563eb (dark / light).
        const QString dark = QStringLiteral("dark | rgb(15, 20, 27) | rgb(96, 165, 250)");
        const QString light = QStringLiteral("light | rgb(244, 246, 249) | rgb(37, 99, 235)");
        QTRY_COMPARE_WITH_TIMEOUT(dashboardLook(view), dark, 10000);
        saveShot(&w, "dashboard-dark");

        chooseThemeInSettings(w, app::AppSettings::Theme::Light);
        QTRY_COMPARE_WITH_TIMEOUT(dashboardLook(view), light, 10000); // the chart was redrawn too
        chooseThemeInSettings(w, app::AppSettings::Theme::Dark);
        QTRY_COMPARE_WITH_TIMEOUT(dashboardLook(view), dark, 10000);
        // Following the system, the dashboard takes the app's palette (light on this display).
        chooseThemeInSettings(w, app::AppSettings::Theme::System);
        const bool appIsDark = QApplication::palette().color(QPalette::Window).lightness() < 128;
        QTRY_COMPARE_WITH_TIMEOUT(dashboardLook(view), appIsDark ? dark : light, 10000);
        app::applyTheme(app::AppSettings::Theme::System); // Settings changed the test's palette
    }

    void severalFilesAtOnceAndCtrlO()
    {
        AppFixture fx;
        app::MainWindow &w = fx.open();
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        dropFiles(&w, {seedPath(QStringLiteral("raw_data.xlsx")), seedPath(QStringLiteral("fintech_sales.csv"))});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kJobTimeout);
        QCOMPARE(stateOf(w, QStringLiteral("raw_data.xlsx")), int(JobState::Succeeded));
        QCOMPARE(stateOf(w, QStringLiteral("fintech_sales.csv")), int(JobState::Succeeded));
        QCOMPARE(w.jobModel()->job(idOf(w, QStringLiteral("fintech_sales.csv")))->datasetType,
                 QStringLiteral("sales_orders"));

        // Ctrl+O asks for files (through the injected prompts) and takes them in.
        fx.prompts.filesToOpen = {seedPath(QStringLiteral("ct_analysis_template.xlsx"))};
        w.activateWindow();
        w.jobsView()->setFocus();
        QTest::keyClick(&w, Qt::Key_O, Qt::ControlModifier);
        QCOMPARE(fx.prompts.openAsked, 1);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, kJobTimeout);
        QCOMPARE(stateOf(w, QStringLiteral("ct_analysis_template.xlsx")), int(JobState::Succeeded));
        // Recent files remember what was opened, newest first.
        QCOMPARE(w.settings().recentFiles().first(), seedPath(QStringLiteral("ct_analysis_template.xlsx")));
    }

    void jobListColumnsFitANarrowWindow()
    {
        AppFixture fx;
        app::MainWindow &w = fx.open();
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        dropFiles(&w, {seedPath(QStringLiteral("synthetic_raw_data.csv"))});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
        QTableView *v = w.jobsView();
        QHeaderView *h = v->horizontalHeader();
        const auto columnsTake = [&] {
            int sum = 0;
            for (int c = 0; c < app::JobModel::ColumnCount; ++c)
                sum += v->columnWidth(c);
            return sum;
        };

        // Started reads to the minute, in the analyst's format (seconds would take room for nothing).
        const QString started = app::JobModel::startedText(QDateTime(QDate(2026, 12, 30), QTime(23, 59, 58)));
        QVERIFY2(started.contains(QStringLiteral("23:59")) || started.contains(QStringLiteral("11:59")), qPrintable(started));
        QVERIFY2(!started.contains(QStringLiteral("59:58")), qPrintable(started));

        // Wide: the designed widths, the file name stretching over the rest.
        w.resize(1600, 1000);
        QTRY_COMPARE(v->columnWidth(app::JobModel::TypeColumn), 170);
        QCOMPARE(v->columnWidth(app::JobModel::StateColumn), 150);

        // An 800 x 600 screen: every column on screen (no sideways scrolling), the file name whole
        // and at least a quarter of the row, the confidence badge and the state whole.
        w.resize(800, 600);
        QTRY_VERIFY(v->viewport()->width() < 800);
        QTRY_COMPARE(v->horizontalScrollBar()->maximum(), 0);
        QVERIFY2(columnsTake() <= v->viewport()->width(), qPrintable(QString::number(columnsTake())));
        const int file = v->columnWidth(app::JobModel::FileColumn);
        QVERIFY2(file >= v->viewport()->width() / 4 - 1, qPrintable(QString::number(file)));
        QVERIFY(file >= v->fontMetrics().horizontalAdvance(QStringLiteral("synthetic_raw_data.csv")));
        QVERIFY(v->columnWidth(app::JobModel::ConfidenceColumn)
                >= v->fontMetrics().horizontalAdvance(QStringLiteral("99% · high")) + 28);
        QVERIFY(v->columnWidth(app::JobModel::StateColumn) >= v->fontMetrics().horizontalAdvance(QStringLiteral("Succeeded")));
        QVERIFY(v->columnWidth(app::JobModel::TypeColumn) < 170);
        // Cells a narrow window cuts short have the whole text in their tooltips.
        const QModelIndex row = v->model()->index(0, 0);
        QCOMPARE(row.siblingAtColumn(app::JobModel::TypeColumn).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("Station readings"));
        QCOMPARE(row.siblingAtColumn(app::JobModel::WhereColumn).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("Runs on this computer"));
        QVERIFY(!row.siblingAtColumn(app::JobModel::StartedColumn).data(Qt::ToolTipRole).toString().isEmpty());
        saveShot(&w, "joblist-800");

        // The Data tab on that screen: every figure and header of a result table reads whole.
        dropFiles(&w, {seedPath(QStringLiteral("fintech_sales.csv"))});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kJobTimeout);
        w.selectJob(idOf(w, QStringLiteral("fintech_sales.csv")));
        w.details()->setCurrentIndex(app::DetailTabs::DataTab);
        QComboBox *tables = w.details()->tableCombo();
        QTRY_VERIFY(tables->findText(QStringLiteral("average_order_value.csv")) >= 0);
        tables->setCurrentIndex(tables->findText(QStringLiteral("average_order_value.csv")));
        QTableView *data = w.details()->dataView();
        QAbstractItemModel *m = data->model();
        QTRY_VERIFY_WITH_TIMEOUT(m->rowCount() > 0 && m->headerData(0, Qt::Horizontal).toString() == u"Currency", 10000);
        for (int c = 0; c < m->columnCount(); ++c) {
            const QString header = m->headerData(c, Qt::Horizontal).toString();
            const QString cell = m->index(0, c).data().toString();
            const int need = std::max(data->fontMetrics().horizontalAdvance(header),
                                      data->fontMetrics().horizontalAdvance(cell));
            QVERIFY2(data->columnWidth(c) >= need, qPrintable(header + QStringLiteral(": ") + cell));
        }
        // One row draws no line: the chart says so instead of showing empty axes.
        QTRY_VERIFY(data->model()->rowCount() == 1
                    && w.details()->dataChart()->chart()->title().contains(QStringLiteral("a chart needs two or more")));
        QVERIFY(w.details()->dataChart()->chart()->series().isEmpty());
        saveShot(&w, "data-800");

        // Details: the input's path and SHA-256 wrap inside the view instead of scrolling sideways.
        w.details()->setCurrentIndex(app::DetailTabs::DetailsTab);
        auto *details = w.details()->findChild<QTextBrowser *>(QStringLiteral("detailsText"));
        QVERIFY(details);
        QTRY_VERIFY(details->toPlainText().contains(QStringLiteral("SHA-256")));
        QTRY_COMPARE(details->horizontalScrollBar()->maximum(), 0);
        saveShot(&w, "details-800");

        // A width the analyst drags a column to is kept when the window grows again.
        w.resize(1600, 1000);
        QTRY_COMPARE(v->columnWidth(app::JobModel::TypeColumn), 170);
        h->resizeSection(app::JobModel::TypeColumn, 230);
        w.resize(1500, 1000);
        QTRY_VERIFY(v->viewport()->width() < 1500);
        QCOMPARE(v->columnWidth(app::JobModel::TypeColumn), 230);
    }
};

int main(int argc, char *argv[])
{
    finpipe::test::prepareGuiTestProcess();
    QApplication app(argc, argv);
    finpipeInitAppResources();
    TestMainWindow t;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&t, argc, argv);
}

#include "tst_mainwindow.moc"
