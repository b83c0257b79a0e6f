#include "specoptions.h"

namespace finpipe::cli {

SpecOptions::SpecOptions()
    : sheet(QStringLiteral("sheet"), QStringLiteral("Excel: the sheet to read (name or 1-based number)."), QStringLiteral("S")),
      type(QStringLiteral("type"), QStringLiteral("The dataset type, instead of detecting it (e.g. station_readings)."), QStringLiteral("T")),
      map(QStringLiteral("map"), QStringLiteral("Use COLUMN for ROLE (repeatable), e.g. --map station=Station_ID."), QStringLiteral("ROLE=COLUMN")),
      agg(QStringLiteral("agg"), QStringLiteral("Aggregation: mean (default), median, sum, first, min, max, count."), QStringLiteral("A")),
      templates(QStringLiteral("template"), QStringLiteral("A station_analysis layout fixing a station's columns (repeatable)."), QStringLiteral("FILE")),
      onlyValidated(QStringLiteral("only-validated"), QStringLiteral("Use only rows marked validated.")),
      format(QStringLiteral("format"), QStringLiteral("Outputs to write: csv, xlsx, html (comma-separated; default all)."), QStringLiteral("LIST"))
{
}

void SpecOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({sheet, type, map, agg, templates, onlyValidated, format});
}

Result<jobs::JobSpec> SpecOptions::spec(const QCommandLineParser &parser, const QString &file) const
{
    auto usage = [](const QString &message) { return Error::make(Error::Code::Usage, message); };
    jobs::JobSpec spec;
    spec.inputPath = file;
    spec.read.sheet = parser.value(sheet);
    if (parser.isSet(agg)) {
        const auto a = analysis::aggregationFromName(parser.value(agg));
        if (!a)
            return usage(QStringLiteral("unknown aggregation \"%1\"; use mean, median, sum, first, min, max or count.")
                             .arg(parser.value(agg)));
        spec.params.aggregation = *a;
    }
    spec.params.templates = parser.values(templates);
    spec.params.onlyValidated = parser.isSet(onlyValidated);

    QMap<QString, QString> roles;
    for (const QString &m : parser.values(map)) {
        const qsizetype eq = m.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return usage(QStringLiteral("--map takes ROLE=COLUMN, e.g. --map station=Station_ID (got \"%1\").").arg(m));
        roles.insert(m.left(eq).trimmed(), m.mid(eq + 1));
    }
    if (parser.isSet(type) || !roles.isEmpty()) {
        detect::OverrideChoice choice;
        choice.datasetType = parser.value(type);
        choice.roles = roles;
        spec.choice = choice;
    }
    if (parser.isSet(format)) {
        spec.writeCsv = spec.writeXlsx = spec.writeDashboard = false;
        for (const QString &f : parser.value(format).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString k = f.trimmed().toLower();
            if (k == u"csv")
                spec.writeCsv = true;
            else if (k == u"xlsx")
                spec.writeXlsx = true;
            else if (k == u"html" || k == u"dashboard")
                spec.writeDashboard = true;
            else
                return usage(QStringLiteral("unknown output format \"%1\"; use csv, xlsx or html.").arg(f));
        }
    }
    return spec;
}

} // namespace finpipe::cli
