#include "cloud/s3/client.h"

#include "cloud/s3/transfer.h"
#include "ingest/sha256.h"

#include <QCoroFuture>
#include <QCoroNetworkReply>
#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QNetworkReply>
#include <QXmlStreamReader>
#include <QCoroTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>

namespace finpipe::cloud::s3 {

namespace {

constexpr int kTransferTimeoutMs = 60000;

int statusOf(QNetworkReply *reply)
{
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

Result<QByteArray> hashFile(const QString &path)
{
    Result<QString> hex = ingest::sha256File(path);
    if (!hex)
        return hex.error();
    return hex->toLatin1();
}

} // namespace

Client::Client(Settings settings, QObject *parent) : QObject(parent), m_signer(std::move(settings))
{
    m_nam.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

QNetworkRequest Client::signedRequest(const QByteArray &method, const QString &key, const QByteArray &payloadSha256Hex,
                                      const Headers &extra, const Query &query) const
{
    QNetworkRequest request(m_signer.objectUrl(key, query));
    request.setTransferTimeout(kTransferTimeoutMs);
    request.setRawHeader("Accept-Encoding", "identity");
    for (const auto &[name, value] : extra)
        request.setRawHeader(name, value);
    const Headers auth = m_signer.sign(method, key, payloadSha256Hex, QDateTime::currentDateTimeUtc(), extra, query);
    for (const auto &[name, value] : auth)
        request.setRawHeader(name, value);
    return request;
}

Error Client::errorFor(QNetworkReply *reply, const QByteArray &body, const QString &key) const
{
    return errorFor(statusOf(reply), reply->errorString(), body, key);
}

Error Client::errorFor(int status, const QString &errorString, const QByteArray &body, const QString &key) const
{
    const Settings &s = m_signer.settings();
    if (status == 0)
        return Error::make(Error::Code::Permission, QStringLiteral("cannot reach the storage at %1").arg(s.endpoint),
                           errorString);
    const auto [code, message] = parseS3Error(body);
    const QString detail = QStringLiteral("HTTP %1 %2").arg(status).arg(code).trimmed()
        + (message.isEmpty() ? QString() : QStringLiteral(": ") + message);
    if (code == u"SignatureDoesNotMatch")
        return Error::make(Error::Code::Permission,
                           QStringLiteral("the storage refused the request's signature: FINPIPE_S3_SECRET_KEY is probably wrong"),
                           detail);
    if (code == u"InvalidAccessKeyId")
        return Error::make(Error::Code::Permission,
                           QStringLiteral("the storage does not know the access key %1 (FINPIPE_S3_ACCESS_KEY)").arg(s.accessKey),
                           detail);
    if (code == u"AuthorizationHeaderMalformed" && message.contains(u"region"))
        return Error::make(Error::Code::Permission,
                           QStringLiteral("the storage refused the region %1: FINPIPE_S3_REGION is probably wrong").arg(s.region),
                           detail);
    if (code == u"RequestTimeTooSkewed")
        return Error::make(Error::Code::Permission,
                           QStringLiteral("the storage refused the request because this computer's clock is wrong"), detail);
    if (code == u"NoSuchBucket")
        return Error::make(Error::Code::NotFound,
                           QStringLiteral("the bucket %1 does not exist at %2").arg(s.bucket, s.endpoint), detail);
    if (status == 404)
        return Error::make(Error::Code::NotFound, QStringLiteral("the storage has no object %1").arg(key), detail);
    if (status == 401 || status == 403)
        return Error::make(Error::Code::Permission,
                           QStringLiteral("the storage at %1 refused access to %2").arg(s.endpoint, key), detail);
    return Error::make(Error::Code::Failed, QStringLiteral("the storage failed the request for %1").arg(key), detail);
}

QCoro::Task<Result<void>> Client::put(QString key, QByteArray bytes)
{
    const QByteArray hash = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
    QNetworkRequest request = signedRequest("PUT", key, hash);
    request.setHeader(QNetworkRequest::ContentLengthHeader, bytes.size());
    std::unique_ptr<QNetworkReply> reply(co_await m_nam.put(request, bytes));
    const QByteArray body = reply->readAll();
    if (reply->error() != QNetworkReply::NoError || statusOf(reply.get()) / 100 != 2)
        co_return errorFor(reply.get(), body, key);
    co_return Result<void>();
}

QCoro::Task<Result<void>> Client::putFile(QString key, QString path)
{
    QFuture<Result<QByteArray>> hashing = QtConcurrent::run(hashFile, path);
    Result<QByteArray> hash = co_await hashing;
    if (!hash)
        co_return hash.error();
    auto file = std::make_unique<QFile>(path);
    if (!file->open(QIODevice::ReadOnly))
        co_return Error::make(Error::Code::NotFound, QStringLiteral("cannot read %1").arg(path), file->errorString());
    QNetworkRequest request = signedRequest("PUT", key, *hash);
    request.setHeader(QNetworkRequest::ContentLengthHeader, file->size());
    std::unique_ptr<QNetworkReply> reply(co_await m_nam.put(request, file.get()));
    const QByteArray body = reply->readAll();
    if (reply->error() != QNetworkReply::NoError || statusOf(reply.get()) / 100 != 2)
        co_return errorFor(reply.get(), body, key);
    co_return Result<void>();
}

namespace {

QString xmlElement(const QByteArray &body, const char *name)
{
    QXmlStreamReader xml(body);
    while (!xml.atEnd())
        if (xml.readNext() == QXmlStreamReader::StartElement && xml.name() == QLatin1String(name))
            return xml.readElementText();
    return {};
}

Result<QByteArray> readPart(const QString &path, qint64 offset, qint64 size)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly) || !f.seek(offset))
        return Error::make(Error::Code::NotFound, QStringLiteral("cannot read %1").arg(path), f.errorString());
    QByteArray bytes = f.read(size);
    if (bytes.size() != size)
        return Error::make(Error::Code::Changed, QStringLiteral("%1 changed while it was being uploaded").arg(path));
    return bytes;
}

} // namespace

