#pragma once

#include "common/result.h"

#include <QString>

namespace finpipe::cloud::pg {

//! What a connection string names, for messages in plain words. The password is kept only so
//! that it can be scrubbed from any text before that text is shown or logged.
struct ConnInfo {
    QString user;
    QString host;
    QString port;
    QString dbname;
    QString password;

    //! "127.0.0.1:55432" (or the socket folder), as messages name the server.
    QString where() const;
    //! `text` with every occurrence of the password replaced by "***".
    QString scrub(QString text) const;
};

//! Parses a libpq URL or key=value string. An invalid one is refused without echoing it (it may
//! hold a password).
Result<ConnInfo> parseConnInfo(const QString &conninfo);

// SQLSTATEs this library assigns to failures that have none from the server.
inline constexpr const char *kUnreachable = "08001";   //!< sqlclient_unable_to_establish_sqlconnection
inline constexpr const char *kConnectionLost = "08006"; //!< connection_failure
inline constexpr const char *kBadPassword = "28P01";   //!< invalid_password
inline constexpr const char *kBadConnInfo = "08P01";    //!< (protocol_violation) a malformed connection string

//! An Error that carries a SQLSTATE (in `detail`, as "SQLSTATE xxxxx").
Error dbError(const QString &sqlState, const QString &message);
//! The SQLSTATE of an Error made by this library, or an empty string.
QString sqlState(const Error &error);
//! Whether the error means the database cannot be reached or refused us (connection failures,
//! authentication, insufficient privilege): the CLI's "cloud unavailable" exit code.
bool isCloudUnavailable(const Error &error);

} // namespace finpipe::cloud::pg
