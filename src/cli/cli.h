#pragma once

#include "common/result.h"

#include <QStringList>
#include <QTextStream>

namespace finpipe::cli {

//! finpipe-cli's exit codes, as documented in the README.
enum ExitCode {
    Ok = 0,
    Failure = 1,      //!< anything not listed below (internal error)
    Usage = 2,
    Unreadable = 3,
    Uncertain = 4,
    AnalysisFailed = 5,
    Inconsistent = 6,    //!< verify: the folder differs from its manifest.json
    RunNotSucceeded = 7, //!< verify: the folder matches a manifest saying "failed" or "cancelled"
    CloudUnavailable = 8, //!< the cloud (database or storage) is unreachable or refused us
    Cancelled = 130,     //!< Ctrl-C or SIGTERM (128 + SIGINT, as shells report it)
};

//! A subcommand: `args` are the words after the command's name.
struct Command {
    const char *name;
    const char *summary;
    int (*run)(const QStringList &args);
};

//! Every command, in the order `finpipe-cli --help` lists them. Defined in cli.cpp.
const QList<Command> &commands();

QTextStream &out();
QTextStream &err();

//! Prints the error to stderr as "finpipe-cli: <message>" and returns the matching exit code.
int fail(const Error &error);
//! Prints a usage error to stderr with a hint to --help and returns ExitCode::Usage.
int usageError(const QString &command, const QString &message);
//! The exit code for an Error (Usage -> 2, input problems -> 3, Uncertain -> 4, analysis -> 5).
int exitCodeFor(const Error &error);

//! Escapes a string for a JSON string literal (without the quotes).
QString jsonEscape(const QString &s);

// Commands (one file each).
int runHash(const QStringList &args);
int runInspect(const QStringList &args);
int runDetect(const QStringList &args);
int runAnalyze(const QStringList &args);
int runVerify(const QStringList &args);
int runSubmit(const QStringList &args);
int runJobs(const QStringList &args);
int runJob(const QStringList &args);
int runDownload(const QStringList &args);
int runUrl(const QStringList &args);
int runCancel(const QStringList &args);
int runQueue(const QStringList &args);
int runMigrate(const QStringList &args);
int runCloud(const QStringList &args);
int runPrune(const QStringList &args);

} // namespace finpipe::cli
