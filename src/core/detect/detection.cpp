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
//! The fit of a date column to a date role when its header says nothing.
constexpr double kValueOnlyFit = 0.4;
//! What a column blank in every sampled row earns the required role it stands in for (the role's
//! confidence and the header strategies' credit): its header names the role, but no value confirms it.
constexpr double kBlankColumnCredit = 0.25;

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
};

class TypeEvaluator
{
public:
    TypeEvaluator(const DatasetType &type, const QList<ColumnProfile> &cols, const QList<PreparedName> &headers,
                  const QString &fileName, const DetectionSettings &settings)
        : t(type), cols(cols), headers(headers), fileName(fileName), settings(settings)
    {
    }

    Evaluation run()
    {
        Evaluation e;
        e.match.type = t.id;
        e.match.mapping.datasetType = t.id;
        for (const Role &r : t.roles)
            if (!r.isGroup())
                singles << &r;
        header.resize(size_t(singles.size()));
        for (int i = 0; i < singles.size(); ++i) {
            const PreparedRole role = prepareRole(*singles[i]);
            header[size_t(i)].reserve(size_t(cols.size()));
            for (const PreparedName &h : headers)
                header[size_t(i)].push_back(matchHeader(h, role));
        }

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

        e.strategies.insert(kExact, exactHeader(byHeader, groups));
        e.strategies.insert(kFuzzy, fuzzyHeader(byHeader, groups));
        e.strategies.insert(kValue, valueProfile(mapped, groups, e.match.blankColumns));
        e.strategies.insert(kStructure, structure());
        e.strategies.insert(kFileName, fileNameHint());

        double sum = 0, weights = 0;
        for (const QString &s : kStrategies) {
            const double w = settings.weights.value(s, 0);
            sum += w * e.strategies[s].score;
            weights += w;
        }
        e.raw = weights > 0 ? sum / weights : 0;
        e.match.score = e.raw;
        const int required = int(t.requiredRoles().size());
        if (!e.match.missingRoles.isEmpty() && required > 0) {
            e.coverage = double(required - e.match.missingRoles.size()) / required;
            e.match.score = e.raw * settings.missingRequiredFactor * e.coverage;
        }
        return e;
    }

private:
    //! Header similarity gated by the column's values: what the mapping maximises.
    double fit(int role, int col) const
    {
        const HeaderMatch &hm = header[size_t(role)][size_t(col)];
        const RoleKind kind = singles[role]->kind;
        const double kf = kindFit(cols[col], kind);
        if (kf <= 0)
            return 0;
        if (hm.score < kMinHeaderScore) {
            // Dates are distinctive enough to be found by their values alone ("Sample Collected"
            // holding dates); such a match stays weak and earns nothing from the header strategies.
            const bool temporalRole = kind == RoleKind::Date || kind == RoleKind::DateTime;
            return temporalRole && cols[col].shape == ColumnShape::Temporal ? kValueOnlyFit : 0.0;
        }
        return hm.score * (0.6 + 0.4 * kf);
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

    //! Shared by the two header strategies: `credit` scores one matched header.
    StrategyScore headerStrategy(const QString &name, const std::vector<int> &byHeader,
                                 const QMap<QString, QList<int>> &groups,
                                 const std::function<double(const HeaderMatch &)> &credit)
    {
        StrategyScore s{name, t.id, 0, {}};
        double sum = 0, total = 0;
        QStringList matched, missing;
        for (int i = 0; i < singles.size(); ++i) {
            const Role &r = *singles[i];
            const int c = byHeader[size_t(i)];
            const double got = c >= 0 ? credit(header[size_t(i)][size_t(c)]) * blankCredit(c) : 0.0;
            if (c < 0 || got <= 0) {
                if (r.required) {
                    total += roleWeight(r);
                    missing << r.name;
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
        if (!matched.isEmpty())
            s.reasons << QStringLiteral("%1: %2").arg(name == kExact ? QStringLiteral("headers named exactly as expected")
                                                                      : QStringLiteral("headers that name the roles"),
                                                      matched.join(QStringLiteral(", ")));
        if (!missing.isEmpty())
            s.reasons << QStringLiteral("no header %1 the required role(s) %2")
                             .arg(name == kExact ? QStringLiteral("exactly names") : QStringLiteral("names"),
                                  missing.join(QStringLiteral(", ")));
        return s;
    }

    StrategyScore exactHeader(const std::vector<int> &byHeader, const QMap<QString, QList<int>> &groups)
    {
        return headerStrategy(kExact, byHeader, groups,
                              [](const HeaderMatch &m) { return m.how == HeaderMatch::How::Exact ? 1.0 : 0.0; });
    }

    StrategyScore fuzzyHeader(const std::vector<int> &byHeader, const QMap<QString, QList<int>> &groups)
    {
        return headerStrategy(kFuzzy, byHeader, groups, [](const HeaderMatch &m) { return m.score; });
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
            else if (r.required || kf < 0.6 || cf < 0.9)
                s.reasons << QStringLiteral("\"%1\" as %2 (%3): %4%5")
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
    // A required role standing on a column with no values is a guess for the analyst to confirm.
    bool blankRequired = false;
    for (auto it = win.match.blankColumns.cbegin(); it != win.match.blankColumns.cend(); ++it)
        blankRequired = blankRequired || d.mapping.roles.value(it.key()) == it.value();
    if ((d.ambiguous || blankRequired) && d.level == Level::High)
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
