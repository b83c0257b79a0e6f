#include "resultsmodel.h"

#include <algorithm>

namespace finpipe::app {

ResultsModel::ResultsModel(QObject *parent) : QAbstractTableModel(parent) {}

void ResultsModel::setTable(std::shared_ptr<const ingest::Table> table)
{
    beginResetModel();
    m_table = std::move(table);
    m_starts.clear();
    m_rows = 0;
    if (m_table) {
        for (const auto &b : m_table->batches) {
            m_starts.push_back(m_rows);
            m_rows += b->rowCount();
        }
    }
    endResetModel();
}

int ResultsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(qMin<qint64>(m_rows, INT_MAX));
}

int ResultsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_table ? 0 : int(m_table->columns.size());
}

const ingest::Value &ResultsModel::valueAt(qint64 row, int column) const
{
    static const ingest::Value blank;
    if (!m_table || row < 0 || row >= m_rows || column < 0 || column >= m_table->columns.size())
        return blank;
    const auto it = std::upper_bound(m_starts.begin(), m_starts.end(), row);
    const size_t b = size_t(it - m_starts.begin()) - 1;
    return m_table->batches[b]->at(int(row - m_starts[b]), column);
}

QVariant ResultsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const ingest::Value &v = valueAt(index.row(), index.column());
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
        return v.toString();
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(v.isNumber() ? Qt::AlignRight | Qt::AlignVCenter
                                                : Qt::AlignLeft | Qt::AlignVCenter);
    return {};
}

QVariant ResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || !m_table)
        return {};
    if (orientation == Qt::Horizontal)
        return section < m_table->columns.size() ? m_table->columns[section].name : QString();
    return section + 1;
}

} // namespace finpipe::app
