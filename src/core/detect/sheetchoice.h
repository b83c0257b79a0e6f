#pragma once

#include "common/result.h"
#include "detect/detection.h"
#include "detect/rules.h"
#include "ingest/reader.h"

#include <QList>
#include <QString>

namespace finpipe::detect {

//! Every worksheet of a workbook and the one detection reads.
struct SheetSurvey {
    QList<SheetSummary> sheets;
    //! Index into sheets of the sheet detection reads; -1 when none could be read.
    int chosen = -1;
    //! Why that sheet, in the analyst's words.
    QString reason;
    //! The chosen sheet's detection (with sheet, sheets and sheetReason filled in).
    Detection detection;
};

//! Opens each of `sheets` (at most `maxSheets` of them) in the workbook at `path`, detects on a
//! bounded sample of each and picks the one holding the best-recognised table: a known dataset type
//! before the generic table, then the higher level, on a tie the earlier sheet. A notes or cover
//! sheet is therefore never read when another sheet holds a table finpipe knows. Fails only when no
//! sheet can be read (with the first sheet's error).
Result<SheetSurvey> surveySheets(const QString &path, const QStringList &sheets, const ingest::ReadOptions &options,
                                 const Rules &rules, int maxSheets = 32);

//! Opens the table at `path` as `options` say; when no sheet is named and the first worksheet of a
//! workbook cannot be read (an empty "Sheet1" in front of the data), opens the next one that can,
//! so that the workbook's sheets are known. The first error is returned when none opens.
Result<std::unique_ptr<ingest::TableReader>> openAnySheet(const QString &path, const ingest::ReadOptions &options);

//! The sheet a job should read: `options.sheet` when it names one; for a workbook of several
//! worksheets the one surveySheets() chooses; else empty (the reader's default).
Result<QString> chooseSheet(const QString &path, const ingest::ReadOptions &options, const Rules &rules);

} // namespace finpipe::detect
