#include "csvreader.h"

#include "ingest/csvscanner.h"
#include "ingest/fileerrors.h"
#include "ingest/sha256.h"
#include "ingest/skiptally.h"
#include "ingest/tablelocator.h"
#include "ingest/textdecoder.h"
#include "ingest/valueparser.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <limits>
#include <optional>

// Rows whose field count differs from the table's:
//  - fewer fields: the row is kept, its missing cells are Blank, and the line is reported;
//  - more fields, the extra ones empty (a trailing delimiter): kept as if they were not there;
//  - more fields with content: the row is left out (its values would land in the wrong
//    columns) and the line is reported.
// Reports are warnings naming the first few lines and the count.
//
// Records that do not fit the table (more fields with content, at most half the fields, or text
// in a number or date column) are held back, at most tables::kMaxMisfitRun of them: when a row that
// fits follows they are rows (or wrong-field-count lines) as above; at the end of the file they are
// footers; a header-like one followed by rows of its own starts a further table, which ends the
// read (the rest of the file is accounted for as "after the table").

namespace finpipe::ingest {

namespace {

using values::DateOrder;

constexpr qint64 kChunkBytes = 1 << 20;
constexpr size_t kHeadRecords = 1000;
constexpr int kSampleOffsets = 8;
constexpr qint64 kOffsetProbeBytes = 64 * 1024;
constexpr int kOffsetRows = 125;
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

//! A record as the analyst would recognise it in a message: its filled fields, shortened.
QString recordPreview(const tables::Fields &fields)
{
    QStringList parts;
    for (const std::string &f : fields)
        if (const std::string_view t = values::trim(f); !t.empty())
            parts << fromUtf8(t);
    QString s = parts.join(QStringLiteral(" "));
    if (s.size() > 60)
        s = s.left(57) + QStringLiteral("...");
    return s;
}

//! "line 42", "line 42 and line 97", "lines 42, 97 and 120".
QString lineSeries(const QList<qint64> &lines)
{
    if (lines.size() == 1)
        return QStringLiteral("line %1").arg(lines.front());
    if (lines.size() == 2)
        return QStringLiteral("line %1 and line %2").arg(lines[0]).arg(lines[1]);
    QStringList parts;
    for (qsizetype i = 0; i + 1 < lines.size() && i < 10; ++i)
        parts << QString::number(lines[i]);
    const QString last = lines.size() > 11 ? QStringLiteral("%1 more").arg(lines.size() - 10)
                                           : QString::number(lines.back());
    return QStringLiteral("lines %1 and %2").arg(parts.join(QStringLiteral(", ")), last);
}

//! Fields of `record` up to the last one with content.
size_t contentWidth(std::string_view record, const std::vector<csv::FieldSpan> &fields, size_t count)
{
    while (count > 0
           && values::trim(record.substr(fields[count - 1].begin, fields[count - 1].end - fields[count - 1].begin))
                  .empty())
        --count;
    return count;
}

//! Whether a record fits the table (see the note at the top).
enum class Fit : quint8 { Row, Long, Short, Clash };

//! A record held back until what follows tells whether it is a row, a footer or a new table.
struct Held {
    enum class Kind : quint8 { Record, Blank, Comment };
    Kind kind = Kind::Record;
    qint64 line = 0;
    std::string text;
    std::vector<csv::FieldSpan> fields;
    size_t fieldCount = 0;
    size_t width = 0;
    Fit fit = Fit::Row;
    //! Looks like the header of a further table (after a blank line or of another width).
    bool startsTable = false;
};

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
    //! `raw`: the bytes just read (at file offset `rawAt`) whose text starts at m_text[from].
    Result<void> checkBinary(size_t from, std::string_view raw, qint64 rawAt) const;
    Error tooLong(qint64 line, bool insideQuote) const;
    std::vector<csv::SampleRecord> sampleOffsets(size_t fieldCount) const;
    void decideColumns(const std::vector<const csv::SampleRecord *> &rows);
    //! false (and `c` unchanged) when `strict` and the value does not fit the column's type.
    inline bool parseCell(Value &v, std::string_view text, ColumnState &c, qint64 line, bool strict = false) const;
    bool parseFirstValue(Value &v, std::string_view text, ColumnState &c, qint64 line) const;
    Result<void> finish(RowBatch &batch);
    bool parseRow(RowBatch &batch, std::string_view record, const std::vector<csv::FieldSpan> &fields,
                  size_t fieldCount, qint64 line, bool strict);
    void commitRow(RowBatch &batch, qint64 line, size_t fieldCount);
    void countLong(RowBatch &batch, qint64 line);
    int takeRecord(RowBatch &batch, std::string_view record, qint64 line);
    void holdOrSkip(RowBatch &batch, qint64 line, SkipReason reason);
    void hold(std::string_view record, qint64 line, size_t fieldCount, size_t width, Fit fit);
    int releaseHeldAsRows(RowBatch &batch);
    void releaseHeldAsFooters(RowBatch &batch, size_t count);
    void beginAfterTable(RowBatch &batch, size_t heldFrom);
    void afterTableRecord(RowBatch &batch, std::string_view record, qint64 line);
    tables::Fields fieldsOf(std::string_view record) const;

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

