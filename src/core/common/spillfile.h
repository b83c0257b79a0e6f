#pragma once

#include <QString>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

namespace finpipe {

//! Bytes an analysis may need again at the end (every reading's key time, every value for the
//! outlier check) kept in a temporary file instead of memory, so that memory follows the size of
//! the results, not of the input. Appends are buffered; reading back goes through the file, then
//! the buffer. If no temporary file can be written (no space, no permission), the bytes stay in
//! memory: slower to grow, never lost. The file is removed when the object is destroyed.
class SpillFile
{
public:
    explicit SpillFile(size_t bufferBytes = size_t(1) << 20);
    ~SpillFile();
    SpillFile(const SpillFile &) = delete;
    SpillFile &operator=(const SpillFile &) = delete;

    void append(const void *data, size_t bytes)
    {
        if (m_used + bytes > m_buffer.size())
            makeRoom(bytes);
        std::memcpy(m_buffer.data() + m_used, data, bytes);
        m_used += bytes;
    }
    //! Bytes appended so far.
    qint64 size() const { return m_onDisk + qint64(m_used); }
    //! Bytes that went to the temporary file.
    qint64 bytesOnDisk() const { return m_onDisk; }
    //! Why bytes stayed in memory, if a temporary file could not be used; empty otherwise.
    QString diskError() const { return m_diskError; }

    //! Reads everything appended back, in order: rewind(), then next() until it returns less
    //! than asked. False from rewind() when the temporary file cannot be read back.
    bool rewind();
    //! Copies up to `bytes` of the next appended bytes to `out`; returns how many.
    size_t next(void *out, size_t bytes);
    //! True when a read from the temporary file failed since the last rewind().
    bool readFailed() const { return m_readFailed; }

private:
    void makeRoom(size_t bytes); //!< flushes the buffer to the file, or grows it if that fails
    bool flush();

    struct File;
    std::unique_ptr<File> m_file;
    std::vector<char> m_buffer; //!< bytes not yet in the file: the first m_used
    size_t m_used = 0;
    qint64 m_onDisk = 0;
    bool m_diskFailed = false;
    bool m_readFailed = false;
    bool m_reading = false; //!< the file position is not at its end
    qint64 m_readPos = 0;
    QString m_diskError;
};

//! Fixed-size records in a SpillFile.
template <typename Record>
class RecordSpill
{
    static_assert(std::is_trivially_copyable_v<Record>);

public:
    void push(const Record &r) { m_file.append(&r, sizeof r); }
    qint64 count() const { return m_file.size() / qint64(sizeof(Record)); }
    const SpillFile &file() const { return m_file; }
    //! Calls `visit(const Record *records, size_t n)` over every record, in order, until it
    //! returns false. False when the records cannot be read back.
    template <typename Visit>
    bool read(Visit &&visit)
    {
        if (!m_file.rewind())
            return false;
        Record block[512];
        for (;;) {
            const size_t bytes = m_file.next(block, sizeof block);
            const size_t n = bytes / sizeof(Record);
            if (n > 0 && !visit(static_cast<const Record *>(block), n))
                break;
            if (bytes < sizeof block)
                break;
        }
        return !m_file.readFailed();
    }

private:
    SpillFile m_file;
};

} // namespace finpipe
