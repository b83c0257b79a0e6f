#include "detection.h"

#include "detect/assignment.h"
#include "detect/headermatch.h"
#include "detect/rolefit.h"
#include "ingest/fileerrors.h"

#include <QFileInfo>
#include <QSet>

#include <algorithm>
#include <functional>
#include <numeric>
#include <optional>

namespace finpipe::detect {

namespace {

const QString kExact = QStringLiteral("exact_header");
const QString kFuzzy = QStringLiteral("fuzzy_header");
const QString kValue = QStringLiteral("value_profile");
const QString kStructure = QStringLiteral("structure");
const QString kFileName = QStringLiteral("file_name");
const QStringList kStrategies{kExact, kFuzzy, kValue, kStructure, kFileName};

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

QString fmt(double v)
{
    return QString::number(v, 'f', 2);
}

QString quoteList(const QStringList &names)
{
    QStringList q;
    for (const QString &n : names)
        q << u'"' + n + u'"';
    return q.join(QStringLiteral(", "));
}

struct Evaluation {
    TypeMatch match;
    QMap<QString, StrategyScore> strategies;
    double raw = 0; //!< combined before the missing-role penalty
    double coverage = 1; //!< share of required roles with a column
    //! The type was recognised by its values: required roles found by their values alone count.
    bool byValues = false;
};

class TypeEvaluator
{
public:
    TypeEvaluator(const DatasetType &type, const QList<ColumnProfile> &cols, const QList<PreparedName> &headers,
                  const QString &fileName, const DetectionSettings &settings)
        : t(type), cols(cols), headers(headers), fileName(fileName), settings(settings)
    {
    }

    //! The type's best mapping and scores. Required roles may first be found by their values alone; that
    //! stands only when the whole type is recognised by its values (recognisedByValues()), otherwise the
    //! file is evaluated again with only a date role taking a column on its values.
    Evaluation run()
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

private:
    //! `whyNot`: why the type is not recognised by its values, when that was tried and came close.
    Evaluation evaluate(bool withValues, QString *whyNot = nullptr)
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
        const int required = int(t.requiredRoles().size());
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

    //! The role's column was found by its values alone: its header does not name the role.
    bool foundByValues(int role, int col) const
    {
        return header[size_t(role)][size_t(col)].score < kMinHeaderScore;
    }

