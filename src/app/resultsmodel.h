#pragma once

#include "analysis/columnstyle.h"
#include "ingest/reader.h"

#include <QAbstractTableModel>
#include <QLocale>

#include <memory>
#include <vector>

namespace finpipe::app {

//! A read-only model over a table read by the ingest layer. It keeps the reader's row batches as
//! they are (no copy per cell), so 100k-row results show at once and scroll smoothly.
class ResultsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    explicit ResultsModel(QObject *parent = nullptr);

    //! Shows `table`, each column in the style `styles` gives it (from columnStyles(), worked out
    //! off the GUI thread by whoever read the table: it visits every cell).
    void setTable(std::shared_ptr<const ingest::Table> table, std::vector<analysis::NumberStyle> styles);
    void clear() { setTable(nullptr, {}); }
    //! How each column's numbers are best shown (counts, money, shares…), from all its values.
    static std::vector<analysis::NumberStyle> columnStyles(const ingest::Table &table);
    const ingest::Table *table() const { return m_table.get(); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    //! The cell's parsed value (blank when out of range).
    const ingest::Value &valueAt(qint64 row, int column) const;

    //! Numbers are shown for people in `locale` (default: the system's): counts whole, money with
    //! two decimals, shares as percentages, grouped thousands; the tooltip holds the exact value
    //! as the CSV has it. Headers read "Revenue", not "revenue"; their tooltip is the CSV's name.
    void setLocale(const QLocale &locale);
    //! The display text of `v` in a column of style `style`.
    QString displayText(const ingest::Value &v, analysis::NumberStyle style) const;
    analysis::NumberStyle columnStyle(int column) const
    {
        return column >= 0 && size_t(column) < m_styles.size() ? m_styles[size_t(column)] : analysis::NumberStyle::Plain;
    }

private:
    std::shared_ptr<const ingest::Table> m_table;
    std::vector<qint64> m_starts; //!< first row of each batch
    qint64 m_rows = 0;
    std::vector<analysis::NumberStyle> m_styles; //!< per column
    QLocale m_locale;
};

} // namespace finpipe::app
