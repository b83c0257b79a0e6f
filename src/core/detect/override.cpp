#include "override.h"

#include "detect/rolefit.h"

namespace finpipe::detect {

namespace {

Error invalid(const QStringList &problems, const QString &type)
{
    return Error::make(Error::Code::Invalid, problems.join(u' '),
                       QStringLiteral("mapping for %1 refused: %2 problem(s)").arg(type).arg(problems.size()));
}

const ColumnProfile *findColumn(const QList<ColumnProfile> &columns, const QString &name)
{
    for (const ColumnProfile &c : columns)
        if (c.name == name)
            return &c;
    return nullptr;
}

QString columnList(const QList<ColumnProfile> &columns)
{
    QStringList names;
    for (const ColumnProfile &c : columns)
        names << u'"' + c.name + u'"';
    return names.join(QStringLiteral(", "));
}

} // namespace

Result<ColumnMapping> validateMapping(const ColumnMapping &mapping, const QList<ColumnProfile> &columns,
                                      const Rules &rules)
{
    const DatasetType *type = rules.type(mapping.datasetType);
    if (!type) {
        QStringList ids;
        for (const DatasetType &t : rules.types())
            ids << t.id;
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("\"%1\" is not a dataset type finpipe knows. Choose one of: %2.")
                               .arg(mapping.datasetType, ids.join(QStringLiteral(", "))));
    }
    QStringList problems;
    QMap<QString, QString> usedBy; // column -> role
    auto use = [&](const QString &column, const QString &role) {
        if (usedBy.contains(column)) {
            problems << QStringLiteral("The column \"%1\" is chosen for both %2 and %3; a column can play only "
                                       "one part.")
                            .arg(column, usedBy.value(column), role);
            return false;
        }
        usedBy.insert(column, role);
        return true;
    };
    auto check = [&](const QString &column, const Role &role) {
        const ColumnProfile *c = findColumn(columns, column);
        if (!c) {
            problems << QStringLiteral("There is no column \"%1\" in the file (chosen for %2). The columns are: %3.")
                            .arg(column, role.name, columnList(columns));
            return;
        }
        if (!use(column, role.name))
            return;
        // A multi-column role may hold empty columns (a template's parameter with no readings yet).
        if (role.isGroup() && c->nonBlank == 0)
            return;
        if (auto why = roleRefusal(*c, role))
            problems << *why;
    };

    for (auto it = mapping.roles.cbegin(); it != mapping.roles.cend(); ++it) {
        const Role *role = type->role(it.key());
        if (!role || role->isGroup()) {
            problems << QStringLiteral("%1 has no part called \"%2\".").arg(type->name, it.key());
            continue;
        }
        if (!it.value().isEmpty())
            check(it.value(), *role);
    }
    for (auto it = mapping.columnGroups.cbegin(); it != mapping.columnGroups.cend(); ++it) {
        const Role *role = type->role(it.key());
        if (!role || !role->isGroup()) {
            problems << QStringLiteral("%1 has no part called \"%2\" that takes several columns.").arg(type->name, it.key());
            continue;
        }
        for (const QString &column : it.value())
            check(column, *role);
    }
    for (const Role &role : type->roles) {
        if (!role.required)
            continue;
        if (role.isGroup()) {
            const int n = int(mapping.columnGroups.value(role.name).size());
            if (n < role.minColumns)
                problems << QStringLiteral("%1 needs at least %2 columns for %3; %4 chosen.")
                                .arg(type->name)
                                .arg(role.minColumns)
                                .arg(role.name)
                                .arg(n);
        } else if (mapping.roles.value(role.name).isEmpty()) {
            problems << QStringLiteral("%1 needs a column for %2 (%3); none is chosen.")
                            .arg(type->name, role.name, roleKindName(role.kind));
        }
    }
    if (!type->requiredOneOf.isEmpty() && type->satisfiedAlternative(mapping.roles).isEmpty())
        problems << QStringLiteral("%1 needs columns for %2; none is chosen.").arg(type->name, type->alternativesText());
    if (!problems.isEmpty())
        return invalid(problems, type->id);
    ColumnMapping out = mapping;
    // Drop roles explicitly left without a column.
    for (auto it = out.roles.begin(); it != out.roles.end();)
        it = it.value().isEmpty() ? out.roles.erase(it) : std::next(it);
    return out;
}

Result<ColumnMapping> validateOverride(const OverrideChoice &choice, const Detection &detection, const Rules &rules)
{
    ColumnMapping m;
    m.datasetType = choice.datasetType.isEmpty() ? detection.type : choice.datasetType;
    const auto candidate = detection.candidates.constFind(m.datasetType);
    if (candidate != detection.candidates.cend()) {
        m.roles = candidate->mapping.roles;
        m.columnGroups = candidate->mapping.columnGroups;
    }
    for (auto it = choice.roles.cbegin(); it != choice.roles.cend(); ++it) {
        // Choosing a column for one role takes it away from the role it was detected for.
        if (!it.value().isEmpty())
            for (auto r = m.roles.begin(); r != m.roles.end(); ++r)
                if (r.value() == it.value() && r.key() != it.key() && !choice.roles.contains(r.key()))
                    r.value().clear();
        m.roles.insert(it.key(), it.value());
    }
    for (auto it = choice.columnGroups.cbegin(); it != choice.columnGroups.cend(); ++it)
        m.columnGroups.insert(it.key(), it.value());

    auto validated = validateMapping(m, detection.profile, rules);
    if (!validated)
        return validated.error();
    ColumnMapping out = std::move(*validated);
    out.overridden = out.datasetType != detection.mapping.datasetType || out.roles != detection.mapping.roles
        || out.columnGroups != detection.mapping.columnGroups;
    return out;
}

} // namespace finpipe::detect
