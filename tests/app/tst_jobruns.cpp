// The app's view of runs: a failed re-run explained on the Dashboard tab, a cancelled re-run over
// a good run, the run history, Remove with clean-up, and quitting while jobs run.
#include "apptestutil.h"
#include "testutil.h"

#include "detailtabs.h"
#include "detectiondialog.h"
#include "icons.h"
#include "intake.h"
#include "jobmodel.h"
#include "runviews.h"
#include "jobs/localexecutor.h"

#include <QAction>
#include <QElapsedTimer>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QWebEngineView>

using namespace finpipe;
using namespace finpipe::test;
using finpipe::jobs::JobState;

namespace {

constexpr int kJobTimeout = 120000;

//! A readings CSV with `rows` rows.
QString writeReadings(const QString &path, int rows)
{
    QByteArray data;
    data.reserve(rows * 40 + 64);
    data += "Station_ID,Date_Time,PCode,Result\n";
    for (int i = 0; i < rows; ++i) {
        data += i % 2 ? "CT,2021-" : "TUS,2021-";
        const int day = i % 300;
        data += QByteArray::number(1 + day / 28).rightJustified(2, '0');
        data += '-';
        data += QByteArray::number(1 + day % 28).rightJustified(2, '0');
        data += " 00:00:00,Data ";
        data += QByteArray::number(1 + i % 24);
        data += ',';
        data += QByteArray::number(i % 997);
        data += ".5\n";
    }
    return writeFixture(path, data);
}

//! With FINPIPE_SHOTS_DIR set, saves a picture of `w` for a person to look at.
void saveShot(QWidget *w, const char *name)
{
    const QString dir = qEnvironmentVariable("FINPIPE_SHOTS_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(400);
    w->grab().save(QDir(dir).filePath(QString::fromLatin1(name) + QStringLiteral(".png")));
}

QPushButton *button(app::MainWindow &w, const char *name)
{
    return w.details()->findChild<QPushButton *>(QString::fromLatin1(name));
}

//! Drops `input`, waits for its first run to succeed, and returns the job's id.
qint64 firstGoodRun(app::MainWindow &w, QSignalSpy &finished, const QString &input)
{
    dropFiles(&w, {input});
    if (!QTest::qWaitFor([&] { return finished.count() >= 1; }, kJobTimeout))
        return 0;
    if (finished.last().at(1).value<JobState>() != JobState::Succeeded)
        return 0;
    return finished.last().at(0).toLongLong();
}

} // namespace

class TestJobRuns : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aFailedRerunIsExplainedAndKeepsTheGoodRun()
    {
        AppFixture fx;
        const QString input = fx.dir.filePath(QStringLiteral("raw_data.csv"));
        QVERIFY(QFile::copy(seedPath(QStringLiteral("synthetic_raw_data.csv")), input));
        app::MainWindow &w = fx.open();
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        const qint64 id = firstGoodRun(w, finished, input);
        QVERIFY(id > 0);
        QVERIFY(w.details()->runBanner()->text().startsWith(u"Run 1 of 1 · succeeded"));

        // The file was saved again with its header only: detection cannot be sure what it holds.
        writeFixture(input, "Station_ID,Date_Time,PCode,Result\n");
        w.selectJob(id);
        w.rerunJobs({id});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kJobTimeout);
        QCOMPARE(finished.at(1).at(1).value<JobState>(), JobState::Failed);

