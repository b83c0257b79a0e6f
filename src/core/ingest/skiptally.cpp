#include "skiptally.h"

namespace finpipe::ingest {

void SkipTally::note(qint64 line, SkipReason reason)
{
    const size_t i = size_t(reason);
    ++m_counts[i];
    if (m_examples[i].size() < kExamples)
        m_examples[i].append(line);
}

QList<SkippedSummary> SkipTally::summaries() const
{
    QList<SkippedSummary> out;
    for (size_t i = 0; i < m_counts.size(); ++i)
        if (m_counts[i] > 0)
            out.append(SkippedSummary{SkipReason(i), m_counts[i], m_examples[i]});
    return out;
}

QString lineRanges(const QList<qint64> &lines, qint64 count)
{
    QStringList parts;
    for (qsizetype i = 0; i < lines.size();) {
        qsizetype j = i;
        while (j + 1 < lines.size() && lines[j + 1] == lines[j] + 1)
            ++j;
        parts << (j > i ? QStringLiteral("%1\u2013%2").arg(lines[i]).arg(lines[j]) : QString::number(lines[i]));
        i = j + 1;
    }
    QString s = parts.join(QStringLiteral(", "));
    if (count > lines.size())
        s += QStringLiteral(", \u2026");
    return s;
}

} // namespace finpipe::ingest
