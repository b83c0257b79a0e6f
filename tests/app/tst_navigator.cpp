// The navigator before the run (sheet picker, preview, options) and the window around it (empty
// state, sample, Open Recent, job list, layout at 1024 x 700, keyboard and accessible names).

#include "apptestutil.h"
#include "layoutcheck.h"
#include "core/notesworkbook.h"
#include "testutil.h"

#include "detailtabs.h"
#include "icons.h"
#include "detectiondialog.h"
#include "intake.h"
#include "jobmodel.h"
#include "mappingjson.h"
#include "screenfit.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractScrollArea>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QToolBar>
#include <QToolButton>

using namespace finpipe;
using namespace finpipe::test;
using finpipe::jobs::JobState;

namespace {

constexpr int kJobTimeout = 60000;

app::DetectionDialog *waitForDialog(app::MainWindow &w)
{
    if (!QTest::qWaitFor([&] { return w.intake()->dialog() && w.intake()->dialog()->isVisible(); }, 30000))
        return nullptr;
    return w.intake()->dialog();
}

//! The preview's header for a column ("order_id\ntext · order ID").
QString previewHeader(app::DetectionDialog *d, const QString &column)
{
    QTableWidget *t = d->previewTable();
    for (int c = 0; c < t->columnCount(); ++c)
        if (QTableWidgetItem *h = t->horizontalHeaderItem(c); h && h->text().section(QLatin1Char('\n'), 0, 0) == column)
            return h->text();
    return {};
}

bool previewHeaderBold(app::DetectionDialog *d, const QString &column)
{
    QTableWidget *t = d->previewTable();
    for (int c = 0; c < t->columnCount(); ++c)
        if (QTableWidgetItem *h = t->horizontalHeaderItem(c); h && h->text().section(QLatin1Char('\n'), 0, 0) == column)
            return h->font().bold();
    return false;
}

} // namespace

//! Stands in for the desktop: file URLs handed to QDesktopServices arrive here.
class UrlCatcher : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> urls;
public Q_SLOTS:
    void open(const QUrl &url) { urls.append(url); }
};

