#include "timeseriesreport.h"

#include "common/humannumbers.h"

#include "ingest/valueparser.h"

#include <QSet>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace finpipe::analysis {

namespace {

const QString kUnparseableDate = QStringLiteral("unparseable date");
const QString kUnparseableNumber = QStringLiteral("unparseable number");
const QString kDuplicateDates = QStringLiteral("duplicate dates");

QString stationScope(const QString &station)
{
    return QStringLiteral("station ") + station;
}

} // namespace

Result<void> TimeSeriesReport::start(const QList<ingest::ColumnInfo> &columns, const detect::ColumnMapping &mapping,
                                     const Parameters &parameters)
{
    m_columns = columns;
    m_parameters = parameters;
    auto station = cells::resolveRole(columns, mapping, QStringLiteral("station"), true);
    if (!station.ok())
        return station.error();
    auto date = cells::resolveRole(columns, mapping, QStringLiteral("date"), true);
    if (!date.ok())
        return date.error();
    m_stationColumn = *station;
    m_dateColumn = *date;

    m_candidates.clear();
    // Detection gives the parameters as a column group; a hand-written mapping may give them as one
    // comma-joined role.
    QStringList listed = mapping.columnGroups.value(QStringLiteral("parameters"));
    if (listed.isEmpty()) {
        const QString joined = mapping.roles.value(QStringLiteral("parameters")).trimmed();
        if (!joined.isEmpty())
            listed = joined.split(QLatin1Char(','));
    }
    m_explicitParameters = !listed.isEmpty();
    if (m_explicitParameters) {
        QSet<int> seen;
        for (const QString &part : std::as_const(listed)) {
            const QString name = part.trimmed();
            if (name.isEmpty())
                continue;
            const int index = cells::columnIndex(columns, name);
            if (index < 0)
                return Error::make(Error::Code::Invalid,
                                   QStringLiteral("The parameter column \"%1\" is not in the file.").arg(name));
            if (index == m_stationColumn || index == m_dateColumn || seen.contains(index))
                continue;
            seen.insert(index);
            m_candidates.push_back({index, name, 0, 0, {}, {}});
        }
    } else {
        for (int c = 0; c < columns.size(); ++c) {
            if (c != m_stationColumn && c != m_dateColumn)
                m_candidates.push_back({c, columns[c].name, 0, 0, {}, {}});
        }
    }

    m_fieldNames = {QStringLiteral("station"), QStringLiteral("date")};
    for (const Candidate &c : m_candidates)
        m_fieldNames << c.name;
    m_fields.assign(size_t(m_fieldNames.size()), {});
    m_quality.setColumns(columns);
    if (m_explicitParameters) {
        // Columns that are neither station, date nor a listed parameter are not used: no alerts.
        for (int c = 0; c < columns.size(); ++c) {
            const bool used = c == m_stationColumn || c == m_dateColumn
                              || std::any_of(m_candidates.begin(), m_candidates.end(),
                                             [c](const Candidate &k) { return k.column == c; });
            if (!used)
                m_quality.setBlankAlert(c, QualityLog::BlankAlert::None);
        }
    }
    return {};
}

