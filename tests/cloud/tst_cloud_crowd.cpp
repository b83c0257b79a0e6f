// A hundred `finpipe-cli submit`s of one new file at the same moment (a team's analysts dropping
// the same export): the file is uploaded once, the other 99 find it in the storage, and 100 jobs
// are queued on the one stored input.
#include "cloudtestenv.h"
#include "testutil.h"
#include "workerprocess.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

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
        std::vector<std::unique_ptr<QProcess>> runs;
        for (int i = 0; i < kSubmissions; ++i) {
            runs.push_back(std::make_unique<QProcess>());
            runs.back()->setProcessEnvironment(envWith(logins.at(i % kAnalysts), false));
            runs.back()->start(kCliPath, {QStringLiteral("submit"), file});
        }
        int uploaded = 0, stored = 0;
        for (auto &p : runs) {
            QVERIFY(p->waitForFinished(300000));
            const QByteArray out = p->readAllStandardOutput();
            QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
            uploaded += out.contains(", uploaded).") ? 1 : 0;
            stored += out.contains("already in the storage") ? 1 : 0;
        }
        QCOMPARE(uploaded, 1);
        QCOMPARE(stored, kSubmissions - 1);

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
