#include "resultsmodel.h"

#include <algorithm>
#include <cmath>

namespace finpipe::app {

ResultsModel::ResultsModel(QObject *parent) : QAbstractTableModel(parent) {}

void ResultsModel::setTable(std::shared_ptr<const ingest::Table> table, std::vector<analysis::NumberStyle> styles)
{
    beginResetModel();
    m_table = std::move(table);
    m_styles = std::move(styles);
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

std::vector<analysis::NumberStyle> ResultsModel::columnStyles(const ingest::Table &table)
{
    const int cols = int(table.columns.size());
    std::vector<analysis::NumberStyleScan> scans(static_cast<size_t>(cols));
    for (const auto &b : table.batches)
        for (int r = 0; r < b->rowCount(); ++r)
            for (int c = 0; c < cols && c < b->columnCount(); ++c) {
                const ingest::Value &v = b->at(r, c);
                if (v.isNumber())
                    scans[size_t(c)].add(v.number, v.kind == ingest::Value::Kind::Integer);
            }
    std::vector<analysis::NumberStyle> styles;
    styles.reserve(size_t(cols));
    for (int c = 0; c < cols; ++c)
        styles.push_back(scans[size_t(c)].styleFor(table.columns[c].name));
    return styles;
}

void ResultsModel::setLocale(const QLocale &locale)
{
    beginResetModel();
    m_locale = locale;
    endResetModel();
}

QString ResultsModel::displayText(const ingest::Value &v, analysis::NumberStyle style) const
{
    if (!v.isNumber())
        return v.toString();
    const double n = v.number;
    switch (style) {
    case analysis::NumberStyle::Count:
        return std::abs(n) < 9e15 ? m_locale.toString(qint64(std::llround(n))) : m_locale.toString(n, 'g', 15);
    case analysis::NumberStyle::Money: return m_locale.toString(n, 'f', 2);
    case analysis::NumberStyle::Share: {
        const double p = n * 100.0;
        const double a = std::abs(p);
        const int digits = a == 0 ? 0 : a >= 10 ? 1 : a >= 0.01 ? 2 : 4;
        return m_locale.toString(p, 'f', digits) + QStringLiteral(" %");
    }
    case analysis::NumberStyle::Plain: break;
    }
    const double a = std::abs(n);
    if (a != 0 && (a < 1e-4 || a >= 1e15))
        return m_locale.toString(n, 'g', 6);
    // Up to four decimals, without trailing zeros.
    QString s = m_locale.toString(n, 'f', a >= 1000 ? 2 : 4);
    const QString dot = m_locale.decimalPoint();
    if (s.contains(dot)) {
        while (s.endsWith(u'0'))
            s.chop(1);
        if (s.endsWith(dot))
            s.chop(dot.size());
    }
    return s;
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
    if (role == Qt::DisplayRole)
        return displayText(v, columnStyle(index.column()));
    if (role == Qt::ToolTipRole)
        return v.toString();
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(v.isNumber() ? Qt::AlignRight | Qt::AlignVCenter
                                                : Qt::AlignLeft | Qt::AlignVCenter);
    return {};
}

QVariant ResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if ((role != Qt::DisplayRole && role != Qt::ToolTipRole) || !m_table)
        return {};
    if (orientation == Qt::Horizontal) {
        const QString name = section < m_table->columns.size() ? m_table->columns[section].name : QString();
        return role == Qt::ToolTipRole ? name : analysis::readableHeader(name);
    }
    return role == Qt::DisplayRole ? QVariant(m_locale.toString(section + 1)) : QVariant();
}

} // namespace finpipe::app