Result<void> TimeSeriesReport::consume(const ingest::RowBatch &batch, LineageSink &lineage, Feedback *feedback)
{
    if (feedback && feedback->isCancelled())
        return Error::make(Error::Code::Cancelled, QStringLiteral("The time-series report was cancelled."));
    if (!m_fieldsSent) {
        lineage.setFields(m_fieldNames);
        m_fieldsSent = true;
    }
    m_quality.countBlanks(batch);
    const size_t nCandidates = m_candidates.size();
    for (int row = 0; row < batch.rowCount(); ++row) {
        ++m_rowsRead;
        const qint64 line = batch.sourceLine(row);
        m_fields[0] = batch.at(row, m_stationColumn).text;
        m_fields[1] = batch.at(row, m_dateColumn).text;
        for (size_t i = 0; i < nCandidates; ++i)
            m_fields[i + 2] = batch.at(row, m_candidates[i].column).text;
        const std::string_view hash = m_hasher.hash(m_fields.data(), int(m_fields.size()));

        const std::string_view station = cells::trim(m_fields[0]);
        const ingest::Value &dateValue = batch.at(row, m_dateColumn);
        qint64 msecs = 0;
        bool hasTime = false;
        std::string_view reason;
        if (station.empty()) {
            reason = "blank station";
        } else if (dateValue.isBlank()) {
            reason = "blank date";
        } else if (!cells::dateOf(dateValue, msecs, hasTime)) {
            reason = "unparseable date";
            QualityFinding &f = m_quality.finding(kUnparseableDate, m_columns[m_dateColumn].name);
            if (f.detail.isEmpty())
                f.detail = QStringLiteral("not a date, e.g. \"%1\"; the row is skipped").arg(dateValue.toString());
            f.add(line);
        }
        if (!reason.empty()) {
            ++m_rowsSkipped;
            lineage.add(line, m_fields.data(), hash, RowStatus::Skipped, reason);
            continue;
        }
        lineage.add(line, m_fields.data(), hash, RowStatus::Used, {});

        const int stationId = m_stations.id(station);
        if (size_t(stationId) >= m_stationHasTime.size())
            m_stationHasTime.resize(size_t(stationId) + 1, false);
        if (hasTime)
            m_stationHasTime[size_t(stationId)] = true;
        m_rows.push_back({stationId, msecs, line});
        for (size_t i = 0; i < nCandidates; ++i) {
            Candidate &c = m_candidates[i];
            const ingest::Value &v = batch.at(row, c.column);
            double number = std::numeric_limits<double>::quiet_NaN();
            if (!v.isBlank()) {
                if (cells::numberOf(v, number)) {
                    ++c.numbers;
                } else {
                    number = std::numeric_limits<double>::quiet_NaN();
                    if (c.others++ == 0)
                        c.otherExample = v.toString();
                    if (c.otherRows.size() < 5)
                        c.otherRows.push_back(line);
                }
            }
            m_values.push_back(number);
        }
    }
    return {};
}

