#include "stationpivot.h"

#include "common/humannumbers.h"

#include "analysis/cellvalues.h"
#include "analysis/lineage.h"
#include "ingest/fileerrors.h"
#include "ingest/sha256.h"
#include "ingest/valueparser.h"

#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <numeric>

namespace finpipe::analysis {

namespace {

constexpr std::string_view kUsed;
constexpr std::string_view kBlankStation = "blank station";
constexpr std::string_view kBlankDate = "blank date";
constexpr std::string_view kBadDate = "unparseable date";
constexpr std::string_view kBlankParameter = "blank parameter";
constexpr std::string_view kBlankValue = "blank value";
constexpr std::string_view kBadValue = "unparseable value";
constexpr std::string_view kNotValidated = "not validated";
constexpr std::string_view kNotInTemplate = "parameter not in template";

// Rows per parallel chunk: large enough that scheduling costs nothing, small enough to split a
// batch over both cores.
constexpr int kChunkRows = 8192;

QString normalizedHeader(const QString &name)
{
    QString n;
    for (QChar c : name)
        if (c.isLetterOrNumber())
            n += c.toLower();
    return n;
}

bool isStationHeader(const QString &name)
{
    static const QStringList names{QStringLiteral("station"), QStringLiteral("stationid"),
                                   QStringLiteral("stationname"), QStringLiteral("stationcode"),
                                   QStringLiteral("site"), QStringLiteral("siteid"), QStringLiteral("location")};
    return names.contains(normalizedHeader(name));
}

bool isDateHeader(const QString &name)
{
    static const QStringList names{QStringLiteral("dates"), QStringLiteral("date"), QStringLiteral("datetime"),
                                   QStringLiteral("timestamp"), QStringLiteral("time"), QStringLiteral("day")};
    return names.contains(normalizedHeader(name));
}

QString fromView(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

//! A file stem safe on every platform.
QString joinNatural(QStringList names)
{
    std::sort(names.begin(), names.end(), naturalLess);
    return names.join(QStringLiteral(", "));
}

} // namespace

Result<StationTemplate> loadStationTemplate(const QString &path)
{
    ingest::ReadOptions options;
    options.computeHash = false;
    auto table = ingest::readTable(path, options);
    if (!table)
        return table.error();
    StationTemplate t;
    t.fileName = ingest::displayName(path);
    int stationColumn = -1;
    for (int c = 0; c < table->columns.size(); ++c) {
        const QString name = table->columns[c].name.trimmed();
        if (name.isEmpty())
            continue;
        if (stationColumn < 0 && isStationHeader(name))
            stationColumn = c;
        else if (!isDateHeader(name) && !isStationHeader(name))
            t.parameters << name;
    }
    if (stationColumn < 0)
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("The template \"%1\" has no Station column, so finpipe cannot tell "
                                          "which station it is for.")
                               .arg(t.fileName));
    for (const auto &batch : table->batches) {
        for (int r = 0; r < batch->rowCount() && t.station.isEmpty(); ++r) {
            const auto &v = batch->at(r, stationColumn);
            if (!v.isBlank())
                t.station = fromView(v.text).trimmed();
        }
    }
    if (t.station.isEmpty())
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("The template \"%1\" has no station name in its %2 column.")
                               .arg(t.fileName, table->columns[stationColumn].name));
    if (t.parameters.isEmpty())
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("The template \"%1\" has no parameter columns besides Station and "
                                          "Dates.")
                               .arg(t.fileName));
    return t;
}

int StationPivotAnalysis::Interned::id(std::string_view s)
{
    auto it = ids.find(s);
    if (it != ids.end())
        return it->second;
    const int id = int(names.size());
    names.emplace_back(s);
    ids.emplace(std::string(s), id);
    return id;
}

struct StationPivotAnalysis::Prepared {
    enum Flag : quint8 {
        TimeBlank = 1,
        TimeBad = 2,
        ValueBlank = 4,
        ValueBad = 8,
        NotValidated = 16,
    };
    struct Row {
        std::string_view fields[5]; // station, timestamp, parameter, value, validated
        qint64 msecs = 0;
        double value = 0;
        quint8 flags = 0;
        char timeText[24];
        char valueText[lineage::kNumberChars];
        char hash[64];
    };
    std::vector<Row> rows;
};

