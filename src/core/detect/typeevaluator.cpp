#include "typeevaluator.h"

#include "detect/assignment.h"

#include <QFileInfo>

#include <numeric>

namespace finpipe::detect {

namespace {

//! A header must name a role at least this well before the column is considered for it.
constexpr double kMinHeaderScore = 0.5;
//! Members of a multi-column role must match its patterns (or a synonym) at least this well.
constexpr double kMinGroupHeaderScore = 0.85;
//! The fit of a column to a role its header does not name, found by its values alone (times kindFit()):
//! a date column to a date role always, other roles only where the type can be recognised by its values.
constexpr double kValueOnlyFit = 0.4;
//! When a type is recognised by its values, the header strategies' share of a required role found by its
//! values alone is filled with this much of that role's value fit (the strategies themselves stay at 0:
//! no header names it).
constexpr double kValueOnlyStandIn = 0.7;
//! What a column blank in every sampled row earns the required role it stands in for (the role's
//! confidence and the header strategies' credit): its header names the role, but no value confirms it.
constexpr double kBlankColumnCredit = 0.25;

//! The most a type resting on a required role found by its values alone may score: the middle of medium,
//! whatever the levels are set to.
double valueOnlyMaxScore(const DetectionSettings &s)
{
    return (s.medium + s.high) / 2;
}

double roleWeight(const Role &r)
{
    return r.required ? 1.0 : 0.5;
}

QString quoteList(const QStringList &names)
{
    QStringList q;
    for (const QString &n : names)
        q << u'"' + n + u'"';
    return q.join(QStringLiteral(", "));
}

} // namespace

Evaluation TypeEvaluator::run()
{
    for (const Role &r : t.roles)
        if (!r.isGroup())
            singles << &r;
    header.resize(size_t(singles.size()));
    evidenceCache.assign(size_t(singles.size()), std::vector<std::optional<ValueEvidence>>(size_t(cols.size())));
    for (int i = 0; i < singles.size(); ++i) {
        const PreparedRole role = prepareRole(*singles[i]);
        header[size_t(i)].reserve(size_t(cols.size()));
        for (const PreparedName &h : headers)
            header[size_t(i)].push_back(matchHeader(h, role));
    }
    QString whyNot;
    Evaluation e = evaluate(true, &whyNot);
    if (e.byValues)
        return e;
    Evaluation headers = evaluate(false);
    // It came close: every required role had a column, some only by their values. Say why that was
    // not enough.
    if (!whyNot.isEmpty())
        headers.strategies[kValue].reasons << QStringLiteral("not recognised by its values alone: %1").arg(whyNot);
    return headers;
}

Evaluation TypeEvaluator::evaluate(bool withValues, QString *whyNot)
{
    byValues = withValues;
    Evaluation e;
    e.match.type = t.id;
    e.match.mapping.datasetType = t.id;

    const std::vector<int> byHeader = assignByHeader();
    const std::vector<int> mapped = assignByFit();
    QSet<int> used;
    for (int i = 0; i < singles.size(); ++i) {
        const Role &r = *singles[i];
        const int c = mapped[size_t(i)];
        if (c < 0) {
            if (r.required)
                e.match.missingRoles << r.name;
            continue;
        }
        used.insert(c);
        e.match.mapping.roles.insert(r.name, cols[c].name);
        e.match.roleConfidence.insert(r.name, fit(i, c) * blankCredit(c));
        if (foundByValues(i, c))
            e.match.foundByValues << r.name;
    }
    QMap<QString, QList<int>> groups;
    for (const Role &r : t.roles) {
        if (!r.isGroup())
            continue;
        QList<int> members;
        double conf = 0;
        const PreparedRole prepared = prepareRole(r);
        for (const ColumnProfile &c : cols) {
            if (used.contains(c.index))
                continue;
            const HeaderMatch hm = matchHeader(headers[c.index], prepared);
            if (hm.score >= kMinGroupHeaderScore && kindFit(c, r.kind) > 0) {
                members << c.index;
                conf += hm.score * (0.6 + 0.4 * kindFit(c, r.kind));
            }
        }
        groups.insert(r.name, members);
        if (members.size() >= r.minColumns) {
            QStringList names;
            for (int m : members) {
                names << cols[m].name;
                used.insert(m);
            }
            e.match.mapping.columnGroups.insert(r.name, names);
            e.match.roleConfidence.insert(r.name, conf / members.size());
        } else if (r.required) {
            e.match.missingRoles << r.name;
        }
    }
    e.match.blankColumns = blankColumns(mapped, used);
    // An amount, or a debit and a credit: one of the alternatives must be mapped in full.
    if (!t.requiredOneOf.isEmpty() && t.satisfiedAlternative(e.match.mapping.roles).isEmpty())
        e.match.missingRoles << t.alternativesText();

    e.strategies.insert(kStructure, structure());
    e.byValues = byValues && recognisedByValues(mapped, used, e, whyNot);
    if (byValues && !e.byValues)
        return e; // run() evaluates again without roles found by their values (but dates)
    // What the header strategies would say with the roles found by their values standing in; only
    // the combined score uses it.
    QMap<QString, double> combined;
    e.strategies.insert(kExact, exactHeader(byHeader, mapped, groups, e.byValues, &combined[kExact]));
    e.strategies.insert(kFuzzy, fuzzyHeader(byHeader, mapped, groups, e.byValues, &combined[kFuzzy]));
    e.strategies.insert(kValue, valueProfile(mapped, groups, e.match.blankColumns));
    e.strategies.insert(kFileName, fileNameHint());
    for (const QString &s : {kValue, kStructure, kFileName})
        combined[s] = e.strategies[s].score;

    double sum = 0, weights = 0;
    for (const QString &s : kStrategies) {
        const double w = settings.weights.value(s, 0);
        sum += w * combined.value(s);
        weights += w;
    }
    e.raw = weights > 0 ? sum / weights : 0;
    e.match.score = e.raw;
    const int required = int(t.requiredRoles().size() + t.requiredOneOf.size());
    if (!e.match.missingRoles.isEmpty() && required > 0) {
        e.coverage = double(required - e.match.missingRoles.size()) / required;
        e.match.score = e.raw * settings.missingRequiredFactor * e.coverage;
    }
    // No header names a required role: the analyst has to confirm the column, so never high.
    for (const QString &r : std::as_const(e.match.foundByValues))
        if (t.role(r) && t.role(r)->required)
            e.match.score = qMin(e.match.score, valueOnlyMaxScore(settings));
    return e;
}

bool TypeEvaluator::foundByValues(int role, int col) const
{
    return header[size_t(role)][size_t(col)].score < kMinHeaderScore;
}

bool TypeEvaluator::recognisedByValues(const std::vector<int> &mapped, const QSet<int> &used, const Evaluation &e,
                                       QString *whyNot) const
{
    QStringList byValue;
    for (int i = 0; i < singles.size(); ++i)
        if (singles[i]->required && mapped[size_t(i)] >= 0 && foundByValues(i, mapped[size_t(i)]))
            byValue << singles[i]->name;
    if (byValue.isEmpty() || !e.match.missingRoles.isEmpty())
        return false;
    auto refuse = [&](const QString &why) {
        if (whyNot)
            *whyNot = why;
        return false;
    };
    if (t.structure.counts.isEmpty())
        return refuse(QStringLiteral("the type describes no structure to check the file's shape against"));
    if (e.strategies.value(kStructure).score < 0.999)
        return refuse(QStringLiteral("the file's columns do not fit the type's structure"));
    QStringList plain;
    int others = 0;
    for (int i = 0; i < singles.size(); ++i) {
        const Role &r = *singles[i];
        const int c = mapped[size_t(i)];
        if (!r.required)
            continue;
        QStringList failed;
        if (checksFit(cols[c], r, &failed) < 0.999)
            return refuse(failed.join(QStringLiteral("; ")));
        if (!foundByValues(i, c)) {
            ++others;
            continue;
        }
        const ValueEvidence ev = evidence(i, c);
        if (ev == ValueEvidence::Plain)
            plain << r.name;
        else
            ++others;
        const double kf = kindFit(cols[c], r.kind);
        for (const ColumnProfile &other : cols)
            if (other.index != c && !used.contains(other.index)
                && evidence(i, other.index) != ValueEvidence::None && kindFit(other, r.kind) >= kf)
                return refuse(QStringLiteral("\"%1\" and \"%2\" could both be the %3")
                                  .arg(cols[c].name, other.name, r.name));
    }
    if (plain.size() > 1)
        return refuse(QStringLiteral("%1 would %2 rest on values that many tables have")
                          .arg(plain.join(QStringLiteral(" and ")),
                               plain.size() == 2 ? QStringLiteral("both") : QStringLiteral("all")));
    if (!plain.isEmpty() && others < 2)
        return refuse(QStringLiteral("%1 would rest on values that many tables have, with too little else "
                                     "to go on")
                          .arg(plain.first()));
    return true;
}

double TypeEvaluator::fit(int role, int col) const
{
    const HeaderMatch &hm = header[size_t(role)][size_t(col)];
    const RoleKind kind = singles[role]->kind;
    const double kf = kindFit(cols[col], kind);
    if (kf <= 0)
        return 0;
    if (hm.score < kMinHeaderScore) {
        // Dates are distinctive enough to be found by their values alone ("Sample Collected" holding
        // dates); a required role of another kind may be too when the evaluation allows it (byValues).
        // Such a match stays weak and earns nothing from the header strategies.
        const Role &r = *singles[role];
        const bool temporalRole = kind == RoleKind::Date || kind == RoleKind::DateTime;
        if (!temporalRole && !(byValues && r.required))
            return 0.0;
        return evidence(role, col) != ValueEvidence::None ? kValueOnlyFit * kf : 0.0;
    }
    return hm.score * (0.6 + 0.4 * kf);
}

ValueEvidence TypeEvaluator::evidence(int role, int col) const
{
    std::optional<ValueEvidence> &e = evidenceCache[size_t(role)][size_t(col)];
    if (!e)
        e = valueEvidence(cols[col], *singles[role]);
    return *e;
}

double TypeEvaluator::blankCredit(int col) const
{
    return cols[col].blankInSample() ? kBlankColumnCredit : 1.0;
}

std::vector<int> TypeEvaluator::assignAmong(const std::function<double(int, int)> &weight,
                                            const std::vector<int> &roles, const std::vector<int> &columns) const
{
    std::vector<int> result(size_t(singles.size()), -1);
    // Only columns some role could take enter the assignment: keeps it small for wide files.
    std::vector<int> candidates;
    for (int c : columns)
        for (int r : roles)
            if (weight(r, c) > 0) {
                candidates.push_back(c);
                break;
            }
    std::vector<std::vector<double>> w(roles.size(), std::vector<double>(candidates.size(), 0.0));
    for (size_t i = 0; i < roles.size(); ++i)
        for (size_t k = 0; k < candidates.size(); ++k)
            // Required roles win a contested column over optional ones.
            w[i][k] = weight(roles[i], candidates[k]) * (singles[roles[i]]->required ? 1.0 : 0.6);
    const std::vector<int> a = maxWeightAssignment(w);
    for (size_t i = 0; i < roles.size(); ++i)
        if (a[i] >= 0)
            result[size_t(roles[i])] = candidates[size_t(a[i])];
    return result;
}

std::vector<int> TypeEvaluator::assign(const std::function<double(int, int)> &weight) const
{
    std::vector<int> roles(size_t(singles.size()));
    std::iota(roles.begin(), roles.end(), 0);
    std::vector<int> filled, blank;
    for (int c = 0; c < cols.size(); ++c)
        (cols[c].blankInSample() ? blank : filled).push_back(c);
    std::vector<int> a = assignAmong(weight, roles, filled);
    std::vector<int> unfilled;
    for (int r : roles)
        if (a[size_t(r)] < 0 && singles[r]->required)
            unfilled.push_back(r);
    if (!unfilled.empty() && !blank.empty()) {
        const std::vector<int> fallback = assignAmong(weight, unfilled, blank);
        for (int r : unfilled)
            a[size_t(r)] = fallback[size_t(r)];
    }
    return a;
}

QMap<QString, QString> TypeEvaluator::blankColumns(const std::vector<int> &mapped, const QSet<int> &used) const
{
    QMap<QString, QString> out;
    std::vector<int> unmapped, blank;
    for (int i = 0; i < singles.size(); ++i) {
        const int c = mapped[size_t(i)];
        if (c >= 0 && cols[c].blankInSample())
            out.insert(singles[i]->name, cols[c].name);
        else if (c < 0 && !singles[i]->required)
            unmapped.push_back(i);
    }
    for (int c = 0; c < cols.size(); ++c)
        if (cols[c].blankInSample() && !used.contains(c))
            blank.push_back(c);
    if (unmapped.empty() || blank.empty())
        return out;
    const std::vector<int> wouldTake = assignAmong([this](int r, int c) { return fit(r, c); }, unmapped, blank);
    for (int i : unmapped)
        if (wouldTake[size_t(i)] >= 0)
            out.insert(singles[i]->name, cols[wouldTake[size_t(i)]].name);
    return out;
}

std::vector<int> TypeEvaluator::assignByHeader() const
{
    return assign([this](int r, int c) {
        const double s = header[size_t(r)][size_t(c)].score;
        return s >= kMinHeaderScore ? s : 0.0;
    });
}

std::vector<int> TypeEvaluator::assignByFit() const
{
    return assign([this](int r, int c) { return fit(r, c); });
}

StrategyScore TypeEvaluator::headerStrategy(const QString &name, const std::vector<int> &byHeader,
                                            const std::vector<int> &mapped, const QMap<QString, QList<int>> &groups,
                                            bool standIn, double *combined,
                                            const std::function<double(const HeaderMatch &)> &credit)
{
    StrategyScore s{name, t.id, 0, {}};
    double sum = 0, total = 0, stoodIn = 0;
    QStringList matched, missing, byValue;
    for (int i = 0; i < singles.size(); ++i) {
        const Role &r = *singles[i];
        const int c = byHeader[size_t(i)];
        const double got = c >= 0 ? credit(header[size_t(i)][size_t(c)]) * blankCredit(c) : 0.0;
        if (c < 0 || got <= 0) {
            if (r.required) {
                total += roleWeight(r);
                const int m = mapped[size_t(i)];
                if (m >= 0 && foundByValues(i, m)) {
                    byValue << r.name;
                    if (standIn)
                        stoodIn += roleWeight(r) * kValueOnlyStandIn * kindFit(cols[m], r.kind);
                } else {
                    missing << r.name;
                }
            }
            continue;
        }
        sum += roleWeight(r) * got;
        total += roleWeight(r);
        matched << QStringLiteral("%1 -> %2%3")
                       .arg(cols[c].name, r.name,
                            cols[c].blankInSample() ? QStringLiteral(" (empty in the sample)") : QString());
    }
    for (const Role &r : t.roles) {
        if (!r.isGroup())
            continue;
        const QList<int> &members = groups.value(r.name);
        total += roleWeight(r);
        if (members.size() >= r.minColumns) {
            sum += roleWeight(r);
            matched << QStringLiteral("%1 columns named like %2 (%3, ...) -> %4")
                           .arg(members.size())
                           .arg(r.name, cols[members.first()].name, r.name);
        } else {
            missing << r.name;
        }
    }
    s.score = total > 0 ? sum / total : 0;
    *combined = total > 0 ? (sum + stoodIn) / total : 0;
    const QString names = name == kExact ? QStringLiteral("exactly names") : QStringLiteral("names");
    if (!matched.isEmpty())
        s.reasons << QStringLiteral("%1: %2").arg(name == kExact ? QStringLiteral("headers named exactly as expected")
                                                                  : QStringLiteral("headers that name the roles"),
                                                  matched.join(QStringLiteral(", ")));
    if (!missing.isEmpty())
        s.reasons << QStringLiteral("no header %1 the required role(s) %2").arg(names, missing.join(QStringLiteral(", ")));
    if (!byValue.isEmpty())
        s.reasons << QStringLiteral("no header %1 the required role(s) %2 (found by %3 values instead)")
                         .arg(names, byValue.join(QStringLiteral(", ")),
                              byValue.size() == 1 ? QStringLiteral("its") : QStringLiteral("their"));
    return s;
}

StrategyScore TypeEvaluator::exactHeader(const std::vector<int> &byHeader, const std::vector<int> &mapped,
                                         const QMap<QString, QList<int>> &groups, bool standIn, double *combined)
{
    return headerStrategy(kExact, byHeader, mapped, groups, standIn, combined,
                          [](const HeaderMatch &m) { return m.how == HeaderMatch::How::Exact ? 1.0 : 0.0; });
}

StrategyScore TypeEvaluator::fuzzyHeader(const std::vector<int> &byHeader, const std::vector<int> &mapped,
                                         const QMap<QString, QList<int>> &groups, bool standIn, double *combined)
{
    return headerStrategy(kFuzzy, byHeader, mapped, groups, standIn, combined,
                          [](const HeaderMatch &m) { return m.score; });
}

StrategyScore TypeEvaluator::valueProfile(const std::vector<int> &mapped, const QMap<QString, QList<int>> &groups,
                                          const QMap<QString, QString> &blank)
{
    StrategyScore s{kValue, t.id, 0, {}};
    const bool hasRows = !cols.isEmpty() && cols.first().rows > 0;
    if (!hasRows) {
        s.reasons << QStringLiteral("the file has no data rows, so no values could be checked");
        return s;
    }
    double sum = 0, total = 0;
    for (int i = 0; i < singles.size(); ++i) {
        const Role &r = *singles[i];
        const int c = mapped[size_t(i)];
        if (c < 0) {
            if (r.required) {
                total += roleWeight(r);
                s.reasons << QStringLiteral("no column with suitable values for %1 (%2)")
                                 .arg(r.name, roleKindName(r.kind));
            } else if (blank.contains(r.name)) {
                s.reasons << QStringLiteral("\"%1\" is empty in the sample, so %2 is left unmapped")
                                 .arg(blank.value(r.name), r.name);
            }
            continue;
        }
        const ColumnProfile &col = cols[c];
        const double kf = kindFit(col, r.kind);
        QStringList why;
        const double cf = checksFit(col, r, &why);
        sum += roleWeight(r) * kf * (0.5 + 0.5 * cf);
        total += roleWeight(r);
        if (col.blankInSample())
            s.reasons << QStringLiteral("\"%1\" as %2 (%3): empty in the sample, taken only because no column "
                                        "with values fits")
                             .arg(col.name, r.name, roleKindName(r.kind));
        else if (r.required || kf < 0.6 || cf < 0.9 || foundByValues(i, c))
            s.reasons << (foundByValues(i, c) ? QStringLiteral("found by its values: ") : QString())
                             + QStringLiteral("\"%1\" as %2 (%3): %4%5")
                                   .arg(col.name, r.name, roleKindName(r.kind), describeValues(col),
                                        kf >= 0.8 ? QString() : QStringLiteral(", a poor fit"))
                      + (why.isEmpty() ? QString() : QStringLiteral("; ") + why.join(QStringLiteral("; ")));
    }
    for (const Role &r : t.roles) {
        if (!r.isGroup())
            continue;
        total += roleWeight(r);
        const QList<int> &members = groups.value(r.name);
        if (members.size() < r.minColumns) {
            s.reasons << QStringLiteral("fewer than %1 columns for %2").arg(r.minColumns).arg(r.name);
            continue;
        }
        int filled = 0;
        double fits = 0;
        for (int m : members) {
            if (cols[m].shape == ColumnShape::Empty)
                continue;
            ++filled;
            fits += kindFit(cols[m], r.kind);
        }
        const double f = filled ? fits / filled : 0.4;
        sum += roleWeight(r) * f;
        s.reasons << QStringLiteral("%1 of the %2 %3 columns hold values; they are %4")
                         .arg(filled)
                         .arg(members.size())
                         .arg(r.name, f >= 0.8 ? roleKindName(r.kind) + u's'
                                               : QStringLiteral("not all %1s").arg(roleKindName(r.kind)));
    }
    s.score = total > 0 ? sum / total : 0;
    return s;
}

StrategyScore TypeEvaluator::structure()
{
    StrategyScore s{kStructure, t.id, 0, {}};
    const auto &counts = t.structure.counts;
    if (counts.isEmpty()) {
        s.score = 0.5;
        return s;
    }
    QMap<QString, int> have;
    for (const ColumnProfile &c : cols) {
        have[QStringLiteral("code_header_columns")] += c.headerIsCode ? 1 : 0;
        switch (c.shape) {
        case ColumnShape::Temporal: ++have[QStringLiteral("temporal_columns")]; break;
        case ColumnShape::Measure: ++have[QStringLiteral("numeric_columns")]; break;
        case ColumnShape::Code: ++have[QStringLiteral("code_value_columns")]; break;
        case ColumnShape::Identifier: ++have[QStringLiteral("identifier_columns")]; break;
        case ColumnShape::Category: ++have[QStringLiteral("category_columns")]; break;
        case ColumnShape::Flag: ++have[QStringLiteral("flag_columns")]; break;
        default: break;
        }
    }
    int ok = 0;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        const int n = have.value(it.key());
        const bool fits = it.value().contains(n);
        ok += fits ? 1 : 0;
        QString range;
        if (it.value().min >= 0 && it.value().max >= 0)
            range = QStringLiteral("%1 to %2").arg(it.value().min).arg(it.value().max);
        else if (it.value().min >= 0)
            range = QStringLiteral("at least %1").arg(it.value().min);
        else
            range = QStringLiteral("at most %1").arg(it.value().max);
        QString what = it.key();
        what.replace(u'_', u' ');
        s.reasons << QStringLiteral("%1 %2 (%3 expects %4)%5")
                         .arg(n)
                         .arg(what, t.structure.layout.isEmpty() ? t.id : t.structure.layout + QStringLiteral(" layout"),
                              range, fits ? QString() : QStringLiteral(": does not fit"));
    }
    s.score = double(ok) / counts.size();
    return s;
}

StrategyScore TypeEvaluator::fileNameHint()
{
    StrategyScore s{kFileName, t.id, 0, {}};
    const QStringList tokens = headerTokens(QFileInfo(fileName).completeBaseName());
    QStringList hits;
    for (const QString &h : t.fileNameHints)
        if (tokens.contains(h.toLower()))
            hits << h;
    if (!hits.isEmpty()) {
        s.score = 1.0;
        s.reasons << QStringLiteral("the file name mentions %1").arg(quoteList(hits));
    }
    return s;
}

} // namespace finpipe::detect