Result<AnalysisResult> TimeSeriesReport::finish(Feedback *feedback)
{
    if (feedback && feedback->isCancelled())
        return Error::make(Error::Code::Cancelled, QStringLiteral("The time-series report was cancelled."));
    AnalysisResult result;
    result.analysisId = id();
    result.rowsRead = m_rowsRead;
    result.rowsSkipped = m_rowsSkipped;
    result.rowsUsed = m_rowsRead - m_rowsSkipped;

    // Which candidates are parameters. Listed ones always are; otherwise a column is one when its
    // cells are numbers, tolerating a few unreadable cells (at most one in ten), which are reported.
    std::vector<size_t> params;
    QStringList textColumns;
    for (size_t i = 0; i < m_candidates.size(); ++i) {
        const Candidate &c = m_candidates[i];
        const bool numeric = c.others == 0 || (c.numbers > 0 && c.others * 9 <= c.numbers);
        if (!m_explicitParameters && !numeric) {
            textColumns << c.name;
            m_quality.setBlankAlert(c.column, QualityLog::BlankAlert::None);
            continue;
        }
        params.push_back(i);
        if (c.others > 0) {
            QualityFinding &f = m_quality.finding(kUnparseableNumber, c.name);
            f.count = c.others;
            f.examples = c.otherRows;
            f.detail = QStringLiteral("not a number, e.g. \"%1\"; shown as blank").arg(c.otherExample);
        }
    }
    if (!textColumns.isEmpty())
        result.warnings << QStringLiteral("These columns hold text rather than readings and are left out of the "
                                          "report: %1.")
                               .arg(textColumns.join(QStringLiteral(", ")));
    if (m_rowsSkipped > 0)
        result.warnings << QStringLiteral("%1 of %2 rows were skipped because their station or date could not be "
                                          "read; audit_lineage.csv says why for each.")
                               .arg(m_rowsSkipped)
                               .arg(m_rowsRead);

    // Stations in name order; rows per station by date, keeping file order for equal dates.
    std::vector<int> stations(size_t(m_stations.size()));
    std::iota(stations.begin(), stations.end(), 0);
    std::sort(stations.begin(), stations.end(),
              [this](int a, int b) { return m_stations.text(a) < m_stations.text(b); });
    std::vector<std::vector<size_t>> rowsOf(size_t(m_stations.size()));
    for (size_t r = 0; r < m_rows.size(); ++r)
        rowsOf[size_t(m_rows[r].station)].push_back(r);

    const size_t width = m_candidates.size();
    ResultTable summary;
    summary.id = QStringLiteral("parameter_summary");
    summary.title = QStringLiteral("Summary per station and parameter (sd: population standard deviation)");
    summary.columns = {QStringLiteral("station"), QStringLiteral("parameter"), QStringLiteral("count"),
                       QStringLiteral("mean"),    QStringLiteral("min"),       QStringLiteral("max"),
                       QStringLiteral("sd"),      QStringLiteral("first_date"), QStringLiteral("last_date")};
    QSet<QString> usedIds = {summary.id, QStringLiteral("data_quality"), QStringLiteral("audit_lineage")};
    std::vector<ResultTable> stationTables;

    for (int s : stations) {
        const QString station = cells::qs(m_stations.text(s));
        std::vector<size_t> &rows = rowsOf[size_t(s)];
        std::stable_sort(rows.begin(), rows.end(),
                         [this](size_t a, size_t b) { return m_rows[a].msecs < m_rows[b].msecs; });
        const bool withTime = m_stationHasTime[size_t(s)];

        ResultTable t;
        QString id = cells::safeStem(station) + QStringLiteral("_timeseries");
        for (int n = 2; usedIds.contains(id); ++n)
            id = cells::safeStem(station) + QStringLiteral("_timeseries_%1").arg(n);
        usedIds.insert(id);
        t.id = id;
        t.title = QStringLiteral("%1: readings by date").arg(station);
        t.columns = {QStringLiteral("Station"), QStringLiteral("Dates")};
        for (size_t p : params)
            t.columns << m_candidates[p].name;

        QualityFinding *duplicates = nullptr;
        for (size_t k = 0; k < rows.size(); ++k) {
            const Row &r = m_rows[rows[k]];
            const bool repeated = k > 0
                                  && (withTime ? m_rows[rows[k - 1]].msecs == r.msecs
                                               : ingest::values::dayOf(m_rows[rows[k - 1]].msecs) == ingest::values::dayOf(r.msecs));
            if (repeated) {
                if (!duplicates) {
                    duplicates = &m_quality.finding(kDuplicateDates, m_columns[m_dateColumn].name, stationScope(station));
                    duplicates->total = qint64(rows.size());
                    duplicates->detail = QStringLiteral("e.g. %1 appears more than once; every row is kept")
                                             .arg(cells::dateText(r.msecs));
                }
                duplicates->add(r.line);
            }
            std::vector<Cell> row{Cell::str(station), withTime ? Cell::dateTime(r.msecs) : Cell::date(r.msecs)};
            for (size_t p : params) {
                const double v = m_values[rows[k] * width + p];
                row.push_back(std::isnan(v) ? Cell::blank() : Cell::num(v));
            }
            t.rows.push_back(std::move(row));
        }

        QStringList charted;
        for (size_t p : params) {
            const QString &name = m_candidates[p].name;
            qint64 n = 0;
            double sum = 0, min = 0, max = 0;
            qint64 first = 0, last = 0;
            for (size_t r : rows) {
                const double v = m_values[r * width + p];
                if (std::isnan(v))
                    continue;
                if (n == 0) {
                    min = max = v;
                    first = m_rows[r].msecs;
                } else {
                    min = qMin(min, v);
                    max = qMax(max, v);
                }
                last = m_rows[r].msecs;
                sum += v;
                ++n;
            }
            if (n == 0) {
                summary.rows.push_back({Cell::str(station), Cell::str(name), Cell::num(0), Cell::blank(), Cell::blank(),
                                        Cell::blank(), Cell::blank(), Cell::blank(), Cell::blank()});
                continue;
            }
            charted << name;
            const double mean = sum / double(n);
            double squares = 0;
            for (size_t r : rows) {
                const double v = m_values[r * width + p];
                if (!std::isnan(v))
                    squares += (v - mean) * (v - mean);
            }
            const double sd = std::sqrt(squares / double(n));
            auto dateCell = [withTime](qint64 ms) { return withTime ? Cell::dateTime(ms) : Cell::date(ms); };
            summary.rows.push_back({Cell::str(station), Cell::str(name), Cell::integer(n), Cell::num(mean),
                                    Cell::num(min), Cell::num(max), Cell::num(sd), dateCell(first), dateCell(last)});

            // Outliers: |z| above the threshold, against this station's own mean and spread.
            if (sd > 0) {
                QualityFinding *outliers = nullptr;
                for (size_t r : rows) {
                    const double v = m_values[r * width + p];
                    if (std::isnan(v) || std::abs(v - mean) / sd <= m_parameters.outlierZ)
                        continue;
                    if (!outliers) {
                        outliers = &m_quality.finding(QStringLiteral("outliers (|z| > %1)").arg(m_parameters.outlierZ),
                                                      name, stationScope(station));
                        outliers->total = n;
                        outliers->detail = QStringLiteral("mean %1, sd %2; e.g. %3 on row %4")
                                               .arg(mean, 0, 'g', 6)
                                               .arg(sd, 0, 'g', 6)
                                               .arg(v, 0, 'g', 10)
                                               .arg(m_rows[r].line);
                    }
                    outliers->add(m_rows[r].line);
                }
                if (outliers && outliers->count >= m_parameters.outlierCountAlert)
                    result.alerts.append({QualityAlert::Severity::Warning,
                                          QStringLiteral("%1, %2: %3 outliers (|z| > %4), e.g. rows %5.")
                                              .arg(station, name)
                                              .arg(outliers->count)
                                              .arg(m_parameters.outlierZ)
                                              .arg(QualityLog::exampleText(*outliers))});
            }
        }
        if (duplicates)
            result.alerts.append({QualityAlert::Severity::Warning,
                                  QStringLiteral("%1: %2 rows repeat a date already seen, e.g. rows %3.")
                                      .arg(station)
                                      .arg(duplicates->count)
                                      .arg(QualityLog::exampleText(*duplicates))});
        if (!charted.isEmpty())
            result.charts.append({ChartSpec::Kind::TimeSeries, t.id, QStringLiteral("%1: readings over time").arg(station),
                                  QStringLiteral("Dates"), charted});
        stationTables.push_back(std::move(t));
    }

    for (ResultTable &t : stationTables)
        result.tables.push_back(std::move(t));
    result.tables.push_back(std::move(summary));
    result.alerts = m_quality.blankAlerts(m_rowsRead, m_parameters.blankRateAlert) + m_quality.errorAlerts() + result.alerts;
    for (const Candidate &c : m_candidates) {
        if (const QualityFinding *f = m_quality.find(kUnparseableNumber, c.name); f && f->count > 0)
            result.alerts.append({QualityAlert::Severity::Warning,
                                  QStringLiteral("%1 values in \"%2\" are not numbers, e.g. rows %3.")
                                      .arg(f->count)
                                      .arg(c.name, QualityLog::exampleText(*f))});
    }
    result.quality = m_quality.table(m_rowsRead);

    // Headline cards: what the report holds.
    {
        std::vector<qint64> dates;
        QStringList series;
        qint64 values = 0, stations = 0;
        for (const ResultTable &t : result.tables) {
            if (t.columns.size() < 2 || t.columns[1] != u"Dates")
                continue; // the summary table
            ++stations;
            for (qsizetype c = 2; c < t.columns.size(); ++c)
                if (!series.contains(t.columns[c]))
                    series << t.columns[c];
            for (const auto &row : t.rows) {
                if (row.size() > 1)
                    dates.push_back(row[1].msecs);
                for (size_t c = 2; c < row.size(); ++c)
                    values += row[c].kind == Cell::Kind::Number;
            }
        }
        std::sort(dates.begin(), dates.end());
        dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
        result.kpis.append({QStringLiteral("Stations"), groupedInteger(stations), QString(), Kpi::Tone::Neutral});
        result.kpis.append({QStringLiteral("Dates"), groupedInteger(qint64(dates.size())),
                            dates.empty() ? QString()
                                          : QStringLiteral("%1 to %2").arg(cells::dateText(dates.front()),
                                                                           cells::dateText(dates.back())),
                            Kpi::Tone::Neutral});
        result.kpis.append({QStringLiteral("Measures"), groupedInteger(series.size()),
                            series.size() <= 4 ? series.join(QStringLiteral(", ")) : QString(), Kpi::Tone::Neutral});
        result.kpis.append({QStringLiteral("Values"), groupedInteger(values),
                            QStringLiteral("numbers in the report's tables"), Kpi::Tone::Neutral});
    }
    return result;
}

} // namespace finpipe::analysis
