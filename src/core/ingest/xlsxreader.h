#pragma once

#include "ingest/reader.h"

namespace finpipe::ingest {

//! Opens an .xlsx/.xlsm workbook and one of its worksheets (ReadOptions::sheet).
Result<std::unique_ptr<TableReader>> openXlsx(const QString &path, const ReadOptions &options);

} // namespace finpipe::ingest
