#pragma once

#include "analysis/resulttable.h"
#include "ingest/reader.h"
#include "ingest/value.h"

#include <QHash>
#include <QList>
#include <QString>

#include <deque>
#include <vector>

namespace finpipe::analysis {

//! "2, 57, 103" for the example rows (or lines) of a finding, with ", …" when `count` is larger.
QString exampleRowsText(const qint64 *rows, size_t n, qint64 count);

//! One data-quality finding: how many rows a check caught, with a few example rows.
struct QualityFinding {
    QString check;   //!< in plain words, e.g. "duplicate order id"
    QString column;  //!< the column it is about, if any
    QString scope;   //!< e.g. "all rows", "station CT"
    qint64 count = 0;
    qint64 total = -1; //!< the denominator of the rate; -1 means every row read
    std::vector<qint64> examples; //!< 1-based source rows
    QString detail;  //!< one sentence for the analyst

    //! Counts one more row, keeping the first few as examples.
    void add(qint64 sourceRow, size_t maxExamples = 5)
    {
        ++count;
        if (examples.size() < maxExamples)
            examples.push_back(sourceRow);
    }
};

//! Collects what the data-quality table shows for one analysis run: the blank rate of every
//! column, the Excel error cells of each column that has some, then each finding in the order it
//! was first seen. Shared by the analyses of this folder
//! so that their data_quality.csv files have one layout:
//! check, column, scope, count, rate, example_rows, detail.
class QualityLog
{
public:
    static QStringList header();

    //! What a column's blank rate at or above the threshold raises.
    enum class BlankAlert : quint8 {
        Warning, //!< a column the analysis uses
        Info,    //!< a column that is blank by design on many rows (loan amounts on non-lending rows)
        None,    //!< a column the analysis does not use: its rate is in the table, no alert
    };
    //! Default: Warning for every column.
    void setBlankAlert(int column, BlankAlert alert) { m_blankAlert[size_t(column)] = alert; }

    void setColumns(const QList<ingest::ColumnInfo> &columns);
    //! Counts blank cells per column, and Excel error cells (#N/A, #DIV/0!...), which are values
    //! of their own: reported as "error cells", never as blanks.
    void countBlanks(const ingest::RowBatch &batch);
    qint64 blanks(int column) const { return m_blanks[size_t(column)]; }
    qint64 errors(int column) const { return m_errors[size_t(column)].count; }

    //! The finding for (check, column, scope), created empty on first use.
    QualityFinding &finding(const QString &check, const QString &column = {},
                            const QString &scope = QStringLiteral("all rows"));
    //! The finding if it has been created, else nullptr.
    const QualityFinding *find(const QString &check, const QString &column = {},
                               const QString &scope = QStringLiteral("all rows")) const;

    //! The data_quality table.
    ResultTable table(qint64 rowsRead) const;
    //! A warning for every column whose blank rate reaches `threshold`.
    QList<QualityAlert> blankAlerts(qint64 rowsRead, double threshold) const;
    //! A warning for every column that holds Excel error cells: a formula failed in the source.
    QList<QualityAlert> errorAlerts() const;

    //! "2, 57, 103" (and "…" when there are more).
    static QString exampleText(const QualityFinding &f);

private:
    QList<ingest::ColumnInfo> m_columns;
    std::vector<qint64> m_blanks;
    std::vector<BlankAlert> m_blankAlert;
    std::vector<QualityFinding> m_errors; //!< per column; detail holds the first error's text
    std::deque<QualityFinding> m_findings; // deque: references from finding() stay valid
    QHash<QString, size_t> m_index;
};

} // namespace finpipe::analysis
