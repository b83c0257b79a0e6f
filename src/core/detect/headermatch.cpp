#include "headermatch.h"

#include <QSet>

namespace finpipe::detect {

namespace {

QString stripPlural(const QString &token)
{
    if (token.size() > 3 && token.endsWith(u's') && !token.endsWith(u"ss"))
        return token.chopped(1);
    return token;
}

//! "Résultat" -> "Resultat": accents dropped, so that exports from other locales still match.
QString foldAccents(const QString &s)
{
    QString out;
    const QString d = s.normalized(QString::NormalizationForm_KD);
    out.reserve(d.size());
    for (QChar c : d)
        if (c.category() != QChar::Mark_NonSpacing)
            out += c;
    return out;
}

} // namespace

QString normalizeHeader(const QString &header)
{
    QString out;
    out.reserve(header.size());
    for (QChar c : foldAccents(header))
        if (c.isLetterOrNumber())
            out += c.toLower();
    return out;
}

QStringList headerTokens(const QString &h)
{
    const QString header = foldAccents(h);
    QStringList tokens;
    QString cur;
    auto flush = [&] {
        if (!cur.isEmpty())
            tokens << stripPlural(cur.toLower());
        cur.clear();
    };
    for (qsizetype i = 0; i < header.size(); ++i) {
        const QChar c = header[i];
        if (!c.isLetterOrNumber()) {
            flush();
            continue;
        }
        if (!cur.isEmpty()) {
            const QChar p = cur.back();
            const bool camel = p.isLower() && c.isUpper();
            // "PCode": an upper-case letter followed by Upper+lower starts a new word.
            const bool acronymEnd = p.isUpper() && c.isUpper() && i + 1 < header.size() && header[i + 1].isLower()
                && cur.size() >= 1;
            const bool digitSwitch = p.isDigit() != c.isDigit();
            if (camel || acronymEnd || digitSwitch)
                flush();
        }
        cur += c;
    }
    flush();
    return tokens;
}

PreparedName prepareName(const QString &name)
{
    PreparedName p;
    p.trimmed = name.trimmed();
    p.norm = normalizeHeader(p.trimmed);
    const QStringList tokens = headerTokens(p.trimmed);
    p.normTokens = tokens.join(QString());
    p.tokens = QSet<QString>(tokens.cbegin(), tokens.cend());
    return p;
}

PreparedRole prepareRole(const Role &role)
{
    PreparedRole p;
    p.role = &role;
    p.names << prepareName(role.name);
    for (const QString &s : role.synonyms)
        p.names << prepareName(s);
    return p;
}

HeaderMatch matchHeader(const QString &header, const Role &role)
{
    return matchHeader(prepareName(header), prepareRole(role));
}

HeaderMatch matchHeader(const PreparedName &header, const PreparedRole &role)
{
    HeaderMatch best;
    if (header.trimmed.isEmpty())
        return best;
    auto consider = [&](HeaderMatch::How how, double score, const QString &what) {
        if (score > best.score)
            best = HeaderMatch{how, score, what};
    };
    for (qsizetype i = 0; i < role.names.size(); ++i) {
        const PreparedName &syn = role.names[i];
        // Synonyms are listed by preference: with "Date" and "Order Date" both present, the
        // earlier-listed "Order Date" wins the order_date role.
        const double preference = 0.002 * double(qMin<qsizetype>(i, 20));
        if (header.trimmed.compare(syn.trimmed, Qt::CaseInsensitive) == 0) {
            consider(HeaderMatch::How::Exact, 1.0 - preference, syn.trimmed);
            return best;
        }
        if (header.norm == syn.norm || header.normTokens == syn.normTokens) {
            consider(HeaderMatch::How::Normalized, 0.95 - preference, syn.trimmed);
            continue;
        }
        if (syn.tokens.isEmpty() || header.tokens.isEmpty())
            continue;
        int shared = 0;
        for (const QString &t : syn.tokens)
            shared += header.tokens.contains(t) ? 1 : 0;
        if (shared == 0)
            continue;
        const double jaccard = double(shared) / double(syn.tokens.size() + header.tokens.size() - shared);
        // A header that contains every word of a synonym ("Sample Date" for "Date") is a good hint;
        // one that shares a word or two is a weaker one.
        const bool contained = shared == syn.tokens.size();
        consider(HeaderMatch::How::Tokens, contained ? 0.5 + 0.3 * jaccard : 0.45 * jaccard, syn.trimmed);
    }
    for (const QRegularExpression &re : role.role->patterns) {
        if (re.match(header.trimmed).hasMatch())
            consider(HeaderMatch::How::Pattern, 0.9, re.pattern());
    }
    return best;
}

} // namespace finpipe::detect
