#pragma once

#include "analysis/resulttable.h"
#include "outputs/atomicfile.h"

#include <QByteArray>
#include <QString>

#include <string>
#include <string_view>

namespace finpipe::outputs {

//! Appends one CSV field (RFC 4180: quoted only when it holds a comma, quote or line break).
void appendCsvField(std::string &out, std::string_view field);

//! True when a spreadsheet would take the field for a formula: it starts with "=", "+", "-", "@",
//! tab or carriage return and is not a signed number (OWASP's CSV injection list).
bool looksLikeFormula(std::string_view field);

//! Appends a field from a file as a derived table shows it: like appendCsvField, but a field that
//! looksLikeFormula() gets a leading "'" and quotes (OWASP), so Excel shows it as text.
void appendSafeCsvField(std::string &out, std::string_view field);

//! Appends a cell as the CSV files show it: numbers in shortest round-trip form ("1.5", "176.0"),
//! dates "YYYY-MM-DD", date-times "YYYY-MM-DD HH:MM:SS", blanks empty, text through
//! appendSafeCsvField().
void appendCsvCell(std::string &out, const analysis::Cell &cell);

//! The table as CSV (a derived table: formula-like text escaped, see appendSafeCsvField): header
//! row then data rows, comma-separated, LF line ends, UTF-8 without BOM.
//! Deterministic: the same table always gives the same bytes.
QByteArray tableToCsv(const analysis::ResultTable &table);

//! Writes tableToCsv(table) to `path` atomically.
Result<WrittenFile> writeTableCsv(const analysis::ResultTable &table, const QString &path);

} // namespace finpipe::outputs
