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
//! A role's id in the analyst's words: "booking_date" reads "booking date", "order_id" "order ID".
QString roleLabel(const QString &roleId);

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

//! One worksheet of a workbook as detection saw it.
struct SheetSummary {
    QString name;
    //! Data rows in the sample read (all of the sheet's when rowsExact).
    qint64 rows = 0;
    //! False when the sample stopped before the sheet's end: there are at least `rows` rows.
    bool rowsExact = true;
    int columns = 0;
    //! What detection found on it (empty when the sheet could not be read as a table).
    QString type;
    double confidence = 0;
    Level level = Level::VeryLow;
    //! True when the type is the fallback (nothing specific recognised).
    bool generic = true;
    //! Why the sheet could not be read (empty when it could), in the analyst's words.
    QString error;
};

//! Rows of the table kept as text for a preview.
inline constexpr int kPreviewRows = 50;

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
    //! The confidence shown for `type`: detection's own (penalised) one for the detected type,
    //! otherwise that type's score.
    double confidenceFor(const QString &typeId) const { return typeId == type ? confidence : scores.value(typeId, 0.0); }
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
    //! xlsx: the worksheet read; for a workbook of several, every worksheet with what detection
    //! found on it and why this one was read (empty for a CSV or a sheet the analyst named).
    QString sheet;
    QList<SheetSummary> sheets;
    QString sheetReason;
    //! The table's first rows (at most kPreviewRows) as text, in column order.
    QList<QStringList> preview;

    //! The strategies' scores for one type.
    QList<StrategyScore> strategiesFor(const QString &type) const;
};

//! The level for a confidence under these settings.
Level levelFor(double confidence, const DetectionSettings &settings);

//! Detects the type of a table from its columns and a sample of its rows. `fileName` feeds the
//! (low-weight) file-name hint; the rest depends only on headers and values.
Detection detectSample(const QList<ingest::ColumnInfo> &columns, const ingest::RowBatch &sample,
                       const QString &fileName, const Rules &rules);

//! The first kPreviewRows rows of a sample as text (dates as ISO dates, numbers as written).
QList<QStringList> previewRows(const ingest::RowBatch &sample);

//! Detects on an opened reader's bounded sample (does not consume its stream).
Result<Detection> detectReader(ingest::TableReader &reader, const Rules &rules, int sampleRows = 2000);

//! Opens the file, reads a bounded sample and detects. Time does not grow with file size. A workbook
//! of several worksheets, with no sheet named in `options`, is read from the sheet surveySheets()
//! chooses (Detection::sheet, ::sheets and ::sheetReason say which and why).
Result<Detection> detectFile(const QString &path, const ingest::ReadOptions &options, const Rules &rules);

} // namespace finpipe::detect
