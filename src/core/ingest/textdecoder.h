#pragma once

#include <QString>

#include <cstdint>
#include <string>
#include <string_view>

namespace finpipe::ingest {

enum class TextEncoding : quint8 { Utf8, Utf8Bom, Utf16LE, Utf16BE, Windows1252 };

//! "UTF-8", "UTF-8 (BOM)", "UTF-16LE", "UTF-16BE", "Windows-1252" (SourceInfo::encoding).
QString encodingName(TextEncoding encoding);

struct EncodingGuess {
    TextEncoding encoding = TextEncoding::Utf8;
    //! Bytes of byte-order mark at the start of the file, to skip.
    int bomBytes = 0;
    //! Windows-1252 because of this byte (0-based offset in the file): the first that is not UTF-8.
    std::int64_t invalidUtf8At = -1;
};

//! Guesses the encoding from the first bytes of a file: a BOM decides; else UTF-16 without BOM
//! when every other byte is NUL; else UTF-8 when the bytes are valid UTF-8 (a sequence cut off
//! at the end of `head` is fine unless `wholeFile`); else Windows-1252.
EncodingGuess sniffEncoding(std::string_view head, bool wholeFile);

//! Decodes a byte stream chunk by chunk into UTF-8; sequences split across chunks are carried
//! over. Bytes that are not valid UTF-8 in a UTF-8 stream are read as Windows-1252 and counted,
//! so that a file whose first megabyte is plain ASCII still shows its "é" later on.
class TextDecoder
{
public:
    explicit TextDecoder(TextEncoding encoding = TextEncoding::Utf8) : m_encoding(encoding) {}

    //! Appends the UTF-8 text of `data` to `out`.
    void decode(const char *data, size_t size, std::string &out);
    //! Flushes whatever is carried over at the end of the stream. A UTF-16 stream of odd length
    //! ends with a stray byte: it is dropped (see strayByte()), not turned into U+FFFD.
    void finish(std::string &out);
    //! Where the first byte given to decode() sits in the file (after a BOM), for invalidAt().
    void startAt(std::int64_t offset) { m_offset = offset; }

    TextEncoding encoding() const { return m_encoding; }
    //! Bytes of a UTF-8 stream that were not valid UTF-8 (read as Windows-1252).
    std::int64_t invalidBytes() const { return m_invalid; }
    //! 0-based file offset of the first of those bytes; -1 when none.
    std::int64_t firstInvalidAt() const { return m_firstInvalid; }
    //! A UTF-16 stream ended with an odd byte, which was dropped.
    bool strayByte() const { return m_strayByte; }

private:
    //! `base`: the file offset of data[0].
    void decodeUtf8(const char *data, size_t size, std::string &out, std::int64_t base);
    void invalidByte(std::int64_t at);
    void decodeUtf16(const char *data, size_t size, std::string &out);

    TextEncoding m_encoding;
    char m_carry[4] = {};
    int m_carried = 0;
    //! UTF-16: a high surrogate waiting for its low half, or 0.
    char16_t m_highSurrogate = 0;
    std::int64_t m_invalid = 0;
    std::int64_t m_firstInvalid = -1;
    //! File offset of the next byte given to decode(), and of the first carried byte.
    std::int64_t m_offset = 0;
    std::int64_t m_carryOffset = 0;
    bool m_strayByte = false;
};

} // namespace finpipe::ingest
