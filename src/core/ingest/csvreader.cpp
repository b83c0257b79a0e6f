#include "csvreader.h"

#include "ingest/csvreaderimpl.h"

#include <QFileInfo>
#include <QHash>
#include <QSet>

#include <algorithm>
#include <cstdint>
#include <cstring>
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

namespace csvdetail {

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
    const bool headIsWholeFile =
        m_rawEof && size_t(std::count_if(headRecords.begin(), headRecords.end(), [](const csv::SampleRecord &r) {
            return tables::effectiveWidth(r.fields) > 0;
        })) < kHeadRecords;
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

} // namespace csvdetail

Result<std::unique_ptr<TableReader>> openCsv(const QString &path, const ReadOptions &options)
{
    auto reader = std::make_unique<csvdetail::CsvReader>(path, options);
    if (auto r = reader->open(); !r)
        return r.error();
    return std::unique_ptr<TableReader>(std::move(reader));
}

} // namespace finpipe::ingest