StationPivotAnalysis::StationPivotAnalysis() = default;
StationPivotAnalysis::~StationPivotAnalysis() = default;

Result<void> StationPivotAnalysis::start(const QList<ingest::ColumnInfo> &columns,
                                         const detect::ColumnMapping &mapping, const Parameters &parameters)
{
    m_columns = columns;
    m_params = parameters;
    auto resolve = [&](const QString &role, bool required, int &index) -> Result<void> {
        index = -1;
        const auto it = mapping.roles.constFind(role);
        if (it == mapping.roles.constEnd() || it->isEmpty()) {
            if (required)
                return Error::make(Error::Code::Invalid,
                                   QStringLiteral("The station pivot needs a %1 column, and none is chosen. "
                                                  "Choose it with --map %1=COLUMN.")
                                       .arg(role));
            return {};
        }
        for (int c = 0; c < columns.size(); ++c)
            if (columns[c].name == *it)
                index = c;
        if (index < 0)
            return Error::make(Error::Code::Invalid,
                               QStringLiteral("The column \"%1\" chosen as %2 is not in the file.").arg(*it, role));
        return {};
    };
    for (auto [role, required, index] : {std::tuple{QStringLiteral("station"), true, &m_station},
                                         std::tuple{QStringLiteral("timestamp"), true, &m_time},
                                         std::tuple{QStringLiteral("parameter"), true, &m_parameter},
                                         std::tuple{QStringLiteral("value"), true, &m_value},
                                         std::tuple{QStringLiteral("validated"), false, &m_validated}}) {
        if (auto r = resolve(role, required, *index); !r)
            return r.error();
    }
    m_fieldNames = {columns[m_station].name, columns[m_time].name, columns[m_parameter].name,
                    columns[m_value].name};
    if (m_validated >= 0)
        m_fieldNames << columns[m_validated].name;
    if (m_params.onlyValidated && m_validated < 0)
        m_warnings << QStringLiteral("Only validated rows were asked for, but the file has no validated "
                                     "column; every row was used.");

    for (const QString &path : m_params.templates) {
        auto t = loadStationTemplate(path);
        if (!t)
            return t.error();
        bool duplicate = false;
        for (const auto &other : std::as_const(m_templates))
            duplicate = duplicate || other.station == t->station;
        if (duplicate) {
            m_warnings << QStringLiteral("The template \"%1\" is a second template for station %2; only the "
                                         "first one is used.")
                              .arg(t->fileName, t->station);
            continue;
        }
        m_templates << *t;
    }

    std::vector<bool> mapped(size_t(columns.size()), false);
    for (int c : {m_station, m_time, m_parameter, m_value, m_validated})
        if (c >= 0)
            mapped[size_t(c)] = true;
    m_quality.setColumns(columns, mapped);
    return {};
}

