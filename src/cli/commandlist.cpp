#include "cli.h"

namespace finpipe::cli {

const QList<Command> &commands()
{
    static const QList<Command> list{
        {"hash", "Print SHA-256 checksums (sha256sum format)", &runHash},
    };
    return list;
}

} // namespace finpipe::cli
