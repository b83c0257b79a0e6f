#pragma once

#include "analysis/resulttable.h"
#include "common/result.h"

#include <QByteArray>
#include <QMap>
#include <QString>

namespace finpipe::outputs {

//! What the dashboard's header says about the input and the run (the manifest's facts).
struct DashboardInfo {
    QString fileName;                    //!< input file name as the analyst knows it (no folder)
    QString sha256;                      //!< 64 lower-case hex digits
    qint64 size = 0;                     //!< input size in bytes
    QString datasetType;                 //!< rules id, e.g. "station_readings"
    double confidence = 0;               //!< detection confidence in [0, 1]
    QString level;                       //!< "high", "medium", "low", "very low"
    bool mappingOverridden = false;      //!< the analyst changed the detected type or a role
    QMap<QString, QString> mapping;      //!< role -> column
    QMap<QString, QString> parameters;   //!< parameter name -> value, as the manifest shows them
    QString finpipeVersion;              //!< empty: this build's version
    QString sheet;                       //!< XLSX sheet read, if any
    //! Rows embedded per table; longer tables say so on the page and point to their CSV, so a
    //! huge result cannot turn the dashboard into a file no browser opens.
    qsizetype maxRowsPerTable = 100000;
};

//! The complete, self-contained dashboard.html (UTF-8): chart library, styles, script and data
//! inline, nothing fetched from the network. Deterministic for the same inputs.
QByteArray renderDashboard(const DashboardInfo &info, const analysis::AnalysisResult &result);

//! Renders and writes the dashboard to `path` atomically (temporary file, then rename).
Result<void> writeDashboard(const DashboardInfo &info, const analysis::AnalysisResult &result,
                            const QString &path);

} // namespace finpipe::outputs
