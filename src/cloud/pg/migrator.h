#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QCoroTask>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace finpipe::cloud::pg {

class Connection;

//! One file of migrations/: `NNNN_name.sql`, or bootstrap.sql (version -1).
struct MigrationFile {
    int version = -1;
    QString name;   //!< the part after "NNNN_"
    QString base;   //!< "0001_queue"
    QByteArray bytes;
    QString sha256; //!< of the bytes, lower-case hex
};

//! bootstrap.sql and the numbered files in order.
struct Migrations {
    MigrationFile bootstrap;
    QList<MigrationFile> files;
};

//! The session-level advisory lock every migration runner holds for its whole run.
inline constexpr qint64 kMigrationLock = 1718185584; // 'finp'

//! Reads the migrations from `dir`, or when empty from FINPIPE_MIGRATIONS_DIR, or else the copy
//! built into the program (":/migrations").
Result<Migrations> loadMigrations(const QString &dir = {});

//! Applies the migrations as docs/cloud-servers.md describes: under the advisory lock,
//! bootstrap.sql, then each pending file in its own transaction with its SHA-256 recorded; a file
//! changed after it was applied is refused by name; a failing one rolls back. `progress` gets
//! "applied NNNN_name" or "up to date NNNN_name" per file. Returns the number applied.
QCoro::Task<Result<int>> migrate(Connection &connection, const Migrations &migrations,
                                 std::function<void(const QString &)> progress = {});

} // namespace finpipe::cloud::pg