class TestNavigator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sheetPickerAndPreview()
    {
        AppFixture fx;
        const QString book = fx.dir.filePath(QStringLiteral("q3 review.xlsx"));
        QVERIFY(writeNotesAndSalesWorkbook(book));
        app::MainWindow &w = fx.open();
        w.reviewPaths({book});
        app::DetectionDialog *d = waitForDialog(w);
        QVERIFY(d);

        // The workbook's sheets, detection's pick and why.
        QCOMPARE(d->sheet(), QStringLiteral("Q3 sales"));
        QComboBox *sheets = d->sheetCombo();
        QVERIFY(sheets->isVisible());
        QCOMPARE(sheets->count(), 3);
        QCOMPARE(sheets->currentData().toString(), QStringLiteral("Q3 sales"));
        QVERIFY2(sheets->itemText(1).contains(QStringLiteral("Q3 sales — 120 rows × 10 columns · Sales orders")),
                 qPrintable(sheets->itemText(1)));
        QVERIFY(sheets->itemText(0).contains(QStringLiteral("no known type")));
        QVERIFY(sheets->itemText(2).contains(QStringLiteral("cannot be read")));
        auto *reason = d->findChild<QLabel *>(QStringLiteral("sheetReasonLabel"));
        QVERIFY(reason->text().contains(QStringLiteral("\"Q3 sales\" holds a Sales orders table")));

        // The preview: the first 50 rows as read, each column's type and role, the mapped ones marked.
        QTableWidget *preview = d->previewTable();
        QCOMPARE(preview->rowCount(), 50);
        QCOMPARE(preview->columnCount(), kQ3SalesColumns);
        QCOMPARE(preview->item(0, 0)->text(), QStringLiteral("ORD100001"));
        QCOMPARE(preview->item(49, 0)->text(), QStringLiteral("ORD100050"));
        QCOMPARE(previewHeader(d, QStringLiteral("order_id")), QStringLiteral("order_id\ntext · order ID")); // the role in words
        QVERIFY(previewHeader(d, QStringLiteral("revenue")).startsWith(QStringLiteral("revenue\ndecimal · ")));
        QVERIFY(previewHeaderBold(d, QStringLiteral("order_id")));
        for (int c = 0; c < preview->columnCount(); ++c) // no header cut short
            QVERIFY2(preview->columnWidth(c) >= preview->horizontalHeader()->sectionSizeHint(c),
                     qPrintable(preview->horizontalHeaderItem(c)->text()));

        // Changing the mapping updates the preview and says the choice is the analyst's.
        const QString regionColumn = d->roleColumn(QStringLiteral("region"));
        QCOMPARE(regionColumn, QStringLiteral("region"));
        QVERIFY(d->setRoleColumn(QStringLiteral("region"), QString()));
        QCOMPARE(previewHeader(d, QStringLiteral("region")), QStringLiteral("region\ntext · not used"));
        QVERIFY(!previewHeaderBold(d, QStringLiteral("region")));
        QVERIFY(d->setRoleColumn(QStringLiteral("region"), QStringLiteral("channel")));
        QCOMPARE(previewHeader(d, QStringLiteral("channel")).section(QLatin1Char('\n'), 1),
                 QStringLiteral("text · region, channel"));
        QCOMPARE(d->checkText(QStringLiteral("region")), QStringLiteral("⚠ \"channel\" is used for another role too"));
        QVERIFY(d->setRoleColumn(QStringLiteral("channel"), QString()));
        QCOMPARE(d->checkText(QStringLiteral("region")), QStringLiteral("✓ set by you"));
        QCOMPARE(d->checkText(QStringLiteral("order_id")), QStringLiteral("✓"));
        QVERIFY(d->summaryText().contains(QStringLiteral("Column mapping set by you.")));
        QVERIFY(d->setRoleColumn(QStringLiteral("region"), QStringLiteral("region")));
        QVERIFY(d->setRoleColumn(QStringLiteral("channel"), QStringLiteral("channel")));
        QVERIFY(!d->summaryText().contains(QStringLiteral("set by you")));

        // One percentage everywhere: the heading and the type's bar say the same number.
        const int percent = app::DetectionDialog::shownPercent(d->detection(), QStringLiteral("sales_orders"));
        QVERIFY(d->summaryText().contains(QStringLiteral("%1% confident").arg(percent)));
        QProgressBar *bar = nullptr;
        for (QProgressBar *b : d->findChildren<QProgressBar *>())
            if (b->accessibleName() == QStringLiteral("Sales orders confidence"))
                bar = b;
        QVERIFY(bar);
        QCOMPARE(bar->text(), QStringLiteral("%1%").arg(percent));

        // The heading follows the type the analyst picks.
        QVERIFY(d->setType(QStringLiteral("generic_table")));
        QVERIFY2(d->summaryText().contains(QStringLiteral("as <b>Generic table</b>, set by you")), qPrintable(d->summaryText()));
        QVERIFY(d->setType(QStringLiteral("sales_orders")));

        // Another sheet: detection runs again on it, the preview follows.
        QSignalSpy redetected(d, &app::DetectionDialog::redetected);
        QVERIFY(d->setSheet(QStringLiteral("Notes")));
        QTRY_COMPARE_WITH_TIMEOUT(redetected.count(), 1, 20000);
        QCOMPARE(redetected.at(0).at(0).toString(), QString());
        QCOMPARE(d->sheet(), QStringLiteral("Notes"));
        QCOMPARE(d->type(), QStringLiteral("generic_table"));
        QCOMPARE(d->previewTable()->columnCount(), 1);
        QVERIFY(reason->text().contains(QStringLiteral("Sheet chosen by you")));
        // A sheet that cannot be read says why and keeps the one shown.
        QVERIFY(d->setSheet(QStringLiteral("Empty")));
        QTRY_COMPARE_WITH_TIMEOUT(redetected.count(), 2, 20000);
        QVERIFY(!redetected.at(1).at(0).toString().isEmpty());
        QCOMPARE(d->sheet(), QStringLiteral("Notes"));
        QVERIFY(reason->text().contains(QStringLiteral("cannot be read")));
        QVERIFY(d->setSheet(QStringLiteral("Q3 sales")));
        QTRY_COMPARE_WITH_TIMEOUT(redetected.count(), 3, 20000);
        QCOMPARE(d->type(), QStringLiteral("sales_orders"));
        QCOMPARE(d->previewTable()->columnCount(), kQ3SalesColumns);

        // The run reads the sheet chosen in the dialog.
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        QVERIFY(d->setSheet(QStringLiteral("Notes")));
        QTRY_COMPARE_WITH_TIMEOUT(redetected.count(), 4, 20000);
        QVERIFY(d->runButton()->isEnabled());
        QTest::mouseClick(d->runButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
        const jobs::JobRecord job = w.jobModel()->jobAt(0);
        QCOMPARE(job.state, JobState::Succeeded);
        QCOMPARE(job.sheet, QStringLiteral("Notes"));
        QCOMPARE(job.datasetType, QStringLiteral("generic_table"));
    }

    //! On a small screen (a 1366 x 768 laptop at 150 %: about 910 x 510 points; an 800 x 600
    //! display) the dialog shrinks to the screen, its tables scrolling, so Run analysis stays in
    //! reach, whatever the file is called.
    void theDialogFitsASmallScreen()
    {
        AppFixture fx;
        const QString book = fx.dir.filePath(
            QStringLiteral("Quarterly sales review for the finance committee, third quarter (final, approved).xlsx"));
        QVERIFY(writeNotesAndSalesWorkbook(book));
        app::MainWindow &w = fx.open();
        w.reviewPaths({book});
        app::DetectionDialog *d = waitForDialog(w);
        QVERIFY(d);
        for (int page = 0; page < d->findChild<QTabWidget *>()->count(); ++page) {
            d->findChild<QTabWidget *>()->setCurrentIndex(page);
            const QSize least = d->minimumSizeHint();
            QVERIFY2(least.width() <= 760 && least.height() <= 500,
                     qPrintable(QStringLiteral("page %1 needs at least %2 x %3").arg(page).arg(least.width()).arg(least.height())));
        }
        // At the size an 800 x 600 screen leaves it, Run analysis and Cancel are in the dialog.
        const QSize designed = d->size();
        d->resize(760, 500);
        QTest::qWait(50);
        for (QAbstractButton *b : d->findChild<QDialogButtonBox *>()->buttons())
            QVERIFY2(d->rect().contains(QRect(b->mapTo(d, QPoint(0, 0)), b->size())), qPrintable(b->text()));
        d->resize(designed);
        // On this screen (the offscreen platform's is 800 x 800) the dialog is no bigger than the
        // screen's room; Qt places it over its parent.
        const QRect room = d->screen()->availableGeometry();
        QVERIFY2(d->frameGeometry().width() <= room.width() && d->frameGeometry().height() <= room.height(),
                 qPrintable(QStringLiteral("%1 x %2 on %3 x %4").arg(d->frameGeometry().width()).arg(d->frameGeometry().height())
                                .arg(room.width()).arg(room.height())));
        d->reject();

        // fitToScreen: a window bigger than the screen is shrunk to 95 % of its room and centred.
        QWidget big;
        big.resize(room.size() * 2);
        app::fitToScreen(&big, true);
        QVERIFY(big.width() <= room.width() * 0.95 + 1 && big.height() <= room.height() * 0.95 + 1);
        QVERIFY(big.width() >= room.width() * 0.95 - 1);
        QVERIFY(room.contains(big.geometry()));
        QVERIFY(qAbs(big.geometry().center().x() - room.center().x()) <= 1);
    }

    void aWorkbookRunsFromTheSheetDetectionPicks()
    {
        AppFixture fx;
        const QString book = fx.dir.filePath(QStringLiteral("q3.xlsx"));
        QVERIFY(writeNotesAndSalesWorkbook(book));
        app::MainWindow &w = fx.open();
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        w.openPaths({book});
        // Sure or not, the job reads "Q3 sales" and is a sales job.
        if (app::DetectionDialog *d = waitForDialog(w)) {
            QCOMPARE(d->sheet(), QStringLiteral("Q3 sales"));
            QTest::mouseClick(d->runButton(), Qt::LeftButton);
        }
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
        const jobs::JobRecord job = w.jobModel()->jobAt(0);
        QCOMPARE(job.sheet, QStringLiteral("Q3 sales"));
        QCOMPARE(job.datasetType, QStringLiteral("sales_orders"));
        QCOMPARE(job.state, JobState::Succeeded);
    }

    void reviewBeforeRunSetsTheOptionsOfTheFirstRun()
    {
        AppFixture fx;
        app::MainWindow &w = fx.open();
        QVERIFY(!w.settings().reviewBeforeRun()); // off by default
        w.settings().setReviewBeforeRun(true);
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        // Detection is sure about this file; with the setting on, the dialog opens all the same.
        dropFiles(&w, {seedPath(QStringLiteral("synthetic_raw_data.csv"))});
        app::DetectionDialog *d = waitForDialog(w);
        QVERIFY(d);
        QCOMPARE(w.jobModel()->rowCount(), 0);
        auto *agg = d->findChild<QComboBox *>(QStringLiteral("aggregationCombo"));
        agg->setCurrentIndex(agg->findText(QStringLiteral("max")));
        d->findChild<QCheckBox *>(QStringLiteral("onlyValidatedCheck"))->setChecked(true);
        QTest::mouseClick(d->runButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
        QCOMPARE(w.jobModel()->rowCount(), 1);
        jobs::JobRecord job = w.jobModel()->jobAt(0);
        analysis::Parameters p = app::parametersFromJson(job.parametersJson);
        QCOMPARE(p.aggregation, analysis::Aggregation::Max);
        QVERIFY(p.onlyValidated);
        // Detection's own mapping: the job list shows its confidence, not "set by you".
        QVERIFY(!w.jobModel()->index(0, app::JobModel::ConfidenceColumn).data().toString().contains(u"set by you"));

        // Re-run with changes starts from the job's own options and stays one row.
        w.fixMapping(job.id);
        d = waitForDialog(w);
        QVERIFY(d);
        agg = d->findChild<QComboBox *>(QStringLiteral("aggregationCombo"));
        QCOMPARE(agg->currentText(), QStringLiteral("max"));
        QVERIFY(d->findChild<QCheckBox *>(QStringLiteral("onlyValidatedCheck"))->isChecked());
        QVERIFY(!d->findChild<QCheckBox *>(QStringLiteral("rememberCheck"))->isChecked());
        agg->setCurrentIndex(agg->findText(QStringLiteral("median")));
        QTest::mouseClick(d->runButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kJobTimeout);
        QCOMPARE(w.jobModel()->rowCount(), 1);
        job = w.jobModel()->jobAt(0);
        QCOMPARE(job.runCount, 2);
        QCOMPARE(app::parametersFromJson(job.parametersJson).aggregation, analysis::Aggregation::Median);
    }

    void aMappingTheAnalystChoseIsShownAsTheirs()
    {
        AppFixture fx;
        app::MainWindow &w = fx.open();
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        w.reviewPaths({seedPath(QStringLiteral("synthetic_raw_data.csv"))});
        app::DetectionDialog *d = waitForDialog(w);
        QVERIFY(d);
        QVERIFY(d->setType(QStringLiteral("generic_table")));
        QTest::mouseClick(d->runButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
        const QModelIndex confidence = w.jobModel()->index(0, app::JobModel::ConfidenceColumn);
        QCOMPARE(confidence.data().toString(), QStringLiteral("set by you"));
        QVERIFY(!confidence.data(app::JobModel::LevelRole).isValid()); // no red "very low" badge
    }

    void openRecentWorksOnTheFirstRun()
    {
        AppFixture fx;
        app::MainWindow &w = fx.open();
        QVERIFY(!w.recentMenu()->isEnabled());
        fx.prompts.duplicateChoice = app::Prompts::DuplicateChoice::Cancel;
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        const QString file = seedPath(QStringLiteral("synthetic_raw_data.csv"));
        w.openPaths({file});
        // At once, in the same session: no restart needed.
        QVERIFY(w.recentMenu()->isEnabled());
        QCOMPARE(w.recentMenu()->actions().size(), 1);
        QCOMPARE(w.recentMenu()->actions().first()->text(), QDir::toNativeSeparators(file));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
        // Choosing it opens the file again (the duplicate question proves it arrived).
        w.recentMenu()->actions().first()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(fx.prompts.duplicateAsked, 1, 20000);
    }

    void emptyWindowSampleAndRestart()
    {
        AppFixture fx;
        qint64 id = 0;
        {
            app::MainWindow &w = fx.open();
            // Empty: the whole window is the drop target and says what to do.
            auto *stack = w.findChild<QStackedWidget *>(QStringLiteral("jobsStack"));
            QCOMPARE(stack->currentWidget()->objectName(), QStringLiteral("emptyPage"));
            QVERIFY(!w.findChild<QWidget *>(QStringLiteral("detailsHost"))->isVisible());
            QVERIFY(w.findChild<QLabel *>(QStringLiteral("emptyLabel"))->text().contains(u"Drop CSV or Excel files"));
            QVERIFY(w.acceptDrops());
            auto *sample = w.findChild<QPushButton *>(QStringLiteral("emptySampleButton"));
            QVERIFY(sample && sample->isVisible());
            QSignalSpy finished(&w, &app::MainWindow::jobFinished);
            QTest::mouseClick(sample, Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
            QCOMPARE(w.jobModel()->rowCount(), 1);
            const jobs::JobRecord job = w.jobModel()->jobAt(0);
            QCOMPARE(job.fileName, QStringLiteral("station_readings.csv"));
            QCOMPARE(job.datasetType, QStringLiteral("station_readings"));
            QCOMPARE(job.state, JobState::Succeeded);
            QVERIFY(w.findChild<QWidget *>(QStringLiteral("detailsHost"))->isVisible());
            id = job.id;
            // A second, older-looking selection does not matter: the latest job is selected on restart.
            w.jobsView()->clearSelection();
            QCOMPARE(w.currentJobId(), 0);
        }
        app::MainWindow &again = fx.open();
        QCOMPARE(again.currentJobId(), id);
        QCOMPARE(again.details()->jobId(), id);
    }

    void jobListCollapsesAndKeepsItsSize()
    {
        AppFixture fx;
        {
            app::MainWindow &w = fx.open();
            QSignalSpy finished(&w, &app::MainWindow::jobFinished);
            w.openSample();
            QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
            auto *split = w.findChild<QSplitter *>(QStringLiteral("splitter"));
            const int total = split->sizes().value(0) + split->sizes().value(1);
            split->setSizes({137, total - 137});
            QCOMPARE(split->sizes().value(0), 137);
            w.close();
        }
        {
            app::MainWindow &w = fx.open();
            auto *split = w.findChild<QSplitter *>(QStringLiteral("splitter"));
            QCOMPARE(split->sizes().value(0), 137);
            // View → Show the Job List collapses it and brings it back; the collapsed state is kept too.
            auto *toggle = w.findChild<QAction *>(QStringLiteral("actionShowJobList"));
            QVERIFY(toggle->isChecked());
            toggle->trigger();
            QCOMPARE(split->sizes().value(0), 0);
            QVERIFY(w.findChild<QWidget *>(QStringLiteral("detailsHost"))->isVisible());
            w.close();
        }
        app::MainWindow &w = fx.open();
        auto *split = w.findChild<QSplitter *>(QStringLiteral("splitter"));
        QCOMPARE(split->sizes().value(0), 0);
        auto *toggle = w.findChild<QAction *>(QStringLiteral("actionShowJobList"));
        QVERIFY(!toggle->isChecked());
        toggle->trigger();
        QVERIFY(split->sizes().value(0) > 0);
    }

    void saveSaysWhatItSavesAndNamesTheSource()
    {
        AppFixture fx;
        app::MainWindow &w = fx.open();
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        dropFiles(&w, {seedPath(QStringLiteral("synthetic_raw_data.csv"))});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
        QAction *save = w.saveOutputAction();
        w.details()->setCurrentIndex(app::DetailTabs::DashboardTab);
        QCOMPARE(save->text(), QStringLiteral("&Save an Output…"));

        // Outside the Outputs tab, Ctrl+S asks which output; the name offered carries the source's.
        QSignalSpy saved(&w, &app::MainWindow::outputSaved);
        const QString dir = fx.dir.filePath(QStringLiteral("saved"));
        QDir().mkpath(dir);
        fx.prompts.chooseAnswer = -1;
        save->trigger();
        QVERIFY(fx.prompts.lastChoiceItems.contains(QStringLiteral("CT_Analysis.csv")));
        QCOMPARE(saved.count(), 0);
        QCOMPARE(w.suggestedSaveName(QStringLiteral("/x/CT_Analysis.csv")),
                 QStringLiteral("synthetic_raw_data - CT_Analysis.csv"));

        // In the Outputs tab the selected output is saved, and the action names it.
        w.details()->setCurrentIndex(app::DetailTabs::OutputsTab);
        QTableWidget *outputs = w.details()->outputsTable();
        int row = -1;
        for (int r = 0; r < outputs->rowCount(); ++r)
            if (outputs->item(r, 0)->text() == QStringLiteral("CT_Analysis.csv"))
                row = r;
        QVERIFY(row >= 0);
        outputs->selectRow(row);
        QCOMPARE(save->text(), QStringLiteral("&Save \"CT_Analysis.csv\"…"));
        // Each output says what it is, and the hash column is narrow (the full hash in its tooltip).
        QCOMPARE(outputs->item(row, 1)->text(), QStringLiteral("Station CT: one row per day, one column per parameter"));
        for (int r = 0; r < outputs->rowCount(); ++r)
            QVERIFY(!outputs->item(r, 1)->text().isEmpty());
        QVERIFY(outputs->columnWidth(3) < outputs->columnWidth(1));
        QCOMPARE(outputs->item(row, 3)->toolTip().size(), 64);
        // Open (and Enter or a double-click on the row) hands the file to the system's application.
        UrlCatcher desktop;
        QDesktopServices::setUrlHandler(QStringLiteral("file"), &desktop, "open");
        auto *open = w.details()->findChild<QPushButton *>(QStringLiteral("open_CT_Analysis.csv"));
        QVERIFY(open);
        QTest::mouseClick(open, Qt::LeftButton);
        QCOMPARE(desktop.urls.size(), 1);
        QCOMPARE(desktop.urls.first().toLocalFile(),
                 QDir(w.jobModel()->jobAt(0).outputDir).filePath(QStringLiteral("CT_Analysis.csv")));
        Q_EMIT outputs->itemActivated(outputs->item(row, 0));
        QCOMPARE(desktop.urls.size(), 2);
        QDesktopServices::unsetUrlHandler(QStringLiteral("file"));
    }

    void layoutFitsAt1024x700()
    {
        AppFixture fx;
        app::MainWindow &w = fx.open();
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        w.resize(1024, 700);
        // Empty window first.
        QTest::qWait(50);
        QStringList problems = clipped(&w);
        QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("empty window: ") + problems.join(u"\n")));
        w.openSample();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
        QCOMPARE(w.size(), QSize(1024, 700));
        QWidget *quality = w.details()->widget(app::DetailTabs::QualityTab); // the other helper's tab
        for (int tab = 0; tab < w.details()->count(); ++tab) {
            if (tab == app::DetailTabs::QualityTab)
                continue;
            w.details()->setCurrentIndex(tab);
            QTest::qWait(50);
            problems = clipped(&w, quality);
            QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("tab %1: ").arg(tab) + problems.join(u"\n")));
        }

        // The detection dialog fits in the same screen and clips nothing, on every page.
        w.reviewPaths({seedPath(QStringLiteral("synthetic_raw_data.csv"))});
        app::DetectionDialog *d = waitForDialog(w);
        QVERIFY(d);
        QVERIFY2(d->width() <= 1024 && d->height() <= 700,
                 qPrintable(QStringLiteral("%1x%2").arg(d->width()).arg(d->height())));
        QVERIFY(d->minimumSizeHint().width() <= 1024 && d->minimumSizeHint().height() <= 700);
        for (int page = 0; page < d->pages()->count(); ++page) {
            d->pages()->setCurrentIndex(page);
            QTest::qWait(50);
            problems = clipped(d);
            QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("dialog page %1: ").arg(page) + problems.join(u"\n")));
        }
        d->reject();
    }

    void everyControlHasANameAndTheKeyboardReachesIt()
    {
        AppFixture fx;
        app::MainWindow &w = fx.open();
        QStringList unnamed = unnamedFocusable(&w);
        QVERIFY2(unnamed.isEmpty(), qPrintable(QStringLiteral("empty window: ") + unnamed.join(u"\n")));
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        w.openSample();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
        QWidget *quality = w.details()->widget(app::DetailTabs::QualityTab);
        for (int tab = 0; tab < w.details()->count(); ++tab) {
            w.details()->setCurrentIndex(tab);
            unnamed = unnamedFocusable(&w, quality);
            QVERIFY2(unnamed.isEmpty(), qPrintable(QStringLiteral("tab %1: ").arg(tab) + unnamed.join(u"\n")));
        }
        // Tab leaves tables instead of walking their cells, so the keyboard gets everywhere.
        for (QAbstractItemView *v : w.findChildren<QAbstractItemView *>())
            QVERIFY2(!v->tabKeyNavigation() || !v->isVisible(), qPrintable(v->objectName()));

        // Tab from the job list walks through the window and comes back.
        w.details()->setCurrentIndex(app::DetailTabs::OutputsTab);
        w.jobsView()->setFocus();
        QSet<QWidget *> reached;
        for (int i = 0; i < 80 && QApplication::focusWidget(); ++i) {
            reached.insert(QApplication::focusWidget());
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        }
        QVERIFY(reached.contains(w.details()->outputsTable()));
        QVERIFY(reached.contains(w.details()->findChild<QPushButton *>(QStringLiteral("saveAllButton"))));

        w.reviewPaths({seedPath(QStringLiteral("synthetic_raw_data.csv"))});
        app::DetectionDialog *d = waitForDialog(w);
        QVERIFY(d);
        for (int page = 0; page < d->pages()->count(); ++page) {
            d->pages()->setCurrentIndex(page);
            unnamed = unnamedFocusable(d);
            QVERIFY2(unnamed.isEmpty(), qPrintable(QStringLiteral("dialog page %1: ").arg(page) + unnamed.join(u"\n")));
        }
        d->reject();
    }
};

int main(int argc, char *argv[])
{
    finpipe::test::prepareGuiTestProcess();
    QApplication app(argc, argv);
    finpipeInitAppResources();
    TestNavigator t;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&t, argc, argv);
}

#include "tst_navigator.moc"
