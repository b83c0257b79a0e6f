#include "pipeline.h"

#include "common/percent.h"
#include "common/version.h"
#include "detect/detection.h"
#include "detect/override.h"
#include "detect/sheetchoice.h"
#include "detect/rules.h"
#include "ingest/fileerrors.h"
#include "jobs/lineaccount.h"
#include "outputs/csvwriter.h"
#include "outputs/dashboard.h"
#include "outputs/lineagewriter.h"
#include "outputs/outputfolder.h"
#include "outputs/xlsxoutput.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

namespace finpipe::jobs {

namespace {

QString isoUtc(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QJsonObject mapToJson(const QMap<QString, QString> &map)
{
    QJsonObject o;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QString severityName(analysis::QualityAlert::Severity s)
{
    switch (s) {
    case analysis::QualityAlert::Severity::Info: return QStringLiteral("info");
    case analysis::QualityAlert::Severity::Warning: return QStringLiteral("warning");
    case analysis::QualityAlert::Severity::Error: return QStringLiteral("error");
    }
    return QStringLiteral("warning");
}

//! The guesses and the flags that would settle the question, for an uncertain detection.
QString uncertainMessage(const QString &inputName, const Manifest &m)
{
    QString s = QStringLiteral("finpipe is not sure what kind of data \"%1\" holds (best guess: %2, confidence %3, %4).")
                    .arg(inputName, m.datasetType.isEmpty() ? QStringLiteral("none") : m.datasetType)
                    .arg(wholePercent(m.confidence) / 100.0, 0, 'f', 2)
                    .arg(m.level);
    s += QStringLiteral(" Choose the type yourself with --type TYPE (and --map ROLE=COLUMN where needed).");
    return s;
}

QString outcomeName(analysis::Verdict::Outcome outcome)
{
    switch (outcome) {
    case analysis::Verdict::Outcome::Passed: return QStringLiteral("passed");
    case analysis::Verdict::Outcome::Failed: return QStringLiteral("failed");
    case analysis::Verdict::Outcome::NotPossible: break;
    }
    return QStringLiteral("not_possible");
}

} // namespace

QByteArray Manifest::toJson() const
{
    QJsonObject input{{QStringLiteral("name"), inputName},
                      {QStringLiteral("size"), double(inputSize)},
                      {QStringLiteral("sha256"), inputSha256}};
    if (!sheet.isEmpty())
        input.insert(QStringLiteral("sheet"), sheet);

    QJsonArray guessArray;
    for (const DetectionGuess &g : guesses)
        guessArray.append(QJsonObject{{QStringLiteral("type"), g.datasetType},
                                      {QStringLiteral("confidence"), g.confidence},
                                      {QStringLiteral("level"), g.level},
                                      {QStringLiteral("mapping"), mapToJson(g.mapping)}});
    QJsonObject dataset{{QStringLiteral("type"), datasetType},
                        {QStringLiteral("confidence"), confidence},
                        {QStringLiteral("level"), level},
                        {QStringLiteral("mapping"), mapToJson(mapping)},
                        {QStringLiteral("overridden"), overridden},
                        {QStringLiteral("guesses"), guessArray},
                        {QStringLiteral("reasons"), QJsonArray::fromStringList(reasons)}};

    QStringList templateNames;
    for (const QString &t : parameters.templates)
        templateNames << QFileInfo(t).fileName();
    QJsonObject params{{QStringLiteral("aggregation"), analysis::aggregationName(parameters.aggregation)},
                       {QStringLiteral("templates"), QJsonArray::fromStringList(templateNames)},
                       {QStringLiteral("only_validated"), parameters.onlyValidated},
                       {QStringLiteral("blank_rate_alert"), parameters.blankRateAlert},
                       {QStringLiteral("outlier_count_alert"), parameters.outlierCountAlert},
                       {QStringLiteral("outlier_z"), parameters.outlierZ}};

    QJsonArray outputArray;
    for (const OutputFile &o : outputs)
        outputArray.append(QJsonObject{{QStringLiteral("name"), o.name},
                                       {QStringLiteral("size"), double(o.size)},
                                       {QStringLiteral("sha256"), o.sha256}});

    QJsonObject root{
        {QStringLiteral("finpipe_version"), finpipeVersion},
        {QStringLiteral("rules_version"), rulesVersion},
        {QStringLiteral("input"), input},
        {QStringLiteral("dataset"), dataset},
        {QStringLiteral("analysis"), analysisId},
        {QStringLiteral("parameters"), params},
        {QStringLiteral("started"), isoUtc(started)},
        {QStringLiteral("finished"), isoUtc(finished)},
        {QStringLiteral("status"), status},
        {QStringLiteral("rows"), QJsonObject{{QStringLiteral("read"), double(rowsRead)},
                                             {QStringLiteral("used"), double(rowsUsed)},
                                             {QStringLiteral("skipped"), double(rowsSkipped)},
                                             {QStringLiteral("left_out_by_reader"), leftOutToJson(leftOut)}}},
        {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)},
        {QStringLiteral("alerts"), QJsonArray::fromStringList(alerts)},
        {QStringLiteral("outputs"), outputArray},
    };
    if (!verdicts.isEmpty()) {
        QJsonObject v;
        for (const analysis::Verdict &verdict : verdicts)
            v.insert(verdict.check, QJsonObject{{QStringLiteral("outcome"), outcomeName(verdict.outcome)},
                                                {QStringLiteral("failures"), double(verdict.failures)},
                                                {QStringLiteral("message"), verdict.message}});
        root.insert(QStringLiteral("verdicts"), v);
    }
    if (!error.isEmpty())
        root.insert(QStringLiteral("error"), error);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

namespace {

QMap<QString, QString> mapFromJson(const QJsonObject &o)
{
    QMap<QString, QString> m;
    for (auto it = o.begin(); it != o.end(); ++it)
        m.insert(it.key(), it.value().isArray()
                               ? it.value().toVariant().toStringList().join(QStringLiteral(", "))
                               : it.value().toString());
    return m;
}

QStringList stringsFromJson(const QJsonValue &v)
{
    return v.toVariant().toStringList();
}

} // namespace

Result<Manifest> Manifest::fromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    const QJsonObject root = doc.object();
    if (!doc.isObject() || !root.value(QStringLiteral("status")).isString())
        return Error::make(Error::Code::Corrupt, QStringLiteral("The run's manifest.json could not be read."),
                           parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                                        : QStringLiteral("no status"));
    Manifest m;
    const QJsonObject input = root.value(QStringLiteral("input")).toObject();
    m.inputName = input.value(QStringLiteral("name")).toString();
    m.inputSize = qint64(input.value(QStringLiteral("size")).toDouble());
    m.inputSha256 = input.value(QStringLiteral("sha256")).toString();
    m.sheet = input.value(QStringLiteral("sheet")).toString();
    const QJsonObject dataset = root.value(QStringLiteral("dataset")).toObject();
    m.datasetType = dataset.value(QStringLiteral("type")).toString();
    m.confidence = dataset.value(QStringLiteral("confidence")).toDouble();
    m.level = dataset.value(QStringLiteral("level")).toString();
    m.mapping = mapFromJson(dataset.value(QStringLiteral("mapping")).toObject());
    m.overridden = dataset.value(QStringLiteral("overridden")).toBool();
    for (const QJsonValue &g : dataset.value(QStringLiteral("guesses")).toArray()) {
        const QJsonObject o = g.toObject();
        m.guesses.append({o.value(QStringLiteral("type")).toString(), o.value(QStringLiteral("confidence")).toDouble(),
                          o.value(QStringLiteral("level")).toString(),
                          mapFromJson(o.value(QStringLiteral("mapping")).toObject())});
    }
    m.reasons = stringsFromJson(dataset.value(QStringLiteral("reasons")));
    m.analysisId = root.value(QStringLiteral("analysis")).toString();
    m.rulesVersion = root.value(QStringLiteral("rules_version")).toString();
    m.finpipeVersion = root.value(QStringLiteral("finpipe_version")).toString();
    m.started = QDateTime::fromString(root.value(QStringLiteral("started")).toString(), Qt::ISODateWithMs);
    m.finished = QDateTime::fromString(root.value(QStringLiteral("finished")).toString(), Qt::ISODateWithMs);
    m.status = root.value(QStringLiteral("status")).toString();
    m.error = root.value(QStringLiteral("error")).toString();
    const QJsonObject rows = root.value(QStringLiteral("rows")).toObject();
    m.rowsRead = qint64(rows.value(QStringLiteral("read")).toDouble());
    m.rowsUsed = qint64(rows.value(QStringLiteral("used")).toDouble());
    m.rowsSkipped = qint64(rows.value(QStringLiteral("skipped")).toDouble());
    m.warnings = stringsFromJson(root.value(QStringLiteral("warnings")));
    m.alerts = stringsFromJson(root.value(QStringLiteral("alerts")));
    for (const QJsonValue &v : root.value(QStringLiteral("outputs")).toArray()) {
        const QJsonObject o = v.toObject();
        m.outputs.append({o.value(QStringLiteral("name")).toString(), QString(),
                          qint64(o.value(QStringLiteral("size")).toDouble()), o.value(QStringLiteral("sha256")).toString()});
    }
    return m;
}

QString analysisIdForType(const QString &datasetType)
{
    static const detect::Rules rules = detect::Rules::load();
    if (const detect::DatasetType *t = rules.type(datasetType); t && !t->analysis.isEmpty())
        return t->analysis;
    // The shipped types, should the rules not say.
    if (datasetType == u"station_readings")
        return QStringLiteral("station_pivot");
    if (datasetType == u"station_analysis")
        return QStringLiteral("timeseries_report");
    if (datasetType == u"sales_orders")
        return QStringLiteral("sales_summary");
    if (datasetType == u"generic_table")
        return QStringLiteral("profile");
    if (datasetType == u"bank_transactions")
        return QStringLiteral("bank_transactions");
    return {};
}

namespace {

class Job
{
public:
    Job(const JobSpec &spec, Feedback *feedback) : m_spec(spec), m_feedback(feedback) {}

