#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QFileDevice>
#include <QString>

#include <memory>
#include <string>
#include <string_view>

namespace finpipe::outputs {

//! A file that has been written completely and moved into place.
struct WrittenFile {
    QString path;
    qint64 size = 0;
    QString sha256; //!< lower-case hex of the bytes written
};

//! Writes a file atomically: into a temporary file next to it, renamed over the target only on
//! commit(), so that a reader never sees half a file and a failed run leaves no partial output.
//! Hashes the bytes as they pass. With `background`, writing and hashing happen on a worker thread
//! so that whoever formats the content keeps its core.
class AtomicFile
{
public:
    explicit AtomicFile(QString path, bool background = false);
    ~AtomicFile(); //!< discards the temporary file unless commit() succeeded
    AtomicFile(const AtomicFile &) = delete;
    AtomicFile &operator=(const AtomicFile &) = delete;

    Result<void> open();
    //! Appends bytes; errors surface at commit().
    void write(const QByteArray &data) { write(std::string(data.constData(), size_t(data.size()))); }
    //! Appends bytes, taking the buffer without a copy.
    void write(std::string &&data);
    //! A buffer from an earlier write(), if one is free, to be overwritten (background mode
    //! recycles its chunks so that a large file does not fault in fresh pages for every chunk).
    //! Its content is stale: set its size before use.
    std::string takeBuffer();
    //! Flushes, renames into place and reports size and SHA-256.
    Result<WrittenFile> commit();
    const QString &path() const { return m_path; }

private:
    struct Impl;
    QString m_path;
    std::unique_ptr<Impl> d;
};

//! Why a write failed, in plain words: the system's reason ("No space left on device") rather than
//! Qt's "Unknown error" when a short write left no error behind. `savedErrno` is errno right after
//! the failed call.
QString fileErrorText(QFileDevice::FileError error, const QString &errorString, int savedErrno);
inline QString fileErrorText(const QFileDevice &file, int savedErrno)
{
    return fileErrorText(file.error(), file.errorString(), savedErrno);
}

//! The folder to name in a message about `path`: the output folder, also while the file is still
//! in its staging folder.
QString outputFolderOf(const QString &path);

//! Writes `content` to `path` atomically.
Result<WrittenFile> writeFileAtomically(const QString &path, const QByteArray &content);

//! Size and SHA-256 of a file already on disk (for files written by libraries).
Result<WrittenFile> describeFile(const QString &path);

} // namespace finpipe::outputs
