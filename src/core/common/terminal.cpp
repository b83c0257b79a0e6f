#include "terminal.h"

#include "common/platform.h"

#if FINPIPE_POSIX_CALLS
#include <unistd.h>
#elif defined(Q_OS_WIN)
#include <cstdio>
#include <io.h>
#endif

namespace finpipe {

bool stderrIsTerminal()
{
#if FINPIPE_POSIX_CALLS
    return ::isatty(STDERR_FILENO) == 1;
#elif defined(Q_OS_WIN)
    return _isatty(_fileno(stderr)) != 0;
#else
    return false;
#endif
}

} // namespace finpipe
