#pragma once

#include <QtGlobal>

#include <string_view>

// Text forms shared by the audit lineage, its row hashes and the CSV outputs. They must agree
// byte for byte with the old pipeline (Python floats, pandas timestamps), so that old and new
// lineage files can be cross-checked and result CSVs compare equal.
namespace finpipe::analysis::lineage {

//! Buffer size that fits any formatNumber() result.
constexpr int kNumberChars = 32;

//! A double in shortest round-trip form, spelled like Python's repr(float): "1.5", "176.0",
//! "1e-05", "1.5e+16", "-0.0", "nan", "inf". Returns the length written (no terminator).
int formatNumber(double value, char *out);

//! "YYYY-MM-DD" of a naive timestamp (ms since 1970-01-01). Returns 10 (more for years > 9999).
int formatDate(qint64 msecs, char *out);

//! "YYYY-MM-DD HH:MM:SS" of a naive timestamp (sub-second part dropped). Needs 24 bytes.
int formatTimestamp(qint64 msecs, char *out);

} // namespace finpipe::analysis::lineage
