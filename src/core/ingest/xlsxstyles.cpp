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
    bool duration = false;
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
            duration = duration || elapsed;
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
    if (month && !time && !duration)
        date = true;
    if (duration && !date)
        return DateFormat::Duration;
    if (time || duration)
        return DateFormat::DateTime;
    return date ? DateFormat::Date : DateFormat::None;
}

DateFormat classifyBuiltinFormat(int id)
{
    if (id >= 14 && id <= 17)
        return DateFormat::Date;
    if (id == 46)
        return DateFormat::Duration;
    if ((id >= 18 && id <= 22) || id == 45 || id == 47)
        return DateFormat::DateTime;
    return DateFormat::None;
}

Result<XlsxStyles> XlsxStyles::parse(const QByteArray &xml)
{
    XlsxStyles styles;
    if (xml.isEmpty())
        return styles;
    QHash<int, std::pair<DateFormat, QString>> custom;
    QXmlStreamReader r(xml);
    bool inCellXfs = false;
    while (!r.atEnd()) {
        const auto token = r.readNext();
        if (token == QXmlStreamReader::StartElement) {
            const QStringView name = r.name();
            if (name == u"numFmt") {
                const auto a = r.attributes();
                const QStringView code = a.value(QLatin1StringView("formatCode"));
                const DateFormat kind = classifyFormatCode(code);
                custom.insert(a.value(QLatin1StringView("numFmtId")).toInt(),
                              {kind, kind == DateFormat::Duration ? code.left(200).toString() : QString()});
            } else if (name == u"cellXfs") {
                inCellXfs = true;
            } else if (inCellXfs && name == u"xf") {
                const int id = r.attributes().value(QLatin1StringView("numFmtId")).toInt();
                // A workbook may redefine a built-in id; its own code wins.
                const auto it = custom.constFind(id);
                const DateFormat kind = it != custom.constEnd() ? it->first : classifyBuiltinFormat(id);
                styles.m_xf.push_back(kind);
                styles.m_codes.push_back(kind != DateFormat::Duration ? QString()
                                         : it != custom.constEnd() ? it->second : QStringLiteral("[h]:mm:ss"));
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

QString formatDuration(double days, QStringView code)
{
    // The first section only (positive numbers); a sign is added for negative durations.
    struct Token {
        char unit = 0;      // 'h', 'm', 's', 'f' (fraction of a second), 0 for literal text
        bool elapsed = false;
        int width = 0;
        QString text;
    };
    std::vector<Token> tokens;
    auto literal = [&](QStringView t) {
        if (tokens.empty() || tokens.back().unit != 0)
            tokens.push_back({});
        tokens.back().text += t;
    };
    const qsizetype n = code.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = code[i];
        const char16_t lc = c.toLower().unicode();
        if (c == u';')
            break;
        if (c == u'"') {
            const qsizetype close = code.indexOf(u'"', i + 1);
            literal(code.mid(i + 1, (close < 0 ? n : close) - i - 1));
            i = close < 0 ? n : close;
        } else if (c == u'\\' && i + 1 < n) {
            literal(code.mid(++i, 1));
        } else if (c == u'_' && i + 1 < n) {
            literal(u" ");
            ++i;
        } else if (c == u'*' && i + 1 < n) {
            ++i; // fill character: no width here
        } else if (c == u'[') {
            const qsizetype close = code.indexOf(u']', i + 1);
            const QStringView inner = code.mid(i + 1, (close < 0 ? n : close) - i - 1);
            const char16_t u = inner.isEmpty() ? 0 : inner.front().toLower().unicode();
            bool same = u == u'h' || u == u'm' || u == u's';
            for (QChar ch : inner)
                same = same && ch.toLower() == QChar(u);
            if (same)
                tokens.push_back({char(u), true, int(inner.size()), {}});
            i = close < 0 ? n : close; // colours, conditions, locales show nothing
        } else if (lc == u'h' || lc == u'm' || lc == u's') {
            qsizetype j = i;
            while (j < n && code[j].toLower() == c.toLower())
                ++j;
            tokens.push_back({char(lc), false, int(j - i), {}});
            i = j - 1;
        } else if (c == u'.' && i + 1 < n && code[i + 1] == u'0' && !tokens.empty() && tokens.back().unit == 's') {
            qsizetype j = i + 1;
            while (j < n && code[j] == u'0')
                ++j;
            tokens.push_back({'f', false, int(std::min<qsizetype>(j - i - 1, 3)), {}});
            i = j - 1;
        } else {
            literal(code.mid(i, 1));
        }
    }
    // Rounded to the smallest unit shown, as Excel does.
    qint64 unitMs = 3'600'000;
    for (const Token &t : tokens) {
        if (t.unit == 'm')
            unitMs = std::min<qint64>(unitMs, 60'000);
        else if (t.unit == 's')
            unitMs = std::min<qint64>(unitMs, 1000);
        else if (t.unit == 'f')
            unitMs = std::min<qint64>(unitMs, t.width >= 3 ? 1 : t.width == 2 ? 10 : 100);
    }
    const double ms = std::fabs(days) * double(ExcelDate::kMsecsPerDay);
    if (!(ms < 9.0e15)) // beyond what a duration can be shown as; keep the number
        return QString::number(days, 'g', 17);
    qint64 total = std::llround(ms);
    total = (total + unitMs / 2) / unitMs * unitMs;
    QString out = days < 0 && total > 0 ? QStringLiteral("-") : QString();
    for (const Token &t : tokens) {
        qint64 v = 0;
        switch (t.unit) {
        case 0: out += t.text; continue;
        case 'h': v = t.elapsed ? total / 3'600'000 : total / 3'600'000 % 24; break;
        case 'm': v = t.elapsed ? total / 60'000 : total / 60'000 % 60; break;
        case 's': v = t.elapsed ? total / 1000 : total / 1000 % 60; break;
        case 'f': {
            const QString frac = QStringLiteral("%1").arg(total % 1000, 3, 10, QLatin1Char('0'));
            out += u'.' + frac.left(t.width);
            continue;
        }
        default: break;
        }
        out += QStringLiteral("%1").arg(v, std::min(t.width, 2), 10, QLatin1Char('0'));
    }
    return out;
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
