// The GUI thread must never freeze: this measures the longest event-loop stall of the real main
// window (offscreen) while (1) a large file is hashed and detected, (2) a 2-million-row job runs,
// and, with --cloud, (3) the same file goes to the team cloud: uploaded through the database's
// link, followed live while a worker runs it, and its outputs downloaded and checked.
//
//   finpipe-bench-gui-stall [--size-mb 1024] [--rows 2000000] [--cloud]
//
// --cloud needs the test servers (scripts/cloud-servers.sh start) and a keychain: run it as
//   scripts/with-keyring.sh build/ci/bench/finpipe-bench-gui-stall --cloud
//
// A 2 ms timer runs on the GUI thread; a stall is the time between two of its ticks beyond 2 ms.
#include "appsettings.h"
#include "cloudsettings.h"
#include "cloudtestenv.h"
#include "detectiondialog.h"
#include "icons.h"
#include "secretstore.h"

#include "cloud/queue/cloudexecutor.h"
#include "intake.h"
#include "mainwindow.h"
#include "prompts.h"
#include "readingsgen.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace finpipe;

namespace {

class BenchPrompts : public app::Prompts
{
public:
    DuplicateChoice askDuplicate(QWidget *, const QString &, const QDateTime &, const QString &) override
    {
        return DuplicateChoice::AnalyseAgain;
    }
    bool confirmOverwrite(QWidget *, const QString &) override { return false; }
    QString saveFilePath(QWidget *, const QString &) override { return {}; }
    QString saveFolder(QWidget *, const QString &) override { return {}; }
    QStringList openFiles(QWidget *, const QString &) override { return {}; }
    int chooseItem(QWidget *, const QString &, const QString &, const QStringList &) override { return -1; }
    RemoveChoice confirmRemove(QWidget *, int, qint64, int) override { return RemoveChoice::KeepFiles; }
    bool confirmQuit(QWidget *, int) override { return true; }
    void showError(QWidget *, const QString &title, const QString &message) override
    {
        std::fprintf(stderr, "error: %s: %s\n", qPrintable(title), qPrintable(message));
    }
};

//! Records the gaps between ticks of a fast timer on the GUI thread.
class StallMeter
{
public:
    StallMeter()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(2);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            const double gap = double(now - m_last) / 1e6 - 2.0;
            if (m_verbose && gap > 40.0)
                std::printf("  stall %.1f ms ending at %.2f s\n", gap, double(now) / 1e9);
            if (m_gaps.empty() || gap > maxStall())
                m_worstAt = double(now) / 1e9;
            m_gaps.push_back(gap);
            m_last = now;
        });
    }
    void start()
    {
        m_gaps.clear();
        m_clock.start();
        m_last = 0;
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    double maxStall() const { return m_gaps.empty() ? 0 : std::max(0.0, *std::max_element(m_gaps.begin(), m_gaps.end())); }
    double percentile(double p) const
    {
        if (m_gaps.empty())
            return 0;
        std::vector<double> g = m_gaps;
        std::sort(g.begin(), g.end());
        return std::max(0.0, g[size_t(p * double(g.size() - 1))]);
    }
    double seconds() const { return double(m_clock.elapsed()) / 1000.0; }
    //! Seconds after start() at which the longest stall ended.
    double worstAt() const { return m_worstAt; }
    //! Prints every stall over 40 ms as it happens (FINPIPE_BENCH_VERBOSE=1).
    void setVerbose(bool on) { m_verbose = on; }
    double now() const { return double(m_clock.nsecsElapsed()) / 1e9; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    std::vector<double> m_gaps;
    double m_worstAt = 0;
    bool m_verbose = false;
};

void report(const char *phase, const StallMeter &m)
{
    std::printf("%-28s %7.2f s   longest stall %6.1f ms (at %.2f s)   p99 %5.1f ms   %s\n", phase, m.seconds(),
                m.maxStall(), m.worstAt(), m.percentile(0.99), m.maxStall() < 50.0 ? "ok (< 50 ms)" : "OVER 50 ms");
    std::fflush(stdout);
}

void spin(const std::function<bool()> &done)
{
    while (!done())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QStandardPaths::setTestModeEnabled(true);
    QApplication qapp(argc, argv);
    finpipeInitAppResources();

    qint64 sizeMb = 1024;
    qint64 rows = 2'000'000;
    const QStringList args = QCoreApplication::arguments();
    const bool cloud = args.contains(QStringLiteral("--cloud"));
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == u"--size-mb")
            sizeMb = args[i + 1].toLongLong();
        else if (args[i] == u"--rows")
            rows = args[i + 1].toLongLong();
    }

    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    BenchPrompts prompts;
    app::MainWindow::Options options;
    options.storePath = dir.filePath(QStringLiteral("store/jobs.sqlite"));
    options.settings = &settings;
    options.prompts = &prompts;
    app::MainWindow window(options);
    window.resize(1280, 800);
    window.show();
    StallMeter meter;
    const bool verbose = qEnvironmentVariableIntValue("FINPIPE_BENCH_VERBOSE") != 0;
    meter.setVerbose(verbose);
    if (verbose)
        QObject::connect(window.controller(), &jobs::JobController::jobChanged, [&](qint64 id) {
            auto j = window.store().job(id);
            if (j.ok() && j->has_value())
                std::printf("  %.2f s: job %lld %s%s\n", meter.now(), id, qPrintable(jobs::jobStateName((*j)->state)),
                            (*j)->remoteId.isEmpty() ? "" : " (in the cloud)");
        });

    // 1. A large file: hashing (with progress) and detection, up to the detection dialog.
    {
        const QString big = dir.filePath(QStringLiteral("big.csv"));
        const QString seed = dir.filePath(QStringLiteral("seed.csv"));
        finpipe::bench::writeReadings(seed, 200'000);
        QFile in(seed);
        in.open(QIODevice::ReadOnly);
        const QByteArray head = in.readAll();
        const QByteArray body = head.mid(head.indexOf('\n') + 1);
        QFile out(big);
        out.open(QIODevice::WriteOnly);
        out.write(head);
        while (out.size() < sizeMb * 1024 * 1024)
            out.write(body);
        out.close();
        std::printf("hashing and detecting a %.0f MB CSV\n", double(QFile(big).size()) / 1048576.0);
        app::AppSettings(&settings).setAutoProceedLevel(QStringLiteral("never")); // stop at the dialog
        meter.start();
        window.openPaths({big});
        spin([&] { return window.intake()->dialog() != nullptr || !window.intake()->isBusy(); });
        meter.stop();
        report("hash + detect (GUI thread)", meter);
        if (auto *dlg = window.intake()->dialog())
            dlg->reject();
        spin([&] { return !window.intake()->isBusy(); });
        QFile::remove(big);
    }

    // 2. A 2-million-row readings job from drop to dashboard.
    {
        const QString path = dir.filePath(QStringLiteral("readings.csv"));
        finpipe::bench::writeReadings(path, rows);
        std::printf("running a %lld-row station readings job\n", rows);
        app::AppSettings(&settings).setAutoProceedLevel(QStringLiteral("high"));
        bool finished = false;
        QObject::connect(&window, &app::MainWindow::jobFinished, [&] { finished = true; });
        meter.start();
        window.openPaths({path});
        spin([&] { return finished; });
        meter.stop();
        report("job run (GUI thread)", meter);
    }

    // 3. The same file in the team cloud: upload, live states, download of every output.
    if (cloud) {
        const QString why = finpipe::test::loadCloudEnvironment();
        if (!why.isEmpty()) {
            std::fprintf(stderr, "--cloud: %s\n", qPrintable(why));
            return 1;
        }
        const finpipe::test::TestDatabase db = finpipe::test::freshDatabase(QStringLiteral("bench_gui_cloud"));
        if (!db.error.isEmpty()) {
            std::fprintf(stderr, "--cloud: %s\n", qPrintable(db.error));
            return 1;
        }
        const QString analyst = db.login(QStringLiteral("bench_gui_ana"), QStringLiteral("finpipe_analyst"));
        const QString workerLogin = db.login(QStringLiteral("bench_gui_worker"), QStringLiteral("finpipe_worker"));
        auto parsed = app::parseCloudUrl(analyst);
        app::AppSettings appSettings(&settings);
        appSettings.setCloud(parsed->first);
        appSettings.setDefaultRunPlace(QStringLiteral("cloud"));
        app::SecretStore secrets(QStringLiteral("finpipe"));
        bool stored = false, answered = false;
        secrets.write(app::cloudPasswordKey(parsed->first), parsed->second, [&](Result<void> r) {
            stored = bool(r);
            answered = true;
        });
        spin([&] { return answered; });
        if (!stored) {
            std::fprintf(stderr, "--cloud: no keychain (run through scripts/with-keyring.sh)\n");
            return 1;
        }
        QProcess worker;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("FINPIPE_DATABASE_URL"), workerLogin);
        worker.setProcessEnvironment(env);
        worker.setProcessChannelMode(QProcess::ForwardedOutputChannel);
        worker.setStandardErrorFile(QProcess::nullDevice());
        worker.start(QStringLiteral(FINPIPE_WORKER_PATH), {});
        window.loadCloudSettings();
        spin([&] { return window.cloudExecutor()->isConnected(); });
        const QString path = dir.filePath(QStringLiteral("readings.csv"));
        std::printf("the %lld-row job in the team cloud (upload, follow, download)\n", rows);
        bool finished = false;
        jobs::JobState state = jobs::JobState::Queued;
        QObject::connect(&window, &app::MainWindow::jobFinished, [&](qint64, jobs::JobState s) {
            finished = true;
            state = s;
        });
        meter.start();
        window.openPaths({path});
        spin([&] { return finished; });
        meter.stop();
        report("cloud job (GUI thread)", meter);
        if (state != jobs::JobState::Succeeded)
            std::printf("the cloud job did not succeed (%s)\n", qPrintable(jobs::jobStateName(state)));
        worker.terminate();
        worker.waitForFinished(10000);
    }
    return 0;
}
