#pragma once

#include "common/result.h"
#include "detect/mapping.h"
#include "detect/profile.h"
#include "detect/rules.h"
#include "ingest/reader.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace finpipe::detect {

//! How sure detection is, and what the app does with it.
enum class Level {
    High,   //!< >= settings.high: proceed without asking
    Medium, //!< ask, pre-filled
    Low,    //!< ask, with a warning
    VeryLow //!< the analyst must choose
};
//! "high", "medium", "low", "very_low".
QString levelName(Level level);

//! One strategy's verdict on one type.
struct StrategyScore {
    QString strategy; //!< "exact_header", "fuzzy_header", "value_profile", "structure", "file_name"
    QString type;
    double score = 0;
    QStringList reasons;
};

//! The best columns for one type's roles.
struct TypeMatch {
    QString type;
    //! Combined score in [0, 1] (the weighted strategies, lowered when required roles are missing).
    double score = 0;
    ColumnMapping mapping;
    //! Role -> how sure the mapping of that role is, in [0, 1].
    QMap<QString, double> roleConfidence;
    //! Required roles with no column.
    QStringList missingRoles;
    //! Role -> a column whose header names the role but which is blank in every sampled row. Such a
    //! column is never mapped to an optional role (the role is left unmapped); a required role takes it
    //! only when no column with values fits, and it then counts for little.
    QMap<QString, QString> blankColumns;
    //! Roles (in the type's order) whose column no header names: found by its values alone. A detection
    //! resting on such a column for a required role is at most medium.
    QStringList foundByValues;
};

//! What detection found in one file.
struct Detection {
    QString type;
    double confidence = 0;
    //! The level for the confidence, but never High when ambiguous or when a required role stands on a
    //! column blank in the sample or on one no header names (found by its values alone).
    Level level = Level::VeryLow;
    //! The runner-up is within settings.ambiguityMargin of the winner.
    bool ambiguous = false;
    QString runnerUp;
    //! Every type's combined score.
    QMap<QString, double> scores;
    //! Every strategy's score and reasons for every type.
    QList<StrategyScore> strategies;
    //! The chosen type's mapping, per-role confidence and missing required roles.
    ColumnMapping mapping;
    QMap<QString, double> roleConfidence;
    QStringList missingRoles;
    //! A few sentences saying why, for the analyst.
    QStringList reasons;
    //! Every type's best mapping, so that an analyst switching type gets it pre-filled.
    QMap<QString, TypeMatch> candidates;
    QList<ColumnProfile> profile;
    QString rulesVersion;

    //! The strategies' scores for one type.
    QList<StrategyScore> strategiesFor(const QString &type) const;
};

//! The level for a confidence under these settings.
Level levelFor(double confidence, const DetectionSettings &settings);

//! Detects the type of a table from its columns and a sample of its rows. `fileName` feeds the
//! (low-weight) file-name hint; the rest depends only on headers and values.
Detection detectSample(const QList<ingest::ColumnInfo> &columns, const ingest::RowBatch &sample,
                       const QString &fileName, const Rules &rules);

//! Detects on an opened reader's bounded sample (does not consume its stream).
Result<Detection> detectReader(ingest::TableReader &reader, const Rules &rules, int sampleRows = 2000);

//! Opens the file, reads a bounded sample and detects. Time does not grow with file size.
Result<Detection> detectFile(const QString &path, const ingest::ReadOptions &options, const Rules &rules);

} // namespace finpipe::detect
