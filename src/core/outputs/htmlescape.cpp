#include "outputs/htmlescape.h"

#include <QLocale>

#include <cmath>

namespace finpipe::outputs {

QString htmlEscape(QStringView text)
{
    QString out;
    out.reserve(text.size() + text.size() / 8);
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'&': out += u"&amp;"; break;
        case u'<': out += u"&lt;"; break;
        case u'>': out += u"&gt;"; break;
        case u'"': out += u"&quot;"; break;
        case u'\'': out += u"&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

namespace {

void appendUnicodeEscape(QByteArray &out, char16_t u)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out += "\\u";
    out += kHex[(u >> 12) & 0xf];
    out += kHex[(u >> 8) & 0xf];
    out += kHex[(u >> 4) & 0xf];
    out += kHex[u & 0xf];
}

} // namespace

void appendScriptSafeJsonString(QByteArray &out, QStringView text)
{
    out += '"';
    qsizetype plainStart = 0;
    // Runs of ordinary characters are converted to UTF-8 in one go; only specials are escaped.
    auto flush = [&](qsizetype end) {
        if (end > plainStart)
            out += text.mid(plainStart, end - plainStart).toUtf8();
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t u = text[i].unicode();
        const char *simple = nullptr;
        switch (u) {
        case u'"': simple = "\\\""; break;
        case u'\\': simple = "\\\\"; break;
        case u'\n': simple = "\\n"; break;
        case u'\r': simple = "\\r"; break;
        case u'\t': simple = "\\t"; break;
        default: break;
        }
        const bool special = simple || u < 0x20 || u == u'<' || u == u'>' || u == u'&'
                             || u == 0x2028 || u == 0x2029;
        if (!special)
            continue;
        flush(i);
        if (simple)
            out += simple;
        else
            appendUnicodeEscape(out, u);
        plainStart = i + 1;
    }
    flush(text.size());
    out += '"';
}

void appendJsonNumber(QByteArray &out, double value)
{
    if (!std::isfinite(value)) {
        out += "null";
        return;
    }
    if (value == 0) {
        out += '0'; // also for -0, which JSON.parse would keep but nobody wants to see
        return;
    }
    out += QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
}

} // namespace finpipe::outputs
