#pragma once

#include "detect/rules.h"

#include <QSet>
#include <QString>
#include <QStringList>

namespace finpipe::detect {

//! Lower-case letters and digits only: "Station_ID", "station id" and "STATION-ID" all give "stationid".
QString normalizeHeader(const QString &header);

//! Words of a header: split at spaces, punctuation, camelCase and letter/digit boundaries, lower-cased,
//! a plural "s" dropped ("PCode" -> p, code; "Date_Time" -> date, time; "Dates" -> date).
QStringList headerTokens(const QString &header);

//! How well a header names a role.
struct HeaderMatch {
    enum class How { None, Exact, Normalized, Pattern, Tokens };
    How how = How::None;
    double score = 0;
    //! The synonym or pattern that matched.
    QString matched;
};

//! A header or synonym in the forms matching compares; prepare once, match many times.
struct PreparedName {
    QString trimmed;
    QString norm;       //!< normalizeHeader()
    QString normTokens; //!< headerTokens() joined: plurals dropped
    QSet<QString> tokens;
};
PreparedName prepareName(const QString &name);

//! A role's name and synonyms prepared for matching (role name first, then synonyms in order).
struct PreparedRole {
    const Role *role = nullptr;
    QList<PreparedName> names;
};
PreparedRole prepareRole(const Role &role);

//! Exact: equal to a synonym or the role name ignoring case and surrounding spaces (1.0).
//! Normalized: equal ignoring spaces, underscores, punctuation and plurals (0.95).
//! Pattern: a header pattern matches (0.9). Tokens: words shared with a synonym (0.5 to 0.8 when the
//! header holds all of a synonym's words, "Lab Result (mg/l)" for "Result"; less otherwise).
HeaderMatch matchHeader(const PreparedName &header, const PreparedRole &role);
//! The same, preparing both sides (for one-off checks).
HeaderMatch matchHeader(const QString &header, const Role &role);

} // namespace finpipe::detect
