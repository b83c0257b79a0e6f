#include "ziparchive.h"

#include <QLocale>

#include <unzip.h>

#include <algorithm>
#include <cstring>

namespace finpipe::ingest {

namespace {

// minizip reads the archive through these callbacks; each open() gets its own cursor over the
// shared bytes, so several entries can be inflated at the same time through separate handles.
struct MemorySource {
    const char *data;
    quint64 size;
};

struct MemoryCursor {
    const MemorySource *source;
    quint64 pos = 0;
};

voidpf memOpen(voidpf opaque, const void *, int mode)
{
    if ((mode & ZLIB_FILEFUNC_MODE_READWRITEFILTER) != ZLIB_FILEFUNC_MODE_READ)
        return nullptr;
    return new MemoryCursor{static_cast<const MemorySource *>(opaque)};
}

uLong memRead(voidpf, voidpf stream, void *buf, uLong size)
{
    auto *c = static_cast<MemoryCursor *>(stream);
    const quint64 left = c->pos < c->source->size ? c->source->size - c->pos : 0;
    const quint64 n = std::min<quint64>(size, left);
    if (n)
        std::memcpy(buf, c->source->data + c->pos, size_t(n));
    c->pos += n;
    return uLong(n);
}

uLong memWrite(voidpf, voidpf, const void *, uLong)
{
    return 0;
}

ZPOS64_T memTell(voidpf, voidpf stream)
{
    return static_cast<MemoryCursor *>(stream)->pos;
}

long memSeek(voidpf, voidpf stream, ZPOS64_T offset, int origin)
{
    auto *c = static_cast<MemoryCursor *>(stream);
    quint64 base = 0;
    switch (origin) {
    case ZLIB_FILEFUNC_SEEK_SET: base = 0; break;
    case ZLIB_FILEFUNC_SEEK_CUR: base = c->pos; break;
    case ZLIB_FILEFUNC_SEEK_END: base = c->source->size; break;
    default: return -1;
    }
    const quint64 target = base + offset;
    if (target < base || target > c->source->size)
        return -1;
    c->pos = target;
    return 0;
}

int memClose(voidpf, voidpf stream)
{
    delete static_cast<MemoryCursor *>(stream);
    return 0;
}

int memError(voidpf, voidpf)
{
    return 0;
}

//! Owns the MemorySource that minizip's opaque pointer refers to, next to the handle.
struct UnzHandle {
    MemorySource source;
    unzFile file = nullptr;
};

UnzHandle *openHandle(const QByteArray &data)
{
    auto *h = new UnzHandle{{data.constData(), quint64(data.size())}};
    zlib_filefunc64_def funcs{};
    funcs.zopen64_file = memOpen;
    funcs.zread_file = memRead;
    funcs.zwrite_file = memWrite;
    funcs.ztell64_file = memTell;
    funcs.zseek64_file = memSeek;
    funcs.zclose_file = memClose;
    funcs.zerror_file = memError;
    funcs.opaque = &h->source;
    h->file = unzOpen2_64("memory", &funcs);
    if (!h->file) {
        delete h;
        return nullptr;
    }
    return h;
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

Result<std::shared_ptr<ZipArchive>> ZipArchive::open(QByteArray data, const QString &name)
{
    std::shared_ptr<ZipArchive> zip(new ZipArchive);
    zip->m_data = std::move(data);
    zip->m_name = name;
    UnzHandle *h = openHandle(zip->m_data);
    if (!h)
        return damagedError(name, QStringLiteral("the zip central directory is missing or unreadable"));
    const std::unique_ptr<UnzHandle, void (*)(void *)> guard(h, closeHandle);

    unz_global_info64 global{};
    if (int rc = unzGetGlobalInfo64(h->file, &global); rc != UNZ_OK)
        return damagedError(name, unzErrorText(rc));
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
            return damagedError(name, unzErrorText(rc));
        unz64_file_pos pos{};
        unzGetFilePos64(h->file, &pos);
        Entry e;
        e.name = QString::fromUtf8(nameBuf, qsizetype(std::min<uLong>(info.size_filename, sizeof nameBuf - 1)));
        // Some writers store Windows paths ("xl\\workbook.xml"); part names use '/'.
        e.name.replace(u'\\', u'/');
        e.compressedSize = qint64(std::min<quint64>(info.compressed_size, quint64(zip->m_data.size())));
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
        return damagedError(name, unzErrorText(rc));
    return zip;
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
    UnzHandle *h = openHandle(m_data);
    if (!h)
        return damagedError(m_name, QStringLiteral("reopening the archive failed"));
    s->m_unz = h;
    unz64_file_pos pos{e->offset, e->fileNumber};
    if (int rc = unzGoToFilePos64(h->file, &pos); rc != UNZ_OK)
        return damagedError(m_name, e->name + QStringLiteral(": ") + unzErrorText(rc));
    if (int rc = unzOpenCurrentFile(h->file); rc != UNZ_OK)
        return damagedError(m_name, e->name + QStringLiteral(": ") + unzErrorText(rc));
    s->m_dataStart = unzGetCurrentFileZStreamPos64(h->file);
    return s;
}

ZipEntryStream::~ZipEntryStream()
{
    closeHandle(m_unz);
}

Error ZipEntryStream::damaged(const QString &detail) const
{
    return damagedError(m_archive->m_name, m_entry.name + QStringLiteral(": ") + detail);
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
