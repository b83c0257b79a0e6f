#pragma once

#include "analysis/analysis.h"
#include "analysis/resulttable.h"
#include "common/spillfile.h"
#include "ingest/reader.h"

#include <QList>
#include <QString>

#include <utility>
#include <vector>

namespace finpipe::analysis {

//! Orders codes and names the way people count: "Data 2" before "Data 10", "S2" before "S10".
bool naturalLess(const QString &a, const QString &b);

//! Outlier statistics of one group of values (population standard deviation).
struct OutlierStats {
    qint64 n = 0;
    double mean = 0;
    double sd = 0;
    qint64 outliers = 0; //!< values with |z| > the threshold
};

//! The data-quality report of the station pivot: blank rate per column, unparseable cells per
//! column, duplicate keys, outliers per parameter; and the alerts they raise. The table has the
//! layout every analysis uses: check, column, scope, count, rate, example_rows, detail.
class DataQuality
{
public:
    static QStringList header();

    //! `mapped` marks the columns the analysis uses: their blank rates raise warnings, the other
    //! columns' only notes.
    void setColumns(const QList<ingest::ColumnInfo> &columns, const std::vector<bool> &mapped);
    //! Counts blank cells per column, and Excel error cells (#N/A, #DIV/0!...), which are values
    //! of their own: reported as "error cells", never as blanks.
    void countBlanks(const ingest::RowBatch &batch);
    void addUnparseable(int column, qint64 sourceRow);

    //! A group of values for the outlier check (a parameter, whose values are in `column`);
    //! returns its index.
    int addGroup(const QString &name, const QString &column);
    void addValue(int group, double value)
    {
        m_groups[size_t(group)].values.push_back(value);
        if (++m_heldValues >= kHeldValueLimit)
            spillValues();
    }

    //! Rows whose key (`keyColumns`, e.g. "Station_ID + Date_Time + PCode") repeats an earlier row.
    void setDuplicates(const QString &keyColumns, qint64 count, std::vector<qint64> examples);

    //! Fills result.quality and appends to result.alerts.
    void finish(const Parameters &parameters, qint64 rowsRead, AnalysisResult &result);

private:
    struct Group {
        QString name;
        QString column;
        std::vector<double> values; // the latest ones; earlier ones are in m_spill
    };
    // Beyond this many values held (8 MB) they go to a temporary file as blocks of one group's
    // values, (group, count, values...).
    static constexpr qint64 kHeldValueLimit = 1'000'000;
    void spillValues();
    //! Each group's values in the order they came: `visit(group, values, n)`. False when the
    //! temporary file cannot be read back.
    template <typename Visit>
    bool forEachValue(Visit &&visit);
    //! Outlier statistics of every group, in two passes over the values (mean, then deviations)
    //! and a third to count: exact, and without cancellation trouble for large means.
    std::vector<OutlierStats> outlierStats(double z);
    qint64 m_heldValues = 0;
    SpillFile m_spill;
    bool m_spillUnreadable = false;
    QList<ingest::ColumnInfo> m_columns;
    std::vector<bool> m_mapped;
    std::vector<qint64> m_blanks;
    std::vector<qint64> m_errors;
    std::vector<std::vector<qint64>> m_errorRows;
    std::vector<QString> m_firstError;
    std::vector<qint64> m_unparseable;
    std::vector<std::vector<qint64>> m_unparseableRows;
    std::vector<Group> m_groups;
    QString m_keyColumns;
    qint64 m_duplicates = 0;
    std::vector<qint64> m_duplicateRows;
};

} // namespace finpipe::analysis
