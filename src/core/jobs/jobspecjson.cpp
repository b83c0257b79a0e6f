#include "jobs/jobspecjson.h"

#include "ingest/sha256.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace finpipe::jobs {

namespace {

QJsonObject stringMap(const QMap<QString, QString> &m)
{
    QJsonObject o;
    for (auto it = m.begin(); it != m.end(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QMap<QString, QString> stringMapFrom(const QJsonValue &v)
{
    QMap<QString, QString> m;
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it)
        m.insert(it.key(), it.value().toString());
    return m;
}

QJsonObject listMap(const QMap<QString, QStringList> &m)
{
    QJsonObject o;
    for (auto it = m.begin(); it != m.end(); ++it)
        o.insert(it.key(), QJsonArray::fromStringList(it.value()));
    return o;
}

QStringList stringList(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &s : v.toArray())
        out.append(s.toString());
    return out;
}

QMap<QString, QStringList> listMapFrom(const QJsonValue &v)
{
    QMap<QString, QStringList> m;
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it)
        m.insert(it.key(), stringList(it.value()));
    return m;
}

// Sizes and limits stay far below 2^53, so a JSON number holds them exactly.
qint64 int64From(const QJsonObject &o, const char *key, qint64 fallback)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? qint64(v.toDouble()) : fallback;
}

double doubleFrom(const QJsonObject &o, const char *key, double fallback)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? v.toDouble() : fallback;
}

bool boolFrom(const QJsonObject &o, const char *key, bool fallback)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isBool() ? v.toBool() : fallback;
}

} // namespace

