#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace finpipe::test {

inline QString dataPath(const QString &relative)
{
    return QStringLiteral(FINPIPE_TEST_DATA "/") + relative;
}

inline QString seedPath(const QString &name)
{
    return dataPath(QStringLiteral("seed/") + name);
}

struct CliRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

//! Runs finpipe-cli with `args` and waits (up to two minutes).
inline CliRun runCli(const QStringList &args, const QByteArray &stdinData = {})
{
    QProcess p;
    p.start(QStringLiteral(FINPIPE_CLI_PATH), args);
    p.waitForStarted();
    if (!stdinData.isEmpty())
        p.write(stdinData);
    p.closeWriteChannel();
    p.waitForFinished(120000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

} // namespace finpipe::test
