#pragma once

#include "ingest/reader.h"

#include <QAbstractTableModel>

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

    void setTable(std::shared_ptr<const ingest::Table> table);
    void clear() { setTable(nullptr); }
    const ingest::Table *table() const { return m_table.get(); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    //! The cell's parsed value (blank when out of range).
    const ingest::Value &valueAt(qint64 row, int column) const;

private:
    std::shared_ptr<const ingest::Table> m_table;
    std::vector<qint64> m_starts; //!< first row of each batch
    qint64 m_rows = 0;
};

} // namespace finpipe::app
