#pragma once

#include <QCoroTask>
#include <QList>
#include <QString>

class QNetworkAccessManager;

namespace finpipe::cloud {

//! One step of an analyst's connection check, in the analyst's words.
struct CheckStep {
    enum class Status { Passed, Failed, NotRun };
    QString title;   //!< "The database server answers"
    Status status = Status::NotRun;
    QString detail;  //!< what was found, or why it failed
    QString advice;  //!< what to do when it failed
};

//! The steps of checkConnection, in order; the first failure stops the later ones.
struct ConnectionReport {
    QList<CheckStep> steps;
    bool ok() const;
    //! The first failed step, or null.
    const CheckStep *failure() const;
};

//! Checks an analyst's cloud settings as "Test connection" does, in order: the server answers,
//! the login works, the finpipe schema is there and as new as this program's migrations, the
//! login may submit (member of finpipe_analyst), and the storage answers a request signed by the
//! database (finpipe.presign_check). Nothing here blocks an event loop; the password never
//! appears in the report.
QCoro::Task<ConnectionReport> checkConnection(QString databaseUrl, QNetworkAccessManager &nam);

} // namespace finpipe::cloud
