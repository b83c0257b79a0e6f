#pragma once

#include "ingest/value.h"

#include <QtGlobal>

#include <string_view>

// Byte-level parsers for the values found in text exports. They run once per cell on the hot
// path, so they work on UTF-8 bytes directly and never allocate.
namespace finpipe::ingest::values {

//! Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days-from-civil).
constexpr qint64 daysFromCivil(int y, int m, int d)
{
    y -= m <= 2;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = int(y - era * 400);
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

//! A proleptic Gregorian date.
struct CivilDate {
    qint64 year;
    int month; //!< 1-12
    int day;   //!< 1-31
};

//! The date `days` days after 1970-01-01 (Howard Hinnant's civil-from-days), the inverse of
//! daysFromCivil().
constexpr CivilDate civilFromDays(qint64 days)
{
    const qint64 z = days + 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const int d = int(doy - (153 * mp + 2) / 5 + 1);
    const int m = int(mp < 10 ? mp + 3 : mp - 9);
    return {yoe + era * 400 + (m <= 2), m, d};
}

constexpr qint64 kMsecsPerDay = 86'400'000;

//! The day (since 1970-01-01) a time falls on, also before 1970.
constexpr qint64 dayOf(qint64 msecs)
{
    return msecs >= 0 ? msecs / kMsecsPerDay : -((-msecs + kMsecsPerDay - 1) / kMsecsPerDay);
}

//! The order of day and month in a slash, dash or dot date whose year comes last.
enum class DateOrder : quint8 { Unknown, DayFirst, MonthFirst };

//! Cells that stand for "no value" in exports ("", "N/A", "-", "NULL", ...) after trimming.
bool isNullToken(std::string_view s);

//! Strips ASCII spaces and tabs (and UTF-8 no-break spaces) at both ends.
std::string_view trim(std::string_view s);

//! Parses a number as written in finance exports: sign or parentheses for negatives, a currency
//! sign (€ $ £ ¥ ₹) or ISO code before or after, thousands separators, a decimal point or (when
//! `decimalComma`) comma, a trailing minus, a trailing CR or DR as bank statements write them
//! ("12.50 DR" is -12.5), and a percent sign (12.5% is 0.125).
//! `isInteger` is set when the written value has no fraction and no percent.
bool parseNumber(std::string_view s, bool decimalComma, double &out, bool &isInteger);

//! How the separators in a number-like cell hint at the decimal mark.
enum class SeparatorHint : quint8 { None, DecimalPoint, DecimalComma, Ambiguous };
//! Looks at a cell that may be a number and says which decimal mark it implies:
//! "12,5" and "1.234,56" imply a comma, "12.5" and "1,234.56" a point, "1,234" either.
SeparatorHint separatorHint(std::string_view s);

//! true/false in any letter case.
bool parseBoolean(std::string_view s, bool &out);

//! What a date-like cell says about day/month order, for deciding it across a column.
enum class OrderHint : quint8 { NotDate, Fixed, Ambiguous, DayFirst, MonthFirst };
OrderHint dateOrderHint(std::string_view s);

//! Parses a date or date-time: yyyy-mm-dd, yyyy/mm/dd, dd/mm/yyyy or mm/dd/yyyy (by `order`;
//! Unknown accepts either, day first when both fit), dd-mm-yyyy, dd.mm.yyyy (also with a two-digit
//! year, 00-69 being 2000-2069: "15.01.24"); optionally followed
//! by a space or 'T' and HH:MM[:SS[.fff]] and a 'Z'; and dates with a month name in English,
//! German, French, Spanish or Dutch ("04 Nov 2009", "4-Nov-09", "04. März 2021", "Nov 4, 2009").
//! `msecs` is on a naive clock since 1970.
bool parseDateTime(std::string_view s, DateOrder order, qint64 &msecs, bool &hasTime);

//! The kind a lone cell would have with no column context (used when sniffing).
Value::Kind classify(std::string_view s, bool decimalComma);

} // namespace finpipe::ingest::values
