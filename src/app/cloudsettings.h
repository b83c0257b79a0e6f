#pragma once

#include "common/result.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <utility>

class QObject;

namespace finpipe::app {

class AppSettings;
class SecretStore;

//! Where the team cloud's database is, as the Settings dialog's Cloud page keeps it (in QSettings,
//! through AppSettings). The password is not here: it lives only in the system keychain, under
//! cloudPasswordKey().
struct CloudSettings {
    QString host;
    int port = 5432;
    QString database;
    QString user;
    QString sslMode = QStringLiteral("prefer"); //!< libpq sslmode: disable/allow/prefer/require/verify-ca/verify-full
    QString sslRootCert;                        //!< CA file for verify-ca/verify-full, may be empty
    //! Host, database and user are set.
    bool configured() const;
    bool operator==(const CloudSettings &) const = default;
};

//! The libpq sslmodes, weakest first.
const QStringList &cloudSslModes();

//! A libpq key=value conninfo (values quoted/escaped) with the password; the result is a secret:
//! never log it.
QString cloudConnInfo(const CloudSettings &settings, const QString &password);

//! A pasted postgresql:// URL (or key=value conninfo) -> settings and the password it held (maybe
//! empty); an Error in the analyst's words otherwise. The error never quotes the text (it may hold
//! a password).
Result<std::pair<CloudSettings, QString>> parseCloudUrl(const QString &text);

//! The keychain key for the settings' password ("cloud-db:user@host:port/database").
QString cloudPasswordKey(const CloudSettings &settings);

//! Reads settings + password from the keychain and gives the conninfo (async; `done` runs on
//! `context`'s thread, and not at all when `context` is gone by then). Error (analyst's words) when
//! the cloud is not configured or the keychain cannot be read. No password stored under the key is
//! not an error: the conninfo then has none (libpq may still find one in ~/.pgpass, or the server
//! may not ask), and a server that wants one refuses the login in words.
void readCloudConnInfo(const AppSettings &settings, SecretStore &secrets, QObject *context,
                       std::function<void(Result<QString>)> done);

} // namespace finpipe::app
