#pragma once

#include <QList>
#include <QMap>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <optional>

namespace finpipe::detect {

//! What a role expects of its column's values.
enum class RoleKind { Date, DateTime, Number, Text, Code, Category, Identifier, Flag };

//! "date", "datetime", "number", "text", "code", "category", "identifier", "flag".
QString roleKindName(RoleKind kind);
std::optional<RoleKind> roleKindFromName(const QString &name);

//! Checks a role's values must pass; every field is optional.
struct ValueChecks {
    //! Allowed values, compared ignoring case (e.g. "0", "1", "yes").
    QStringList allowed;
    std::optional<double> min;
    std::optional<double> max;
    //! A regular expression every value must match.
    QRegularExpression format;
    std::optional<double> minDistinctRatio;
    std::optional<double> maxDistinctRatio;
    bool isEmpty() const;
};

//! A part a column plays in a dataset type (station, timestamp, value, ...).
struct Role {
    QString name;
    bool required = false;
    RoleKind kind = RoleKind::Text;
    //! Header names, matched ignoring case, spaces, underscores and punctuation.
    QStringList synonyms;
    //! Regular expressions (case-insensitive) a header may match instead.
    QList<QRegularExpression> patterns;
    ValueChecks checks;
    //! A role taking several columns (station_analysis's parameter columns): at least this many.
    //! 0 for a role taking exactly one column.
    int minColumns = 0;
    bool isGroup() const { return minColumns > 0; }
};

//! A bound on how many columns of one class a type expects; -1 means unbounded.
struct CountRange {
    int min = -1;
    int max = -1;
    bool contains(int n) const { return (min < 0 || n >= min) && (max < 0 || n <= max); }
};

//! The overall shape a type expects ("structure" in the rules file).
struct StructureRule {
    QString layout; //!< "long", "wide", "records": for people reading the rules
    //! Column class ("temporal_columns", "numeric_columns", "code_value_columns",
    //! "code_header_columns", "identifier_columns", "category_columns", "flag_columns") -> range.
    QMap<QString, CountRange> counts;
};

//! A dataset type, read from one rules file.
struct DatasetType {
    QString id;
    QString name;
    QString description;
    //! The analysis this type maps to ("station_pivot", "timeseries_report", "sales_summary", "profile").
    QString analysis;
    QList<Role> roles;
    QStringList fileNameHints;
    //! Alternatives of which at least one must have every role mapped ("required_one_of"): a
    //! statement needs an amount, or a debit and a credit. Roles listed here are optional one by one.
    QList<QStringList> requiredOneOf;
    StructureRule structure;
    //! The fallback type (generic_table): never wins with a high confidence.
    bool fallback = false;
    //! Where it was loaded from (":/finpipe/rules/x.json" for a shipped rule).
    QString sourceFile;

    const Role *role(const QString &name) const;
    QStringList requiredRoles() const;
    //! The first alternative of requiredOneOf whose roles all have a column in `roles` (role -> column),
    //! or an empty list when none has (or the type lists none).
    QStringList satisfiedAlternative(const QMap<QString, QString> &roles) const;
    //! "amount, or debit and credit": requiredOneOf in words.
    QString alternativesText() const;
};

//! Detection settings (settings.json): strategy weights and level thresholds.
struct DetectionSettings {
    //! Strategy name -> weight; the combined score is the weighted mean.
    QMap<QString, double> weights{{QStringLiteral("exact_header"), 0.25},
                                  {QStringLiteral("fuzzy_header"), 0.30},
                                  {QStringLiteral("value_profile"), 0.30},
                                  {QStringLiteral("structure"), 0.10},
                                  {QStringLiteral("file_name"), 0.05}};
    double high = 0.90;
    double medium = 0.70;
    double low = 0.50;
    //! Runner-up within this of the winner: ambiguous, at most medium.
    double ambiguityMargin = 0.05;
    //! A runner-up closer than this takes confidence away from the winner.
    double closeMargin = 0.25;
    //! The fallback type's confidence never exceeds this (kept below `high`).
    double fallbackMaxConfidence = 0.85;
    //! Multiplies a type's score when some of its required roles have no column.
    double missingRequiredFactor = 0.5;
};

//! A rules file that could not be used, with where and why.
struct RulesProblem {
    QString file;
    int line = 0; //!< 1-based; 0 when unknown
    QString message;
    //! "file:line: message", for logs and the CLI.
    QString toString() const;
};

struct RulesOptions {
    //! The user's rules folder; empty means QStandardPaths::AppConfigLocation + "/rules".
    //! The environment variable FINPIPE_RULES_DIR, when set, takes precedence over the default.
    QString userDir;
    bool includeUser = true;
};

//! The dataset types finpipe knows: the shipped rules joined by the user's.
class Rules
{
public:
    //! Shipped rules plus the user's; never fails: bad files are listed in problems().
    static Rules load(const RulesOptions &options = {});
    //! Only the rules in these folders, in order (a later folder's type replaces an earlier one's
    //! with the same id). For tests and tools.
    static Rules loadFromDirs(const QStringList &dirs);
    //! The folder the user's rules are read from by default.
    static QString defaultUserDir();
    //! The folder of the rules built into the application (a Qt resource path).
    static QString shippedDir();
    //! The category keyword files for bank statements ("categories.json"): the shipped one, then the
    //! user's rules folder's when there is one (a later file's categories replace an earlier one's).
    static QStringList categoriesFiles(const RulesOptions &options = {});
    //! Not a dataset type: the name of the category keywords file kept beside the types.
    static QString categoriesFileName() { return QStringLiteral("categories.json"); }

    //! Types in a stable order (by id), the fallback type last.
    const QList<DatasetType> &types() const { return m_types; }
    const DatasetType *type(const QString &id) const;
    const DetectionSettings &settings() const { return m_settings; }
    const QList<RulesProblem> &problems() const { return m_problems; }
    //! A short hash of everything loaded, for the manifest ("rules version").
    const QString &version() const { return m_version; }
    //! Folders actually read, in order.
    const QStringList &sources() const { return m_sources; }

    //! Adds or replaces a type (same id replaces). For tests and tools; updates version().
    void addType(const DatasetType &type);

private:
    void loadDir(const QString &dir);
    void insertType(const DatasetType &type);
    void finish();

    QList<DatasetType> m_types;
    DetectionSettings m_settings;
    QList<RulesProblem> m_problems;
    QStringList m_sources;
    QString m_version;
    QByteArray m_hashInput;
};

//! A parsed type or what is wrong with the file (for one file's bytes; `file` names it in messages).
struct ParsedType {
    std::optional<DatasetType> type;
    std::optional<RulesProblem> problem;
};
ParsedType parseTypeFile(const QByteArray &bytes, const QString &file);

//! 1-based line of a byte offset in `bytes`.
int lineOfOffset(const QByteArray &bytes, qsizetype offset);

} // namespace finpipe::detect
