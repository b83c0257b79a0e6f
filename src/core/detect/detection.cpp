#include "detection.h"

#include "common/percent.h"
#include "detect/headermatch.h"
#include "detect/rolefit.h"
#include "detect/typeevaluator.h"
#include "detect/sheetchoice.h"
#include "ingest/fileerrors.h"

#include <QDateTime>

#include <algorithm>

namespace finpipe::detect {

QString roleLabel(const QString &roleId)
{
    QStringList words = roleId.split(u'_', Qt::SkipEmptyParts);
    for (QString &w : words)
        if (w == u"id")
            w = QStringLiteral("ID");
    return words.join(u' ');
}

namespace {

QStringList roleWords(const QStringList &ids)
{
    QStringList out;
    for (const QString &id : ids)
        out << roleLabel(id);
    return out;
}

QStringList summarise(const Detection &d, const Rules &rules)
{
    QStringList out;
    const DatasetType *t = rules.type(d.type);
    if (!t)
        return out;
    const auto typeName = [&](const QString &id) {
        const DatasetType *type = rules.type(id);
        return type ? type->name : id;
    };
    if (t->fallback) {
        out << QStringLiteral("No specific dataset type fits this file, so it will be profiled as a generic table.");
    } else {
        QStringList parts;
        for (auto it = d.mapping.roles.cbegin(); it != d.mapping.roles.cend(); ++it)
            if (t->role(it.key()) && t->role(it.key())->required)
                parts << QStringLiteral("%1 = \"%2\"").arg(roleLabel(it.key()), it.value());
        for (auto it = d.mapping.columnGroups.cbegin(); it != d.mapping.columnGroups.cend(); ++it)
            parts << QStringLiteral("%1 = %2 columns (\"%3\" ...)").arg(roleLabel(it.key())).arg(it.value().size()).arg(it.value().first());
        if (!parts.isEmpty())
            out << QStringLiteral("Looks like %1: %2.").arg(t->name, parts.join(QStringLiteral(", ")));
        if (!d.missingRoles.isEmpty())
            out << QStringLiteral("No column found for: %1.").arg(roleWords(d.missingRoles).join(QStringLiteral(", ")));
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
                               .arg(roleLabel(r.name), column, describeValues(c));
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
                       .arg(it.value(), roleLabel(it.key()));
    }
    if (!d.runnerUp.isEmpty()) {
        const TypeMatch &r = d.candidates.value(d.runnerUp);
        QString why;
        if (!r.missingRoles.isEmpty())
            why = QStringLiteral(" (no column for %1)").arg(roleWords(r.missingRoles).join(QStringLiteral(", ")));
        out << QStringLiteral("Next best: %1, %2%3.")
                   .arg(typeName(d.runnerUp),
                        QString::number(wholePercent(d.scores.value(d.runnerUp))) + QLatin1Char('%'), why);
    }
    if (d.ambiguous)
        out << QStringLiteral("%1 and %2 fit almost equally well: please confirm the type.")
                   .arg(typeName(d.type), typeName(d.runnerUp));
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
                ss.reasons << QStringLiteral("none of the known dataset types fits in this way");
            else if (!which.isEmpty())
                ss.reasons << QStringLiteral("the closest known type in this way is %1, at %2%")
                                  .arg(rules.type(which) ? rules.type(which)->name : which)
                                  .arg(wholePercent(bestS));
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

QList<QStringList> previewRows(const ingest::RowBatch &sample)
{
    QList<QStringList> rows;
    const int n = std::min(sample.rowCount(), kPreviewRows);
    rows.reserve(n);
    for (int r = 0; r < n; ++r) {
        QStringList row;
        row.reserve(sample.columnCount());
        for (int c = 0; c < sample.columnCount(); ++c) {
            const ingest::Value &v = sample.at(r, c);
            QString text = v.toString();
            if (text.isEmpty() && v.isTemporal()) {
                const QDateTime t = QDateTime::fromMSecsSinceEpoch(v.msecs, Qt::UTC);
                text = v.kind == ingest::Value::Kind::Date ? t.date().toString(Qt::ISODate)
                                                           : t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
            } else if (text.isEmpty() && v.isNumber()) {
                text = QString::number(v.number, 'g', 15);
            }
            row.append(text);
        }
        rows.append(row);
    }
    return rows;
}

Result<Detection> detectReader(ingest::TableReader &reader, const Rules &rules, int sampleRows)
{
    ingest::RowBatch sample;
    auto r = reader.readSample(sample, sampleRows);
    if (!r)
        return r.error();
    Detection d = detectSample(reader.columns(), sample, reader.info().path, rules);
    d.sheet = reader.info().sheet;
    d.preview = previewRows(sample);
    return d;
}

Result<Detection> detectFile(const QString &path, const ingest::ReadOptions &options, const Rules &rules)
{
    ingest::ReadOptions o = options;
    o.computeHash = false; // detection reads a sample, never the whole file
    auto reader = openAnySheet(path, o);
    if (!reader)
        return reader.error();
    const ingest::SourceInfo &info = (*reader)->info();
    if (info.format == ingest::FileFormat::Xlsx && o.sheet.trimmed().isEmpty() && info.sheets.size() > 1) {
        auto survey = surveySheets(path, info.sheets, o, rules);
        if (!survey)
            return survey.error();
        return survey->detection;
    }
    return detectReader(**reader, rules);
}

} // namespace finpipe::detect
