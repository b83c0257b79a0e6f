#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QCoroTask>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>

#include <functional>

namespace finpipe::cloud::s3 {

//! How a streamed GET ended.
struct FetchOutcome {
    int status = 0;                 //!< HTTP status, 0 when nothing answered
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;            //!< Qt's words for `error`
    QByteArray errorBody;           //!< the body of a non-2xx answer (an S3 error document)
};

//! GETs `request` into `path` as the body arrives: a 206 answer is appended to the file, a 200
//! answer replaces it. The error is only for a file that cannot be written; how the request went
//! is in the outcome.
//! With `progress`, told the file's size as the body arrives; returning false stops the download
//! (the outcome then says OperationCanceledError).
QCoro::Task<Result<FetchOutcome>> fetchToFile(QNetworkAccessManager &nam, QNetworkRequest request, QString path,
                                              std::function<bool(qint64 fileSize)> progress = {});

//! Told the bytes sent so far and the total while an upload goes; returning false stops it.
using UploadProgress = std::function<bool(qint64 sent, qint64 total)>;

//! PUTs a file to a pre-signed URL (no credentials of ours: the URL carries the signature). With
//! `progress`, reports as the bytes go and stops (a Cancelled error) when it returns false.
QCoro::Task<Result<void>> putFileToUrl(QNetworkAccessManager &nam, QUrl url, QString path, UploadProgress progress = {});
//! GETs a pre-signed URL into `path`, continuing a partial file with a Range request; `progress` as
//! for fetchToFile (a stopped download is a Cancelled error, its partial file kept for later).
QCoro::Task<Result<void>> getUrlToFile(QNetworkAccessManager &nam, QUrl url, QString path,
                                       std::function<bool(qint64 fileSize)> progress = {});

//! The <Code> and <Message> of an S3 error document.
std::pair<QString, QString> parseS3Error(const QByteArray &body);

} // namespace finpipe::cloud::s3
