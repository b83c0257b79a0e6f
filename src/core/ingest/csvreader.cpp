#include "csvreader.h"

namespace finpipe::ingest {

// Placeholder until the csv reader lands; it refuses every file with a plain error.
Result<std::unique_ptr<TableReader>> openCsv(const QString &path, const ReadOptions &)
{
    return Error::make(Error::Code::Unsupported, QStringLiteral("Reading this kind of file is not available yet."), path);
}

} // namespace finpipe::ingest