QCoro::Task<Result<QString>> Client::putPart(QString key, QString uploadId, int number, QString path, qint64 offset, qint64 size)
{
    Result<QByteArray> bytes = readPart(path, offset, size);
    if (!bytes)
        co_return bytes.error();
    const QByteArray hash = QCryptographicHash::hash(*bytes, QCryptographicHash::Sha256).toHex();
    const Query query{{QStringLiteral("partNumber"), QString::number(number)}, {QStringLiteral("uploadId"), uploadId}};
    Error last;
    for (int attempt = 1; attempt <= 3; ++attempt) {
        QNetworkRequest request = signedRequest("PUT", key, hash, {}, query);
        request.setHeader(QNetworkRequest::ContentLengthHeader, bytes->size());
        std::unique_ptr<QNetworkReply> reply(co_await m_nam.put(request, *bytes));
        const QByteArray body = reply->readAll();
        if (reply->error() == QNetworkReply::NoError && statusOf(reply.get()) / 100 == 2)
            co_return QString::fromLatin1(reply->rawHeader("ETag"));
        last = errorFor(reply.get(), body, key);
        if (last.code == Error::Code::Permission && statusOf(reply.get()) != 0)
            break; // refused: asking again will not help
        co_await QCoro::sleepFor(std::chrono::milliseconds(300 * attempt));
    }
    co_return last;
}

QCoro::Task<Result<void>> Client::abortMultipart(QString key, QString uploadId)
{
    const Query query{{QStringLiteral("uploadId"), uploadId}};
    const QNetworkRequest request = signedRequest("DELETE", key, Signer::emptyPayloadHash(), {}, query);
    std::unique_ptr<QNetworkReply> reply(co_await m_nam.deleteResource(request));
    const QByteArray body = reply->readAll();
    if (reply->error() != QNetworkReply::NoError && statusOf(reply.get()) != 404)
        co_return errorFor(reply.get(), body, key);
    co_return Result<void>();
}

