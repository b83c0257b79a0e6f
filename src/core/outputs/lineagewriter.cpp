#include "lineagewriter.h"

#include "outputs/csvwriter.h"

#include <charconv>
#include <cstring>

namespace finpipe::outputs {

namespace {
constexpr size_t kChunk = 4u << 20;
}

LineageWriter::LineageWriter(const QString &path) : m_file(path, /*background=*/true)
{
    m_buffer.resize(kChunk);
}

Result<void> LineageWriter::open()
{
    return m_file.open();
}

void LineageWriter::setFields(const QStringList &fieldNames)
{
    m_fieldCount = int(fieldNames.size());
    std::string header = "row";
    for (const QString &f : fieldNames) {
        header.push_back(',');
        const QByteArray utf8 = f.toUtf8();
        appendCsvField(header, std::string_view(utf8.constData(), size_t(utf8.size())));
    }
    header.append(",row_hash,status,reason\n");
    if (m_used + header.size() > m_buffer.size())
        m_buffer.resize(m_used + header.size());
    std::memcpy(m_buffer.data() + m_used, header.data(), header.size());
    m_used += header.size();
}

namespace {

//! Writes a CSV field at `w` (room for 2 * size + 2 bytes needed) and returns the end.
inline char *putField(char *w, std::string_view field)
{
    bool quote = false;
    for (char c : field)
        quote |= (c == ',') | (c == '"') | (c == '\n') | (c == '\r');
    if (!quote) {
        if (!field.empty())
            std::memcpy(w, field.data(), field.size());
        return w + field.size();
    }
    *w++ = '"';
    for (char c : field) {
        if (c == '"')
            *w++ = '"';
        *w++ = c;
    }
    *w++ = '"';
    return w;
}

} // namespace

void LineageWriter::add(qint64 sourceRow, const std::string_view *fields, std::string_view rowHash,
                        analysis::RowStatus status, std::string_view reason)
{
    // Formats straight into the chunk (no per-field appends): this runs once per input row.
    size_t worst = 24 + rowHash.size() + 12 + 2 * reason.size() + 2 + 1;
    for (int f = 0; f < m_fieldCount; ++f)
        worst += 2 * fields[f].size() + 3;
    if (m_used + worst > m_buffer.size()) {
        flush();
        if (worst > m_buffer.size())
            m_buffer.resize(worst);
    }
    char *const start = m_buffer.data() + m_used;
    char *w = std::to_chars(start, start + 24, sourceRow).ptr;
    for (int f = 0; f < m_fieldCount; ++f) {
        *w++ = ',';
        w = putField(w, fields[f]);
    }
    *w++ = ',';
    std::memcpy(w, rowHash.data(), rowHash.size());
    w += rowHash.size();
    if (status == analysis::RowStatus::Used) {
        std::memcpy(w, ",used,", 6);
        w += 6;
    } else {
        std::memcpy(w, ",skipped,", 9);
        w += 9;
    }
    w = putField(w, reason);
    *w++ = '\n';
    m_used += size_t(w - start);
    ++m_rows;
}

void LineageWriter::flush()
{
    if (m_used == 0)
        return;
    m_buffer.resize(m_used); // shrinking keeps the capacity
    m_file.write(std::move(m_buffer));
    m_buffer = m_file.takeBuffer();
    // A recycled chunk keeps its old size, so this only zero-fills what it lacks.
    m_buffer.resize(kChunk);
    m_used = 0;
}

Result<WrittenFile> LineageWriter::commit()
{
    flush();
    return m_file.commit();
}

} // namespace finpipe::outputs
