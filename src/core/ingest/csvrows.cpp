#include "ingest/csvreaderimpl.h"

#include <algorithm>
#include <cstring>

// Streaming the table's rows: see the note at the top of csvreader.cpp for rows that do not fit.

namespace finpipe::ingest::csvdetail {

namespace {

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

} // namespace

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
        // A one-field title held after a blank line ("Dividends") belongs to the gap.
        m_afterBlank = m_afterBlank && !m_held.empty() && m_held.back().kind == Held::Kind::Record
                       && m_held.back().line == line && m_held.back().width <= 1;
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
    // Only the first `fieldCount` cells are parsed and later copied: a new row's cells are blank.
    if (m_rowScratch.size() < fieldCount)
        m_rowScratch.resize(fieldCount);
    const std::string_view stored = batch.store(record);
    for (size_t i = 0; i < fieldCount; ++i) {
        const csv::FieldSpan &f = fields[i];
        const std::string_view text = f.unescape
                                          ? batch.store(csv::fieldText(record, f, m_dialect.quote, m_scratch))
                                          : std::string_view(stored.data() + f.begin, f.end - f.begin);
        Value &v = m_rowScratch[i];
        v = Value{};
        if (!parseCell(v, text, m_state[i], line, strict))
            return false;
    }
    return true;
}

void CsvReader::commitRow(RowBatch &batch, qint64 line, size_t fieldCount)
{
    Value *row = batch.appendRow(line);
    std::copy(m_rowScratch.begin(), m_rowScratch.begin() + std::ptrdiff_t(fieldCount), row);
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
    if (fit == Fit::Row && m_afterBlank && columns >= 2) {
        // After a blank line, a record with content in at most half the columns and no date or
        // number in them ("Total rows: 1441,,,,") is held: a footer unless rows that fit follow.
        const size_t filled = contentWidth(record, m_fields, m_fields.size());
        if (filled * 2 <= columns
            && std::none_of(m_rowScratch.begin(), m_rowScratch.begin() + std::ptrdiff_t(fieldCount),
                            [](const Value &v) { return !v.isBlank() && v.kind != Value::Kind::Text; }))
            fit = Fit::Short;
    }
    if (width == 0 && (fit != Fit::Row || !m_held.empty()))
        width = contentWidth(record, m_fields, fieldCount);

    // The last held record may be the header of a further table: this record confirms it when it
    // is a row of that header's width that does not fit this table (or, for a header after a blank
    // line and of another width, one exactly as wide as it).
    if (fit == Fit::Row && m_held.empty()) { // the common case
        commitRow(batch, line, fieldCount);
        m_runIsRows = false;
        return 1;
    }
    auto lastRecord = std::find_if(m_held.rbegin(), m_held.rend(),
                                   [](const Held &h) { return h.kind == Held::Kind::Record; });
    if (lastRecord != m_held.rend() && lastRecord->startsTable && width > 0 && width <= lastRecord->width
        && tables::fitsWidth(width, m_fields.size(), lastRecord->width)
        && (fit != Fit::Row
            || (lastRecord->afterBlank && lastRecord->width != columns && width == lastRecord->width))
        && tables::headsRowsLike(lastRecord->values, fieldsOf(record))) {
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
    size_t heldBytes = 0;
    for (const Held &h : m_held)
        heldBytes += h.text.size() + h.fields.size() * sizeof(csv::FieldSpan);
    if (m_held.size() > tables::kMaxMisfitRun || heldBytes > kMaxHeldBytes) {
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
    h.afterBlank = m_afterBlank;
    if (width >= 2 && (width != size_t(m_columnCount) || m_afterBlank)) {
        tables::Fields values = fieldsOf(record);
        if (tables::mayHeadTable(values)) {
            h.startsTable = true;
            h.values = std::move(values);
        }
    }
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
    // What was held before the further table are the table's footers, except one-field titles
    // between a blank line and it ("Dividends"), which belong to the next table.
    size_t titles = std::min(heldFrom, m_held.size());
    while (titles > 0 && m_held[titles - 1].kind == Held::Kind::Record && m_held[titles - 1].width <= 1)
        --titles;
    const bool afterBlank = titles > 0 ? m_held[titles - 1].kind == Held::Kind::Blank
                                       : !m_held.empty() && m_held.front().afterBlank;
    if (!afterBlank)
        titles = std::min(heldFrom, m_held.size());
    releaseHeldAsFooters(batch, titles);
    m_afterTable = true;
    if (heldFrom < m_held.size()) {
        // The head's further tables are listed already; this one may come before them.
        const qint64 start = m_held[heldFrom].line;
        const auto at = std::lower_bound(m_info.moreTablesAt.begin(), m_info.moreTablesAt.end(), start);
        if (at == m_info.moreTablesAt.end() || *at != start)
            m_info.moreTablesAt.insert(at, start);
        m_otherWidth = m_held[heldFrom].width;
    }
    for (size_t i = titles; i < m_held.size(); ++i)
        m_tally.add(batch, m_held[i].line, SkipReason::AfterTable);
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
        const tables::Fields row = fieldsOf(record);
        if (width <= m_candidateWidth && tables::fitsWidth(width, m_fields.size(), m_candidateWidth)
            && (m_candidateSure || !tables::looksLikeHeader(row)) && tables::headsRowsLike(m_candidate, row)
            && m_info.moreTablesAt.size() < 1000)
            m_info.moreTablesAt << m_candidateLine;
        m_candidateLine = 0;
    }
    if (width >= 2 && (m_otherAfterBlank || width != m_otherWidth)) {
        tables::Fields values = fieldsOf(record);
        if (tables::mayHeadTable(values)) {
            m_candidateLine = line;
            m_candidateWidth = width;
            m_candidate = std::move(values);
            // After a blank line and of a new width, rows of text confirm it too.
            m_candidateSure = m_otherAfterBlank && width != m_otherWidth;
        }
    }
    m_otherWidth = width;
    m_otherAfterBlank = m_otherAfterBlank && width <= 1;
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

} // namespace finpipe::ingest::csvdetail
