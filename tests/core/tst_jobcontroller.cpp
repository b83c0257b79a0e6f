// JobController: the life of local jobs without a GUI: start, cancel, re-run into new folders,
// changed input, remove, the concurrency limit, a quick shutdown, and JobSpec's JSON form.
#include "jobs/jobcontroller.h"
#include "jobs/jobspecjson.h"
#include "jobs/localexecutor.h"
#include "jobtesthelpers.h"
#include "testutil.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace finpipe;
using namespace finpipe::jobs;
using test::readAll;
using test::recordFor;
using test::sha256Of;
using test::specFor;

namespace {

constexpr int kTimeout = 120000;

//! A readings CSV with `rows` rows: big ones keep a worker busy long enough to cancel it.
QString writeReadings(const QString &path, int rows, int valueOffset = 0)
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
        data += QByteArray::number((i + valueOffset) % 997);
        data += ".5\n";
    }
    return test::writeFixture(path, data);
}

//! Waits for the job's `count`-th runFinished and returns that run's state.
JobState waitFinished(QSignalSpy &spy, int count)
{
    if (!QTest::qWaitFor([&] { return spy.count() >= count; }, kTimeout))
        return JobState::Queued;
    return spy.at(count - 1).at(2).value<JobState>();
}

} // namespace

class TestJobController : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_n = 0;
    QString m_big;

    QString freshRoot() { return m_dir.filePath(QStringLiteral("c%1").arg(++m_n)); }
    QString storeIn(const QString &root) { return QDir(root).filePath(QStringLiteral("jobs.sqlite")); }
    const QString &bigFile()
    {
        if (m_big.isEmpty())
            m_big = writeReadings(m_dir.filePath(QStringLiteral("big.csv")), 2'000'000);
        return m_big;
    }