    //! Every line left out; those above the header go to the first batch.
    SkipTally m_tally;
    std::vector<SkippedLine> m_aboveHeader;
    bool m_commentsUsed = false;
    //! Where the head showed a further table to start; the first line after the head's records.
    qint64 m_stopLine = std::numeric_limits<qint64>::max();
    qint64 m_headEndLine = std::numeric_limits<qint64>::max();
    std::deque<Held> m_held;
    //! A run of misfits too long to be footers: its records are rows until one fits again.
    bool m_runIsRows = false;
    bool m_afterBlank = false;
    std::vector<Value> m_rowScratch;
    std::string m_scratch;
    //! After the table: the width of the table being skipped and a possible header of the next.
    bool m_afterTable = false;
    size_t m_otherWidth = 0;
    bool m_otherAfterBlank = false;
    qint64 m_candidateLine = 0;
    size_t m_candidateWidth = 0;
    bool m_candidateSure = false;
};

Result<void> CsvReader::checkBinary(size_t from, std::string_view raw, qint64 rawAt) const
{
    const char *p = m_text.data() + from;
    const size_t n = m_text.size() - from;
    // The NUL is looked for in the bytes, so that its position is the file's (UTF-16: a NUL unit).
    qint64 nulAt = -1;
    if (m_decoder.encoding() == TextEncoding::Utf16LE || m_decoder.encoding() == TextEncoding::Utf16BE) {
        for (size_t i = size_t(rawAt & 1); i + 1 < raw.size(); i += 2)
            if (raw[i] == 0 && raw[i + 1] == 0) {
                nulAt = rawAt + qint64(i);
                break;
            }
    } else if (const void *z = std::memchr(raw.data(), 0, raw.size())) {
        nulAt = rawAt + (static_cast<const char *>(z) - raw.data());
    }
    const bool nul = nulAt >= 0;
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
    const QString what = nul ? QStringLiteral("a NUL byte at byte %1").arg(nulAt + 1)
                             : QStringLiteral("%1 control characters in the first 64 KiB").arg(control);
    return Error::make(Error::Code::Format,
                       QStringLiteral("\"%1\" does not look like a text/CSV file: it contains binary "
                                      "data (%2). Check that it is the file you meant to open.")
                           .arg(m_name, what),
                       what);
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
    if (auto r = checkBinary(before, std::string_view(m_raw.data(), size_t(n)), m_bytesRead - n); !r)
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
    m_decoder.startAt(guess.bomBytes);
    m_info.encoding = encodingName(guess.encoding);
    if (guess.invalidUtf8At >= 0)
        m_info.warnings << QStringLiteral("\"%1\" is not valid UTF-8 at byte %2; it was read as Windows-1252.")
                               .arg(m_name)
                               .arg(guess.invalidUtf8At + 1);
    m_decoder.decode(head.data() + guess.bomBytes, head.size() - size_t(guess.bomBytes), m_text);
    if (m_rawEof)
        m_decoder.finish(m_text);
    if (auto r = checkBinary(0, head.substr(size_t(guess.bomBytes)), guess.bomBytes); !r)
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

    auto splitHead = [this] {
        return csv::splitRecords(m_text, m_rawEof, m_dialect, kHeadRecords, 1, /*keepBlank=*/true);
    };
    auto allBlank = [](const std::vector<csv::SampleRecord> &records) {
        return std::all_of(records.begin(), records.end(),
                           [](const csv::SampleRecord &r) { return tables::effectiveWidth(r.fields) == 0; });
    };
    std::vector<csv::SampleRecord> headRecords = splitHead();
    // A quoted value with line breaks can make the first record longer than the head.
    while (allBlank(headRecords) && !m_rawEof) {
        if (qint64(m_text.size()) > m_options.maxLineBytes)
            return tooLong(1, true);
        if (auto r = fill(nullptr); !r)
            return r.error();
        headRecords = splitHead();
    }

    // The table: past metadata, titles and comments above it; up to footers or a further table.
    std::vector<tables::Fields> headFields;
    headFields.reserve(headRecords.size());
    for (const auto &r : headRecords)
        headFields.push_back(r.fields);
    const tables::TableLocation loc = tables::locateTable(headFields);
    std::vector<tables::Fields>().swap(headFields);
    if (!loc.found)
        return Error::make(Error::Code::Unreadable,
                           QStringLiteral("\"%1\" is empty: it has no rows to read.").arg(m_name));
    const csv::SampleRecord first = headRecords[loc.first];
    if (loc.width > tables::kMaxColumns)
        return Error::make(Error::Code::TooLarge,
                           QStringLiteral("Line %1 of \"%2\" has %3 columns; finpipe reads at most 16384 "
                                          "columns (Excel's limit). Check that this is the file you meant.")
                               .arg(first.line)
                               .arg(m_name)
                               .arg(qint64(loc.width)),
                           QStringLiteral("columns: %1").arg(qint64(loc.width)));
    const bool headIsWholeFile = m_rawEof && headRecords.size() < kHeadRecords;
    if (loc.bodyRows == 0 && !headIsWholeFile)
        m_info.warnings << QStringLiteral("The first %1 lines of \"%2\" show no table with rows under a "
                                          "header; line %3 was taken as the table's first line. Check "
                                          "the file, or remove the lines above the table.")
                               .arg(qint64(headRecords.size()))
                               .arg(m_name)
                               .arg(first.line);
    m_commentsUsed = loc.commentsUsed;
    m_headEndLine = headIsWholeFile ? std::numeric_limits<qint64>::max() : headRecords.back().nextLine;
    QString aboveExample;
    for (size_t i = 0; i < loc.first; ++i) {
        const csv::SampleRecord &r = headRecords[i];
        SkipReason why = SkipReason::AboveHeader;
        if (tables::effectiveWidth(r.fields) == 0)
            why = SkipReason::Blank;
        else if (m_commentsUsed && tables::isCommentRecord(r.fields))
            why = SkipReason::Comment;
        else if (aboveExample.isEmpty())
            aboveExample = recordPreview(r.fields);
        m_aboveHeader.push_back({r.line, why});
        m_tally.note(r.line, why);
    }
    m_info.skippedLines = int(std::min<qint64>(first.line - 1, std::numeric_limits<int>::max()));
    if (const qint64 n = m_tally.count(SkipReason::AboveHeader))
        m_info.warnings << QStringLiteral("Left out %1 line(s) above the table (lines %2: \"%3\"%4).")
                               .arg(n)
                               .arg(lineRanges(m_tally.examples(SkipReason::AboveHeader), n), aboveExample,
                                    n > 1 ? QStringLiteral(" and more") : QString());
    for (size_t i : loc.moreTables)
        m_info.moreTablesAt << headRecords[i].line;
    if (!loc.moreTables.empty())
        m_stopLine = headRecords[loc.moreTables.front()].line;

    // The sample: the table's rows in the head, and (when it runs on) rows from further in.
    for (size_t i = loc.first + 1; i < loc.end && i < headRecords.size(); ++i) {
        csv::SampleRecord &r = headRecords[i];
        if (tables::effectiveWidth(r.fields) > 0 && !(m_commentsUsed && tables::isCommentRecord(r.fields)))
            m_sample.push_back(std::move(r));
    }
    m_headSampleRows = m_sample.size();
    if (loc.moreTables.empty())
        for (auto &r : sampleOffsets(loc.width))
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
    // A lone line (nothing under it) is judged by its own values: dates and numbers are data.
    m_info.hasHeader = m_sample.empty() ? loc.headerLike : !(dataVotes > 0 && headerVotes == 0);

    m_columnCount = int(loc.width);
    // Names made unique in one pass: a hash of those taken and the next suffix to try per name.
    QSet<QString> taken;
    QHash<QString, int> nextSuffix;
    int renamed = 0;
    for (int c = 0; c < m_columnCount; ++c) {
        QString name;
        if (m_info.hasHeader && size_t(c) < first.fields.size())
            name = fromUtf8(values::trim(first.fields[size_t(c)]));
        if (name.isEmpty())
            name = QStringLiteral("Column %1").arg(c + 1);
        if (taken.contains(name)) {
            int &k = nextSuffix[name];
            k = std::max(k, 2);
            while (taken.contains(name + QStringLiteral(" (%1)").arg(k)))
                ++k;
            if (++renamed <= kLinesListed)
                m_info.warnings << QStringLiteral("Two columns are named \"%1\"; the later one is called "
                                                  "\"%1 (%2)\".")
                                       .arg(name)
                                       .arg(k);
            name += QStringLiteral(" (%1)").arg(k++);
        }
        taken.insert(name);
        m_columns.append(ColumnInfo{name, ColumnType::Text});
    }
    if (renamed > kLinesListed)
        m_info.warnings << QStringLiteral("%1 more columns repeat an earlier column's name; each was given a "
                                          "number the same way.")
                               .arg(renamed - kLinesListed);
    if (!m_info.hasHeader) {
        m_info.warnings << (m_sample.empty()
                                ? QStringLiteral("No header row was found (the only line holds data); the "
                                                 "columns are named Column 1 to Column %1.")
                                : QStringLiteral("No header row was found (the first row holds data like the "
                                                 "rows below it); the columns are named Column 1 to Column %1."))
                               .arg(m_columnCount);
        m_sample.insert(m_sample.begin(), first);
        ++m_headSampleRows;
    }

    std::vector<const csv::SampleRecord *> typed;
    for (const auto &r : m_sample)
        typed.push_back(&r);
    decideColumns(typed);

    m_info.skipped = m_tally.summaries();
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
        // At the end of the file, leave out what may be footers.
        if (atEnd)
            records.resize(records.size() > tables::kMaxMisfitRun ? records.size() - tables::kMaxMisfitRun : 0);
        for (auto &r : records) {
            const size_t width = tables::effectiveWidth(r.fields);
            if (width > 0 && tables::fitsWidth(width, r.fields.size(), fieldCount))
                out.push_back(std::move(r));
        }
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

inline bool CsvReader::parseCell(Value &v, std::string_view text, ColumnState &c, qint64 line,
                                 bool strict) const
{
    v.text = text;
    if (text.empty())
        return true; // Blank
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
                return true;
            }
            break;
        }
        case ColumnType::Date:
        case ColumnType::DateTime: {
            if (c.hasDateKey && (t.size() == 10 || t.size() == 19) && sameDay(t.data(), c.dateKey)) {
                if (t.size() == 10) {
                    v.kind = Value::Kind::Date;
                    v.msecs = c.dateKeyMs;
                    return true;
                }
                const qint64 ofDay = isoTimeOfDay(t.data() + 10);
                if (ofDay >= 0) {
                    v.kind = Value::Kind::DateTime;
                    v.msecs = c.dateKeyMs + ofDay;
                    c.type = ColumnType::DateTime;
                    return true;
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
                return true;
            }
            break;
        }
        case ColumnType::Boolean: {
            bool b = false;
            if (values::parseBoolean(t, b)) {
                v.kind = Value::Kind::Boolean;
                v.number = b ? 1 : 0;
                return true;
            }
            break;
        }
        case ColumnType::Text:
            v.kind = t.size() <= 4 && values::isNullToken(t) ? Value::Kind::Blank : Value::Kind::Text;
            return true;
        }
        if (values::isNullToken(t))
            return true; // Blank
        // The value does not fit the column's type: the column becomes text from here on.
        if (strict)
            return false;
        if (!c.widenedAt) {
            c.widenedAt = line;
            c.widenedBy = std::string(t.substr(0, 40));
        }
        c.type = ColumnType::Text;
        v.kind = Value::Kind::Text;
        return true;
    }
    return parseFirstValue(v, text, c, line);
}

