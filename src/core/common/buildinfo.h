#pragma once

#include <QString>

namespace finpipe {

//! The git commit this build came from (12 hex digits, "-dirty" when tracked files had changes),
//! or "unknown" when it was built outside git.
QString buildCommit();

//! What `--version` prints and the About box shows, one fact a line:
//!   finpipe-cli (finpipe) 0.1.0        (the app: "finpipe 0.1.0")
//!   commit 06a2a31c1d2e
//!   Qt 6.4.2
//! The Qt line names the Qt the program runs with (and the one it was built with, when they differ).
QString versionText(const QString &program);

} // namespace finpipe
