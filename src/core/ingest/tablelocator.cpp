#include "tablelocator.h"

#include "ingest/valueparser.h"

#include <algorithm>
#include <cstdint>
#include <tuple>

namespace finpipe::ingest::tables {

namespace {

enum class Cell : std::uint8_t { Blank, Typed, Text };

//! A cell's class whichever decimal mark the file uses: "63,86" and "1.234,5" are numbers too.
Cell classOf(const std::string &s)
{
    if (values::trim(s).empty())
        return Cell::Blank;
    const Value::Kind a = values::classify(s, false);
    if (a == Value::Kind::Blank)
        return Cell::Blank;
    if (a != Value::Kind::Text)
        return Cell::Typed;
    return values::classify(s, true) == Value::Kind::Text ? Cell::Text : Cell::Typed;
}

//! What the locator knows about each record, computed once.
struct RecordFacts {
    size_t width = 0;
    size_t fields = 0;
    bool comment = false;
    bool header = false;
    //! The first field ends with ':' ("Account name:"), as in a list of keys and values.
    bool colonKey = false;
    size_t textCells = 0, typedCells = 0;
    std::vector<Cell> cells; // up to `width`
};

//! Per-column evidence of the rows taken into a table so far.
struct ColumnEvidence {
    std::vector<std::uint32_t> typed, text;
    void reset(size_t columns)
    {
        typed.assign(columns, 0);
        text.assign(columns, 0);
    }
    void add(const RecordFacts &r)
    {
        for (size_t c = 0; c < r.cells.size() && c < typed.size(); ++c) {
            if (r.cells[c] == Cell::Typed)
                ++typed[c];
            else if (r.cells[c] == Cell::Text)
                ++text[c];
        }
    }
    //! The record has numbers or dates where the rows so far hold only text.
    bool contrasts(const RecordFacts &r) const
    {
        for (size_t c = 0; c < r.cells.size() && c < typed.size(); ++c)
            if (r.cells[c] == Cell::Typed && text[c] > 0 && typed[c] == 0)
                return true;
        return false;
    }
    //! The record has text where the rows so far hold only numbers or dates.
    bool clashes(const RecordFacts &r) const
    {
        for (size_t c = 0; c < r.cells.size() && c < typed.size(); ++c)
            if (r.cells[c] == Cell::Text && typed[c] > 0 && text[c] == 0)
                return true;
        return false;
    }
};

//! Text in `a` where `b` has a number or date: `a` reads as the header of rows like `b`.
bool headsRow(const RecordFacts &a, const RecordFacts &b)
{
    for (size_t c = 0; c < a.cells.size() && c < b.cells.size(); ++c)
        if (a.cells[c] == Cell::Text && b.cells[c] == Cell::Typed)
            return true;
    return false;
}

//! `a` could head a table: mostly text ("I,DISPATCH,PRICE,4,SETTLEMENTDATE,...").
bool mayHead(const RecordFacts &a)
{
    return a.header || (a.textCells >= 2 && a.textCells > a.typedCells);
}

//! `a` reads as the header of rows like `b`: header-like, or mostly text with text over b's
//! numbers or dates.
bool headerOver(const RecordFacts &a, const RecordFacts &b)
{
    return a.header || (mayHead(a) && headsRow(a, b));
}

RecordFacts factsOf(const Fields &r)
{
    RecordFacts f;
    f.width = effectiveWidth(r);
    f.fields = r.size();
    f.cells.reserve(std::min(f.width, kMaxColumns + 1));
    for (size_t c = 0; c < f.width && c <= kMaxColumns; ++c) {
        f.cells.push_back(classOf(r[c]));
        f.textCells += f.cells.back() == Cell::Text ? 1 : 0;
        f.typedCells += f.cells.back() == Cell::Typed ? 1 : 0;
    }
    // As looksLikeHeader(), from the classes already known.
    f.header = f.textCells > 0 && f.typedCells == 0 && f.textCells * 2 >= f.width;
    return f;
}

class Locator
{
public:
    explicit Locator(const std::vector<Fields> &records)
    {
        m_facts.reserve(records.size());
        for (const Fields &r : records) {
            RecordFacts f = factsOf(r);
            f.comment = isCommentRecord(r);
            if (!r.empty()) {
                const std::string_view key = values::trim(r.front());
                f.colonKey = !key.empty() && key.back() == ':';
            }
            m_facts.push_back(std::move(f));
        }
    }

