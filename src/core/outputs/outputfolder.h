#pragma once

#include "common/result.h"

#include <QLockFile>
#include <QString>

#include <memory>

namespace finpipe::outputs {

//! How long a run waits for another run writing the same output folder before it gives up.
constexpr int kOutputLockWaitMs = 3000;

//! An output folder that always holds one complete run or none. A run writes into a hidden
//! staging folder beside it (`.<name>.staging-<id>`) and commit() swaps that into place in one
//! step, so the previous complete set stays until then. A lock file beside the folder
//! (`.<name>.lock`) keeps two runs from writing it at once. The folder is never written through a
//! symbolic link, and a folder holding anything finpipe did not write is refused, not wiped.
class OutputFolder
{
public:
    //! Checks that `dir` may be used (a new or empty folder, or one holding a finpipe run), locks
    //! it (waiting up to `lockWaitMs` for another run), finishes or rolls back a swap a crash
    //! interrupted, removes leftovers of interrupted runs and creates the staging folder.
    static Result<std::unique_ptr<OutputFolder>> open(const QString &dir, int lockWaitMs = kOutputLockWaitMs);
    ~OutputFolder(); //!< discards the staging folder unless committed, and unlocks
    OutputFolder(const OutputFolder &) = delete;
    OutputFolder &operator=(const OutputFolder &) = delete;

    //! The output folder (absolute, clean).
    const QString &path() const { return m_path; }
    //! Where the run writes its files until commit().
    const QString &stagingPath() const { return m_staging; }
    QString stagingFile(const QString &name) const;
    //! manifest.json's "status" of the run the folder held when opened; empty when it held none.
    const QString &previousStatus() const { return m_previousStatus; }

    //! Puts the staging folder in place of the output folder in one step (Linux: renameat2 with
    //! RENAME_EXCHANGE; elsewhere the old folder is renamed aside first and put back by the next
    //! open() if a crash hits in between), then removes the previous set.
    Result<void> commit();
    //! Removes the staging folder; the output folder keeps what it held.
    void discard();

    //! Tests use this to exercise the portable swap on Linux too.
    void setAtomicExchange(bool on) { m_atomicExchange = on; }

private:
    OutputFolder() = default;
    void recoverAndClean();

    QString m_path;
    QString m_parent;
    QString m_name;
    QString m_staging;
    QString m_previousStatus;
    std::unique_ptr<QLockFile> m_lock;
    bool m_done = false;
    bool m_atomicExchange = true;
};

//! Files an output folder may hold besides its manifest's outputs without counting as somebody
//! else's work: manifest.json, temporaries of an interrupted finpipe write and desktop litter.
bool isFinpipeLeftover(const QString &fileName);

} // namespace finpipe::outputs
