#pragma once

#include "common/feedback.h"
#include "common/result.h"
#include "ingest/value.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace finpipe::ingest {

enum class FileFormat { Csv, Xlsx };

struct ReadOptions {
    //! xlsx: a sheet name, or a 1-based index; empty means the first worksheet.
    QString sheet;
    //! Rows per batch handed to the consumer.
    int batchRows = 65536;
    //! Compute the file's SHA-256 while reading it (the bytes are read once).
    bool computeHash = true;
    //! Safety limits.
    qint64 maxLineBytes = 64ll * 1024 * 1024;
    qint64 maxUncompressedBytes = 2ll * 1024 * 1024 * 1024;
    int maxCompressionRatio = 200;
    qint64 maxCells = 200'000'000;
};

struct ColumnInfo {
    QString name;
    ColumnType type = ColumnType::Text;
};

//! How many lines a reader left out for one reason, with the first few line numbers.
struct SkippedSummary {
    SkipReason reason = SkipReason::Blank;
    qint64 count = 0;
    //! The first lines (at most 10), 1-based as in SkippedLine.
    QList<qint64> examples;
};

struct SourceInfo {
    QString path;
    FileFormat format = FileFormat::Csv;
    qint64 size = 0;
    //! Lower-case hex SHA-256 of the file's bytes; set once the whole file has been read.
    QString sha256;
    //! csv: "UTF-8", "UTF-8 (BOM)", "UTF-16LE", "UTF-16BE", "Windows-1252".
    QString encoding;
    //! csv: ',', ';', '\t' or '|'.
    QChar delimiter;
    //! csv: the quote character ('"', '\'' or none).
    QChar quote;
    //! True when the table's first row (after the lines or sheet rows skipped above it) is its
    //! header; false when it is already data (the columns are then named Column 1, Column 2...).
    bool hasHeader = true;
    //! csv: whether numbers use a decimal comma.
    bool decimalComma = false;
    //! Lines skipped above the header (csv junk lines).
    int skippedLines = 0;
    //! Every line the reader left out, by reason (order of SkipReason). What is above the header
    //! is known after open(); the rest is final once readBatch() has returned false. The same
    //! lines are handed out one by one in RowBatch::skipped().
    QList<SkippedSummary> skipped;
    //! Where further tables start (1-based lines) when the file holds several, one after another;
    //! only the first table is read.
    QList<qint64> moreTablesAt;
    //! xlsx: every worksheet's name, in workbook order; the chosen one.
    QStringList sheets;
    QString sheet;
    //! Things the analyst should know that did not stop the read, in their words.
    QStringList warnings;
};

//! Reads a table (CSV or one worksheet) in batches, with progress and cancellation.
//! Column names are known after open(); column types are sniffed from a sample at open() and
//! refined (widened) while rows are read, final once readBatch() has returned false.
class TableReader
{
public:
    virtual ~TableReader() = default;

    //! Opens a CSV, .xlsx or .xlsm file; refuses others with a message in the analyst's words.
    static Result<std::unique_ptr<TableReader>> open(const QString &path, const ReadOptions &options = {});

    virtual const SourceInfo &info() const = 0;
    virtual const QList<ColumnInfo> &columns() const = 0;

    //! Fills `batch` with the next rows (reset first). Returns false when no rows are left;
    //! then info().sha256 is set (when hashing) and columns() types are final.
    virtual Result<bool> readBatch(RowBatch &batch, Feedback *feedback = nullptr) = 0;

    //! A bounded sample for detection that does not consume the stream and costs the same for a
    //! 1 KB and a 1 GB file: for CSV the start plus rows from several offsets, for a sheet its first
    //! rows. Returns true when it produced rows. The sample's column types are what columns() holds
    //! right after open(). Rows from inside a CSV have sourceLine() 0 (their line is unknown).
    virtual Result<bool> readSample(RowBatch &batch, int maxRows = 2000) = 0;

    //! Data rows handed out so far.
    virtual qint64 rowsRead() const = 0;
};

//! A whole table in memory: for small inputs (templates, samples, tests).
struct Table {
    SourceInfo info;
    QList<ColumnInfo> columns;
    std::vector<std::unique_ptr<RowBatch>> batches;
    qint64 rowCount() const;
    //! Index of the column with exactly this name, or -1.
    int columnIndex(const QString &name) const;
};

Result<Table> readTable(const QString &path, const ReadOptions &options = {},
                        Feedback *feedback = nullptr);

} // namespace finpipe::ingest
