#pragma once

#include "detect/detection.h"

#include <optional>

#include "appsettings.h"

#include <QColor>
#include <QIcon>
#include <QPixmap>

//! Makes the application's resources (icons) available; call once before using them.
void finpipeInitAppResources();

namespace finpipe::app {

//! A themed SVG icon from resources/icons (`name` without ".svg"): strokes drawn in `currentColor`
//! take the palette's text colour, rendered sharp at every size and device pixel ratio.
QIcon themedIcon(const QString &name);
//! The SVG rendered at `size` logical pixels for `dpr`, in `color` (invalid: palette text colour).
QPixmap themedPixmap(const QString &name, int size, qreal dpr, QColor color = {});

//! True when the current palette is dark (light text on a dark window).
bool isDarkPalette();
//! Applies the theme to the application: System keeps the platform's palette (which follows the
//! system's light/dark setting where the platform reports it); Light and Dark force a palette.
void applyTheme(AppSettings::Theme theme);

//! Badge colour for a detection level; grey for none (the analyst named the type).
QColor levelColor(std::optional<detect::Level> level);

} // namespace finpipe::app
