#include "lineage.h"

#include "ingest/valueparser.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace finpipe::analysis::lineage {

int formatNumber(double value, char *out)
{
    char *p = out;
    if (std::isnan(value)) {
        std::memcpy(out, "nan", 3);
        return 3;
    }
    if (std::signbit(value)) {
        *p++ = '-';
        value = -value;
    }
    if (std::isinf(value)) {
        std::memcpy(p, "inf", 3);
        return int(p - out) + 3;
    }
    // Shortest round-trip digits in scientific form ("1.2345e+02"), then laid out the way
    // Python's repr() does: fixed notation for exponents -5 < e < 16, with ".0" on integers.
    char sci[32];
    const auto res = std::to_chars(sci, sci + sizeof sci, value, std::chars_format::scientific);
    const char *end = res.ptr;
    const char *e = static_cast<const char *>(std::memchr(sci, 'e', size_t(end - sci)));
    char digits[24];
    int nDigits = 0;
    for (const char *q = sci; q < e; ++q)
        if (*q != '.')
            digits[nDigits++] = *q;
    int exponent = 0;
    std::from_chars(e + 2, end, exponent); // after the sign
    if (e[1] == '-')
        exponent = -exponent;

    if (exponent < -4 || exponent >= 16) {
        *p++ = digits[0];
        if (nDigits > 1) {
            *p++ = '.';
            std::memcpy(p, digits + 1, size_t(nDigits - 1));
            p += nDigits - 1;
        }
        *p++ = 'e';
        *p++ = exponent < 0 ? '-' : '+';
        const int a = exponent < 0 ? -exponent : exponent;
        if (a >= 100)
            *p++ = char('0' + a / 100);
        *p++ = char('0' + (a / 10) % 10);
        *p++ = char('0' + a % 10);
        return int(p - out);
    }
    const int point = exponent + 1; // digits before the decimal point
    if (point <= 0) {
        *p++ = '0';
        *p++ = '.';
        for (int i = 0; i < -point; ++i)
            *p++ = '0';
        std::memcpy(p, digits, size_t(nDigits));
        p += nDigits;
    } else if (point >= nDigits) {
        std::memcpy(p, digits, size_t(nDigits));
        p += nDigits;
        for (int i = nDigits; i < point; ++i)
            *p++ = '0';
        *p++ = '.';
        *p++ = '0';
    } else {
        std::memcpy(p, digits, size_t(point));
        p += point;
        *p++ = '.';
        std::memcpy(p, digits + point, size_t(nDigits - point));
        p += nDigits - point;
    }
    return int(p - out);
}

namespace {

inline char *two(char *p, int v)
{
    p[0] = char('0' + v / 10);
    p[1] = char('0' + v % 10);
    return p + 2;
}

char *writeDate(char *p, qint64 days)
{
    const ingest::values::CivilDate c = ingest::values::civilFromDays(days);
    if (c.year >= 0 && c.year <= 9999) {
        const int y = int(c.year);
        p[0] = char('0' + y / 1000);
        p[1] = char('0' + (y / 100) % 10);
        p[2] = char('0' + (y / 10) % 10);
        p[3] = char('0' + y % 10);
        p += 4;
    } else {
        p = std::to_chars(p, p + 12, c.year).ptr;
    }
    *p++ = '-';
    p = two(p, c.month);
    *p++ = '-';
    return two(p, c.day);
}

} // namespace

int formatDate(qint64 msecs, char *out)
{
    return int(writeDate(out, ingest::values::dayOf(msecs)) - out);
}

int formatTimestamp(qint64 msecs, char *out)
{
    const qint64 days = ingest::values::dayOf(msecs);
    const qint64 secs = (msecs - days * ingest::values::kMsecsPerDay) / 1000;
    char *p = writeDate(out, days);
    *p++ = ' ';
    p = two(p, int(secs / 3600));
    *p++ = ':';
    p = two(p, int(secs / 60 % 60));
    *p++ = ':';
    p = two(p, int(secs % 60));
    return int(p - out);
}

} // namespace finpipe::analysis::lineage