void StationPivotAnalysis::prepare(const ingest::RowBatch &batch, int begin, int end, Prepared &out) const
{
    qint64 cachedMs = std::numeric_limits<qint64>::min();
    char cached[24];
    int cachedLen = 0;
    char line[1024];
    std::string longLine;
    for (int r = begin; r < end; ++r) {
        Prepared::Row &p = out.rows[size_t(r)];
        p.flags = 0;
        const ingest::Value &st = batch.at(r, m_station);
        const ingest::Value &tm = batch.at(r, m_time);
        const ingest::Value &pa = batch.at(r, m_parameter);
        const ingest::Value &va = batch.at(r, m_value);
        p.fields[0] = st.text;
        p.fields[2] = pa.text;
        // A reader may leave a column of times or numbers as text when it also holds words.
        bool hasTime = false;
        if (cells::dateOf(tm, p.msecs, hasTime)) {
            // Readings come in runs of one timestamp (every parameter of a sample): format once.
            if (p.msecs != cachedMs) {
                cachedMs = p.msecs;
                cachedLen = lineage::formatTimestamp(p.msecs, cached);
            }
            std::memcpy(p.timeText, cached, size_t(cachedLen));
            p.fields[1] = std::string_view(p.timeText, size_t(cachedLen));
        } else {
            p.flags |= tm.isBlank() ? Prepared::TimeBlank : Prepared::TimeBad;
            p.fields[1] = tm.text;
        }
        if (cells::numberOf(va, p.value)) {
            p.fields[3] = std::string_view(p.valueText, size_t(lineage::formatNumber(p.value, p.valueText)));
        } else {
            p.flags |= va.isBlank() ? Prepared::ValueBlank : Prepared::ValueBad;
            p.fields[3] = va.text;
        }
        if (m_validated >= 0) {
            const ingest::Value &vd = batch.at(r, m_validated);
            p.fields[4] = vd.text;
            bool validated = false;
            if (m_params.onlyValidated && !(cells::flagOf(vd, validated) && validated))
                p.flags |= Prepared::NotValidated;
        }
        // The old pipeline's row hash: station|timestamp|parameter|value, with a blank value as
        // pandas writes a missing float ("nan").
        const std::string_view value = (p.flags & Prepared::ValueBlank) ? std::string_view("nan") : p.fields[3];
        const size_t n = p.fields[0].size() + p.fields[1].size() + p.fields[2].size() + value.size() + 3;
        char *buf = line;
        if (n > sizeof line) {
            longLine.resize(n);
            buf = longLine.data();
        }
        char *w = buf;
        for (int f = 0; f < 4; ++f) {
            const std::string_view s = f == 3 ? value : p.fields[f];
            if (!s.empty())
                std::memcpy(w, s.data(), s.size());
            w += s.size();
            if (f < 3)
                *w++ = '|';
        }
        ingest::Sha256::hex(buf, size_t(n), p.hash);
    }
}

