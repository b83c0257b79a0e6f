#pragma once

class QWidget;

namespace finpipe::app {

//! Shrinks a window to its designed size or 95 % of its screen's available area, whichever is
//! smaller (a 1366 x 768 laptop at 150 % scaling has 910 x 512 points to offer), and, when `centre`,
//! centres it there. Dialogs need no centring: Qt places them over their parent, on the screen.
void fitToScreen(QWidget *window, bool centre);

} // namespace finpipe::app
