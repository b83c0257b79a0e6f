#include "spillfile.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryFile>

namespace finpipe {

struct SpillFile::File {
    explicit File(const QString &dir)
        : folder(QDir::toNativeSeparators(dir)), file(QDir(dir).filePath(QStringLiteral("finpipe-spill-XXXXXX")))
    {
    }
    QString folder;
    // Removed when closed; on Linux it has no name at all (O_TMPFILE), so not even a crash leaves it.
    QTemporaryFile file;
};

SpillFile::SpillFile(size_t bufferBytes) : m_buffer(std::max<size_t>(bufferBytes, 64)) {}

SpillFile::~SpillFile() = default;

void SpillFile::makeRoom(size_t bytes)
{
    if (m_used > 0 && flush() && bytes <= m_buffer.size())
        return;
    // No file to take the bytes (or a record larger than the buffer): memory rather than lost data.
    m_buffer.resize(std::max(m_buffer.size() * 2, m_used + bytes));
}

bool SpillFile::flush()
{
    if (m_diskFailed)
        return false;
    auto fail = [&](const QString &what) {
        m_diskFailed = true;
        m_diskError = what;
        return false;
    };
    if (!m_file) {
        const QString folder = QDir::tempPath(); // empty when TMPDIR names no folder
        if (folder.isEmpty() || !QFileInfo(folder).isDir())
            return fail(QStringLiteral("the temporary folder (TMPDIR) does not exist"));
        m_file = std::make_unique<File>(folder);
        if (!m_file->file.open())
            return fail(QStringLiteral("cannot create a temporary file in %1: %2")
                            .arg(QDir::toNativeSeparators(QDir::tempPath()), m_file->file.errorString()));
    }
    if (m_reading) { // appending after a read: back to the end of the file
        m_reading = false;
        if (!m_file->file.seek(m_onDisk))
            return fail(QStringLiteral("cannot write a temporary file in %1: %2").arg(m_file->folder, m_file->file.errorString()));
    }
    // A failed or partial write leaves the file's end unknown: what was written before stays
    // readable (the first m_onDisk bytes), everything from here on stays in memory.
    const qint64 n = qint64(m_used);
    if (m_file->file.write(m_buffer.data(), n) != n)
        return fail(QStringLiteral("cannot write a temporary file in %1: %2").arg(m_file->folder, m_file->file.errorString()));
    m_onDisk += n;
    m_used = 0;
    return true;
}

bool SpillFile::rewind()
{
    m_readPos = 0;
    m_readFailed = false;
    if (m_onDisk == 0)
        return true;
    m_reading = true;
    if (!m_file->file.flush() || !m_file->file.seek(0)) {
        m_readFailed = true;
        return false;
    }
    return true;
}

size_t SpillFile::next(void *out, size_t bytes)
{
    auto *w = static_cast<char *>(out);
    size_t done = 0;
    if (m_readPos < m_onDisk) {
        if (m_readFailed)
            return 0;
        const qint64 want = std::min<qint64>(qint64(bytes), m_onDisk - m_readPos);
        if (m_file->file.read(w, want) != want) {
            m_readFailed = true;
            return 0;
        }
        m_readPos += want;
        done = size_t(want);
    }
    if (done < bytes && m_readPos >= m_onDisk) {
        const size_t at = size_t(m_readPos - m_onDisk);
        const size_t n = std::min(bytes - done, m_used - at);
        if (n > 0)
            std::memcpy(w + done, m_buffer.data() + at, n);
        m_readPos += qint64(n);
        done += n;
    }
    return done;
}

} // namespace finpipe
