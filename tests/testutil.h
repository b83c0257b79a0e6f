#pragma once

#include <QByteArray>
#include <QCryptographicHash>
#include <QFile>
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

//! A file's bytes, or nothing when it cannot be read.
inline QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

//! SHA-256 of `data`, lower-case hex.
inline QString sha256Of(const QByteArray &data)
{
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

//! Writes a test's own input file; a test that cannot write its fixture stops there.
inline QString writeFixture(const QString &path, const QByteArray &content)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
        qFatal("cannot write the test file %s", qPrintable(path));
    return path;
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
