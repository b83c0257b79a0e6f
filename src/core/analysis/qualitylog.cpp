#include "qualitylog.h"

#include "common/percent.h"

namespace finpipe::analysis {

namespace {

QString key(const QString &check, const QString &column, const QString &scope)
{
    // Unit separators cannot appear in column names typed by people; they keep keys unambiguous.
    return check + QChar(0x1f) + column + QChar(0x1f) + scope;
}

QString percent(double rate)
{
    return readablePercent(rate); // one rule for every blank rate (the Quality tab's chart too)
}

} // namespace

QStringList QualityLog::header()
{
    return {QStringLiteral("check"),  QStringLiteral("column"),       QStringLiteral("scope"),
            QStringLiteral("count"),  QStringLiteral("rate"),         QStringLiteral("example_rows"),
            QStringLiteral("detail")};
}

void QualityLog::setColumns(const QList<ingest::ColumnInfo> &columns)
{
    m_columns = columns;
    m_blanks.assign(size_t(columns.size()), 0);
    m_blankAlert.assign(size_t(columns.size()), BlankAlert::Warning);
    m_errors.assign(size_t(columns.size()), QualityFinding{});
}

void QualityLog::countBlanks(const ingest::RowBatch &batch)
{
    const int cols = qMin(batch.columnCount(), int(m_blanks.size()));
    for (int r = 0; r < batch.rowCount(); ++r) {
        for (int c = 0; c < cols; ++c) {
            const ingest::Value &v = batch.at(r, c);
            if (v.isBlank()) {
                ++m_blanks[size_t(c)];
            } else if (v.kind == ingest::Value::Kind::Error) {
                QualityFinding &f = m_errors[size_t(c)];
                if (f.count == 0)
                    f.detail = v.toString();
                f.add(batch.sourceLine(r));
            }
        }
    }
}

QualityFinding &QualityLog::finding(const QString &check, const QString &column, const QString &scope)
{
    const QString k = key(check, column, scope);
    if (auto it = m_index.constFind(k); it != m_index.constEnd())
        return m_findings[*it];
    m_index.insert(k, m_findings.size());
    QualityFinding f;
    f.check = check;
    f.column = column;
    f.scope = scope;
    m_findings.push_back(std::move(f));
    return m_findings.back();
}

const QualityFinding *QualityLog::find(const QString &check, const QString &column, const QString &scope) const
{
    if (auto it = m_index.constFind(key(check, column, scope)); it != m_index.constEnd())
        return &m_findings[*it];
    return nullptr;
}

QString exampleRowsText(const qint64 *rows, size_t n, qint64 count)
{
    QStringList parts;
    for (size_t i = 0; i < n; ++i)
        parts << QString::number(rows[i]);
    QString s = parts.join(QStringLiteral(", "));
    if (n > 0 && count > qint64(n))
        s += QStringLiteral(", …");
    return s;
}

QString QualityLog::exampleText(const QualityFinding &f)
{
    return exampleRowsText(f.examples.data(), f.examples.size(), f.count);
}

ResultTable QualityLog::table(qint64 rowsRead) const
{
    ResultTable t;
    t.id = QStringLiteral("data_quality");
    t.title = QStringLiteral("Data quality");
    t.columns = header();
    for (int c = 0; c < m_columns.size(); ++c) {
        const qint64 n = m_blanks[size_t(c)];
        const double rate = rowsRead > 0 ? double(n) / double(rowsRead) : 0.0;
        t.rows.push_back({Cell::str(QStringLiteral("blank values")), Cell::str(m_columns[c].name),
                          Cell::str(QStringLiteral("all rows")), Cell::integer(n), Cell::num(rate),
                          Cell::blank(),
                          Cell::str(QStringLiteral("%1 of %2 rows are blank").arg(n).arg(rowsRead))});
    }
    for (int c = 0; c < m_columns.size(); ++c) {
        const QualityFinding &f = m_errors[size_t(c)];
        if (f.count == 0)
            continue;
        t.rows.push_back({Cell::str(QStringLiteral("error cells")), Cell::str(m_columns[c].name),
                          Cell::str(QStringLiteral("all rows")), Cell::integer(f.count),
                          rowsRead > 0 ? Cell::num(double(f.count) / double(rowsRead)) : Cell::blank(),
                          Cell::str(exampleText(f)),
                          Cell::str(QStringLiteral("Excel error values such as %1 in the source, kept as errors")
                                        .arg(f.detail))});
    }
    for (const QualityFinding &f : m_findings) {
        if (f.count == 0)
            continue;
        const qint64 total = f.total >= 0 ? f.total : rowsRead;
        t.rows.push_back({Cell::str(f.check), f.column.isEmpty() ? Cell::blank() : Cell::str(f.column),
                          Cell::str(f.scope), Cell::integer(f.count),
                          total > 0 ? Cell::num(double(f.count) / double(total)) : Cell::blank(),
                          f.examples.empty() ? Cell::blank() : Cell::str(exampleText(f)),
                          f.detail.isEmpty() ? Cell::blank() : Cell::str(f.detail)});
    }
    return t;
}

QList<QualityAlert> QualityLog::blankAlerts(qint64 rowsRead, double threshold) const
{
    QList<QualityAlert> alerts;
    if (rowsRead <= 0)
        return alerts;
    for (int c = 0; c < m_columns.size(); ++c) {
        const double rate = double(m_blanks[size_t(c)]) / double(rowsRead);
        const BlankAlert kind = m_blankAlert[size_t(c)];
        if (rate < threshold || m_blanks[size_t(c)] == 0 || kind == BlankAlert::None)
            continue;
        QString message = QStringLiteral("Column \"%1\" is %2 blank (%3 of %4 rows)")
                              .arg(m_columns[c].name, percent(rate))
                              .arg(m_blanks[size_t(c)])
                              .arg(rowsRead);
        if (kind == BlankAlert::Info)
            message += QStringLiteral(", as expected: only some rows carry it");
        alerts.append({kind == BlankAlert::Info ? QualityAlert::Severity::Info : QualityAlert::Severity::Warning,
                       message + QLatin1Char('.')});
    }
    return alerts;
}

QList<QualityAlert> QualityLog::errorAlerts() const
{
    QList<QualityAlert> alerts;
    for (int c = 0; c < m_columns.size(); ++c) {
        const QualityFinding &f = m_errors[size_t(c)];
        if (f.count == 0)
            continue;
        alerts.append({QualityAlert::Severity::Warning,
                       QStringLiteral("Column \"%1\" has %2 Excel error value(s) such as %3 (rows %4).")
                           .arg(m_columns[c].name)
                           .arg(f.count)
                           .arg(f.detail, exampleText(f))});
    }
    return alerts;
}

} // namespace finpipe::analysis
