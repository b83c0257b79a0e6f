#include "icons.h"

#include <QApplication>
#include <QFile>
#include <QIconEngine>
#include <QPainter>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>
#include <QSvgRenderer>

void finpipeInitAppResources()
{
    Q_INIT_RESOURCE(app);
}

namespace finpipe::app {

namespace {

QByteArray svgSource(const QString &name)
{
    QFile f(QStringLiteral(":/finpipe/icons/%1.svg").arg(name));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

//! Renders on demand, so the icon follows palette changes (light/dark) and any scale.
class SvgIconEngine : public QIconEngine
{
public:
    explicit SvgIconEngine(QString name) : m_name(std::move(name)) {}

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State) override
    {
        QColor c = QApplication::palette().color(QPalette::WindowText);
        if (mode == QIcon::Disabled)
            c = QApplication::palette().color(QPalette::Disabled, QPalette::WindowText);
        else if (mode == QIcon::Selected)
            c = QApplication::palette().color(QPalette::HighlightedText);
        QByteArray src = svgSource(m_name);
        src.replace("currentColor", c.name().toLatin1());
        QSvgRenderer r(src);
        r.render(painter, rect);
    }

    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        return scaledPixmap(size, mode, state, 1.0);
    }

    QPixmap scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State state, qreal scale) override
    {
        QPixmap pm(size * scale);
        pm.fill(Qt::transparent);
        {
            QPainter p(&pm);
            paint(&p, QRect(QPoint(0, 0), pm.size()), mode, state);
        }
        pm.setDevicePixelRatio(scale);
        return pm;
    }

    QIconEngine *clone() const override { return new SvgIconEngine(m_name); }

private:
    QString m_name;
};

} // namespace

QIcon themedIcon(const QString &name)
{
    if (name == u"finpipe") // the logo keeps its own colours
        return QIcon(QStringLiteral(":/finpipe/icons/finpipe.svg"));
    return QIcon(new SvgIconEngine(name));
}

QPixmap themedPixmap(const QString &name, int size, qreal dpr, QColor color)
{
    if (!color.isValid())
        color = QApplication::palette().color(QPalette::WindowText);
    QByteArray src = svgSource(name);
    src.replace("currentColor", color.name().toLatin1());
    QSvgRenderer r(src);
    QPixmap pm(QSize(size, size) * dpr);
    pm.fill(Qt::transparent);
    {
        QPainter p(&pm);
        r.render(&p);
    }
    pm.setDevicePixelRatio(dpr);
    return pm;
}

bool isDarkPalette()
{
    const QPalette p = QApplication::palette();
    return p.color(QPalette::Window).lightness() < p.color(QPalette::WindowText).lightness();
}

void applyTheme(AppSettings::Theme theme)
{
    static const QPalette systemPalette = QApplication::palette();
    if (theme == AppSettings::Theme::System) {
        QApplication::setPalette(systemPalette);
        return;
    }
    // A forced theme uses Fusion, which honours every palette role on every platform.
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p;
    if (theme == AppSettings::Theme::Dark) {
        const QColor window(0x20, 0x23, 0x28), base(0x16, 0x18, 0x1c), text(0xe6, 0xe8, 0xeb);
        p.setColor(QPalette::Window, window);
        p.setColor(QPalette::WindowText, text);
        p.setColor(QPalette::Base, base);
        p.setColor(QPalette::AlternateBase, QColor(0x1c, 0x1f, 0x24));
        p.setColor(QPalette::ToolTipBase, window);
        p.setColor(QPalette::ToolTipText, text);
        p.setColor(QPalette::Text, text);
        p.setColor(QPalette::Button, QColor(0x2a, 0x2e, 0x35));
        p.setColor(QPalette::ButtonText, text);
        p.setColor(QPalette::BrightText, Qt::white);
        p.setColor(QPalette::Highlight, QColor(0x2f, 0x81, 0xf7));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::Link, QColor(0x58, 0xa6, 0xff));
        p.setColor(QPalette::PlaceholderText, QColor(0x8b, 0x94, 0x9e));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6e, 0x76, 0x81));
        p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6e, 0x76, 0x81));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6e, 0x76, 0x81));
    } else {
        p = QApplication::style()->standardPalette();
    }
    QApplication::setPalette(p);
}

QColor levelColor(std::optional<detect::Level> level)
{
    if (!level)
        return QColor(0x6e, 0x77, 0x81);
    switch (*level) {
    case detect::Level::High: return QColor(0x1a, 0x7f, 0x37);
    case detect::Level::Medium: return QColor(0xbf, 0x87, 0x00);
    case detect::Level::Low: return QColor(0xd1, 0x5d, 0x04);
    case detect::Level::VeryLow: return QColor(0xcf, 0x22, 0x2e);
    }
    return QColor(0x6e, 0x77, 0x81);
}

} // namespace finpipe::app