QCoro::Task<Result<void>> Client::putFileMultipart(QString key, QString path, qint64 partSize, int parallel)
{
    const qint64 size = QFileInfo(path).size();
    if (!QFileInfo(path).isFile())
        co_return Error::make(Error::Code::NotFound, QStringLiteral("cannot read %1").arg(path));
    partSize = std::max<qint64>(partSize, 1);
    parallel = std::max(parallel, 1);

    // Start.
    const Query start{{QStringLiteral("uploads"), QString()}};
    QNetworkRequest request = signedRequest("POST", key, Signer::emptyPayloadHash(), {}, start);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/octet-stream"));
    const QByteArray empty;
    std::unique_ptr<QNetworkReply> started(co_await m_nam.post(request, empty));
    const QByteArray startBody = started->readAll();
    if (started->error() != QNetworkReply::NoError || statusOf(started.get()) / 100 != 2)
        co_return errorFor(started.get(), startBody, key);
    const QString uploadId = xmlElement(startBody, "UploadId");
    if (uploadId.isEmpty())
        co_return Error::make(Error::Code::Failed, QStringLiteral("the storage did not start a multipart upload of %1").arg(key),
                              QString::fromUtf8(startBody.left(200)));

    // Parts, `parallel` at a time.
    const int parts = int(std::max<qint64>(1, (size + partSize - 1) / partSize));
    QStringList etags;
    Error failure;
    bool failed = false;
    for (int first = 1; first <= parts && !failed; first += parallel) {
        std::vector<QCoro::Task<Result<QString>>> wave;
        for (int n = first; n < first + parallel && n <= parts; ++n) {
            const qint64 offset = qint64(n - 1) * partSize;
            wave.push_back(putPart(key, uploadId, n, path, offset, std::min(partSize, size - offset)));
        }
        for (auto &task : wave) {
            Result<QString> etag = co_await task;
            if (!etag) {
                if (!failed)
                    failure = etag.error();
                failed = true;
            } else {
                etags << *etag;
            }
        }
    }
    if (failed) {
        (void)co_await abortMultipart(key, uploadId);
        co_return failure;
    }

    // Complete.
    QByteArray xml = "<CompleteMultipartUpload>";
    for (int n = 1; n <= parts; ++n)
        xml += "<Part><PartNumber>" + QByteArray::number(n) + "</PartNumber><ETag>" + etags.at(n - 1).toHtmlEscaped().toUtf8()
            + "</ETag></Part>";
    xml += "</CompleteMultipartUpload>";
    const Query complete{{QStringLiteral("uploadId"), uploadId}};
    const QByteArray hash = QCryptographicHash::hash(xml, QCryptographicHash::Sha256).toHex();
    QNetworkRequest done = signedRequest("POST", key, hash, {}, complete);
    done.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/xml"));
    std::unique_ptr<QNetworkReply> finished(co_await m_nam.post(done, xml));
    const QByteArray body = finished->readAll();
    // S3 may answer 200 with an error document when completing fails late.
    if (finished->error() != QNetworkReply::NoError || statusOf(finished.get()) / 100 != 2 || body.contains("<Error>")) {
        Error e = finished->error() != QNetworkReply::NoError || statusOf(finished.get()) / 100 != 2
            ? errorFor(finished.get(), body, key)
            : Error::make(Error::Code::Failed, QStringLiteral("the storage failed to assemble %1").arg(key),
                          QString::fromUtf8(body.left(300)));
        (void)co_await abortMultipart(key, uploadId);
        co_return e;
    }
    co_return Result<void>();
}

QCoro::Task<Result<ObjectInfo>> Client::head(QString key)
{
    const QNetworkRequest request = signedRequest("HEAD", key, Signer::emptyPayloadHash());
    std::unique_ptr<QNetworkReply> reply(co_await m_nam.head(request));
    if (reply->error() != QNetworkReply::NoError || statusOf(reply.get()) / 100 != 2)
        co_return errorFor(reply.get(), {}, key);
    ObjectInfo info;
    info.size = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
    info.etag = QString::fromLatin1(reply->rawHeader("ETag"));
    co_return info;
}

QCoro::Task<Result<QByteArray>> Client::get(QString key)
{
    const QNetworkRequest request = signedRequest("GET", key, Signer::emptyPayloadHash());
    std::unique_ptr<QNetworkReply> reply(co_await m_nam.get(request));
    QByteArray body = reply->readAll();
    if (reply->error() != QNetworkReply::NoError || statusOf(reply.get()) / 100 != 2)
        co_return errorFor(reply.get(), body, key);
    co_return body;
}

