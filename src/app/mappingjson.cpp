#include "mappingjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace finpipe::app {

QString mappingToJson(const detect::ColumnMapping &mapping)
{
    QJsonObject roles;
    for (auto it = mapping.roles.begin(); it != mapping.roles.end(); ++it)
        roles.insert(it.key(), it.value());
    // Roles that take several columns (station_analysis's parameters).
    QJsonObject groups;
    for (auto it = mapping.columnGroups.begin(); it != mapping.columnGroups.end(); ++it)
        groups.insert(it.key(), QJsonArray::fromStringList(it.value()));
    QJsonObject o{{QStringLiteral("type"), mapping.datasetType},
                  {QStringLiteral("roles"), roles},
                  {QStringLiteral("column_groups"), groups},
                  {QStringLiteral("overridden"), mapping.overridden}};
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

std::optional<detect::ColumnMapping> mappingFromJson(const QString &json)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject o = doc.object();
    detect::ColumnMapping m;
    m.datasetType = o.value(QStringLiteral("type")).toString();
    if (m.datasetType.isEmpty())
        return std::nullopt;
    const QJsonObject roles = o.value(QStringLiteral("roles")).toObject();
    for (auto it = roles.begin(); it != roles.end(); ++it)
        m.roles.insert(it.key(), it.value().toString());
    const QJsonObject groups = o.value(QStringLiteral("column_groups")).toObject();
    for (auto it = groups.begin(); it != groups.end(); ++it) {
        QStringList columns;
        for (const QJsonValue &c : it.value().toArray())
            columns.append(c.toString());
        m.columnGroups.insert(it.key(), columns);
    }
    m.overridden = o.value(QStringLiteral("overridden")).toBool();
    return m;
}

QString parametersToJson(const analysis::Parameters &p)
{
    QJsonObject o{{QStringLiteral("aggregation"), analysis::aggregationName(p.aggregation)},
                  {QStringLiteral("templates"), QJsonArray::fromStringList(p.templates)},
                  {QStringLiteral("only_validated"), p.onlyValidated}};
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

analysis::Parameters parametersFromJson(const QString &json)
{
    analysis::Parameters p;
    const QJsonObject o = QJsonDocument::fromJson(json.toUtf8()).object();
    if (auto a = analysis::aggregationFromName(o.value(QStringLiteral("aggregation")).toString()))
        p.aggregation = *a;
    for (const QJsonValue &t : o.value(QStringLiteral("templates")).toArray())
        p.templates.append(t.toString());
    p.onlyValidated = o.value(QStringLiteral("only_validated")).toBool();
    return p;
}

QString detectionToJson(const detect::Detection &d, const QString &chosenType)
{
    QJsonObject scores;
    for (auto it = d.scores.begin(); it != d.scores.end(); ++it)
        scores.insert(it.key(), it.value());
    QJsonArray strategies;
    for (const detect::StrategyScore &s : d.strategiesFor(chosenType))
        strategies.append(QJsonObject{{QStringLiteral("name"), s.strategy},
                                      {QStringLiteral("score"), s.score},
                                      {QStringLiteral("reasons"), QJsonArray::fromStringList(s.reasons)}});
    QJsonObject o{{QStringLiteral("detected_type"), d.type},
                  {QStringLiteral("chosen_type"), chosenType},
                  {QStringLiteral("confidence"), d.confidence},
                  {QStringLiteral("level"), detect::levelName(d.level)},
                  {QStringLiteral("ambiguous"), d.ambiguous},
                  {QStringLiteral("scores"), scores},
                  {QStringLiteral("reasons"), QJsonArray::fromStringList(d.reasons)},
                  {QStringLiteral("strategies"), strategies},
                  {QStringLiteral("rules_version"), d.rulesVersion}};
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

} // namespace finpipe::app