    Result<Manifest> run(Manifest *partial)
    {
        auto r = runSteps();
        m_manifest.finished = QDateTime::currentDateTimeUtc();
        if (r) {
            m_manifest.status = QStringLiteral("succeeded");
        } else {
            m_manifest.status = r.error().code == Error::Code::Cancelled ? QStringLiteral("cancelled")
                                                                          : QStringLiteral("failed");
            m_manifest.error = r.error().message;
        }
        if (m_folder)
            finishFolder(r);
        if (!r) {
            if (partial)
                *partial = m_manifest;
            return r.error();
        }
        return m_manifest;
    }

private:
    Result<void> runSteps();
    Result<void> decideMapping(ingest::TableReader &reader, const detect::Rules &rules);
    Result<void> analyse(ingest::TableReader &reader, analysis::Analysis &analysis,
                         outputs::LineageWriter *lineage, analysis::AnalysisResult &result);
    Result<void> writeOutputs(analysis::AnalysisResult &result, outputs::LineageWriter *lineage);
    void finishFolder(Result<void> &r);

    Result<void> record(const Result<outputs::WrittenFile> &written)
    {
        if (!written)
            return written.error();
        OutputFile o;
        o.path = written->path;
        o.name = QFileInfo(written->path).fileName();
        o.size = written->size;
        o.sha256 = written->sha256;
        m_manifest.outputs << o;
        return {};
    }
    //! Outputs are written into the staging folder; commit() moves them into the output folder.
    QString outPath(const QString &name) const { return m_folder->stagingFile(name); }
    bool cancelled() const { return m_feedback && m_feedback->isCancelled(); }

