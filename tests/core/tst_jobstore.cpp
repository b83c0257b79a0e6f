#include "jobs/jobstore.h"

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
        j.level = QStringLiteral("high");
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