    TableLocation run(bool comments)
    {
        m_comments = comments;
        std::vector<TableLocation> found;
        std::ptrdiff_t prev = -1;
        bool gap = false;
        bool forced = false;
        for (size_t h = 0; h < m_facts.size(); ++h) {
            if (skipped(h)) {
                gap = true;
                continue;
            }
            const RecordFacts &r = m_facts[h];
            // A block starts where the width changes, after a gap, or where text follows data.
            bool candidate = forced || prev < 0 || gap || m_facts[size_t(prev)].width != r.width
                             || (r.header && !m_facts[size_t(prev)].header);
            if (!candidate && mayHead(r)) {
                // Mostly text over numbers or dates: a header of record-type rows ("I,...").
                const std::ptrdiff_t n1 = nextRecord(h);
                candidate = n1 >= 0 && headsRow(r, m_facts[size_t(n1)]);
            }
            forced = false;
            if (candidate && mayHead(r)) {
                // Of header-like records stacked over data, the last one is the header: the ones
                // above it are titles.
                const std::ptrdiff_t n1 = nextRecord(h);
                // (Unless the record heads those rows as well, at the same width: then the one
                // below is its first row, with text where numbers are expected.)
                if (n1 >= 0 && mayHead(m_facts[size_t(n1)])) {
                    const std::ptrdiff_t n2 = nextRecord(size_t(n1));
                    if (n2 >= 0 && !mayHead(m_facts[size_t(n2)])
                        && headsRow(m_facts[size_t(n1)], m_facts[size_t(n2)])
                        && (r.width != m_facts[size_t(n1)].width || !headsRow(r, m_facts[size_t(n2)]))) {
                        candidate = false;
                        forced = true;
                    }
                }
            }
            // A data row of odd width inside the block before it starts no better block (and
            // skipping it keeps ragged heads from costing a block per record).
            if (candidate && !r.header && !found.empty() && h < found.back().end && r.width <= found.back().width)
                candidate = false;
            prev = std::ptrdiff_t(h);
            gap = false;
            if (candidate)
                found.push_back(extend(h));
        }
        if (found.empty())
            return {};
        // The best: a block with rows, not a "key: value" list, headed by its first record,
        // widest times longest.
        auto rank = [](const TableLocation &t) {
            return std::make_tuple(t.bodyRows > 0, !t.keyValue, t.headsBody,
                                   std::min(t.width, kMaxColumns + 1) * (t.bodyRows + 1), t.headerLike);
        };
        size_t best = 0;
        for (size_t i = 1; i < found.size(); ++i)
            if (rank(found[i]) > rank(found[best]))
                best = i;
        // Several tables one after another: the first is read, unless it is much narrower than the
        // best (then it is a metadata block).
        for (size_t i = 0; i < best; ++i) {
            const TableLocation &t = found[i];
            if (t.typedUnderHeader && !t.keyValue && !t.moreTables.empty() && t.bodyRows >= 2 && t.width >= 2
                && t.width * 2 >= found[best].width) {
                best = i;
                break;
            }
        }
        return found[best];
    }

    bool skipped(size_t i) const { return m_facts[i].width == 0 || (m_comments && m_facts[i].comment); }

    std::ptrdiff_t nextRecord(size_t i) const
    {
        for (size_t j = i + 1; j < m_facts.size(); ++j)
            if (!skipped(j))
                return std::ptrdiff_t(j);
        return -1;
    }

    bool fits(size_t i, size_t columns) const
    {
        return fitsWidth(m_facts[i].width, m_facts[i].fields, columns);
    }

    //! The table whose first record is `h`: its rows up to the first further table or a long run
    //! of records that do not fit, less the footers at its end.
    TableLocation extend(size_t h)
    {
        TableLocation t;
        t.found = true;
        t.first = h;
        t.width = m_facts[h].width;
        t.headerLike = m_facts[h].header;
        if (t.headerLike) {
            // A header may name fewer columns than its rows fill (a last column left unnamed).
            const std::ptrdiff_t n1 = nextRecord(h);
            if (n1 >= 0 && !m_facts[size_t(n1)].header && m_facts[size_t(n1)].width > t.width
                && m_facts[size_t(n1)].width <= t.width * 2)
                t.width = m_facts[size_t(n1)].width;
        }
        const size_t w = t.width;
        ColumnEvidence evidence;
        evidence.reset(std::min(w, kMaxColumns + 1));
        if (!t.headerLike)
            evidence.add(m_facts[h]);
        std::vector<size_t> body;
        // Records that do not fit (by width, or text in a number or date column) are held: rows
        // that fit after them make them rows of the table; at its end they are footers.
        std::vector<size_t> held;
        bool afterBlank = false;
        std::ptrdiff_t nextTable = -1;
        for (size_t j = h + 1; j < m_facts.size(); ++j) {
            if (m_facts[j].width == 0) {
                afterBlank = true;
                continue;
            }
            if (m_comments && m_facts[j].comment)
                continue;
            if (!body.empty() && startsTable(j, w, afterBlank, evidence)) {
                nextTable = std::ptrdiff_t(j);
                break;
            }
            if (fits(j, w) && !evidence.clashes(m_facts[j])) {
                afterBlank = false;
                for (size_t k : held)
                    if (fits(k, w)) {
                        body.push_back(k);
                        evidence.add(m_facts[k]);
                    }
                held.clear();
                body.push_back(j);
                evidence.add(m_facts[j]);
            } else {
                // A one-field title after a blank line ("Dividends") belongs to the gap.
                afterBlank = afterBlank && m_facts[j].width <= 1;
                held.push_back(j);
                if (held.size() > kMaxMisfitRun)
                    break;
            }
        }
        t.bodyRows = body.size();
        t.typedUnderHeader = !body.empty() && headsRow(m_facts[h], m_facts[body.front()]);
        t.headsBody = t.headerLike || (!body.empty() && headerOver(m_facts[h], m_facts[body.front()]));
        size_t keys = m_facts[h].colonKey ? 1 : 0;
        for (size_t i : body)
            keys += m_facts[i].colonKey ? 1 : 0;
        t.keyValue = keys * 2 >= body.size() + 1;
        t.end = body.empty() ? h + 1 : body.back() + 1;
        if (nextTable >= 0)
            findMoreTables(size_t(nextTable), t.moreTables);
        return t;
    }

