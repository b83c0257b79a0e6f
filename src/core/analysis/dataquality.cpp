#include "dataquality.h"
#include "common/percent.h"

#include "analysis/qualitylog.h"

#include <algorithm>
#include <cmath>

namespace finpipe::analysis {

namespace {

QString examplesText(const std::vector<qint64> &rows, qint64 count)
{
    return exampleRowsText(rows.data(), rows.size(), count);
}

QString percent(double rate)
{
    return readablePercent(rate); // one rule for every blank rate (the Quality tab's chart too)
}

QString g(double v)
{
    return QString::number(v, 'g', 6);
}

void addExample(std::vector<qint64> &rows, qint64 row)
{
    if (rows.size() < 5)
        rows.push_back(row);
}

} // namespace

bool naturalLess(const QString &a, const QString &b)
{
    qsizetype i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        const QChar ca = a[i], cb = b[j];
        if (ca.isDigit() && cb.isDigit()) {
            qsizetype ei = i, ej = j;
            while (ei < a.size() && a[ei].isDigit())
                ++ei;
            while (ej < b.size() && b[ej].isDigit())
                ++ej;
            // Compare the numbers by value: strip leading zeros, then length, then digits.
            qsizetype si = i, sj = j;
            while (si + 1 < ei && a[si] == u'0')
                ++si;
            while (sj + 1 < ej && b[sj] == u'0')
                ++sj;
            if (ei - si != ej - sj)
                return ei - si < ej - sj;
            for (qsizetype k = 0; k < ei - si; ++k)
                if (a[si + k] != b[sj + k])
                    return a[si + k] < b[sj + k];
            i = ei;
            j = ej;
            continue;
        }
        const QChar la = ca.toLower(), lb = cb.toLower();
        if (la != lb)
            return la < lb;
        ++i;
        ++j;
    }
    if ((a.size() - i) != (b.size() - j))
        return (a.size() - i) < (b.size() - j);
    return a < b; // a total order: ties broken by the exact text
}

void DataQuality::spillValues()
{
    for (size_t g = 0; g < m_groups.size(); ++g) {
        auto &values = m_groups[g].values;
        for (size_t at = 0; at < values.size();) {
            const quint32 n = quint32(std::min<size_t>(values.size() - at, 1u << 30));
            const quint32 header[2] = {quint32(g), n};
            m_spill.append(header, sizeof header);
            m_spill.append(values.data() + at, n * sizeof(double));
            at += n;
        }
        std::vector<double>().swap(values);
    }
    m_heldValues = 0;
}

template <typename Visit>
bool DataQuality::forEachValue(Visit &&visit)
{
    if (m_spill.size() > 0) {
        if (!m_spill.rewind())
            return false;
        constexpr size_t kChunk = 4096;
        double chunk[kChunk];
        quint32 header[2];
        while (m_spill.next(header, sizeof header) == sizeof header) {
            if (header[0] >= m_groups.size())
                return false;
            for (quint32 left = header[1]; left > 0;) {
                const size_t n = std::min<size_t>(left, kChunk);
                if (m_spill.next(chunk, n * sizeof(double)) != n * sizeof(double))
                    return false;
                visit(size_t(header[0]), static_cast<const double *>(chunk), n);
                left -= quint32(n);
            }
        }
        if (m_spill.readFailed())
            return false;
    }
    for (size_t g = 0; g < m_groups.size(); ++g)
        visit(g, static_cast<const double *>(m_groups[g].values.data()), m_groups[g].values.size());
    return true;
}

std::vector<OutlierStats> DataQuality::outlierStats(double z)
{
    std::vector<OutlierStats> stats(m_groups.size());
    std::vector<double> sums(m_groups.size(), 0.0);
    bool ok = forEachValue([&](size_t g, const double *v, size_t n) {
        double &sum = sums[g];
        for (size_t i = 0; i < n; ++i)
            sum += v[i];
        stats[g].n += qint64(n);
    });
    for (size_t g = 0; g < stats.size(); ++g)
        stats[g].mean = stats[g].n > 0 ? sums[g] / double(stats[g].n) : 0.0;
    std::vector<double> squares(m_groups.size(), 0.0);
    ok = ok && forEachValue([&](size_t g, const double *v, size_t n) {
        const double mean = stats[g].mean;
        double &ss = squares[g];
        for (size_t i = 0; i < n; ++i)
            ss += (v[i] - mean) * (v[i] - mean);
    });
    for (size_t g = 0; g < stats.size(); ++g)
        stats[g].sd = stats[g].n > 0 ? std::sqrt(squares[g] / double(stats[g].n)) : 0.0;
    ok = ok && forEachValue([&](size_t g, const double *v, size_t n) {
        OutlierStats &s = stats[g];
        if (s.sd <= 0)
            return;
        const double limit = z * s.sd;
        for (size_t i = 0; i < n; ++i)
            s.outliers += std::abs(v[i] - s.mean) > limit;
    });
    m_spillUnreadable = !ok;
    return stats;
}

