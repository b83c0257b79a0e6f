#include "valueparser.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <string>

namespace finpipe::ingest::values {

namespace {

constexpr bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool startsWith(std::string_view s, std::string_view prefix)
{
    return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

bool endsWith(std::string_view s, std::string_view suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Longest first, so that "US$" wins over "$" and "Rs." over "Rs".
constexpr std::array<std::string_view, 9> kCurrencySigns{
    "US$", "Rs.", "\xE2\x82\xAC" /* € */, "\xE2\x82\xB9" /* ₹ */, "\xC2\xA3" /* £ */,
    "\xC2\xA5" /* ¥ */, "Rs", "$", "\xE2\x82\xBD" /* ₽ */};

// ISO 4217 codes seen in finance exports. A fixed list rather than "any three capitals", so that
// a station or product code in front of a number ("TUS 5") is not mistaken for money.
constexpr std::array<std::string_view, 32> kCurrencyCodes{
    "USD", "EUR", "GBP", "INR", "JPY", "CNY", "CHF", "CAD", "AUD", "NZD", "SEK",
    "NOK", "DKK", "HKD", "SGD", "ZAR", "BRL", "MXN", "RUB", "AED", "SAR", "KRW",
    "PLN", "CZK", "HUF", "TRY", "ILS", "THB", "MYR", "IDR", "PHP", "RMB"};

constexpr bool isUpper(char c)
{
    return c >= 'A' && c <= 'Z';
}

//! Whether `c` can begin or end a currency sign or code: most cells are rejected by one compare.
constexpr bool currencyByte(char c)
{
    return isUpper(c) || c == '$' || c == '.' || c == 's' || static_cast<unsigned char>(c) >= 0x80;
}

bool stripCurrencyPrefix(std::string_view &s)
{
    if (s.empty() || !currencyByte(s.front()))
        return false;
    for (std::string_view sign : kCurrencySigns)
        if (startsWith(s, sign)) {
            s = trim(s.substr(sign.size()));
            return true;
        }
    if (s.size() > 3 && isUpper(s[0]) && isUpper(s[1]) && isUpper(s[2]))
        for (std::string_view code : kCurrencyCodes)
            if (startsWith(s, code)) {
                s = trim(s.substr(3));
                return true;
            }
    return false;
}

bool stripCurrencySuffix(std::string_view &s)
{
    if (s.empty() || !currencyByte(s.back()))
        return false;
    for (std::string_view sign : kCurrencySigns)
        if (endsWith(s, sign)) {
            s = trim(s.substr(0, s.size() - sign.size()));
            return true;
        }
    const size_t n = s.size();
    if (n > 3 && isUpper(s[n - 1]) && isUpper(s[n - 2]) && isUpper(s[n - 3]))
        for (std::string_view code : kCurrencyCodes)
            if (endsWith(s, code)) {
                s = trim(s.substr(0, s.size() - 3));
                return true;
            }
    return false;
}

bool stripMinus(std::string_view &s)
{
    if (!s.empty() && s.front() == '-') {
        s = trim(s.substr(1));
        return true;
    }
    if (startsWith(s, "\xE2\x88\x92")) { // U+2212 minus sign
        s = trim(s.substr(3));
        return true;
    }
    return false;
}

//! Takes a trailing "CR"/"DR" (any case, "Cr." too) off a figure; a debit flips `negative`.
bool stripCreditDebit(std::string_view &s, bool &negative)
{
    std::string_view t = s;
    if (!t.empty() && t.back() == '.')
        t.remove_suffix(1);
    if (t.size() < 3)
        return false;
    const char a = char(t[t.size() - 2] | 0x20), b = char(t[t.size() - 1] | 0x20);
    const char before = t[t.size() - 3];
    if (b != 'r' || (a != 'c' && a != 'd') || !(before == ' ' || isDigit(before)))
        return false;
    s = trim(t.substr(0, t.size() - 2));
    if (a == 'd')
        negative = !negative;
    return true;
}

//! The digits-and-separators core of a number-like cell with signs, currency, parentheses and
//! percent taken off.
struct NumberCore {
    std::string_view core;
    bool negative = false;
    bool percent = false;
    bool valid = false;
};

NumberCore numberCore(std::string_view s)
{
    NumberCore r;
    s = trim(s);
    if (s.size() >= 2 && s.front() == '(' && s.back() == ')') {
        r.negative = true;
        s = trim(s.substr(1, s.size() - 2));
    }
    bool signSeen = false;
    if (stripMinus(s)) {
        r.negative = !r.negative;
        signSeen = true;
    } else if (!s.empty() && s.front() == '+') {
        s = trim(s.substr(1));
        signSeen = true;
    }
    stripCurrencyPrefix(s);
    if (!signSeen && stripMinus(s)) {
        r.negative = !r.negative;
        signSeen = true;
    }
    if (!s.empty() && s.back() == '%') {
        r.percent = true;
        s = trim(s.substr(0, s.size() - 1));
    }
    stripCurrencySuffix(s);
    // Bank statements mark the side after the figure: "12.50 DR" is money out, "12.50 CR" in.
    if (!signSeen && stripCreditDebit(s, r.negative)) {
        signSeen = true;
        stripCurrencySuffix(s);
    }
    // SAP and some bank exports put the minus at the end: "1.234,50-".
    if (!signSeen && s.size() > 1 && s.back() == '-') {
        r.negative = !r.negative;
        s = trim(s.substr(0, s.size() - 1));
        stripCurrencySuffix(s);
    }
    if (!r.percent && !s.empty() && s.back() == '%') {
        r.percent = true;
        s = trim(s.substr(0, s.size() - 1));
    }
    if (s.empty() || !(isDigit(s.front()) || s.front() == '.' || s.front() == ','))
        return r;
    r.core = s;
    r.valid = true;
    return r;
}

bool fromChars(const char *begin, const char *end, double &out)
{
    const auto res = std::from_chars(begin, end, out);
    return res.ec == std::errc() && res.ptr == end;
}

//! Parses the core with strict grouping: groups of three after a first group of one to three.
bool parseCore(std::string_view s, bool decimalComma, double &out, bool &isInteger)
{
    char buf[72];
    if (s.size() >= sizeof buf - 8)
        return false;
    size_t n = 0;
    const char dec = decimalComma ? ',' : '.';
    int intDigits = 0;
    int groupLen = 0;
    int fracDigits = 0;
    bool seenGroup = false;
    int middleGroup = 0;
    bool seenDec = false;
    bool seenExp = false;
    size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (isDigit(c)) {
            buf[n++] = c;
            if (seenDec)
                ++fracDigits;
            else {
                ++intDigits;
                ++groupLen;
            }
            ++i;
            continue;
        }
        if (c == dec) {
            if (seenDec || (seenGroup && groupLen != 3))
                return false;
            seenDec = true;
            buf[n++] = '.';
            ++i;
            continue;
        }
        size_t sepLen = 0;
        if ((!decimalComma && c == ',') || (decimalComma && c == '.') || c == ' ' || c == '\'')
            sepLen = 1;
        else if (startsWith(s.substr(i), "\xC2\xA0"))
            sepLen = 2;
        else if (startsWith(s.substr(i), "\xE2\x80\xAF"))
            sepLen = 3;
        if (sepLen) {
            if (seenDec || intDigits == 0)
                return false;
            if (!seenGroup) {
                if (intDigits > 3)
                    return false;
                seenGroup = true;
            } else if (groupLen != 3 && groupLen != 2) {
                return false;
            } else if (middleGroup && middleGroup != groupLen) {
                return false; // middle groups are all 3 (1,234,567) or all 2 (Indian 12,34,567)
            } else {
                middleGroup = groupLen;
            }
            groupLen = 0;
            i += sepLen;
            continue;
        }
        if ((c == 'e' || c == 'E') && (intDigits + fracDigits) > 0 && !seenGroup) {
            // Scientific notation: the rest must be an optionally signed exponent.
            size_t j = i + 1;
            buf[n++] = 'e';
            if (j < s.size() && (s[j] == '+' || s[j] == '-'))
                buf[n++] = s[j++];
            const size_t expStart = j;
            while (j < s.size() && isDigit(s[j]))
                buf[n++] = s[j++];
            if (j != s.size() || j == expStart)
                return false;
            seenExp = true;
            break;
        }
        return false;
    }
    if (intDigits + fracDigits == 0)
        return false;
    if (seenGroup && !seenDec && !seenExp && groupLen != 3)
        return false;
    if (!fromChars(buf, buf + n, out))
        return false;
    isInteger = !seenDec && !seenExp;
    return true;
}

bool parseNumberSlow(std::string_view s, bool decimalComma, double &out, bool &isInteger)
{
    const NumberCore c = numberCore(s);
    if (!c.valid || !parseCore(c.core, decimalComma, out, isInteger))
        return false;
    if (c.negative)
        out = -out;
    if (c.percent) {
        out /= 100.0;
        isInteger = false;
    }
    return true;
}

int daysInMonth(int y, int m)
{
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return kDays[m - 1];
}

//! Reads up to `maxDigits` digits at `p`; returns how many were read.
int readNumber(const char *&p, const char *e, int maxDigits, int &value)
{
    int n = 0;
    value = 0;
    while (p < e && n < maxDigits && isDigit(*p)) {
        value = value * 10 + (*p - '0');
        ++p;
        ++n;
    }
    return n;
}

struct DateParts {
    int a = 0, b = 0, c = 0;
    int lenA = 0, lenC = 0;
    char sep = 0;
    const char *rest = nullptr;
};

//! Splits "n1 SEP n2 SEP n3" (SEP one of - / .) off the front of a cell.
bool splitDate(const char *p, const char *e, DateParts &d)
{
    d.lenA = readNumber(p, e, 4, d.a);
    if (d.lenA == 0 || p >= e || (*p != '-' && *p != '/' && *p != '.'))
        return false;
    d.sep = *p++;
    if (readNumber(p, e, 2, d.b) == 0 || p >= e || *p != d.sep)
        return false;
    ++p;
    d.lenC = readNumber(p, e, 4, d.c);
    if (d.lenC == 0 || (p < e && isDigit(*p)))
        return false;
    // A year is four digits, or two after a day and a month (bank exports' "15.01.24"); a day or
    // month one or two.
    if (d.lenA == 4) {
        if (d.lenC > 2)
            return false;
    } else if (d.lenA > 2 || (d.lenC != 4 && d.lenC != 2)) {
        return false;
    }
    d.rest = p;
    return true;
}

bool parseTime(const char *p, const char *e, qint64 &msOfDay)
{
    int h = 0, mi = 0, sec = 0, ms = 0;
    if (readNumber(p, e, 2, h) == 0 || p >= e || *p != ':')
        return false;
    ++p;
    if (readNumber(p, e, 2, mi) != 2)
        return false;
    if (p < e && *p == ':') {
        ++p;
        if (readNumber(p, e, 2, sec) != 2)
            return false;
        if (p < e && (*p == '.' || *p == ',')) {
            ++p;
            int scale = 100;
            const char *start = p;
            while (p < e && isDigit(*p)) {
                ms += (*p - '0') * scale;
                scale /= 10;
                ++p;
            }
            if (p == start)
                return false;
        }
    }
    if (p < e && *p == ' ')
        ++p;
    if (p < e && (*p == 'Z' || *p == 'z')) {
        ++p;
    } else if (e - p == 2 && (p[1] == 'M' || p[1] == 'm')) {
        // 12-hour clock: "03:15 PM".
        const bool pm = p[0] == 'P' || p[0] == 'p';
        if (!pm && p[0] != 'A' && p[0] != 'a')
            return false;
        if (h < 1 || h > 12)
            return false;
        h = (h % 12) + (pm ? 12 : 0);
        p += 2;
    }
    if (p != e || h > 23 || mi > 59 || sec > 59)
        return false;
    msOfDay = ((qint64(h) * 60 + mi) * 60 + sec) * 1000 + ms;
    return true;
}

} // namespace

std::string_view trim(std::string_view s)
{
    // Byte compares only: this runs on the hot path.
    for (;;) {
        if (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
            s.remove_prefix(1);
        else if (s.size() >= 2 && s[0] == '\xC2' && s[1] == '\xA0')
            s.remove_prefix(2);
        else
            break;
    }
    for (;;) {
        if (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
            s.remove_suffix(1);
        else if (s.size() >= 2 && s[s.size() - 2] == '\xC2' && s.back() == '\xA0')
            s.remove_suffix(2);
        else
            break;
    }
    return s;
}

bool isNullToken(std::string_view s)
{
    // Cheap rejection first: this runs for every short text cell.
    if (!s.empty()) {
        const char c = s.front();
        if (c != ' ' && c != '\t' && c != '-' && c != 'N' && c != 'n' && c != '#' && c != '\xE2'
            && c != '\xC2')
            return false;
    }
    s = trim(s);
    auto is = [s](const char *token, size_t n) {
        for (size_t i = 0; i < n; ++i)
            if (s[i] != token[i])
                return false;
        return true;
    };
    switch (s.size()) {
    case 0: return true;
    case 1: return s[0] == '-';
    case 2: return s[0] == '-' && s[1] == '-';
    case 3:
        return is("\xE2\x80\x94", 3) || is("N/A", 3) || is("n/a", 3) || is("NaN", 3) || is("nan", 3);
    case 4: return is("#N/A", 4) || is("NULL", 4) || is("null", 4);
    default: return false;
    }
}

bool parseNumber(std::string_view s, bool decimalComma, double &out, bool &isInteger)
{
    // Fast path for the plain forms that make up nearly every cell of a large export:
    // -?digits and -?digits.digits (or digits,digits with a decimal comma).
    const char *p = s.data();
    const char *e = p + s.size();
    const char *q = p;
    if (q < e && *q == '-')
        ++q;
    const char *digits = q;
    std::uint64_t iv = 0;
    while (q < e && isDigit(*q)) {
        iv = iv * 10 + std::uint64_t(*q - '0');
        ++q;
    }
    const long nd = q - digits;
    if (nd > 0) {
        if (q == e && nd <= 15) {
            out = p < digits ? -double(iv) : double(iv);
            isInteger = true;
            return true;
        }
        const char dec = decimalComma ? ',' : '.';
        if (q < e && *q == dec) {
            const char *f = q + 1;
            std::uint64_t mantissa = iv;
            while (f < e && isDigit(*f)) {
                mantissa = mantissa * 10 + std::uint64_t(*f - '0');
                ++f;
            }
            const long fracDigits = f - q - 1;
            if (f == e && fracDigits > 0 && nd + fracDigits <= 15) {
                // Exact mantissa below 2^53 divided by an exact power of ten: one correctly
                // rounded division gives the same double as a full decimal conversion (Clinger).
                static constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                                    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
                out = double(mantissa) / kPow10[fracDigits];
                if (p < digits)
                    out = -out;
                isInteger = false;
                return true;
            }
            if (f == e && fracDigits > 0) {
                isInteger = false;
                if (!decimalComma)
                    return fromChars(p, e, out);
                char buf[64];
                if (s.size() < sizeof buf) {
                    std::copy(p, e, buf);
                    buf[q - p] = '.';
                    return fromChars(buf, buf + s.size(), out);
                }
            }
        }
    }
    return parseNumberSlow(s, decimalComma, out, isInteger);
}

SeparatorHint separatorHint(std::string_view s)
{
    const NumberCore c = numberCore(s);
    if (!c.valid)
        return SeparatorHint::None;
    const std::string_view t = c.core;
    int commas = 0, points = 0;
    size_t lastComma = std::string_view::npos, lastPoint = std::string_view::npos;
    for (size_t i = 0; i < t.size(); ++i) {
        if (t[i] == ',') {
            ++commas;
            lastComma = i;
        } else if (t[i] == '.') {
            ++points;
            lastPoint = i;
        } else if (!isDigit(t[i])) {
            return SeparatorHint::None;
        }
    }
    if (commas && points)
        return lastComma > lastPoint ? SeparatorHint::DecimalComma : SeparatorHint::DecimalPoint;
    if (commas == 1)
        return t.size() - lastComma - 1 == 3 ? SeparatorHint::Ambiguous : SeparatorHint::DecimalComma;
    if (points == 1)
        return t.size() - lastPoint - 1 == 3 ? SeparatorHint::Ambiguous : SeparatorHint::DecimalPoint;
    if (commas > 1)
        return SeparatorHint::DecimalPoint; // 1,234,567: commas group thousands
    if (points > 1)
        return SeparatorHint::DecimalComma; // 1.234.567: points group thousands
    return SeparatorHint::None;
}

bool parseBoolean(std::string_view s, bool &out)
{
    s = trim(s);
    auto eq = [](std::string_view a, std::string_view lower) {
        if (a.size() != lower.size())
            return false;
        for (size_t i = 0; i < a.size(); ++i)
            if (char(a[i] | 0x20) != lower[i])
                return false;
        return true;
    };
    if (eq(s, "true")) {
        out = true;
        return true;
    }
    if (eq(s, "false")) {
        out = false;
        return true;
    }
    return false;
}

OrderHint dateOrderHint(std::string_view s)
{
    s = trim(s);
    DateParts d;
    if (!splitDate(s.data(), s.data() + s.size(), d))
        return OrderHint::NotDate;
    qint64 ms = 0;
    bool hasTime = false;
    if (!parseDateTime(s, DateOrder::Unknown, ms, hasTime))
        return OrderHint::NotDate;
    if (d.lenA == 4 || d.sep == '.' || d.a == d.b)
        return OrderHint::Fixed;
    if (d.a > 12)
        return OrderHint::DayFirst;
    if (d.b > 12)
        return OrderHint::MonthFirst;
    return OrderHint::Ambiguous;
}

namespace {

constexpr int digit2(const char *p)
{
    return (p[0] - '0') * 10 + (p[1] - '0');
}

constexpr bool allDigits(const char *p, int n)
{
    for (int i = 0; i < n; ++i)
        if (!isDigit(p[i]))
            return false;
    return true;
}

//! The exports' most common shapes at fixed positions: yyyy-mm-dd and yyyy-mm-dd HH:MM:SS.
//! Returns -1 when `s` has another shape (the general parser decides), 0 when invalid, 1 when ok.
int parseIsoFixed(std::string_view s, qint64 &msecs, bool &hasTime)
{
    const char *p = s.data();
    if ((s.size() != 10 && s.size() != 19) || p[4] != '-' || p[7] != '-' || !allDigits(p, 4)
        || !allDigits(p + 5, 2) || !allDigits(p + 8, 2))
        return -1;
    if (s.size() == 19
        && ((p[10] != ' ' && p[10] != 'T') || p[13] != ':' || p[16] != ':' || !allDigits(p + 11, 2)
            || !allDigits(p + 14, 2) || !allDigits(p + 17, 2)))
        return -1;
    const int y = digit2(p) * 100 + digit2(p + 2);
    const int m = digit2(p + 5);
    const int d = digit2(p + 8);
    if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) || y < 1000)
        return 0;
    qint64 ms = daysFromCivil(y, m, d) * kMsecsPerDay;
    hasTime = s.size() == 19;
    if (hasTime) {
        const int hh = digit2(p + 11), mi = digit2(p + 14), ss = digit2(p + 17);
        if (hh > 23 || mi > 59 || ss > 59)
            return 0;
        ms += ((qint64(hh) * 60 + mi) * 60 + ss) * 1000;
    }
    msecs = ms;
    return 1;
}

//! The month a month name or its abbreviation (at least three letters, lower case) stands for, in
//! English, German, French, Spanish or Dutch; 0 when none or more than one ("jui").
int monthOfName(std::string_view word)
{
    static constexpr std::string_view kNames[12][9] = {
        {"january", "januar", "janvier", "enero", "januari"},
        {"february", "februar", "f\xC3\xA9vrier", "fevrier", "febrero", "februari"},
        {"march", "m\xC3\xA4rz", "maerz", "mrz", "mars", "marzo", "maart", "mrt"},
        {"april", "avril", "abril"},
        {"may", "mai", "mayo", "mei"},
        {"june", "juni", "juin", "junio"},
        {"july", "juli", "juillet", "julio"},
        {"august", "ao\xC3\xBBt", "aout", "agosto", "augustus"},
        {"september", "septembre", "septiembre", "setiembre"},
        {"october", "oktober", "octobre", "octubre"},
        {"november", "novembre", "noviembre"},
        {"december", "dezember", "d\xC3\xA9" "cembre", "decembre", "diciembre"},
    };
    if (word.size() < 3)
        return 0;
    int found = 0;
    for (int m = 0; m < 12; ++m)
        for (std::string_view name : kNames[m])
            if (!name.empty() && startsWith(name, word)) {
                if (found && found != m + 1)
                    return 0;
                found = m + 1;
            }
    return found;
}

//! A word of letters (ASCII or UTF-8) at `p`, lower-cased into `out`; false when too long.
bool readWord(const char *&p, const char *e, std::string &out)
{
    out.clear();
    while (p < e && (std::isalpha(static_cast<unsigned char>(*p)) || static_cast<unsigned char>(*p) >= 0x80)) {
        if (out.size() >= 12)
            return false;
        out += char(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        ++p;
    }
    return true;
}

//! Dates with a month name, as statements write them: "04 Nov 2009", "4-Nov-09", "04. März 2021",
//! "4 de noviembre de 2009", "Nov 4, 2009"; a time may follow after a space.
bool parseMonthNameDate(std::string_view s, qint64 &msecs, bool &hasTime)
{
    const char *p = s.data();
    const char *e = p + s.size();
    if (p == e)
        return false;
    int day = 0, year = 0, month = 0, yearDigits = 0;
    std::string word;
    auto skipSeparators = [&](bool allowComma) {
        const char *start = p;
        while (p < e && (*p == ' ' || *p == '-' || *p == '/' || *p == '.' || (allowComma && *p == ',')))
            ++p;
        return p > start;
    };
    auto skipDe = [&]() { // Spanish "4 de noviembre de 2009"
        if (e - p > 3 && (p[0] | 0x20) == 'd' && (p[1] | 0x20) == 'e' && p[2] == ' ')
            p += 3;
    };
    if (isDigit(*p)) {
        if (readNumber(p, e, 2, day) == 0 || (p < e && isDigit(*p)) || !skipSeparators(false))
            return false;
        skipDe();
        if (!readWord(p, e, word) || (month = monthOfName(word)) == 0)
            return false;
        if (p < e && *p == '.')
            ++p;
        if (!skipSeparators(true))
            return false;
        skipDe();
        yearDigits = readNumber(p, e, 4, year);
    } else {
        if (!readWord(p, e, word) || (month = monthOfName(word)) == 0)
            return false;
        if (p < e && *p == '.')
            ++p;
        if (p >= e || *p != ' ')
            return false;
        ++p;
        if (readNumber(p, e, 2, day) == 0 || p >= e)
            return false;
        if (*p == ',')
            ++p;
        if (p >= e || *p != ' ')
            return false;
        ++p;
        yearDigits = readNumber(p, e, 4, year);
    }
    if (yearDigits == 2)
        year += year < 70 ? 2000 : 1900;
    else if (yearDigits != 4 || year < 1000)
        return false;
    if (p < e && isDigit(*p))
        return false;
    if (day < 1 || day > daysInMonth(year, month))
        return false;
    qint64 ms = daysFromCivil(year, month, day) * kMsecsPerDay;
    hasTime = false;
    if (p != e) {
        qint64 ofDay = 0;
        if (*p != ' ' || !parseTime(p + 1, e, ofDay))
            return false;
        ms += ofDay;
        hasTime = true;
    }
    msecs = ms;
    return true;
}

} // namespace

bool parseDateTime(std::string_view s, DateOrder order, qint64 &msecs, bool &hasTime)
{
    if (const int fixed = parseIsoFixed(s, msecs, hasTime); fixed >= 0)
        return fixed == 1;
    const char *p = s.data();
    const char *e = p + s.size();
    DateParts d;
    if (!splitDate(p, e, d))
        return parseMonthNameDate(s, msecs, hasTime);
    int y = 0, m = 0, day = 0;
    if (d.lenA == 4) {
        y = d.a;
        m = d.b;
        day = d.c;
    } else {
        y = d.lenC == 2 ? d.c + (d.c < 70 ? 2000 : 1900) : d.c;
        bool dayFirst = true;
        if (d.sep != '.') {
            if (order == DateOrder::MonthFirst)
                dayFirst = false;
            else if (order == DateOrder::Unknown)
                dayFirst = !(d.a <= 12 && d.b > 12);
        }
        day = dayFirst ? d.a : d.b;
        m = dayFirst ? d.b : d.a;
    }
    if (m < 1 || m > 12 || day < 1 || day > daysInMonth(y, m) || y < 1000)
        return false;
    qint64 ms = daysFromCivil(y, m, day) * kMsecsPerDay;
    hasTime = false;
    if (d.rest != e) {
        if (*d.rest != ' ' && *d.rest != 'T')
            return false;
        qint64 ofDay = 0;
        if (!parseTime(d.rest + 1, e, ofDay))
            return false;
        ms += ofDay;
        hasTime = true;
    }
    msecs = ms;
    return true;
}

Value::Kind classify(std::string_view s, bool decimalComma)
{
    if (isNullToken(s))
        return Value::Kind::Blank;
    s = trim(s);
    double number = 0;
    bool isInteger = false;
    if (parseNumber(s, decimalComma, number, isInteger))
        return isInteger ? Value::Kind::Integer : Value::Kind::Decimal;
    qint64 ms = 0;
    bool hasTime = false;
    if (parseDateTime(s, DateOrder::Unknown, ms, hasTime))
        return hasTime ? Value::Kind::DateTime : Value::Kind::Date;
    bool b = false;
    if (parseBoolean(s, b))
        return Value::Kind::Boolean;
    return Value::Kind::Text;
}

} // namespace finpipe::ingest::values
