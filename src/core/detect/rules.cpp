#include "rules.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

#include <algorithm>

// The shipped rules live in a Qt resource compiled into the static finpipe_core library; a static
// library's resource initialiser is only linked in when something references it.
static void registerShippedRules()
{
    Q_INIT_RESOURCE(rules);
}

static void initShippedRulesResource()
{
    // Once per process, thread-safe (rules are loaded from worker threads too).
    static const bool registered = (registerShippedRules(), true);
    Q_UNUSED(registered);
}

namespace finpipe::detect {

namespace {

const QString kSettingsFile = QStringLiteral("settings.json");

struct KindName {
    RoleKind kind;
    const char16_t *name;
};
constexpr KindName kKinds[] = {
    {RoleKind::Date, u"date"},         {RoleKind::DateTime, u"datetime"},
    {RoleKind::Number, u"number"},     {RoleKind::Text, u"text"},
    {RoleKind::Code, u"code"},         {RoleKind::Category, u"category"},
    {RoleKind::Identifier, u"identifier"}, {RoleKind::Flag, u"flag"},
};

const QStringList kStructureKeys{
    QStringLiteral("temporal_columns"),   QStringLiteral("numeric_columns"),
    QStringLiteral("code_value_columns"), QStringLiteral("code_header_columns"),
    QStringLiteral("identifier_columns"), QStringLiteral("category_columns"),
    QStringLiteral("flag_columns"),
};

//! Line of the first occurrence of `needle` (a key or value as written), or 0.
int lineOf(const QByteArray &bytes, const QString &needle)
{
    const qsizetype at = bytes.indexOf(needle.toUtf8());
    return at < 0 ? 0 : lineOfOffset(bytes, at);
}

//! Collects the first problem found while reading one type file.
class TypeParser
{
public:
    TypeParser(const QByteArray &bytes, const QString &file) : m_bytes(bytes), m_file(file) {}

    std::optional<RulesProblem> problem;

    void fail(const QString &needle, const QString &message)
    {
        if (!problem)
            problem = RulesProblem{m_file, needle.isEmpty() ? 0 : lineOf(m_bytes, needle), message};
    }

    QStringList stringList(const QJsonObject &o, const QString &key, const QString &where)
    {
        QStringList out;
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return out;
        if (!v.isArray()) {
            fail(u'"' + key + u'"', QStringLiteral("%1: \"%2\" must be a list of strings").arg(where, key));
            return out;
        }
        for (const QJsonValue &e : v.toArray()) {
            if (!e.isString()) {
                fail(u'"' + key + u'"', QStringLiteral("%1: \"%2\" must contain only strings").arg(where, key));
                return {};
            }
            out << e.toString();
        }
        return out;
    }

    QRegularExpression regex(const QString &pattern, const QString &where)
    {
        QRegularExpression re(pattern, QRegularExpression::CaseInsensitiveOption);
        if (!re.isValid())
            fail(pattern.left(20), QStringLiteral("%1: the pattern \"%2\" is not a valid regular expression (%3)")
                                       .arg(where, pattern, re.errorString()));
        return re;
    }

    std::optional<double> number(const QJsonObject &o, const QString &key, const QString &where)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return std::nullopt;
        if (!v.isDouble()) {
            fail(u'"' + key + u'"', QStringLiteral("%1: \"%2\" must be a number").arg(where, key));
            return std::nullopt;
        }
        return v.toDouble();
    }

    Role role(const QJsonObject &o, int index)
    {
        Role r;
        r.name = o.value(u"name").toString();
        const QString where = r.name.isEmpty() ? QStringLiteral("role %1").arg(index + 1)
                                               : QStringLiteral("role \"%1\"").arg(r.name);
        if (r.name.isEmpty())
            fail(QStringLiteral("\"roles\""), QStringLiteral("%1 has no \"name\"").arg(where));
        r.required = o.value(u"required").toBool(false);
        const QString kind = o.value(u"kind").toString();
        if (auto k = roleKindFromName(kind))
            r.kind = *k;
        else
            fail(kind.isEmpty() ? u'"' + r.name + u'"' : u'"' + kind + u'"',
                 QStringLiteral("%1: unknown kind \"%2\" (use one of date, datetime, number, text, code, "
                                "category, identifier, flag)")
                     .arg(where, kind));
        r.synonyms = stringList(o, QStringLiteral("synonyms"), where);
        for (const QString &p : stringList(o, QStringLiteral("patterns"), where))
            r.patterns << regex(p, where);
        if (o.contains(u"columns")) {
            const QJsonObject cols = o.value(u"columns").toObject();
            r.minColumns = qMax(1, cols.value(u"min").toInt(1));
        }
        if (r.synonyms.isEmpty() && r.patterns.isEmpty())
            fail(u'"' + r.name + u'"', QStringLiteral("%1 needs \"synonyms\" or \"patterns\"").arg(where));
        const QJsonValue checks = o.value(u"checks");
        if (!checks.isUndefined() && !checks.isObject())
            fail(QStringLiteral("\"checks\""), QStringLiteral("%1: \"checks\" must be an object").arg(where));
        const QJsonObject c = checks.toObject();
        r.checks.allowed = stringList(c, QStringLiteral("allowed"), where);
        r.checks.min = number(c, QStringLiteral("min"), where);
        r.checks.max = number(c, QStringLiteral("max"), where);
        r.checks.minDistinctRatio = number(c, QStringLiteral("min_distinct_ratio"), where);
        r.checks.maxDistinctRatio = number(c, QStringLiteral("max_distinct_ratio"), where);
        if (c.contains(u"format"))
            r.checks.format = regex(c.value(u"format").toString(), where);
        return r;
    }

