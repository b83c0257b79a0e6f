#pragma once

#include "ingest/value.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <vector>

namespace finpipe::analysis {

//! One cell of a result table.
struct Cell {
    enum class Kind : quint8 { Blank, Number, Date, DateTime, Text };
    Kind kind = Kind::Blank;
    double number = 0;  //!< Number
    bool integral = false; //!< Number: a count, written "12" rather than the float form "12.0"
    qint64 msecs = 0;   //!< Date, DateTime: ms since 1970-01-01 on a naive clock
    QString text;       //!< Text

    static Cell blank() { return {}; }
    static Cell num(double v) { Cell c; c.kind = Kind::Number; c.number = v; return c; }
    static Cell integer(qint64 v) { Cell c = num(double(v)); c.integral = true; return c; }
    static Cell date(qint64 ms) { Cell c; c.kind = Kind::Date; c.msecs = ms; return c; }
    static Cell dateTime(qint64 ms) { Cell c; c.kind = Kind::DateTime; c.msecs = ms; return c; }
    static Cell str(QString s) { Cell c; c.kind = Kind::Text; c.text = std::move(s); return c; }
};

//! A result table: written as <id>.csv, a sheet of results.xlsx and a section of the dashboard.
struct ResultTable {
    QString id;           //!< file stem, e.g. "CT_Analysis", "revenue_by_month"
    QString title;        //!< for people, e.g. "CT: daily mean by parameter"
    QStringList columns;  //!< header, in order
    std::vector<std::vector<Cell>> rows;
};

//! How the dashboard should chart a table.
struct ChartSpec {
    enum class Kind { TimeSeries, Bar };
    Kind kind = Kind::TimeSeries;
    QString tableId;
    QString title;
    QString xColumn;      //!< a Date/DateTime column for TimeSeries, a category for Bar
    QStringList yColumns; //!< numeric columns
};

struct QualityAlert {
    enum class Severity { Info, Warning, Error };
    Severity severity = Severity::Warning;
    QString message;      //!< in the analyst's words
};

//! A headline figure the dashboard shows as a card above the tables (opening balance, money in, ...).
struct Kpi {
    enum class Tone { Neutral, Good, Bad };
    QString label;   //!< e.g. "Closing balance (EUR)"
    QString value;   //!< already formatted, e.g. "12,345.67"
    QString detail;  //!< a short line under the value, may be empty
    Tone tone = Tone::Neutral;
};

//! The outcome of a check the analyst reads first (a statement's reconciliation); the manifest
//! carries it under "verdicts".
struct Verdict {
    enum class Outcome { Passed, Failed, NotPossible };
    QString check;     //!< e.g. "reconciliation"
    Outcome outcome = Outcome::NotPossible;
    qint64 failures = 0; //!< what failed (balance breaks); 0 when passed or not possible
    QString message;   //!< in the analyst's words
};

//! Everything an analysis produced, except the audit lineage, which is streamed to its file.
struct AnalysisResult {
    QString analysisId;                //!< "station_pivot", "sales_summary", "timeseries_report", "profile"
    std::vector<ResultTable> tables;
    ResultTable quality;               //!< data_quality.csv
    QList<QualityAlert> alerts;
    QList<ChartSpec> charts;
    //! Headline cards for the dashboard; empty for analyses that have none.
    QList<Kpi> kpis;
    //! Checks with a verdict (bank statements: the reconciliation); empty for most analyses.
    QList<Verdict> verdicts;
    QStringList warnings;              //!< things the analyst should know (e.g. dropped parameters)
    qint64 rowsRead = 0;
    qint64 rowsUsed = 0;
    qint64 rowsSkipped = 0;
};

} // namespace finpipe::analysis
