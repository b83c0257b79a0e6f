#pragma once

#include "common/result.h"
#include "jobs/pipeline.h"

#include <QByteArray>
#include <QCoroTask>
#include <QString>
#include <QStringList>

#include <functional>

class QNetworkAccessManager;

namespace finpipe::detect {
class Rules;
}

namespace finpipe::cloud {

namespace pg {
class Connection;
}

//! What an analyst submits: the job as `finpipe-cli analyze` would run it here (the spec's input
//! and templates are local files), with detection's answer.
struct Submission {
    jobs::JobSpec spec;
    QString rulesVersion;
    QString datasetType;
    QByteArray detection; //!< JSON object
    QByteArray mapping;   //!< JSON object
    //! Told how the input's upload goes (bytes sent, total); returning false cancels the submission.
    std::function<bool(qint64 sent, qint64 total)> uploadProgress;
};

struct Submitted {
    QString jobId;
    bool uploaded = false; //!< the input was sent now (not already in the storage)
};

//! Detection as `finpipe-cli analyze` does it, for a submission: the spec's mapping when it has one,
//! else the analyst's type and role choice validated against what detection found, else detection
//! when it is sure (an Uncertain error, in the analyst's words ending with `howToChoose`, when it is
//! not). Reads the file: call it off a GUI thread.
Result<Submission> prepareSubmission(const jobs::JobSpec &spec, const detect::Rules &rules,
                                     const QString &howToChoose = QStringLiteral("choose the type and columns yourself"));

//! Two templates of one file name cannot be told apart on a worker: a Usage error names them.
Result<void> checkTemplateNames(const QStringList &templates);

//! Stores the input and every template by their SHA-256 through PUT links the database issues —
//! nothing is sent for bytes the storage already holds, and while another submission uploads the
//! same bytes this one waits — then queues the job with the spec stripped of this computer's paths
//! (the worker finds the input and templates by their hashes). A failed upload is tried twice more
//! and then gives its reservation back. Errors: Usage (two templates of one name), NotFound or
//! Unreadable (a local file), otherwise the cloud's.
QCoro::Task<Result<Submitted>> submitToCloud(pg::Connection &db, QNetworkAccessManager &nam, Submission submission);

} // namespace finpipe::cloud