private Q_SLOTS:
    void submitRunsIntoItsOwnRunFolder()
    {
        const QString root = freshRoot();
        const QString input = writeReadings(QDir(m_dir.path()).filePath(QStringLiteral("small1.csv")), 500);
        JobController c(storeIn(root));
        QVERIFY(c.open().ok());
        QSignalSpy finished(&c, &JobController::runFinished);
        auto id = c.submit(recordFor(input), specFor(input));
        QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().toString()));
        QCOMPARE(waitFinished(finished, 1), JobState::Succeeded);
        const JobRecord job = **c.store().job(*id);
        QCOMPARE(job.state, JobState::Succeeded);
        QCOMPARE(job.runNumber, 1);
        QCOMPARE(job.lastGoodRun, 1);
        QCOMPARE(QDir::cleanPath(job.outputDir), QDir::cleanPath(QDir(root).filePath(QStringLiteral("jobs/%1/runs/1").arg(*id))));
        QVERIFY(QFile::exists(QDir(job.outputDir).filePath(QStringLiteral("manifest.json"))));
        QVERIFY(QFile::exists(QDir(c.jobFolder(*id)).filePath(QStringLiteral("job.json"))));
        const JobRun run = **c.store().run(*id, 1);
        QCOMPARE(run.inputSha256, sha256Of(readAll(input)));
        // The run keeps the spec it ran with, with the rules pinned.
        auto spec = jobSpecFromJson(run.specJson.toUtf8());
        QVERIFY(spec.ok());
        QCOMPARE(spec->spec.inputPath, input);
        QVERIFY(!spec->pins.rulesVersion.isEmpty());
        QVERIFY(job.outputs.size() > 3);
    }

    void cancelBeforeAndDuringARun()
    {
        const QString root = freshRoot();
        const QString small = writeReadings(QDir(m_dir.path()).filePath(QStringLiteral("small2.csv")), 200);
        JobController c(storeIn(root));
        QVERIFY(c.open().ok());
        c.setConcurrency(1);
        QSignalSpy finished(&c, &JobController::runFinished);
        const qint64 big = *c.submit(recordFor(bigFile()), specFor(bigFile()));
        const qint64 waiting = *c.submit(recordFor(small), specFor(small));
        // The second waits for the slot; cancelling it ends it before it starts.
        QVERIFY(c.cancel(waiting));
        QCOMPARE(waitFinished(finished, 1), JobState::Cancelled);
        QCOMPARE(finished.at(0).at(0).toLongLong(), waiting);
        QCOMPARE((*c.store().job(waiting))->state, JobState::Cancelled);
        QVERIFY(!(*c.store().job(waiting))->started.isValid());

        QVERIFY(QTest::qWaitFor([&] { return (*c.store().job(big))->state == JobState::Running; }, kTimeout));
        QElapsedTimer t;
        t.start();
        QVERIFY(c.cancel(big));
        QCOMPARE(waitFinished(finished, 2), JobState::Cancelled);
        QVERIFY2(t.elapsed() < 2000, qPrintable(QStringLiteral("cancelling took %1 ms").arg(t.elapsed())));
        const JobRecord job = **c.store().job(big);
        QCOMPARE(job.state, JobState::Cancelled);
        QVERIFY(job.errorMessage.contains(u"cancelled"));
        QVERIFY(!c.isActive(big));
    }

    void rerunWritesANewFolderAndKeepsTheEarlierRun()
    {
        const QString root = freshRoot();
        const QString input = writeReadings(QDir(m_dir.path()).filePath(QStringLiteral("small3.csv")), 400);
        JobController c(storeIn(root));
        QVERIFY(c.open().ok());
        QSignalSpy finished(&c, &JobController::runFinished);
        QSignalSpy changed(&c, &JobController::inputChanged);
        const qint64 id = *c.submit(recordFor(input), specFor(input));
        QCOMPARE(waitFinished(finished, 1), JobState::Succeeded);
        const JobRun first = **c.store().run(id, 1);
        const QByteArray firstResult = readAll(QDir(first.outputDir).filePath(QStringLiteral("CT_Analysis.csv")));
        QVERIFY(!firstResult.isEmpty());

        QString why;
        QVERIFY2(c.rerun(id, {}, &why), qPrintable(why));
        QVERIFY(c.isActive(id));
        QVERIFY(!c.rerun(id)); // not twice at once
        QCOMPARE(waitFinished(finished, 2), JobState::Succeeded);
        QCOMPARE(changed.count(), 0);
        const auto runs = *c.store().runs(id);
        QCOMPARE(runs.size(), 2);
        QVERIFY(runs[1].outputDir != runs[0].outputDir);
        QVERIFY(runs[1].outputDir.endsWith(u"/runs/2"));
        QCOMPARE(readAll(QDir(first.outputDir).filePath(QStringLiteral("CT_Analysis.csv"))), firstResult);
        QCOMPARE((*c.store().job(id))->runNumber, 2);
        QCOMPARE((*c.store().job(id))->runCount, 2);

        // A folder already on disk (left by something else) is never written into.
        QVERIFY(QDir().mkpath(QDir(c.jobFolder(id)).filePath(QStringLiteral("runs/3"))));
        test::writeFixture(QDir(c.jobFolder(id)).filePath(QStringLiteral("runs/3/keep.txt")), "mine");
        QVERIFY(c.rerun(id));
        QCOMPARE(waitFinished(finished, 3), JobState::Succeeded);
        QCOMPARE((*c.store().job(id))->runNumber, 4);
        QCOMPARE(readAll(QDir(c.jobFolder(id)).filePath(QStringLiteral("runs/3/keep.txt"))), QByteArray("mine"));
    }

    void rerunOnChangedInputRecordsWhatItRead()
    {
        const QString root = freshRoot();
        const QString input = writeReadings(QDir(m_dir.path()).filePath(QStringLiteral("small4.csv")), 300);
        const QString before = sha256Of(readAll(input));
        JobController c(storeIn(root));
        QVERIFY(c.open().ok());
        QSignalSpy finished(&c, &JobController::runFinished);
        QSignalSpy changed(&c, &JobController::inputChanged);
        const qint64 id = *c.submit(recordFor(input), specFor(input));
        QCOMPARE(waitFinished(finished, 1), JobState::Succeeded);

        writeReadings(input, 350, 7); // edited on disk
        const QString after = sha256Of(readAll(input));
        QVERIFY(after != before);
        QVERIFY(c.rerun(id));
        QCOMPARE(waitFinished(finished, 2), JobState::Succeeded);
        QCOMPARE(changed.count(), 1);
        QVERIFY(changed.at(0).at(1).toString().contains(u"small4.csv changed since the last run"));
        const auto runs = *c.store().runs(id);
        QCOMPARE(runs[0].inputSha256, before);
        QCOMPARE(runs[1].inputSha256, after);
        QVERIFY(!runs[1].note.isEmpty());
        QCOMPARE((*c.store().job(id))->sha256, after);
        // The manifest of run 2 says the same.
        QVERIFY(readAll(QDir(runs[1].outputDir).filePath(QStringLiteral("manifest.json"))).contains(after.toLatin1()));
    }

    void aRerunSaysWhenTheRulesChanged()
    {
        // The analyst edits the rules while the app runs: the next re-run says so and pins the
        // new version (the controller reads the rules' version at each run, never a stale copy).
        QTemporaryDir userRules;
        qputenv("FINPIPE_RULES_DIR", userRules.path().toUtf8());
        const auto restore = qScopeGuard([] { qunsetenv("FINPIPE_RULES_DIR"); });
        const QString root = freshRoot();
        const QString input = writeReadings(QDir(m_dir.path()).filePath(QStringLiteral("small11.csv")), 200);
        JobController c(storeIn(root));
        QVERIFY(c.open().ok());
        QSignalSpy finished(&c, &JobController::runFinished);
        const qint64 id = *c.submit(recordFor(input), specFor(input));
        QCOMPARE(waitFinished(finished, 1), JobState::Succeeded);
        const JobRun first = **c.store().run(id, 1);

        // The same type, saved again by the analyst's editor (one more line break).
        test::writeFixture(QDir(userRules.path()).filePath(QStringLiteral("station_readings.json")),
                           readAll(QStringLiteral(FINPIPE_SOURCE_DIR "/rules/station_readings.json")) + '\n');
        QVERIFY(c.rerun(id));
        QCOMPARE(waitFinished(finished, 2), JobState::Succeeded);
        const JobRun second = **c.store().run(id, 2);
        QVERIFY2(second.note.contains(u"finpipe's detection rules changed since the last run."), qPrintable(second.note));
        QVERIFY(jobSpecFromJson(second.specJson.toUtf8())->pins.rulesVersion
                != jobSpecFromJson(first.specJson.toUtf8())->pins.rulesVersion);
    }

    void aRerunSaysWhenATemplateChanged()
    {
        const QString root = freshRoot();
        const QString input = writeReadings(QDir(m_dir.path()).filePath(QStringLiteral("small10.csv")), 200);
        const QString tmpl = m_dir.filePath(QStringLiteral("ct_template.xlsx"));
        QVERIFY(QFile::copy(test::seedPath(QStringLiteral("ct_analysis_template.xlsx")), tmpl));
        JobController c(storeIn(root));
        QVERIFY(c.open().ok());
        QSignalSpy finished(&c, &JobController::runFinished);
        JobSpec spec = specFor(input);
        spec.params.templates = {tmpl};
        const qint64 id = *c.submit(recordFor(input), spec);
        waitFinished(finished, 1);
        const JobRun first = **c.store().run(id, 1);
        QCOMPARE(jobSpecFromJson(first.specJson.toUtf8())->pins.templateSha256.value(tmpl), sha256Of(readAll(tmpl)));
        QVERIFY(first.note.isEmpty());

        QFile f(tmpl);
        QVERIFY(f.open(QIODevice::Append));
        f.write("x");
        f.close();
        QVERIFY(c.rerun(id));
        waitFinished(finished, 2);
        const JobRun second = **c.store().run(id, 2);
        QVERIFY2(second.note.contains(u"The template ct_template.xlsx changed since the last run."), qPrintable(second.note));
        QCOMPARE(jobSpecFromJson(second.specJson.toUtf8())->pins.templateSha256.value(tmpl), sha256Of(readAll(tmpl)));
    }

    void aCancelledRerunKeepsTheGoodRun()
    {
        const QString root = freshRoot();
        JobController c(storeIn(root));
        QVERIFY(c.open().ok());
        QSignalSpy finished(&c, &JobController::runFinished);
        const qint64 id = *c.submit(recordFor(bigFile()), specFor(bigFile()));
        QCOMPARE(waitFinished(finished, 1), JobState::Succeeded);
        const JobRun good = **c.store().run(id, 1);
        // A re-run, cancelled while it runs.
        QVERIFY(c.rerun(id));
        QVERIFY(QTest::qWaitFor([&] { return (*c.store().job(id))->state == JobState::Running; }, kTimeout));
        QVERIFY(c.cancel(id));
        QCOMPARE(waitFinished(finished, 2), JobState::Cancelled);
        const JobRecord job = **c.store().job(id);
        QCOMPARE(job.runNumber, 2);
        QCOMPARE(job.lastGoodRun, 1);
        const JobRun kept = **c.store().run(id, 1);
        QCOMPARE(kept.state, JobState::Succeeded);
        QCOMPARE(kept.outputs.size(), good.outputs.size());
        for (const JobOutput &o : kept.outputs)
            QCOMPARE(sha256Of(readAll(QDir(kept.outputDir).filePath(o.name))), o.sha256);
    }

    void removingARunningJobStopsItAndDropsItsResult()
    {
        const QString root = freshRoot();
        JobController c(storeIn(root));
        QVERIFY(c.open().ok());
        QSignalSpy finished(&c, &JobController::runFinished);
        QSignalSpy removed(&c, &JobController::jobRemoved);
        QSignalSpy failed(&c, &JobController::storeFailed);
        const qint64 id = *c.submit(recordFor(bigFile()), specFor(bigFile()));
        QVERIFY(QTest::qWaitFor([&] { return (*c.store().job(id))->state == JobState::Running; }, kTimeout));
        QVERIFY(c.outputsSize(id) >= 0);
        QVERIFY(c.remove(id, true).ok());
        QCOMPARE(removed.count(), 1);
        QVERIFY(!c.isActive(id));
        QVERIFY(!c.store().job(id)->has_value());
        // The run stops, its folder goes, and nothing is reported for it.
        QVERIFY(QTest::qWaitFor([&] { return !QFileInfo::exists(c.jobFolder(id)); }, 10000));
        QTest::qWait(200);
        QCOMPARE(finished.count(), 0);
        QCOMPARE(failed.count(), 0);
        // A new job never takes the removed one's id.
        const QString small = writeReadings(QDir(m_dir.path()).filePath(QStringLiteral("small6.csv")), 100);
        auto next = c.submit(recordFor(small), specFor(small));
        QVERIFY(next.ok());
        QVERIFY(*next > id);
        QCOMPARE(waitFinished(finished, 1), JobState::Succeeded);
    }

    void removeKeepsOrDeletesTheFolders()
    {
        const QString root = freshRoot();
        JobController c(storeIn(root));
        QVERIFY(c.open().ok());
        QSignalSpy finished(&c, &JobController::runFinished);
        const QString input = writeReadings(QDir(m_dir.path()).filePath(QStringLiteral("small7.csv")), 100);
        const qint64 kept = *c.submit(recordFor(input), specFor(input));
        const qint64 gone = *c.submit(recordFor(input), specFor(input));
        QCOMPARE(waitFinished(finished, 2), JobState::Succeeded);
        QVERIFY(c.outputsSize(gone) > 0);
        QVERIFY(c.remove(kept, false).ok());
        QVERIFY(QFileInfo::exists(QDir(c.jobFolder(kept)).filePath(QStringLiteral("runs/1/manifest.json"))));
        QVERIFY(c.remove(gone, true).ok());
        QVERIFY(!QFileInfo::exists(c.jobFolder(gone)));
        QCOMPARE(c.store().jobs()->size(), 0);
    }

    void concurrencyLimitHolds()
    {
        const QString root = freshRoot();
        JobController c(storeIn(root));
        QVERIFY(c.open().ok());
        c.setConcurrency(2);
        QSignalSpy finished(&c, &JobController::runFinished);
        auto *local = qobject_cast<LocalExecutor *>(&c.executor());
        QVERIFY(local);
        int most = 0;
        QTimer probe;
        connect(&probe, &QTimer::timeout, this, [&] { most = qMax(most, local->runningCount()); });
        probe.start(5);
        QList<qint64> ids;
        for (int i = 0; i < 5; ++i) {
            const QString f = writeReadings(QDir(m_dir.path()).filePath(QStringLiteral("conc%1.csv").arg(i)), 20000);
            ids.append(*c.submit(recordFor(f), specFor(f)));
        }
        QCOMPARE(c.activeCount(), 5);
        QVERIFY(QTest::qWaitFor([&] { return finished.count() == 5; }, kTimeout));
        QVERIFY(most >= 1);
        QVERIFY2(most <= 2, qPrintable(QStringLiteral("%1 ran at once").arg(most)));
        for (qint64 id : ids)
            QCOMPARE((*c.store().job(id))->state, JobState::Succeeded);
    }

    void shutdownWithRunningJobsIsQuick()
    {
        const QString root = freshRoot();
        qint64 id = 0;
        {
            JobController c(storeIn(root));
            QVERIFY(c.open().ok());
            id = *c.submit(recordFor(bigFile()), specFor(bigFile()));
            QVERIFY(QTest::qWaitFor([&] { return (*c.store().job(id))->state == JobState::Running; }, kTimeout));
            QElapsedTimer t;
            t.start();
            c.shutdown(1000);
            QVERIFY2(t.elapsed() < 1500, qPrintable(QStringLiteral("shutdown took %1 ms").arg(t.elapsed())));
            QCOMPARE((*c.store().job(id))->state, JobState::Interrupted);
            QVERIFY(!c.rerun(id)); // nothing starts after a shutdown
        }
        QVERIFY(LocalExecutor::waitForAbandoned(30000));
        // The next start shows it interrupted, ready for Re-run.
        JobController again(storeIn(root));
        QVERIFY(again.open().ok());
        const JobRecord job = **again.store().job(id);
        QCOMPARE(job.state, JobState::Interrupted);
        QVERIFY(job.errorMessage.contains(u"Re-run"));
    }

    void aMissingInputIsAFailedRunInWords()
    {
        const QString root = freshRoot();
        const QString input = writeReadings(QDir(m_dir.path()).filePath(QStringLiteral("small8.csv")), 100);
        JobController c(storeIn(root));
        QVERIFY(c.open().ok());
        QSignalSpy finished(&c, &JobController::runFinished);
        const qint64 id = *c.submit(recordFor(input), specFor(input));
        QCOMPARE(waitFinished(finished, 1), JobState::Succeeded);
        QVERIFY(QFile::remove(input));
        QVERIFY(c.rerun(id));
        QCOMPARE(waitFinished(finished, 2), JobState::Failed);
        const JobRecord job = **c.store().job(id);
        QVERIFY(job.errorMessage.contains(u"small8.csv is no longer at"));
        QCOMPARE(job.lastGoodRun, 1);
    }

    void aDamagedStoreHealsAndNoFolderIsReused()
    {
        const QString root = freshRoot();
        const QString input = writeReadings(QDir(m_dir.path()).filePath(QStringLiteral("small9.csv")), 100);
        qint64 first = 0;
        {
            JobController c(storeIn(root));
            QVERIFY(c.open().ok());
            QSignalSpy finished(&c, &JobController::runFinished);
            first = *c.submit(recordFor(input), specFor(input));
            QCOMPARE(waitFinished(finished, 1), JobState::Succeeded);
        }
        const QByteArray manifest = readAll(QDir(root).filePath(QStringLiteral("jobs/%1/runs/1/manifest.json").arg(first)));
        test::writeFixture(storeIn(root), QByteArray()); // the store was emptied
        QFile::remove(storeIn(root) + QStringLiteral("-wal"));

        JobController c(storeIn(root));
        QVERIFY(c.open().ok());
        const QString notes = c.openNotes().join(u' ');
        QVERIFY2(notes.contains(u"damaged") && notes.contains(u"1 job was found again"), qPrintable(notes));
        const JobRecord found = **c.store().job(first);
        QCOMPARE(found.inputPath, input);
        QCOMPARE(found.state, JobState::Succeeded);
        // A new job gets a new folder, and re-running the found job does not touch its run 1.
        QSignalSpy finished(&c, &JobController::runFinished);
        const qint64 next = *c.submit(recordFor(input), specFor(input));
        QVERIFY(next > first);
        QVERIFY(c.rerun(first));
        QVERIFY(QTest::qWaitFor([&] { return finished.count() == 2; }, kTimeout));
        QCOMPARE((*c.store().job(first))->runNumber, 2);
        QCOMPARE(readAll(QDir(root).filePath(QStringLiteral("jobs/%1/runs/1/manifest.json").arg(first))), manifest);
    }

    void jobSpecJsonRoundTripsEveryField()
    {
        JobSpec s;
        s.inputPath = QStringLiteral("/data/ä b/raw_data.xlsx");
        s.read.sheet = QStringLiteral("Sheet 2");
        s.read.batchRows = 1234;
        s.read.computeHash = false;
        s.read.maxLineBytes = 777;
        s.read.maxUncompressedBytes = 5'000'000'000LL;
        s.read.maxCompressionRatio = 33;
        s.read.maxCells = 123'456'789;
        detect::ColumnMapping m;
        m.datasetType = QStringLiteral("station_analysis");
        m.roles = {{QStringLiteral("station"), QStringLiteral("Site")}, {QStringLiteral("timestamp"), QStringLiteral("When")}};
        m.columnGroups = {{QStringLiteral("parameters"), {QStringLiteral("Data 1"), QStringLiteral("Data 2")}}};
        m.overridden = true;
        s.mapping = m;
        detect::OverrideChoice choice;
        choice.datasetType = QStringLiteral("station_readings");
        choice.roles = {{QStringLiteral("value"), QStringLiteral("Result")}};
        choice.columnGroups = {{QStringLiteral("parameters"), {QStringLiteral("X")}}};
        s.choice = choice;
        s.params.aggregation = analysis::Aggregation::Median;
        s.params.templates = {QStringLiteral("/t/ct.xlsx"), QStringLiteral("/t/tus.xlsx")};
        s.params.onlyValidated = true;
        s.params.blankRateAlert = 0.137;
        s.params.outlierCountAlert = 42;
        s.params.outlierZ = 2.718281828459045;
        s.outputDir = QStringLiteral("/out/7/runs/3");
        s.writeCsv = false;
        s.writeXlsx = false;
        s.writeDashboard = false;
        s.requireConfidentDetection = false;
        SpecPins pins;
        pins.rulesVersion = QStringLiteral("abc123");
        pins.templateSha256 = {{QStringLiteral("/t/ct.xlsx"), QStringLiteral("aa").repeated(32)}};

        const QByteArray json = jobSpecToJson(s, pins);
        auto back = jobSpecFromJson(json);
        QVERIFY(back.ok());
        const JobSpec &r = back->spec;
        QCOMPARE(r.inputPath, s.inputPath);
        QCOMPARE(r.read.sheet, s.read.sheet);
        QCOMPARE(r.read.batchRows, s.read.batchRows);
        QCOMPARE(r.read.computeHash, s.read.computeHash);
        QCOMPARE(r.read.maxLineBytes, s.read.maxLineBytes);
        QCOMPARE(r.read.maxUncompressedBytes, s.read.maxUncompressedBytes);
        QCOMPARE(r.read.maxCompressionRatio, s.read.maxCompressionRatio);
        QCOMPARE(r.read.maxCells, s.read.maxCells);
        QVERIFY(r.mapping.has_value());
        QCOMPARE(r.mapping->datasetType, m.datasetType);
        QCOMPARE(r.mapping->roles, m.roles);
        QCOMPARE(r.mapping->columnGroups, m.columnGroups);
        QCOMPARE(r.mapping->overridden, m.overridden);
        QVERIFY(r.choice.has_value());
        QCOMPARE(r.choice->datasetType, choice.datasetType);
        QCOMPARE(r.choice->roles, choice.roles);
        QCOMPARE(r.choice->columnGroups, choice.columnGroups);
        QCOMPARE(r.params.aggregation, s.params.aggregation);
        QCOMPARE(r.params.templates, s.params.templates);
        QCOMPARE(r.params.onlyValidated, s.params.onlyValidated);
        QCOMPARE(r.params.blankRateAlert, s.params.blankRateAlert);
        QCOMPARE(r.params.outlierCountAlert, s.params.outlierCountAlert);
        QCOMPARE(r.params.outlierZ, s.params.outlierZ);
        QCOMPARE(r.outputDir, s.outputDir);
        QCOMPARE(r.writeCsv, s.writeCsv);
        QCOMPARE(r.writeXlsx, s.writeXlsx);
        QCOMPARE(r.writeDashboard, s.writeDashboard);
        QCOMPARE(r.requireConfidentDetection, s.requireConfidentDetection);
        QCOMPARE(back->pins.rulesVersion, pins.rulesVersion);
        QCOMPARE(back->pins.templateSha256, pins.templateSha256);
        // And the same bytes again: the form is stable.
        QCOMPARE(jobSpecToJson(r, back->pins), json);

        // Defaults survive too (no mapping, no choice).
        auto plain = jobSpecFromJson(jobSpecToJson(JobSpec{}));
        QVERIFY(plain.ok());
        QVERIFY(!plain->spec.mapping && !plain->spec.choice);
        QCOMPARE(plain->spec.params.blankRateAlert, analysis::Parameters{}.blankRateAlert);
        QVERIFY(plain->spec.requireConfidentDetection);
        // Not JSON, or an unknown aggregation: a clear error.
        QVERIFY(!jobSpecFromJson("{nope").ok());
        QVERIFY(!jobSpecFromJson(R"({"parameters":{"aggregation":"loudest"}})").ok());
    }

    void pinSpecHashesTemplates()
    {
        const QString t = test::writeFixture(m_dir.filePath(QStringLiteral("template.csv")), "A,B\n");
        JobSpec s;
        s.params.templates = {t, m_dir.filePath(QStringLiteral("missing.xlsx"))};
        const SpecPins pins = pinSpec(s, QStringLiteral("v1"));
        QCOMPARE(pins.rulesVersion, QStringLiteral("v1"));
        QCOMPARE(pins.templateSha256.value(t), sha256Of("A,B\n"));
        QVERIFY(!pins.templateSha256.contains(m_dir.filePath(QStringLiteral("missing.xlsx"))));
    }
};

QTEST_GUILESS_MAIN(TestJobController)
#include "tst_jobcontroller.moc"