    //! Whether the file is recognised as this type by its values: every required role has a column, at
    //! least one of them found by its values alone (`mapped`, with `used` the columns taken), and
    //! - the file's column counts fit the type's structure (a type without one is found by headers only);
    //! - every required role's column passes all of the role's checks;
    //! - each column found by its values is the only column left whose values fit the role as well;
    //! - plain values (numbers, unique ids, ...) stand for one required role at most, and then at least two
    //!   others are named by headers or found by telling values: plain values complete a type, never make one.
    //! `whyNot` (when given) says why not, for a type that came close: every required role had a column.
    bool recognisedByValues(const std::vector<int> &mapped, const QSet<int> &used, const Evaluation &e,
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

    //! Header similarity gated by the column's values: what the mapping maximises.
    double fit(int role, int col) const
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

    //! valueEvidence() of a column for a single role, computed once (the assignment asks many times).
    ValueEvidence evidence(int role, int col) const
    {
        std::optional<ValueEvidence> &e = evidenceCache[size_t(role)][size_t(col)];
        if (!e)
            e = valueEvidence(cols[col], *singles[role]);
        return *e;
    }

    //! 1, or kBlankColumnCredit for a column blank in every sampled row.
    double blankCredit(int col) const
    {
        return cols[col].blankInSample() ? kBlankColumnCredit : 1.0;
    }

    //! The best one-to-one assignment of `roles` (indexes into singles) to `columns` under `weight`.
    //! Returns a column for every single role, -1 for none (and for roles not in `roles`).
    std::vector<int> assignAmong(const std::function<double(int, int)> &weight, const std::vector<int> &roles,
                                 const std::vector<int> &columns) const
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

    //! Which column plays which single role. A column blank in every sampled row holds no data to back
    //! a role: the roles are first assigned among the columns with values, and only a required role
    //! left without one may then take a blank column whose header names it (nothing else fits it).
    //! An optional role never gets a blank column.
    std::vector<int> assign(const std::function<double(int, int)> &weight) const
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

    //! Role -> the blank column standing in for it (a required role) or that would have had it had
    //! the column held values (an optional role left unmapped), for the evidence.
    QMap<QString, QString> blankColumns(const std::vector<int> &mapped, const QSet<int> &used) const
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

    std::vector<int> assignByHeader() const
    {
        return assign([this](int r, int c) {
            const double s = header[size_t(r)][size_t(c)].score;
            return s >= kMinHeaderScore ? s : 0.0;
        });
    }

    std::vector<int> assignByFit() const
    {
        return assign([this](int r, int c) { return fit(r, c); });
    }

    //! Shared by the two header strategies: `credit` scores one matched header. A required role no header
    //! names but found by its values (in `mapped`) earns nothing here; when the type is recognised by its
    //! values (`standIn`), `combined` also gets the score with such roles credited kValueOnlyStandIn of
    //! their value fit, for the combined score.
    StrategyScore headerStrategy(const QString &name, const std::vector<int> &byHeader, const std::vector<int> &mapped,
                                 const QMap<QString, QList<int>> &groups, bool standIn, double *combined,
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

    StrategyScore exactHeader(const std::vector<int> &byHeader, const std::vector<int> &mapped,
                              const QMap<QString, QList<int>> &groups, bool standIn, double *combined)
    {
        return headerStrategy(kExact, byHeader, mapped, groups, standIn, combined,
                              [](const HeaderMatch &m) { return m.how == HeaderMatch::How::Exact ? 1.0 : 0.0; });
    }

    StrategyScore fuzzyHeader(const std::vector<int> &byHeader, const std::vector<int> &mapped,
                              const QMap<QString, QList<int>> &groups, bool standIn, double *combined)
    {
        return headerStrategy(kFuzzy, byHeader, mapped, groups, standIn, combined,
                              [](const HeaderMatch &m) { return m.score; });
    }

    StrategyScore valueProfile(const std::vector<int> &mapped, const QMap<QString, QList<int>> &groups,
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

    StrategyScore structure()
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

    StrategyScore fileNameHint()
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

    const DatasetType &t;
    const QList<ColumnProfile> &cols;
    const QList<PreparedName> &headers;
    const QString &fileName;
    const DetectionSettings &settings;
    QList<const Role *> singles;
    std::vector<std::vector<HeaderMatch>> header;
    //! Required roles other than dates may be found by their values alone (the first evaluation).
    bool byValues = false;
    mutable std::vector<std::vector<std::optional<ValueEvidence>>> evidenceCache;
};

QStringList summarise(const Detection &d, const Rules &rules)
{
    QStringList out;
    const DatasetType *t = rules.type(d.type);
    if (!t)
        return out;
    if (t->fallback) {
        out << QStringLiteral("No specific dataset type fits this file, so it will be profiled as a generic table.");
    } else {
        QStringList parts;
        for (auto it = d.mapping.roles.cbegin(); it != d.mapping.roles.cend(); ++it)
            if (t->role(it.key()) && t->role(it.key())->required)
                parts << QStringLiteral("%1 = \"%2\"").arg(it.key(), it.value());
        for (auto it = d.mapping.columnGroups.cbegin(); it != d.mapping.columnGroups.cend(); ++it)
            parts << QStringLiteral("%1 = %2 columns (\"%3\" ...)").arg(it.key()).arg(it.value().size()).arg(it.value().first());
        if (!parts.isEmpty())
            out << QStringLiteral("Looks like %1: %2.").arg(t->name, parts.join(QStringLiteral(", ")));
        if (!d.missingRoles.isEmpty())
            out << QStringLiteral("No column found for: %1.").arg(d.missingRoles.join(QStringLiteral(", ")));
        const TypeMatch &match = d.candidates.value(d.type);
        bool requiredByValues = false;
        for (const Role &r : t->roles) {
            if (!match.foundByValues.contains(r.name))
                continue;
            requiredByValues = requiredByValues || r.required;
            const QString column = d.mapping.roles.value(r.name);
            for (const ColumnProfile &c : d.profile)
                if (c.name == column)
                    out << QStringLiteral("Found by its values: %1 = \"%2\" (%3); no header names it.")
                               .arg(r.name, column, describeValues(c));
        }
        if (requiredByValues)
            out << (match.foundByValues.size() == 1
                        ? QStringLiteral("That column was recognised by its values, not its header, so the confidence "
                                         "is at most medium: please check the mapping.")
                        : QStringLiteral("Those columns were recognised by their values, not their headers, so the "
                                         "confidence is at most medium: please check the mapping."));
        const QMap<QString, QString> blank = d.candidates.value(d.type).blankColumns;
        for (auto it = blank.cbegin(); it != blank.cend(); ++it)
            out << (d.mapping.roles.value(it.key()) == it.value()
                        ? QStringLiteral("\"%1\" is empty in the sample; it is taken as %2 only because no column "
                                         "with values fits: please check.")
                        : QStringLiteral("\"%1\" is empty in the sample, so %2 is left unmapped."))
                       .arg(it.value(), it.key());
    }
    if (!d.runnerUp.isEmpty()) {
        const TypeMatch &r = d.candidates.value(d.runnerUp);
        QString why;
        if (!r.missingRoles.isEmpty())
            why = QStringLiteral(" (no column for %1)").arg(r.missingRoles.join(QStringLiteral(", ")));
        out << QStringLiteral("Next best: %1 at %2%3.").arg(d.runnerUp, fmt(d.scores.value(d.runnerUp)), why);
    }
    if (d.ambiguous)
        out << QStringLiteral("%1 and %2 fit almost equally well: please confirm the type.").arg(d.type, d.runnerUp);
    return out;
}

} // namespace

QString levelName(Level level)
{
    switch (level) {
    case Level::High: return QStringLiteral("high");
    case Level::Medium: return QStringLiteral("medium");
    case Level::Low: return QStringLiteral("low");
    case Level::VeryLow: return QStringLiteral("very_low");
    }
    return QStringLiteral("very_low");
}

Level levelFor(double confidence, const DetectionSettings &s)
{
    if (confidence >= s.high)
        return Level::High;
    if (confidence >= s.medium)
        return Level::Medium;
    if (confidence >= s.low)
        return Level::Low;
    return Level::VeryLow;
}

QList<StrategyScore> Detection::strategiesFor(const QString &t) const
{
    QList<StrategyScore> out;
    for (const StrategyScore &s : strategies)
        if (s.type == t)
            out << s;
    return out;
}

Detection detectSample(const QList<ingest::ColumnInfo> &columns, const ingest::RowBatch &sample,
                       const QString &fileName, const Rules &rules)
{
    Detection d;
    d.rulesVersion = rules.version();
    d.profile = profileColumns(columns, sample);
    const DetectionSettings &settings = rules.settings();

    QList<PreparedName> headers;
    headers.reserve(d.profile.size());
    for (const ColumnProfile &c : std::as_const(d.profile))
        headers << prepareName(c.name);
    QMap<QString, Evaluation> evals;
    const DatasetType *fallback = nullptr;
    for (const DatasetType &t : rules.types()) {
        if (t.fallback) {
            fallback = &t;
            continue;
        }
        evals.insert(t.id, TypeEvaluator(t, d.profile, headers, fileName, settings).run());
    }
    if (fallback) {
        // The fallback fits as well as every specific type fails, per strategy and overall.
        Evaluation g;
        g.match.type = fallback->id;
        g.match.mapping.datasetType = fallback->id;
        // A specific type that fits in part (some required roles found, values and shape agreeing)
        // makes "none of them" less certain even when it cannot win itself.
        double best = 0;
        for (const Evaluation &e : std::as_const(evals))
            best = qMax(best, qMax(e.match.score, e.raw * e.coverage));
        for (const QString &s : kStrategies) {
            double bestS = 0;
            QString which;
            for (const Evaluation &e : std::as_const(evals))
                if (e.strategies[s].score >= bestS) {
                    bestS = e.strategies[s].score;
                    which = e.match.type;
                }
            StrategyScore ss{s, fallback->id, 1.0 - bestS, {}};
            if (bestS <= 0)
                ss.reasons << QStringLiteral("no specific type finds anything here");
            else if (!which.isEmpty())
                ss.reasons << QStringLiteral("the best specific type here is %1 at %2").arg(which, fmt(bestS));
            g.strategies.insert(s, ss);
        }
        g.match.score = qMin(settings.fallbackMaxConfidence, 1.0 - best);
        evals.insert(fallback->id, g);
    }

    QList<const Evaluation *> ranked;
    for (const Evaluation &e : std::as_const(evals))
        ranked << &e;
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const Evaluation *a, const Evaluation *b) { return a->match.score > b->match.score; });
    for (const DatasetType &t : rules.types()) {
        const Evaluation &e = evals[t.id];
        d.scores.insert(t.id, e.match.score);
        d.candidates.insert(t.id, e.match);
        for (const QString &s : kStrategies)
            d.strategies << e.strategies.value(s);
    }
    if (ranked.isEmpty())
        return d;

