#include "textdecoder.h"

#include <cstring>

namespace finpipe::ingest {

namespace {

// Windows-1252 0x80..0x9F; the rest of 0xA0..0xFF is Latin-1. The five unassigned bytes keep
// their C1 code points, as Windows' own converter does.
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

void appendCodePoint(std::string &out, char32_t cp)
{
    if (cp < 0x80) {
        out.push_back(char(cp));
    } else if (cp < 0x800) {
        const char b[2] = {char(0xC0 | (cp >> 6)), char(0x80 | (cp & 0x3F))};
        out.append(b, 2);
    } else if (cp < 0x10000) {
        const char b[3] = {char(0xE0 | (cp >> 12)), char(0x80 | ((cp >> 6) & 0x3F)),
                           char(0x80 | (cp & 0x3F))};
        out.append(b, 3);
    } else {
        const char b[4] = {char(0xF0 | (cp >> 18)), char(0x80 | ((cp >> 12) & 0x3F)),
                           char(0x80 | ((cp >> 6) & 0x3F)), char(0x80 | (cp & 0x3F))};
        out.append(b, 4);
    }
}

void appendCp1252(std::string &out, unsigned char c)
{
    appendCodePoint(out, c < 0x80 ? char32_t(c) : c < 0xA0 ? char32_t(kCp1252High[c - 0x80]) : char32_t(c));
}

//! Length of the valid UTF-8 sequence at p (1..4); 0 when invalid; -1 when cut off by `end`.
int utf8SequenceLength(const unsigned char *p, const unsigned char *end)
{
    const unsigned char c = p[0];
    int len = 0;
    unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0; // no overlongs
        else if (c == 0xED)
            hi = 0x9F; // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    for (int i = 1; i < len; ++i) {
        if (p + i >= end)
            return -1;
        const unsigned char b = p[i];
        if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
            return 0;
    }
    return len;
}

bool allAscii(const char *data, size_t size)
{
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, data + i, 8);
        if (w & 0x8080808080808080ull)
            return false;
    }
    for (; i < size; ++i)
        if (static_cast<unsigned char>(data[i]) & 0x80)
            return false;
    return true;
}

} // namespace

QString encodingName(TextEncoding encoding)
{
    switch (encoding) {
    case TextEncoding::Utf8: return QStringLiteral("UTF-8");
    case TextEncoding::Utf8Bom: return QStringLiteral("UTF-8 (BOM)");
    case TextEncoding::Utf16LE: return QStringLiteral("UTF-16LE");
    case TextEncoding::Utf16BE: return QStringLiteral("UTF-16BE");
    case TextEncoding::Windows1252: return QStringLiteral("Windows-1252");
    }
    return QStringLiteral("UTF-8");
}

