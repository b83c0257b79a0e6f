// A hundred `finpipe-cli submit`s of one new file at the same moment (a team's analysts dropping
// the same export): the file is uploaded once, the other 99 find it in the storage, and 100 jobs
// are queued on the one stored input.
#include "cloudtestenv.h"
#include "testutil.h"
#include "workerprocess.h"

#include <QTemporaryDir>
#include <QTest>


using namespace finpipe;
using namespace finpipe::test;

class TestCloudCrowd : public QObject
{
    Q_OBJECT

    TestDatabase m_db;
    QTemporaryDir m_tmp;

private Q_SLOTS:
    void initTestCase()
    {
        const QString why = loadCloudEnvironment();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        m_db = freshDatabase(QStringLiteral("t_cloud_crowd"));
        QVERIFY2(m_db.error.isEmpty(), qPrintable(m_db.error));
    }

    void hundredSubmissionsUploadOnce()
    {
        constexpr int kAnalysts = 4;
        constexpr int kSubmissions = 100;
        // A file no earlier test uploaded (its own bytes), from several analysts' logins.
        const QByteArray csv = readAll(seedPath(QStringLiteral("fintech_sales.csv"))) + "\n\n\n";
        const QString file = writeFixture(m_tmp.filePath(QStringLiteral("sales_crowd.csv")), csv);
        QStringList logins;
        for (int a = 0; a < kAnalysts; ++a)
            logins << m_db.login(QStringLiteral("t_crowd_ana%1").arg(a), QStringLiteral("finpipe_analyst"));
        const SubmittedTogether together = submitTogether(file, logins, kSubmissions);
        QVERIFY2(together.failure.isEmpty(), qPrintable(together.failure));
        QCOMPARE(together.uploaded, 1);
        QCOMPARE(together.stored, kSubmissions - 1);

        cloud::pg::Connection admin;
        QVERIFY(wait(admin.connect(m_db.admin)));
        const QString sql = QStringLiteral(
            "SELECT (SELECT count(*) FROM finpipe.uploads), (SELECT use_count FROM finpipe.uploads),"
            " (SELECT count(*) FROM finpipe.jobs WHERE state = 'queued'),"
            " (SELECT count(DISTINCT input_sha256) FROM finpipe.jobs),"
            " (SELECT count(*) FROM finpipe.job_events WHERE kind = 'url' AND url_method = 'PUT')");
        auto facts = wait(admin.query(sql, {}));
        QVERIFY(facts);
        QCOMPARE(facts->value(0, 0).toInt(), 1);            // one stored input
        QCOMPARE(facts->value(0, 1).toInt(), kSubmissions); // used by every job
        QCOMPARE(facts->value(0, 2).toInt(), kSubmissions);
        QCOMPARE(facts->value(0, 3).toInt(), 1);
        QCOMPARE(facts->value(0, 4).toInt(), 1); // one upload link was ever issued
    }
};

QTEST_GUILESS_MAIN(TestCloudCrowd)
#include "tst_cloud_crowd.moc"
