#include "csvscanner.h"

#include <algorithm>
#include <cmath>
#include <array>
#include <cstring>
#include <map>

namespace finpipe::ingest::csv {

namespace {

//! Bytes that end an unquoted field, per delimiter; built once.
struct StopTable {
    bool stop[256] = {};
    explicit StopTable(char delimiter)
    {
        stop[static_cast<unsigned char>('\n')] = true;
        stop[static_cast<unsigned char>('\r')] = true;
        stop[static_cast<unsigned char>(delimiter)] = true;
    }
};

const StopTable &stopTable(char delimiter)
{
    static const StopTable comma(','), semicolon(';'), tab('\t'), pipe('|');
    switch (delimiter) {
    case ';': return semicolon;
    case '\t': return tab;
    case '|': return pipe;
    default: return comma;
    }
}

constexpr std::uint64_t kOnes = 0x0101010101010101ull;
constexpr std::uint64_t kHighs = 0x8080808080808080ull;

//! High bit set in each byte of `v` that is zero (exact for the lowest such byte).
constexpr std::uint64_t zeroBytes(std::uint64_t v)
{
    return (v - kOnes) & ~v & kHighs;
}

//! The first delimiter, LF or CR at or after `p`: eight bytes at a time, then byte by byte.
inline const char *skipUnquoted(const char *p, const char *e, std::uint64_t delimWord, const bool *stop)
{
    while (e - p >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        const std::uint64_t hit = zeroBytes(w ^ delimWord) | zeroBytes(w ^ (kOnes * '\n'))
                                  | zeroBytes(w ^ (kOnes * '\r'));
        if (hit)
            return p + (__builtin_ctzll(hit) >> 3);
        p += 8;
    }
    while (p < e && !stop[static_cast<unsigned char>(*p)])
        ++p;
    return p;
}

} // namespace

ScanResult scanRecord(std::string_view text, bool atEnd, const Dialect &dialect,
                      std::vector<FieldSpan> &fields)
{
    fields.clear();
    ScanResult r;
    const char *base = text.data();
    const char *p = base;
    const char *const e = base + text.size();
    const bool *stop = stopTable(dialect.delimiter).stop;
    const char delim = dialect.delimiter;
    const char quote = dialect.quote;
    const std::uint64_t delimWord = kOnes * static_cast<unsigned char>(delim);
    for (;;) {
        const char *fieldStart = p;
        if (quote && p < e && *p == ' ') {
            // Spaces before an opening quote (1970,  "Hi, Mom!") belong to no field's text.
            const char *s = p;
            while (s < e && *s == ' ')
                ++s;
            if (s < e && *s == quote)
                fieldStart = p = s;
        }
        if (quote && p < e && *p == quote) {
            const char *q = p + 1;
            bool doubled = false;
            int innerLineEnds = 0;
            for (;;) {
                while (q < e && *q != quote) {
                    if (*q == '\n' || (*q == '\r' && (q + 1 >= e || q[1] != '\n')))
                        ++innerLineEnds;
                    ++q;
                }
                if (q >= e || (q + 1 >= e && !atEnd)) {
                    if (!atEnd) {
                        r.insideQuote = true;
                        return r;
                    }
                    // The file ends inside a quoted field: take the rest as its value.
                    fields.push_back({std::uint32_t(fieldStart + 1 - base), std::uint32_t(e - base), doubled});
                    r.complete = true;
                    r.unclosedQuote = q >= e;
                    if (q < e) // the last byte is the closing quote
                        fields.back().end = std::uint32_t(q - base);
                    r.length = r.consumed = text.size();
                    r.lineEnds = innerLineEnds;
                    return r;
                }
                if (q + 1 < e && q[1] == quote) {
                    doubled = true;
                    q += 2;
                    continue;
                }
                break;
            }
            r.lineEnds += innerLineEnds;
            p = q + 1;
            // Spaces after the closing quote ("a"  ,b) are dropped like those before it.
            const char *afterSpaces = p;
            while (afterSpaces < e && *afterSpaces == ' ')
                ++afterSpaces;
            if (afterSpaces > p && (afterSpaces >= e || stop[static_cast<unsigned char>(*afterSpaces)]))
                p = afterSpaces;
            if (p < e && !stop[static_cast<unsigned char>(*p)]) {
                // Text after the closing quote ("ab"c): keep the field as written, quotes and all.
                while (p < e && !stop[static_cast<unsigned char>(*p)])
                    ++p;
                fields.push_back({std::uint32_t(fieldStart - base), std::uint32_t(p - base), false});
            } else {
                fields.push_back({std::uint32_t(fieldStart + 1 - base), std::uint32_t(q - base), doubled});
            }
        } else {
            p = skipUnquoted(p, e, delimWord, stop);
            fields.push_back({std::uint32_t(fieldStart - base), std::uint32_t(p - base), false});
        }
        if (p >= e) {
            if (!atEnd)
                return r;
            r.complete = true;
            r.length = r.consumed = text.size();
            return r;
        }
        if (*p == delim) {
            ++p;
            continue;
        }
        r.length = size_t(p - base);
        if (*p == '\n') {
            r.consumed = r.length + 1;
        } else { // '\r'
            if (p + 1 >= e && !atEnd)
                return r; // cannot tell CR from CRLF yet
            r.consumed = r.length + ((p + 1 < e && p[1] == '\n') ? 2 : 1);
        }
        ++r.lineEnds;
        r.complete = true;
        return r;
    }
}

std::string_view fieldText(std::string_view record, const FieldSpan &field, char quote,
                           std::string &scratch)
{
    const std::string_view raw = record.substr(field.begin, field.end - field.begin);
    if (!field.unescape)
        return raw;
    scratch.clear();
    for (size_t i = 0; i < raw.size(); ++i) {
        scratch.push_back(raw[i]);
        if (raw[i] == quote && i + 1 < raw.size() && raw[i + 1] == quote)
            ++i;
    }
    return scratch;
}

bool isBlankRecord(std::string_view record, const std::vector<FieldSpan> &fields)
{
    for (const FieldSpan &f : fields)
        for (std::uint32_t i = f.begin; i < f.end; ++i)
            if (record[i] != ' ' && record[i] != '\t')
                return false;
    return true;
}

std::vector<SampleRecord> splitRecords(std::string_view text, bool atEnd, const Dialect &dialect,
                                       size_t maxRecords, std::int64_t firstLine, bool keepBlank)
{
    std::vector<SampleRecord> out;
    std::vector<FieldSpan> spans;
    std::string scratch;
    size_t pos = 0;
    size_t filled = 0;
    std::int64_t line = firstLine;
    while (pos < text.size() && filled < maxRecords) {
        const ScanResult r = scanRecord(text.substr(pos), atEnd, dialect, spans);
        if (!r.complete)
            break;
        const std::string_view record = text.substr(pos, r.length);
        const bool blank = isBlankRecord(record, spans);
        filled += blank ? 0 : 1;
        if (keepBlank || !blank) {
            SampleRecord s;
            s.line = firstLine > 0 ? line : 0;
            s.nextLine = firstLine > 0 ? line + r.lineEnds : 0;
            s.begin = pos;
            s.next = pos + r.consumed;
            s.fields.reserve(spans.size());
            for (const FieldSpan &f : spans)
                s.fields.emplace_back(fieldText(record, f, dialect.quote, scratch));
            out.push_back(std::move(s));
        }
        line += r.lineEnds;
        pos += r.consumed;
    }
    return out;
}

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

//! "1", "-12", "$100", "(1" ...: at most three digits after a sign or currency sign.
bool isLeadingGroup(std::string_view f)
{
    while (!f.empty() && (f.front() == ' ' || f.front() == '-' || f.front() == '+' || f.front() == '('
                          || f.front() == '$' || static_cast<unsigned char>(f.front()) >= 0x80))
        f.remove_prefix(1);
    return !f.empty() && f.size() <= 3 && std::all_of(f.begin(), f.end(), isDigit);
}

//! "000", or for the last group "000.20", "000)", "000 ".
bool isThousandsGroup(std::string_view f, bool last)
{
    if (f.size() < 3 || !isDigit(f[0]) || !isDigit(f[1]) || !isDigit(f[2]))
        return false;
    f.remove_prefix(3);
    if (!last)
        return f.empty();
    if (!f.empty() && f.front() == '.') {
        f.remove_prefix(1);
        if (f.empty() || !isDigit(f.front()))
            return false;
        while (!f.empty() && isDigit(f.front()))
            f.remove_prefix(1);
    }
    while (!f.empty() && (f.front() == ')' || f.front() == ' ' || f.front() == '%'))
        f.remove_prefix(1);
    return f.empty();
}

//! Every record that splits on the comma splits a number with thousands groups (100,000.00):
//! the file has one column, not two.
bool commaOnlyGroupsThousands(const std::vector<SampleRecord> &records)
{
    bool any = false;
    // "1,100" on every line could as well be two columns; a lone number, a decimal part or a
    // varying number of groups tells thousands separators.
    bool telling = false;
    size_t firstCount = 0;
    for (const SampleRecord &r : records) {
        if (!firstCount)
            firstCount = r.fields.size();
        telling = telling || r.fields.size() != firstCount;
        if (r.fields.size() < 2)
            continue;
        if (!isLeadingGroup(r.fields.front()))
            return false;
        for (size_t i = 1; i < r.fields.size(); ++i)
            if (!isThousandsGroup(r.fields[i], i + 1 == r.fields.size()))
                return false;
        telling = telling || r.fields.back().find('.') != std::string::npos;
        any = true;
    }
    return any && telling;
}

bool isDelimiterChar(char c)
{
    return c == ',' || c == ';' || c == '\t' || c == '|';
}

//! A field wrapped in single quotes that holds a delimiter or a doubled quote ('''a,b,c''',45):
//! the quotes are doing a quote's work.
bool clearlySingleQuoted(std::string_view probe)
{
    auto boundary = [&](size_t i) {
        return i >= probe.size() || isDelimiterChar(probe[i]) || probe[i] == '\n' || probe[i] == '\r';
    };
    for (size_t i = 0; i < probe.size(); ++i) {
        if (probe[i] != '\'' || (i > 0 && !boundary(i - 1)))
            continue;
        bool useful = false;
        size_t j = i + 1;
        while (j < probe.size() && probe[j] != '\n' && probe[j] != '\r') {
            if (probe[j] != '\'') {
                useful = useful || isDelimiterChar(probe[j]);
                ++j;
                continue;
            }
            if (j + 1 < probe.size() && probe[j + 1] == '\'') {
                useful = true;
                j += 2;
                continue;
            }
            if (useful && boundary(j + 1))
                return true;
            break;
        }
        i = j;
    }
    return false;
}

} // namespace

