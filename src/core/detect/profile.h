#pragma once

#include "ingest/reader.h"
#include "ingest/value.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace finpipe::detect {

//! What a column looks like to a person reading it.
enum class ColumnShape {
    Empty,      //!< no values in the sample
    Identifier, //!< (nearly) every value different: order numbers, customer ids
    Category,   //!< a few values repeated: regions, stations, currencies
    Code,       //!< short letters-plus-number codes repeated: "Data 12", "P3"
    FreeText,   //!< anything else textual: names, descriptions, addresses
    Flag,       //!< two values such as 0/1, yes/no, true/false
    Measure,    //!< numbers
    Temporal,   //!< dates or date-times
};

//! "empty", "identifier", "category", "code", "free_text", "flag", "measure", "temporal".
QString columnShapeName(ColumnShape shape);

//! One column as seen in the detection sample.
struct ColumnProfile {
    int index = 0;
    QString name;
    //! Inferred from the sampled values (the reader's type when the sample has no values).
    ingest::ColumnType type = ingest::ColumnType::Text;
    ColumnShape shape = ColumnShape::Empty;
    int rows = 0;
    int nonBlank = 0;
    int distinct = 0;
    double blankRate = 1.0;
    //! distinct / non-blank values (0 when there are none).
    double distinctRatio = 0;
    //! Share of non-blank values that are numbers, dates (or date-times), 0/1-like flags.
    double numericShare = 0;
    double temporalShare = 0;
    double flagShare = 0;
    //! Numbers: smallest and largest; dates: as milliseconds since the epoch.
    std::optional<double> min;
    std::optional<double> max;
    //! min and max as the analyst would read them.
    QString minText;
    QString maxText;
    //! A few distinct values as written in the file.
    QStringList examples;
    //! Values that are not numbers / not dates (for messages such as "text where numbers are expected").
    QStringList nonNumericExamples;
    QStringList nonTemporalExamples;
    //! The header looks like a code ("Data 12", "P3"): a wide layout has many of these.
    bool headerIsCode = false;
    //! Value (lower-cased, trimmed) -> occurrences in the sample.
    QHash<QString, int> valueCounts;

    //! The sample has rows but none of them gives this column a value: the column holds no data to
    //! back a role (a sample without rows says nothing either way, so this is false for it).
    bool blankInSample() const { return rows > 0 && nonBlank == 0; }
};

//! Profiles every column of a sample. `columns` gives names and the reader's types.
QList<ColumnProfile> profileColumns(const QList<ingest::ColumnInfo> &columns, const ingest::RowBatch &sample);

//! True when `text` is a short code: letters then a number ("Data 12", "P3", "CH-07").
bool looksLikeCode(QStringView text);

} // namespace finpipe::detect
