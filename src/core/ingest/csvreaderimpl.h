#pragma once

// The CSV reader's class, shared by csvreader.cpp (opening: encoding, dialect, the table, the
// sample, column types) and csvrows.cpp (streaming rows, held records, lines left out).

#include "ingest/csvscanner.h"
#include "ingest/fileerrors.h"
#include "ingest/reader.h"
#include "ingest/sha256.h"
#include "ingest/skiptally.h"
#include "ingest/tablelocator.h"
#include "ingest/textdecoder.h"
#include "ingest/valueparser.h"

#include <QDateTime>
#include <QFile>

#include <deque>
#include <limits>
#include <string>
#include <vector>

namespace finpipe::ingest::csvdetail {

using values::DateOrder;

constexpr qint64 kChunkBytes = 1 << 20;
constexpr size_t kHeadRecords = 1000;
constexpr int kSampleOffsets = 8;
constexpr qint64 kOffsetProbeBytes = 64 * 1024;
constexpr int kOffsetRows = 125;
constexpr int kLinesListed = 5;
//! Held-back records may not hold more text than this (very long lines are rows, not footers).
constexpr size_t kMaxHeldBytes = 16u << 20;

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

//! Whether a record fits the table (see the note at the top of csvreader.cpp).
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
    bool afterBlank = false;
    //! Its fields, when it may start a table.
    tables::Fields values;
};

ColumnType kindToType(Value::Kind kind);
//! The narrowest type that holds both: integer < decimal, date < datetime; else text.
ColumnType widen(ColumnType a, ColumnType b);
//! "3, 7, ..." for warnings.
QString lineList(const QList<qint64> &lines, qint64 count);
QString fromUtf8(std::string_view s);
//! A record as the analyst would recognise it in a message: its filled fields, shortened.
QString recordPreview(const tables::Fields &fields);
//! "line 42", "line 42 and line 97", "lines 42, 97 and 120".
QString lineSeries(const QList<qint64> &lines);
//! Fields of `record` up to the last one with content.
size_t contentWidth(std::string_view record, const std::vector<csv::FieldSpan> &fields, size_t count);

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
    tables::Fields m_candidate;
};

} // namespace finpipe::ingest::csvdetail
