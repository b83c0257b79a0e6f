#include "cli.h"

#include "common/percent.h"
#include "detect/detection.h"
#include "detect/rules.h"
#include "ingest/fileerrors.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace finpipe::cli {

namespace {

double rounded(double v)
{
    return qRound(v * 10000.0) / 10000.0;
}

QJsonObject toJson(const detect::Detection &d, const detect::Rules &rules, const QString &path)
{
    QJsonObject o;
    o.insert(u"file", path);
    if (!d.sheet.isEmpty())
        o.insert(u"sheet", d.sheet);
    if (!d.sheets.isEmpty()) {
        QJsonArray sheets;
        for (const detect::SheetSummary &s : d.sheets) {
            QJsonObject so{{QStringLiteral("name"), s.name},
                           {QStringLiteral("rows"), s.rows},
                           {QStringLiteral("rows_exact"), s.rowsExact},
                           {QStringLiteral("columns"), s.columns}};
            if (s.error.isEmpty()) {
                so.insert(u"type", s.type);
                so.insert(u"confidence", rounded(s.confidence));
                so.insert(u"level", detect::levelName(s.level));
            } else {
                so.insert(u"error", s.error);
            }
            sheets.append(so);
        }
        o.insert(u"sheets", sheets);
        o.insert(u"sheet_reason", d.sheetReason);
    }
    o.insert(u"type", d.type);
    if (const detect::DatasetType *t = rules.type(d.type))
        o.insert(u"analysis", t->analysis);
    o.insert(u"confidence", rounded(d.confidence));
    o.insert(u"level", detect::levelName(d.level));
    o.insert(u"ambiguous", d.ambiguous);
    o.insert(u"runner_up", d.runnerUp);
    QJsonObject scores;
    for (auto it = d.scores.cbegin(); it != d.scores.cend(); ++it)
        scores.insert(it.key(), rounded(it.value()));
    o.insert(u"scores", scores);
    QJsonArray strategies;
    for (const detect::StrategyScore &s : d.strategies)
        strategies.append(QJsonObject{{QStringLiteral("name"), s.strategy},
                                      {QStringLiteral("type"), s.type},
                                      {QStringLiteral("score"), rounded(s.score)},
                                      {QStringLiteral("reasons"), QJsonArray::fromStringList(s.reasons)}});
    o.insert(u"strategies", strategies);
    QJsonObject mapping;
    for (auto it = d.mapping.roles.cbegin(); it != d.mapping.roles.cend(); ++it)
        mapping.insert(it.key(), it.value());
    for (auto it = d.mapping.columnGroups.cbegin(); it != d.mapping.columnGroups.cend(); ++it)
        mapping.insert(it.key(), QJsonArray::fromStringList(it.value()));
    o.insert(u"mapping", mapping);
    QJsonObject roleConfidence;
    for (auto it = d.roleConfidence.cbegin(); it != d.roleConfidence.cend(); ++it)
        roleConfidence.insert(it.key(), rounded(it.value()));
    o.insert(u"role_confidence", roleConfidence);
    o.insert(u"missing_roles", QJsonArray::fromStringList(d.missingRoles));
    o.insert(u"reasons", QJsonArray::fromStringList(d.reasons));
    o.insert(u"rules_version", d.rulesVersion);
    QJsonArray problems;
    for (const detect::RulesProblem &p : rules.problems())
        problems.append(QJsonObject{{QStringLiteral("file"), p.file},
                                    {QStringLiteral("line"), p.line},
                                    {QStringLiteral("message"), p.message}});
    o.insert(u"rules_problems", problems);
    QJsonArray columns;
    for (const detect::ColumnProfile &c : d.profile)
        columns.append(QJsonObject{{QStringLiteral("name"), c.name},
                                   {QStringLiteral("type"), ingest::columnTypeName(c.type)},
                                   {QStringLiteral("shape"), detect::columnShapeName(c.shape)},
                                   {QStringLiteral("blank_rate"), rounded(c.blankRate)},
                                   {QStringLiteral("distinct_ratio"), rounded(c.distinctRatio)},
                                   {QStringLiteral("min"), c.minText},
                                   {QStringLiteral("max"), c.maxText},
                                   {QStringLiteral("examples"), QJsonArray::fromStringList(c.examples)}});
    o.insert(u"columns", columns);
    return o;
}

void printHuman(const detect::Detection &d, const detect::Rules &rules, const QString &path)
{
    const detect::DatasetType *t = rules.type(d.type);
    out() << ingest::displayName(path) << ": " << d.type;
    if (t)
        out() << " (" << t->name << ")";
    out() << "\n  confidence " << QString::number(wholePercent(d.confidence) / 100.0, 'f', 2) << ", " << detect::levelName(d.level)
          << (d.ambiguous ? ", ambiguous" : "") << '\n';
    for (const QString &r : d.reasons)
        out() << "  " << r << '\n';
    if (!d.mapping.roles.isEmpty() || !d.mapping.columnGroups.isEmpty()) {
        out() << "Mapping:\n";
        for (auto it = d.mapping.roles.cbegin(); it != d.mapping.roles.cend(); ++it)
            out() << "  " << it.key().leftJustified(20) << it.value() << "  ("
                  << QString::number(d.roleConfidence.value(it.key()), 'f', 2) << ")\n";
        for (auto it = d.mapping.columnGroups.cbegin(); it != d.mapping.columnGroups.cend(); ++it)
            out() << "  " << it.key().leftJustified(20) << it.value().join(QStringLiteral(", ")) << '\n';
    }
    if (!d.missingRoles.isEmpty())
        out() << "Missing required roles: " << d.missingRoles.join(QStringLiteral(", ")) << '\n';
    out() << "Scores:";
    for (auto it = d.scores.cbegin(); it != d.scores.cend(); ++it)
        out() << ' ' << it.key() << '=' << QString::number(it.value(), 'f', 2);
    out() << "\nWhy " << d.type << ":\n";
    for (const detect::StrategyScore &s : d.strategiesFor(d.type)) {
        out() << "  " << s.strategy.leftJustified(14) << QString::number(s.score, 'f', 2);
        if (!s.reasons.isEmpty())
            out() << "  " << s.reasons.join(QStringLiteral("; "));
        out() << '\n';
    }
    out().flush();
}

} // namespace

