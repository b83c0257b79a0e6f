#include "sheetchoice.h"

#include "common/percent.h"

#include <QFileInfo>

#include <algorithm>

namespace finpipe::detect {

namespace {

QString typeName(const Rules &rules, const QString &id)
{
    const DatasetType *t = rules.type(id);
    return t && !t->name.isEmpty() ? t->name : id;
}

//! Lower is better: a known type before the generic table, a surer level, a real table (two
//! columns or more) before a column of notes; the workbook's order breaks ties.
std::tuple<int, int, int, int> rank(const SheetSummary &s, int index)
{
    return {s.generic ? 1 : 0, int(s.level), s.columns >= 2 && s.rows > 0 ? 0 : 1, index};
}

QString reasonFor(const SheetSurvey &survey, const Rules &rules)
{
    const SheetSummary &c = survey.sheets[survey.chosen];
    if (!c.generic) {
        const QString holds = QStringLiteral("\"%1\" holds a %2 table (%3% confident)")
                                  .arg(c.name, typeName(rules, c.type))
                                  .arg(wholePercent(c.confidence));
        if (survey.chosen == 0)
            return holds + QStringLiteral(" and is the first sheet.");
        return holds + QStringLiteral("; no sheet before it holds a table finpipe recognises as well.");
    }
    return QStringLiteral("No sheet holds a dataset type finpipe knows, so \"%1\" is read as a generic table.")
        .arg(c.name);
}

} // namespace

Result<SheetSurvey> surveySheets(const QString &path, const QStringList &sheets, const ingest::ReadOptions &options,
                                 const Rules &rules, int maxSheets)
{
    SheetSurvey survey;
    QList<Detection> detections;
    std::optional<Error> firstError;
    for (int i = 0; i < sheets.size() && i < maxSheets; ++i) {
        SheetSummary s;
        s.name = sheets[i];
        ingest::ReadOptions o = options;
        o.sheet = sheets[i];
        o.computeHash = false;
        Detection d;
        auto reader = ingest::TableReader::open(path, o);
        if (reader) {
            // The sample both detects and counts: a sheet shorter than it is counted exactly.
            constexpr int kSampleRows = 2000;
            ingest::RowBatch sample;
            auto sampled = (*reader)->readSample(sample, kSampleRows);
            if (sampled) {
                d = detectSample((*reader)->columns(), sample, path, rules);
                d.sheet = (*reader)->info().sheet;
                d.preview = previewRows(sample);
                s.rows = sample.rowCount();
                s.rowsExact = sample.rowCount() < kSampleRows;
                s.columns = int((*reader)->columns().size());
                s.type = d.type;
                s.confidence = d.confidence;
                s.level = d.level;
                const DatasetType *t = rules.type(d.type);
                s.generic = !t || t->fallback;
            } else {
                s.error = sampled.error().message;
                if (!firstError)
                    firstError = sampled.error();
            }
        } else {
            s.error = reader.error().message;
            if (!firstError)
                firstError = reader.error();
        }
        survey.sheets.append(s);
        detections.append(d);
    }
    for (int i = 0; i < survey.sheets.size(); ++i) {
        if (!survey.sheets[i].error.isEmpty())
            continue;
        if (survey.chosen < 0 || rank(survey.sheets[i], i) < rank(survey.sheets[survey.chosen], survey.chosen))
            survey.chosen = i;
    }
    if (survey.chosen < 0)
        return firstError ? *firstError
                          : Error::make(Error::Code::Format, QStringLiteral("The workbook has no worksheet to read."));
    survey.reason = reasonFor(survey, rules);
    survey.detection = detections[survey.chosen];
    survey.detection.sheets = survey.sheets;
    survey.detection.sheetReason = survey.reason;
    return survey;
}

Result<std::unique_ptr<ingest::TableReader>> openAnySheet(const QString &path, const ingest::ReadOptions &options)
{
    auto reader = ingest::TableReader::open(path, options);
    if (reader || !options.sheet.trimmed().isEmpty())
        return reader;
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != u"xlsx" && suffix != u"xlsm")
        return reader;
    // Only a sheet that is there but unreadable (empty, damaged) is worth passing over.
    if (reader.error().code != Error::Code::Format)
        return reader;
    constexpr int kTries = 8;
    for (int i = 2; i <= kTries + 1; ++i) {
        ingest::ReadOptions o = options;
        o.sheet = QString::number(i);
        auto next = ingest::TableReader::open(path, o);
        if (next)
            return next;
        if (next.error().code == Error::Code::Invalid) // no worksheet number i: none left
            break;
    }
    return reader;
}

Result<QString> chooseSheet(const QString &path, const ingest::ReadOptions &options, const Rules &rules)
{
    if (!options.sheet.trimmed().isEmpty())
        return options.sheet;
    ingest::ReadOptions o = options;
    o.computeHash = false;
    auto reader = openAnySheet(path, o);
    if (!reader)
        return reader.error();
    const ingest::SourceInfo &info = (*reader)->info();
    if (info.format != ingest::FileFormat::Xlsx || info.sheets.size() < 2)
        return QString();
    auto survey = surveySheets(path, info.sheets, o, rules);
    if (!survey)
        return survey.error();
    return survey->sheets[survey->chosen].name;
}

} // namespace finpipe::detect
