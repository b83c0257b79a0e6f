#pragma once

#include "common/result.h"
#include "detect/detection.h"
#include "detect/mapping.h"
#include "detect/profile.h"
#include "detect/rules.h"

#include <QMap>
#include <QString>
#include <QStringList>

namespace finpipe::detect {

//! The analyst's choice: a type and any role -> column assignments. Roles not named keep the
//! detected column for that type; an empty column name removes a role's column.
struct OverrideChoice {
    QString datasetType;
    QMap<QString, QString> roles;
    //! Multi-column roles (station_analysis's "parameters"); replaces the detected list when given.
    QMap<QString, QStringList> columnGroups;
};

//! Validates the analyst's choice against the file's columns and the type's rules: the type exists,
//! every required role has a column, no column plays two roles, and each column's values suit its
//! role (a text column as a number role is refused with example values). The result is the mapping
//! analyses consume; `overridden` is set when it differs from what detection proposed.
Result<ColumnMapping> validateOverride(const OverrideChoice &choice, const Detection &detection, const Rules &rules);

//! The same check for a mapping given as is (no detection to start from), e.g. from the CLI or a
//! saved job; `overridden` is kept as given.
Result<ColumnMapping> validateMapping(const ColumnMapping &mapping, const QList<ColumnProfile> &columns,
                                      const Rules &rules);

} // namespace finpipe::detect