//! `finpipe-cli detect FILE [--sheet S] [--json] [--rules DIR]`.
int runDetect(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Say what kind of dataset a CSV or Excel file is, how sure finpipe is and why, and which "
                       "column plays which part."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The CSV or .xlsx file."));
    const QCommandLineOption sheet(QStringLiteral("sheet"), QStringLiteral("Worksheet name or 1-based number (xlsx)."),
                                   QStringLiteral("S"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    const QCommandLineOption rulesDir(QStringLiteral("rules"),
                                      QStringLiteral("Read user rules from DIR instead of %1.").arg(detect::Rules::defaultUserDir()),
                                      QStringLiteral("DIR"));
    parser.addOptions({sheet, json, rulesDir});
    if (!parser.parse(QStringList{QStringLiteral("detect")} + args))
        return usageError(QStringLiteral("detect"), parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        return Ok;
    }
    const QStringList files = parser.positionalArguments();
    if (files.size() != 1)
        return usageError(QStringLiteral("detect"), QStringLiteral("name exactly one file."));

    detect::RulesOptions ro;
    ro.userDir = parser.value(rulesDir);
    const detect::Rules rules = detect::Rules::load(ro);
    for (const detect::RulesProblem &p : rules.problems())
        err() << "finpipe-cli: warning: rules file skipped: " << p.toString() << Qt::endl;

    ingest::ReadOptions options;
    options.sheet = parser.value(sheet);
    auto detection = detect::detectFile(files.first(), options, rules);
    if (!detection)
        return fail(detection.error());
    if (parser.isSet(json)) {
        out() << QString::fromUtf8(QJsonDocument(toJson(*detection, rules, files.first())).toJson(QJsonDocument::Indented));
        out().flush();
    } else {
        printHuman(*detection, rules, files.first());
    }
    return Ok;
}

} // namespace finpipe::cli
