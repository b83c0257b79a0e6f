#include "value.h"

#include <cstring>

namespace finpipe::ingest {

QString columnTypeName(ColumnType type)
{
    switch (type) {
    case ColumnType::Integer: return QStringLiteral("integer");
    case ColumnType::Decimal: return QStringLiteral("decimal");
    case ColumnType::Date: return QStringLiteral("date");
    case ColumnType::DateTime: return QStringLiteral("datetime");
    case ColumnType::Boolean: return QStringLiteral("boolean");
    case ColumnType::Text: return QStringLiteral("text");
    }
    return QStringLiteral("text");
}

ColumnType widen(ColumnType a, ColumnType b)
{
    if (a == b)
        return a;
    auto isNum = [](ColumnType t) { return t == ColumnType::Integer || t == ColumnType::Decimal; };
    auto isTime = [](ColumnType t) { return t == ColumnType::Date || t == ColumnType::DateTime; };
    if (isNum(a) && isNum(b))
        return ColumnType::Decimal;
    if (isTime(a) && isTime(b))
        return ColumnType::DateTime;
    return ColumnType::Text;
}

ColumnType columnTypeOf(Value::Kind kind)
{
    switch (kind) {
    case Value::Kind::Integer: return ColumnType::Integer;
    case Value::Kind::Decimal: return ColumnType::Decimal;
    case Value::Kind::Date: return ColumnType::Date;
    case Value::Kind::DateTime: return ColumnType::DateTime;
    case Value::Kind::Boolean: return ColumnType::Boolean;
    default: return ColumnType::Text;
    }
}

std::string_view StringArena::store(std::string_view s)
{
    if (s.empty())
        return {};
    if (s.size() > kBlock / 4) {
        // Large strings get their own allocation so that blocks stay dense.
        m_large.push_back(std::make_unique<char[]>(s.size()));
        std::memcpy(m_large.back().get(), s.data(), s.size());
        return {m_large.back().get(), s.size()};
    }
    if (m_used + s.size() > kBlock) {
        m_blocks.push_back(std::make_unique<char[]>(kBlock));
        m_used = 0;
    }
    char *dst = m_blocks.back().get() + m_used;
    std::memcpy(dst, s.data(), s.size());
    m_used += s.size();
    return {dst, s.size()};
}

void StringArena::clear()
{
    // Keep one block to avoid reallocating for every batch.
    if (m_blocks.size() > 1)
        m_blocks.erase(m_blocks.begin() + 1, m_blocks.end());
    m_large.clear();
    m_used = m_blocks.empty() ? kBlock : 0;
}

void RowBatch::reset(int columnCount)
{
    m_columns = columnCount;
    m_cells.clear();
    m_lines.clear();
    m_skipped.clear();
    m_arena.clear();
}

QString skipReasonText(SkipReason reason)
{
    switch (reason) {
    case SkipReason::AboveHeader: return QStringLiteral("metadata above the header");
    case SkipReason::Comment: return QStringLiteral("comment line");
    case SkipReason::Blank: return QStringLiteral("blank line");
    case SkipReason::WrongFieldCount: return QStringLiteral("wrong number of fields");
    case SkipReason::Footer: return QStringLiteral("footer");
    case SkipReason::AfterTable: return QStringLiteral("another table after this one");
    }
    return {};
}

Value *RowBatch::appendRow(qint64 sourceLine)
{
    const size_t start = m_cells.size();
    m_cells.resize(start + size_t(m_columns));
    m_lines.push_back(sourceLine);
    return m_cells.data() + start;
}

} // namespace finpipe::ingest
