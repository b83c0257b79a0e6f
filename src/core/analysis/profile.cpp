#include "profile.h"

#include "common/humannumbers.h"

#include <QMap>

#include <algorithm>

namespace finpipe::analysis {

QString Profile::typeOf(const Column &c)
{
    const qint64 numbers = c.integers + c.decimals;
    const qint64 temporals = c.dates + c.dateTimes;
    const int families = int(numbers > 0) + int(temporals > 0) + int(c.booleans > 0) + int(c.texts > 0);
    if (families == 0)
        return QStringLiteral("blank");
    if (families > 1)
        return QStringLiteral("mixed");
    if (numbers > 0)
        return ingest::columnTypeName(c.decimals > 0 ? ingest::ColumnType::Decimal : ingest::ColumnType::Integer);
    if (temporals > 0)
        return ingest::columnTypeName(c.timeOfDay ? ingest::ColumnType::DateTime : ingest::ColumnType::Date);
    if (c.booleans > 0)
        return ingest::columnTypeName(ingest::ColumnType::Boolean);
    return ingest::columnTypeName(ingest::ColumnType::Text);
}

Result<void> Profile::start(const QList<ingest::ColumnInfo> &columns, const detect::ColumnMapping &,
                            const Parameters &parameters)
{
    if (columns.isEmpty())
        return Error::make(Error::Code::Invalid, QStringLiteral("The file has no columns to profile."));
    m_columns = columns;
    m_parameters = parameters;
    m_stats.clear();
    m_stats.resize(size_t(columns.size()));
    m_quality.setColumns(columns);
    m_cells.assign(size_t(columns.size()), {});
    return {};
}

Result<void> Profile::consume(const ingest::RowBatch &batch, LineageSink &lineage, Feedback *feedback)
{
    if (feedback && feedback->isCancelled())
        return Error::make(Error::Code::Cancelled, QStringLiteral("The profile was cancelled."));
    if (!m_fieldsSent) {
        // No roles are mapped for a generic table: the lineage gives the row and its hash over
        // every cell, which is enough to tie each row back to the file.
        lineage.setFields({});
        m_fieldsSent = true;
    }
    m_quality.countBlanks(batch);
    const int cols = qMin(batch.columnCount(), int(m_stats.size()));
    for (int row = 0; row < batch.rowCount(); ++row) {
        ++m_rows;
        for (int c = 0; c < int(m_cells.size()); ++c)
            m_cells[size_t(c)] = c < cols ? batch.at(row, c).text : std::string_view();
        lineage.add(batch.sourceLine(row), nullptr, m_hasher.hash(m_cells.data(), int(m_cells.size())),
                    RowStatus::Used, {});

        for (int c = 0; c < cols; ++c) {
            const ingest::Value &v = batch.at(row, c);
            Column &s = m_stats[size_t(c)];
            switch (v.kind) {
            case ingest::Value::Kind::Blank: ++s.blank; continue;
            case ingest::Value::Kind::Integer: ++s.integers; break;
            case ingest::Value::Kind::Decimal: ++s.decimals; break;
            case ingest::Value::Kind::Date: ++s.dates; break;
            case ingest::Value::Kind::DateTime: ++s.dateTimes; break;
            case ingest::Value::Kind::Boolean: ++s.booleans; break;
            case ingest::Value::Kind::Text:
            case ingest::Value::Kind::Error: ++s.texts; break;
            }
            if (v.isNumber()) {
                if (s.numbers == 0 || v.number < s.min)
                    s.min = v.number;
                if (s.numbers == 0 || v.number > s.max)
                    s.max = v.number;
                ++s.numbers;
                const double y = v.number - s.sumCarry;
                const double t = s.sum + y;
                s.sumCarry = (t - s.sum) - y;
                s.sum = t;
            } else if (v.isTemporal()) {
                if (s.temporals == 0 || v.msecs < s.minMsecs)
                    s.minMsecs = v.msecs;
                if (s.temporals == 0 || v.msecs > s.maxMsecs)
                    s.maxMsecs = v.msecs;
                ++s.temporals;
                if (v.msecs % 86'400'000 != 0)
                    s.timeOfDay = true;
            }
            if (auto it = s.counts.find(v.text); it != s.counts.end()) {
                ++it->second;
            } else if (s.counts.size() < size_t(kDistinctCap)) {
                s.counts.emplace(std::string(v.text), 1);
            } else {
                s.capped = true;
                ++s.uncounted;
            }
        }
    }
    return {};
}

Result<AnalysisResult> Profile::finish(Feedback *feedback)
{
    if (feedback && feedback->isCancelled())
        return Error::make(Error::Code::Cancelled, QStringLiteral("The profile was cancelled."));
    AnalysisResult result;
    result.analysisId = id();
    result.rowsRead = m_rows;
    result.rowsUsed = m_rows;

    ResultTable profile;
    profile.id = QStringLiteral("profile");
    profile.title = QStringLiteral("Column profile");
    profile.columns = {QStringLiteral("column"), QStringLiteral("position"), QStringLiteral("type"),
                       QStringLiteral("values"), QStringLiteral("blank"),    QStringLiteral("blank_rate"),
                       QStringLiteral("distinct"), QStringLiteral("distinct_note"), QStringLiteral("min"),
                       QStringLiteral("max"),     QStringLiteral("mean")};
    ResultTable top;
    top.id = QStringLiteral("top_values");
    top.title = QStringLiteral("Most frequent values per column");
    top.columns = {QStringLiteral("column"), QStringLiteral("rank"), QStringLiteral("value"), QStringLiteral("count"),
                   QStringLiteral("share")};

    QStringList capped;
    for (int c = 0; c < m_columns.size(); ++c) {
        const Column &s = m_stats[size_t(c)];
        const QString type = typeOf(s);
        const qint64 values = m_rows - s.blank;
        std::vector<Cell> row{Cell::str(m_columns[c].name), Cell::num(c + 1), Cell::str(type),
                              Cell::integer(values), Cell::integer(s.blank),
                              m_rows ? Cell::num(double(s.blank) / double(m_rows)) : Cell::blank(),
                              Cell::num(double(s.counts.size())),
                              s.capped ? Cell::str(QStringLiteral("at least: counting stopped at %1 distinct values")
                                                       .arg(kDistinctCap))
                                       : Cell::blank()};
        // Min/max/mean only where the whole column is of one kind: a mean over the numeric cells of
        // a mostly-text column would mislead.
        if (type == u"integer" || type == u"decimal") {
            row.push_back(Cell::num(s.min));
            row.push_back(Cell::num(s.max));
            row.push_back(Cell::num(s.sum / double(s.numbers)));
        } else if (type == u"date" || type == u"datetime") {
            row.push_back(s.timeOfDay ? Cell::dateTime(s.minMsecs) : Cell::date(s.minMsecs));
            row.push_back(s.timeOfDay ? Cell::dateTime(s.maxMsecs) : Cell::date(s.maxMsecs));
            row.push_back(Cell::blank());
        } else {
            row.insert(row.end(), 3, Cell::blank());
        }
        profile.rows.push_back(std::move(row));
        if (s.capped)
            capped << m_columns[c].name;

        if (type == u"mixed") {
            QualityFinding &f = m_quality.finding(QStringLiteral("mixed types"), m_columns[c].name);
            f.count = s.texts;
            f.total = values;
            f.detail = QStringLiteral("%1 numbers, %2 dates, %3 yes/no, %4 texts")
                           .arg(s.integers + s.decimals)
                           .arg(s.dates + s.dateTimes)
                           .arg(s.booleans)
                           .arg(s.texts);
        }

        std::vector<std::pair<std::string_view, qint64>> counts(s.counts.begin(), s.counts.end());
        const size_t n = qMin(counts.size(), size_t(kTopValues));
        std::partial_sort(counts.begin(), counts.begin() + qsizetype(n), counts.end(), [](const auto &a, const auto &b) {
            return a.second != b.second ? a.second > b.second : a.first < b.first;
        });
        for (size_t i = 0; i < n; ++i) {
            top.rows.push_back({Cell::str(m_columns[c].name), Cell::integer(i + 1), Cell::str(cells::qs(counts[i].first)),
                                Cell::integer(counts[i].second),
                                values ? Cell::num(double(counts[i].second) / double(values)) : Cell::blank()});
        }
    }
    if (!capped.isEmpty())
        result.warnings << QStringLiteral("Columns with more than %1 distinct values show a lower bound for "
                                          "the distinct count, and their most frequent values are counted "
                                          "only among the first %1 distinct values seen: %2.")
                               .arg(kDistinctCap)
                               .arg(capped.join(QStringLiteral(", ")));
    {
        // Headline cards: what the table holds.
        qint64 blanks = 0;
        QMap<QString, int> types;
        for (const auto &row : profile.rows) {
            blanks += qint64(row[4].number);
            ++types[row[2].text];
        }
        QStringList kinds;
        for (auto it = types.cbegin(); it != types.cend(); ++it)
            kinds << QStringLiteral("%1 %2").arg(it.value()).arg(it.key());
        const qint64 cellCount = m_rows * qint64(profile.rows.size());
        result.kpis.append({QStringLiteral("Rows"), groupedInteger(m_rows), QString(), Kpi::Tone::Neutral});
        result.kpis.append({QStringLiteral("Columns"), groupedInteger(qint64(profile.rows.size())),
                            kinds.join(QStringLiteral(", ")), Kpi::Tone::Neutral});
        result.kpis.append({QStringLiteral("Blank values"),
                            cellCount > 0 ? percentText(double(blanks) / double(cellCount), 1) : QStringLiteral("—"),
                            QStringLiteral("%1 of %2 cells").arg(groupedInteger(blanks), groupedInteger(cellCount)),
                            Kpi::Tone::Neutral});
    }
    result.tables.push_back(std::move(profile));
    result.tables.push_back(std::move(top));
    result.charts.append({ChartSpec::Kind::Bar, QStringLiteral("profile"), QStringLiteral("Share of blank cells per column"),
                          QStringLiteral("column"), {QStringLiteral("blank_rate")}});
    result.alerts = m_quality.blankAlerts(m_rows, m_parameters.blankRateAlert) + m_quality.errorAlerts();
    result.quality = m_quality.table(m_rows);
    return result;
}

} // namespace finpipe::analysis