    DatasetType type(const QJsonObject &o)
    {
        DatasetType t;
        t.sourceFile = m_file;
        t.id = o.value(u"id").toString();
        if (t.id.isEmpty())
            fail({}, QStringLiteral("the file has no \"id\" (the dataset type's name, e.g. \"sales_orders\")"));
        else if (!QRegularExpression(QStringLiteral("^[a-z][a-z0-9_]*$")).match(t.id).hasMatch())
            fail(QStringLiteral("\"id\""), QStringLiteral("the id \"%1\" may use only lower-case letters, digits "
                                                          "and underscores")
                                               .arg(t.id));
        t.name = o.value(u"name").toString(t.id);
        t.description = o.value(u"description").toString();
        t.analysis = o.value(u"analysis").toString();
        if (t.analysis.isEmpty())
            fail(QStringLiteral("\"id\""), QStringLiteral("the type \"%1\" names no \"analysis\"").arg(t.id));
        t.fallback = o.value(u"fallback").toBool(false);
        t.fileNameHints = stringList(o, QStringLiteral("file_name_hints"), QStringLiteral("the type"));
        const QJsonValue roles = o.value(u"roles");
        if (!roles.isArray())
            fail(QStringLiteral("\"roles\""), QStringLiteral("\"roles\" must be a list (it may be empty)"));
        const QJsonArray arr = roles.toArray();
        for (int i = 0; i < arr.size(); ++i) {
            if (!arr[i].isObject()) {
                fail(QStringLiteral("\"roles\""), QStringLiteral("role %1 is not an object").arg(i + 1));
                continue;
            }
            Role r = role(arr[i].toObject(), i);
            if (t.role(r.name))
                fail(u'"' + r.name + u'"', QStringLiteral("the role \"%1\" is listed twice").arg(r.name));
            t.roles << r;
        }
        const QJsonValue oneOf = o.value(u"required_one_of");
        if (!oneOf.isUndefined()) {
            const QString where = QStringLiteral("\"required_one_of\"");
            if (!oneOf.isArray())
                fail(where, QStringLiteral("\"required_one_of\" must be a list of lists of role names"));
            for (const QJsonValue &alt : oneOf.toArray()) {
                QStringList names;
                for (const QJsonValue &n : alt.toArray())
                    names << n.toString();
                if (!alt.isArray() || names.isEmpty() || names.contains(QString()))
                    fail(where, QStringLiteral("\"required_one_of\" must be a list of lists of role names, "
                                               "e.g. [[\"amount\"], [\"debit\", \"credit\"]]"));
                for (const QString &n : std::as_const(names)) {
                    const Role *r = t.role(n);
                    if (!r)
                        fail(where, QStringLiteral("\"required_one_of\" names the role \"%1\", which the type "
                                                   "does not have").arg(n));
                    else if (r->required || r->isGroup())
                        fail(where, QStringLiteral("\"required_one_of\": the role \"%1\" must be a single-column "
                                                   "role that is not \"required\" on its own").arg(n));
                }
                t.requiredOneOf << names;
            }
        }
        if (!t.fallback && t.requiredRoles().isEmpty() && t.requiredOneOf.isEmpty())
            fail(QStringLiteral("\"roles\""),
                 QStringLiteral("the type \"%1\" has no required role, so any file would match it; mark at "
                                "least one role \"required\": true (or the type \"fallback\": true)")
                     .arg(t.id));
        const QJsonObject s = o.value(u"structure").toObject();
        t.structure.layout = s.value(u"layout").toString();
        for (auto it = s.begin(); it != s.end(); ++it) {
            if (it.key() == u"layout")
                continue;
            if (!kStructureKeys.contains(it.key())) {
                fail(u'"' + it.key() + u'"',
                     QStringLiteral("unknown structure entry \"%1\" (use %2)").arg(it.key(), kStructureKeys.join(u", ")));
                continue;
            }
            const QJsonObject range = it.value().toObject();
            t.structure.counts.insert(it.key(), CountRange{range.value(u"min").toInt(-1), range.value(u"max").toInt(-1)});
        }
        return t;
    }

private:
    const QByteArray &m_bytes;
    QString m_file;
};

std::optional<RulesProblem> parseSettings(const QByteArray &bytes, const QString &file, DetectionSettings &settings)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        return RulesProblem{file, lineOfOffset(bytes, error.offset), error.errorString()};
    if (!doc.isObject())
        return RulesProblem{file, 1, QStringLiteral("the settings must be a JSON object { ... }")};
    DetectionSettings s = settings;
    const QJsonObject o = doc.object();
    const QJsonObject weights = o.value(u"weights").toObject();
    for (auto it = weights.begin(); it != weights.end(); ++it) {
        if (!s.weights.contains(it.key()))
            return RulesProblem{file, lineOf(bytes, u'"' + it.key() + u'"'),
                                QStringLiteral("unknown strategy \"%1\" in \"weights\" (use %2)")
                                    .arg(it.key(), QStringList(s.weights.keys()).join(u", "))};
        if (!it.value().isDouble() || it.value().toDouble() < 0)
            return RulesProblem{file, lineOf(bytes, u'"' + it.key() + u'"'),
                                QStringLiteral("the weight of \"%1\" must be a number of 0 or more").arg(it.key())};
        s.weights[it.key()] = it.value().toDouble();
    }
    const QJsonObject levels = o.value(u"levels").toObject();
    s.high = levels.value(u"high").toDouble(s.high);
    s.medium = levels.value(u"medium").toDouble(s.medium);
    s.low = levels.value(u"low").toDouble(s.low);
    if (!(s.low <= s.medium && s.medium <= s.high && s.high <= 1.0 && s.low >= 0))
        return RulesProblem{file, lineOf(bytes, QStringLiteral("\"levels\"")),
                            QStringLiteral("the levels must satisfy 0 <= low <= medium <= high <= 1")};
    s.ambiguityMargin = o.value(u"ambiguity_margin").toDouble(s.ambiguityMargin);
    s.closeMargin = o.value(u"close_margin").toDouble(s.closeMargin);
    s.fallbackMaxConfidence = o.value(u"fallback_max_confidence").toDouble(s.fallbackMaxConfidence);
    s.missingRequiredFactor = o.value(u"missing_required_factor").toDouble(s.missingRequiredFactor);
    settings = s;
    return std::nullopt;
}

} // namespace

