#pragma once

#include "common/result.h"

#include <QObject>
#include <QString>

#include <functional>

namespace finpipe::app {

//! Secrets (cloud credentials, when the cloud is configured) live only in the operating system's
//! keychain through qtkeychain, never in QSettings. Calls are asynchronous; the callback runs on the
//! caller's thread. Without a keychain (e.g. no D-Bus session on Linux) the callback gets an Error
//! promptly instead of hanging. Reading a key nothing is stored under gives an Error with
//! Error::Code::NotFound (any other code: the keychain itself could not be used).
class SecretStore : public QObject
{
    Q_OBJECT
public:
    explicit SecretStore(QString service = QStringLiteral("finpipe"), QObject *parent = nullptr);

    void write(const QString &key, const QString &secret, std::function<void(Result<void>)> done);
    void read(const QString &key, std::function<void(Result<QString>)> done);
    void remove(const QString &key, std::function<void(Result<void>)> done);

private:
    QString m_service;
};

} // namespace finpipe::app