Result<void> StationPivotAnalysis::consume(const ingest::RowBatch &batch, LineageSink &lineage, Feedback *feedback)
{
    if (feedback && feedback->isCancelled())
        return Error::make(Error::Code::Cancelled, QStringLiteral("The analysis was cancelled."));
    if (m_rowsRead == 0)
        lineage.setFields(m_fieldNames);
    const int rows = batch.rowCount();
    if (rows == 0)
        return {};
    m_quality.countBlanks(batch);

    // Phase 1, parallel: format the lineage fields and hash every row.
    if (!m_prepared)
        m_prepared = std::make_unique<Prepared>();
    Prepared &prepared = *m_prepared;
    prepared.rows.resize(size_t(rows));
    if (rows > kChunkRows) {
        std::vector<int> starts;
        for (int s = 0; s < rows; s += kChunkRows)
            starts.push_back(s);
        QtConcurrent::blockingMap(starts, [&](int s) { prepare(batch, s, qMin(rows, s + kChunkRows), prepared); });
    } else {
        prepare(batch, 0, rows, prepared);
    }

    // Phase 2, in file order: aggregate and write the lineage.
    bool haveLast = false;
    std::string lastStation;
    int stationId = -1;
    for (int r = 0; r < rows; ++r) {
        const Prepared::Row &p = prepared.rows[size_t(r)];
        const qint64 line = batch.sourceLine(r);
        std::string_view reason = kUsed;
        if (p.fields[0].empty())
            reason = kBlankStation;
        else if (p.flags & Prepared::TimeBlank)
            reason = kBlankDate;
        else if (p.flags & Prepared::TimeBad)
            reason = kBadDate;
        else if (p.fields[2].empty())
            reason = kBlankParameter;
        else if (p.flags & Prepared::ValueBlank)
            reason = kBlankValue;
        else if (p.flags & Prepared::ValueBad)
            reason = kBadValue;
        if (p.flags & Prepared::TimeBad)
            m_quality.addUnparseable(m_time, line);
        if (p.flags & Prepared::ValueBad)
            m_quality.addUnparseable(m_value, line);

        if (reason.empty()) {
            if (!haveLast || p.fields[0] != lastStation) {
                stationId = m_stations.id(p.fields[0]);
                lastStation.assign(p.fields[0]);
                haveLast = true;
                if (stationId > 0xffff)
                    return Error::make(Error::Code::Failed,
                                       QStringLiteral("The file has more than 65,535 different stations; "
                                                      "check that the right column is chosen as station."));
                if (size_t(stationId) >= m_stationTemplate.size()) {
                    int tpl = -1;
                    const QString name = fromView(p.fields[0]).trimmed();
                    for (int t = 0; t < m_templates.size(); ++t)
                        if (m_templates[t].station == name)
                            tpl = t;
                    m_stationTemplate.push_back(tpl);
                    m_excluded.emplace_back();
                    m_excludedRows.emplace_back();
                }
            }
            // Parameters cycle through a few codes: a small direct-mapped cache in front of the map.
            const std::string_view code = p.fields[2];
            const size_t slot = (code.size() * 31 + size_t(quint8(code.back())) * 7
                                 + size_t(quint8(code[code.size() / 2]))) % kParamCacheSize;
            int paramId;
            if (m_paramCache[slot].id >= 0 && m_paramCache[slot].text == code) {
                paramId = m_paramCache[slot].id;
            } else {
                paramId = m_parameters.id(code);
                m_paramCache[slot].id = paramId;
                m_paramCache[slot].text.assign(code);
            }
            if (paramId > 0xffff)
                return Error::make(Error::Code::Failed,
                                   QStringLiteral("The file has more than 65,535 different parameters; "
                                                  "check that the right column is chosen as parameter."));
            if (size_t(paramId) >= m_paramGroups.size())
                m_paramGroups.push_back(m_quality.addGroup(fromView(p.fields[2]), m_columns[m_value].name));
            m_quality.addValue(m_paramGroups[size_t(paramId)], p.value);
            const qint64 day = ingest::values::dayOf(p.msecs);
            const quint64 key = cellKey(stationId, paramId, day);
            // One lookup per row: the cell holds the duplicate-key check's state for every keyed row
            // and the aggregate of the used ones.
            Accumulator &a = m_cells[key];
            const quint32 ms = quint32(p.msecs - day * ingest::values::kMsecsPerDay);
            if (a.keyed == 0) {
                if (m_cellCount == std::numeric_limits<quint32>::max())
                    return Error::make(Error::Code::Failed,
                                       QStringLiteral("The file has more than 4 billion station, day and parameter "
                                                      "combinations; finpipe cannot pivot it."));
                a.index = m_cellCount++;
            } else if (!a.disordered) {
                if (ms == a.lastMs) {
                    ++a.duplicates;
                    if (m_duplicateExamples.size() < 5)
                        m_duplicateExamples.push_back(line);
                } else if (ms < a.lastMs) {
                    a.disordered = true;
                }
            }
            ++a.keyed;
            a.lastMs = std::max(a.lastMs, ms);
            m_keyTimes.push({a.index, ms});

            const int tpl = m_stationTemplate[size_t(stationId)];
            if (p.flags & Prepared::NotValidated) {
                reason = kNotValidated;
            } else if (tpl >= 0) {
                auto &excluded = m_excluded[size_t(stationId)];
                auto &excludedRows = m_excludedRows[size_t(stationId)];
                if (excluded.size() <= size_t(paramId)) {
                    const size_t old = excluded.size();
                    excluded.resize(m_parameters.names.size(), 0);
                    excludedRows.resize(m_parameters.names.size(), 0);
                    for (size_t q = old; q < excluded.size(); ++q)
                        excluded[q] = m_templates[tpl].parameters.contains(
                                          fromView(m_parameters.names[q]).trimmed())
                                          ? 1
                                          : 2;
                }
                if (excluded[size_t(paramId)] == 2) {
                    reason = kNotInTemplate;
                    ++excludedRows[size_t(paramId)];
                }
            }
            if (reason.empty()) {
                // Present in the pivot: the parameter has data for this station on this day.
                const double v = p.value;
                if (a.count == 0) {
                    a.min = a.max = a.first = v;
                } else {
                    a.min = std::min(a.min, v);
                    a.max = std::max(a.max, v);
                }
                ++a.count;
                const double y = v - a.compensation;
                const double t = a.sum + y;
                a.compensation = t - a.sum - y;
                a.sum = t;
                if (m_params.aggregation == Aggregation::Median)
                    a.values.push_back(v);
            }
        }
        if (reason.empty())
            ++m_rowsUsed;
        else
            ++m_rowsSkipped;
        lineage.add(line, p.fields, std::string_view(p.hash, 64), reason.empty() ? RowStatus::Used : RowStatus::Skipped,
                    reason);
    }
    // Progress (bytes, rows) comes from the reader, which runs a batch ahead.
    m_rowsRead += rows;
    return {};
}

