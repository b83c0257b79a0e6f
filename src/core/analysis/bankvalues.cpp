#include "bankvalues.h"

#include "analysis/cellvalues.h"
#include "ingest/valueparser.h"

#include <QRegularExpression>
#include <QSet>

#include <cmath>
#include <string>

namespace finpipe::analysis::bank {

namespace {

using ingest::values::daysFromCivil;
using ingest::values::kMsecsPerDay;

char lower(char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : c; }

bool endsWithNoCase(std::string_view s, std::string_view suffix)
{
    if (s.size() < suffix.size())
        return false;
    for (size_t i = 0; i < suffix.size(); ++i)
        if (lower(s[s.size() - suffix.size() + i]) != suffix[i])
            return false;
    return true;
}

bool parsePlain(std::string_view s, double &out)
{
    using namespace ingest::values;
    const SeparatorHint hint = separatorHint(s);
    bool integer = false;
    if (parseNumber(s, hint == SeparatorHint::DecimalComma, out, integer))
        return std::isfinite(out);
    return false;
}

//! Month number of a month name's start (English, German, French, Spanish, Dutch), 0 if none.
int monthOf(const QString &word)
{
    static const struct {
        const char *prefix;
        int month;
    } kMonths[] = {
        {"jan", 1}, {"ene", 1}, {"feb", 2}, {"fév", 2}, {"fev", 2}, {"mär", 3}, {"mrz", 3}, {"mrt", 3}, {"mar", 3},
        {"apr", 4}, {"avr", 4}, {"abr", 4}, {"may", 5}, {"mai", 5}, {"mei", 5}, {"juin", 6}, {"jun", 6},
        {"juil", 7}, {"jul", 7}, {"aug", 8}, {"aoû", 8}, {"aou", 8}, {"ago", 8}, {"sep", 9}, {"oct", 10},
        {"okt", 10}, {"nov", 11}, {"dec", 12}, {"déc", 12}, {"dez", 12}, {"dic", 12},
    };
    const QString w = word.toLower();
    if (w.size() < 3)
        return 0;
    for (const auto &m : kMonths)
        if (w.startsWith(QString::fromUtf8(m.prefix)))
            return m.month;
    return 0;
}

bool validDate(int y, int m, int d)
{
    static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1])
        return false;
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

int fullYear(int y, qsizetype digits)
{
    return digits <= 2 ? (y < 70 ? 2000 + y : 1900 + y) : y;
}

} // namespace

bool amountOf(const ingest::Value &v, double &out)
{
    if (v.isNumber()) {
        out = v.number;
        return std::isfinite(out);
    }
    if (v.kind != ingest::Value::Kind::Text)
        return false;
    std::string_view s = cells::trim(v.text);
    if (s.empty())
        return false;
    int sign = 1;
    if (endsWithNoCase(s, "cr") || endsWithNoCase(s, "dr")) {
        sign = lower(s[s.size() - 2]) == 'd' ? -1 : 1;
        s = cells::trim(s.substr(0, s.size() - 2));
        if (!s.empty() && s.back() == '.') // "12.50 Cr."
            s.remove_suffix(1);
    } else if (s.size() > 3 && (lower(s[0]) == 'c' || lower(s[0]) == 'd') && lower(s[1]) == 'r' && s[2] == ' ') {
        sign = lower(s[0]) == 'd' ? -1 : 1; // "DR 12.50"
        s = cells::trim(s.substr(3));
    }
    if (!parsePlain(s, out))
        return false;
    if (sign < 0)
        out = -std::abs(out);
    return true;
}

