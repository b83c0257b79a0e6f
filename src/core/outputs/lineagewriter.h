#pragma once

#include "analysis/analysis.h"
#include "outputs/atomicfile.h"

#include <string>

namespace finpipe::outputs {

//! Streams audit_lineage.csv: row, <mapped fields>, row_hash, status, reason. Formats on the
//! caller's thread and hands 4 MiB chunks to a background thread that hashes and writes them.
class LineageWriter : public analysis::LineageSink
{
public:
    explicit LineageWriter(const QString &path);

    Result<void> open();
    void setFields(const QStringList &fieldNames) override;
    void add(qint64 sourceRow, const std::string_view *fields, std::string_view rowHash,
             analysis::RowStatus status, std::string_view reason) override;
    //! Writes what is buffered and moves the file into place.
    Result<WrittenFile> commit();
    qint64 rows() const { return m_rows; }

private:
    void flush();

    AtomicFile m_file;
    std::string m_buffer; // a chunk at full size; m_used bytes of it are filled
    size_t m_used = 0;
    int m_fieldCount = 0;
    qint64 m_rows = 0;
};

} // namespace finpipe::outputs