Result<qint64> StationPivotAnalysis::disorderedDuplicates(Feedback *feedback)
{
    // The pass of each disordered cell: each pass holds at most m_rowsPerPass rows in memory (or
    // one cell's, if larger), so an unsorted file costs passes over the temporary file, not memory.
    std::vector<qint32> passOf(m_cellCount, -1);
    qint64 rows = 0;
    int passes = 0;
    for (const auto &[key, cell] : m_cells) {
        if (!cell.disordered)
            continue;
        if (rows > 0 && rows + cell.keyed > m_rowsPerPass) {
            ++passes;
            rows = 0;
        }
        passOf[cell.index] = passes;
        rows += cell.keyed;
    }
    if (rows == 0 && passes == 0)
        return qint64(0);
    ++passes;
    qint64 duplicates = 0;
    std::vector<quint64> times;
    for (int pass = 0; pass < passes; ++pass) {
        times.clear();
        const bool read = m_keyTimes.read([&](const KeyTime *records, size_t n) {
            for (size_t i = 0; i < n; ++i)
                if (passOf[records[i].cell] == pass)
                    times.push_back((quint64(records[i].cell) << 32) | records[i].msOfDay);
            return !(feedback && feedback->isCancelled());
        });
        if (feedback && feedback->isCancelled())
            return Error::make(Error::Code::Cancelled, QStringLiteral("The analysis was cancelled."));
        if (!read)
            return Error::make(Error::Code::Failed,
                               QStringLiteral("finpipe could not read back its temporary file while checking for "
                                              "duplicate readings."));
        std::sort(times.begin(), times.end());
        for (size_t i = 1; i < times.size(); ++i)
            duplicates += times[i] == times[i - 1];
    }
    return duplicates;
}

