#pragma once

#include <QString>

#include <memory>
#include <string_view>
#include <vector>

namespace finpipe::ingest {

//! The type of a column as the analyst sees it.
enum class ColumnType : quint8 { Integer, Decimal, Date, DateTime, Boolean, Text };

//! "integer", "decimal", "date", "datetime", "boolean", "text".
QString columnTypeName(ColumnType type);

//! The narrowest type that holds both: integer < decimal, date < datetime; else text.
ColumnType widen(ColumnType a, ColumnType b);

//! One parsed cell. Cheap to copy; `text` points into the owning RowBatch.
struct Value {
    enum class Kind : quint8 { Blank, Integer, Decimal, Date, DateTime, Boolean, Text, Error };

    Kind kind = Kind::Blank;
    //! Integer, Decimal; Boolean as 0/1.
    double number = 0;
    //! Date, DateTime: milliseconds since 1970-01-01T00:00:00 on a naive (zone-less) clock.
    qint64 msecs = 0;
    //! The cell as written in the file (decoded to UTF-8, quotes removed). For xlsx numbers it is
    //! the shortest round-trip form of the stored number.
    std::string_view text;

    bool isBlank() const { return kind == Kind::Blank; }
    bool isNumber() const { return kind == Kind::Integer || kind == Kind::Decimal; }
    bool isTemporal() const { return kind == Kind::Date || kind == Kind::DateTime; }
    QString toString() const { return QString::fromUtf8(text.data(), qsizetype(text.size())); }
};

//! The column type a value of `kind` suggests (blank and error cells: text; callers skip them).
ColumnType columnTypeOf(Value::Kind kind);

//! Stable storage for cell text: views into it stay valid until clear().
class StringArena
{
public:
    std::string_view store(std::string_view s);
    void clear();

private:
    static constexpr size_t kBlock = 256 * 1024;
    std::vector<std::unique_ptr<char[]>> m_blocks;
    std::vector<std::unique_ptr<char[]>> m_large;
    size_t m_used = kBlock;
};

//! Why a reader left a line (or worksheet row) of the file out of the table.
enum class SkipReason : quint8 {
    AboveHeader,     //!< metadata or junk above the table's header
    Comment,         //!< a comment line ("# ..."), in a file that uses them
    Blank,           //!< a blank line, or one of bare delimiters
    WrongFieldCount, //!< a record with more fields (with content) than the table has
    Footer,          //!< a trailing line that does not fit the table ("Total,...", "*** END ***")
    AfterTable,      //!< part of a further table that follows the one read
};

//! In the analyst's words, for the lineage's reason column and the data-quality report:
//! "metadata above the header", "comment line", "blank line", "wrong number of fields",
//! "footer", "another table after this one".
QString skipReasonText(SkipReason reason);

//! One line a reader left out: where it is (1-based CSV line or worksheet row) and why.
struct SkippedLine {
    qint64 line = 0;
    SkipReason reason = SkipReason::Blank;
};

//! A batch of rows handed from a reader to its consumer. Row-major, fixed column count.
//! It also carries the lines the reader left out since the previous batch, so that every line of
//! the file can be accounted for in order (the audit lineage). A batch may hold skipped lines and
//! no rows (for instance the footers found at the end of the file).
class RowBatch
{
public:
    void reset(int columnCount);
    int columnCount() const { return m_columns; }
    int rowCount() const { return m_columns ? int(m_cells.size() / size_t(m_columns)) : 0; }

    const Value &at(int row, int column) const { return m_cells[size_t(row) * size_t(m_columns) + size_t(column)]; }
    Value &at(int row, int column) { return m_cells[size_t(row) * size_t(m_columns) + size_t(column)]; }
    //! Where the row is in the file, 1-based, as the analyst would find it: the CSV line on which
    //! the record starts, or the worksheet row number.
    qint64 sourceLine(int row) const { return m_lines[size_t(row)]; }

    //! For readers: appends a row of blank cells and returns its first cell.
    Value *appendRow(qint64 sourceLine);
    //! For readers: copies text into the batch's storage.
    std::string_view store(std::string_view s) { return m_arena.store(s); }

    //! Lines left out by the reader since the previous batch, in file order; each comes before
    //! the first later row of this or a following batch.
    const std::vector<SkippedLine> &skipped() const { return m_skipped; }
    //! For readers: records a line left out of the table.
    void addSkipped(qint64 line, SkipReason reason) { m_skipped.push_back({line, reason}); }

private:
    int m_columns = 0;
    std::vector<Value> m_cells;
    std::vector<qint64> m_lines;
    std::vector<SkippedLine> m_skipped;
    StringArena m_arena;
};

} // namespace finpipe::ingest
