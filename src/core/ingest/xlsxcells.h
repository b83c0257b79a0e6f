#pragma once

#include "common/result.h"
#include "ingest/reader.h"
#include "ingest/value.h"
#include "ingest/xlsxparts.h"
#include "ingest/xlsxsheet.h"
#include "ingest/xlsxstyles.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace finpipe::ingest {

//! Things counted while converting a sheet's cells, reported as warnings after a full read.
struct CellStats {
    qint64 errorCells = 0;
    QString firstError;
    qint64 truncated = 0;
    QString firstTruncated;
    qint64 unknownEntities = 0;
    QString firstUnknownEntity;
    qint64 durations = 0;
    QString firstDuration;
    QString durationExample;
    qint64 phantomDates = 0;
    QString firstPhantom;
    qint64 beyondColumns = 0;
    QString firstBeyond;
    qint64 innerBlankRows = 0;

    //! The warnings for sheet `sheet`, in the analyst's words.
    QStringList warnings(const QString &sheet) const;
};

//! integer -> decimal -> text; date -> datetime; anything else mixed -> text. Blanks and Excel
//! error cells (#N/A) say nothing about a column's type and leave it as it is.
void widenType(std::optional<ColumnType> &type, Value::Kind kind);

//! Whether a table's first row is its header: not when its cells have the kind of the typed data
//! below them (numbers over numbers, dates over dates), nor when it is the only row and holds no
//! words (a lone row of numbers or dates is data).
bool firstRowIsHeader(const RowBatch &first, const RowBatch &below);

//! Turns a worksheet's raw cells into values with the workbook's shared strings, cell formats and
//! date system: dates by their format, durations as the text Excel shows, Excel errors as
//! Value::Kind::Error. Damage (a shared-string index that is no whole number in range) is an
//! Error naming the cell.
class CellConverter
{
public:
    CellConverter(const XlsxStyles &styles, const SharedStrings &strings) : m_styles(styles), m_strings(strings) {}
    void setWorkbook(const QString &fileName, bool date1904)
    {
        m_fileName = fileName;
        m_date1904 = date1904;
    }
    void setSheet(const QString &sheetName) { m_sheetName = sheetName; }

    bool isBlank(const RawCell &cell) const;
    //! The text of a string cell (shared or inline) as stored; empty for other cells.
    std::string_view textOf(const RawCell &cell) const;
    Result<void> convert(const RawCell &cell, qint64 row, Value &v, RowBatch &batch, CellStats &stats) const;

private:
    const XlsxStyles &m_styles;
    const SharedStrings &m_strings;
    QString m_fileName;
    QString m_sheetName;
    bool m_date1904 = false;
};

} // namespace finpipe::ingest