QString roleKindName(RoleKind kind)
{
    for (const KindName &k : kKinds)
        if (k.kind == kind)
            return QString::fromUtf16(k.name);
    return QStringLiteral("text");
}

std::optional<RoleKind> roleKindFromName(const QString &name)
{
    for (const KindName &k : kKinds)
        if (name.compare(QString::fromUtf16(k.name), Qt::CaseInsensitive) == 0)
            return k.kind;
    return std::nullopt;
}

bool ValueChecks::isEmpty() const
{
    return allowed.isEmpty() && !min && !max && format.pattern().isEmpty() && !minDistinctRatio
        && !maxDistinctRatio;
}

const Role *DatasetType::role(const QString &name) const
{
    for (const Role &r : roles)
        if (r.name == name)
            return &r;
    return nullptr;
}

QStringList DatasetType::requiredRoles() const
{
    QStringList out;
    for (const Role &r : roles)
        if (r.required)
            out << r.name;
    return out;
}

QStringList DatasetType::satisfiedAlternative(const QMap<QString, QString> &columns) const
{
    for (const QStringList &alt : requiredOneOf) {
        const bool all = std::all_of(alt.begin(), alt.end(),
                                     [&](const QString &r) { return !columns.value(r).isEmpty(); });
        if (all)
            return alt;
    }
    return {};
}

QString DatasetType::alternativesText() const
{
    QStringList parts;
    for (const QStringList &alt : requiredOneOf) {
        QString p = alt.first();
        for (qsizetype i = 1; i < alt.size(); ++i)
            p += (i + 1 == alt.size() ? QStringLiteral(" and ") : QStringLiteral(", ")) + alt[i];
        parts << p;
    }
    return parts.join(QStringLiteral(", or "));
}

