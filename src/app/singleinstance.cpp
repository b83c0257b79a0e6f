#include "singleinstance.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalServer>
#include <QLocalSocket>
#include <QPointer>
#include <QThread>

namespace finpipe::app {

namespace {

QString lockPath(const QString &storePath)
{
    return storePath + QStringLiteral(".lock");
}

} // namespace

SingleInstance::SingleInstance(const QString &storePath, QObject *parent)
    : QObject(parent), m_storePath(storePath), m_lock(lockPath(storePath))
{
    // A lock left by a crashed app is taken over at once (its process is gone), never waited for.
    m_lock.setStaleLockTime(0);
}

SingleInstance::~SingleInstance()
{
    if (m_server)
        m_server->close();
}

QString SingleInstance::serverName(const QString &storePath)
{
    const QString key = QFileInfo(storePath).absoluteFilePath() + QLatin1Char('|') + QDir::homePath();
    const QByteArray digest = QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha256).toHex().left(16);
    return QStringLiteral("finpipe-") + QString::fromLatin1(digest);
}

bool SingleInstance::claim()
{
    QDir().mkpath(QFileInfo(m_storePath).absolutePath());
    if (!m_lock.tryLock(0))
        return false;
    const QString name = serverName(m_storePath);
    // We hold the lock, so a socket of that name is a crashed app's leftover.
    QLocalServer::removeServer(name);
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(name))
        qWarning("finpipe: cannot listen for later starts (%s)", qPrintable(m_server->errorString()));
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstance::accept);
    return true;
}

void SingleInstance::accept()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (!socket->canReadLine())
                return;
            const QByteArray line = socket->readLine(1 << 20);
            QStringList paths;
            for (const QJsonValue &v : QJsonDocument::fromJson(line).array())
                if (v.isString())
                    paths.append(v.toString());
            socket->write("ok\n");
            socket->flush();
            Q_EMIT filesReceived(paths);
        });
    }
}

bool SingleInstance::handOver(const QString &storePath, const QStringList &paths, int msecs)
{
    const QDeadlineTimer deadline(msecs);
    const QString name = serverName(storePath);
    QStringList absolute;
    for (const QString &p : paths)
        absolute.append(QFileInfo(p).absoluteFilePath());
    const QByteArray message = QJsonDocument(QJsonArray::fromStringList(absolute)).toJson(QJsonDocument::Compact) + '\n';
    // The other app may still be starting: try again until the deadline.
    while (true) {
        QLocalSocket socket;
        socket.connectToServer(name);
        if (socket.waitForConnected(int(qMax<qint64>(1, qMin<qint64>(500, deadline.remainingTime()))))) {
            socket.write(message);
            socket.flush();
            while (!socket.canReadLine() && socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())))) {
            }
            if (socket.canReadLine() && socket.readLine().startsWith("ok"))
                return true;
        }
        if (deadline.hasExpired())
            return false;
        QThread::msleep(100);
    }
}

} // namespace finpipe::app
