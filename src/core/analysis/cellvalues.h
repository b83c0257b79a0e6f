#pragma once

#include "analysis/lineage.h"
#include "common/result.h"
#include "detect/mapping.h"
#include "ingest/reader.h"
#include "ingest/value.h"

#include <QString>
#include <QStringList>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

// Helpers shared by the sales summary, the profile and the time-series report: reading typed
// values out of cells whatever kind the reader gave them, resolving roles to columns, and naming.
namespace finpipe::analysis::cells {

//! Strips ASCII whitespace at both ends.
std::string_view trim(std::string_view s);

//! The cell as a number: Integer/Decimal cells as they are, text cells that are plain decimal
//! numbers ("12.5", "-3", "1e3"). Booleans, dates and anything else are not amounts.
bool numberOf(const ingest::Value &v, double &out);

//! The cell as a date/time on a naive clock: Date/DateTime cells, or ISO text
//! "YYYY-MM-DD" optionally followed by " HH:MM[:SS]" or "THH:MM[:SS]".
bool dateOf(const ingest::Value &v, qint64 &msecs, bool &hasTime);

//! A yes/no flag: numbers (non-zero is yes), booleans, and the words true/false, yes/no, y/n.
bool flagOf(const ingest::Value &v, bool &out);

//! The fewest decimals (0..kMaxDecimals) that write `v` exactly, at least `atLeast`.
//! Used to round totals back to the precision of their inputs: a sum of amounts in cents is in
//! cents, and rounding removes the binary noise of adding them up (4512952.579999999).
constexpr int kMaxDecimals = 9;
int decimalsOf(double v, int atLeast);
//! `v` rounded to `decimals` places (unchanged at kMaxDecimals or where doubles are too coarse).
double roundTo(double v, int decimals);

//! Midnight of the first day of the month holding `msecs`.
qint64 monthStartOf(qint64 msecs);
//! "YYYY-MM" of the month holding `msecs`.
QString monthText(qint64 msecs);
//! "YYYY-MM-DD".
QString dateText(qint64 msecs);

//! Which letters a file stem keeps besides digits, '-' and '_'.
enum class StemLetters {
    Ascii,   //!< a-z and A-Z; anything else becomes '_'
    Unicode, //!< every letter ("Zürich"), and '.' (a leading '.' gets a '_' before it)
};

//! A file stem safe on every platform: letters, digits, '-' and '_' kept, anything else '_'.
//! A long name is cut to kMaxStemBytes of UTF-8 and ends in 8 hex digits of its SHA-256, so
//! that file names stay within every file system's 255-byte limit and stay distinct.
QString safeStem(const QString &name, StemLetters letters = StemLetters::Ascii);
inline constexpr qsizetype kMaxStemBytes = 120;

//! Index of the column named exactly `name`, or -1.
int columnIndex(const QList<ingest::ColumnInfo> &columns, const QString &name);

//! Resolves `role` through the mapping. Returns -1 (and no error) when the role is not mapped and
//! `required` is false; an Error in the analyst's words when it is required and missing, or when
//! the mapped column is not in the file.
Result<int> resolveRole(const QList<ingest::ColumnInfo> &columns, const detect::ColumnMapping &mapping,
                        const QString &role, bool required);

//! Integer ids for strings, so that aggregation keys are small and cheap to look up with a view.
class Interner
{
public:
    int id(std::string_view s);
    const std::string &text(int id) const { return m_texts[size_t(id)]; }
    int size() const { return int(m_texts.size()); }

private:
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, int, Hash, std::equal_to<>> m_ids;
    std::vector<std::string> m_texts;
};

//! A set of 64-bit fingerprints of strings (open addressing, 8 bytes a slot): remembers millions
//! of order ids in a few tens of MB. Two different ids share a fingerprint with a probability of
//! about n^2 / 2^65 (1e-7 for two million ids), which would report one duplicate too many.
class FingerprintSet
{
public:
    //! Adds the string's fingerprint; false if it was already there.
    bool insert(std::string_view s);
    qint64 size() const { return m_size; }

private:
    void grow();
    std::vector<quint64> m_slots;
    qint64 m_size = 0;
};

//! SHA-256 hex of fields joined with '|' (the audit lineage's row hash).
class RowHasher
{
public:
    //! The view stays valid until the next call.
    std::string_view hash(const std::string_view *fields, int count);

private:
    std::string m_buffer;
    char m_hex[64] = {};
};

//! QString from a UTF-8 view.
inline QString qs(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

} // namespace finpipe::analysis::cells
