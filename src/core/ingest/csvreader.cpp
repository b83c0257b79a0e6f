#include "csvreader.h"

#include "ingest/csvscanner.h"
#include "ingest/fileerrors.h"
#include "ingest/sha256.h"
#include "ingest/textdecoder.h"
#include "ingest/valueparser.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>

// Rows whose field count differs from the table's:
//  - fewer fields: the row is kept, its missing cells are Blank, and the line is reported;
//  - more fields, the extra ones empty (a trailing delimiter): kept as if they were not there;
//  - more fields with content: the row is left out (its values would land in the wrong
//    columns) and the line is reported.
// Reports are warnings naming the first few lines and the count.

namespace finpipe::ingest {

namespace {

using values::DateOrder;

constexpr qint64 kChunkBytes = 1 << 20;
constexpr size_t kHeadRecords = 1000;
constexpr int kSampleOffsets = 8;
constexpr qint64 kOffsetProbeBytes = 64 * 1024;
constexpr int kOffsetRows = 125;
constexpr size_t kMaxJunkLines = 50;
constexpr int kLinesListed = 5;

//! What the reader knows about one column while it streams.
struct ColumnState {
    ColumnType type = ColumnType::Text;
    //! false until a non-blank value has been seen (an all-blank column ends up text).
    bool typed = false;
    DateOrder order = DateOrder::DayFirst;
    //! The last ISO date seen (yyyy-mm-dd) and its day: time series repeat a day for many rows.
    char dateKey[10] = {};
    qint64 dateKeyMs = 0;
    bool hasDateKey = false;
    //! First line at which a typed column had to become text; 0 if it never did.
    qint64 widenedAt = 0;
    std::string widenedBy;
};

ColumnType kindToType(Value::Kind kind)
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

//! The narrowest type that holds both: integer < decimal, date < datetime; else text.
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

QString lineList(const QList<qint64> &lines, qint64 count)
{
    QStringList parts;
    for (qint64 l : lines)
        parts << QString::number(l);
    QString s = parts.join(QStringLiteral(", "));
    if (count > lines.size())
        s += QStringLiteral(", ...");
    return s;
}

//! Whether the 10 bytes of a yyyy-mm-dd at `a` and `b` are the same (two loads, no call).
bool sameDay(const char *a, const char *b)
{
    std::uint64_t a8, b8;
    std::uint16_t a2, b2;
    std::memcpy(&a8, a, 8);
    std::memcpy(&b8, b, 8);
    std::memcpy(&a2, a + 8, 2);
    std::memcpy(&b2, b + 8, 2);
    return a8 == b8 && a2 == b2;
}

//! " HH:MM:SS" or "THH:MM:SS" at `p` (9 bytes) as milliseconds, or -1.
qint64 isoTimeOfDay(const char *p)
{
    auto d = [p](int i) { return unsigned(p[i] - '0') <= 9; };
    if ((p[0] != ' ' && p[0] != 'T') || p[3] != ':' || p[6] != ':' || !d(1) || !d(2) || !d(4) || !d(5)
        || !d(7) || !d(8))
        return -1;
    const int h = (p[1] - '0') * 10 + (p[2] - '0');
    const int m = (p[4] - '0') * 10 + (p[5] - '0');
    const int s = (p[7] - '0') * 10 + (p[8] - '0');
    if (h > 23 || m > 59 || s > 59)
        return -1;
    return ((qint64(h) * 60 + m) * 60 + s) * 1000;
}

QString fromUtf8(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

class CsvReader final : public TableReader
{
public:
    CsvReader(const QString &path, const ReadOptions &options) : m_file(path), m_options(options)
    {
        m_info.path = path;
        m_info.format = FileFormat::Csv;
        m_name = displayName(path);
    }

    Result<void> open();

    const SourceInfo &info() const override { return m_info; }
    const QList<ColumnInfo> &columns() const override { return m_columns; }
    Result<bool> readBatch(RowBatch &batch, Feedback *feedback) override;
    Result<bool> readSample(RowBatch &batch, int maxRows) override;
    qint64 rowsRead() const override { return m_rows; }

private:
    Result<bool> fill(Feedback *feedback);
    Result<void> checkBinary(size_t from) const;
    Error tooLong(qint64 line, bool insideQuote) const;
    std::vector<csv::SampleRecord> sampleOffsets(size_t fieldCount) const;
    void decideColumns(const std::vector<const csv::SampleRecord *> &rows);
    inline void parseCell(Value &v, std::string_view text, ColumnState &c, qint64 line) const;
    void parseFirstValue(Value &v, std::string_view text, ColumnState &c, qint64 line) const;
    Result<void> finish();

    QFile m_file;
    ReadOptions m_options;
    QString m_name;
    SourceInfo m_info;
    QList<ColumnInfo> m_columns;
    QDateTime m_modifiedAtStart;

    Sha256 m_hash;
    TextDecoder m_decoder;
    csv::Dialect m_dialect;
    std::vector<char> m_raw;
    //! Decoded text not yet consumed starts at m_pos.
    std::string m_text;
    size_t m_pos = 0;
    bool m_rawEof = false;
    bool m_done = false;
    qint64 m_bytesRead = 0;
    qint64 m_line = 1;
    qint64 m_rows = 0;
    int m_columnCount = 0;
    std::vector<csv::FieldSpan> m_fields;
    std::vector<ColumnState> m_state;
    std::vector<ColumnState> m_sampleState;
    std::vector<csv::SampleRecord> m_sample;
    size_t m_headSampleRows = 0;

    qint64 m_shortRows = 0, m_longRows = 0;
    QList<qint64> m_shortLines, m_longLines;
    qint64 m_unclosedQuoteLine = 0;
};

Result<void> CsvReader::checkBinary(size_t from) const
{
    const char *p = m_text.data() + from;
    const size_t n = m_text.size() - from;
    const bool nul = std::memchr(p, 0, n) != nullptr;
    size_t control = 0;
    if (!nul && from == 0) {
        // Control characters other than tab, line ends, form feed and Ctrl-Z betray binary data.
        const size_t probe = std::min<size_t>(n, 64 * 1024);
        for (size_t i = 0; i < probe; ++i) {
            const auto c = static_cast<unsigned char>(p[i]);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1a) || c == 0x7f)
                ++control;
        }
        if (control * 100 <= probe)
            return {};
    } else if (!nul) {
        return {};
    }
    return Error::make(Error::Code::Format,
                       QStringLiteral("\"%1\" does not look like a text/CSV file: it contains binary "
                                      "data. Check that it is the file you meant to open.")
                           .arg(m_name),
                       nul ? QStringLiteral("NUL byte after byte %1").arg(m_bytesRead)
                           : QStringLiteral("%1 control characters in the first 64 KiB").arg(control));
}

Error CsvReader::tooLong(qint64 line, bool insideQuote) const
{
    const qint64 mb = std::max<qint64>(1, m_options.maxLineBytes / (1024 * 1024));
    if (insideQuote)
        return Error::make(Error::Code::TooLarge,
                           QStringLiteral("In \"%1\", the quoted value that starts on line %2 does not "
                                          "end within %3 MB: a closing quote is probably missing.")
                               .arg(m_name)
                               .arg(line)
                               .arg(mb));
    return Error::make(Error::Code::TooLarge,
                       QStringLiteral("Line %2 of \"%1\" is longer than %3 MB without a line break: the "
                                      "file is damaged or is not a CSV file.")
                           .arg(m_name)
                           .arg(line)
                           .arg(mb));
}

Result<bool> CsvReader::fill(Feedback *feedback)
{
    if (m_rawEof)
        return false;
    if (feedback && feedback->isCancelled())
        return Error::make(Error::Code::Cancelled,
                           QStringLiteral("Reading \"%1\" was cancelled.").arg(m_name));
    if (m_pos > 0) {
        m_text.erase(0, m_pos);
        m_pos = 0;
    }
    // Grow the read with the pending text so that a very long record is rescanned a logarithmic
    // number of times, not once per megabyte.
    // Never past the line limit by more than a chunk: the caller refuses the line once over it.
    const qint64 pending = qint64(m_text.size());
    const size_t want = size_t(std::max<qint64>(
        kChunkBytes, std::min(pending, m_options.maxLineBytes + 1 - pending)));
    if (m_raw.size() < want)
        m_raw.resize(want);
    const qint64 n = m_file.read(m_raw.data(), qint64(want));
    if (n < 0)
        return readError(m_file);
    if (n == 0) {
        m_rawEof = true;
        m_decoder.finish(m_text);
        return true;
    }
    if (m_options.computeHash)
        m_hash.update(m_raw.data(), size_t(n));
    m_bytesRead += n;
    if (m_bytesRead > m_info.size)
        return Error::make(Error::Code::Changed,
                           QStringLiteral("\"%1\" changed while it was being read. Wait until the "
                                          "program writing it has finished, then try again.")
                               .arg(m_name));
    const size_t before = m_text.size();
    m_decoder.decode(m_raw.data(), size_t(n), m_text);
    if (auto r = checkBinary(before); !r)
        return r.error();
    if (feedback)
        feedback->setProgress(m_bytesRead, m_info.size);
    return true;
}

Result<void> CsvReader::open()
{
    if (auto r = openForReading(m_file); !r)
        return r.error();
    m_info.size = m_file.size();
    m_modifiedAtStart = QFileInfo(m_file).lastModified();

    // The head: read once, hashed, and kept as the start of the stream.
    m_raw.resize(size_t(kChunkBytes));
    const qint64 n = m_file.read(m_raw.data(), kChunkBytes);
    if (n < 0)
        return readError(m_file);
    m_bytesRead = n;
    m_rawEof = n < kChunkBytes && m_file.atEnd();
    if (m_options.computeHash)
        m_hash.update(m_raw.data(), size_t(n));
    const std::string_view head(m_raw.data(), size_t(n));
    const EncodingGuess guess = sniffEncoding(head, m_bytesRead >= m_info.size);
    m_decoder = TextDecoder(guess.encoding);
    m_info.encoding = encodingName(guess.encoding);
    m_decoder.decode(head.data() + guess.bomBytes, head.size() - size_t(guess.bomBytes), m_text);
    if (m_rawEof)
        m_decoder.finish(m_text);
    if (auto r = checkBinary(0); !r)
        return r.error();

    // Sniffing needs at least one whole line.
    auto hasLineEnd = [this](size_t from) {
        const char *p = m_text.data() + from;
        const size_t n = m_text.size() - from;
        return std::memchr(p, '\n', n) || std::memchr(p, '\r', n);
    };
    size_t scanned = 0;
    while (!hasLineEnd(scanned) && !m_rawEof) {
        scanned = m_text.size();
        if (qint64(m_text.size()) > m_options.maxLineBytes)
            return tooLong(1, false);
        if (auto r = fill(nullptr); !r)
            return r.error();
    }
    m_dialect = csv::sniffDialect(m_text);
    m_info.delimiter = QLatin1Char(m_dialect.delimiter);
    m_info.quote = m_dialect.quote ? QChar(QLatin1Char(m_dialect.quote)) : QChar();

    std::vector<csv::SampleRecord> headRecords = csv::splitRecords(m_text, m_rawEof, m_dialect, kHeadRecords, 1);
    // A quoted value with line breaks can make the first record longer than the head.
    while (headRecords.empty() && !m_rawEof) {
        if (qint64(m_text.size()) > m_options.maxLineBytes)
            return tooLong(1, true);
        if (auto r = fill(nullptr); !r)
            return r.error();
        headRecords = csv::splitRecords(m_text, m_rawEof, m_dialect, kHeadRecords, 1);
    }
    if (headRecords.empty()) {
        return Error::make(Error::Code::Unreadable,
                           QStringLiteral("\"%1\" is empty: it has no rows to read.").arg(m_name));
    }

    // The table's shape: the most common field count (on a tie, the one met first). Short records
    // above the first record that could be the header (at most half the shape's fields) are junk:
    // titles, report dates, bank names.
    std::map<size_t, int> counts;
    for (const auto &r : headRecords)
        ++counts[r.fields.size()];
    size_t shape = headRecords.front().fields.size();
    int best = 0;
    for (const auto &r : headRecords)
        if (counts[r.fields.size()] > best) {
            shape = r.fields.size();
            best = counts[shape];
        }
    // A record whose fields beyond its own count are empty in the rows below is the header of
    // rows that end with a delimiter ("a,b" over "1,2,"), not junk.
    auto headsTrailingDelimiters = [&](size_t i) {
        const size_t k = headRecords[i].fields.size();
        if (k < 2 || k >= shape || i + 1 >= headRecords.size())
            return false;
        for (size_t j = i + 1; j < headRecords.size() && j <= i + 20; ++j)
            for (size_t f = k; f < headRecords[j].fields.size(); ++f)
                if (!values::trim(headRecords[j].fields[f]).empty())
                    return false;
        return true;
    };
    size_t headerIndex = 0;
    while (shape > 1 && headerIndex + 1 < headRecords.size() && headerIndex < kMaxJunkLines
           && headRecords[headerIndex].fields.size() <= shape / 2)
        ++headerIndex;
    const bool trailingDelimiters = headsTrailingDelimiters(headerIndex);
    if (headerIndex > 0) {
        m_info.skippedLines = int(headRecords[headerIndex].line - 1);
        m_info.warnings << QStringLiteral("Skipped %1 line(s) above the table (lines 1 to %2): they do "
                                          "not have the table's %3 columns.")
                               .arg(m_info.skippedLines)
                               .arg(m_info.skippedLines)
                               .arg(shape);
    }
    const csv::SampleRecord first = headRecords[headerIndex];
    m_sample.assign(std::make_move_iterator(headRecords.begin() + std::ptrdiff_t(headerIndex) + 1),
                    std::make_move_iterator(headRecords.end()));
    m_headSampleRows = m_sample.size();
    for (auto &r : sampleOffsets(shape))
        m_sample.push_back(std::move(r));

    // Decimal comma: decided for the file from how the number-like cells use their separators.
    qint64 commaHints = 0, pointHints = 0, ambiguousHints = 0;
    for (const auto &r : m_sample)
        for (const auto &f : r.fields)
            switch (values::separatorHint(f)) {
            case values::SeparatorHint::DecimalComma: ++commaHints; break;
            case values::SeparatorHint::DecimalPoint: ++pointHints; break;
            case values::SeparatorHint::Ambiguous: ++ambiguousHints; break;
            case values::SeparatorHint::None: break;
            }
    m_info.decimalComma = commaHints > pointHints
                          || (commaHints == 0 && pointHints == 0 && ambiguousHints > 0
                              && m_dialect.delimiter != ',');

    // Header: the first record is a header unless its cells have the same kind as the data below
    // them in a typed column (numbers over numbers, dates over dates).
    int headerVotes = 0, dataVotes = 0;
    for (size_t c = 0; c < first.fields.size(); ++c) {
        std::optional<ColumnType> dataType;
        for (const auto &r : m_sample) {
            if (c >= r.fields.size())
                continue;
            const Value::Kind k = values::classify(r.fields[c], m_info.decimalComma);
            if (k == Value::Kind::Blank)
                continue;
            dataType = dataType ? widen(*dataType, kindToType(k)) : kindToType(k);
        }
        if (!dataType || *dataType == ColumnType::Text)
            continue;
        const Value::Kind k = values::classify(first.fields[c], m_info.decimalComma);
        if (k == Value::Kind::Blank)
            continue;
        if (widen(*dataType, kindToType(k)) == ColumnType::Text)
            ++headerVotes;
        else
            ++dataVotes;
    }
    m_info.hasHeader = !(dataVotes > 0 && headerVotes == 0);

    m_columnCount = int(trailingDelimiters ? first.fields.size() : std::max(first.fields.size(), shape));
    QStringList seen;
    for (int c = 0; c < m_columnCount; ++c) {
        QString name;
        if (m_info.hasHeader && size_t(c) < first.fields.size())
            name = fromUtf8(values::trim(first.fields[size_t(c)]));
        if (name.isEmpty())
            name = QStringLiteral("Column %1").arg(c + 1);
        if (seen.contains(name)) {
            int k = 2;
            while (seen.contains(name + QStringLiteral(" (%1)").arg(k)))
                ++k;
            m_info.warnings << QStringLiteral("Two columns are named \"%1\"; the later one is called "
                                              "\"%1 (%2)\".")
                                   .arg(name)
                                   .arg(k);
            name += QStringLiteral(" (%1)").arg(k);
        }
        seen << name;
        m_columns.append(ColumnInfo{name, ColumnType::Text});
    }
    if (!m_info.hasHeader) {
        m_info.warnings << QStringLiteral("No header row was found (the first row holds data like the "
                                          "rows below it); the columns are named Column 1 to Column %1.")
                               .arg(m_columnCount);
        m_sample.insert(m_sample.begin(), first);
        ++m_headSampleRows;
    }

    std::vector<const csv::SampleRecord *> typed;
    for (const auto &r : m_sample)
        typed.push_back(&r);
    decideColumns(typed);

    // The stream resumes at the first data record.
    m_pos = m_info.hasHeader ? first.next : first.begin;
    m_line = m_info.hasHeader ? first.nextLine : first.line;
    return {};
}

std::vector<csv::SampleRecord> CsvReader::sampleOffsets(size_t fieldCount) const
{
    std::vector<csv::SampleRecord> out;
    if (m_rawEof)
        return out; // the head holds the whole file
    QFile f(m_file.fileName());
    if (!f.open(QIODevice::ReadOnly))
        return out;
    const bool utf16 = m_decoder.encoding() == TextEncoding::Utf16LE
                       || m_decoder.encoding() == TextEncoding::Utf16BE;
    const qint64 span = m_info.size - m_bytesRead;
    std::vector<csv::FieldSpan> spans;
    for (int i = 1; i <= kSampleOffsets; ++i) {
        qint64 offset = m_bytesRead + span * i / (kSampleOffsets + 1);
        if (utf16)
            offset &= ~qint64(1);
        if (!f.seek(offset))
            break;
        const QByteArray raw = f.read(kOffsetProbeBytes);
        if (raw.isEmpty())
            break;
        TextDecoder decoder(m_decoder.encoding());
        std::string text;
        decoder.decode(raw.constData(), size_t(raw.size()), text);
        const bool atEnd = offset + raw.size() >= m_info.size;
        if (atEnd)
            decoder.finish(text);
        // Resynchronise: the probe starts mid-line, so drop everything up to the first line end.
        // A line end inside a quoted field can mislead this; the field-count check below drops
        // the records that come out wrong.
        size_t start = text.find_first_of("\r\n");
        if (start == std::string::npos)
            continue;
        start += (text[start] == '\r' && start + 1 < text.size() && text[start + 1] == '\n') ? 2 : 1;
        auto records = csv::splitRecords(std::string_view(text).substr(start), atEnd, m_dialect,
                                         kOffsetRows, 0);
        for (auto &r : records)
            if (r.fields.size() == fieldCount)
                out.push_back(std::move(r));
    }
    return out;
}

void CsvReader::decideColumns(const std::vector<const csv::SampleRecord *> &rows)
{
    m_state.assign(size_t(m_columnCount), ColumnState{});
    for (int c = 0; c < m_columnCount; ++c) {
        ColumnState &s = m_state[size_t(c)];
        int dayFirst = 0, monthFirst = 0;
        std::string ambiguousExample;
        for (const csv::SampleRecord *r : rows) {
            if (size_t(c) >= r->fields.size())
                continue;
            const std::string &f = r->fields[size_t(c)];
            const Value::Kind k = values::classify(f, m_info.decimalComma);
            if (k == Value::Kind::Blank)
                continue;
            s.type = s.typed ? widen(s.type, kindToType(k)) : kindToType(k);
            s.typed = true;
            if (k == Value::Kind::Date || k == Value::Kind::DateTime) {
                switch (values::dateOrderHint(f)) {
                case values::OrderHint::DayFirst: ++dayFirst; break;
                case values::OrderHint::MonthFirst: ++monthFirst; break;
                case values::OrderHint::Ambiguous:
                    if (ambiguousExample.empty())
                        ambiguousExample = std::string(values::trim(f));
                    break;
                default: break;
                }
            }
        }
        const QString name = m_columns[c].name;
        if (s.type == ColumnType::Date || s.type == ColumnType::DateTime) {
            if (dayFirst && monthFirst) {
                s.type = ColumnType::Text;
                m_info.warnings << QStringLiteral("Column \"%1\" has dates in both day/month and "
                                                  "month/day order; it is read as text.")
                                       .arg(name);
            } else if (monthFirst) {
                s.order = DateOrder::MonthFirst;
            } else if (!dayFirst && !ambiguousExample.empty()) {
                m_info.warnings << QStringLiteral("Column \"%1\": dates such as \"%2\" could be "
                                                  "day/month or month/day; they are read as day/month "
                                                  "(dd/mm/yyyy).")
                                       .arg(name, fromUtf8(ambiguousExample));
            }
        }
        m_columns[c].type = s.typed ? s.type : ColumnType::Text;
    }
    m_sampleState = m_state;
}

inline void CsvReader::parseCell(Value &v, std::string_view text, ColumnState &c, qint64 line) const
{
    v.text = text;
    if (text.empty())
        return; // Blank
    std::string_view t = text;
    if (t.front() == ' ' || t.back() == ' ' || t.front() == '\t' || t.back() == '\t'
        || static_cast<unsigned char>(t.front()) == 0xC2 || static_cast<unsigned char>(t.back()) == 0xA0)
        t = values::trim(t);
    if (c.typed) {
        switch (c.type) {
        case ColumnType::Integer:
        case ColumnType::Decimal: {
            bool isInteger = false;
            if (values::parseNumber(t, m_info.decimalComma, v.number, isInteger)) {
                v.kind = isInteger ? Value::Kind::Integer : Value::Kind::Decimal;
                if (!isInteger)
                    c.type = ColumnType::Decimal;
                return;
            }
            break;
        }
        case ColumnType::Date:
        case ColumnType::DateTime: {
            if (c.hasDateKey && (t.size() == 10 || t.size() == 19) && sameDay(t.data(), c.dateKey)) {
                if (t.size() == 10) {
                    v.kind = Value::Kind::Date;
                    v.msecs = c.dateKeyMs;
                    return;
                }
                const qint64 ofDay = isoTimeOfDay(t.data() + 10);
                if (ofDay >= 0) {
                    v.kind = Value::Kind::DateTime;
                    v.msecs = c.dateKeyMs + ofDay;
                    c.type = ColumnType::DateTime;
                    return;
                }
            }
            bool hasTime = false;
            if (values::parseDateTime(t, c.order, v.msecs, hasTime)) {
                if ((t.size() == 10 || t.size() == 19) && t[4] == '-' && t[7] == '-') {
                    std::memcpy(c.dateKey, t.data(), 10);
                    const qint64 day = values::kMsecsPerDay;
                    c.dateKeyMs = v.msecs - (((v.msecs % day) + day) % day);
                    c.hasDateKey = true;
                }
                v.kind = hasTime ? Value::Kind::DateTime : Value::Kind::Date;
                if (hasTime)
                    c.type = ColumnType::DateTime;
                return;
            }
            break;
        }
        case ColumnType::Boolean: {
            bool b = false;
            if (values::parseBoolean(t, b)) {
                v.kind = Value::Kind::Boolean;
                v.number = b ? 1 : 0;
                return;
            }
            break;
        }
        case ColumnType::Text:
            v.kind = t.size() <= 4 && values::isNullToken(t) ? Value::Kind::Blank : Value::Kind::Text;
            return;
        }
        if (values::isNullToken(t))
            return; // Blank
        // The value does not fit the column's type: the column becomes text from here on.
        if (!c.widenedAt) {
            c.widenedAt = line;
            c.widenedBy = std::string(t.substr(0, 40));
        }
        c.type = ColumnType::Text;
        v.kind = Value::Kind::Text;
        return;
    }
    parseFirstValue(v, text, c, line);
}

void CsvReader::parseFirstValue(Value &v, std::string_view text, ColumnState &c, qint64 line) const
{
    // First value of a column that was blank throughout the sample: it sets the type.
    const Value::Kind k = values::classify(text, m_info.decimalComma);
    if (k == Value::Kind::Blank)
        return;
    c.typed = true;
    c.type = kindToType(k);
    parseCell(v, text, c, line);
}

Result<bool> CsvReader::readBatch(RowBatch &batch, Feedback *feedback)
{
    batch.reset(m_columnCount);
    if (m_done)
        return false;
    if (feedback) {
        feedback->setPhase("Reading");
        if (feedback->isCancelled())
            return Error::make(Error::Code::Cancelled,
                               QStringLiteral("Reading \"%1\" was cancelled.").arg(m_name));
    }
    const size_t columns = size_t(m_columnCount);
    const char quote = m_dialect.quote;
    std::string scratch;
    // Counted here: RowBatch::rowCount() divides, once per row would show in profiles.
    int rowsInBatch = 0;
    while (rowsInBatch < m_options.batchRows) {
        const std::string_view rest(m_text.data() + m_pos, m_text.size() - m_pos);
        if (rest.empty() && m_rawEof) {
            if (auto r = finish(); !r)
                return r.error();
            break;
        }
        const csv::ScanResult r = csv::scanRecord(rest, m_rawEof, m_dialect, m_fields);
        if (!r.complete) {
            if (qint64(rest.size()) > m_options.maxLineBytes)
                return tooLong(m_line, r.insideQuote);
            if (auto more = fill(feedback); !more)
                return more.error();
            continue;
        }
        const std::string_view record = rest.substr(0, r.length);
        const qint64 line = m_line;
        m_pos += r.consumed;
        m_line += r.lineEnds;
        if (r.unclosedQuote && !m_unclosedQuoteLine)
            m_unclosedQuoteLine = line;
        const char lead = record.empty() ? ' ' : record.front();
        if ((lead == ' ' || lead == '\t' || lead == m_dialect.delimiter || lead == quote)
            && csv::isBlankRecord(record, m_fields))
            continue;
        size_t fieldCount = m_fields.size();
        if (fieldCount > columns) {
            bool extraBlank = true;
            for (size_t i = columns; i < fieldCount && extraBlank; ++i)
                extraBlank = values::trim(record.substr(m_fields[i].begin, m_fields[i].end - m_fields[i].begin)).empty();
            if (!extraBlank) {
                if (m_longLines.size() < kLinesListed)
                    m_longLines << line;
                ++m_longRows;
                continue;
            }
            fieldCount = columns;
        } else if (fieldCount < columns) {
            if (m_shortLines.size() < kLinesListed)
                m_shortLines << line;
            ++m_shortRows;
        }
        Value *row = batch.appendRow(line);
        const std::string_view stored = batch.store(record);
        for (size_t i = 0; i < fieldCount; ++i) {
            const csv::FieldSpan &f = m_fields[i];
            const std::string_view text = f.unescape
                                              ? batch.store(csv::fieldText(record, f, quote, scratch))
                                              : std::string_view(stored.data() + f.begin, f.end - f.begin);
            parseCell(row[i], text, m_state[i], line);
        }
        ++m_rows;
        ++rowsInBatch;
    }
    for (int c = 0; c < m_columnCount; ++c)
        m_columns[c].type = m_state[size_t(c)].typed ? m_state[size_t(c)].type : ColumnType::Text;
    if (feedback) {
        feedback->setProgress(m_bytesRead, m_info.size);
        feedback->setRows(m_rows);
    }
    if (!m_done)
        if (auto r = checkUnchanged(m_file, m_info.size, m_modifiedAtStart); !r)
            return r.error();
    return batch.rowCount() > 0 || !m_done;
}

Result<void> CsvReader::finish()
{
    if (auto r = checkUnchanged(m_file, m_info.size, m_modifiedAtStart); !r)
        return r.error();
    m_done = true;
    if (m_options.computeHash)
        m_info.sha256 = m_hash.finishHex();
    if (m_shortRows)
        m_info.warnings << QStringLiteral("%1 row(s) have fewer fields than the table's %2 columns; they "
                                          "were kept with the missing cells blank (lines %3).")
                               .arg(m_shortRows)
                               .arg(m_columnCount)
                               .arg(lineList(m_shortLines, m_shortRows));
    if (m_longRows)
        m_info.warnings << QStringLiteral("%1 row(s) have more fields than the table's %2 columns and "
                                          "were left out (lines %3).")
                               .arg(m_longRows)
                               .arg(m_columnCount)
                               .arg(lineList(m_longLines, m_longRows));
    if (m_unclosedQuoteLine)
        m_info.warnings << QStringLiteral("The quoted value that starts on line %1 is never closed; the "
                                          "rest of the file was read as that one value.")
                               .arg(m_unclosedQuoteLine);
    for (int c = 0; c < m_columnCount; ++c) {
        const ColumnState &s = m_state[size_t(c)];
        if (s.widenedAt)
            m_info.warnings << QStringLiteral("Column \"%1\" looked like %2 values, but line %3 holds "
                                              "\"%4\"; the column is read as text.")
                                   .arg(m_columns[c].name, columnTypeName(m_sampleState[size_t(c)].type))
                                   .arg(s.widenedAt)
                                   .arg(fromUtf8(s.widenedBy));
    }
    if (m_decoder.invalidBytes() > 0)
        m_info.warnings << QStringLiteral("%1 byte(s) were not valid UTF-8 and were read as "
                                          "Windows-1252 characters.")
                               .arg(m_decoder.invalidBytes());
    // The text buffer is no longer needed.
    std::string().swap(m_text);
    m_pos = 0;
    return {};
}

Result<bool> CsvReader::readSample(RowBatch &batch, int maxRows)
{
    batch.reset(m_columnCount);
    // Half from the start of the file, half from the offsets; either half tops up the other.
    const size_t fromOffsets = m_sample.size() - m_headSampleRows;
    const size_t want = size_t(std::max(0, maxRows));
    size_t offsetTake = std::min(fromOffsets, want / 2);
    const size_t headTake = std::min(m_headSampleRows, want - offsetTake);
    offsetTake = std::min(fromOffsets, want - headTake);
    std::vector<ColumnState> state = m_sampleState;
    auto add = [&](const csv::SampleRecord &r) {
        Value *row = batch.appendRow(r.line);
        const size_t n = std::min(r.fields.size(), size_t(m_columnCount));
        for (size_t i = 0; i < n; ++i)
            parseCell(row[i], batch.store(r.fields[i]), state[i], r.line);
    };
    for (size_t i = 0; i < headTake; ++i)
        add(m_sample[i]);
    for (size_t i = 0; i < offsetTake; ++i)
        add(m_sample[m_headSampleRows + i]);
    return batch.rowCount() > 0;
}

} // namespace

Result<std::unique_ptr<TableReader>> openCsv(const QString &path, const ReadOptions &options)
{
    auto reader = std::make_unique<CsvReader>(path, options);
    if (auto r = reader->open(); !r)
        return r.error();
    return std::unique_ptr<TableReader>(std::move(reader));
}

} // namespace finpipe::ingest
