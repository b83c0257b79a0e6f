#pragma once

#include "analysis/resulttable.h"
#include "outputs/atomicfile.h"

#include <QStringList>

namespace finpipe::outputs {

//! Data rows that fit on one Excel sheet under its header row.
constexpr qint64 kXlsxMaxDataRows = 1'048'575;

//! An Excel sheet name for `wanted`: forbidden characters replaced, at most 31 characters, and
//! not equal (ignoring case) to any of `taken`.
QString xlsxSheetName(const QString &wanted, const QStringList &taken);

//! Writes results.xlsx atomically: one sheet per result table, then the data-quality table. Real
//! numbers and dates (date format), a bold frozen header row with an autofilter, column widths
//! fitted to the content. A table longer than a sheet continues on further sheets; `notes`
//! receives a sentence for every table split that way.
Result<WrittenFile> writeResultsXlsx(const analysis::AnalysisResult &result, const QString &path,
                                     QStringList *notes = nullptr, qint64 maxRowsPerSheet = kXlsxMaxDataRows);

} // namespace finpipe::outputs
