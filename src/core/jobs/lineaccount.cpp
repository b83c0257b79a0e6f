#include "lineaccount.h"

#include "analysis/qualitylog.h"
#include "common/humannumbers.h"

#include <QJsonObject>
#include <QStringList>

#include <limits>

namespace finpipe::jobs {

void LineAccountingSink::queue(const std::vector<ingest::SkippedLine> &lines)
{
    m_pending.insert(m_pending.end(), lines.begin(), lines.end());
}

void LineAccountingSink::setFields(const QStringList &fieldNames)
{
    m_blankFields.assign(size_t(fieldNames.size()), std::string_view());
    m_fieldsSet = true;
    m_inner.setFields(fieldNames);
}

void LineAccountingSink::add(qint64 sourceRow, const std::string_view *fields, std::string_view rowHash,
                             analysis::RowStatus status, std::string_view reason)
{
    writeBefore(sourceRow);
    if (status == analysis::RowStatus::Skipped) {
        if (m_skippedByReason.empty() || reason != m_lastReason) {
            const QString text = reason.empty() ? QStringLiteral("no reason given")
                                                : QString::fromUtf8(reason.data(), qsizetype(reason.size()));
            size_t i = 0;
            while (i < m_skippedByReason.size() && m_skippedByReason[i].reason != text)
                ++i;
            if (i == m_skippedByReason.size())
                m_skippedByReason.push_back({text, 0, {}});
            m_lastReason.assign(reason.data(), reason.size());
            m_lastReasonIndex = i;
        }
        SkipReasonCount &r = m_skippedByReason[m_lastReasonIndex];
        ++r.count;
        if (r.examples.size() < 5)
            r.examples.push_back(sourceRow);
    }
    m_inner.add(sourceRow, fields, rowHash, status, reason);
}

void LineAccountingSink::flush()
{
    if (m_pending.empty())
        return;
    if (!m_fieldsSet)
        setFields({}); // the file had no data rows: the lineage still lists every line
    writeBefore(std::numeric_limits<qint64>::max());
}

void LineAccountingSink::writeBefore(qint64 line)
{
    while (!m_pending.empty() && m_pending.front().line < line) {
        const ingest::SkippedLine s = m_pending.front();
        m_pending.pop_front();
        const QByteArray reason = ingest::skipReasonText(s.reason).toUtf8();
        // No row hash: the line is not a row of the table, so there are no mapped fields to hash.
        m_inner.add(s.line, m_blankFields.data(), {}, analysis::RowStatus::Skipped,
                    std::string_view(reason.constData(), size_t(reason.size())));
        ++m_written;
    }
}

qint64 linesLeftOut(const QList<ingest::SkippedSummary> &skipped)
{
    qint64 n = 0;
    for (const auto &s : skipped)
        n += s.count;
    return n;
}

namespace {

QString lineExamples(const ingest::SkippedSummary &s)
{
    return analysis::exampleRowsText(s.examples.constData(), size_t(s.examples.size()), s.count);
}

QString reasonDetail(ingest::SkipReason reason)
{
    using R = ingest::SkipReason;
    switch (reason) {
    case R::AboveHeader: return QStringLiteral("lines above the table's header (titles, account details); not data");
    case R::Comment: return QStringLiteral("comment lines; not data");
    case R::Blank: return QStringLiteral("blank lines; nothing to read");
    case R::WrongFieldCount:
        return QStringLiteral("lines with more filled fields than the table has columns; their values would "
                              "land in the wrong columns, so they were left out");
    case R::Footer: return QStringLiteral("lines after the table that do not fit it (totals, end markers); not data");
    case R::AfterTable: return QStringLiteral("lines of a further table after the one read; only the first table is analysed");
    }
    return {};
}

} // namespace

void addLeftOutLines(const QList<ingest::SkippedSummary> &skipped, qint64 linesTotal,
                     analysis::AnalysisResult &result)
{
    using analysis::Cell;
    if (skipped.isEmpty())
        return;
    analysis::ResultTable &t = result.quality;
    const double total = linesTotal > 0 ? double(linesTotal) : 1.0;
    QStringList parts;
    for (const auto &s : skipped) {
        if (s.count <= 0)
            continue;
        const QString examples = lineExamples(s);
        if (!t.columns.isEmpty())
            t.rows.push_back({Cell::str(QStringLiteral("skipped rows")), Cell::blank(),
                              Cell::str(ingest::skipReasonText(s.reason)), Cell::integer(s.count),
                              Cell::num(double(s.count) / total),
                              examples.isEmpty() ? Cell::blank() : Cell::str(examples),
                              Cell::str(reasonDetail(s.reason))});
        parts << QStringLiteral("%1 × %2 (line%3 %4)")
                     .arg(s.count)
                     .arg(ingest::skipReasonText(s.reason), s.count == 1 ? QString() : QStringLiteral("s"), examples);
    }
    if (parts.isEmpty())
        return;
    // Blank lines and metadata above a header are ordinary; rows of the wrong width are data lost.
    bool dataLost = false;
    for (const auto &s : skipped)
        dataLost |= s.count > 0 && s.reason == ingest::SkipReason::WrongFieldCount;
    result.alerts << analysis::QualityAlert{
        dataLost ? analysis::QualityAlert::Severity::Warning : analysis::QualityAlert::Severity::Info,
        QStringLiteral("The reader left %1 line%2 of the file out of the table: %3.")
            .arg(linesLeftOut(skipped))
            .arg(linesLeftOut(skipped) == 1 ? QString() : QStringLiteral("s"))
            .arg(parts.join(QStringLiteral("; ")))};
}

namespace {

//! Reasons that follow from the analyst's own choices rather than from a problem in the file.
bool chosenByAnalyst(const QString &reason)
{
    return reason == QLatin1String("not validated") || reason == QLatin1String("parameter not in template");
}

} // namespace

void addSkippedRows(const std::vector<LineAccountingSink::SkipReasonCount> &byReason, qint64 rowsRead,
                    qint64 rowsUsed, qint64 rowsSkipped, analysis::AnalysisResult &result)
{
    using analysis::Cell;
    analysis::ResultTable &t = result.quality;
    if (t.columns.isEmpty())
        return;
    const double total = rowsRead > 0 ? double(rowsRead) : 1.0;
    QStringList parts;
    bool problem = false;
    for (const auto &r : byReason) {
        const QString examples = analysis::exampleRowsText(r.examples.data(), r.examples.size(), r.count);
        const bool chosen = chosenByAnalyst(r.reason);
        problem |= !chosen;
        t.rows.push_back({Cell::str(QStringLiteral("skipped rows")), Cell::blank(), Cell::str(r.reason),
                          Cell::integer(r.count), Cell::num(double(r.count) / total),
                          examples.isEmpty() ? Cell::blank() : Cell::str(examples),
                          Cell::str(chosen ? QStringLiteral("rows left out as the analysis options ask; listed "
                                                            "with this reason in audit_lineage.csv")
                                           : QStringLiteral("rows the analysis could not use; listed with this "
                                                            "reason in audit_lineage.csv"))});
        parts << QStringLiteral("%1 × %2 (row%3 %4)")
                     .arg(groupedInteger(r.count))
                     .arg(r.reason, r.count == 1 ? QString() : QStringLiteral("s"), examples);
    }
    // The check that ties it together, first in the table: every row read is used or skipped.
    const bool balanced = rowsRead == rowsUsed + rowsSkipped;
    t.rows.insert(t.rows.begin(),
                  {Cell::str(QStringLiteral("row count")), Cell::blank(), Cell::str(QStringLiteral("all rows")),
                   Cell::integer(rowsRead), rowsRead > 0 ? Cell::num(1.0) : Cell::blank(), Cell::blank(),
                   Cell::str(QStringLiteral("%1 rows read = %2 used + %3 skipped%4")
                                 .arg(rowsRead)
                                 .arg(rowsUsed)
                                 .arg(rowsSkipped)
                                 .arg(balanced ? QString() : QStringLiteral(" (does not add up)")))});
    if (!balanced)
        result.alerts << analysis::QualityAlert{analysis::QualityAlert::Severity::Error,
                                                QStringLiteral("The row counts do not add up: %1 rows read, %2 used "
                                                               "and %3 skipped.")
                                                    .arg(rowsRead)
                                                    .arg(rowsUsed)
                                                    .arg(rowsSkipped)};
    if (parts.isEmpty())
        return;
    qint64 skippedByAnalysis = 0;
    for (const auto &r : byReason)
        skippedByAnalysis += r.count;
    result.alerts << analysis::QualityAlert{
        problem ? analysis::QualityAlert::Severity::Warning : analysis::QualityAlert::Severity::Info,
        QStringLiteral("%1 of %2 row%3 %4 skipped: %5.")
            .arg(groupedInteger(skippedByAnalysis), groupedInteger(rowsRead))
            .arg(rowsRead == 1 ? QString() : QStringLiteral("s"))
            .arg(skippedByAnalysis == 1 ? QStringLiteral("was") : QStringLiteral("were"))
            .arg(parts.join(QStringLiteral("; ")))};
}

QJsonArray leftOutToJson(const QList<ingest::SkippedSummary> &skipped)
{
    QJsonArray out;
    for (const auto &s : skipped) {
        if (s.count <= 0)
            continue;
        QJsonArray lines;
        for (qint64 line : s.examples)
            lines.append(double(line));
        out.append(QJsonObject{{QStringLiteral("reason"), ingest::skipReasonText(s.reason)},
                               {QStringLiteral("count"), double(s.count)},
                               {QStringLiteral("lines"), lines}});
    }
    return out;
}

} // namespace finpipe::jobs
