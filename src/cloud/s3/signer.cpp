#include "cloud/s3/signer.h"

#include <QCryptographicHash>
#include <QTimeZone>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

namespace finpipe::cloud::s3 {

namespace {

QByteArray hmacSha256(const QByteArray &key, const QByteArray &data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.constData(), int(key.size()), reinterpret_cast<const unsigned char *>(data.constData()),
         size_t(data.size()), out, &length);
    return QByteArray(reinterpret_cast<const char *>(out), int(length));
}

QByteArray sha256Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

} // namespace

QByteArray Signer::uriEncode(const QString &text, bool keepSlash)
{
    QByteArray out;
    const QByteArray utf8 = text.toUtf8();
    out.reserve(utf8.size() * 3);
    for (const char ch : utf8) {
        const auto b = static_cast<unsigned char>(ch);
        if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '.'
            || b == '_' || b == '~' || (keepSlash && b == '/')) {
            out += char(b);
        } else {
            static const char hex[] = "0123456789ABCDEF";
            out += '%';
            out += hex[b >> 4];
            out += hex[b & 15];
        }
    }
    return out;
}

QByteArray Signer::emptyPayloadHash()
{
    return sha256Hex(QByteArray());
}

QByteArray Signer::objectPath(const QString &key) const
{
    QByteArray path = QUrl(m_settings.endpoint).path(QUrl::FullyEncoded).toLatin1();
    while (path.endsWith('/'))
        path.chop(1);
    if (m_settings.pathStyle)
        path += '/' + uriEncode(m_settings.bucket, false);
    return path + '/' + uriEncode(key, true);
}

QByteArray Signer::canonicalQuery(const Query &query)
{
    QList<QPair<QByteArray, QByteArray>> encoded;
    for (const auto &[name, value] : query)
        encoded.append({uriEncode(name, false), uriEncode(value, false)});
    std::sort(encoded.begin(), encoded.end());
    QByteArrayList parts;
    for (const auto &[name, value] : std::as_const(encoded))
        parts.append(name + '=' + value);
    return parts.join('&');
}

QUrl Signer::objectUrl(const QString &key, const Query &query) const
{
    const QUrl endpoint(m_settings.endpoint);
    const QString host = m_settings.pathStyle ? endpoint.host() : m_settings.bucket + u'.' + endpoint.host();
    QByteArray url = endpoint.scheme().toLatin1() + "://" + QUrl::toAce(host);
    if (endpoint.port() != -1)
        url += ':' + QByteArray::number(endpoint.port());
    const QByteArray q = canonicalQuery(query);
    return QUrl::fromEncoded(url + objectPath(key) + (q.isEmpty() ? QByteArray() : '?' + q), QUrl::StrictMode);
}

QByteArray Signer::hostHeader(const QUrl &url)
{
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    const int port = url.port();
    const int standard = url.scheme() == u"https" ? 443 : 80;
    if (port != -1 && port != standard)
        host += ':' + QByteArray::number(port);
    return host;
}

Headers Signer::sign(const QByteArray &method, const QString &key, const QByteArray &payloadSha256Hex,
                     const QDateTime &now, const Headers &extra, const Query &query) const
{
    const QUrl url = objectUrl(key, query);
    const QDateTime utc = now.toTimeZone(QTimeZone::utc());
    const QByteArray amzDate = utc.toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")).toLatin1();
    const QByteArray date = amzDate.left(8);
    const QByteArray scope = date + '/' + m_settings.region.toUtf8() + "/s3/aws4_request";

    Headers headers = extra;
    headers.append({"host", hostHeader(url)});
    headers.append({"x-amz-content-sha256", payloadSha256Hex});
    headers.append({"x-amz-date", amzDate});
    for (auto &[name, value] : headers) {
        name = name.toLower();
        value = value.simplified();
    }
    std::sort(headers.begin(), headers.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    QByteArray canonicalHeaders;
    QByteArrayList signedNames;
    for (const auto &[name, value] : std::as_const(headers)) {
        canonicalHeaders += name + ':' + value + '\n';
        signedNames.append(name);
    }
    const QByteArray signedHeaders = signedNames.join(';');
    const QByteArray canonicalRequest = method + '\n' + objectPath(key) + '\n'
        + canonicalQuery(query) + '\n' + canonicalHeaders + '\n' + signedHeaders + '\n' + payloadSha256Hex;
    const QByteArray stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + '\n' + scope + '\n' + sha256Hex(canonicalRequest);

    QByteArray k = hmacSha256("AWS4" + m_settings.secretKey.toUtf8(), date);
    k = hmacSha256(k, m_settings.region.toUtf8());
    k = hmacSha256(k, "s3");
    k = hmacSha256(k, "aws4_request");
    const QByteArray signature = hmacSha256(k, stringToSign).toHex();

    Headers out;
    out.append({"x-amz-date", amzDate});
    out.append({"x-amz-content-sha256", payloadSha256Hex});
    out.append({"Authorization", "AWS4-HMAC-SHA256 Credential=" + m_settings.accessKey.toUtf8() + '/' + scope
                                     + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature});
    return out;
}

} // namespace finpipe::cloud::s3
