#include "columnfit.h"

#include <QEvent>
#include <QHeaderView>
#include <QTableView>

#include <algorithm>

namespace finpipe::app {

ColumnFit::ColumnFit(QTableView *view, int stretch, QList<Column> columns)
    : QObject(view), m_view(view), m_stretch(stretch), m_columns(std::move(columns))
{
    QHeaderView *h = view->horizontalHeader();
    for (int c = 0; c < m_columns.size(); ++c)
        h->setSectionResizeMode(c, c == stretch ? QHeaderView::Stretch : QHeaderView::Interactive);
    // A width the user drags a column to is theirs: it becomes that column's designed width, and
    // its least width too unless that is narrower, so that a later fit does not take it back.
    connect(h, &QHeaderView::sectionResized, this, [this](int c, int, int size) {
        if (m_fitting || c == m_stretch || c < 0 || c >= m_columns.size())
            return;
        m_columns[c].designed = size;
        m_columns[c].least = std::min(m_columns[c].least, size);
    });
    view->viewport()->installEventFilter(this);
    fit();
}

void ColumnFit::fit()
{
    const int width = m_view->viewport()->width();
    int designed = 0;
    int least = 0;
    for (int c = 0; c < m_columns.size(); ++c) {
        if (c == m_stretch || m_view->isColumnHidden(c))
            continue;
        designed += m_columns[c].designed;
        least += m_columns[c].least;
    }
    const int stretchRoom = std::max(width / 4, 120);
    // The share of each column's spare width (designed - least) that fits: 1 with room to spare,
    // 0 when even the least widths take the row (the row scrolls then).
    const int spare = designed - least;
    const double share = spare <= 0 ? 1.0 : std::clamp(double(width - stretchRoom - least) / spare, 0.0, 1.0);
    m_fitting = true;
    for (int c = 0; c < m_columns.size(); ++c) {
        if (c == m_stretch || m_view->isColumnHidden(c))
            continue;
        const Column &col = m_columns[c];
        m_view->setColumnWidth(c, col.least + int((col.designed - col.least) * share));
    }
    m_fitting = false;
}

bool ColumnFit::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        fit();
    return QObject::eventFilter(watched, event);
}

} // namespace finpipe::app