Result<AnalysisResult> StationPivotAnalysis::finish(Feedback *feedback)
{
    if (feedback && feedback->isCancelled())
        return Error::make(Error::Code::Cancelled, QStringLiteral("The analysis was cancelled."));
    AnalysisResult result;
    result.analysisId = id();
    result.rowsRead = m_rowsRead;
    result.rowsUsed = m_rowsUsed;
    result.rowsSkipped = m_rowsSkipped;
    result.warnings = m_warnings;

    const int stationCount = int(m_stations.names.size());
    const int paramCount = int(m_parameters.names.size());
    std::vector<QString> stationNames(static_cast<size_t>(stationCount)), paramNames(static_cast<size_t>(paramCount));
    for (int s = 0; s < stationCount; ++s)
        stationNames[size_t(s)] = fromView(m_stations.names[size_t(s)]);
    for (int q = 0; q < paramCount; ++q)
        paramNames[size_t(q)] = fromView(m_parameters.names[size_t(q)]);

    // Duplicate keys: the same station, timestamp and parameter more than once.
    auto duplicates = disorderedDuplicates(feedback);
    if (!duplicates)
        return duplicates.error();
    for (const auto &[key, cell] : m_cells)
        if (!cell.disordered)
            *duplicates += cell.duplicates;
    if (const QString why = m_keyTimes.file().diskError(); !why.isEmpty())
        result.warnings << QStringLiteral("finpipe could not use a temporary file (%1), so this analysis held "
                                          "more in memory than usual.")
                               .arg(why);
    m_quality.setDuplicates(QStringLiteral("%1 + %2 + %3").arg(m_fieldNames[0], m_fieldNames[1], m_fieldNames[2]),
                            *duplicates, m_duplicateExamples);

    // Bucket the cells per station.
    struct Entry {
        qint64 day;
        int param;
        double value;
    };
    std::vector<std::vector<Entry>> perStation(static_cast<size_t>(stationCount));
    for (auto &[key, a] : m_cells) {
        if (a.count == 0)
            continue; // keyed rows only, none used (not validated, not in the template)
        const int s = int(key >> 48);
        const int q = int((key >> 32) & 0xffff);
        const qint64 day = qint32(quint32(key & 0xffffffffu));
        double v = 0;
        switch (m_params.aggregation) {
        case Aggregation::Mean: v = a.sum / double(a.count); break;
        case Aggregation::Sum: v = a.sum; break;
        case Aggregation::First: v = a.first; break;
        case Aggregation::Min: v = a.min; break;
        case Aggregation::Max: v = a.max; break;
        case Aggregation::Count: v = double(a.count); break;
        case Aggregation::Median: {
            auto &vals = a.values;
            std::sort(vals.begin(), vals.end());
            const size_t n = vals.size();
            v = n % 2 ? vals[n / 2] : (vals[n / 2 - 1] + vals[n / 2]) / 2.0;
            break;
        }
        }
        perStation[size_t(s)].push_back({day, q, v});
    }

    // Tables in natural order of the station names.
    std::vector<int> order(static_cast<size_t>(stationCount));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](int a, int b) { return naturalLess(stationNames[size_t(a)], stationNames[size_t(b)]); });
    QStringList usedStems;
    const QString aggName = aggregationName(m_params.aggregation);
    for (int s : order) {
        auto &entries = perStation[size_t(s)];
        const QString station = stationNames[size_t(s)];
        const int tpl = m_stationTemplate[size_t(s)];
        // Columns.
        std::vector<int> columnOf(static_cast<size_t>(paramCount), -1);
        QStringList params;
        if (tpl >= 0) {
            params = m_templates[tpl].parameters;
            for (int q = 0; q < paramCount; ++q)
                columnOf[size_t(q)] = int(params.indexOf(paramNames[size_t(q)].trimmed()));
        } else {
            std::vector<char> present(static_cast<size_t>(paramCount), 0);
            for (const Entry &e : entries)
                present[size_t(e.param)] = 1;
            for (int q = 0; q < paramCount; ++q)
                if (present[size_t(q)])
                    params << paramNames[size_t(q)];
            std::sort(params.begin(), params.end(), naturalLess);
            for (int q = 0; q < paramCount; ++q)
                if (present[size_t(q)])
                    columnOf[size_t(q)] = int(params.indexOf(paramNames[size_t(q)]));
        }
        // Rows: the days with data, ascending.
        std::vector<qint64> days;
        days.reserve(entries.size());
        for (const Entry &e : entries)
            days.push_back(e.day);
        std::sort(days.begin(), days.end());
        days.erase(std::unique(days.begin(), days.end()), days.end());

        ResultTable t;
        QString stem = cells::safeStem(station, cells::StemLetters::Unicode) + QStringLiteral("_Analysis");
        for (int k = 2; usedStems.contains(stem, Qt::CaseInsensitive); ++k)
            stem = cells::safeStem(station, cells::StemLetters::Unicode) + QStringLiteral("_%1_Analysis").arg(k);
        usedStems << stem;
        t.id = stem;
        t.title = QStringLiteral("%1: daily %2 by parameter").arg(station, aggName);
        t.columns = QStringList{QStringLiteral("Station"), QStringLiteral("Dates")} + params;
        t.rows.resize(days.size());
        const Cell stationCell = Cell::str(station);
        for (size_t d = 0; d < days.size(); ++d) {
            auto &row = t.rows[d];
            row.resize(size_t(params.size()) + 2);
            row[0] = stationCell;
            row[1] = Cell::date(days[d] * ingest::values::kMsecsPerDay);
        }
        for (const Entry &e : entries) {
            const int c = columnOf[size_t(e.param)];
            if (c < 0)
                continue;
            const size_t d = size_t(std::lower_bound(days.begin(), days.end(), e.day) - days.begin());
            t.rows[d][size_t(c) + 2] = m_params.aggregation == Aggregation::Count
                                           ? Cell::integer(qint64(e.value))
                                           : Cell::num(e.value);
        }
        ChartSpec chart;
        chart.kind = ChartSpec::Kind::TimeSeries;
        chart.tableId = t.id;
        chart.title = t.title;
        chart.xColumn = QStringLiteral("Dates");
        chart.yColumns = params;
        result.charts << chart;

        if (tpl >= 0) {
            QStringList dropped;
            qint64 droppedRows = 0;
            const auto &rows = m_excludedRows[size_t(s)];
            for (size_t q = 0; q < rows.size(); ++q) {
                if (rows[q] > 0) {
                    dropped << paramNames[q];
                    droppedRows += rows[q];
                }
            }
            if (!dropped.isEmpty())
                result.warnings << QStringLiteral("Station %1: parameter(s) %2 (%3 reading(s)) are not columns of "
                                                  "the template \"%4\" and are left out of %5.")
                                       .arg(station, joinNatural(dropped))
                                       .arg(droppedRows)
                                       .arg(m_templates[tpl].fileName, t.id);
        }
        result.tables.push_back(std::move(t));
    }
    for (const auto &tpl : std::as_const(m_templates)) {
        bool found = false;
        for (const QString &s : stationNames)
            found = found || s.trimmed() == tpl.station;
        if (!found)
            result.warnings << QStringLiteral("The template \"%1\" is for station %2, which has no usable rows "
                                              "in this file.")
                                   .arg(tpl.fileName, tpl.station);
    }
    m_quality.finish(m_params, m_rowsRead, result);
    addKpis(result);
    return result;
}

