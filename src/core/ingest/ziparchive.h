#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QString>

#include <memory>

namespace finpipe::ingest {

//! Safety limits applied while inflating zip entries (zip bombs).
struct ZipLimits {
    //! Most bytes one entry may inflate to.
    qint64 maxEntryBytes = 2ll * 1024 * 1024 * 1024;
    //! Most bytes an entry may inflate to per byte stored.
    int maxRatio = 200;
    //! The limit named in messages (the whole workbook's budget); 0 means maxEntryBytes.
    qint64 reportedLimit = 0;
};

class ZipEntryStream;

//! A zip archive read from its file through minizip's unzip API, entry by entry, so that memory
//! does not grow with the file's size. Errors name the file (`name`). The file must stay as it
//! was when open() was called: a read that finds it changed fails with Error::Code::Changed.
class ZipArchive : public std::enable_shared_from_this<ZipArchive>
{
public:
    struct Entry {
        QString name;
        qint64 compressedSize = 0;
        qint64 uncompressedSize = 0; //!< as declared by the archive; never trusted for limits
        bool encrypted = false;
        quint64 offset = 0;          //!< central directory position (unz64_file_pos)
        quint64 fileNumber = 0;
    };

    //! Reads the central directory of the file at `path`, which the caller found to be `size`
    //! bytes, last modified at `modified` (when it hashed it, say). Fails with Corrupt
    //! ("damaged") when the directory is missing or broken, with Changed when the file differs.
    static Result<std::shared_ptr<ZipArchive>> open(const QString &path, const QString &name, qint64 size,
                                                    const QDateTime &modified);

    //! The entry with this name, compared without regard to case (OOXML part names are
    //! case-insensitive), or nullptr. Names stored with backslashes are found with slashes.
    const Entry *find(const QString &name) const;
    int entryCount() const { return int(m_entries.size()); }

    //! Inflates a whole entry into memory, enforcing `limits`.
    Result<QByteArray> readAll(const QString &entry, const ZipLimits &limits) const;
    //! Opens an entry for streaming. The stream keeps the archive alive.
    Result<std::unique_ptr<ZipEntryStream>> openStream(const QString &entry, const ZipLimits &limits) const;

    const QString &fileName() const { return m_name; }
    qint64 size() const { return m_size; }
    //! Fails with Error::Code::Changed when the file was moved, deleted or rewritten since open().
    Result<void> unchanged() const;
    //! `e`, unless the file changed since open(): then that is the likely cause of whatever went
    //! wrong reading it (bad data, bad XML), and the error says so.
    Error orChanged(Error e) const;

private:
    friend class ZipEntryStream;
    ZipArchive() = default;

    QString m_path;
    QString m_name;
    qint64 m_size = 0;
    QDateTime m_modified;
    std::vector<Entry> m_entries;
    QHash<QString, int> m_index; //!< lower-case name -> entry
};

//! One entry being inflated. Counts the real output bytes against the limits as it goes.
class ZipEntryStream
{
public:
    ~ZipEntryStream();
    ZipEntryStream(const ZipEntryStream &) = delete;
    ZipEntryStream &operator=(const ZipEntryStream &) = delete;

    //! Up to `max` bytes into `buf`; 0 at the end of the entry.
    Result<qint64> read(char *buf, qint64 max);
    //! Reads (and drops) the rest of the entry, so that its checksum is verified: a part whose
    //! useful content ends early (a sheet after </sheetData>) is still checked for damage.
    Result<void> skipToEnd();
    //! Compressed bytes consumed so far and in total: for progress and the expansion ratio.
    qint64 compressedDone() const;
    qint64 compressedTotal() const { return m_entry.compressedSize; }
    qint64 inflated() const { return m_inflated; }
    const ZipArchive::Entry &entry() const { return m_entry; }

private:
    friend class ZipArchive;
    ZipEntryStream() = default;
    Error damaged(const QString &detail) const;

    std::shared_ptr<const ZipArchive> m_archive;
    void *m_unz = nullptr;
    ZipArchive::Entry m_entry;
    ZipLimits m_limits;
    qint64 m_inflated = 0;
    quint64 m_dataStart = 0;
    bool m_finished = false;
};

} // namespace finpipe::ingest
