#include "dataquality.h"

#include <algorithm>
#include <cmath>

namespace finpipe::analysis {

namespace {

QString examplesText(const std::vector<qint64> &rows, qint64 count)
{
    QStringList parts;
    for (qint64 r : rows)
        parts << QString::number(r);
    QString s = parts.join(QStringLiteral(", "));
    if (!rows.empty() && count > qint64(rows.size()))
        s += QStringLiteral(", …");
    return s;
}

QString percent(double rate)
{
    return QString::number(rate * 100.0, 'f', rate * 100.0 < 10 ? 1 : 0) + QLatin1Char('%');
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

OutlierStats countOutliers(const std::vector<double> &values, double z)
{
    return countOutliers(values, {}, z);
}

OutlierStats countOutliers(const std::vector<double> &values, const std::vector<std::pair<double, qint64>> &counted,
                           double z)
{
    OutlierStats s;
    s.n = qint64(values.size());
    for (const auto &[v, n] : counted)
        s.n += n;
    if (s.n == 0)
        return s;
    // Two passes over stored values: exact, and no cancellation trouble for large means.
    double sum = 0;
    for (double v : values)
        sum += v;
    for (const auto &[v, n] : counted)
        sum += v * double(n);
    s.mean = sum / double(s.n);
    double ss = 0;
    for (double v : values)
        ss += (v - s.mean) * (v - s.mean);
    for (const auto &[v, n] : counted)
        ss += (v - s.mean) * (v - s.mean) * double(n);
    s.sd = std::sqrt(ss / double(s.n));
    if (s.sd <= 0)
        return s;
    const double limit = z * s.sd;
    for (double v : values)
        if (std::abs(v - s.mean) > limit)
            ++s.outliers;
    for (const auto &[v, n] : counted)
        if (std::abs(v - s.mean) > limit)
            s.outliers += n;
    return s;
}

void DataQuality::compactValues()
{
    for (Group &g : m_groups) {
        if (g.values.empty())
            continue;
        std::sort(g.values.begin(), g.values.end());
        std::vector<std::pair<double, qint64>> merged;
        merged.reserve(g.counted.size() + 1024);
        size_t i = 0, j = 0;
        auto push = [&](double v, qint64 n) {
            if (!merged.empty() && merged.back().first == v)
                merged.back().second += n;
            else
                merged.emplace_back(v, n);
        };
        while (i < g.values.size() || j < g.counted.size()) {
            if (j == g.counted.size() || (i < g.values.size() && g.values[i] < g.counted[j].first))
                push(g.values[i++], 1);
            else {
                push(g.counted[j].first, g.counted[j].second);
                ++j;
            }
        }
        g.counted = std::move(merged);
        g.counted.shrink_to_fit();
        std::vector<double>().swap(g.values);
    }
    m_rawValues = 0;
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
    m_unparseable.assign(size_t(columns.size()), 0);
    m_unparseableRows.assign(size_t(columns.size()), {});
}

void DataQuality::countBlanks(const ingest::RowBatch &batch)
{
    const int cols = qMin(batch.columnCount(), int(m_blanks.size()));
    const int rows = batch.rowCount();
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            if (batch.at(r, c).isBlank())
                ++m_blanks[size_t(c)];
}

void DataQuality::addUnparseable(int column, qint64 sourceRow)
{
    ++m_unparseable[size_t(column)];
    addExample(m_unparseableRows[size_t(column)], sourceRow);
}

int DataQuality::addGroup(const QString &name, const QString &column)
{
    m_groups.push_back(Group{name, column, {}, {}});
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
        row(QStringLiteral("blank cells"), name, QStringLiteral("all rows"), blanks, rate, {},
            QStringLiteral("%1 of %2 rows blank").arg(blanks).arg(rowsRead));
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
                                          QStringLiteral("%1 row(s) repeat the %2 of an earlier row "
                                                         "(rows %3); their values are all aggregated.")
                                              .arg(m_duplicates)
                                              .arg(m_keyColumns, examples)};
    }
    std::vector<const Group *> groups;
    for (const Group &grp : m_groups)
        groups.push_back(&grp);
    std::sort(groups.begin(), groups.end(), [](const Group *a, const Group *b) { return naturalLess(a->name, b->name); });
    for (const Group *group : groups) {
        const Group &grp = *group;
        const OutlierStats s = countOutliers(grp.values, grp.counted, parameters.outlierZ);
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
