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
    //! Flushes whatever is carried over at the end of the stream.
    void finish(std::string &out);

    TextEncoding encoding() const { return m_encoding; }
    //! Bytes of a UTF-8 stream that were not valid UTF-8 (read as Windows-1252).
    std::int64_t invalidBytes() const { return m_invalid; }

private:
    void decodeUtf8(const char *data, size_t size, std::string &out);
    void decodeUtf16(const char *data, size_t size, std::string &out);

    TextEncoding m_encoding;
    char m_carry[4] = {};
    int m_carried = 0;
    //! UTF-16: a high surrogate waiting for its low half, or 0.
    char16_t m_highSurrogate = 0;
    std::int64_t m_invalid = 0;
};

} // namespace finpipe::ingest