    const JobSpec &m_spec;
    Feedback *m_feedback;
    Manifest m_manifest;
    detect::ColumnMapping m_mapping;
    std::unique_ptr<outputs::OutputFolder> m_folder;
};

Error cancelledError()
{
    return Error::make(Error::Code::Cancelled, QStringLiteral("The analysis was cancelled."));
}

Result<void> Job::runSteps()
{
    m_manifest.started = QDateTime::currentDateTimeUtc();
    m_manifest.finpipeVersion = QString::fromLatin1(kVersion);
    m_manifest.parameters = m_spec.params;
    m_manifest.inputPath = m_spec.inputPath;
    m_manifest.inputName = QFileInfo(m_spec.inputPath).fileName();
    m_manifest.inputSize = QFileInfo(m_spec.inputPath).size();

    auto folder = outputs::OutputFolder::open(m_spec.outputDir, m_spec.outputLockWaitMs);
    if (!folder)
        return folder.error();
    m_folder = std::move(*folder);

    if (m_feedback)
        m_feedback->setPhase("Opening");
    const detect::Rules rules = detect::Rules::load();
    m_manifest.rulesVersion = rules.version();
    // A workbook of several sheets with none named is read from the sheet holding the table
    // detection recognises best (a notes sheet in front of the data is passed over).
    ingest::ReadOptions read = m_spec.read;
    if (read.sheet.trimmed().isEmpty()) {
        auto sheet = detect::chooseSheet(m_spec.inputPath, read, rules);
        if (!sheet)
            return sheet.error();
        read.sheet = *sheet;
    }
    auto reader = ingest::TableReader::open(m_spec.inputPath, read);
    if (!reader)
        return reader.error();
    m_manifest.sheet = (*reader)->info().sheet;
    if (auto r = decideMapping(**reader, rules); !r)
        return r;

    // The job's own rules say which analysis a type gets (a user's rules may add types).
    const detect::DatasetType *type = rules.type(m_mapping.datasetType);
    m_manifest.analysisId = type && !type->analysis.isEmpty() ? type->analysis : analysisIdForType(m_mapping.datasetType);
    auto analysis = analysis::createAnalysis(m_manifest.analysisId);
    if (!analysis)
        return Error::make(Error::Code::Failed,
                           QStringLiteral("finpipe has no analysis for data of type \"%1\" yet.").arg(m_mapping.datasetType));
    if (auto r = analysis->start((*reader)->columns(), m_mapping, m_spec.params); !r)
        return r.error().code == Error::Code::Internal ? r : Error::make(Error::Code::Failed, r.error().message, r.error().detail);

    std::unique_ptr<outputs::LineageWriter> lineage;
    if (m_spec.writeCsv) {
        lineage = std::make_unique<outputs::LineageWriter>(outPath(QStringLiteral("audit_lineage.csv")));
        if (auto r = lineage->open(); !r)
            return r;
    }
    analysis::AnalysisResult result;
    if (auto r = analyse(**reader, *analysis, lineage.get(), result); !r)
        return r;
    return writeOutputs(result, lineage.get());
}

Result<void> Job::decideMapping(ingest::TableReader &reader, const detect::Rules &rules)
{
    if (m_feedback)
        m_feedback->setPhase("Detecting");
    auto detection = detect::detectReader(reader, rules);
    if (!detection)
        return detection.error();
    const detect::Detection &d = *detection;
    // Guesses, best first.
    QList<QPair<double, QString>> ranked;
    for (auto it = d.scores.cbegin(); it != d.scores.cend(); ++it)
        ranked << qMakePair(it.value(), it.key());
    std::sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (const auto &[score, type] : std::as_const(ranked)) {
        DetectionGuess g;
        g.datasetType = type;
        g.confidence = type == d.type ? d.confidence : score;
        g.level = detect::levelName(detect::levelFor(g.confidence, rules.settings()));
        g.mapping = d.candidates.value(type).mapping.roles;
        m_manifest.guesses << g;
    }
    m_manifest.reasons = d.reasons;

    if (m_spec.mapping) {
        auto validated = detect::validateMapping(*m_spec.mapping, d.profile, rules);
        if (!validated)
            return validated.error();
        m_mapping = *validated;
        m_mapping.overridden = m_spec.mapping->overridden || m_mapping.datasetType != d.type
                               || m_mapping.roles != d.mapping.roles;
    } else if (m_spec.choice) {
        auto validated = detect::validateOverride(*m_spec.choice, d, rules);
        if (!validated)
            return validated.error();
        m_mapping = *validated;
    } else {
        m_manifest.datasetType = d.type;
        m_manifest.confidence = d.confidence;
        m_manifest.level = detect::levelName(d.level);
        m_manifest.mapping = d.mapping.roles;
        if (m_spec.requireConfidentDetection && (d.level == detect::Level::Low || d.level == detect::Level::VeryLow))
            return Error::make(Error::Code::Uncertain, uncertainMessage(m_manifest.inputName, m_manifest));
        auto validated = detect::validateMapping(d.mapping, d.profile, rules);
        if (!validated)
            return Error::make(Error::Code::Uncertain,
                               uncertainMessage(m_manifest.inputName, m_manifest) + QLatin1Char(' ')
                                   + validated.error().message,
                               validated.error().detail);
        m_mapping = *validated;
        m_mapping.overridden = false;
    }
    m_manifest.datasetType = m_mapping.datasetType;
    m_manifest.mapping = m_mapping.roles;
    for (auto it = m_mapping.columnGroups.cbegin(); it != m_mapping.columnGroups.cend(); ++it)
        m_manifest.mapping.insert(it.key(), it.value().join(QStringLiteral(", ")));
    m_manifest.overridden = m_mapping.overridden;
    m_manifest.confidence = m_mapping.datasetType == d.type ? d.confidence : d.scores.value(m_mapping.datasetType);
    m_manifest.level = detect::levelName(detect::levelFor(m_manifest.confidence, rules.settings()));
    return {};
}

Result<void> Job::analyse(ingest::TableReader &reader, analysis::Analysis &analysis,
                          outputs::LineageWriter *lineage, analysis::AnalysisResult &result)
{
    // Without a lineage file the analysis still needs a sink.
    struct NullSink : analysis::LineageSink {
        void setFields(const QStringList &) override {}
        void add(qint64, const std::string_view *, std::string_view, analysis::RowStatus, std::string_view) override {}
    } nullSink;
    analysis::LineageSink &inner = lineage ? static_cast<analysis::LineageSink &>(*lineage) : nullSink;
    // The reader's left-out lines go into the lineage between the rows, in line order.
    LineAccountingSink sink(inner);

    if (m_feedback)
        m_feedback->setPhase("Analysing");
    // Reading and parsing run on their own thread, one batch ahead of the analysis, so that both
    // cores work: one parses batch n+1 while the other aggregates, hashes and formats batch n.
    // The batches outlive the reader thread (declared first, destroyed last), and every return
    // below waits for a read in flight: the thread writes into them.
    ingest::RowBatch batches[2];
    QThreadPool readerThread;
    readerThread.setMaxThreadCount(1);
    int current = 0;
    auto readInto = [&](int slot) {
        return QtConcurrent::run(&readerThread, [&reader, &batches, slot, fb = m_feedback]() {
            return reader.readBatch(batches[slot], fb);
        });
    };
    QFuture<Result<bool>> pending = readInto(current);
    struct WaitForRead {
        QFuture<Result<bool>> &future;
        ~WaitForRead() { future.waitForFinished(); }
    } waitForRead{pending};
    for (;;) {
        Result<bool> more = pending.result();
        if (!more)
            return more.error();
        const bool hasRows = batches[current].rowCount() > 0;
        const bool again = *more;
        const int slot = current;
        sink.queue(batches[slot].skipped());
        if (again)
            pending = readInto(1 - current);
        if (hasRows) {
            if (auto r = analysis.consume(batches[slot], sink, m_feedback); !r)
                return r;
        }
        if (!again)
            break;
        if (cancelled())
            return cancelledError();
        current = 1 - current;
    }
    sink.flush();
    m_manifest.inputSha256 = reader.info().sha256;
    if (m_manifest.inputSize <= 0)
        m_manifest.inputSize = reader.info().size;

    if (m_feedback)
        m_feedback->setPhase("Summarising");
    auto finished = analysis.finish(m_feedback);
    if (!finished)
        return finished.error();
    result = std::move(*finished);
    // Lines the reader left out count as read and skipped: read = used + skipped, line for line.
    const qint64 leftOut = linesLeftOut(reader.info().skipped);
    m_manifest.rowsRead = result.rowsRead + leftOut;
    m_manifest.rowsUsed = result.rowsUsed;
    m_manifest.rowsSkipped = result.rowsSkipped + leftOut;
    m_manifest.leftOut = reader.info().skipped;
    addLeftOutLines(reader.info().skipped, m_manifest.rowsRead, result);
    addSkippedRows(sink.skippedByReason(), m_manifest.rowsRead, m_manifest.rowsUsed, m_manifest.rowsSkipped,
                   result);
    // The dashboard and the workbook say the same counts as the manifest.
    result.rowsRead = m_manifest.rowsRead;
    result.rowsSkipped = m_manifest.rowsSkipped;
    m_manifest.warnings = reader.info().warnings + result.warnings;
    const bool pivot = m_manifest.analysisId == QLatin1String("station_pivot");
    if (!pivot) {
        QStringList unused;
        if (m_spec.params.aggregation != analysis::Aggregation::Mean)
            unused << QStringLiteral("the aggregation (%1)").arg(analysis::aggregationName(m_spec.params.aggregation));
        if (m_spec.params.onlyValidated)
            unused << QStringLiteral("\"only validated rows\"");
        if (!m_spec.params.templates.isEmpty())
            unused << QStringLiteral("the template(s)");
        if (!unused.isEmpty()) {
            const QString last = unused.takeLast();
            QString what = unused.isEmpty() ? last : unused.join(QStringLiteral(", ")) + QStringLiteral(" and ") + last;
            what[0] = what[0].toUpper();
            const QString analysisName = QString(m_manifest.analysisId).replace(u'_', u' ');
            m_manifest.warnings << (unused.isEmpty()
                                        ? QStringLiteral("%1 only applies to station readings; the %2 analysis of "
                                                         "this file did not use it.")
                                        : QStringLiteral("%1 only apply to station readings; the %2 analysis of "
                                                         "this file did not use them."))
                                       .arg(what, analysisName);
        }
    }
    for (const auto &a : std::as_const(result.alerts))
        m_manifest.alerts << severityName(a.severity) + QStringLiteral(": ") + a.message;
    m_manifest.verdicts = result.verdicts;
    return {};
}

Result<void> Job::writeOutputs(analysis::AnalysisResult &result, outputs::LineageWriter *lineage)
{
    if (m_feedback)
        m_feedback->setPhase("Writing");
    if (lineage) {
        if (auto r = record(lineage->commit()); !r)
            return r;
    }
    if (m_spec.writeCsv) {
        for (const auto &table : result.tables) {
            if (cancelled())
                return cancelledError();
            if (auto r = record(outputs::writeTableCsv(table, outPath(table.id + QStringLiteral(".csv")))); !r)
                return r;
        }
        if (!result.quality.columns.isEmpty())
            if (auto r = record(outputs::writeTableCsv(result.quality, outPath(QStringLiteral("data_quality.csv")))); !r)
                return r;
    }
    if (m_spec.writeXlsx) {
        if (cancelled())
            return cancelledError();
        QStringList notes;
        if (auto r = record(outputs::writeResultsXlsx(result, outPath(QStringLiteral("results.xlsx")), &notes)); !r)
            return r;
        m_manifest.warnings << notes;
    }
    if (m_spec.writeDashboard) {
        if (cancelled())
            return cancelledError();
        outputs::DashboardInfo info;
        info.fileName = m_manifest.inputName;
        info.sha256 = m_manifest.inputSha256;
        info.size = m_manifest.inputSize;
        info.datasetType = m_manifest.datasetType;
        info.confidence = m_manifest.confidence;
        info.level = m_manifest.level;
        info.mappingOverridden = m_manifest.overridden;
        info.mapping = m_manifest.mapping;
        if (m_manifest.analysisId == QLatin1String("station_pivot")) { // the other analyses take no parameters
            info.parameters.insert(QStringLiteral("aggregation"), analysis::aggregationName(m_spec.params.aggregation));
            info.parameters.insert(QStringLiteral("only validated"),
                                   m_spec.params.onlyValidated ? QStringLiteral("yes") : QStringLiteral("no"));
            QStringList templateNames;
            for (const QString &t : m_spec.params.templates)
                templateNames << QFileInfo(t).fileName();
            if (!templateNames.isEmpty())
                info.parameters.insert(QStringLiteral("templates"), templateNames.join(QStringLiteral(", ")));
        }
        info.finpipeVersion = m_manifest.finpipeVersion;
        info.sheet = m_manifest.sheet;
        const QString path = outPath(QStringLiteral("dashboard.html"));
        if (auto r = outputs::writeDashboard(info, result, path); !r)
            return r;
        if (auto r = record(outputs::describeFile(path)); !r)
            return r;
    }
    return {};
}

//! Makes the output folder hold this run, or leaves it as it was. A succeeded run replaces what the
//! folder held. A failed or cancelled run replaces it too (with what it wrote and a manifest saying
//! why it stopped), except a succeeded run's results: those are kept, and the run's own files are
//! discarded. manifest.json is written last, so the folder is always one complete run.
void Job::finishFolder(Result<void> &r)
{
    const QString dir = QDir::toNativeSeparators(m_folder->path());
    if (!r && m_folder->previousStatus() == u"succeeded") {
        m_folder->discard();
        m_manifest.outputs.clear();
        Error e = r.error();
        e.message += QStringLiteral(" The results of the earlier run in \"%1\" were left as they were.").arg(dir);
        r = e;
        return;
    }
    Result<void> done;
    if (auto written = outputs::writeFileAtomically(outPath(QStringLiteral("manifest.json")), m_manifest.toJson()); !written)
        done = written.error();
    else
        done = m_folder->commit();
    if (!done) {
        m_folder->discard();
        m_manifest.outputs.clear();
        if (r) {
            r = done.error();
            m_manifest.status = QStringLiteral("failed");
            m_manifest.error = r.error().message;
        }
        return;
    }
    for (OutputFile &o : m_manifest.outputs)
        o.path = QDir(m_folder->path()).filePath(o.name);
}

} // namespace

Result<Manifest> runJob(const JobSpec &spec, Feedback *feedback, Manifest *partial)
{
    Job job(spec, feedback);
    return job.run(partial);
}

} // namespace finpipe::jobs