Dialect sniffDialect(std::string_view head)
{
    // Look at the first lines only: enough to judge, cheap on a 1 MiB head.
    constexpr size_t kProbeBytes = 64 * 1024;
    constexpr size_t kProbeRecords = 200;
    std::string_view probe = head.substr(0, std::min(head.size(), kProbeBytes));
    // A first line longer than the probe (a very wide header): judge it on the whole head.
    if (probe.size() < head.size() && probe.find_first_of("\r\n") == std::string_view::npos)
        probe = head;
    const bool atEnd = probe.size() == head.size();

    Dialect best;
    best.quote = '"';
    // A single quote only counts when it wraps fields and no double quote is used at all.
    if (probe.find('"') == std::string_view::npos) {
        int wrapped = 0;
        for (size_t i = 0; i + 1 < probe.size(); ++i)
            if (probe[i] == '\'' && (i == 0 || std::strchr(",;\t|\n", probe[i - 1])))
                ++wrapped;
        if (wrapped >= 2 || clearlySingleQuoted(probe))
            best.quote = '\'';
    }

    double bestScore = -1;
    int bestFields = 1;
    double bestDigitShare = 1;
    for (char delim : std::array<char, 4>{',', ';', '\t', '|'}) {
        const Dialect d{delim, best.quote};
        const auto records = splitRecords(probe, atEnd, d, kProbeRecords, 1);
        if (records.empty())
            continue;
        std::map<size_t, int> counts;
        for (const auto &r : records)
            ++counts[r.fields.size()];
        size_t mode = 1;
        int modeCount = 0;
        for (const auto &[fieldCount, n] : counts)
            if (n > modeCount || (n == modeCount && fieldCount > mode)) {
                mode = fieldCount;
                modeCount = n;
            }
        if (mode < 2 || (delim == ',' && commaOnlyGroupsThousands(records)))
            continue;
        const double score = double(modeCount) / double(records.size());
        // Share of this delimiter's occurrences that sit between two digits: high for a comma
        // that is really a decimal comma ("12,5"), which must not beat a consistent semicolon.
        size_t between = 0, total = 0;
        for (size_t i = 0; i < probe.size(); ++i)
            if (probe[i] == delim) {
                ++total;
                if (i > 0 && i + 1 < probe.size() && probe[i - 1] >= '0' && probe[i - 1] <= '9'
                    && probe[i + 1] >= '0' && probe[i + 1] <= '9')
                    ++between;
            }
        const double digitShare = total ? double(between) / double(total) : 0;
        const bool better = score > bestScore + 1e-9
                            || (score > bestScore - 1e-9 && digitShare < bestDigitShare - 0.25)
                            || (score > bestScore - 1e-9 && std::abs(digitShare - bestDigitShare) <= 0.25
                                && int(mode) > bestFields && digitShare <= bestDigitShare);
        if (better) {
            bestScore = score;
            bestFields = int(mode);
            bestDigitShare = digitShare;
            best.delimiter = delim;
        }
    }
    if (bestScore < 0) {
        // One column: a delimiter that never splits it.
        for (char delim : std::array<char, 4>{',', '\t', ';', '|'})
            if (probe.find(delim) == std::string_view::npos) {
                best.delimiter = delim;
                break;
            }
    }
    return best;
}

} // namespace finpipe::ingest::csv
