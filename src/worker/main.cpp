// finpipe-worker: runs cloud jobs. Settings from the environment: FINPIPE_DATABASE_URL (a login in
// finpipe_worker) and FINPIPE_S3_ENDPOINT, _REGION, _BUCKET, _ACCESS_KEY, _SECRET_KEY, _PATH_STYLE.
#include "worker/worker.h"

#include "common/buildinfo.h"
#include "common/platform.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimer>

#include <csignal>
#include <cstdio>

#if FINPIPE_POSIX_CALLS
#include <sys/socket.h>
#include <unistd.h>
#endif

using namespace finpipe;
using namespace finpipe::worker;

namespace {

#if FINPIPE_POSIX_CALLS
int g_signalPipe[2] = {-1, -1};

extern "C" void onSignal(int signal)
{
    const char c = char(signal);
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &c, 1);
}
#else
// Portable path: the handler counts; a timer on the event loop notices.
volatile std::sig_atomic_t g_signals = 0;

extern "C" void onSignal(int signal)
{
    g_signals = g_signals + 1;
    std::signal(signal, onSignal); // some systems reset the handler before calling it
}
#endif

int usage(const QString &message)
{
    logLine("error", "usage", {{QStringLiteral("message"), message}});
    return WorkerUsage;
}

QCoro::Task<> runWorker(Worker *worker)
{
    const int code = co_await worker->run();
    QCoreApplication::exit(code);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("finpipe"));
    QCoreApplication::setApplicationVersion(versionText(QStringLiteral("finpipe-worker")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Claims finpipe cloud jobs from the PostgreSQL queue, runs them with the same engine as finpipe-cli analyze "
        "and stores their outputs in S3. Settings: FINPIPE_DATABASE_URL (a login in finpipe_worker), FINPIPE_S3_ENDPOINT, "
        "FINPIPE_S3_REGION, FINPIPE_S3_BUCKET, FINPIPE_S3_ACCESS_KEY, FINPIPE_S3_SECRET_KEY, FINPIPE_S3_PATH_STYLE. "
        "SIGTERM or Ctrl-C: stop claiming and finish the running jobs; a second one puts them back in the queue. "
        "Exit codes: 0 ok, 2 usage or settings, 8 the database is unreachable or refused us. Logs: one JSON object per "
        "line on stderr."));
    parser.addHelpOption();
    const QCommandLineOption versionOpt({QStringLiteral("v"), QStringLiteral("version")},
                                        QStringLiteral("Displays the version, the commit it was built from and Qt's version."));
    parser.addOption(versionOpt);
    const QCommandLineOption concurrencyOpt(QStringLiteral("concurrency"), QStringLiteral("Jobs run at once (default 1)."),
                                            QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption leaseOpt(QStringLiteral("lease"), QStringLiteral("Lease length in seconds (default 30); "
                                                                              "heartbeats every third of it."),
                                      QStringLiteral("SECONDS"), QStringLiteral("30"));
    const QCommandLineOption onceOpt(QStringLiteral("once"), QStringLiteral("Exit when no job is ready."));
    parser.addOptions({concurrencyOpt, leaseOpt, onceOpt});
    parser.process(app);
    if (parser.isSet(versionOpt)) {
        std::fputs(qPrintable(QCoreApplication::applicationVersion()), stdout);
        return 0;
    }
    if (!parser.positionalArguments().isEmpty())
        return usage(QStringLiteral("finpipe-worker takes no arguments, only options"));

    WorkerOptions options;
    bool ok = false;
    options.concurrency = parser.value(concurrencyOpt).toInt(&ok);
    if (!ok || options.concurrency < 1 || options.concurrency > 256)
        return usage(QStringLiteral("--concurrency takes a number from 1 to 256"));
    options.leaseSeconds = parser.value(leaseOpt).toInt(&ok);
    if (!ok || options.leaseSeconds < 3 || options.leaseSeconds > 3600)
        return usage(QStringLiteral("--lease takes a number of seconds from 3 to 3600"));
    options.once = parser.isSet(onceOpt);
    options.databaseUrl = qEnvironmentVariable("FINPIPE_DATABASE_URL").trimmed();
    if (options.databaseUrl.isEmpty())
        return usage(QStringLiteral("FINPIPE_DATABASE_URL is not set"));
    Result<cloud::s3::Settings> storage = cloud::s3::Settings::fromEnvironment();
    if (!storage)
        return usage(storage.error().message);
    options.storage = *storage;

    Worker worker(options);
    int stops = 0;
    auto onStop = [&worker, &stops] {
        if (++stops == 1)
            worker.stop();
        else
            worker.abort();
    };
#if FINPIPE_POSIX_CALLS
    // Signals arrive through a socket pair, so that the handler does nothing but write a byte.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return usage(QStringLiteral("cannot set up signal handling"));
    QSocketNotifier signalNotifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&signalNotifier, &QSocketNotifier::activated, &worker, [onStop] {
        char c = 0;
        [[maybe_unused]] const ssize_t n = ::read(g_signalPipe[0], &c, 1);
        onStop();
    });
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGINT, &sa, nullptr);
#else
    // Portable path (Windows: Ctrl-C in a console raises SIGINT; SIGTERM is never raised there).
    QTimer signalPoll;
    int seen = 0;
    QObject::connect(&signalPoll, &QTimer::timeout, &worker, [onStop, &seen] {
        for (const int now = int(g_signals); seen < now; ++seen)
            onStop();
    });
    signalPoll.start(100);
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
#endif

    runWorker(&worker);
    return app.exec();
}
