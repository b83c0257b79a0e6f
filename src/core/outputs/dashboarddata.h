#pragma once

#include "outputs/dashboard.h"

#include <QByteArray>

namespace finpipe::outputs {

//! The dashboard's data island: one JSON document (UTF-8) with the run's facts, every result
//! table (columns with an inferred type, rows of cells), the quality table, charts resolved to
//! column indexes, alerts and warnings. Safe to place inside <script type="application/json">.
//! Cells: blank -> null, number -> number, date -> "YYYY-MM-DD",
//! date-time -> "YYYY-MM-DD HH:MM:SS[.mmm]", text -> string.
QByteArray dashboardDataJson(const DashboardInfo &info, const analysis::AnalysisResult &result);

//! A naive-clock date or date-time cell as the dashboard and the CSV files show it.
QString formatCellDate(qint64 msecs, bool withTime);

} // namespace finpipe::outputs