    const Evaluation &win = *ranked.first();
    const double runner = ranked.size() > 1 ? ranked[1]->match.score : 0.0;
    d.type = win.match.type;
    d.runnerUp = ranked.size() > 1 ? ranked[1]->match.type : QString();
    d.mapping = win.match.mapping;
    d.roleConfidence = win.match.roleConfidence;
    d.missingRoles = win.match.missingRoles;
    const double margin = win.match.score - runner;
    // A close runner-up makes the winner less likely to be right.
    double confidence = win.match.score - 0.5 * qMax(0.0, settings.closeMargin - margin);
    if (fallback && d.type == fallback->id)
        confidence = qMin(confidence, settings.fallbackMaxConfidence);
    d.confidence = qBound(0.0, confidence, 1.0);
    d.ambiguous = ranked.size() > 1 && margin < settings.ambiguityMargin;
    d.level = levelFor(d.confidence, settings);
    // A required role standing on a column with no values, or on one no header names, is a guess for the
    // analyst to confirm.
    bool unconfirmed = false;
    for (auto it = win.match.blankColumns.cbegin(); it != win.match.blankColumns.cend(); ++it)
        unconfirmed = unconfirmed || d.mapping.roles.value(it.key()) == it.value();
    if (const DatasetType *t = rules.type(d.type))
        for (const QString &r : win.match.foundByValues)
            unconfirmed = unconfirmed || (t->role(r) && t->role(r)->required);
    if ((d.ambiguous || unconfirmed) && d.level == Level::High)
        d.level = Level::Medium;
    d.reasons = summarise(d, rules);
    return d;
}

Result<Detection> detectReader(ingest::TableReader &reader, const Rules &rules, int sampleRows)
{
    ingest::RowBatch sample;
    auto r = reader.readSample(sample, sampleRows);
    if (!r)
        return r.error();
    return detectSample(reader.columns(), sample, reader.info().path, rules);
}

Result<Detection> detectFile(const QString &path, const ingest::ReadOptions &options, const Rules &rules)
{
    ingest::ReadOptions o = options;
    o.computeHash = false; // detection reads a sample, never the whole file
    auto reader = ingest::TableReader::open(path, o);
    if (!reader)
        return reader.error();
    return detectReader(**reader, rules);
}

} // namespace finpipe::detect
