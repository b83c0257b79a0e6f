#pragma once

#include "analysis/analysis.h"
#include "common/feedback.h"
#include "common/result.h"
#include "detect/mapping.h"
#include "detect/override.h"
#include "ingest/reader.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace finpipe::jobs {

//! What one run of the pipeline should do. Everything the analyst chose lives here.
struct JobSpec {
    //! The CSV or Excel file to analyse.
    QString inputPath;
    //! How to read it (sheet, batch size, limits).
    ingest::ReadOptions read;
    //! The analyst's (validated) mapping; when empty, detection decides.
    std::optional<detect::ColumnMapping> mapping;
    //! The analyst's type and role choice (the CLI's --type/--map), validated against what
    //! detection found; used when `mapping` is empty.
    std::optional<detect::OverrideChoice> choice;
    //! Aggregation, templates, only-validated, data-quality thresholds.
    analysis::Parameters params;
    //! Where the outputs go: a new or empty folder, or one holding an earlier run, which the new run
    //! replaces as a whole when it ends (see outputs::OutputFolder; a folder holding other files or
    //! links is refused).
    QString outputDir;
    //! How long to wait for another run writing the same folder before giving up.
    int outputLockWaitMs = 3000;
    //! Result tables as CSV, audit_lineage.csv and data_quality.csv.
    bool writeCsv = true;
    //! results.xlsx.
    bool writeXlsx = true;
    //! dashboard.html.
    bool writeDashboard = true;
    //! Without a given mapping, stop with Error::Code::Uncertain when detection's level is below
    //! "medium" (the CLI's exit 4). The app may turn this off after the analyst confirmed a guess.
    bool requireConfidentDetection = true;
};

//! One file the job wrote.
struct OutputFile {
    QString name;    //!< file name inside the output folder, e.g. "CT_Analysis.csv"
    QString path;    //!< full path
    qint64 size = 0; //!< bytes
    QString sha256;  //!< lower-case hex
};

//! One candidate type from detection, best first.
struct DetectionGuess {
    QString datasetType;
    double confidence = 0;
    QString level;                  //!< "high", "medium", "low", "very low"
    QMap<QString, QString> mapping; //!< role -> column
};

//! Everything manifest.json holds. Filled as far as the job got, also when it failed.
struct Manifest {
    // Input.
    QString inputName;   //!< file name without folder
    QString inputPath;
    qint64 inputSize = 0;
    QString inputSha256;
    QString sheet;       //!< xlsx: the sheet read

    // Dataset type and mapping used.
    QString datasetType;
    double confidence = 0; //!< detection's confidence (1 when the analyst gave the type)
    QString level;         //!< detection's level ("high", ...; "override" when not detected)
    QMap<QString, QString> mapping;
    bool overridden = false;
    //! Detection's candidates, best first (empty when detection did not run).
    QList<DetectionGuess> guesses;
    //! Detection's reasons for the best type, in the analyst's words.
    QStringList reasons;

    // What was run.
    QString analysisId;  //!< "station_pivot", "sales_summary", "timeseries_report", "profile"
    analysis::Parameters parameters;
    QString rulesVersion;
    QString finpipeVersion;
    QDateTime started;   //!< UTC
    QDateTime finished;  //!< UTC

    // Outcome.
    QString status;      //!< "succeeded", "failed", "cancelled"
    QString error;       //!< the analyst-facing message when not succeeded
    qint64 rowsRead = 0;
    qint64 rowsUsed = 0;
    //! Skipped rows include the lines the reader left out (`leftOut`), and so do read rows.
    qint64 rowsSkipped = 0;
    //! Lines the reader left out of the table (metadata, blank lines, footers...), by reason.
    QList<ingest::SkippedSummary> leftOut;
    QStringList warnings;
    QStringList alerts;  //!< data-quality alerts, in the analyst's words
    //! Verdicts of the analysis's checks (a statement's reconciliation), in "verdicts" when any.
    QList<analysis::Verdict> verdicts;
    QList<OutputFile> outputs;

    //! manifest.json's content (UTF-8, indented, stable key order).
    QByteArray toJson() const;
    //! Reads what toJson() wrote (a run made elsewhere, e.g. by a cloud worker): input, dataset and
    //! guesses, status and error, rows, warnings, alerts and outputs (with `path` left empty).
    //! Parameters and verdicts are not read back. Corrupt when it is not a manifest.
    static Result<Manifest> fromJson(const QByteArray &json);
};

//! The analysis that handles a dataset type ("station_readings" -> "station_pivot"); empty if none.
QString analysisIdForType(const QString &datasetType);

//! Runs one job: read -> detect (unless spec.mapping is set) -> analyse -> write outputs, with
//! progress and cancellation through `feedback`. The outputs go to a staging folder that replaces
//! the output folder in one step at the end, manifest.json written last. A failed or cancelled job
//! does the same with what it wrote and a manifest saying why, unless the folder held a succeeded
//! run: that is kept. On failure returns an Error in the analyst's words; `partial`, when given,
//! then receives the manifest as far as the job got, with the outputs now in the folder.
Result<Manifest> runJob(const JobSpec &spec, Feedback *feedback = nullptr, Manifest *partial = nullptr);

} // namespace finpipe::jobs