        // Told that the file changed, in the message bar that stays.
        QVERIFY2(w.noticeText().contains(u"raw_data.csv changed since the last run on"), qPrintable(w.noticeText()));
        // The Dashboard tab says which run, that it failed, why, and what to do, with buttons.
        QCOMPARE(w.details()->currentIndex(), int(app::DetailTabs::DashboardTab));
        const QString banner = w.details()->runBanner()->text();
        QVERIFY2(banner.startsWith(u"Run 2 of 2 · failed"), qPrintable(banner));
        QVERIFY(banner.contains(u"changed since the last run"));
        app::RunOutcomePage *page = w.details()->outcomePage();
        QVERIFY(page->isVisible());
        QVERIFY(!w.details()->dashboardView()->isVisible()); // the old dashboard is not shown as current
        const jobs::JobRecord *job = w.jobModel()->job(id);
        QCOMPARE(job->state, JobState::Failed);
        QVERIFY(!job->errorMessage.isEmpty());
        QVERIFY(page->messageLabel()->text().contains(u"not sure what kind of data"));
        QVERIFY(!page->messageLabel()->text().contains(u"--type")); // no command-line advice in the app
        QVERIFY(page->findChild<QLabel *>(QStringLiteral("outcomeAdvice"))->text().startsWith(u"What to do"));
        QVERIFY(button(w, "fixMappingButton")->isVisible());
        QVERIFY(button(w, "showGoodRunButton")->isVisible());
        QCOMPARE(button(w, "showGoodRunButton")->text(), QStringLiteral("Show run 1, the last that succeeded"));
        // The run recorded what it read; the outputs listed are run 2's.
        const auto runs = *w.store().runs(id);
        QCOMPARE(runs.size(), 2);
        QCOMPARE(runs[1].inputSha256, sha256Of(readAll(input)));
        QCOMPARE(w.details()->shownOutputDir(), runs[1].outputDir);
        saveShot(&w, "failed-run");