QStringList DataQuality::header()
{
    return {QStringLiteral("check"), QStringLiteral("column"), QStringLiteral("scope"),
            QStringLiteral("count"), QStringLiteral("rate"), QStringLiteral("example_rows"),
            QStringLiteral("detail")};
}

void DataQuality::setColumns(const QList<ingest::ColumnInfo> &columns, const std::vector<bool> &mapped)
{
    m_columns = columns;
    m_mapped = mapped;
    m_mapped.resize(size_t(columns.size()), false);
    m_blanks.assign(size_t(columns.size()), 0);
    m_errors.assign(size_t(columns.size()), 0);
    m_errorRows.assign(size_t(columns.size()), {});
    m_firstError.assign(size_t(columns.size()), {});
    m_unparseable.assign(size_t(columns.size()), 0);
    m_unparseableRows.assign(size_t(columns.size()), {});
}

void DataQuality::countBlanks(const ingest::RowBatch &batch)
{
    const int cols = qMin(batch.columnCount(), int(m_blanks.size()));
    const int rows = batch.rowCount();
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            const ingest::Value &v = batch.at(r, c);
            if (v.isBlank()) {
                ++m_blanks[size_t(c)];
            } else if (v.kind == ingest::Value::Kind::Error) {
                if (m_errors[size_t(c)]++ == 0)
                    m_firstError[size_t(c)] = v.toString();
                addExample(m_errorRows[size_t(c)], batch.sourceLine(r));
            }
        }
}

void DataQuality::addUnparseable(int column, qint64 sourceRow)
{
    ++m_unparseable[size_t(column)];
    addExample(m_unparseableRows[size_t(column)], sourceRow);
}

int DataQuality::addGroup(const QString &name, const QString &column)
{
    m_groups.push_back(Group{name, column, {}});
    return int(m_groups.size()) - 1;
}

void DataQuality::setDuplicates(const QString &keyColumns, qint64 count, std::vector<qint64> examples)
{
    m_keyColumns = keyColumns;
    m_duplicates = count;
    m_duplicateRows = std::move(examples);
}

