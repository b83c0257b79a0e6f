#include "cli.h"
#include "specoptions.h"

#include "common/percent.h"
#include "common/platform.h"
#include "common/terminal.h"
#include "jobs/pipeline.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QFuture>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <csignal>
#include <cstdio>
#include <exception>
#include <new>

#if FINPIPE_POSIX_CALLS
#include <signal.h>
#endif

namespace finpipe::cli {

namespace {

QString shellQuote(const QString &s)
{
    static const QString safe = QStringLiteral("-_=./:,@%+");
    bool plain = !s.isEmpty();
    for (QChar c : s)
        plain = plain && (c.isLetterOrNumber() || safe.contains(c));
    if (plain)
        return s;
    QString q = s;
    q.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + q + QLatin1Char('\'');
}

QString humanCount(double n)
{
    if (n >= 1e6)
        return QString::number(n / 1e6, 'f', 1) + QLatin1Char('M');
    if (n >= 1e4)
        return QString::number(n / 1e3, 'f', 0) + QLatin1Char('k');
    return QString::number(qint64(n));
}

QString humanSize(qint64 bytes)
{
    if (bytes >= 1 << 20)
        return QString::number(double(bytes) / double(1 << 20), 'f', 1) + QStringLiteral(" MB");
    if (bytes >= 1 << 10)
        return QString::number(double(bytes) / double(1 << 10), 'f', 1) + QStringLiteral(" KB");
    return QString::number(bytes) + QStringLiteral(" bytes");
}

//! One progress line on a terminal: phase, percent, rows, rows/s and ETA.
QString progressLine(const Feedback &fb, qint64 elapsedMs)
{
    const double secs = qMax(0.001, double(elapsedMs) / 1000.0);
    const double rate = double(fb.rows()) / secs;
    QString line = QString::fromLatin1(fb.phase());
    const double f = fb.fraction();
    if (f >= 0) {
        line += QStringLiteral(" %1%").arg(int(f * 100), 3);
        if (f > 0.01) {
            const double eta = secs * (1.0 - f) / f;
            line += QStringLiteral("  ETA %1s").arg(qint64(eta + 0.5));
        }
    }
    if (fb.rows() > 0)
        line += QStringLiteral("  %1 rows  %2 rows/s").arg(humanCount(double(fb.rows())), humanCount(rate));
    return line;
}

//! What to type to choose a guess, e.g. "--type station_readings --map station=Station_ID".
QString overrideFlags(const jobs::DetectionGuess &g)
{
    QStringList parts{QStringLiteral("--type"), g.datasetType};
    for (auto it = g.mapping.cbegin(); it != g.mapping.cend(); ++it)
        parts << QStringLiteral("--map") << shellQuote(it.key() + QLatin1Char('=') + it.value());
    return parts.join(QLatin1Char(' '));
}

//! The analyst's own command line without --type and --map, shell-quoted, so that the advice
//! below repeats their --out, --format and the rest.
QString otherArguments(const QStringList &args)
{
    QStringList kept;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == u"--type" || a == u"--map") {
            ++i;
            continue;
        }
        if (a.startsWith(u"--type=") || a.startsWith(u"--map="))
            continue;
        kept << shellQuote(a);
    }
    return kept.join(QLatin1Char(' '));
}

void printUncertain(const QStringList &args, const jobs::Manifest &m)
{
    err() << "Best guesses:" << Qt::endl;
    int shown = 0;
    for (const jobs::DetectionGuess &g : m.guesses) {
        if (shown++ == 3)
            break;
        err() << "  " << g.datasetType << "  confidence " << QString::number(wholePercent(g.confidence) / 100.0, 'f', 2) << " ("
              << g.level << ")" << Qt::endl;
    }
    for (const QString &r : m.reasons)
        err() << "  - " << r << Qt::endl;
    if (!m.guesses.isEmpty()) {
        err() << "To analyse it as the best guess, run:" << Qt::endl
              << "  finpipe-cli analyze " << otherArguments(args) << ' ' << overrideFlags(m.guesses.first()) << Qt::endl;
    }
}

