#include "bankvalues.h"

#include "analysis/cellvalues.h"
#include "ingest/valueparser.h"

#include <QSet>

#include <cmath>
#include <string>

namespace finpipe::analysis::bank {

namespace {

using ingest::values::kMsecsPerDay;

char lower(char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : c; }

bool parsePlain(std::string_view s, double &out)
{
    using namespace ingest::values;
    const SeparatorHint hint = separatorHint(s);
    bool integer = false;
    if (parseNumber(s, hint == SeparatorHint::DecimalComma, out, integer))
        return std::isfinite(out);
    return false;
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
    // "12.50 DR" / "12.50 CR" are read by the value parser; some banks put the side first.
    int sign = 1;
    if (s.size() > 3 && (lower(s[0]) == 'c' || lower(s[0]) == 'd') && lower(s[1]) == 'r' && s[2] == ' ') {
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
    return false;
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
