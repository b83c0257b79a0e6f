#pragma once

#include "ingest/reader.h"

namespace finpipe::ingest {

//! Opens a delimited text file: sniffs encoding, delimiter, quote, header and junk lines.
Result<std::unique_ptr<TableReader>> openCsv(const QString &path, const ReadOptions &options);

} // namespace finpipe::ingest
