#pragma once

#include "detect/profile.h"
#include "detect/rules.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace finpipe::detect {

//! Sampled values a column needs before how often they repeat says anything (a distinct-ratio check), and
//! before its values alone may stand for a role other than a date.
constexpr int kMinRowsForRatios = 30;

//! How well a column's values suit a role's kind, in [0, 1] (0: impossible, 1: exactly right).
double kindFit(const ColumnProfile &column, RoleKind kind);

//! How well a column passes a role's value checks, in [0, 1]; 1 when the role has none.
//! Explains failures in `reasons` (analyst's words).
double checksFit(const ColumnProfile &column, const Role &role, QStringList *reasons = nullptr);

//! What a column's values say, on their own, for a role its header does not name.
enum class ValueEvidence {
    None,    //!< nothing: the values do not look like the role's kind, fail one of its checks, or are too few
    Plain,   //!< values of the right kind that many tables have (numbers, unique ids, a few categories):
             //!< enough to complete a type, never to make one up
    Telling, //!< values that say what they are: dates, repeated short codes ("Data 12"), or values that pass a
             //!< check bounding them (`allowed`, `format`, `max_distinct_ratio`)
};

//! The evidence `column`'s values alone give for `role`. A date role takes any column of dates (Telling);
//! another role needs at least kMinRowsForRatios values, two or more different ones, the kind's own shape
//! (kindFit() >= 0.8; never a text role: free text says nothing), every check passed, and nothing
//! roleRefusal() would object to.
ValueEvidence valueEvidence(const ColumnProfile &column, const Role &role);

//! Why this column cannot play this role (strict: for the analyst's own choices), or nothing when it can.
std::optional<QString> roleRefusal(const ColumnProfile &column, const Role &role);

//! A description of a column's values for reasons: "numbers 0 to 700", "dates 2021-01-01 to 2021-03-31",
//! "2 values such as CT, TUS".
QString describeValues(const ColumnProfile &column);

//! Up to `n` examples quoted and joined: "\"n/a\", \"abc\"".
QString quoteExamples(const QStringList &examples, int n = 3);

} // namespace finpipe::detect