void StationPivotAnalysis::addKpis(AnalysisResult &result)
{
    // What the tables hold, for the dashboard's first screen: stations, days, parameters, how full
    // the tables are, and how many values the outlier check flagged.
    std::vector<qint64> days;
    QStringList params;
    qint64 cells = 0, filled = 0;
    for (const ResultTable &t : result.tables) {
        for (qsizetype c = 2; c < t.columns.size(); ++c)
            if (!params.contains(t.columns[c]))
                params << t.columns[c];
        for (const auto &row : t.rows) {
            if (row.size() > 1 && row[1].kind == Cell::Kind::Date)
                days.push_back(row[1].msecs);
            for (size_t c = 2; c < row.size(); ++c) {
                ++cells;
                filled += row[c].kind != Cell::Kind::Blank;
            }
        }
    }
    std::sort(days.begin(), days.end());
    days.erase(std::unique(days.begin(), days.end()), days.end());
    qint64 outliers = 0;
    for (const auto &row : result.quality.rows)
        if (!row.empty() && row[0].text == u"outliers" && row.size() > 3)
            outliers += qint64(row[3].number);
    result.kpis.append({QStringLiteral("Stations"), groupedInteger(qint64(result.tables.size())),
                        QString(), Kpi::Tone::Neutral});
    result.kpis.append({QStringLiteral("Days"), groupedInteger(qint64(days.size())),
                        days.empty() ? QString()
                                     : QStringLiteral("%1 to %2").arg(cells::dateText(days.front()),
                                                                      cells::dateText(days.back())),
                        Kpi::Tone::Neutral});
    result.kpis.append({QStringLiteral("Parameters"), groupedInteger(params.size()), QString(), Kpi::Tone::Neutral});
    result.kpis.append({QStringLiteral("Coverage"), cells > 0 ? percentText(double(filled) / double(cells), 1)
                                                              : QStringLiteral("—"),
                        QStringLiteral("%1 of %2 day × parameter cells have a value")
                            .arg(groupedInteger(filled), groupedInteger(cells)),
                        Kpi::Tone::Neutral});
    result.kpis.append({QStringLiteral("Outliers"), groupedInteger(outliers),
                        QStringLiteral("values more than %1 standard deviations from their parameter's mean")
                            .arg(m_params.outlierZ),
                        outliers > 0 ? Kpi::Tone::Bad : Kpi::Tone::Good});
}

} // namespace finpipe::analysis
