#pragma once

// Layout and keyboard checks shared by the app's tests: what is cut off at a given window size, and
// which focusable controls have no name a screen reader could say.

#include <QAbstractButton>
#include <QAbstractScrollArea>
#include <QCheckBox>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QStringList>
#include <QTabBar>
#include <QToolBar>
#include <QToolButton>
#include <QWidget>

namespace finpipe::test {

inline bool isUnder(const QWidget *w, const QWidget *ancestor)
{
    for (const QWidget *p = w; p; p = p->parentWidget())
        if (p == ancestor)
            return true;
    return false;
}

//! Widgets drawn inside a scroll area's viewport scroll; they are not clipped by the layout.
inline bool insideScrolledContent(const QWidget *w, const QWidget *top)
{
    for (const QWidget *p = w->parentWidget(); p && p != top; p = p->parentWidget())
        if (auto *area = qobject_cast<const QAbstractScrollArea *>(p->parentWidget()); area && area->viewport() == p)
            return true;
    return false;
}

//! Everything visible in `top` that is cut off: a label or button narrower than its text, a widget
//! sticking out of its parent, a toolbar hiding actions behind its extension arrow. `skip`: a
//! part to leave out (another helper's tab).
inline QStringList clipped(QWidget *top, const QWidget *skip = nullptr)
{
    QStringList out;
    const auto all = top->findChildren<QWidget *>();
    for (QWidget *w : all) {
        if (!w->isVisibleTo(top) || (skip && isUnder(w, skip)) || insideScrolledContent(w, top) || w->isWindow())
            continue;
        const QString name = QStringLiteral("%1 \"%2\"").arg(QString::fromLatin1(w->metaObject()->className()),
                                                             w->objectName());
        if (auto *l = qobject_cast<QLabel *>(w); l && !l->wordWrap() && !l->text().isEmpty() && l->pixmap().isNull()
                                                 && l->width() < l->minimumSizeHint().width())
            out << QStringLiteral("%1 %2 < %3 (%4)").arg(name).arg(l->width()).arg(l->minimumSizeHint().width()).arg(l->text());
        // A wrapped label squeezed below the height its lines need shows half of them.
        if (auto *l = qobject_cast<QLabel *>(w); l && l->wordWrap() && !l->text().isEmpty()
                                                 && l->height() < l->heightForWidth(l->width()))
            out << QStringLiteral("%1 wrapped, %2 high < %3 (%4)").arg(name).arg(l->height())
                       .arg(l->heightForWidth(l->width())).arg(l->text().left(60));
        if (auto *b = qobject_cast<QPushButton *>(w); b && b->width() < b->minimumSizeHint().width())
            out << QStringLiteral("%1 %2 < %3 (%4)").arg(name).arg(b->width()).arg(b->minimumSizeHint().width()).arg(b->text());
        if (auto *c = qobject_cast<QCheckBox *>(w); c && c->width() < c->sizeHint().width())
            out << QStringLiteral("%1 %2 < %3 (%4)").arg(name).arg(c->width()).arg(c->sizeHint().width()).arg(c->text());
        if (auto *g = qobject_cast<QGroupBox *>(w); g && g->width() < g->fontMetrics().horizontalAdvance(g->title()))
            out << QStringLiteral("%1 title cut (%2)").arg(name, g->title());
        if (auto *bar = qobject_cast<QToolBar *>(w))
            for (QToolButton *ext : bar->findChildren<QToolButton *>(QStringLiteral("qt_toolbar_ext_button")))
                if (ext->isVisible())
                    out << QStringLiteral("%1 hides actions behind its extension arrow").arg(name);
        QWidget *parent = w->parentWidget();
        if (parent && parent != top && !qobject_cast<QAbstractScrollArea *>(parent) && !parent->isWindow()
            && !parent->rect().contains(w->geometry()) && w->width() > 0 && w->height() > 0
            && !qobject_cast<QTabBar *>(parent) && !qobject_cast<QToolBar *>(parent))
            out << QStringLiteral("%1 sticks out of its parent %2 (%3,%4 %5x%6 in %7x%8)")
                       .arg(name, QString::fromLatin1(parent->metaObject()->className()))
                       .arg(w->x()).arg(w->y()).arg(w->width()).arg(w->height())
                       .arg(parent->width()).arg(parent->height());
    }
    return out;
}

//! The focusable widgets without a name a screen reader could say.
inline QStringList unnamedFocusable(QWidget *top, const QWidget *skip = nullptr)
{
    QStringList out;
    QWidget *start = top;
    QWidget *w = start->nextInFocusChain();
    int guard = 0;
    while (w && w != start && ++guard < 2000) {
        if (w->isVisibleTo(top) && w->isEnabled() && (w->focusPolicy() & Qt::TabFocus) && isUnder(w, top)
            && !(skip && isUnder(w, skip))) {
            QString name = w->accessibleName();
            if (name.isEmpty())
                if (auto *b = qobject_cast<QAbstractButton *>(w))
                    name = b->text().remove(QLatin1Char('&'));
            if (name.isEmpty())
                if (auto *bar = qobject_cast<QTabBar *>(w); bar && bar->count() > 0)
                    name = bar->tabText(bar->currentIndex());
            // A widget standing in for its parent (WebEngine's view inside the dashboard) speaks
            // with the parent's name.
            if (name.isEmpty() && w->parentWidget() && w->parentWidget()->focusProxy() == w)
                name = w->parentWidget()->accessibleName();
            // A widget that hands its focus on (a chart's viewport) is reached as the one it hands it to.
            if (name.isEmpty() && w->focusProxy())
                name = w->focusProxy()->accessibleName();
            if (name.trimmed().isEmpty())
                out << QStringLiteral("%1 \"%2\" (in %3)")
                           .arg(QString::fromLatin1(w->metaObject()->className()), w->objectName(),
                                w->parentWidget() ? w->parentWidget()->objectName() : QString());
        }
        w = w->nextInFocusChain();
    }
    return out;
}

} // namespace finpipe::test
