#include "xlsxsheet.h"

#include "ingest/xlsxparts.h"

#include <cstring>

namespace finpipe::ingest {

QString columnLetters(int column)
{
    QString s;
    for (int c = column + 1; c > 0; c = (c - 1) / 26)
        s.prepend(QChar(u'A' + (c - 1) % 26));
    return s;
}

QString cellName(int column, qint64 row)
{
    return columnLetters(column) + QString::number(row);
}

CellRef parseCellRef(QStringView s)
{
    CellRef ref;
    qsizetype i = 0;
    const qsizetype n = s.size();
    if (i < n && s[i] == u'$')
        ++i;
    qint64 column = 0;
    bool letters = false;
    for (; i < n; ++i) {
        const char16_t c = s[i].unicode();
        const int letter = c >= u'A' && c <= u'Z' ? c - u'A' : c >= u'a' && c <= u'z' ? c - u'a' : -1;
        if (letter < 0)
            break;
        letters = true;
        column = std::min<qint64>(column * 26 + letter + 1, qint64(1) << 40);
    }
    if (i < n && s[i] == u'$')
        ++i;
    qint64 row = 0;
    bool digits = false;
    for (; i < n; ++i) {
        const char16_t c = s[i].unicode();
        if (c < u'0' || c > u'9')
            break;
        digits = true;
        row = std::min<qint64>(row * 10 + (c - u'0'), qint64(1) << 40);
    }
    ref.valid = i == n && (letters || digits);
    ref.beyondGrid = column > kExcelMaxColumns || row > kExcelMaxRows;
    ref.column = letters ? int(std::min<qint64>(column, kExcelMaxColumns + 1) - 1) : -1;
    ref.row = digits ? std::min(row, kExcelMaxRows + 1) : 0;
    return ref;
}

CellRef parseCellRef(std::string_view s)
{
    // References are ASCII; widen and reuse the one parser.
    char16_t buf[64];
    const size_t n = std::min<size_t>(s.size(), 64);
    for (size_t i = 0; i < n; ++i)
        buf[i] = char16_t(static_cast<unsigned char>(s[i]));
    CellRef ref = parseCellRef(QStringView(buf, qsizetype(n)));
    if (s.size() > n)
        ref.valid = false;
    return ref;
}

namespace {

constexpr size_t kChunk = 256 * 1024;
//! Longest tag or text run accepted: Excel caps a cell at 32,767 characters.
constexpr size_t kMaxToken = 16 * 1024 * 1024;
//! Bytes of a cell's text kept while reading: more than 32,767 characters of UTF-8 always, so that
//! the cut to Excel's limit happens at the cell's end; what comes after is dropped unread.
constexpr size_t kMaxCellBytes = 4 * size_t(kExcelMaxCellChars) + 4;

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

//! The local part of an element or attribute name ("x:c" -> "c").
std::string_view localName(std::string_view qname)
{
    const size_t colon = qname.find(':');
    return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

//! Calls f(localName, rawValue) for each attribute of a tag's inside ("c r=\"A1\" t=\"s\"").
template <typename F>
void forEachAttribute(std::string_view tag, F &&f)
{
    size_t i = 0;
    while (i < tag.size() && !isSpace(tag[i]) && tag[i] != '/')
        ++i; // the element name
    for (;;) {
        while (i < tag.size() && isSpace(tag[i]))
            ++i;
        const size_t nameStart = i;
        while (i < tag.size() && tag[i] != '=' && !isSpace(tag[i]) && tag[i] != '/')
            ++i;
        if (i >= tag.size() || nameStart == i)
            return;
        const std::string_view name = tag.substr(nameStart, i - nameStart);
        while (i < tag.size() && isSpace(tag[i]))
            ++i;
        if (i >= tag.size() || tag[i] != '=')
            return;
        ++i;
        while (i < tag.size() && isSpace(tag[i]))
            ++i;
        if (i >= tag.size() || (tag[i] != '"' && tag[i] != '\''))
            return;
        const char quote = tag[i++];
        const size_t valueStart = i;
        while (i < tag.size() && tag[i] != quote)
            ++i;
        f(localName(name), tag.substr(valueStart, i - valueStart));
        ++i;
    }
}

void appendUtf8(std::string &out, char32_t cp)
{
    if (cp < 0x80) {
        out.push_back(char(cp));
    } else if (cp < 0x800) {
        out.push_back(char(0xC0 | (cp >> 6)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(char(0xE0 | (cp >> 12)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(char(0xF0 | (cp >> 18)));
        out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    }
}

//! Appends XML character data with the predefined and numeric entities decoded. Returns false
//! when it met an '&' that starts no entity XML defines (kept as written).
bool appendText(std::string &out, std::string_view s)
{
    bool known = true;
    for (;;) {
        const size_t amp = s.find('&');
        out.append(s.substr(0, amp));
        if (amp == std::string_view::npos)
            return known;
        s.remove_prefix(amp);
        const size_t semi = s.find(';');
        const std::string_view e = semi != std::string_view::npos && semi <= 12 ? s.substr(1, semi - 1) : std::string_view();
        bool done = true;
        if (e == "lt") out.push_back('<');
        else if (e == "gt") out.push_back('>');
        else if (e == "amp") out.push_back('&');
        else if (e == "quot") out.push_back('"');
        else if (e == "apos") out.push_back('\'');
        else if (e.size() > 1 && e[0] == '#') {
            char32_t cp = 0;
            const bool hex = e[1] == 'x' || e[1] == 'X';
            for (size_t i = hex ? 2 : 1; i < e.size() && done; ++i) {
                const char c = e[i];
                const int d = c >= '0' && c <= '9' ? c - '0'
                    : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                done = d >= 0 && cp < 0x110000;
                cp = cp * (hex ? 16 : 10) + char32_t(d);
            }
            done = done && cp > 0 && cp < 0x110000;
            if (done)
                appendUtf8(out, cp);
        } else {
            done = false;
        }
        if (done) {
            s.remove_prefix(semi + 1);
        } else {
            out.push_back('&'); // not an entity we know: keep it as written
            s.remove_prefix(1);
            known = false;
        }
    }
}

} // namespace

bool TableBoundary::isText(const RawCell &cell)
{
    return cell.type == RawCell::Type::SharedString || cell.type == RawCell::Type::InlineString
        || cell.type == RawCell::Type::FormulaString;
}

void TableBoundary::add(const RawRow &row)
{
    for (int i = 0; i < row.count; ++i) {
        const RawCell &cell = row.cells[size_t(i)];
        if (cell.type == RawCell::Type::Error || m_blank(m_context, cell))
            continue;
        if (size_t(cell.column) >= m_columns.size())
            m_columns.resize(size_t(cell.column) + 1, 0);
        m_columns[size_t(cell.column)] |= isText(cell) ? Text : Typed;
    }
}

bool TableBoundary::startsAnotherTable(const RawRow &row) const
{
    int words = 0;
    bool overTyped = false;
    for (int i = 0; i < row.count; ++i) {
        const RawCell &cell = row.cells[size_t(i)];
        if (m_blank(m_context, cell))
            continue;
        if (!isText(cell))
            return false;
        ++words;
        overTyped = overTyped
            || (size_t(cell.column) < m_columns.size() && m_columns[size_t(cell.column)] == Typed);
    }
    return words >= 2 && overTyped;
}

SheetScanner::SheetScanner(std::unique_ptr<ZipEntryStream> stream, QString fileName, QString sheetName,
                           qint64 maxCells)
    : m_stream(std::move(stream)),
      m_fileName(std::move(fileName)),
      m_sheetName(std::move(sheetName)),
      m_maxCells(maxCells)
{
}

Error SheetScanner::damaged(const QString &detail) const
{
    const QString where = m_lastRow > 0 ? QStringLiteral(" near row %1").arg(m_lastRow) : QString();
    return Error::make(Error::Code::Corrupt,
                       QStringLiteral("Sheet \"%1\" in \"%2\" is damaged: its contents could not be read%3. "
                                      "Open the file in Excel to repair it, or get a fresh copy.")
                           .arg(m_sheetName, m_fileName, where),
                       detail);
}

Error SheetScanner::beyondGrid(const QString &what) const
{
    return Error::make(Error::Code::TooLarge,
                       QStringLiteral("Sheet \"%1\" in \"%2\" refers to %3, beyond Excel's limit of "
                                      "1,048,576 rows and 16,384 columns (column XFD). The file is damaged "
                                      "or was not made by a spreadsheet program.")
                           .arg(m_sheetName, m_fileName, what.left(50)));
}

Result<void> SheetScanner::startRow(RawRow &row, std::string_view tag)
{
    qint64 number = m_lastRow + 1;
    bool bad = false;
    forEachAttribute(tag, [&](std::string_view name, std::string_view value) {
        if (name != "r")
            return;
        qint64 n = 0;
        for (char c : value) {
            if (c < '0' || c > '9' || n > kExcelMaxRows * 10) {
                bad = c < '0' || c > '9';
                break;
            }
            n = n * 10 + (c - '0');
        }
        bad = bad || n < 1;
        number = n;
    });
    if (bad)
        return damaged(QStringLiteral("a row number is not a number"));
    if (number > kExcelMaxRows)
        return beyondGrid(QStringLiteral("row %1").arg(number));
    row.number = number;
    row.count = 0;
    m_lastRow = number;
    m_lastColumn = -1;
    m_inRow = true;
    return {};
}

Result<void> SheetScanner::startCell(RawRow &row, std::string_view tag)
{
    if (++m_cells > m_maxCells)
        return Error::make(Error::Code::TooLarge,
                           QStringLiteral("Sheet \"%1\" in \"%2\" has more than %3 cells, over finpipe's "
                                          "safety limit. Split the data into smaller files.")
                               .arg(m_sheetName, m_fileName)
                               .arg(m_maxCells));
    std::string_view r, t, style;
    forEachAttribute(tag, [&](std::string_view name, std::string_view value) {
        if (name == "r")
            r = value;
        else if (name == "t")
            t = value;
        else if (name == "s")
            style = value;
    });
    int column = m_lastColumn + 1;
    if (!r.empty()) {
        const CellRef ref = parseCellRef(r);
        if (ref.beyondGrid)
            return beyondGrid(QStringLiteral("cell ") + QString::fromUtf8(r.data(), qsizetype(std::min<size_t>(r.size(), 40))));
        if (!ref.valid || ref.column < 0 || ref.row < 1)
            return damaged(QStringLiteral("cell reference \"%1\" names no cell")
                               .arg(QString::fromUtf8(r.data(), qsizetype(std::min<size_t>(r.size(), 40)))));
        column = ref.column;
    }
    // Cells come left to right; one that repeats a position would overwrite another cell.
    if (column <= m_lastColumn)
        return damaged(QStringLiteral("cell %1 comes again, or out of order, after %2")
                           .arg(cellName(column, m_lastRow), cellName(m_lastColumn, m_lastRow)));
    if (column >= kExcelMaxColumns)
        return beyondGrid(QStringLiteral("cell ") + cellName(column, m_lastRow));
    m_lastColumn = column;

    if (size_t(row.count) == row.cells.size())
        row.cells.emplace_back();
    RawCell &cell = row.cells[size_t(row.count++)];
    cell.column = column;
    cell.value.clear();
    cell.truncated = false;
    cell.unknownEntity = false;
    cell.style = 0;
    for (char c : style) {
        if (c < '0' || c > '9' || cell.style > 10'000'000)
            break;
        cell.style = cell.style * 10 + (c - '0');
    }
    if (t.empty() || t == "n")
        cell.type = RawCell::Type::Number;
    else if (t == "s")
        cell.type = RawCell::Type::SharedString;
    else if (t == "inlineStr")
        cell.type = RawCell::Type::InlineString;
    else if (t == "str")
        cell.type = RawCell::Type::FormulaString;
    else if (t == "b")
        cell.type = RawCell::Type::Boolean;
    else if (t == "e")
        cell.type = RawCell::Type::Error;
    else if (t == "d")
        cell.type = RawCell::Type::IsoDate;
    else
        return damaged(QStringLiteral("cell %1 has unknown type \"%2\"")
                           .arg(cellName(column, m_lastRow), QString::fromUtf8(t.data(), qsizetype(std::min<size_t>(t.size(), 20)))));
    m_cell = &cell;
    return {};
}

Result<void> SheetScanner::startElement(RawRow &row, std::string_view name, std::string_view tag)
{
    if (m_inRow) {
        if (name == "c")
            return startCell(row, tag);
        if (m_cell && name == "v")
            m_capture = true;
        else if (m_cell && name == "is")
            m_inInline = true;
        else if (m_inInline && name == "rPh")
            m_inPhonetic = true; // phonetic guides are not part of the text
        else if (m_inInline && !m_inPhonetic && name == "t")
            m_capture = true;
    } else if (m_inData) {
        if (name == "row")
            return startRow(row, tag);
    } else if (name == "sheetData") {
        m_inData = true;
    } else if (name == "dimension") {
        forEachAttribute(tag, [&](std::string_view n, std::string_view value) {
            if (n == "ref")
                m_dimension = QString::fromUtf8(value.data(), qsizetype(value.size()));
        });
    }
    return {};
}

SheetScanner::Step SheetScanner::endElement(std::string_view name)
{
    if (name == "v" || name == "t") {
        m_capture = false;
    } else if (name == "rPh") {
        m_inPhonetic = false;
    } else if (name == "is") {
        m_inInline = false;
    } else if (name == "c") {
        if (m_cell && truncateToExcelCell(m_cell->value))
            m_cell->truncated = true;
        m_cell = nullptr;
        m_capture = false;
    } else if (m_inRow && name == "row") {
        m_inRow = false;
        m_cell = nullptr;
        return Step::RowDone;
    } else if (name == "sheetData" || name == "worksheet") {
        m_done = true;
        return Step::SheetDone;
    }
    return Step::Continue;
}

Result<bool> SheetScanner::refill()
{
    if (m_eof)
        return false;
    if (m_pos > 0) {
        m_buf.erase(0, m_pos);
        m_pos = 0;
    }
    const size_t old = m_buf.size();
    m_buf.resize(old + kChunk);
    auto n = m_stream->read(m_buf.data() + old, qint64(kChunk));
    if (!n) {
        m_buf.resize(old);
        return n.error();
    }
    m_buf.resize(old + size_t(*n));
    if (*n == 0) {
        m_eof = true;
        return false;
    }
    if (!m_started && m_buf.size() >= 3) {
        m_started = true;
        if (m_buf.compare(0, 3, "\xEF\xBB\xBF") == 0)
            m_pos = 3;
        else if (m_buf.compare(0, 2, "\xFF\xFE") == 0 || m_buf.compare(0, 2, "\xFE\xFF") == 0)
            return damaged(QStringLiteral("UTF-16 worksheets are not supported"));
    }
    return true;
}

Result<bool> SheetScanner::next(RawRow &row)
{
    if (m_done)
        return false;
    // Needs more bytes to finish the current token: read on, or fail if the sheet has ended.
    auto needMore = [&](size_t have) -> Result<void> {
        if (have > kMaxToken)
            return damaged(QStringLiteral("a tag or text longer than %1 bytes").arg(kMaxToken));
        auto more = refill();
        if (!more)
            return more.error();
        if (!*more)
            return damaged(QStringLiteral("the sheet ends early"));
        return {};
    };
    for (;;) {
        if (m_pos >= m_buf.size()) {
            auto more = refill();
            if (!more)
                return more.error();
            if (!*more)
                return damaged(QStringLiteral("the sheet ends early"));
            continue;
        }
        const char *p = m_buf.data() + m_pos;
        const size_t avail = m_buf.size() - m_pos;
        if (*p != '<') {
            const void *lt = std::memchr(p, '<', avail);
            if (!lt) {
                if (auto r = needMore(avail); !r.ok())
                    return r.error();
                continue;
            }
            const size_t len = size_t(static_cast<const char *>(lt) - p);
            if (m_capture && m_cell) {
                if (m_cell->value.size() < kMaxCellBytes)
                    m_cell->unknownEntity = !appendText(m_cell->value, {p, len}) || m_cell->unknownEntity;
                else
                    m_cell->truncated = true;
            }
            m_pos += len;
            continue;
        }
        const std::string_view rest(p, avail);
        if (avail < 9 && !m_eof) {
            if (auto r = needMore(avail); !r.ok())
                return r.error();
            continue;
        }
        if (rest.substr(0, 4) == "<!--" || rest.substr(0, 9) == "<![CDATA[" || rest.substr(0, 2) == "<?"
            || rest.substr(0, 2) == "<!") {
            const bool comment = rest.substr(0, 4) == "<!--";
            const bool cdata = rest.substr(0, 9) == "<![CDATA[";
            const std::string_view close = comment ? "-->" : cdata ? "]]>" : rest[1] == '?' ? "?>" : ">";
            const size_t end = rest.find(close, comment ? 4 : cdata ? 9 : 2);
            if (end == std::string_view::npos) {
                if (auto r = needMore(avail); !r.ok())
                    return r.error();
                continue;
            }
            if (cdata && m_capture && m_cell) {
                if (m_cell->value.size() < kMaxCellBytes)
                    m_cell->value.append(rest.substr(9, std::min(end - 9, kMaxCellBytes)));
                else
                    m_cell->truncated = true;
            }
            m_pos += end + close.size();
            continue;
        }
        // An element tag; '>' may appear inside quoted attribute values.
        size_t end = 1;
        char quote = 0;
        for (; end < avail; ++end) {
            const char c = p[end];
            if (quote) {
                if (c == quote)
                    quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>') {
                break;
            }
        }
        if (end >= avail) {
            if (auto r = needMore(avail); !r.ok())
                return r.error();
            continue;
        }
        std::string_view tag(p + 1, end - 1);
        m_pos += end + 1;
        const bool closing = !tag.empty() && tag.front() == '/';
        const bool empty = !closing && !tag.empty() && tag.back() == '/';
        if (closing)
            tag.remove_prefix(1);
        if (empty)
            tag.remove_suffix(1);
        size_t nameEnd = 0;
        while (nameEnd < tag.size() && !isSpace(tag[nameEnd]))
            ++nameEnd;
        const std::string_view name = localName(tag.substr(0, nameEnd));
        if (name.empty())
            return damaged(QStringLiteral("an element without a name near byte %1").arg(m_stream->inflated()));
        Step step = Step::Continue;
        if (closing) {
            step = endElement(name);
        } else {
            if (auto r = startElement(row, name, tag); !r.ok())
                return r.error();
            if (empty)
                step = endElement(name);
        }
        if (step == Step::RowDone)
            return true;
        if (step == Step::SheetDone) {
            // What follows the data (merged cells, formatting) is read too: the checksum at the
            // entry's end is what tells a damaged sheet from a good one.
            if (auto r = m_stream->skipToEnd(); !r.ok())
                return r.error();
            return false;
        }
    }
}

} // namespace finpipe::ingest
