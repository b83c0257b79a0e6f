#pragma once
// Helpers for the CLI tests of output folders: small and large inputs, a run held still while it
// holds its output folder, runs with a file size limit, and verify.
#include "testutil.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QThread>

#include <csignal>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

namespace finpipe::test {

inline QString stationSample()
{
    return QStringLiteral(FINPIPE_SOURCE_DIR "/samples/station_readings.csv");
}

//! The station sample's first `lines` lines (header included) in `dir`/`name`.
inline QString smallStationInput(const QString &dir, int lines = 30, const QString &name = QStringLiteral("in.csv"))
{
    const QList<QByteArray> all = readAll(stationSample()).split('\n');
    return writeFixture(QDir(dir).filePath(name), all.mid(0, lines).join('\n') + '\n');
}

//! Runs finpipe-cli with `args` allowed to write files of at most `bytes` (EFBIG beyond, like a
//! full disk).
inline CliRun runCliWithFileLimit(const QStringList &args, rlim_t bytes)
{
    QProcess p;
    p.setChildProcessModifier([bytes] {
        std::signal(SIGXFSZ, SIG_IGN);
        rlimit limit{};
        ::getrlimit(RLIMIT_FSIZE, &limit);
        limit.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &limit);
    });
    p.start(QStringLiteral(FINPIPE_CLI_PATH), args);
    p.waitForFinished(120000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

//! The entries of `dir` whose name starts with `prefix`.
inline QStringList entriesStartingWith(const QString &dir, const QString &prefix)
{
    return QDir(dir).entryList({prefix + QLatin1Char('*')}, QDir::AllEntries | QDir::Hidden | QDir::System);
}

//! Waits (up to 20 s) until a run has created its staging folder for `out`.
inline bool waitForStaging(const QString &out)
{
    const QFileInfo info(out);
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 20000) {
        if (!entriesStartingWith(info.absolutePath(), QStringLiteral(".") + info.fileName() + QStringLiteral(".staging-"))
                 .isEmpty())
            return true;
        QThread::msleep(2);
    }
    return false;
}

//! A station-readings input of `rows` rows (about 36 bytes each) in `dir`: big enough that a run
//! of it takes a second or more.
inline QString largeStationInput(const QString &dir, int rows = 1500000)
{
    QByteArray text("Station_ID,Date_Time,PCode,Result\n");
    text.reserve(qsizetype(rows) * 40);
    for (int i = 0; i < rows; ++i) {
        const int day = (i / 24) % 28 + 1, hour = i % 24;
        text += "S" + QByteArray::number(i % 17) + ",2021-02-" + (day < 10 ? "0" : "") + QByteArray::number(day) + ' '
                + (hour < 10 ? "0" : "") + QByteArray::number(hour) + ":00:00,Data " + QByteArray::number(i % 5 + 1)
                + ',' + QByteArray::number(double(i % 1000) / 8.0) + '\n';
    }
    return writeFixture(QDir(dir).filePath(QStringLiteral("large.csv")), text);
}

//! A run of finpipe-cli held still while it holds its output folder (lock and staging folder):
//! it analyses a large input and is stopped (SIGSTOP) as soon as its staging folder appears, long
//! before it could finish. A signal sent meanwhile arrives when resume() lets it go on.
class HeldRun
{
public:
    //! Starts `finpipe-cli analyze input --out out` and holds it; false if it never got that far.
    bool start(const QString &input, const QString &out)
    {
        m_process.start(QStringLiteral(FINPIPE_CLI_PATH), {QStringLiteral("analyze"), input, QStringLiteral("--out"), out,
                                                           QStringLiteral("--quiet")});
        if (!m_process.waitForStarted(10000) || !waitForStaging(out))
            return false;
        return ::kill(pid(), SIGSTOP) == 0;
    }
    void signal(int sig) { ::kill(pid(), sig); }
    void resume() { ::kill(pid(), SIGCONT); }
    //! Lets it go on and waits until it ended.
    bool finish(int timeoutMs = 60000)
    {
        resume();
        return m_process.waitForFinished(timeoutMs);
    }
    QProcess &process() { return m_process; }
    ~HeldRun()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(10000);
        }
    }

private:
    pid_t pid() const { return pid_t(m_process.processId()); }
    QProcess m_process;
};

//! `finpipe-cli verify DIR`'s exit code.
inline int verifyExit(const QString &dir)
{
    return runCli({QStringLiteral("verify"), dir}).exitCode;
}

} // namespace finpipe::test
