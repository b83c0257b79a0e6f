#pragma once

#include <QList>
#include <QObject>

class QTableView;

namespace finpipe::app {

//! Keeps a table's columns within its width. One column stretches (the job list's file name); the
//! others have the widths they were designed with while there is room, and on a narrow window
//! (an 800 x 600 screen, a window dragged small) shrink together, each no further than its least
//! useful width, so that no horizontal scroll bar hides the columns on the right and the stretching
//! column keeps what is left: a quarter of the row or more where the others' least widths allow.
//! A width the user drags a column to becomes its designed width.
class ColumnFit : public QObject
{
    Q_OBJECT
public:
    struct Column {
        int designed = 0; //!< width with room to spare
        int least = 0;    //!< narrowest it gets before the row scrolls
    };
    //! `columns` lists every column of `view`'s model in order; the one at `stretch` takes what is
    //! left (its widths are ignored). Installs itself on the view, which owns it.
    ColumnFit(QTableView *view, int stretch, QList<Column> columns);

    //! Lays the columns out for the view's current width (done on every resize).
    void fit();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QTableView *m_view;
    int m_stretch;
    QList<Column> m_columns;
    bool m_fitting = false;
};

} // namespace finpipe::app