        // The good run is still there, one click away, and says it is not the latest.
        QSignalSpy loaded(w.details(), &app::DetailTabs::dashboardLoadFinished);
        button(w, "showGoodRunButton")->click();
        QCOMPARE(w.shownRun(), 1);
        QVERIFY2(w.details()->runBanner()->text().startsWith(u"Showing run 1 of 2, the last that succeeded"),
                 qPrintable(w.details()->runBanner()->text()));
        QVERIFY(w.details()->runBanner()->text().contains(u"the latest, run 2, failed"));
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 30000);
        QCOMPARE(w.details()->dashboardView()->url(),
                 QUrl::fromLocalFile(QDir(runs[0].outputDir).filePath(QStringLiteral("dashboard.html"))));
        QCOMPARE(w.details()->shownOutputs().size(), runs[0].outputs.size());

        // The analyst puts the right file back; "Fix the mapping…" opens the detection dialog on the
        // file as it is now, and the choice runs as run 3 of the same job.
        writeFixture(input, readAll(seedPath(QStringLiteral("synthetic_raw_data.csv"))));
        w.showRun(0);
        button(w, "fixMappingButton")->click();
        QTRY_VERIFY_WITH_TIMEOUT(w.intake()->dialog() && w.intake()->dialog()->isVisible(), 30000);
        app::DetectionDialog *dlg = w.intake()->dialog();
        QCOMPARE(dlg->type(), QStringLiteral("station_readings"));
        QVERIFY(dlg->canRun());
        QTest::mouseClick(dlg->runButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, kJobTimeout);
        QCOMPARE(finished.at(2).at(1).value<JobState>(), JobState::Succeeded);
        QCOMPARE(finished.at(2).at(0).toLongLong(), id);
        QCOMPARE(w.jobModel()->rowCount(), 1); // the same job, not a new one
        QCOMPARE(w.store().runs(id)->size(), 3);
        QVERIFY(w.details()->runBanner()->text().startsWith(u"Run 3 of 3 · succeeded"));
    }

    void aCancelledRerunSaysSoAndTheGoodRunStays()
    {
        AppFixture fx;
        const QString input = writeReadings(fx.dir.filePath(QStringLiteral("big_readings.csv")), 1'500'000);
        app::MainWindow &w = fx.open();
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        const qint64 id = firstGoodRun(w, finished, input);
        QVERIFY(id > 0);
        const jobs::JobRun good = **w.store().run(id, 1);

        w.selectJob(id);
        w.rerunJobs({id});
        QTRY_COMPARE_WITH_TIMEOUT(w.jobModel()->job(id)->state, JobState::Running, kJobTimeout);
        if (finished.count() > 1)
            QSKIP("the re-run finished before it could be cancelled");
        w.cancelJobs({id});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 10000);
        QCOMPARE(finished.at(1).at(1).value<JobState>(), JobState::Cancelled);

        // The job shows its latest run as cancelled, says so, and offers the good one.
        QCOMPARE(w.jobModel()->job(id)->state, JobState::Cancelled);
        w.details()->setCurrentIndex(app::DetailTabs::DashboardTab);
        QVERIFY2(w.details()->runBanner()->text().startsWith(u"Run 2 of 2 · cancelled"),
                 qPrintable(w.details()->runBanner()->text()));
        QVERIFY(w.details()->outcomePage()->isVisible());
        QCOMPARE(w.details()->findChild<QLabel *>(QStringLiteral("outcomeTitle"))->text(), QStringLiteral("Run 2 was cancelled."));
        QVERIFY(button(w, "showGoodRunButton")->isVisible());
        saveShot(&w, "cancelled-rerun");
        // Run 1's files were not touched.
        const jobs::JobRun kept = **w.store().run(id, 1);
        QCOMPARE(kept.state, JobState::Succeeded);
        QCOMPARE(kept.outputs.size(), good.outputs.size());
        for (const jobs::JobOutput &o : kept.outputs)
            QCOMPARE(sha256Of(readAll(QDir(kept.outputDir).filePath(o.name))), o.sha256);

        // The history lists both runs, newest first; activating run 1 shows it.
        w.details()->setCurrentIndex(app::DetailTabs::DetailsTab);
        QTableWidget *history = w.details()->runsTable();
        QCOMPARE(history->rowCount(), 2);
        QCOMPARE(history->item(0, 0)->text(), QStringLiteral("2"));
        QCOMPARE(history->item(0, 2)->text(), QStringLiteral("Cancelled"));
        QCOMPARE(history->item(1, 2)->text(), QStringLiteral("Succeeded"));
        QVERIFY(!history->item(1, 3)->text().isEmpty()); // its duration
        saveShot(&w, "run-history");
        history->setCurrentCell(1, 0);
        history->setFocus();
        QTest::keyClick(history, Qt::Key_Return);
        QCOMPARE(w.shownRun(), 1);
        QCOMPARE(w.details()->currentIndex(), int(app::DetailTabs::DashboardTab));
        QVERIFY(w.details()->runBanner()->text().startsWith(u"Showing run 1 of 2, the last that succeeded"));
    }

    void removeOffersToDeleteTheOutputFolders()
    {
        AppFixture fx;
        app::MainWindow &w = fx.open();
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        const qint64 id = firstGoodRun(w, finished, seedPath(QStringLiteral("synthetic_raw_data.csv")));
        QVERIFY(id > 0);
        const QString folder = w.controller()->jobFolder(id);
        QVERIFY(QFileInfo::exists(folder));
        w.selectJob(id);
        auto *remove = w.findChild<QAction *>(QStringLiteral("actionRemove"));
        QCOMPARE(remove->text(), QStringLiteral("&Remove Job"));

        // Kept files: the folder stays.
        fx.prompts.deleteFiles = false;
        fx.prompts.removeAnswer = false;
        w.removeJobs({id});
        QCOMPARE(w.jobModel()->rowCount(), 1);
        QCOMPARE(fx.prompts.lastRemoveCount, 1);
        QVERIFY(fx.prompts.lastRemoveBytes > 1000); // the size is shown in the question

        fx.prompts.removeAnswer = true;
        fx.prompts.deleteFiles = true;
        w.removeJobs({id});
        QCOMPARE(w.jobModel()->rowCount(), 0);
        QVERIFY(!QFileInfo::exists(folder));
        QVERIFY(!w.store().job(id)->has_value());
        QCOMPARE(app::removeQuestion(1, 0), QStringLiteral("Remove 1 job from the list?"));
        QCOMPARE(app::removeQuestion(3, 1),
                 QStringLiteral("Remove 3 jobs from the list? One of them is running; it will be cancelled first."));
    }

    void removingARunningJobCancelsItAndDropsItsResult()
    {
        AppFixture fx;
        const QString input = writeReadings(fx.dir.filePath(QStringLiteral("big2.csv")), 1'500'000);
        app::MainWindow &w = fx.open();
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        dropFiles(&w, {input});
        QTRY_VERIFY_WITH_TIMEOUT(w.jobModel()->rowCount() == 1 && w.jobModel()->jobAt(0).state == JobState::Running,
                                 kJobTimeout);
        const qint64 id = w.jobModel()->jobAt(0).id;
        fx.prompts.deleteFiles = true;
        w.removeJobs({id});
        QCOMPARE(w.jobModel()->rowCount(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(w.controller()->jobFolder(id)), 10000);
        QTest::qWait(300);
        QCOMPARE(finished.count(), 0);
        QVERIFY(fx.prompts.errors.isEmpty());
    }

    void aDamagedJobListIsSaidAndTheJobsComeBack()
    {
        AppFixture fx;
        qint64 id = 0;
        {
            app::MainWindow &w = fx.open();
            QSignalSpy finished(&w, &app::MainWindow::jobFinished);
            id = firstGoodRun(w, finished, seedPath(QStringLiteral("synthetic_raw_data.csv")));
            QVERIFY(id > 0);
            fx.window.reset();
        }
        writeFixture(fx.storePath(), "this is not a database, it was overwritten by mistake");
        QFile::remove(fx.storePath() + QStringLiteral("-wal"));
        app::MainWindow &w = fx.open();
        QVERIFY2(w.noticeText().contains(u"The job list was damaged"), qPrintable(w.noticeText()));
        QVERIFY(w.noticeText().contains(u"1 job was found again"));
        QVERIFY(fx.prompts.errors.isEmpty());
        QCOMPARE(w.jobModel()->rowCount(), 1);
        QCOMPARE(w.jobModel()->jobAt(0).id, id);
        QCOMPARE(w.jobModel()->jobAt(0).state, JobState::Succeeded);
        // A new job gets its own folder, next to the found one.
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        dropFiles(&w, {seedPath(QStringLiteral("fintech_sales.csv"))});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kJobTimeout);
        QCOMPARE(w.jobModel()->rowCount(), 2);
        QVERIFY(finished.at(0).at(0).toLongLong() > id);
    }

    void quittingWithRunningJobsAsksAndClosesQuickly()
    {
        AppFixture fx;
        const QString input = writeReadings(fx.dir.filePath(QStringLiteral("big3.csv")), 1'500'000);
        qint64 id = 0;
        {
            app::MainWindow &w = fx.open();
            dropFiles(&w, {input});
            QTRY_VERIFY_WITH_TIMEOUT(w.jobModel()->rowCount() == 1 && w.jobModel()->jobAt(0).state == JobState::Running,
                                     kJobTimeout);
            id = w.jobModel()->jobAt(0).id;
            fx.prompts.quitAnswer = false;
            QVERIFY(!w.close()); // the analyst chose to keep it running
            QCOMPARE(fx.prompts.quitAsked, 1);
            QVERIFY(w.controller()->isActive(id));
            fx.prompts.quitAnswer = true;
            QElapsedTimer t;
            t.start();
            QVERIFY(w.close());
            fx.window.reset();
            QVERIFY2(t.elapsed() < 1500, qPrintable(QStringLiteral("closing took %1 ms").arg(t.elapsed())));
            QCOMPARE(fx.prompts.quitAsked, 2);
        }
        QVERIFY(jobs::LocalExecutor::waitForAbandoned(30000));
        app::MainWindow &again = fx.open();
        QCOMPARE(again.jobModel()->job(id)->state, JobState::Interrupted);
        again.selectJob(id);
        QVERIFY(again.findChild<QAction *>(QStringLiteral("actionRerun"))->isEnabled());
        QVERIFY(again.details()->runBanner()->text().startsWith(u"Run 1 of 1 · interrupted"));
    }
};

int main(int argc, char *argv[])
{
    finpipe::test::prepareGuiTestProcess();
    QApplication app(argc, argv);
    finpipeInitAppResources();
    TestJobRuns t;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&t, argc, argv);
}

#include "tst_jobruns.moc"