EncodingGuess sniffEncoding(std::string_view head, bool wholeFile)
{
    const auto *u = reinterpret_cast<const unsigned char *>(head.data());
    const size_t n = head.size();
    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        return {TextEncoding::Utf8Bom, 3};
    if (n >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        return {TextEncoding::Utf16LE, 2};
    if (n >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        return {TextEncoding::Utf16BE, 2};
    // UTF-16 without a BOM: text in Latin script has a NUL in every other byte.
    const size_t probe = std::min<size_t>(n & ~size_t(1), 1024);
    if (probe >= 8) {
        size_t evenNul = 0, oddNul = 0;
        for (size_t i = 0; i < probe; i += 2) {
            evenNul += u[i] == 0;
            oddNul += u[i + 1] == 0;
        }
        const size_t units = probe / 2;
        if (oddNul * 10 >= units * 9 && evenNul * 20 < units)
            return {TextEncoding::Utf16LE, 0};
        if (evenNul * 10 >= units * 9 && oddNul * 20 < units)
            return {TextEncoding::Utf16BE, 0};
    }
    for (size_t i = 0; i < n;) {
        if (u[i] < 0x80) {
            ++i;
            continue;
        }
        const int len = utf8SequenceLength(u + i, u + n);
        if (len < 0 && !wholeFile)
            break; // cut off by the end of the head: judge by what we saw
        if (len <= 0)
            return {TextEncoding::Windows1252, 0, std::int64_t(i)};
        i += size_t(len);
    }
    return {TextEncoding::Utf8, 0};
}

void TextDecoder::decode(const char *data, size_t size, std::string &out)
{
    switch (m_encoding) {
    case TextEncoding::Utf8:
    case TextEncoding::Utf8Bom: {
        const std::int64_t base = m_offset;
        m_offset += std::int64_t(size);
        decodeUtf8(data, size, out, base);
        return;
    }
    case TextEncoding::Utf16LE:
    case TextEncoding::Utf16BE:
        m_offset += std::int64_t(size);
        decodeUtf16(data, size, out);
        return;
    case TextEncoding::Windows1252:
        m_offset += std::int64_t(size);
        if (allAscii(data, size)) {
            out.append(data, size);
            return;
        }
        for (size_t i = 0; i < size; ++i)
            appendCp1252(out, static_cast<unsigned char>(data[i]));
        return;
    }
}

void TextDecoder::invalidByte(std::int64_t at)
{
    if (m_firstInvalid < 0)
        m_firstInvalid = at;
    ++m_invalid;
}

void TextDecoder::decodeUtf8(const char *data, size_t size, std::string &out, std::int64_t base)
{
    // Complete a sequence cut off by the previous chunk, one byte at a time.
    while (m_carried && size > 0) {
        m_carry[m_carried++] = *data++;
        --size;
        ++base;
        const auto *c = reinterpret_cast<const unsigned char *>(m_carry);
        const int len = utf8SequenceLength(c, c + m_carried);
        if (len > 0) {
            out.append(m_carry, size_t(len));
            m_carried = 0;
        } else if (len == 0) {
            // Invalid: the first carried byte is Windows-1252; the others are decoded afresh
            // (which may carry a new cut-off sequence).
            invalidByte(m_carryOffset);
            appendCp1252(out, c[0]);
            const std::string rest(m_carry + 1, size_t(m_carried - 1));
            const std::int64_t restAt = m_carryOffset + 1;
            m_carried = 0;
            decodeUtf8(rest.data(), rest.size(), out, restAt);
        }
    }
    if (size == 0)
        return;
    if (allAscii(data, size)) {
        out.append(data, size);
        return;
    }
    const auto *u = reinterpret_cast<const unsigned char *>(data);
    const auto *end = u + size;
    const auto *runStart = u;
    const auto *p = u;
    while (p < end) {
        if (*p < 0x80) {
            ++p;
            continue;
        }
        const int len = utf8SequenceLength(p, end);
        if (len > 0) {
            p += len;
            continue;
        }
        out.append(reinterpret_cast<const char *>(runStart), size_t(p - runStart));
        if (len < 0) {
            m_carried = int(end - p);
            m_carryOffset = base + (p - u);
            std::memcpy(m_carry, p, size_t(m_carried));
            return;
        }
        invalidByte(base + (p - u));
        appendCp1252(out, *p);
        ++p;
        runStart = p;
    }
    out.append(reinterpret_cast<const char *>(runStart), size_t(end - runStart));
}

void TextDecoder::decodeUtf16(const char *data, size_t size, std::string &out)
{
    const bool le = m_encoding == TextEncoding::Utf16LE;
    size_t i = 0;
    auto unit = [le](unsigned char a, unsigned char b) {
        return le ? char16_t(a | (b << 8)) : char16_t((a << 8) | b);
    };
    auto emit = [&](char16_t u) {
        if (m_highSurrogate) {
            const char16_t hi = m_highSurrogate;
            m_highSurrogate = 0;
            if (u >= 0xDC00 && u <= 0xDFFF) {
                appendCodePoint(out, 0x10000 + ((char32_t(hi) - 0xD800) << 10) + (u - 0xDC00));
                return;
            }
            appendCodePoint(out, 0xFFFD);
        }
        if (u >= 0xD800 && u <= 0xDBFF)
            m_highSurrogate = u;
        else if (u >= 0xDC00 && u <= 0xDFFF)
            appendCodePoint(out, 0xFFFD);
        else
            appendCodePoint(out, u);
    };
    if (m_carried == 1 && size > 0) {
        emit(unit(static_cast<unsigned char>(m_carry[0]), static_cast<unsigned char>(data[0])));
        m_carried = 0;
        i = 1;
    }
    for (; i + 1 < size; i += 2)
        emit(unit(static_cast<unsigned char>(data[i]), static_cast<unsigned char>(data[i + 1])));
    if (i < size) {
        m_carry[0] = data[i];
        m_carried = 1;
    }
}

void TextDecoder::finish(std::string &out)
{
    if (m_encoding == TextEncoding::Utf8 || m_encoding == TextEncoding::Utf8Bom) {
        for (int i = 0; i < m_carried; ++i) {
            invalidByte(m_carryOffset + i);
            appendCp1252(out, static_cast<unsigned char>(m_carry[i]));
        }
    } else if (m_encoding == TextEncoding::Utf16LE || m_encoding == TextEncoding::Utf16BE) {
        // An odd last byte is a stray (a truncated or appended byte), not half a character.
        m_strayByte = m_carried != 0;
        if (m_highSurrogate)
            appendCodePoint(out, 0xFFFD);
    }
    m_carried = 0;
    m_highSurrogate = 0;
}

} // namespace finpipe::ingest
