#pragma once

#include "common/result.h"
#include "ingest/ziparchive.h"

#include <QString>

#include <string_view>

#include <memory>
#include <string>
#include <vector>

namespace finpipe::ingest {

//! Excel's grid: 1,048,576 rows by 16,384 columns (A..XFD).
inline constexpr qint64 kExcelMaxRows = 1'048'576;
inline constexpr int kExcelMaxColumns = 16'384;

//! "A", "Z", "AA" ... for a 0-based column index.
QString columnLetters(int column);
//! "B7" for a 0-based column and a 1-based row.
QString cellName(int column, qint64 row);

//! A parsed cell reference such as "B7" or "$B$7".
struct CellRef {
    int column = -1;  //!< 0-based; -1 when the reference has no column letters
    qint64 row = 0;   //!< 1-based; 0 when it has no row number
    bool valid = false;
    bool beyondGrid = false; //!< past XFD or row 1,048,576
};
CellRef parseCellRef(QStringView ref);
CellRef parseCellRef(std::string_view ref);

//! One <c> element as written in the worksheet, before shared strings and styles are applied.
struct RawCell {
    enum class Type : quint8 { Number, SharedString, InlineString, FormulaString, Boolean, Error, IsoDate };
    int column = 0; //!< 0-based
    Type type = Type::Number;
    int style = 0;
    std::string value; //!< <v> text, or the inline string (UTF-8)
    bool truncated = false;     //!< longer than Excel's 32,767 characters: cut to that length
    bool unknownEntity = false; //!< held "&name;" that XML does not define: kept as written
};

//! One <row> element: its 1-based number and the cells it holds (`count` of `cells` in use).
struct RawRow {
    qint64 number = 0;
    std::vector<RawCell> cells;
    int count = 0;
};

//! Where a worksheet's table ends when another one follows it: a row after blank rows that reads
//! like a new header (two or more cells, all words) over a column that held only numbers, dates
//! or booleans so far. `blank` tells which cells count as empty (shared strings need the workbook).
class TableBoundary
{
public:
    using BlankTest = bool (*)(const void *context, const RawCell &cell);
    TableBoundary(BlankTest blank, const void *context) : m_blank(blank), m_context(context) {}

    void reset() { m_columns.clear(); }
    //! Notes a row of the current table.
    void add(const RawRow &row);
    //! Whether `row`, met after a gap, starts another table.
    bool startsAnotherTable(const RawRow &row) const;
    //! Whether the column has held only numbers, dates or booleans so far (and some).
    bool typedOnly(int column) const { return size_t(column) < m_columns.size() && m_columns[size_t(column)] == Typed; }
    static bool isText(const RawCell &cell);

private:
    enum : quint8 { Typed = 1, Text = 2 };
    BlankTest m_blank;
    const void *m_context;
    std::vector<quint8> m_columns;
};

//! Streams a worksheet's rows out of its zip entry without holding the sheet in memory. Handles
//! rows and cells without r= attributes, inline strings with rich-text runs, and refuses cell
//! positions beyond Excel's grid or more cells than `maxCells`. Cell references that name no cell
//! ("A0") or repeat a cell of the row are refused; text longer than a cell can hold is cut to
//! Excel's 32,767 characters (RawCell::truncated). Once the sheet data ends, the rest of the entry
//! is read too, so that a damaged sheet fails its checksum instead of being read wrong.
//! A small UTF-8 tokenizer rather than QXmlStreamReader: sheet XML uses a tiny, regular subset of
//! XML, and scanning it byte-wise is several times faster on large sheets. It understands
//! namespace prefixes, both quote styles, character and predefined entities, CDATA, comments and
//! processing instructions; DTDs are skipped and never expanded.
class SheetScanner
{
public:
    SheetScanner(std::unique_ptr<ZipEntryStream> stream, QString fileName, QString sheetName, qint64 maxCells);

    //! The next row; false once the sheet data has ended.
    Result<bool> next(RawRow &row);

    //! The sheet's declared range (`<dimension ref>`), once seen; may be larger than the data.
    const QString &dimension() const { return m_dimension; }
    qint64 compressedDone() const { return m_stream->compressedDone(); }
    qint64 compressedTotal() const { return m_stream->compressedTotal(); }

private:
    enum class Step { Continue, RowDone, SheetDone };
    Result<void> startRow(RawRow &row, std::string_view tag);
    Result<void> startCell(RawRow &row, std::string_view tag);
    Result<void> startElement(RawRow &row, std::string_view name, std::string_view tag);
    Step endElement(std::string_view name);
    //! Appends the next chunk of the entry to the buffer; false at the end of the entry.
    Result<bool> refill();
    Error damaged(const QString &detail) const;
    Error beyondGrid(const QString &what) const;

    std::unique_ptr<ZipEntryStream> m_stream;
    QString m_fileName;
    QString m_sheetName;
    qint64 m_maxCells;
    std::string m_buf;
    size_t m_pos = 0;
    bool m_started = false;
    QString m_dimension;
    qint64 m_cells = 0;
    qint64 m_lastRow = 0;
    int m_lastColumn = -1;
    RawCell *m_cell = nullptr;
    bool m_inData = false;
    bool m_inRow = false;
    bool m_inInline = false;
    bool m_inPhonetic = false;
    bool m_capture = false;
    bool m_eof = false;
    bool m_done = false;
};

} // namespace finpipe::ingest
