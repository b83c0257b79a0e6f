#include "cloud/s3/transfer.h"

#include <QCoroNetworkReply>
#include <QFile>
#include <QFileInfo>
#include <QXmlStreamReader>

#include <memory>

namespace finpipe::cloud::s3 {

namespace {

constexpr int kTransferTimeoutMs = 60000;

int statusOf(QNetworkReply *reply)
{
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

//! A pre-signed URL without its query (the signature), for messages.
QString withoutSignature(const QUrl &url)
{
    return url.adjusted(QUrl::RemoveQuery | QUrl::RemoveUserInfo).toString();
}

Error linkError(const QUrl &url, int status, QNetworkReply::NetworkError error, const QString &errorString,
                const QByteArray &body, const QString &what)
{
    const QString where = withoutSignature(url);
    if (status == 0)
        return Error::make(Error::Code::Permission, QStringLiteral("cannot reach the storage at %1").arg(url.authority()),
                           errorString);
    const auto [code, message] = parseS3Error(body);
    const QString detail = QStringLiteral("HTTP %1 %2").arg(status).arg(code).trimmed()
        + (message.isEmpty() ? QString() : QStringLiteral(": ") + message);
    if (status == 401 || status == 403)
        return Error::make(Error::Code::Permission,
                           QStringLiteral("the storage refused the %1 link for %2 (expired or not valid)").arg(what, where), detail);
    if (status == 404)
        return Error::make(Error::Code::NotFound, QStringLiteral("the storage has no object at %1").arg(where), detail);
    Q_UNUSED(error);
    return Error::make(Error::Code::Failed, QStringLiteral("the storage failed the %1 of %2").arg(what, where), detail);
}

} // namespace

std::pair<QString, QString> parseS3Error(const QByteArray &body)
{
    QXmlStreamReader xml(body);
    QString code, message;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (xml.name() == u"Code")
            code = xml.readElementText();
        else if (xml.name() == u"Message")
            message = xml.readElementText();
    }
    return {code, message};
}

QCoro::Task<Result<FetchOutcome>> fetchToFile(QNetworkAccessManager &nam, QNetworkRequest request, QString path,
                                              std::function<bool(qint64 fileSize)> progress)
{
    request.setTransferTimeout(kTransferTimeoutMs);
    request.setRawHeader("Accept-Encoding", "identity");
    QFile file(path);
    FetchOutcome outcome;
    bool writing = false;
    bool writeFailed = false;
    std::unique_ptr<QNetworkReply> reply(nam.get(request));
    auto take = [&] {
        const int status = statusOf(reply.get());
        if (status != 200 && status != 206) {
            outcome.errorBody += reply->readAll();
            return;
        }
        if (!writing && !writeFailed) {
            // 206: continue after the bytes we have; 200: the whole object, start again.
            writing = file.open(status == 206 ? QIODevice::Append : QIODevice::WriteOnly | QIODevice::Truncate);
            writeFailed = !writing;
        }
        const QByteArray chunk = reply->readAll();
        if (writing && file.write(chunk) != chunk.size()) {
            writeFailed = true;
            reply->abort();
            return;
        }
        if (writing && progress && !progress(file.size()))
            reply->abort();
    };
    QObject::connect(reply.get(), &QNetworkReply::readyRead, reply.get(), take);
    auto finished = qCoro(reply.get()).waitForFinished(); // named: GCC 12 and temporaries in co_await
    co_await finished;
    outcome.status = statusOf(reply.get());
    if (reply->bytesAvailable() > 0 || (!writing && (outcome.status == 200 || outcome.status == 206)))
        take(); // the rest, or an empty body (no readyRead at all)
    outcome.error = reply->error();
    outcome.errorString = reply->errorString();
    if (file.isOpen())
        file.close();
    if (writeFailed)
        co_return Error::make(Error::Code::Permission, QStringLiteral("cannot write %1").arg(path), file.errorString());
    co_return outcome;
}

QCoro::Task<Result<void>> putFileToUrl(QNetworkAccessManager &nam, QUrl url, QString path, UploadProgress progress)
{
    auto file = std::make_unique<QFile>(path);
    if (!file->open(QIODevice::ReadOnly))
        co_return Error::make(Error::Code::NotFound, QStringLiteral("cannot read %1").arg(path), file->errorString());
    QNetworkRequest request(url);
    request.setTransferTimeout(kTransferTimeoutMs);
    request.setHeader(QNetworkRequest::ContentLengthHeader, file->size());
    std::unique_ptr<QNetworkReply> reply(nam.put(request, file.get()));
    bool stopped = false;
    if (progress)
        QObject::connect(reply.get(), &QNetworkReply::uploadProgress, reply.get(), [&progress, &stopped, r = reply.get()](qint64 sent, qint64 total) {
            if (!stopped && !progress(sent, total)) {
                stopped = true;
                r->abort();
            }
        });
    co_await qCoro(reply.get()).waitForFinished();
    if (stopped)
        co_return Error::make(Error::Code::Cancelled, QStringLiteral("the upload was cancelled"));
    const QByteArray body = reply->readAll();
    const int status = statusOf(reply.get());
    if (reply->error() != QNetworkReply::NoError || status / 100 != 2)
        co_return linkError(url, status, reply->error(), reply->errorString(), body, QStringLiteral("upload"));
    co_return Result<void>();
}

QCoro::Task<Result<void>> getUrlToFile(QNetworkAccessManager &nam, QUrl url, QString path,
                                       std::function<bool(qint64 fileSize)> progress)
{
    const qint64 have = QFileInfo::exists(path) ? QFileInfo(path).size() : 0;
    QNetworkRequest request(url);
    if (have > 0)
        request.setRawHeader("Range", "bytes=" + QByteArray::number(have) + '-');
    Result<FetchOutcome> fetched = co_await fetchToFile(nam, request, path, progress);
    if (!fetched)
        co_return fetched.error();
    if (fetched->error == QNetworkReply::OperationCanceledError)
        co_return Error::make(Error::Code::Cancelled, QStringLiteral("the download was stopped"));
    if (fetched->status == 416 && have > 0)
        co_return Result<void>(); // nothing after what we have; the caller's SHA-256 check decides
    if (fetched->error != QNetworkReply::NoError || (fetched->status != 200 && fetched->status != 206))
        co_return linkError(url, fetched->status, fetched->error, fetched->errorString, fetched->errorBody,
                            QStringLiteral("download"));
    co_return Result<void>();
}

} // namespace finpipe::cloud::s3
