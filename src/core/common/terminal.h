#pragma once

namespace finpipe {

//! True when standard error is a terminal (progress is drawn there, never into a log file).
//! POSIX: isatty; Windows: _isatty; the portable build cannot tell and says false.
bool stderrIsTerminal();

} // namespace finpipe
