#pragma once

#include "ingest/reader.h"
#include "ingest/value.h"

#include <array>

namespace finpipe::ingest {

//! A reader's account of the lines it leaves out: hands each to the batch being filled and keeps
//! per reason a count and the first few lines (bounded memory, whatever the file's size).
class SkipTally
{
public:
    static constexpr int kExamples = 10;

    //! Records `line` as left out for `reason`, in `batch` and in the tally.
    void add(RowBatch &batch, qint64 line, SkipReason reason)
    {
        batch.addSkipped(line, reason);
        note(line, reason);
    }
    //! Counts `line` without a batch (lines above the header, met at open()).
    void note(qint64 line, SkipReason reason);
    qint64 count(SkipReason reason) const { return m_counts[size_t(reason)]; }
    const QList<qint64> &examples(SkipReason reason) const { return m_examples[size_t(reason)]; }
    //! The summaries for SourceInfo::skipped: reasons with a count, in SkipReason order.
    QList<SkippedSummary> summaries() const;

private:
    std::array<qint64, 6> m_counts{};
    std::array<QList<qint64>, 6> m_examples;
};

//! "1–3, 5, 9" for lines known by their first examples; ", …" when `count` says there are more.
QString lineRanges(const QList<qint64> &lines, qint64 count);

} // namespace finpipe::ingest
