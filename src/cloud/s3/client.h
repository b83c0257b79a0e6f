#pragma once

#include "common/result.h"
#include "cloud/s3/signer.h"

#include <QCoroTask>
#include <QNetworkAccessManager>
#include <QObject>

namespace finpipe::cloud::s3 {

//! What HEAD says about an object.
struct ObjectInfo {
    qint64 size = 0;
    QString etag;
};

//! S3 requests on single objects over QNetworkAccessManager, signed with SigV4 (the payload's
//! SHA-256 included) and awaited with QCoro. Errors say in plain words what the storage refused
//! ("the storage refused the request's signature: FINPIPE_S3_SECRET_KEY is probably wrong");
//! those meaning "unreachable or refused us" have the code Error::Code::Permission.
class Client : public QObject
{
    Q_OBJECT
public:
    explicit Client(Settings settings, QObject *parent = nullptr);

    //! Uploads bytes as `key`.
    QCoro::Task<Result<void>> put(QString key, QByteArray bytes);
    //! Uploads a file as `key` (its SHA-256 is computed off the event loop's thread first).
    QCoro::Task<Result<void>> putFile(QString key, QString path);
    //! Uploads a file in parts of `partSize` bytes (the last may be shorter; S3 wants at least
    //! 5 MiB for the others), `parallel` parts at a time, each retried up to 3 times. On failure
    //! the upload is aborted, so no parts are left behind.
    QCoro::Task<Result<void>> putFileMultipart(QString key, QString path, qint64 partSize = kDefaultPartSize,
                                               int parallel = 4);
    //! Files at least this large are worth a multipart upload.
    static constexpr qint64 kMultipartThreshold = 64LL << 20;
    static constexpr qint64 kDefaultPartSize = 16LL << 20;

    //! The object's size and ETag; Error::Code::NotFound when there is none.
    QCoro::Task<Result<ObjectInfo>> head(QString key);
    //! The whole object in memory.
    QCoro::Task<Result<QByteArray>> get(QString key);
    //! Downloads into `path`. With `resume`, an existing partial file is continued with a Range
    //! request (restarted when the storage sends the whole object instead).
    QCoro::Task<Result<void>> getFile(QString key, QString path, bool resume = true);
    //! Makes the bucket of the settings (fine when it exists and is ours).
    QCoro::Task<Result<void>> createBucket();
    //! The keys of the objects whose key starts with `prefix` (ListObjectsV2, every page).
    QCoro::Task<Result<QStringList>> list(QString prefix);
    //! Deletes the object (no error when it is already gone).
    QCoro::Task<Result<void>> del(QString key);

    const Signer &signer() const { return m_signer; }
    //! A request for `key`, signed now; `extra` headers (Range) are signed and set.
    QNetworkRequest signedRequest(const QByteArray &method, const QString &key, const QByteArray &payloadSha256Hex,
                                  const Headers &extra = {}, const Query &query = {}) const;

private:
    QCoro::Task<Result<QString>> putPart(QString key, QString uploadId, int number, QString path, qint64 offset, qint64 size);
    QCoro::Task<Result<void>> abortMultipart(QString key, QString uploadId);
    Error errorFor(QNetworkReply *reply, const QByteArray &body, const QString &key) const;
    Error errorFor(int status, const QString &errorString, const QByteArray &body, const QString &key) const;

    Signer m_signer;
    QNetworkAccessManager m_nam;
};

} // namespace finpipe::cloud::s3
