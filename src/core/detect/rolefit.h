#pragma once

#include "detect/profile.h"
#include "detect/rules.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace finpipe::detect {

//! How well a column's values suit a role's kind, in [0, 1] (0: impossible, 1: exactly right).
double kindFit(const ColumnProfile &column, RoleKind kind);

//! How well a column passes a role's value checks, in [0, 1]; 1 when the role has none.
//! Explains failures in `reasons` (analyst's words).
double checksFit(const ColumnProfile &column, const Role &role, QStringList *reasons = nullptr);

//! Why this column cannot play this role (strict: for the analyst's own choices), or nothing when it can.
std::optional<QString> roleRefusal(const ColumnProfile &column, const Role &role);

//! A description of a column's values for reasons: "numbers 0 to 700", "dates 2021-01-01 to 2021-03-31",
//! "2 values such as CT, TUS".
QString describeValues(const ColumnProfile &column);

//! Up to `n` examples quoted and joined: "\"n/a\", \"abc\"".
QString quoteExamples(const QStringList &examples, int n = 3);

} // namespace finpipe::detect
