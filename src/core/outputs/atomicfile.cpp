#include "atomicfile.h"

#include "common/platform.h"
#include "ingest/fileerrors.h"
#include "ingest/sha256.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>

#include <cerrno>
#include <cstring>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#if FINPIPE_LINUX_CALLS
#include <fcntl.h>
#endif

namespace finpipe::outputs {

namespace {

//! A file name fit for a message: a name built from a 40,000-character cell is cut short.
QString shortName(const QString &path)
{
    const QString name = QFileInfo(path).fileName();
    return name.size() <= 100 ? name : name.left(60) + QStringLiteral("…") + name.right(20);
}

Error writeError(const QString &path, const QString &detail)
{
    return Error::make(Error::Code::Failed,
                       QStringLiteral("Could not write \"%1\" in %2: %3. Check that the folder is writable "
                                      "and the disk is not full.")
                           .arg(shortName(path), outputFolderOf(path), detail),
                       detail);
}

} // namespace

QString fileErrorText(QFileDevice::FileError error, const QString &text, int savedErrno)
{
    if (savedErrno == ENOSPC || savedErrno == EDQUOT || savedErrno == EFBIG || savedErrno == EIO)
        return QString::fromLocal8Bit(std::strerror(savedErrno));
    if (error == QFileDevice::ResourceError && (text.isEmpty() || text == u"Unknown error"))
        return QString::fromLocal8Bit(std::strerror(ENOSPC));
    if (!text.isEmpty() && text != u"Unknown error")
        return text;
    if (savedErrno != 0)
        return QString::fromLocal8Bit(std::strerror(savedErrno));
    return QStringLiteral("the data could not be written");
}

QString outputFolderOf(const QString &path)
{
    static const QRegularExpression staging(QStringLiteral("^\\.(.+)\\.staging-[0-9a-f]{32}$"));
    const QFileInfo folder(QFileInfo(path).absolutePath());
    const QRegularExpressionMatch m = staging.match(folder.fileName());
    return QDir::toNativeSeparators(m.hasMatch() ? QDir(folder.absolutePath()).filePath(m.captured(1))
                                                 : folder.absoluteFilePath());
}

struct AtomicFile::Impl {
    explicit Impl(const QString &path) : file(path) {}
    QSaveFile file;
    ingest::Sha256 hasher;
    qint64 size = 0;
    qint64 writeBackFrom = 0;   // bytes before this are being written to disk
    qint64 writtenBackFrom = 0; // bytes before this are on disk and out of the page cache
    bool failed = false;
    QString failure;

    // Background mode: a bounded queue drained by one thread.
    bool background = false;
    std::thread worker;
    std::mutex mutex;
    std::condition_variable cv;
    std::deque<std::string> queue;
    std::vector<std::string> spare; // written chunks, cleared, for reuse
    bool closing = false;

    void sink(const std::string &data)
    {
        if (failed || data.empty())
            return;
        hasher.update(data.data(), data.size());
        size += qint64(data.size());
        // A write the disk cannot take in full comes back short without an error; the write of
        // the rest then fails with the reason (ENOSPC: "No space left on device").
        const char *p = data.data();
        qint64 left = qint64(data.size());
        while (left > 0) {
            errno = 0;
            const qint64 n = file.write(p, left);
            if (n <= 0) {
                failed = true;
                failure = fileErrorText(file, errno);
                return;
            }
            p += n;
            left -= n;
        }
#if FINPIPE_LINUX_CALLS
        // Write-behind for large files: start writing each 32 MB to disk as soon as it is
        // complete, wait for the one before it and drop it from the page cache. commit()'s sync
        // then has almost nothing left to wait for, and gigabytes of lineage do not fill the page
        // cache (which made the kernel's share of a 20-million-row run grow faster than the rows).
        constexpr qint64 kWriteBackStep = qint64(32) << 20;
        if (size - writeBackFrom >= kWriteBackStep) {
            const int fd = file.handle();
            if (writtenBackFrom < writeBackFrom) {
                ::sync_file_range(fd, writtenBackFrom, writeBackFrom - writtenBackFrom,
                                  SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
                ::posix_fadvise(fd, writtenBackFrom, writeBackFrom - writtenBackFrom, POSIX_FADV_DONTNEED);
            }
            writtenBackFrom = writeBackFrom;
            ::sync_file_range(fd, writeBackFrom, size - writeBackFrom, SYNC_FILE_RANGE_WRITE);
            writeBackFrom = size;
        }
#else
        // Portable path: the system's own write-back; commit()'s sync writes whatever is left.
#endif
    }

    void run()
    {
        for (;;) {
            std::string chunk;
            {
                std::unique_lock lock(mutex);
                cv.wait(lock, [&] { return closing || !queue.empty(); });
                if (queue.empty())
                    return;
                chunk = std::move(queue.front());
                queue.pop_front();
            }
            cv.notify_all();
            sink(chunk);
            // Recycled with its size: the next user overwrites it without zero-filling again.
            std::lock_guard lock(mutex);
            if (spare.size() < 2)
                spare.push_back(std::move(chunk));
        }
    }

    void stop()
    {
        if (!worker.joinable())
            return;
        {
            std::lock_guard lock(mutex);
            closing = true;
        }
        cv.notify_all();
        worker.join();
    }
};

AtomicFile::AtomicFile(QString path, bool background) : m_path(std::move(path)), d(std::make_unique<Impl>(m_path))
{
    d->background = background;
}

AtomicFile::~AtomicFile()
{
    d->stop();
    // QSaveFile discards its temporary file when destroyed without commit().
}

Result<void> AtomicFile::open()
{
    // Unbuffered: the callers hand over large chunks; Qt's buffer would only add a copy.
    if (!d->file.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
        return writeError(m_path, fileErrorText(d->file, errno));
    if (d->background)
        d->worker = std::thread([this] { d->run(); });
    return {};
}

void AtomicFile::write(std::string &&data)
{
    if (!d->background) {
        d->sink(data);
        return;
    }
    std::unique_lock lock(d->mutex);
    // Bounded: at most four chunks in flight, so memory stays flat however large the file.
    d->cv.wait(lock, [&] { return d->queue.size() < 4; });
    d->queue.push_back(std::move(data));
    lock.unlock();
    d->cv.notify_all();
}

std::string AtomicFile::takeBuffer()
{
    std::lock_guard lock(d->mutex);
    if (d->spare.empty())
        return {};
    std::string s = std::move(d->spare.back());
    d->spare.pop_back();
    return s;
}

Result<WrittenFile> AtomicFile::commit()
{
    d->stop();
    if (d->failed) {
        d->file.cancelWriting();
        return writeError(m_path, d->failure);
    }
    errno = 0;
    if (!d->file.commit())
        return writeError(m_path, fileErrorText(d->file, errno));
    WrittenFile w;
    w.path = m_path;
    w.size = d->size;
    w.sha256 = d->hasher.finishHex();
    return w;
}

Result<WrittenFile> writeFileAtomically(const QString &path, const QByteArray &content)
{
    AtomicFile f(path);
    if (auto r = f.open(); !r)
        return r.error();
    f.write(content);
    return f.commit();
}

Result<WrittenFile> describeFile(const QString &path)
{
    auto digest = ingest::sha256File(path);
    if (!digest)
        return digest.error();
    WrittenFile w;
    w.path = path;
    w.size = QFileInfo(path).size();
    w.sha256 = *digest;
    return w;
}

} // namespace finpipe::outputs
