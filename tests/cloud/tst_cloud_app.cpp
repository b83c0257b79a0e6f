// The desktop app with the team cloud, against the real servers, a real worker and a real keychain
// (scripts/with-keyring.sh) under Xvfb: the cloud's password is read from the keychain and the app
// connects; a file dropped with "Team cloud" as the place to run goes there, its states arrive live
// (the list names the worker's host), its dashboard opens and its outputs save like a local job's,
// byte-identical to a local run; Copy link gives a working link; the detection dialog offers the
// choice; a running cloud job is cancelled from the window. Screenshots with FINPIPE_SHOTS_DIR.

#include "apptestutil.h"
#include "cloudtestenv.h"
#include "workerprocess.h"

#include "appsettings.h"
#include "cloudsettings.h"
#include "detailtabs.h"
#include "detectiondialog.h"
#include "intake.h"
#include "jobmodel.h"
#include "secretstore.h"

#include "cloud/queue/cloudexecutor.h"

#include <QClipboard>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>

using namespace finpipe;
using namespace finpipe::test;
using jobs::JobState;

namespace {

void saveShot(QWidget *w, const QString &name)
{
    const QString dir = qEnvironmentVariable("FINPIPE_SHOTS_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(400);
    QVERIFY(w->grab().save(QDir(dir).filePath(name + QStringLiteral(".png"))));
}

bool writeSecret(app::SecretStore &store, const QString &key, const QString &secret, QString *why)
{
    std::optional<Result<void>> done;
    store.write(key, secret, [&](Result<void> r) { done = std::move(r); });
    if (!QTest::qWaitFor([&] { return done.has_value(); }, 10000)) {
        *why = QStringLiteral("the keychain did not answer");
        return false;
    }
    if (!*done)
        *why = done->error().toString();
    return bool(*done);
}

} // namespace

class TestCloudApp : public QObject
{
    Q_OBJECT

    TestDatabase m_db;
    QString m_ana;
    QString m_worker;
    QTemporaryDir m_tmp;

    //! Settings as the Cloud page leaves them: the connection in QSettings, the password in the
    //! keychain, and `place` as the default place to run.
    void configure(AppFixture &f, const QString &place)
    {
        auto parsed = app::parseCloudUrl(m_ana);
        QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().message));
        app::AppSettings settings(f.settings.get());
        settings.setCloud(parsed->first);
        settings.setDefaultRunPlace(place);
        app::SecretStore secrets(QStringLiteral("finpipe"));
        QString why;
        QVERIFY2(writeSecret(secrets, app::cloudPasswordKey(parsed->first), parsed->second, &why), qPrintable(why));
    }

    //! Runs the event loop until the window's job `id` is in `state`.
    static bool waitForState(app::MainWindow &w, qint64 id, JobState state, int ms)
    {
        return QTest::qWaitFor([&] {
            auto j = w.store().job(id);
            return j.ok() && j->has_value() && (*j)->state == state;
        }, ms);
    }
    static jobs::JobRecord jobOf(app::MainWindow &w, qint64 id) { return w.store().job(id).value().value(); }

