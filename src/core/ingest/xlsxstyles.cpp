#include "xlsxstyles.h"

#include "ingest/valueparser.h"

#include <QHash>
#include <QXmlStreamReader>

#include <cmath>

namespace finpipe::ingest {

DateFormat classifyFormatCode(QStringView code)
{
    bool date = false;
    bool time = false;
    bool month = false;
    const qsizetype n = code.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t ch = code[i].unicode();
        switch (ch) {
        case u'"': // literal text
            ++i;
            while (i < n && code[i] != u'"')
                ++i;
            break;
        case u'\\': // escaped literal character
        case u'_':  // padding the width of the next character
        case u'*':  // repeating the next character
            ++i;
            break;
        case u'[': {
            const qsizetype close = code.indexOf(u']', i + 1);
            const QStringView inner = code.mid(i + 1, close < 0 ? n - i - 1 : close - i - 1);
            // [h], [mm], [ss]: elapsed time. Colours, conditions and [$-409] locales are not dates.
            bool elapsed = !inner.isEmpty();
            for (QChar c : inner)
                elapsed = elapsed && c.toLower() == inner.front().toLower()
                    && (c.toLower() == u'h' || c.toLower() == u'm' || c.toLower() == u's');
            time = time || elapsed;
            i = close < 0 ? n : close;
            break;
        }
        case u'd': case u'D': case u'y': case u'Y':
            date = true;
            break;
        case u'h': case u'H': case u's': case u'S':
            time = true;
            break;
        case u'm': case u'M':
            // Months or minutes: minutes only next to h or s, which already mark a time.
            month = true;
            break;
        default:
            break;
        }
    }
    if (month && !time)
        date = true;
    if (time)
        return DateFormat::DateTime;
    return date ? DateFormat::Date : DateFormat::None;
}

DateFormat classifyBuiltinFormat(int id)
{
    if (id >= 14 && id <= 17)
        return DateFormat::Date;
    if ((id >= 18 && id <= 22) || (id >= 45 && id <= 47))
        return DateFormat::DateTime;
    return DateFormat::None;
}

Result<XlsxStyles> XlsxStyles::parse(const QByteArray &xml)
{
    XlsxStyles styles;
    if (xml.isEmpty())
        return styles;
    QHash<int, DateFormat> custom;
    QXmlStreamReader r(xml);
    bool inCellXfs = false;
    while (!r.atEnd()) {
        const auto token = r.readNext();
        if (token == QXmlStreamReader::StartElement) {
            const QStringView name = r.name();
            if (name == u"numFmt") {
                const auto a = r.attributes();
                custom.insert(a.value(QLatin1StringView("numFmtId")).toInt(), classifyFormatCode(a.value(QLatin1StringView("formatCode"))));
            } else if (name == u"cellXfs") {
                inCellXfs = true;
            } else if (inCellXfs && name == u"xf") {
                const int id = r.attributes().value(QLatin1StringView("numFmtId")).toInt();
                // A workbook may redefine a built-in id; its own code wins.
                const auto it = custom.constFind(id);
                styles.m_xf.push_back(it != custom.constEnd() ? *it : classifyBuiltinFormat(id));
                r.skipCurrentElement();
            }
        } else if (token == QXmlStreamReader::EndElement && r.name() == u"cellXfs") {
            inCellXfs = false;
        }
    }
    if (r.hasError())
        return Error::make(Error::Code::Corrupt, QString(), r.errorString());
    return styles;
}

std::optional<qint64> ExcelDate::toMsecs(double serial, bool date1904)
{
    // 2958465 is 9999-12-31, the last day Excel shows.
    if (!(serial >= 0) || serial >= 2958466.0)
        return std::nullopt;
    double days; // since 1970-01-01
    if (date1904) {
        days = serial - 24107.0;
    } else {
        // Excel counts 1900 as a leap year: serial 60 is 1900-02-29, a day that never was, and
        // serials below it are one day later than the plain count from 1899-12-30 would give.
        if (serial >= 60.0 && serial < 61.0)
            return std::nullopt;
        days = (serial < 60.0 ? serial + 1.0 : serial) - 25569.0;
    }
    return std::llround(days * double(kMsecsPerDay));
}

namespace {

char *put2(char *p, int v)
{
    *p++ = char('0' + v / 10);
    *p++ = char('0' + v % 10);
    return p;
}

} // namespace

size_t ExcelDate::format(qint64 msecs, bool withTime, char *buf)
{
    const qint64 days = values::dayOf(msecs);
    const qint64 ms = msecs - days * kMsecsPerDay;
    const values::CivilDate date = values::civilFromDays(days);
    const int month = date.month;
    const int day = date.day;

    char *p = buf;
    const int y = int(qBound(qint64(0), date.year, qint64(9999)));
    *p++ = char('0' + y / 1000);
    *p++ = char('0' + y / 100 % 10);
    *p++ = char('0' + y / 10 % 10);
    *p++ = char('0' + y % 10);
    *p++ = '-';
    p = put2(p, month);
    *p++ = '-';
    p = put2(p, day);
    if (withTime) {
        const int secs = int(ms / 1000);
        *p++ = ' ';
        p = put2(p, secs / 3600);
        *p++ = ':';
        p = put2(p, secs / 60 % 60);
        *p++ = ':';
        p = put2(p, secs % 60);
        if (const int frac = int(ms % 1000)) {
            *p++ = '.';
            *p++ = char('0' + frac / 100);
            p = put2(p, frac % 100);
        }
    }
    return size_t(p - buf);
}

} // namespace finpipe::ingest
