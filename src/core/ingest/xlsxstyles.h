#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QString>
#include <QStringView>

#include <optional>
#include <vector>

namespace finpipe::ingest {

//! What a number format shows: a plain number, a calendar date, something with a clock time, or
//! an elapsed time (a duration such as 255:10:10, which is no day of any calendar).
enum class DateFormat : quint8 { None, Date, DateTime, Duration };

//! Classifies an Excel number format code: d/m/y/h/s outside quotes, escapes and [brackets]
//! make it a date; the elapsed-time brackets [h], [mm], [ss] make it a Duration (unless the code
//! also shows a day, month or year); [Red] or [$-409] count as nothing.
DateFormat classifyFormatCode(QStringView code);

//! The built-in formats Excel does not write into styles.xml (ids 14-22 and 45-47 are dates/times;
//! 46 is the duration [h]:mm:ss).
DateFormat classifyBuiltinFormat(int numFmtId);

//! A number of days shown with an elapsed-time format as Excel shows it: 10.6320601851852 with
//! "[h]:mm:ss" is "255:10:10", with "[mm]:ss" "15310:10". Rounded to the smallest unit shown;
//! negative durations get a leading '-'.
QString formatDuration(double days, QStringView code);

//! The cell formats (cellXfs) of a workbook's styles.xml, reduced to what reading needs.
class XlsxStyles
{
public:
    //! Parses styles.xml; an empty document gives no styles (every cell is a plain number).
    static Result<XlsxStyles> parse(const QByteArray &xml);

    //! The date kind of the cell format with this index (the `s` attribute of a cell).
    DateFormat dateFormat(int styleIndex) const
    {
        return styleIndex >= 0 && size_t(styleIndex) < m_xf.size() ? m_xf[size_t(styleIndex)] : DateFormat::None;
    }
    //! The format code of a Duration cell format (for formatDuration), else empty.
    QString formatCode(int styleIndex) const
    {
        return styleIndex >= 0 && size_t(styleIndex) < m_codes.size() ? m_codes[size_t(styleIndex)] : QString();
    }

private:
    std::vector<DateFormat> m_xf;
    std::vector<QString> m_codes; //!< per cell format: the code of durations only
};

//! Excel date serials in the 1900 system (with its phantom 1900-02-29) or the 1904 system.
struct ExcelDate {
    static constexpr qint64 kMsecsPerDay = 86'400'000;
    //! Milliseconds since 1970-01-01 (naive clock), rounded to the millisecond; nullopt when the
    //! serial is not a real date: negative, after 9999-12-31, or the phantom 1900-02-29 (serial 60).
    static std::optional<qint64> toMsecs(double serial, bool date1904);
    //! "YYYY-MM-DD", or "YYYY-MM-DD HH:MM:SS[.zzz]" when withTime; into buf (>= 32 chars).
    static size_t format(qint64 msecs, bool withTime, char *buf);
};

} // namespace finpipe::ingest