private Q_SLOTS:
    void initTestCase()
    {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            QFAIL("no D-Bus session: run this test through scripts/with-keyring.sh");
        const QString why = loadCloudEnvironment();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        m_db = freshDatabase(QStringLiteral("t_cloud_app"));
        QVERIFY2(m_db.error.isEmpty(), qPrintable(m_db.error));
        m_ana = m_db.login(QStringLiteral("t_app_ana"), QStringLiteral("finpipe_analyst"));
        m_worker = m_db.login(QStringLiteral("t_app_worker"), QStringLiteral("finpipe_worker"));
        QVERIFY(m_tmp.isValid());
    }

    void localAndCloudJobsSideBySide()
    {
        WorkerProcess worker(m_worker, {});
        QVERIFY(worker.waitFor("started", {}, 20000));
        AppFixture f;
        configure(f, QStringLiteral("local"));
        app::MainWindow &w = f.open();
        // The password came out of the keychain: the app is connected.
        QVERIFY2(QTest::qWaitFor([&] { return w.cloudExecutor()->isConnected(); }, 20000),
                 qPrintable(w.cloudExecutor()->unavailableReason()));
        auto *status = w.findChild<QLabel *>(QStringLiteral("cloudStatus"));
        QVERIFY(status);
        QCOMPARE(status->text(), QStringLiteral("Team cloud: connected"));

        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        w.openPaths({seedPath(QStringLiteral("fintech_sales.csv"))});
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.last().at(1).value<JobState>(), JobState::Succeeded);
        const qint64 localId = finished.last().at(0).toLongLong();
        QCOMPARE(jobOf(w, localId).place, QStringLiteral("local"));

        // Team cloud as the default place: a sure file goes there without a dialog.
        app::AppSettings(f.settings.get()).setDefaultRunPlace(QStringLiteral("cloud"));
        QList<JobState> seen;
        qint64 cloudId = 0;
        QElapsedTimer t;
        qint64 firstLiveMs = -1;
        connect(w.controller(), &jobs::JobController::jobAdded, this, [&](qint64 id) {
            cloudId = id;
            t.start();
        });
        connect(w.controller(), &jobs::JobController::jobChanged, this, [&](qint64 id) {
            if (id != cloudId)
                return;
            const JobState s = jobOf(w, id).state;
            if (seen.isEmpty() || seen.last() != s)
                seen.append(s);
            if (s == JobState::Running && firstLiveMs < 0)
                firstLiveMs = t.elapsed();
        });
        QSignalSpy dashboard(w.details(), &app::DetailTabs::dashboardLoadFinished);
        w.openPaths({seedPath(QStringLiteral("raw_data.xlsx"))});
        QVERIFY(finished.wait(90000));
        QCOMPARE(finished.last().at(0).toLongLong(), cloudId);
        QVERIFY2(finished.last().at(1).value<JobState>() == JobState::Succeeded, qPrintable(jobOf(w, cloudId).errorMessage));
        qInfo("drop -> running in the list: %lld ms", firstLiveMs);
        QVERIFY(seen.contains(JobState::Running));
        const jobs::JobRecord job = jobOf(w, cloudId);
        QCOMPARE(job.place, QStringLiteral("cloud"));
        const int row = w.jobModel()->rowOf(cloudId);
        QVERIFY(row >= 0);
        const QString where = w.jobModel()->data(w.jobModel()->index(row, app::JobModel::WhereColumn), Qt::DisplayRole).toString();
        QVERIFY2(where.startsWith(QStringLiteral("Cloud · ")), qPrintable(where));
        // Its dashboard opens in the window, from the downloaded copy.
        QVERIFY(!dashboard.isEmpty() || dashboard.wait(20000));
        QCOMPARE(dashboard.last().at(0).toBool(), true);
        QCOMPARE(w.currentJobId(), cloudId);

        // Save all: the same bytes as a local analysis of the same file.
        const QString saved = m_tmp.filePath(QStringLiteral("saved"));
        QVERIFY(QDir().mkpath(saved));
        f.prompts.folderTarget = saved;
        QSignalSpy savedSpy(&w, &app::MainWindow::outputSaved);
        w.saveAllOutputs();
        QVERIFY(QTest::qWaitFor([&] { return savedSpy.size() >= job.outputs.size(); }, 20000));
        const QString localDir = m_tmp.filePath(QStringLiteral("local"));
        const CliRun local = runCli({QStringLiteral("analyze"), seedPath(QStringLiteral("raw_data.xlsx")), QStringLiteral("--out"),
                                     localDir, QStringLiteral("--quiet")});
        QCOMPARE(local.exitCode, 0);
        int compared = 0;
        for (const jobs::JobOutput &o : job.outputs) {
            const QByteArray bytes = readAll(QDir(saved).filePath(o.name));
            QCOMPARE(sha256Of(bytes), o.sha256);
            if (o.name.endsWith(QStringLiteral(".csv")) || o.name.endsWith(QStringLiteral(".html"))) {
                QVERIFY2(bytes == readAll(QDir(localDir).filePath(o.name)), qPrintable(o.name));
                ++compared;
            }
        }
        QVERIFY(compared >= 4);

        // Copy link: a link to the cloud's copy that serves the same bytes.
        w.details()->setCurrentIndex(app::DetailTabs::OutputsTab);
        auto *link = w.details()->findChild<QPushButton *>(QStringLiteral("link_CT_Analysis.csv"));
        QVERIFY(link);
        QSignalSpy copied(&w, &app::MainWindow::linkCopied);
        link->click();
        QVERIFY(copied.wait(10000));
        const QString url = QGuiApplication::clipboard()->text();
        QVERIFY2(url.contains(QStringLiteral("X-Amz-Expires=3600")), qPrintable(url));
        QNetworkAccessManager nam;
        std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(QUrl::fromEncoded(url.toUtf8()))));
        QSignalSpy got(reply.get(), &QNetworkReply::finished);
        QVERIFY(got.wait(10000));
        QCOMPARE(reply->readAll(), readAll(QDir(localDir).filePath(QStringLiteral("CT_Analysis.csv"))));
        saveShot(w.details(), QStringLiteral("cloud-outputs-tab"));

        // The job list with both kinds of job, at a small and a large size.
        for (const QSize size : {QSize(1024, 700), QSize(1600, 1000)}) {
            w.resize(size);
            w.details()->setCurrentIndex(app::DetailTabs::DashboardTab);
            saveShot(&w, QStringLiteral("jobs-local-and-cloud-%1x%2").arg(size.width()).arg(size.height()));
        }
    }

    void theDetectionDialogOffersTheCloudAndCancelWorks()
    {
        WorkerProcess worker(m_worker, {QStringLiteral("--lease"), QStringLiteral("3")});
        QVERIFY(worker.waitFor("started", {}, 20000));
        AppFixture f;
        configure(f, QStringLiteral("local"));
        app::MainWindow &w = f.open();
        w.resize(1024, 700);
        QVERIFY(QTest::qWaitFor([&] { return w.cloudExecutor()->isConnected(); }, 20000));
        const QString big = writeBigStationFile(m_tmp.filePath(QStringLiteral("big readings.csv")), 3);
        w.reviewPaths({big});
        app::DetectionDialog *dlg = nullptr;
        QVERIFY(QTest::qWaitFor([&] { return (dlg = w.intake()->dialog()) && dlg->isVisible(); }, 60000));
        auto *local = dlg->findChild<QRadioButton *>(QStringLiteral("runLocalRadio"));
        auto *cloudRadio = dlg->findChild<QRadioButton *>(QStringLiteral("runCloudRadio"));
        QVERIFY(local && cloudRadio);
        QVERIFY(local->isChecked());
        QVERIFY(cloudRadio->isEnabled());
        cloudRadio->setChecked(true);
        saveShot(dlg, QStringLiteral("detection-dialog-run-on-1024x700"));
        QSignalSpy added(w.controller(), &jobs::JobController::jobAdded);
        QVERIFY(dlg->canRun());
        QTest::mouseClick(dlg->runButton(), Qt::LeftButton);
        QVERIFY2(added.count() == 1 || added.wait(10000),
                 qPrintable(f.prompts.errors.join(u'\n') + QString::number(w.jobModel()->rowCount())));
        const qint64 id = added.first().at(0).toLongLong();
        QCOMPARE(jobOf(w, id).place, QStringLiteral("cloud"));
        // The choice is remembered for the next dialog.
        QCOMPARE(app::AppSettings(f.settings.get()).defaultRunPlace(), QStringLiteral("cloud"));

        QVERIFY2(waitForState(w, id, JobState::Running, 90000), qPrintable(jobOf(w, id).errorMessage));
        QElapsedTimer t;
        t.start();
        w.selectJob(id);
        w.cancelJobs({id});
        QVERIFY(waitForState(w, id, JobState::Cancelled, 20000));
        qInfo("a running cloud job cancelled from the window stopped in %lld ms", t.elapsed());
    }
};

QTEST_MAIN(TestCloudApp)
#include "tst_cloud_app.moc"
