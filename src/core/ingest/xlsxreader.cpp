#include "xlsxreader.h"

namespace finpipe::ingest {

// Placeholder until the xlsx reader lands; it refuses every file with a plain error.
Result<std::unique_ptr<TableReader>> openXlsx(const QString &path, const ReadOptions &)
{
    return Error::make(Error::Code::Unsupported, QStringLiteral("Reading this kind of file is not available yet."), path);
}

} // namespace finpipe::ingest