QCoro::Task<Result<void>> Client::getFile(QString key, QString path, bool resume)
{
    const qint64 have = resume && QFileInfo::exists(path) ? QFileInfo(path).size() : 0;
    Headers extra;
    if (have > 0)
        extra.append({"Range", "bytes=" + QByteArray::number(have) + '-'});
    QNetworkRequest request = signedRequest("GET", key, Signer::emptyPayloadHash(), extra);
    Result<FetchOutcome> fetched = co_await fetchToFile(m_nam, std::move(request), path);
    if (!fetched)
        co_return fetched.error();
    if (fetched->status == 416 && have > 0) {
        // Nothing after the bytes we have: complete when the object is exactly that long.
        Result<ObjectInfo> info = co_await head(key);
        if (!info)
            co_return info.error();
        if (info->size == have)
            co_return Result<void>();
        co_return Error::make(Error::Code::Corrupt,
                              QStringLiteral("%1 is longer than the object %2 in the storage").arg(path, key));
    }
    if (fetched->error != QNetworkReply::NoError || (fetched->status != 200 && fetched->status != 206))
        co_return errorFor(fetched->status, fetched->errorString, fetched->errorBody, key);
    co_return Result<void>();
}

QCoro::Task<Result<void>> Client::createBucket()
{
    QNetworkRequest request = signedRequest("PUT", QString(), Signer::emptyPayloadHash());
    request.setHeader(QNetworkRequest::ContentLengthHeader, 0);
    const QByteArray empty;
    std::unique_ptr<QNetworkReply> reply(co_await m_nam.put(request, empty));
    const QByteArray body = reply->readAll();
    if (reply->error() != QNetworkReply::NoError || statusOf(reply.get()) / 100 != 2) {
        if (parseS3Error(body).first == u"BucketAlreadyOwnedByYou")
            co_return Result<void>();
        co_return errorFor(reply.get(), body, m_signer.settings().bucket);
    }
    co_return Result<void>();
}

QCoro::Task<Result<QStringList>> Client::list(QString prefix)
{
    QStringList keys;
    QString token;
    for (int page = 0; page < 100000; ++page) {
        Query query{{QStringLiteral("list-type"), QStringLiteral("2")}, {QStringLiteral("prefix"), prefix}};
        if (!token.isEmpty())
            query.append({QStringLiteral("continuation-token"), token});
        const QNetworkRequest request = signedRequest("GET", QString(), Signer::emptyPayloadHash(), {}, query);
        std::unique_ptr<QNetworkReply> reply(co_await m_nam.get(request));
        const QByteArray body = reply->readAll();
        if (reply->error() != QNetworkReply::NoError || statusOf(reply.get()) / 100 != 2)
            co_return errorFor(reply.get(), body, prefix);
        QXmlStreamReader xml(body);
        bool truncated = false;
        token.clear();
        while (!xml.atEnd()) {
            if (xml.readNext() != QXmlStreamReader::StartElement)
                continue;
            if (xml.name() == u"Key")
                keys << xml.readElementText();
            else if (xml.name() == u"IsTruncated")
                truncated = xml.readElementText() == u"true";
            else if (xml.name() == u"NextContinuationToken")
                token = xml.readElementText();
        }
        if (!truncated || token.isEmpty())
            break;
    }
    co_return keys;
}

QCoro::Task<Result<void>> Client::del(QString key)
{
    const QNetworkRequest request = signedRequest("DELETE", key, Signer::emptyPayloadHash());
    std::unique_ptr<QNetworkReply> reply(co_await m_nam.deleteResource(request));
    const QByteArray body = reply->readAll();
    const int status = statusOf(reply.get());
    if (status == 404 && parseS3Error(body).first != u"NoSuchBucket")
        co_return Result<void>();
    if (reply->error() != QNetworkReply::NoError || status / 100 != 2)
        co_return errorFor(reply.get(), body, key);
    co_return Result<void>();
}

} // namespace finpipe::cloud::s3