bool dateOf(const ingest::Value &v, qint64 &msecs)
{
    if (v.isTemporal()) {
        msecs = ingest::values::dayOf(v.msecs) * kMsecsPerDay;
        return true;
    }
    if (v.kind != ingest::Value::Kind::Text)
        return false;
    const std::string_view s = cells::trim(v.text);
    bool hasTime = false;
    if (ingest::values::parseDateTime(s, ingest::values::DateOrder::DayFirst, msecs, hasTime)) {
        msecs = ingest::values::dayOf(msecs) * kMsecsPerDay;
        return true;
    }
    // Month names: "04 Nov 2009", "4-Nov-09", "04. März 2021", "Nov 4, 2009", "4 de noviembre de 2009".
    static const QRegularExpression dayFirst(
        QStringLiteral("^(\\d{1,2})[.]?[ \\-/]+(?:de )?(\\p{L}{3,})[.]?[ \\-/,]+(?:de )?(\\d{4}|\\d{2})$"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression monthFirst(QStringLiteral("^(\\p{L}{3,})[.]? (\\d{1,2}),? (\\d{4})$"),
                                               QRegularExpression::CaseInsensitiveOption);
    const QString text = cells::qs(s);
    int y = 0, m = 0, d = 0;
    if (const auto match = dayFirst.match(text); match.hasMatch()) {
        d = match.captured(1).toInt();
        m = monthOf(match.captured(2));
        y = fullYear(match.captured(3).toInt(), match.capturedLength(3));
    } else if (const auto match2 = monthFirst.match(text); match2.hasMatch()) {
        m = monthOf(match2.captured(1));
        d = match2.captured(2).toInt();
        y = match2.captured(3).toInt();
    }
    if (!validDate(y, m, d))
        return false;
    msecs = daysFromCivil(y, m, d) * kMsecsPerDay;
    return true;
}

QString normaliseCounterparty(std::string_view description)
{
    static const QSet<QString> kNoise{
        QStringLiteral("CARD"),     QStringLiteral("POS"),        QStringLiteral("VISA"),
        QStringLiteral("MASTERCARD"), QStringLiteral("MAESTRO"),  QStringLiteral("DEBIT"),
        QStringLiteral("CONTACTLESS"), QStringLiteral("PURCHASE"), QStringLiteral("PAYMENT"),
        QStringLiteral("REF"),      QStringLiteral("REFERENCE"),  QStringLiteral("TERMINAL"),
        QStringLiteral("TID"),      QStringLiteral("AUTH"),       QStringLiteral("DD"),
        QStringLiteral("SO"),       QStringLiteral("BGC"),        QStringLiteral("FPO"),
        QStringLiteral("FPI"),      QStringLiteral("TFR"),        QStringLiteral("CHQ"),
        QStringLiteral("KARTENZAHLUNG"), QStringLiteral("EC"),    QStringLiteral("GIROCARD"),
        QStringLiteral("LASTSCHRIFT"), QStringLiteral("SEPA"),    QStringLiteral("CB"),
        QStringLiteral("CARTE"),    QStringLiteral("PAIEMENT"),   QStringLiteral("PRLV"),
        QStringLiteral("COMPRA"),   QStringLiteral("TARJETA"),    QStringLiteral("PAGO"),
        QStringLiteral("BETAALPAS"), QStringLiteral("PINBETALING"), QStringLiteral("BEA"),
        QStringLiteral("GEA"),      QStringLiteral("NR"),         QStringLiteral("NO"),
        QStringLiteral("XX"),       QStringLiteral("XXXX"),       QStringLiteral("ON"),
        QStringLiteral("SQ"),
    };
    const QString upper = cells::qs(cells::trim(description)).toUpper();
    QStringList kept;
    QString token;
    auto flush = [&]() {
        if (token.isEmpty())
            return;
        int digits = 0, letters = 0, masks = 0;
        for (const QChar c : std::as_const(token)) {
            if (c.isDigit())
                ++digits;
            else if (c.isLetter())
                ++letters;
            else if (c == u'*' || c == u'#')
                ++masks;
        }
        // Masked card numbers ("XXXX1234", "****1234"), numbers, dates, times, amounts, and
        // references (at least 6 characters, half or more of them digits).
        const bool masked = token.contains(QStringLiteral("XXX")) && digits > 0;
        const bool numberLike = letters == 0;
        const bool referenceLike = digits > 0 && token.size() >= 6 && digits * 2 >= token.size();
        if (!masked && !numberLike && !referenceLike && !kNoise.contains(token))
            kept << token;
        token.clear();
    };
    for (const QChar c : upper) {
        // Letters, digits and the marks inside names ("M&S", "O'NEILL", "BOOKING.COM") stay in a
        // token; dots and slashes inside numbers ("12.03", "12/03") keep dates together.
        if (c.isLetterOrNumber() || c == u'&' || c == u'\'' || c == u'.' || c == u'/' || c == u'-' || c == u'#') {
            token += c;
        } else {
            flush();
        }
    }
    flush();
    for (QString &k : kept) {
        while (!k.isEmpty() && (k.back() == u'.' || k.back() == u'-' || k.back() == u'/'))
            k.chop(1);
        while (!k.isEmpty() && (k.front() == u'.' || k.front() == u'-' || k.front() == u'/'))
            k.remove(0, 1);
    }
    kept.removeAll(QString());
    const QString joined = kept.join(u' ');
    if (!joined.isEmpty())
        return joined;
    return upper.simplified();
}

} // namespace finpipe::analysis::bank