QByteArray jobSpecToJson(const JobSpec &spec, const SpecPins &pins)
{
    const ingest::ReadOptions &r = spec.read;
    QJsonObject read{{QStringLiteral("sheet"), r.sheet},
                     {QStringLiteral("batch_rows"), r.batchRows},
                     {QStringLiteral("compute_hash"), r.computeHash},
                     {QStringLiteral("max_line_bytes"), double(r.maxLineBytes)},
                     {QStringLiteral("max_uncompressed_bytes"), double(r.maxUncompressedBytes)},
                     {QStringLiteral("max_compression_ratio"), r.maxCompressionRatio},
                     {QStringLiteral("max_cells"), double(r.maxCells)}};

    const analysis::Parameters &p = spec.params;
    QJsonArray templates;
    for (const QString &t : p.templates)
        templates.append(QJsonObject{{QStringLiteral("path"), t},
                                     {QStringLiteral("sha256"), pins.templateSha256.value(t)}});
    QJsonObject params{{QStringLiteral("aggregation"), analysis::aggregationName(p.aggregation)},
                       {QStringLiteral("templates"), templates},
                       {QStringLiteral("only_validated"), p.onlyValidated},
                       {QStringLiteral("blank_rate_alert"), p.blankRateAlert},
                       {QStringLiteral("outlier_count_alert"), p.outlierCountAlert},
                       {QStringLiteral("outlier_z"), p.outlierZ}};

    QJsonObject o{{QStringLiteral("format"), 1},
                  {QStringLiteral("input_path"), spec.inputPath},
                  {QStringLiteral("read"), read},
                  {QStringLiteral("parameters"), params},
                  {QStringLiteral("output_dir"), spec.outputDir},
                  {QStringLiteral("write_csv"), spec.writeCsv},
                  {QStringLiteral("write_xlsx"), spec.writeXlsx},
                  {QStringLiteral("write_dashboard"), spec.writeDashboard},
                  {QStringLiteral("require_confident_detection"), spec.requireConfidentDetection},
                  {QStringLiteral("rules_version"), pins.rulesVersion}};
    if (spec.mapping)
        o.insert(QStringLiteral("mapping"),
                 QJsonObject{{QStringLiteral("type"), spec.mapping->datasetType},
                             {QStringLiteral("roles"), stringMap(spec.mapping->roles)},
                             {QStringLiteral("column_groups"), listMap(spec.mapping->columnGroups)},
                             {QStringLiteral("overridden"), spec.mapping->overridden}});
    if (spec.choice)
        o.insert(QStringLiteral("choice"),
                 QJsonObject{{QStringLiteral("type"), spec.choice->datasetType},
                             {QStringLiteral("roles"), stringMap(spec.choice->roles)},
                             {QStringLiteral("column_groups"), listMap(spec.choice->columnGroups)}});
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Result<PinnedSpec> jobSpecFromJson(const QByteArray &json)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return Error::make(Error::Code::Format, QStringLiteral("The job's saved choices could not be read."),
                           err.errorString());
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("format")).toInt() > 1)
        return Error::make(Error::Code::Unsupported,
                           QStringLiteral("The job's saved choices were written by a newer finpipe."));
    PinnedSpec out;
    JobSpec &s = out.spec;
    s.inputPath = o.value(QStringLiteral("input_path")).toString();

    const QJsonObject read = o.value(QStringLiteral("read")).toObject();
    s.read.sheet = read.value(QStringLiteral("sheet")).toString();
    s.read.batchRows = int(int64From(read, "batch_rows", s.read.batchRows));
    s.read.computeHash = boolFrom(read, "compute_hash", s.read.computeHash);
    s.read.maxLineBytes = int64From(read, "max_line_bytes", s.read.maxLineBytes);
    s.read.maxUncompressedBytes = int64From(read, "max_uncompressed_bytes", s.read.maxUncompressedBytes);
    s.read.maxCompressionRatio = int(int64From(read, "max_compression_ratio", s.read.maxCompressionRatio));
    s.read.maxCells = int64From(read, "max_cells", s.read.maxCells);

    const QJsonObject params = o.value(QStringLiteral("parameters")).toObject();
    const QString aggregation = params.value(QStringLiteral("aggregation")).toString();
    if (!aggregation.isEmpty()) {
        const auto a = analysis::aggregationFromName(aggregation);
        if (!a)
            return Error::make(Error::Code::Invalid,
                               QStringLiteral("The job's saved choices name an unknown aggregation \"%1\".")
                                   .arg(aggregation));
        s.params.aggregation = *a;
    }
    for (const QJsonValue &t : params.value(QStringLiteral("templates")).toArray()) {
        // Older forms listed bare paths.
        const QString path = t.isString() ? t.toString() : t.toObject().value(QStringLiteral("path")).toString();
        s.params.templates.append(path);
        const QString hash = t.toObject().value(QStringLiteral("sha256")).toString();
        if (!hash.isEmpty())
            out.pins.templateSha256.insert(path, hash);
    }
    s.params.onlyValidated = boolFrom(params, "only_validated", s.params.onlyValidated);
    s.params.blankRateAlert = doubleFrom(params, "blank_rate_alert", s.params.blankRateAlert);
    s.params.outlierCountAlert = int(int64From(params, "outlier_count_alert", s.params.outlierCountAlert));
    s.params.outlierZ = doubleFrom(params, "outlier_z", s.params.outlierZ);

    s.outputDir = o.value(QStringLiteral("output_dir")).toString();
    s.writeCsv = boolFrom(o, "write_csv", s.writeCsv);
    s.writeXlsx = boolFrom(o, "write_xlsx", s.writeXlsx);
    s.writeDashboard = boolFrom(o, "write_dashboard", s.writeDashboard);
    s.requireConfidentDetection = boolFrom(o, "require_confident_detection", s.requireConfidentDetection);
    out.pins.rulesVersion = o.value(QStringLiteral("rules_version")).toString();

    if (const QJsonValue m = o.value(QStringLiteral("mapping")); m.isObject()) {
        detect::ColumnMapping mapping;
        mapping.datasetType = m[QStringLiteral("type")].toString();
        mapping.roles = stringMapFrom(m[QStringLiteral("roles")]);
        mapping.columnGroups = listMapFrom(m[QStringLiteral("column_groups")]);
        mapping.overridden = m[QStringLiteral("overridden")].toBool();
        s.mapping = mapping;
    }
    if (const QJsonValue c = o.value(QStringLiteral("choice")); c.isObject()) {
        detect::OverrideChoice choice;
        choice.datasetType = c[QStringLiteral("type")].toString();
        choice.roles = stringMapFrom(c[QStringLiteral("roles")]);
        choice.columnGroups = listMapFrom(c[QStringLiteral("column_groups")]);
        s.choice = choice;
    }
    return out;
}

SpecPins pinSpec(const JobSpec &spec, const QString &rulesVersion)
{
    SpecPins pins;
    pins.rulesVersion = rulesVersion;
    for (const QString &t : spec.params.templates)
        if (auto h = ingest::sha256File(t); h.ok())
            pins.templateSha256.insert(t, *h);
    return pins;
}

} // namespace finpipe::jobs
