#include "jobs/jobrecovery.h"
#include "jobs/jobstore.h"
#include "jobs/pipeline.h"
#include "testutil.h"

#include <QDirIterator>

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace finpipe;
using namespace finpipe::jobs;

class TestJobStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_n = 0;

    QString freshPath() { return m_dir.filePath(QStringLiteral("store%1/jobs.sqlite").arg(++m_n)); }

    static QString readingsPath() { return test::seedPath(QStringLiteral("synthetic_raw_data.csv")); }

    //! A real run's outputs and manifest.json in `dir`.
    bool runInto(const QString &dir)
    {
        const QString input = m_dir.filePath(QStringLiteral("readings.csv"));
        if (!QFileInfo::exists(input))
            QFile::copy(readingsPath(), input);
        JobSpec spec;
        spec.inputPath = input;
        spec.outputDir = dir;
        spec.writeXlsx = false;
        spec.writeDashboard = false;
        return runJob(spec).ok();
    }

    static JobRecord sampleJob(const QString &sha = QStringLiteral("ab").repeated(32))
    {
        JobRecord j;
        j.inputPath = QStringLiteral("/data/in/raw_data.xlsx");
        j.fileName = QStringLiteral("raw_data.xlsx");
        j.sha256 = sha;
        j.size = 12345;
        j.sheet = QStringLiteral("Sheet1");
        j.datasetType = QStringLiteral("station_readings");
        j.confidence = 0.93;
        j.level = detect::Level::High;
        j.mappingJson = QStringLiteral(R"({"type":"station_readings","roles":{"station":"Station_ID"}})");
        j.parametersJson = QStringLiteral(R"({"aggregation":"mean"})");
        j.detectionJson = QStringLiteral(R"({"scores":{"station_readings":0.93}})");
        return j;
    }

