#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Splitting decoded CSV text into records and fields, and guessing the dialect from a sample.
namespace finpipe::ingest::csv {

struct Dialect {
    char delimiter = ',';
    //! 0 when fields are never quoted.
    char quote = '"';
};

//! A field inside a record, as offsets from the record's first byte.
struct FieldSpan {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
    //! The field was quoted and holds doubled quotes that must be collapsed.
    bool unescape = false;
};

struct ScanResult {
    //! false: the record is not complete in the text given (read more and scan again).
    bool complete = false;
    //! Bytes of the record without its line end.
    size_t length = 0;
    //! Bytes including the line end (where the next record starts).
    size_t consumed = 0;
    //! Line ends consumed, those inside quoted fields included.
    int lineEnds = 0;
    //! Only at the end of the text: a quoted field was never closed.
    bool unclosedQuote = false;
    //! The text ended inside a quoted field (set when incomplete).
    bool insideQuote = false;
};

//! Scans one record at the start of `text`. Line ends are LF, CRLF or CR; quoted fields may hold
//! delimiters, doubled quotes and line ends. With `atEnd`, the end of `text` ends the record.
ScanResult scanRecord(std::string_view text, bool atEnd, const Dialect &dialect,
                      std::vector<FieldSpan> &fields);

//! The field's text: a view into `record`, or, when quotes must be collapsed, into `scratch`.
std::string_view fieldText(std::string_view record, const FieldSpan &field, char quote,
                           std::string &scratch);

//! True when every field is empty or spaces: blank lines and lines of bare delimiters.
bool isBlankRecord(std::string_view record, const std::vector<FieldSpan> &fields);

//! Picks the delimiter among , ; tab | whose field count is the most consistent across the
//! lines of `head`, and the quote character (" or ').
Dialect sniffDialect(std::string_view head);

//! A record of the head, split into strings (for sniffing and samples).
struct SampleRecord {
    std::vector<std::string> fields;
    //! 1-based line on which the record starts; 0 when unknown (sampled mid-file).
    std::int64_t line = 0;
    //! The line on which the next record starts (0 when unknown).
    std::int64_t nextLine = 0;
    //! Offset of the record's first byte and of the next record in the scanned text.
    size_t begin = 0;
    size_t next = 0;
};

//! Splits complete records off the start of `text`, up to `maxRecords` that are not blank; blank
//! ones (lines of spaces or bare delimiters) are returned too, in between, with `keepBlank`.
std::vector<SampleRecord> splitRecords(std::string_view text, bool atEnd, const Dialect &dialect,
                                       size_t maxRecords, std::int64_t firstLine, bool keepBlank = false);

} // namespace finpipe::ingest::csv
