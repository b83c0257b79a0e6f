#pragma once

// TypeEvaluator scores one dataset type against a file's profiled columns: it finds the type's best
// role -> column mapping and what each detection strategy (exact and fuzzy headers, values, structure,
// file name) says for it. Internal to the detect module: detectSample() (detection.cpp) runs one per
// type and ranks the results; nothing outside src/core/detect includes this header.

#include "detect/detection.h"
#include "detect/headermatch.h"
#include "detect/profile.h"
#include "detect/rolefit.h"
#include "detect/rules.h"

#include <QList>
#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

namespace finpipe::detect {

//! Strategy ids (StrategyScore::strategy, the keys of DetectionSettings::weights), in report order.
inline const QString kExact = QStringLiteral("exact_header");
inline const QString kFuzzy = QStringLiteral("fuzzy_header");
inline const QString kValue = QStringLiteral("value_profile");
inline const QString kStructure = QStringLiteral("structure");
inline const QString kFileName = QStringLiteral("file_name");
inline const QStringList kStrategies{kExact, kFuzzy, kValue, kStructure, kFileName};

//! What TypeEvaluator::run() finds for one type.
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
    Evaluation run();

private:
    //! `whyNot`: why the type is not recognised by its values, when that was tried and came close.
    Evaluation evaluate(bool withValues, QString *whyNot = nullptr);

    //! The role's column was found by its values alone: its header does not name the role.
    bool foundByValues(int role, int col) const;

    //! Whether the file is recognised as this type by its values: every required role has a column, at
    //! least one of them found by its values alone (`mapped`, with `used` the columns taken), and
    //! - the file's column counts fit the type's structure (a type without one is found by headers only);
    //! - every required role's column passes all of the role's checks;
    //! - each column found by its values is the only column left whose values fit the role as well;
    //! - plain values (numbers, unique ids, ...) stand for one required role at most, and then at least two
    //!   others are named by headers or found by telling values: plain values complete a type, never make one.
    //! `whyNot` (when given) says why not, for a type that came close: every required role had a column.
    bool recognisedByValues(const std::vector<int> &mapped, const QSet<int> &used, const Evaluation &e,
                            QString *whyNot) const;

    //! Header similarity gated by the column's values: what the mapping maximises.
    double fit(int role, int col) const;

    //! valueEvidence() of a column for a single role, computed once (the assignment asks many times).
    ValueEvidence evidence(int role, int col) const;

    //! 1, or kBlankColumnCredit for a column blank in every sampled row.
    double blankCredit(int col) const;

    //! The best one-to-one assignment of `roles` (indexes into singles) to `columns` under `weight`.
    //! Returns a column for every single role, -1 for none (and for roles not in `roles`).
    std::vector<int> assignAmong(const std::function<double(int, int)> &weight, const std::vector<int> &roles,
                                 const std::vector<int> &columns) const;

    //! Which column plays which single role. A column blank in every sampled row holds no data to back
    //! a role: the roles are first assigned among the columns with values, and only a required role
    //! left without one may then take a blank column whose header names it (nothing else fits it).
    //! An optional role never gets a blank column.
    std::vector<int> assign(const std::function<double(int, int)> &weight) const;

    //! Role -> the blank column standing in for it (a required role) or that would have had it had
    //! the column held values (an optional role left unmapped), for the evidence.
    QMap<QString, QString> blankColumns(const std::vector<int> &mapped, const QSet<int> &used) const;

    std::vector<int> assignByHeader() const;

    std::vector<int> assignByFit() const;

    //! Shared by the two header strategies: `credit` scores one matched header. A required role no header
    //! names but found by its values (in `mapped`) earns nothing here; when the type is recognised by its
    //! values (`standIn`), `combined` also gets the score with such roles credited kValueOnlyStandIn of
    //! their value fit, for the combined score.
    StrategyScore headerStrategy(const QString &name, const std::vector<int> &byHeader, const std::vector<int> &mapped,
                                 const QMap<QString, QList<int>> &groups, bool standIn, double *combined,
                                 const std::function<double(const HeaderMatch &)> &credit);

    StrategyScore exactHeader(const std::vector<int> &byHeader, const std::vector<int> &mapped,
                              const QMap<QString, QList<int>> &groups, bool standIn, double *combined);

    StrategyScore fuzzyHeader(const std::vector<int> &byHeader, const std::vector<int> &mapped,
                              const QMap<QString, QList<int>> &groups, bool standIn, double *combined);

    StrategyScore valueProfile(const std::vector<int> &mapped, const QMap<QString, QList<int>> &groups,
                               const QMap<QString, QString> &blank);

    StrategyScore structure();

    StrategyScore fileNameHint();

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

} // namespace finpipe::detect
