#pragma once

#include "cloud/queue/jobqueue.h"
#include "common/result.h"

#include <QCoroTask>
#include <QString>

#include <functional>

class QNetworkAccessManager;

namespace finpipe::cloud {

//! Downloads one output of one of the caller's jobs into `dir`/<name> through a GET link the
//! database issues: a partial `<name>.part` left by an earlier try is continued (Range), the bytes
//! are checked against the recorded SHA-256 (hashed off the caller's thread), and a download that
//! does not match is deleted with an error saying so (Corrupt). The file appears under its name
//! only once checked. A name that is not a plain file name (it could leave `dir`) is a Format error.
//! `progress`, when given, is told the bytes of this file received so far; returning false stops
//! the download (a Cancelled error; the partial file stays for the next try).
QCoro::Task<Result<void>> downloadOutput(pg::Connection &db, QNetworkAccessManager &nam, QString jobId,
                                         OutputRecord output, QString dir,
                                         std::function<bool(qint64 received)> progress = {});

} // namespace finpipe::cloud