void DataQuality::finish(const Parameters &parameters, qint64 rowsRead, AnalysisResult &result)
{
    ResultTable &t = result.quality;
    t.id = QStringLiteral("data_quality");
    t.title = QStringLiteral("Data quality");
    t.columns = header();
    t.rows.clear();
    const double total = rowsRead > 0 ? double(rowsRead) : 1.0;
    auto row = [&](const QString &check, const QString &column, const QString &scope, qint64 count,
                   double rate, const QString &examples, const QString &detail) {
        t.rows.push_back({Cell::str(check), Cell::str(column), Cell::str(scope), Cell::integer(count),
                          Cell::num(rate), examples.isEmpty() ? Cell::blank() : Cell::str(examples),
                          Cell::str(detail)});
    };

    for (int c = 0; c < m_columns.size(); ++c) {
        const QString &name = m_columns[c].name;
        const qint64 blanks = m_blanks[size_t(c)];
        const double rate = double(blanks) / total;
        row(QStringLiteral("blank values"), name, QStringLiteral("all rows"), blanks, rate, {},
            QStringLiteral("%1 of %2 rows are blank").arg(blanks).arg(rowsRead));
        if (rowsRead > 0 && rate >= parameters.blankRateAlert) {
            QualityAlert a;
            a.severity = m_mapped[size_t(c)] ? QualityAlert::Severity::Warning : QualityAlert::Severity::Info;
            a.message = blanks == rowsRead
                            ? QStringLiteral("Column \"%1\" is entirely blank.").arg(name)
                            : QStringLiteral("Column \"%1\" is %2 blank (%3 of %4 rows).")
                                  .arg(name, percent(rate))
                                  .arg(blanks)
                                  .arg(rowsRead);
            result.alerts << a;
        }
    }
    for (int c = 0; c < m_columns.size(); ++c) {
        const qint64 n = m_errors[size_t(c)];
        if (n == 0)
            continue;
        const QString &name = m_columns[c].name;
        const QString examples = examplesText(m_errorRows[size_t(c)], n);
        row(QStringLiteral("error cells"), name, QStringLiteral("all rows"), n, double(n) / total, examples,
            QStringLiteral("Excel error values such as %1 in the source, kept as errors").arg(m_firstError[size_t(c)]));
        result.alerts << QualityAlert{QualityAlert::Severity::Warning,
                                      QStringLiteral("Column \"%1\" has %2 Excel error value(s) such as %3 "
                                                     "(rows %4).")
                                          .arg(name)
                                          .arg(n)
                                          .arg(m_firstError[size_t(c)], examples)};
    }
    for (int c = 0; c < m_columns.size(); ++c) {
        const qint64 n = m_unparseable[size_t(c)];
        if (n == 0)
            continue;
        const QString &name = m_columns[c].name;
        const QString examples = examplesText(m_unparseableRows[size_t(c)], n);
        row(QStringLiteral("unparseable values"), name, QStringLiteral("all rows"), n, double(n) / total,
            examples, QStringLiteral("values that could not be read; those rows were skipped"));
        result.alerts << QualityAlert{QualityAlert::Severity::Warning,
                                      QStringLiteral("Column \"%1\" has %2 value(s) that could not be read "
                                                     "(rows %3); those rows were skipped.")
                                          .arg(name)
                                          .arg(n)
                                          .arg(examples)};
    }
    if (!m_keyColumns.isEmpty()) {
        const QString examples = examplesText(m_duplicateRows, m_duplicates);
        row(QStringLiteral("duplicate keys"), m_keyColumns, QStringLiteral("all rows"), m_duplicates,
            double(m_duplicates) / total, examples,
            QStringLiteral("rows repeating the key of an earlier row; all their values are aggregated"));
        if (m_duplicates > 0)
            result.alerts << QualityAlert{QualityAlert::Severity::Warning,
                                          QStringLiteral("%1 row(s) repeat the %2 of an earlier row%3; their "
                                                         "values are all aggregated.")
                                              .arg(m_duplicates)
                                              .arg(m_keyColumns,
                                                   examples.isEmpty() ? QString()
                                                                      : QStringLiteral(" (rows %1)").arg(examples))};
    }
    std::vector<const Group *> groups;
    for (const Group &grp : m_groups)
        groups.push_back(&grp);
    std::sort(groups.begin(), groups.end(), [](const Group *a, const Group *b) { return naturalLess(a->name, b->name); });
    const std::vector<OutlierStats> stats = outlierStats(parameters.outlierZ);
    if (m_spillUnreadable) {
        result.alerts << QualityAlert{QualityAlert::Severity::Error,
                                      QStringLiteral("The outlier check could not read back its temporary file, so "
                                                     "no outlier counts are reported.")};
        groups.clear();
    } else if (const QString why = m_spill.diskError(); !why.isEmpty()) {
        result.warnings << QStringLiteral("finpipe could not use a temporary file (%1), so the outlier check held "
                                          "every value in memory.")
                               .arg(why);
    }
    for (const Group *group : groups) {
        const Group &grp = *group;
        const OutlierStats &s = stats[size_t(group - m_groups.data())];
        row(QStringLiteral("outliers"), grp.column, QStringLiteral("parameter %1").arg(grp.name), s.outliers,
            s.n > 0 ? double(s.outliers) / double(s.n) : 0.0, {},
            QStringLiteral("|z| > %1 among %2 values (mean %3, population sd %4)")
                .arg(g(parameters.outlierZ))
                .arg(s.n)
                .arg(g(s.mean), g(s.sd)));
        if (s.outliers >= parameters.outlierCountAlert)
            result.alerts << QualityAlert{QualityAlert::Severity::Warning,
                                          QStringLiteral("Parameter \"%1\" has %2 values more than %3 "
                                                         "standard deviations from its mean (mean %4, sd %5).")
                                              .arg(grp.name)
                                              .arg(s.outliers)
                                              .arg(g(parameters.outlierZ), g(s.mean), g(s.sd))};
    }
}

} // namespace finpipe::analysis
