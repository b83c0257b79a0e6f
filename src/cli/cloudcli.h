#pragma once

// Shared by the cloud commands of finpipe-cli (submit, jobs, job, download, url, cancel, queue,
// migrate, cloud init): settings from the environment, one database session, coroutines run to
// their end on the command's event loop, and the "cloud unavailable" exit code.

#include "cli.h"

#include "cloud/common/runtoend.h"
#include "cloud/pg/connection.h"

#include <QCoroTask>
#include <QEventLoop>

#include <memory>
#include <optional>

namespace finpipe::cli {

using cloud::runToEnd;

//! FINPIPE_DATABASE_URL, or an Error naming it.
Result<QString> databaseUrl();
//! A session to FINPIPE_DATABASE_URL (no reconnecting: a command fails instead).
Result<std::unique_ptr<cloud::pg::Connection>> connectDatabase();

//! Prints the error and returns its exit code: CloudUnavailable when the database or storage cannot be
//! reached or refused us, NotFound-like codes for a job that is not the caller's.
int cloudFail(const Error &error);

} // namespace finpipe::cli
