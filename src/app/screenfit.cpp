#include "screenfit.h"

#include <QGuiApplication>
#include <QScreen>
#include <QWidget>

namespace finpipe::app {

void fitToScreen(QWidget *window, bool centre)
{
    const QWidget *parent = window->parentWidget();
    const QScreen *screen = parent ? parent->screen() : QGuiApplication::primaryScreen();
    if (!screen)
        return;
    const QRect room = screen->availableGeometry();
    window->resize(window->size().boundedTo(room.size() * 0.95));
    if (centre)
        window->move(room.center() - window->rect().center());
}

} // namespace finpipe::app
