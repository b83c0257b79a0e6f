#include "ziparchive.h"

#include "ingest/fileerrors.h"

#include <QFile>
#include <QLocale>

#include <unzip.h>

#include <algorithm>
#include <memory>

namespace finpipe::ingest {

namespace {

// minizip reads the archive through these callbacks. Each handle opens the file anew, so several
// entries can be inflated at the same time, each through its own cursor; nothing is held in
// memory beyond the file's read buffer.
voidpf fileOpen(voidpf, const void *path, int mode)
{
    if ((mode & ZLIB_FILEFUNC_MODE_READWRITEFILTER) != ZLIB_FILEFUNC_MODE_READ)
        return nullptr;
    auto file = std::make_unique<QFile>(*static_cast<const QString *>(path));
    if (!file->open(QIODevice::ReadOnly))
        return nullptr;
    return file.release();
}

uLong fileRead(voidpf, voidpf stream, void *buf, uLong size)
{
    const qint64 n = static_cast<QFile *>(stream)->read(static_cast<char *>(buf), qint64(size));
    return n > 0 ? uLong(n) : 0;
}

uLong fileWrite(voidpf, voidpf, const void *, uLong)
{
    return 0;
}

ZPOS64_T fileTell(voidpf, voidpf stream)
{
    return ZPOS64_T(static_cast<QFile *>(stream)->pos());
}

long fileSeek(voidpf, voidpf stream, ZPOS64_T offset, int origin)
{
    auto *f = static_cast<QFile *>(stream);
    quint64 base = 0;
    switch (origin) {
    case ZLIB_FILEFUNC_SEEK_SET: base = 0; break;
    case ZLIB_FILEFUNC_SEEK_CUR: base = quint64(f->pos()); break;
    case ZLIB_FILEFUNC_SEEK_END: base = quint64(f->size()); break;
    default: return -1;
    }
    const quint64 target = base + offset;
    if (target < base || target > quint64(f->size()))
        return -1;
    return f->seek(qint64(target)) ? 0 : -1;
}

int fileClose(voidpf, voidpf stream)
{
    delete static_cast<QFile *>(stream);
    return 0;
}

int fileError(voidpf, voidpf stream)
{
    return static_cast<QFile *>(stream)->error() == QFileDevice::NoError ? 0 : 1;
}

struct UnzHandle {
    unzFile file = nullptr;
};

UnzHandle *openHandle(const QString &path)
{
    zlib_filefunc64_def funcs{};
    funcs.zopen64_file = fileOpen;
    funcs.zread_file = fileRead;
    funcs.zwrite_file = fileWrite;
    funcs.ztell64_file = fileTell;
    funcs.zseek64_file = fileSeek;
    funcs.zclose_file = fileClose;
    funcs.zerror_file = fileError;
    // The "path" minizip hands to fileOpen, once, during unzOpen2_64.
    unzFile file = unzOpen2_64(&path, &funcs);
    return file ? new UnzHandle{file} : nullptr;
}

void closeHandle(void *p)
{
    auto *h = static_cast<UnzHandle *>(p);
    if (!h)
        return;
    unzCloseCurrentFile(h->file);
    unzClose(h->file);
    delete h;
}

QString unzErrorText(int code)
{
    switch (code) {
    case UNZ_ERRNO: return QStringLiteral("I/O error");
    case UNZ_PARAMERROR: return QStringLiteral("parameter error");
    case UNZ_BADZIPFILE: return QStringLiteral("bad zip structure");
    case UNZ_INTERNALERROR: return QStringLiteral("internal zip error");
    case UNZ_CRCERROR: return QStringLiteral("checksum mismatch");
    case Z_DATA_ERROR: return QStringLiteral("compressed data is corrupt");
    case Z_STREAM_ERROR: return QStringLiteral("compressed stream error");
    case Z_MEM_ERROR: return QStringLiteral("out of memory while inflating");
    case Z_BUF_ERROR: return QStringLiteral("compressed data ends early");
    default: return QStringLiteral("zip error %1").arg(code);
    }
}

Error damagedError(const QString &name, const QString &detail)
{
    return Error::make(Error::Code::Corrupt,
                       QStringLiteral("\"%1\" is damaged and cannot be read: the file looks cut short or "
                                      "corrupted. Open it in Excel to repair it, or get a fresh copy, "
                                      "then try again.")
                           .arg(name),
                       detail);
}

constexpr int kMaxEntries = 100'000;

} // namespace

Result<std::shared_ptr<ZipArchive>> ZipArchive::open(const QString &path, const QString &name, qint64 size,
                                                     const QDateTime &modified)
{
    std::shared_ptr<ZipArchive> zip(new ZipArchive);
    zip->m_path = path;
    zip->m_name = name;
    zip->m_size = size;
    zip->m_modified = modified;
    if (auto r = zip->unchanged(); !r.ok())
        return r.error();
    UnzHandle *h = openHandle(path);
    if (!h)
        return zip->orChanged(damagedError(name, QStringLiteral("the zip central directory is missing or unreadable")));
    const std::unique_ptr<UnzHandle, void (*)(void *)> guard(h, closeHandle);

    unz_global_info64 global{};
    if (int rc = unzGetGlobalInfo64(h->file, &global); rc != UNZ_OK)
        return zip->orChanged(damagedError(name, unzErrorText(rc)));
    if (global.number_entry > quint64(kMaxEntries))
        return Error::make(Error::Code::TooLarge,
                           QStringLiteral("\"%1\" holds %2 parts, far more than any workbook; it was not "
                                          "read to keep finpipe safe.")
                               .arg(name)
                               .arg(global.number_entry));

    int rc = unzGoToFirstFile(h->file);
    char nameBuf[1024];
    while (rc == UNZ_OK) {
        unz_file_info64 info{};
        rc = unzGetCurrentFileInfo64(h->file, &info, nameBuf, sizeof nameBuf, nullptr, 0, nullptr, 0);
        if (rc != UNZ_OK)
            return zip->orChanged(damagedError(name, unzErrorText(rc)));
        unz64_file_pos pos{};
        unzGetFilePos64(h->file, &pos);
        Entry e;
        e.name = QString::fromUtf8(nameBuf, qsizetype(std::min<uLong>(info.size_filename, sizeof nameBuf - 1)));
        // Some writers store Windows paths ("xl\\workbook.xml"); part names use '/'.
        e.name.replace(u'\\', u'/');
        e.compressedSize = qint64(std::min<quint64>(info.compressed_size, quint64(size)));
        e.uncompressedSize = qint64(std::min<quint64>(info.uncompressed_size, quint64(INT64_MAX)));
        e.encrypted = (info.flag & 1u) != 0;
        e.offset = pos.pos_in_zip_directory;
        e.fileNumber = pos.num_of_file;
        // A name stored twice (a crafted archive) resolves to its first entry.
        if (!zip->m_index.contains(e.name.toLower()))
            zip->m_index.insert(e.name.toLower(), int(zip->m_entries.size()));
        zip->m_entries.push_back(std::move(e));
        rc = unzGoToNextFile(h->file);
    }
    if (rc != UNZ_END_OF_LIST_OF_FILE)
        return zip->orChanged(damagedError(name, unzErrorText(rc)));
    return zip;
}

Result<void> ZipArchive::unchanged() const
{
    return checkUnchanged(QFile(m_path), m_size, m_modified);
}

Error ZipArchive::orChanged(Error e) const
{
    if (auto r = unchanged(); !r.ok())
        return r.error();
    return e;
}

const ZipArchive::Entry *ZipArchive::find(const QString &name) const
{
    const auto it = m_index.constFind(name.toLower());
    return it == m_index.constEnd() ? nullptr : &m_entries[size_t(*it)];
}

Result<QByteArray> ZipArchive::readAll(const QString &entry, const ZipLimits &limits) const
{
    auto stream = openStream(entry, limits);
    if (!stream)
        return stream.error();
    QByteArray out;
    const Entry &e = (*stream)->entry();
    // The declared size is only a hint for the first allocation.
    out.reserve(qsizetype(std::min({e.uncompressedSize, e.compressedSize * qint64(std::max(limits.maxRatio, 1)),
                                    qint64(64) * 1024 * 1024})));
    char buf[64 * 1024];
    for (;;) {
        auto n = (*stream)->read(buf, sizeof buf);
        if (!n)
            return n.error();
        if (*n == 0)
            break;
        out.append(buf, qsizetype(*n));
    }
    return out;
}

Result<std::unique_ptr<ZipEntryStream>> ZipArchive::openStream(const QString &entry, const ZipLimits &limits) const
{
    const Entry *e = find(entry);
    if (!e)
        return Error::make(Error::Code::Format,
                           QStringLiteral("\"%1\" is incomplete: the part \"%2\" is missing.").arg(m_name, entry));
    if (e->encrypted)
        return Error::make(Error::Code::Encrypted,
                           QStringLiteral("\"%1\" is protected with a password (its contents are encrypted). "
                                          "Save an unprotected copy and try again.")
                               .arg(m_name),
                           e->name);
    std::unique_ptr<ZipEntryStream> s(new ZipEntryStream);
    s->m_archive = shared_from_this();
    s->m_entry = *e;
    s->m_limits = limits;
    if (auto r = unchanged(); !r.ok())
        return r.error();
    UnzHandle *h = openHandle(m_path);
    if (!h)
        return orChanged(damagedError(m_name, QStringLiteral("reopening the archive failed")));
    s->m_unz = h;
    unz64_file_pos pos{e->offset, e->fileNumber};
    if (int rc = unzGoToFilePos64(h->file, &pos); rc != UNZ_OK)
        return s->damaged(unzErrorText(rc));
    if (int rc = unzOpenCurrentFile(h->file); rc != UNZ_OK)
        return s->damaged(unzErrorText(rc));
    s->m_dataStart = unzGetCurrentFileZStreamPos64(h->file);
    return s;
}

ZipEntryStream::~ZipEntryStream()
{
    closeHandle(m_unz);
}

Error ZipEntryStream::damaged(const QString &detail) const
{
    return m_archive->orChanged(damagedError(m_archive->m_name, m_entry.name + QStringLiteral(": ") + detail));
}

qint64 ZipEntryStream::compressedDone() const
{
    if (!m_unz)
        return 0;
    const quint64 pos = unzGetCurrentFileZStreamPos64(static_cast<UnzHandle *>(m_unz)->file);
    return pos > m_dataStart ? std::min<qint64>(qint64(pos - m_dataStart), m_entry.compressedSize) : 0;
}

Result<qint64> ZipEntryStream::read(char *buf, qint64 max)
{
    if (m_finished || max <= 0)
        return qint64(0);
    auto *h = static_cast<UnzHandle *>(m_unz);
    const int n = unzReadCurrentFile(h->file, buf, unsigned(std::min<qint64>(max, 1 << 30)));
    if (n < 0)
        return damaged(unzErrorText(n));
    if (n == 0) {
        m_finished = true;
        // minizip verifies the CRC when the whole entry has been read.
        if (int rc = unzCloseCurrentFile(h->file); rc != UNZ_OK)
            return damaged(unzErrorText(rc));
        // What was read is what was hashed only if the file is still as it was.
        if (auto r = m_archive->unchanged(); !r.ok())
            return r.error();
        return qint64(0);
    }
    m_inflated += n;
    // Counted on the bytes really produced: header sizes can lie.
    const QString &file = m_archive->m_name;
    if (m_inflated > m_limits.maxEntryBytes)
        return Error::make(Error::Code::TooLarge,
                           QStringLiteral("\"%1\" was not read: it unpacks to more than %2, over "
                                          "finpipe's safety limit for a workbook.")
                               .arg(file, QLocale::c().formattedDataSize(m_limits.reportedLimit ? m_limits.reportedLimit : m_limits.maxEntryBytes, 1,
                                                                         QLocale::DataSizeTraditionalFormat)),
                           m_entry.name);
    // Tiny entries may legitimately compress very well; the ratio guards against expansion. It is
    // measured against the compressed bytes really consumed, not the sizes the headers declare.
    const qint64 consumed = std::max<qint64>(compressedDone(), 1);
    if (m_inflated > 1024 * 1024 && m_inflated / consumed > m_limits.maxRatio)
        return Error::make(Error::Code::TooLarge,
                           QStringLiteral("\"%1\" was not read: part of it expands to more than %2 times "
                                          "its stored size, which is how malicious \"zip bomb\" files "
                                          "look. If you trust the file, open it in Excel and save it again.")
                               .arg(file)
                               .arg(m_limits.maxRatio),
                           m_entry.name);
    return qint64(n);
}

Result<void> ZipEntryStream::skipToEnd()
{
    char buf[64 * 1024];
    for (;;) {
        auto n = read(buf, sizeof buf);
        if (!n)
            return n.error();
        if (*n == 0)
            return {};
    }
}

} // namespace finpipe::ingest
