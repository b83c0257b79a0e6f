#include "jobdelegates.h"

#include "icons.h"
#include "jobmodel.h"

#include <QApplication>
#include <QPainter>
#include <QStyleOptionProgressBar>

namespace finpipe::app {

void ConfidenceBadgeDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                    const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    QApplication::style()->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
    if (text.isEmpty())
        return;

    const QVariant levelValue = index.data(JobModel::LevelRole);
    const std::optional<detect::Level> level = levelValue.isValid()
        ? std::optional<detect::Level>(detect::Level(levelValue.toInt()))
        : std::nullopt;
    const QColor color = levelColor(level);
    const QString label = level ? QStringLiteral("%1 · %2").arg(text, JobModel::levelText(level)) : text;
    QFont f = opt.font;
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 0.9);
    const QFontMetrics fm(f);
    const int w = fm.horizontalAdvance(label) + 14;
    const int h = fm.height() + 4;
    const QRect badge(opt.rect.left() + 4, opt.rect.center().y() - h / 2 + 1, qMin(w, opt.rect.width() - 8), h);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawRoundedRect(badge, h / 2.0, h / 2.0);
    painter->setPen(Qt::white);
    painter->setFont(f);
    painter->drawText(badge, Qt::AlignCenter, fm.elidedText(label, Qt::ElideRight, badge.width() - 8));
    painter->restore();
}

QSize ConfidenceBadgeDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    const QFontMetrics fm(option.font);
    s.setWidth(qMax(s.width(), fm.horizontalAdvance(QStringLiteral("100% · very low")) + 24));
    return s;
}

void JobStateDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                             const QModelIndex &index) const
{
    const auto state = jobs::JobState(index.data(JobModel::StateRole).toInt());
    if (state != jobs::JobState::Running) {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        if (!(opt.state & QStyle::State_Selected)) {
            QColor c;
            if (state == jobs::JobState::Failed)
                c = levelColor(detect::Level::VeryLow);
            else if (state == jobs::JobState::Succeeded)
                c = isDarkPalette() ? QColor(0x3f, 0xb9, 0x50) : levelColor(detect::Level::High);
            else if (state == jobs::JobState::Interrupted || state == jobs::JobState::Cancelled)
                c = levelColor(detect::Level::Low);
            if (c.isValid())
                opt.palette.setColor(QPalette::Text, c);
        }
        QApplication::style()->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
        return;
    }
    QStyleOptionViewItem bg = option;
    initStyleOption(&bg, index);
    bg.text.clear();
    QApplication::style()->drawControl(QStyle::CE_ItemViewItem, &bg, painter, bg.widget);

    QStyleOptionProgressBar bar;
    bar.rect = option.rect.adjusted(3, 3, -3, -3);
    bar.minimum = 0;
    bar.maximum = 1000;
    bar.progress = qRound(index.data(JobModel::ProgressRole).toDouble() * 1000);
    bar.text = index.data(Qt::DisplayRole).toString();
    bar.textVisible = true;
    bar.textAlignment = Qt::AlignCenter;
    bar.state = option.state | QStyle::State_Horizontal;
    bar.palette = option.palette;
    bar.fontMetrics = option.fontMetrics;
    QApplication::style()->drawControl(QStyle::CE_ProgressBar, &bar, painter, option.widget);
}

} // namespace finpipe::app
