#pragma once

#include "cloud/s3/settings.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>
#include <QUrl>

namespace finpipe::cloud::s3 {

using Headers = QList<QPair<QByteArray, QByteArray>>;
//! Query parameters of a request (multipart's uploads, uploadId, partNumber), unencoded.
using Query = QList<QPair<QString, QString>>;

//! AWS Signature Version 4 in the Authorization header, for S3 requests on one object (PUT, GET,
//! HEAD, DELETE), with the payload's SHA-256 signed. Path-style (`/<bucket>/<key>`) or
//! virtual-hosted (`<bucket>.<host>/<key>`) per the settings, after the endpoint's base path.
class Signer
{
public:
    explicit Signer(Settings settings) : m_settings(std::move(settings)) {}

    //! The object's URL; the key is percent-encoded per RFC 3986 keeping '/'.
    QUrl objectUrl(const QString &key, const Query &query = {}) const;
    //! The Host header a client sends for that URL (the port left out when it is the scheme's).
    static QByteArray hostHeader(const QUrl &url);
    //! The headers to add to the request: x-amz-date, x-amz-content-sha256, Authorization.
    //! `extra` (e.g. Range) are signed too and must be sent as given.
    Headers sign(const QByteArray &method, const QString &key, const QByteArray &payloadSha256Hex,
                 const QDateTime &now, const Headers &extra = {}, const Query &query = {}) const;
    //! The canonical query string: names and values percent-encoded, sorted by name then value.
    static QByteArray canonicalQuery(const Query &query);

    //! SHA-256 of the empty payload (GET, HEAD, DELETE).
    static QByteArray emptyPayloadHash();
    //! Percent-encoding as SigV4 wants it: unreserved characters stay, '/' too when keepSlash.
    static QByteArray uriEncode(const QString &text, bool keepSlash);

    const Settings &settings() const { return m_settings; }

private:
    //! The percent-encoded path: base path, bucket when path-style, key.
    QByteArray objectPath(const QString &key) const;

    Settings m_settings;
};

} // namespace finpipe::cloud::s3