    //! Whether record `j` (header-like, after a blank line or of another width) starts a table of
    //! its own: the next record is a row of its width that does not fit the current table.
    bool startsTable(size_t j, size_t w, bool afterBlank, const ColumnEvidence &evidence) const
    {
        const RecordFacts &r = m_facts[j];
        if (!mayHead(r) || r.width < 2)
            return false;
        const bool clash = evidence.clashes(r);
        const std::ptrdiff_t k = nextRecord(j);
        if (k < 0)
            return false;
        const RecordFacts &x = m_facts[size_t(k)];
        if (!fits(size_t(k), r.width) || x.width > r.width || !headerOver(r, x))
            return false;
        if (r.width == w) // a new header after a blank line, over rows of its own
            return afterBlank && (clash || headsRow(r, x)) && (evidence.clashes(x) || headsRow(r, x));
        if (!(afterBlank || r.width > w || clash || !fits(j, w)))
            return false;
        return afterBlank || !fits(size_t(k), w) || evidence.clashes(x) || evidence.contrasts(x);
    }

    //! Further tables from `start` on: header-like records after a blank line or a change of width,
    //! followed by a row of their width that is not header-like.
    void findMoreTables(size_t start, std::vector<size_t> &out) const
    {
        out.push_back(start);
        size_t w = m_facts[start].width;
        bool afterBlank = false;
        for (size_t j = start + 1; j < m_facts.size(); ++j) {
            const RecordFacts &r = m_facts[j];
            if (r.width == 0) {
                afterBlank = true;
                continue;
            }
            if (m_comments && r.comment)
                continue;
            if (mayHead(r) && r.width >= 2 && (afterBlank || r.width != w)) {
                const std::ptrdiff_t k = nextRecord(j);
                if (k >= 0 && fits(size_t(k), r.width) && m_facts[size_t(k)].width <= r.width
                    && headerOver(r, m_facts[size_t(k)])
                    && (!m_facts[size_t(k)].header || (afterBlank && r.width != w))) {
                    out.push_back(j);
                    w = r.width;
                }
            } else if (!mayHead(r)) {
                w = r.width;
            }
            afterBlank = afterBlank && r.width <= 1;
        }
    }

    //! A '#' record inside the table that fits it like a row: then '#' starts data, not comments.
    bool commentInside(const TableLocation &t) const
    {
        for (size_t i = t.first; i < t.end; ++i)
            if (m_facts[i].comment && fits(i, t.width))
                return true;
        return false;
    }

    bool commentAbove(const TableLocation &t) const
    {
        for (size_t i = 0; i < t.first; ++i)
            if (m_facts[i].comment && m_facts[i].width > 0)
                return true;
        return false;
    }

private:
    std::vector<RecordFacts> m_facts;
    bool m_comments = false;
};

} // namespace

size_t effectiveWidth(const Fields &record)
{
    size_t w = record.size();
    while (w > 0 && values::trim(record[w - 1]).empty())
        --w;
    return w;
}

bool isCommentRecord(const Fields &record)
{
    if (record.empty())
        return false;
    const std::string_view first = values::trim(record.front());
    return !first.empty() && first.front() == '#';
}

bool looksLikeHeader(const Fields &record)
{
    const size_t width = effectiveWidth(record);
    if (width == 0)
        return false;
    size_t filled = 0;
    for (size_t c = 0; c < width; ++c) {
        switch (classOf(record[c])) {
        case Cell::Typed: return false;
        case Cell::Text: ++filled; break;
        case Cell::Blank: break;
        }
    }
    return filled * 2 >= width;
}

bool mayHeadTable(const Fields &record)
{
    return mayHead(factsOf(record));
}

bool headsRowsLike(const Fields &record, const Fields &row)
{
    return headerOver(factsOf(record), factsOf(row));
}

bool fitsWidth(size_t width, size_t fieldCount, size_t columns)
{
    return width <= columns && (fieldCount >= columns || width * 2 > columns);
}

TableLocation locateTable(const std::vector<Fields> &records)
{
    Locator locator(records);
    TableLocation withComments = locator.run(true);
    if (withComments.found && locator.commentAbove(withComments) && !locator.commentInside(withComments)) {
        withComments.commentsUsed = true;
        return withComments;
    }
    return locator.run(false);
}

} // namespace finpipe::ingest::tables
