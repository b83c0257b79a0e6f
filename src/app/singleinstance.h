#pragma once

#include <QLockFile>
#include <QObject>
#include <QStringList>

#include <memory>

class QLocalServer;

namespace finpipe::app {

//! One app at a time per job store. The first start takes a lock beside the store and listens on
//! a local socket named after the store; a later start with the same store hands its files to the
//! first over that socket and exits, so no second process ever opens the store.
class SingleInstance : public QObject
{
    Q_OBJECT

public:
    explicit SingleInstance(const QString &storePath, QObject *parent = nullptr);
    ~SingleInstance() override;

    //! The socket's name: derived from the store's absolute path (and the user), short enough for
    //! every platform's limit.
    static QString serverName(const QString &storePath);

    //! Takes the store for this process and starts listening. False when another app holds it.
    bool claim();
    //! Hands `paths` (possibly none: then the other app just comes to the front) to the app that
    //! holds the store, waiting up to `msecs` for it to answer. Blocking: call before the event
    //! loop runs, or off the thread of the app that listens.
    static bool handOver(const QString &storePath, const QStringList &paths, int msecs = 5000);

Q_SIGNALS:
    //! A later start handed these files over (may be empty: come to the front).
    void filesReceived(const QStringList &paths);

private:
    void accept();

    QString m_storePath;
    QLockFile m_lock;
    QLocalServer *m_server = nullptr;
};

} // namespace finpipe::app
