#pragma once
// Helpers for the CLI tests of output folders: small inputs, a held-open input (a named pipe the
// test feeds), runs with a file size limit, and verify.
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

//! An input the CLI reads until the test closes it: a named pipe holding the first `lines` of the
//! station sample. The run holds its output folder (lock, staging) until then.
class HeldInput
{
public:
    HeldInput(const QString &dir, int lines = 30)
    {
        m_path = QDir(dir).filePath(QStringLiteral("held.csv"));
        if (::mkfifo(QFile::encodeName(m_path).constData(), 0600) != 0)
            qFatal("cannot create a named pipe");
        // Read-write: opening does not wait for a reader, and the CLI sees no end until close().
        m_fd = ::open(QFile::encodeName(m_path).constData(), O_RDWR | O_CLOEXEC);
        const QList<QByteArray> all = readAll(stationSample()).split('\n');
        m_head = all.mid(0, lines).join('\n') + '\n';
        if (m_fd < 0 || ::write(m_fd, m_head.constData(), size_t(m_head.size())) != m_head.size())
            qFatal("cannot fill the named pipe");
    }
    ~HeldInput() { close(); }
    //! The end of the input.
    void close()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }
    //! Ends the input and serves the sample again each time the reader reopens the pipe (it reads
    //! a file more than once; a pipe without a writer would keep it waiting), until `run` ends.
    bool closeAndServe(QProcess &run, int timeoutMs = 30000)
    {
        close();
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            if (run.waitForFinished(20))
                return true;
            const int fd = ::open(QFile::encodeName(m_path).constData(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
            if (fd >= 0) {
                [[maybe_unused]] const auto n = ::write(fd, m_head.constData(), size_t(m_head.size()));
                ::close(fd);
            }
        }
        return run.state() == QProcess::NotRunning;
    }
    const QString &path() const { return m_path; }

private:
    QString m_path;
    QByteArray m_head;
    int m_fd = -1;
};

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
        QThread::msleep(20);
    }
    return false;
}

//! `finpipe-cli verify DIR`'s exit code.
inline int verifyExit(const QString &dir)
{
    return runCli({QStringLiteral("verify"), dir}).exitCode;
}

} // namespace finpipe::test
