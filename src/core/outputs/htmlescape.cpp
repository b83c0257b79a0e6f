#include "outputs/htmlescape.h"

#include <charconv>
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
    bool plainIsAscii = true;
    // Runs of ordinary characters are copied in one go (ASCII directly, the rest through UTF-8);
    // only specials are escaped. Result tables hold many short strings, so this path is hot.
    auto flush = [&](qsizetype end) {
        if (end <= plainStart)
            return;
        if (plainIsAscii) {
            const qsizetype at = out.size();
            out.resize(at + (end - plainStart));
            char *dst = out.data() + at;
            for (qsizetype k = plainStart; k < end; ++k)
                *dst++ = char(text[k].unicode());
        } else {
            out += text.sliced(plainStart, end - plainStart).toUtf8();
        }
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t u = text[i].unicode();
        if (u >= 0x20 && u < 0x7f && u != u'"' && u != u'\\' && u != u'<' && u != u'>' && u != u'&')
            continue;
        if (u >= 0x7f && u != 0x2028 && u != 0x2029) {
            plainIsAscii = false;
            continue;
        }
        flush(i);
        switch (u) {
        case u'"': out += "\\\""; break;
        case u'\\': out += "\\\\"; break;
        case u'\n': out += "\\n"; break;
        case u'\r': out += "\\r"; break;
        case u'\t': out += "\\t"; break;
        default: appendUnicodeEscape(out, u); // < > & U+2028 U+2029 and other controls
        }
        plainStart = i + 1;
        plainIsAscii = true;
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
    // Shortest round-trip form; std::to_chars never uses the locale and is fast.
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, ec == std::errc() ? end - buf : 0);
}

// Keeps an embedded script or style sheet from ending its element early. The HTML parser
// ends <script>/<style> at "</script" or "</style" in any letter case; inside JS strings and
// regexes "<\/" means the same as "</", and "<!--" is neutralised the same way.
QByteArray inlineCodeSafe(const QByteArray &code)
{
    QByteArray out;
    out.reserve(code.size() + 16);
    qsizetype from = 0;
    for (qsizetype lt = code.indexOf('<'); lt >= 0; lt = code.indexOf('<', lt + 1)) {
        const QByteArrayView rest = QByteArrayView(code).sliced(lt + 1);
        const bool closes = rest.startsWith('/')
                            && (rest.sliced(1).first(qMin<qsizetype>(6, rest.size() - 1))
                                        .compare("script", Qt::CaseInsensitive) == 0
                                || rest.sliced(1).first(qMin<qsizetype>(5, rest.size() - 1))
                                           .compare("style", Qt::CaseInsensitive) == 0);
        const bool opensComment = rest.startsWith("!--");
        if (!closes && !opensComment)
            continue;
        out += QByteArrayView(code).sliced(from, lt + 1 - from);
        out += '\\';
        from = lt + 1;
    }
    out += QByteArrayView(code).sliced(from);
    return out;
}

} // namespace finpipe::outputs