private Q_SLOTS:
    void roundTripsEveryField()
    {
        const QString path = freshPath();
        qint64 id = 0;
        {
            JobStore store(path);
            QVERIFY(store.open().ok());
            QCOMPARE(store.schemaVersionAtOpen(), 0);
            JobRecord j = sampleJob();
            j.outputs = {{QStringLiteral("CT_Analysis.csv"), 100, QStringLiteral("cd").repeated(32)}};
            auto added = store.addJob(j);
            QVERIFY2(added.ok(), qPrintable(added.ok() ? QString() : added.error().toString()));
            id = *added;
            QVERIFY(id > 0);
            QVERIFY(j.created.isValid());
            QVERIFY(store.setState(id, JobState::Running).ok());
            QVERIFY(store.setProgress(id, 0.5).ok());
            QVERIFY(store.setOutputDir(id, QStringLiteral("/out/1")).ok());
            QVERIFY(store.setState(id, JobState::Succeeded).ok());
        }
        // A new store on the same file sees the same job (the app restarted).
        JobStore store(path);
        QVERIFY(store.open().ok());
        QCOMPARE(store.schemaVersionAtOpen(), JobStore::kSchemaVersion);
        auto got = store.job(id);
        QVERIFY(got.ok() && got->has_value());
        const JobRecord &j = **got;
        const JobRecord s = sampleJob();
        QCOMPARE(j.fileName, s.fileName);
        QCOMPARE(j.inputPath, s.inputPath);
        QCOMPARE(j.sha256, s.sha256);
        QCOMPARE(j.size, s.size);
        QCOMPARE(j.sheet, s.sheet);
        QCOMPARE(j.datasetType, s.datasetType);
        QCOMPARE(j.confidence, s.confidence);
        QCOMPARE(j.level, s.level);
        QCOMPARE(j.mappingJson, s.mappingJson);
        QCOMPARE(j.parametersJson, s.parametersJson);
        QCOMPARE(j.detectionJson, s.detectionJson);
        QCOMPARE(j.state, JobState::Succeeded);
        QCOMPARE(j.progress, 0.5);
        QCOMPARE(j.outputDir, QStringLiteral("/out/1"));
        QVERIFY(j.started.isValid());
        QVERIFY(j.finished.isValid());
        QVERIFY(j.finished >= j.started);
        QCOMPARE(j.outputs.size(), 1);
        QCOMPARE(j.outputs[0].name, QStringLiteral("CT_Analysis.csv"));
        QCOMPARE(j.outputs[0].size, 100);
    }

    void runningJobsBecomeInterruptedOnOpen()
    {
        const QString path = freshPath();
        qint64 running = 0, done = 0;
        {
            JobStore store(path);
            QVERIFY(store.open().ok());
            JobRecord a = sampleJob();
            running = *store.addJob(a);
            QVERIFY(store.setState(running, JobState::Running).ok());
            JobRecord b = sampleJob();
            done = *store.addJob(b);
            QVERIFY(store.setState(done, JobState::Failed, QStringLiteral("bad file")).ok());
            // The store is dropped without the job finishing: the app was killed.
        }
        JobStore store(path);
        QVERIFY(store.open().ok());
        QCOMPARE(store.interruptedAtOpen(), 1);
        QCOMPARE((*store.job(running))->state, JobState::Interrupted);
        QVERIFY((*store.job(running))->errorMessage.contains(u"Re-run"));
        QCOMPARE((*store.job(done))->state, JobState::Failed);
        QCOMPARE((*store.job(done))->errorMessage, QStringLiteral("bad file"));
    }

    void aReaderLeavesRunningJobsAlone()
    {
        const QString path = freshPath();
        JobStore app(path);
        QVERIFY(app.open().ok());
        JobRecord a = sampleJob();
        const qint64 id = *app.addJob(a);
        QVERIFY(app.setState(id, JobState::Running).ok());
        // Another process (the CLI) looks at the list while the app runs the job.
        JobStore reader(path);
        QVERIFY(reader.open(false).ok());
        QCOMPARE(reader.interruptedAtOpen(), 0);
        QCOMPARE((*reader.job(id))->state, JobState::Running);
        QCOMPARE((*app.job(id))->state, JobState::Running);
    }

    void duplicateLookupBySha256()
    {
        JobStore store(freshPath());
        QVERIFY(store.open().ok());
        const QString a = QStringLiteral("aa").repeated(32);
        const QString b = QStringLiteral("bb").repeated(32);
        JobRecord j1 = sampleJob(a), j2 = sampleJob(b), j3 = sampleJob(a);
        QVERIFY(store.addJob(j1).ok());
        QVERIFY(store.addJob(j2).ok());
        QVERIFY(store.addJob(j3).ok());
        auto hits = store.jobsBySha256(a);
        QVERIFY(hits.ok());
        QCOMPARE(hits->size(), 2);
        QCOMPARE(hits->at(0).id, j3.id); // newest first
        QCOMPARE(store.jobsBySha256(QStringLiteral("cc").repeated(32))->size(), 0);
    }

    void valuesAreNotSql()
    {
        // A file name with SQL in it is stored as text, never run.
        JobStore store(freshPath());
        QVERIFY(store.open().ok());
        JobRecord j = sampleJob();
        j.fileName = QStringLiteral("x'); DROP TABLE jobs; --.csv");
        QVERIFY(store.addJob(j).ok());
        auto all = store.jobs();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), 1);
        QCOMPARE(all->at(0).fileName, j.fileName);
        auto hits = store.jobsBySha256(QStringLiteral("' OR 1=1 --"));
        QVERIFY(hits.ok());
        QCOMPARE(hits->size(), 0);
    }

    void removeDeletesOutputsToo()
    {
        JobStore store(freshPath());
        QVERIFY(store.open().ok());
        JobRecord j = sampleJob();
        j.outputs = {{QStringLiteral("a.csv"), 1, QString()}, {QStringLiteral("b.csv"), 2, QString()}};
        const qint64 id = *store.addJob(j);
        QCOMPARE((*store.job(id))->outputs.size(), 2);
        QVERIFY(store.removeJob(id).ok());
        QVERIFY(!store.job(id)->has_value());
        QCOMPARE(store.jobs()->size(), 0);
    }

    void rerunClearsThePreviousEnd()
    {
        JobStore store(freshPath());
        QVERIFY(store.open().ok());
        JobRecord j = sampleJob();
        const qint64 id = *store.addJob(j);
        QVERIFY(store.setState(id, JobState::Running).ok());
        QVERIFY(store.setState(id, JobState::Failed, QStringLiteral("oops")).ok());
        QVERIFY((*store.job(id))->finished.isValid());
        QVERIFY(store.setState(id, JobState::Running).ok());
        const JobRecord r = **store.job(id);
        QCOMPARE(r.state, JobState::Running);
        QVERIFY(!r.finished.isValid());
        QVERIFY(r.errorMessage.isEmpty());
    }

    void migratesAVersionOneDatabase()
    {
        // Build a database as the first release wrote it, with a job in it.
        const QString path = freshPath();
        QDir().mkpath(QFileInfo(path).absolutePath());
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral(
                "CREATE TABLE jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, input_path TEXT NOT NULL,"
                " file_name TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL DEFAULT 0,"
                " dataset_type TEXT NOT NULL DEFAULT '', confidence REAL NOT NULL DEFAULT 0,"
                " level TEXT NOT NULL DEFAULT '', mapping_json TEXT NOT NULL DEFAULT '',"
                " parameters_json TEXT NOT NULL DEFAULT '', state TEXT NOT NULL,"
                " progress REAL NOT NULL DEFAULT 0, error_message TEXT NOT NULL DEFAULT '',"
                " created TEXT NOT NULL, started TEXT NOT NULL DEFAULT '',"
                " finished TEXT NOT NULL DEFAULT '', output_dir TEXT NOT NULL DEFAULT '')")));
            QVERIFY(q.exec(QStringLiteral(
                "CREATE TABLE outputs (job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
                " name TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,"
                " PRIMARY KEY (job_id, name))")));
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE schema_version (version INTEGER NOT NULL)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO schema_version VALUES (1)")));
            QVERIFY(q.exec(QStringLiteral(
                "INSERT INTO jobs (input_path, file_name, sha256, state, created) VALUES"
                " ('/a/old.csv', 'old.csv', 'ff', 'succeeded', '2025-01-02T03:04:05.000Z')")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("v1"));

        JobStore store(path);
        auto opened = store.open();
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().toString()));
        QCOMPARE(store.schemaVersionAtOpen(), 1);
        auto all = store.jobs();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), 1);
        QCOMPARE(all->at(0).fileName, QStringLiteral("old.csv"));
        QCOMPARE(all->at(0).state, JobState::Succeeded);
        QCOMPARE(all->at(0).created, QDateTime(QDate(2025, 1, 2), QTime(3, 4, 5), Qt::UTC));
        // The new table works.
        MappingProfile p{JobStore::headersKey({QStringLiteral("B"), QStringLiteral("A")}),
                         QStringLiteral("sales_orders"), QStringLiteral("{}"), {}};
        QVERIFY(store.saveProfile(p).ok());
    }

    void refusesANewerSchema()
    {
        const QString path = freshPath();
        {
            JobStore store(path);
            QVERIFY(store.open().ok());
        }
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("vN"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("UPDATE schema_version SET version = 99")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("vN"));
        JobStore store(path);
        auto opened = store.open();
        QVERIFY(!opened.ok());
        QVERIFY(opened.error().message.contains(u"newer finpipe"));
    }

    void profilesMatchHeadersInAnyOrder()
    {
        JobStore store(freshPath());
        QVERIFY(store.open().ok());
        const QStringList headers = {QStringLiteral("Site"), QStringLiteral("When"), QStringLiteral("Value")};
        MappingProfile p{JobStore::headersKey(headers), QStringLiteral("station_readings"),
                         QStringLiteral(R"({"roles":{"station":"Site"}})"), {}};
        QVERIFY(store.saveProfile(p).ok());
        const QStringList shuffled = {QStringLiteral("Value"), QStringLiteral("Site"), QStringLiteral("When")};
        auto got = store.profileFor(JobStore::headersKey(shuffled));
        QVERIFY(got.ok() && got->has_value());
        QCOMPARE((*got)->datasetType, QStringLiteral("station_readings"));
        QCOMPARE((*got)->mappingJson, p.mappingJson);
        QVERIFY(!store.profileFor(JobStore::headersKey({QStringLiteral("Site")}))->has_value());
    }

    void aZeroByteStoreIsMovedAsideAndRebuiltFromTheFolders()
    {
        const QString path = freshPath();
        const QString root = QFileInfo(path).absolutePath() + QStringLiteral("/jobs");
        // Job 3 in the older layout (the folder is the run), job 5 with runs 1 (good) and 2 (no manifest).
        QVERIFY(runInto(QDir(root).filePath(QStringLiteral("3"))));
        QVERIFY(runInto(QDir(root).filePath(QStringLiteral("5/runs/1"))));
        QVERIFY(QDir().mkpath(QDir(root).filePath(QStringLiteral("5/runs/2"))));
        test::writeFixture(QDir(root).filePath(QStringLiteral("5/job.json")),
                           R"({"id":5,"input_path":"/data/readings.csv","file_name":"readings.csv",)"
                           R"("spec":{"input_path":"/data/readings.csv","parameters":{"aggregation":"median"}}})");
        test::writeFixture(path, QByteArray());

        JobStore store(path);
        auto opened = store.open();
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().toString()));
        QVERIFY(store.createdAtOpen());
        QVERIFY(store.movedAsideAtOpen().startsWith(path + QStringLiteral(".damaged-")));
        QVERIFY(QFileInfo::exists(store.movedAsideAtOpen()));
        QCOMPARE(QFileInfo(store.movedAsideAtOpen()).size(), 0);

        auto found = rebuildFromFolders(store, root);
        QVERIFY2(found.ok(), qPrintable(found.ok() ? QString() : found.error().toString()));
        QCOMPARE(*found, 2);
        const JobRecord old = **store.job(3);
        QCOMPARE(old.fileName, QStringLiteral("readings.csv")); // from the manifest
        QCOMPARE(old.state, JobState::Succeeded);
        QCOMPARE(old.outputDir, QDir(root).filePath(QStringLiteral("3")));
        QCOMPARE(old.datasetType, QStringLiteral("station_readings"));
        QVERIFY(old.outputs.size() > 3);
        const JobRecord job = **store.job(5);
        QCOMPARE(job.inputPath, QStringLiteral("/data/readings.csv")); // from job.json
        QCOMPARE(job.runCount, 2);
        QCOMPARE(job.runNumber, 2);
        QCOMPARE(job.state, JobState::Interrupted);
        QCOMPARE(job.lastGoodRun, 1);
        QVERIFY(job.parametersJson.contains(u"median"));
        const auto runs = *store.runs(5);
        QCOMPARE(runs[0].state, JobState::Succeeded);
        QCOMPARE(runs[0].inputSha256, test::sha256Of(test::readAll(readingsPath())));
        // The next id is past every folder's.
        QVERIFY(*store.maxJobId() >= 5);
        // Rebuilding twice adds nothing.
        QCOMPARE(*rebuildFromFolders(store, root), 0);
    }

    void aGarbageStoreIsMovedAside()
    {
        const QString path = freshPath();
        QDir().mkpath(QFileInfo(path).absolutePath());
        test::writeFixture(path, QByteArray("SQLite format 3").append(4096, '\x5a'));
        JobStore store(path);
        auto opened = store.open();
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().toString()));
        QVERIFY(!store.movedAsideAtOpen().isEmpty());
        QCOMPARE(test::readAll(store.movedAsideAtOpen()).left(15), QByteArray("SQLite format 3"));
        // The fresh store works: jobs can be added (no "parameter count mismatch").
        JobRecord j = sampleJob();
        QVERIFY(store.addJob(j).ok());
        QCOMPARE(store.jobs()->size(), 1);
    }

    void aDatabaseWithoutTheSchemaIsMovedAside()
    {
        const QString path = freshPath();
        QDir().mkpath(QFileInfo(path).absolutePath());
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("other"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE something_else (x INTEGER)")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("other"));
        JobStore store(path);
        QVERIFY(store.open().ok());
        QVERIFY(!store.movedAsideAtOpen().isEmpty());
        // A healthy store is left where it is.
        JobStore again(path);
        QVERIFY(again.open().ok());
        QVERIFY(again.movedAsideAtOpen().isEmpty());
        QVERIFY(!again.createdAtOpen());
    }

    void migratesAVersionTwoDatabaseIntoRuns()
    {
        const QString path = freshPath();
        QDir().mkpath(QFileInfo(path).absolutePath());
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v2"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            for (const char *sql : {
                     "CREATE TABLE jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, input_path TEXT NOT NULL,"
                     " file_name TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL DEFAULT 0,"
                     " dataset_type TEXT NOT NULL DEFAULT '', confidence REAL NOT NULL DEFAULT 0,"
                     " level TEXT NOT NULL DEFAULT '', mapping_json TEXT NOT NULL DEFAULT '',"
                     " parameters_json TEXT NOT NULL DEFAULT '', state TEXT NOT NULL,"
                     " progress REAL NOT NULL DEFAULT 0, error_message TEXT NOT NULL DEFAULT '',"
                     " created TEXT NOT NULL, started TEXT NOT NULL DEFAULT '',"
                     " finished TEXT NOT NULL DEFAULT '', output_dir TEXT NOT NULL DEFAULT '',"
                     " detection_json TEXT NOT NULL DEFAULT '', sheet TEXT NOT NULL DEFAULT '')",
                     "CREATE INDEX jobs_sha256 ON jobs(sha256)",
                     "CREATE TABLE outputs (job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
                     " name TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (job_id, name))",
                     "CREATE TABLE mapping_profiles (headers_key TEXT PRIMARY KEY, dataset_type TEXT NOT NULL,"
                     " mapping_json TEXT NOT NULL, saved TEXT NOT NULL)",
                     "CREATE TABLE schema_version (version INTEGER NOT NULL)",
                     "INSERT INTO schema_version VALUES (2)",
                     "INSERT INTO jobs (input_path, file_name, sha256, size, level, state, error_message, created,"
                     " started, finished, output_dir) VALUES ('/a/old.csv', 'old.csv', 'ff', 9, 'very low',"
                     " 'failed', 'bad', '2025-01-02T03:04:05.000Z', '2025-01-02T03:04:06.000Z',"
                     " '2025-01-02T03:04:07.000Z', '/out/1')",
                     "INSERT INTO outputs VALUES (1, 'manifest.json', 10, 'ab')"})
                QVERIFY2(q.exec(QString::fromLatin1(sql)), sql);
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("v2"));

        JobStore store(path);
        auto opened = store.open();
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().toString()));
        QCOMPARE(store.schemaVersionAtOpen(), 2);
        QVERIFY(store.movedAsideAtOpen().isEmpty());
        const JobRecord j = **store.job(1);
        QCOMPARE(j.state, JobState::Failed);
        QCOMPARE(j.errorMessage, QStringLiteral("bad"));
        QCOMPARE(j.level, std::optional<detect::Level>(detect::Level::VeryLow)); // the old spelling
        QCOMPARE(j.runNumber, 1);
        QCOMPARE(j.runCount, 1);
        QCOMPARE(j.outputDir, QStringLiteral("/out/1"));
        QCOMPARE(j.finished, QDateTime(QDate(2025, 1, 2), QTime(3, 4, 7), Qt::UTC));
        QCOMPARE(j.outputs.size(), 1);
        QCOMPARE(j.outputs[0].name, QStringLiteral("manifest.json"));
        const JobRun r = **store.run(1, 1);
        QCOMPARE(r.inputSha256, QStringLiteral("ff"));
        // New runs go after it; the old one stays.
        JobRun next;
        next.jobId = 1;
        QCOMPARE(*store.addRun(next), 2);
        QCOMPARE((*store.job(1))->state, JobState::Queued);
        QCOMPARE(store.runs(1)->size(), 2);
        QCOMPARE(store.runs(1)->at(0).state, JobState::Failed);
        // Removing the job removes its runs and their outputs.
        QVERIFY(store.removeJob(1).ok());
        QCOMPARE(store.runs(1)->size(), 0);
        QVERIFY(store.maxJobId().ok() && *store.maxJobId() == 1); // ids are not reused
    }

    void unwritableLocationIsAClearError()
    {
        // A path under a regular file cannot be created.
        QFile f(m_dir.filePath(QStringLiteral("plainfile")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        JobStore store(m_dir.filePath(QStringLiteral("plainfile/sub/jobs.sqlite")));
        auto opened = store.open();
        QVERIFY(!opened.ok());
        QVERIFY(opened.error().message.contains(u"could not be created"));
    }
};

QTEST_GUILESS_MAIN(TestJobStore)
#include "tst_jobstore.moc"