bool CsvReader::parseFirstValue(Value &v, std::string_view text, ColumnState &c, qint64 line) const
{
    // First value of a column that was blank throughout the sample: it sets the type.
    const Value::Kind k = values::classify(text, m_info.decimalComma);
    if (k == Value::Kind::Blank)
        return true;
    c.typed = true;
    c.type = kindToType(k);
    return parseCell(v, text, c, line);
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
    for (const SkippedLine &s : m_aboveHeader)
        batch.addSkipped(s.line, s.reason);
    std::vector<SkippedLine>().swap(m_aboveHeader);
    const char quote = m_dialect.quote;
    // Counted here: RowBatch::rowCount() divides, once per row would show in profiles. Lines left
    // out count toward the batch too, so that a long run of them stays bounded.
    int rowsInBatch = 0;
    while (rowsInBatch + int(batch.skipped().size()) < m_options.batchRows) {
        const std::string_view rest(m_text.data() + m_pos, m_text.size() - m_pos);
        if (rest.empty() && m_rawEof) {
            if (auto r = finish(batch); !r)
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
        if (m_afterTable || line >= m_stopLine) {
            if (!m_afterTable)
                beginAfterTable(batch, m_held.size());
            afterTableRecord(batch, record, line);
            continue;
        }
        const char lead = record.empty() ? ' ' : record.front();
        if ((lead == ' ' || lead == '\t' || lead == m_dialect.delimiter || lead == quote)
            && csv::isBlankRecord(record, m_fields)) {
            holdOrSkip(batch, line, SkipReason::Blank);
            m_afterBlank = true;
            continue;
        }
        if (m_commentsUsed) {
            const std::string_view t = values::trim(record);
            if (!t.empty() && t.front() == '#') {
                holdOrSkip(batch, line, SkipReason::Comment);
                continue;
            }
        }
        rowsInBatch += takeRecord(batch, record, line);
        m_afterBlank = false;
    }
    for (int c = 0; c < m_columnCount; ++c)
        m_columns[c].type = m_state[size_t(c)].typed ? m_state[size_t(c)].type : ColumnType::Text;
    m_info.skipped = m_tally.summaries();
    if (feedback) {
        feedback->setProgress(m_bytesRead, m_info.size);
        feedback->setRows(m_rows);
    }
    if (!m_done)
        if (auto r = checkUnchanged(m_file, m_info.size, m_modifiedAtStart); !r)
            return r.error();
    return batch.rowCount() > 0 || !batch.skipped().empty() || !m_done;
}

bool CsvReader::parseRow(RowBatch &batch, std::string_view record, const std::vector<csv::FieldSpan> &fields,
                         size_t fieldCount, qint64 line, bool strict)
{
    m_rowScratch.assign(size_t(m_columnCount), Value{});
    const std::string_view stored = batch.store(record);
    for (size_t i = 0; i < fieldCount; ++i) {
        const csv::FieldSpan &f = fields[i];
        const std::string_view text = f.unescape
                                          ? batch.store(csv::fieldText(record, f, m_dialect.quote, m_scratch))
                                          : std::string_view(stored.data() + f.begin, f.end - f.begin);
        if (!parseCell(m_rowScratch[i], text, m_state[i], line, strict))
            return false;
    }
    return true;
}

void CsvReader::commitRow(RowBatch &batch, qint64 line, size_t fieldCount)
{
    Value *row = batch.appendRow(line);
    std::copy(m_rowScratch.begin(), m_rowScratch.end(), row);
    if (fieldCount < size_t(m_columnCount)) {
        if (m_shortLines.size() < kLinesListed)
            m_shortLines << line;
        ++m_shortRows;
    }
    ++m_rows;
}

void CsvReader::countLong(RowBatch &batch, qint64 line)
{
    if (m_longLines.size() < kLinesListed)
        m_longLines << line;
    ++m_longRows;
    m_tally.add(batch, line, SkipReason::WrongFieldCount);
}

int CsvReader::takeRecord(RowBatch &batch, std::string_view record, qint64 line)
{
    const size_t columns = size_t(m_columnCount);
    size_t fieldCount = m_fields.size();
    size_t width = 0;
    Fit fit = Fit::Row;
    if (fieldCount > columns) {
        width = contentWidth(record, m_fields, fieldCount);
        if (width > columns)
            fit = Fit::Long;
        fieldCount = columns;
    } else if (fieldCount < columns) {
        width = contentWidth(record, m_fields, fieldCount);
        if (!tables::fitsWidth(width, fieldCount, columns))
            fit = Fit::Short;
    }
    if (fit == Fit::Row && !parseRow(batch, record, m_fields, fieldCount, line, !m_runIsRows))
        fit = Fit::Clash;
    if (fit == Fit::Short && parseRow(batch, record, m_fields, fieldCount, line, true)
        && std::any_of(m_rowScratch.begin(), m_rowScratch.begin() + std::ptrdiff_t(fieldCount), [](const Value &v) {
               return !v.isBlank() && v.kind != Value::Kind::Text;
           }))
        fit = Fit::Row; // a short row whose dates or numbers fit their columns: data, not a footer
    if (fit != Fit::Long && width == 0)
        width = contentWidth(record, m_fields, fieldCount);

    // The last held record may be the header of a further table: this record confirms it when it
    // is a row of that header's width (one that does not fit this table, unless after a blank line
    // and of another width).
    auto lastRecord = std::find_if(m_held.rbegin(), m_held.rend(),
                                   [](const Held &h) { return h.kind == Held::Kind::Record; });
    if (lastRecord != m_held.rend() && lastRecord->startsTable && width > 0 && width <= lastRecord->width
        && tables::fitsWidth(width, m_fields.size(), lastRecord->width)
        && (fit != Fit::Row || (lastRecord->width != columns && width == lastRecord->width))) {
        // (For a header of the table's own width, after a blank line, the row must not fit.)
        const std::string_view next = record;
        beginAfterTable(batch, size_t(std::distance(m_held.begin(), lastRecord.base()) - 1));
        afterTableRecord(batch, next, line);
        return 0;
    }
    if (fit == Fit::Row) {
        const int released = releaseHeldAsRows(batch);
        commitRow(batch, line, fieldCount);
        m_runIsRows = false;
        return released + 1;
    }
    if (m_runIsRows) {
        // A long run of records that do not fit: rows (or wrong-field-count lines), not footers.
        if (fit == Fit::Long) {
            countLong(batch, line);
            return 0;
        }
        parseRow(batch, record, m_fields, fieldCount, line, false);
        commitRow(batch, line, fieldCount);
        return 1;
    }
    hold(record, line, fit == Fit::Long ? m_fields.size() : fieldCount, width, fit);
    if (m_held.size() > tables::kMaxMisfitRun) {
        m_runIsRows = true;
        return releaseHeldAsRows(batch);
    }
    return 0;
}

void CsvReader::holdOrSkip(RowBatch &batch, qint64 line, SkipReason reason)
{
    if (m_held.empty()) {
        m_tally.add(batch, line, reason);
        return;
    }
    Held h;
    h.kind = reason == SkipReason::Comment ? Held::Kind::Comment : Held::Kind::Blank;
    h.line = line;
    m_held.push_back(std::move(h));
}

tables::Fields CsvReader::fieldsOf(std::string_view record) const
{
    tables::Fields out;
    std::string scratch;
    out.reserve(std::min(m_fields.size(), tables::kMaxColumns + 1));
    for (size_t i = 0; i < m_fields.size() && i <= tables::kMaxColumns; ++i)
        out.emplace_back(csv::fieldText(record, m_fields[i], m_dialect.quote, scratch));
    return out;
}

void CsvReader::hold(std::string_view record, qint64 line, size_t fieldCount, size_t width, Fit fit)
{
    Held h;
    h.line = line;
    h.text.assign(record);
    h.fields = m_fields;
    h.fieldCount = fieldCount;
    h.width = width;
    h.fit = fit;
    // A header-like record of another width, or after a blank line, may start a further table.
    h.startsTable = width >= 2 && (width != size_t(m_columnCount) || m_afterBlank)
                    && tables::looksLikeHeader(fieldsOf(record));
    m_held.push_back(std::move(h));
}

int CsvReader::releaseHeldAsRows(RowBatch &batch)
{
    int rows = 0;
    for (Held &h : m_held) {
        if (h.kind != Held::Kind::Record) {
            m_tally.add(batch, h.line, h.kind == Held::Kind::Blank ? SkipReason::Blank : SkipReason::Comment);
            continue;
        }
        if (h.fit == Fit::Long) {
            countLong(batch, h.line);
            continue;
        }
        parseRow(batch, h.text, h.fields, h.fieldCount, h.line, false);
        commitRow(batch, h.line, h.fieldCount);
        ++rows;
    }
    m_held.clear();
    return rows;
}

void CsvReader::releaseHeldAsFooters(RowBatch &batch, size_t count)
{
    for (size_t i = 0; i < count && i < m_held.size(); ++i) {
        const Held &h = m_held[i];
        m_tally.add(batch, h.line,
                    h.kind == Held::Kind::Blank     ? SkipReason::Blank
                    : h.kind == Held::Kind::Comment ? SkipReason::Comment
                                                    : SkipReason::Footer);
    }
}

void CsvReader::beginAfterTable(RowBatch &batch, size_t heldFrom)
{
    // What was held before the further table are the table's footers; the rest belongs to it.
    releaseHeldAsFooters(batch, heldFrom);
    m_afterTable = true;
    if (heldFrom < m_held.size()) {
        const qint64 start = m_held[heldFrom].line;
        if (m_info.moreTablesAt.isEmpty() || m_info.moreTablesAt.back() < start)
            m_info.moreTablesAt << start;
        m_otherWidth = m_held[heldFrom].width;
        for (size_t i = heldFrom; i < m_held.size(); ++i)
            m_tally.add(batch, m_held[i].line, SkipReason::AfterTable);
    }
    m_held.clear();
}

void CsvReader::afterTableRecord(RowBatch &batch, std::string_view record, qint64 line)
{
    m_tally.add(batch, line, SkipReason::AfterTable);
    // Further tables: past the head, a header-like record after a blank line or a change of width,
    // followed by a row of its width (the head's were found by the locator).
    if (line < m_headEndLine)
        return;
    const size_t width = contentWidth(record, m_fields, m_fields.size());
    if (width == 0) {
        m_otherAfterBlank = true;
        return;
    }
    if (m_candidateLine) {
        if (width <= m_candidateWidth && tables::fitsWidth(width, m_fields.size(), m_candidateWidth)
            && (m_candidateSure || !tables::looksLikeHeader(fieldsOf(record))) && m_info.moreTablesAt.size() < 1000)
            m_info.moreTablesAt << m_candidateLine;
        m_candidateLine = 0;
    }
    if (width >= 2 && (m_otherAfterBlank || width != m_otherWidth) && tables::looksLikeHeader(fieldsOf(record))) {
        m_candidateLine = line;
        m_candidateWidth = width;
        // After a blank line and of a new width, rows of text confirm it too.
        m_candidateSure = m_otherAfterBlank && width != m_otherWidth;
    }
    m_otherWidth = width;
    m_otherAfterBlank = false;
}

Result<void> CsvReader::finish(RowBatch &batch)
{
    if (auto r = checkUnchanged(m_file, m_info.size, m_modifiedAtStart); !r)
        return r.error();
    m_done = true;
    // What is still held at the end of the file does not fit the table: footers.
    releaseHeldAsFooters(batch, m_held.size());
    m_held.clear();
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
        m_info.warnings << QStringLiteral("%1 byte(s) were not valid UTF-8 (the first at byte %2) and were "
                                          "read as Windows-1252 characters.")
                               .arg(m_decoder.invalidBytes())
                               .arg(m_decoder.firstInvalidAt() + 1);
    if (m_decoder.strayByte())
        m_info.warnings << QStringLiteral("\"%1\" is UTF-16 text but has an odd number of bytes; the stray "
                                          "last byte was dropped.")
                               .arg(m_name);
    if (const qint64 n = m_tally.count(SkipReason::Comment))
        m_info.warnings << QStringLiteral("Left out %1 comment line(s) starting with \"#\" (lines %2).")
                               .arg(n)
                               .arg(lineRanges(m_tally.examples(SkipReason::Comment), n));
    if (const qint64 n = m_tally.count(SkipReason::Footer))
        m_info.warnings << QStringLiteral("Left out %1 footer line(s) at the end of the table (lines %2): "
                                          "they do not fit its columns.")
                               .arg(n)
                               .arg(lineRanges(m_tally.examples(SkipReason::Footer), n));
    if (!m_info.moreTablesAt.isEmpty())
        m_info.warnings << QStringLiteral("More tables follow this one, from %1; only the first was read "
                                          "(%2 line(s) left out).")
                               .arg(lineSeries(m_info.moreTablesAt))
                               .arg(m_tally.count(SkipReason::AfterTable));
    m_info.skipped = m_tally.summaries();
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
