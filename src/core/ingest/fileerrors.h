#pragma once

#include "common/result.h"

#include <QDateTime>
#include <QFile>

namespace finpipe::ingest {

//! Opens `file` read-only; on failure an Error that names the file and says why in plain words
//! (missing, a folder, no permission, ...).
Result<void> openForReading(QFile &file);

//! An Error for a failed read() on an open file.
Error readError(const QFile &file);

//! Fails with Error::Code::Changed when the file no longer exists or its size or modification
//! time differ from what they were when reading started.
Result<void> checkUnchanged(const QFile &file, qint64 sizeAtStart, const QDateTime &modifiedAtStart);

//! The file's name as shown to the analyst in messages.
QString displayName(const QString &path);

} // namespace finpipe::ingest
