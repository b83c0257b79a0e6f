#include "lineagewriter.h"

#include "outputs/csvwriter.h"

#include <charconv>

namespace finpipe::outputs {

namespace {
constexpr size_t kChunk = 4u << 20;
}

LineageWriter::LineageWriter(const QString &path) : m_file(path, /*background=*/true)
{
    m_buffer.reserve(kChunk + 4096);
}

Result<void> LineageWriter::open()
{
    return m_file.open();
}

void LineageWriter::setFields(const QStringList &fieldNames)
{
    m_fieldCount = int(fieldNames.size());
    m_buffer.append("row");
    for (const QString &f : fieldNames) {
        m_buffer.push_back(',');
        const QByteArray utf8 = f.toUtf8();
        appendCsvField(m_buffer, std::string_view(utf8.constData(), size_t(utf8.size())));
    }
    m_buffer.append(",row_hash,status,reason\n");
}

void LineageWriter::add(qint64 sourceRow, const std::string_view *fields, std::string_view rowHash,
                        analysis::RowStatus status, std::string_view reason)
{
    char num[24];
    m_buffer.append(num, size_t(std::to_chars(num, num + sizeof num, sourceRow).ptr - num));
    for (int f = 0; f < m_fieldCount; ++f) {
        m_buffer.push_back(',');
        appendCsvField(m_buffer, fields[f]);
    }
    m_buffer.push_back(',');
    m_buffer.append(rowHash);
    m_buffer.append(status == analysis::RowStatus::Used ? ",used," : ",skipped,");
    appendCsvField(m_buffer, reason);
    m_buffer.push_back('\n');
    ++m_rows;
    if (m_buffer.size() >= kChunk)
        flush();
}

void LineageWriter::flush()
{
    if (m_buffer.empty())
        return;
    m_file.write(std::move(m_buffer));
    m_buffer = m_file.takeBuffer();
    m_buffer.reserve(kChunk + 4096);
}

Result<WrittenFile> LineageWriter::commit()
{
    flush();
    return m_file.commit();
}

} // namespace finpipe::outputs
