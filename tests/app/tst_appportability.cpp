// The app says what it is (About box, --version) and takes files at paths as analysts have them on
// Windows and macOS: spaces and non-ASCII letters in the input, the job store and the save folder.
#include "apptestutil.h"
#include "testutil.h"

#include "detailtabs.h"
#include "icons.h"
#include "jobmodel.h"

#include "common/buildinfo.h"
#include "common/version.h"

#include <QAction>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTimer>

using namespace finpipe;
using namespace finpipe::test;
using finpipe::jobs::JobState;

namespace {

QByteArray bytesOf(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestAppPortability : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aboutShowsVersionCommitAndQt()
    {
        AppFixture fx;
        app::MainWindow &w = fx.open();
        auto *about = w.findChild<QAction *>(QStringLiteral("actionAbout"));
        QVERIFY(about);

        // The About box is modal: read it from a timer while it is open, then close it.
        QString text;
        QString title;
        QTimer poll;
        connect(&poll, &QTimer::timeout, this, [&] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                text = box->text();
                title = box->windowTitle();
                box->accept();
            }
        });
        poll.start(20);
        about->trigger();
        poll.stop();

        QCOMPARE(title, QStringLiteral("About finpipe"));
        QVERIFY2(text.contains(QStringLiteral("finpipe %1").arg(QLatin1String(kVersion))), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("commit ") + buildCommit()), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Qt ") + QLatin1String(qVersion())), qPrintable(text));
        // The same facts, line for line, as --version prints.
        for (const QString &line : versionText(QStringLiteral("finpipe")).trimmed().split(u'\n'))
            QVERIFY2(text.contains(line.toHtmlEscaped()), qPrintable(line));
    }

    void versionOnTheCommandLineNeedsNoDisplay()
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(FINPIPE_APP_PATH), {QStringLiteral("--version")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        QCOMPARE(QString::fromUtf8(p.readAllStandardOutput()), versionText(QStringLiteral("finpipe")));
    }

    void pathsWithSpacesAndNonAsciiLetters()
    {
        AppFixture fx;
        // C:\Users\Zoë Müller\…: the input, the job store (and so every output) and the save folder.
        const QString home = fx.dir.filePath(QStringLiteral("Zoë Müller"));
        const QString input = home + QStringLiteral("/Documents/Q3 sales.xlsx");
        QVERIFY(QDir().mkpath(QFileInfo(input).absolutePath()));
        QVERIFY(QFile::copy(seedPath(QStringLiteral("raw_data.xlsx")), input));

        app::MainWindow::Options o;
        o.storePath = home + QStringLiteral("/AppData/Local/finpipe/jobs.sqlite");
        o.settings = fx.settings.get();
        o.prompts = &fx.prompts;
        fx.window = std::make_unique<app::MainWindow>(o);
        app::MainWindow &w = *fx.window;
        w.resize(1200, 800);
        w.show();

        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        dropFiles(&w, {input});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(finished.at(0).at(1).value<JobState>(), JobState::Succeeded);
        const jobs::JobRecord job = w.jobModel()->jobAt(0);
        QCOMPARE(job.fileName, QStringLiteral("Q3 sales.xlsx"));
        QCOMPARE(job.datasetType, QStringLiteral("station_readings"));
        QVERIFY2(job.outputDir.startsWith(home), qPrintable(job.outputDir));
        QVERIFY(!job.outputs.isEmpty());
        for (const jobs::JobOutput &out : job.outputs)
            QVERIFY2(QFile::exists(QDir(job.outputDir).filePath(out.name)), qPrintable(out.name));

        // Save all into a folder with such a name: every output, byte for byte.
        const QString saveTo = home + QStringLiteral("/Q3 Ergebnisse – März");
        QVERIFY(QDir().mkpath(saveTo));
        fx.prompts.folderTarget = saveTo;
        QSignalSpy saved(&w, &app::MainWindow::outputSaved);
        w.details()->setCurrentIndex(app::DetailTabs::OutputsTab);
        auto *saveAll = w.details()->findChild<QPushButton *>(QStringLiteral("saveAllButton"));
        QVERIFY(saveAll);
        QTest::mouseClick(saveAll, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), int(job.outputs.size()), 20000);
        for (const QList<QVariant> &s : saved)
            QVERIFY2(s.at(1).toString().isEmpty(), qPrintable(s.at(1).toString()));
        for (const jobs::JobOutput &out : job.outputs) {
            const QByteArray copy = bytesOf(QDir(saveTo).filePath(out.name));
            QVERIFY2(!copy.isEmpty(), qPrintable(out.name));
            QCOMPARE(copy, bytesOf(QDir(job.outputDir).filePath(out.name)));
        }
        QVERIFY(fx.prompts.errors.isEmpty());
    }
};

int main(int argc, char *argv[])
{
    finpipe::test::prepareGuiTestProcess();
    QApplication app(argc, argv);
    finpipeInitAppResources();
    TestAppPortability t;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&t, argc, argv);
}

#include "tst_appportability.moc"