void printOutputs(const jobs::Manifest &m, QTextStream &s)
{
    for (const jobs::OutputFile &o : m.outputs)
        s << "  " << QDir::toNativeSeparators(o.path) << "  (" << humanSize(o.size) << ")" << Qt::endl;
}

volatile std::sig_atomic_t g_stopSignal = 0;

extern "C" void onStopSignal(int signal)
{
    g_stopSignal = signal;
#if !FINPIPE_POSIX_CALLS
    // Portable path: the next one ends the process (what SA_RESETHAND does on POSIX). C allows a
    // handler to reset its own signal.
    std::signal(signal, SIG_DFL);
#endif
}

//! Ctrl-C and SIGTERM cancel the job through its Feedback while installed; a second Ctrl-C ends
//! the process at once (the next run then removes what it left).
class StopSignals
{
public:
    StopSignals()
    {
#if FINPIPE_POSIX_CALLS
        struct sigaction sa {};
        sa.sa_handler = onStopSignal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND | SA_RESTART;
        ::sigaction(SIGINT, &sa, &m_oldInt);
        ::sigaction(SIGTERM, &sa, &m_oldTerm);
#else
        // Portable path (Windows raises SIGINT for Ctrl-C and Ctrl-Break in a console).
        m_oldInt = std::signal(SIGINT, onStopSignal);
        m_oldTerm = std::signal(SIGTERM, onStopSignal);
#endif
    }
    ~StopSignals()
    {
#if FINPIPE_POSIX_CALLS
        ::sigaction(SIGINT, &m_oldInt, nullptr);
        ::sigaction(SIGTERM, &m_oldTerm, nullptr);
#else
        std::signal(SIGINT, m_oldInt == SIG_ERR ? SIG_DFL : m_oldInt);
        std::signal(SIGTERM, m_oldTerm == SIG_ERR ? SIG_DFL : m_oldTerm);
#endif
    }
    StopSignals(const StopSignals &) = delete;
    StopSignals &operator=(const StopSignals &) = delete;

private:
#if FINPIPE_POSIX_CALLS
    struct sigaction m_oldInt {};
    struct sigaction m_oldTerm {};
#else
    using Handler = void (*)(int);
    Handler m_oldInt = SIG_DFL;
    Handler m_oldTerm = SIG_DFL;
#endif
};

//! runJob with nothing escaping: an unexpected exception becomes an analysis failure (exit 5).
Result<jobs::Manifest> runGuarded(const jobs::JobSpec &spec, Feedback *feedback, jobs::Manifest *partial)
{
    QString what;
    try {
        return jobs::runJob(spec, feedback, partial);
    } catch (const std::bad_alloc &) {
        what = QStringLiteral("it ran out of memory");
    } catch (const std::exception &e) {
        what = QStringLiteral("an unexpected internal error (%1)").arg(QString::fromLocal8Bit(e.what()));
    } catch (...) {
        what = QStringLiteral("an unexpected internal error");
    }
    return Error::make(Error::Code::Failed, QStringLiteral("The analysis of \"%1\" stopped: %2. The output folder was "
                                                           "left as it was.")
                                                .arg(QFileInfo(spec.inputPath).fileName(), what));
}

} // namespace