QString RulesProblem::toString() const
{
    return line > 0 ? QStringLiteral("%1:%2: %3").arg(file).arg(line).arg(message)
                    : QStringLiteral("%1: %2").arg(file, message);
}

int lineOfOffset(const QByteArray &bytes, qsizetype offset)
{
    offset = qBound<qsizetype>(0, offset, bytes.size());
    return int(std::count(bytes.constBegin(), bytes.constBegin() + offset, '\n')) + 1;
}

ParsedType parseTypeFile(const QByteArray &bytes, const QString &file)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        return {std::nullopt, RulesProblem{file, lineOfOffset(bytes, error.offset), error.errorString()}};
    if (!doc.isObject())
        return {std::nullopt, RulesProblem{file, 1, QStringLiteral("a rules file must hold one JSON object { ... }")}};
    TypeParser parser(bytes, file);
    DatasetType t = parser.type(doc.object());
    if (parser.problem)
        return {std::nullopt, parser.problem};
    return {std::move(t), std::nullopt};
}

QString Rules::defaultUserDir()
{
    const QString env = qEnvironmentVariable("FINPIPE_RULES_DIR");
    if (!env.isEmpty())
        return env;
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/rules");
}

QString Rules::shippedDir()
{
    return QStringLiteral(":/finpipe/rules");
}

QStringList Rules::categoriesFiles(const RulesOptions &options)
{
    initShippedRulesResource();
    QStringList files{shippedDir() + u'/' + categoriesFileName()};
    if (options.includeUser) {
        const QString user = (options.userDir.isEmpty() ? defaultUserDir() : options.userDir) + u'/'
            + categoriesFileName();
        if (QFileInfo(user).isFile())
            files << user;
    }
    return files;
}

Rules Rules::load(const RulesOptions &options)
{
    initShippedRulesResource();
    Rules rules;
    rules.loadDir(shippedDir());
    if (options.includeUser) {
        const QString user = options.userDir.isEmpty() ? defaultUserDir() : options.userDir;
        if (QFileInfo(user).isDir())
            rules.loadDir(user);
    }
    rules.finish();
    return rules;
}

Rules Rules::loadFromDirs(const QStringList &dirs)
{
    initShippedRulesResource();
    Rules rules;
    for (const QString &d : dirs)
        rules.loadDir(d);
    rules.finish();
    return rules;
}

void Rules::loadDir(const QString &dir)
{
    QDir d(dir);
    const QStringList files = d.entryList({QStringLiteral("*.json")}, QDir::Files | QDir::Readable, QDir::Name);
    m_sources << dir;
    for (const QString &name : files) {
        const QString path = d.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            m_problems << RulesProblem{path, 0, QStringLiteral("cannot be read: %1").arg(f.errorString())};
            continue;
        }
        const QByteArray bytes = f.readAll();
        if (name == categoriesFileName()) {
            // Bank statement categories (analysis/bankcategories), not a dataset type; the rules
            // version covers them, as they shape categories.csv.
            m_hashInput += "categories\n" + bytes;
            continue;
        }
        if (name == kSettingsFile) {
            if (auto problem = parseSettings(bytes, path, m_settings))
                m_problems << *problem;
            else
                m_hashInput += "settings\n" + bytes;
            continue;
        }
        ParsedType parsed = parseTypeFile(bytes, path);
        if (parsed.problem) {
            m_problems << *parsed.problem;
            continue;
        }
        insertType(*parsed.type);
    }
}

void Rules::addType(const DatasetType &type)
{
    insertType(type);
    finish();
}

void Rules::insertType(const DatasetType &type)
{
    auto it = std::find_if(m_types.begin(), m_types.end(), [&](const DatasetType &t) { return t.id == type.id; });
    if (it != m_types.end())
        *it = type;
    else
        m_types << type;
}

void Rules::finish()
{
    std::stable_sort(m_types.begin(), m_types.end(), [](const DatasetType &a, const DatasetType &b) {
        if (a.fallback != b.fallback)
            return !a.fallback;
        return a.id < b.id;
    });
    // The version covers the types as finally chosen (a replaced shipped type no longer counts).
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(m_hashInput);
    for (const DatasetType &t : m_types) {
        QFile f(t.sourceFile);
        h.addData(t.id.toUtf8());
        if (f.open(QIODevice::ReadOnly))
            h.addData(f.readAll());
    }
    m_version = QString::fromLatin1(h.result().toHex().left(16));
}

const DatasetType *Rules::type(const QString &id) const
{
    for (const DatasetType &t : m_types)
        if (t.id == id)
            return &t;
    return nullptr;
}

} // namespace finpipe::detect