//! `finpipe-cli analyze FILE`: detect, analyse and write the outputs.
int runAnalyze(const QStringList &args)
{
    const QString cmd = QStringLiteral("analyze");
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Recognise what FILE holds, run the matching analysis and write result tables (CSV), "
                       "results.xlsx, audit_lineage.csv, data_quality.csv, dashboard.html and manifest.json.\n\n"
                       "Exit codes: 0 ok, 2 usage, 3 unreadable input, 4 detection too uncertain (use --type), "
                       "5 analysis failed, 130 cancelled (Ctrl-C). The output folder always holds one complete run: a new run "
                       "replaces it whole when it ends; a run that fails or is cancelled keeps an earlier succeeded run."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The CSV or Excel file to analyse."));
    const SpecOptions specOptions;
    const QCommandLineOption outOpt(QStringLiteral("out"), QStringLiteral("Output folder (default: <file name>_results next to the input)."), QStringLiteral("DIR"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print the manifest as JSON on stdout."));
    const QCommandLineOption quietOpt(QStringLiteral("quiet"), QStringLiteral("No progress and no summary."));
    specOptions.addTo(parser);
    parser.addOptions({outOpt, jsonOpt, quietOpt});
    if (!parser.parse(QStringList{cmd} + args))
        return usageError(cmd, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        return Ok;
    }
    const QStringList files = parser.positionalArguments();
    if (files.size() != 1)
        return usageError(cmd, files.isEmpty() ? QStringLiteral("name the file to analyse.")
                                               : QStringLiteral("analyse one file at a time."));
    const QString file = files.first();

    Result<jobs::JobSpec> parsed = specOptions.spec(parser, file);
    if (!parsed)
        return usageError(cmd, parsed.error().message);
    jobs::JobSpec spec = *parsed;
    const QFileInfo input(file);
    spec.outputDir = parser.isSet(outOpt) ? parser.value(outOpt)
                                          : input.absoluteDir().filePath(input.completeBaseName() + QStringLiteral("_results"));

    const bool quiet = parser.isSet(quietOpt);
    const bool json = parser.isSet(jsonOpt);
    const bool showProgress = !quiet && stderrIsTerminal();

    Feedback feedback;
    jobs::Manifest failed;
    QElapsedTimer timer;
    timer.start();
    StopSignals stopSignals;
    g_stopSignal = 0;
    QFuture<Result<jobs::Manifest>> future =
        QtConcurrent::run([&spec, &feedback, &failed] { return runGuarded(spec, &feedback, &failed); });
    qint64 lastProgress = 0;
    while (!future.isFinished()) {
        QThread::msleep(40);
        if (g_stopSignal && !feedback.isCancelled()) {
            feedback.cancel();
            if (!quiet) {
                err() << (showProgress ? "\r\x1b[K" : "") << "Cancelling..." << Qt::endl;
            }
        }
        if (showProgress && !feedback.isCancelled() && timer.elapsed() - lastProgress >= 200) {
            lastProgress = timer.elapsed();
            err() << '\r' << progressLine(feedback, timer.elapsed()) << "\x1b[K";
            err().flush();
        }
    }
    if (showProgress) {
        err() << "\r\x1b[K";
        err().flush();
    }
    Result<jobs::Manifest> result = future.result();
    const jobs::Manifest &m = result ? *result : failed;

    if (json) {
        out() << QString::fromUtf8(m.toJson());
        out().flush();
    }
    if (!result) {
        const int code = fail(result.error());
        if (code == Uncertain && !quiet)
            printUncertain(args, m);
        if (!m.outputs.isEmpty()) {
            err() << "Outputs written before it stopped (kept, with a manifest.json saying why):" << Qt::endl;
            printOutputs(m, err());
        }
        return code;
    }
    if (!quiet) {
        QTextStream &s = json ? err() : out();
        s << "Analysed " << m.rowsRead << " rows of " << m.inputName << " as " << m.datasetType << " (confidence "
          << QString::number(wholePercent(m.confidence) / 100.0, 'f', 2) << ", " << m.level << (m.overridden ? ", chosen by you" : "")
          << "): " << m.rowsUsed << " used, " << m.rowsSkipped << " skipped, in "
          << QString::number(double(timer.elapsed()) / 1000.0, 'f', 2) << " s." << Qt::endl;
        for (const QString &w : m.warnings)
            s << "warning: " << w << Qt::endl;
        for (const QString &a : m.alerts)
            s << "data quality: " << a << Qt::endl;
        s << "Wrote to " << QDir::toNativeSeparators(spec.outputDir) << ":" << Qt::endl;
        printOutputs(m, s);
        s << "  " << QDir::toNativeSeparators(QDir(spec.outputDir).filePath(QStringLiteral("manifest.json"))) << Qt::endl;
    }
    return Ok;
}

} // namespace finpipe::cli
