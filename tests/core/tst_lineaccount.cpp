// Every line accounted for: the lines a reader leaves out join the analysis's rows in the audit
// lineage in line order, and the data-quality table and manifest count them by reason.
#include "jobs/lineaccount.h"

#include <QJsonObject>
#include <QTest>

#include <string>
#include <vector>

using namespace finpipe;
using ingest::SkipReason;
using ingest::SkippedLine;

namespace {

//! Keeps what the lineage would write: (line, status, reason, fields joined by '|').
struct RecordingSink : analysis::LineageSink {
    QStringList fields;
    bool fieldsSet = false;
    QStringList rows;
    void setFields(const QStringList &names) override
    {
        fields = names;
        fieldsSet = true;
    }
    void add(qint64 sourceRow, const std::string_view *values, std::string_view rowHash,
             analysis::RowStatus status, std::string_view reason) override
    {
        QStringList cells;
        for (int i = 0; i < fields.size(); ++i)
            cells << QString::fromUtf8(values[i].data(), qsizetype(values[i].size()));
        rows << QStringLiteral("%1 %2 %3 [%4] %5")
                    .arg(sourceRow)
                    .arg(status == analysis::RowStatus::Used ? QStringLiteral("used") : QStringLiteral("skipped"))
                    .arg(QString::fromUtf8(reason.data(), qsizetype(reason.size())))
                    .arg(cells.join(u'|'))
                    .arg(rowHash.empty() ? QStringLiteral("nohash") : QStringLiteral("hash"));
    }
};

void addRow(analysis::LineageSink &sink, qint64 line, const std::vector<std::string_view> &values)
{
    sink.add(line, values.data(), std::string_view("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
             analysis::RowStatus::Used, {});
}

ingest::SkippedSummary summary(SkipReason reason, qint64 count, QList<qint64> examples)
{
    ingest::SkippedSummary s;
    s.reason = reason;
    s.count = count;
    s.examples = std::move(examples);
    return s;
}

} // namespace

class TestLineAccount : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void leftOutLinesAreInterleavedInLineOrder()
    {
        RecordingSink inner;
        jobs::LineAccountingSink sink(inner);
        // Batch 1: three metadata lines, the header on line 4 (not a row), rows 5, 6, a blank 7, row 8.
        sink.queue({{1, SkipReason::AboveHeader}, {2, SkipReason::AboveHeader}, {3, SkipReason::AboveHeader},
                    {7, SkipReason::Blank}});
        sink.setFields({QStringLiteral("date"), QStringLiteral("amount")});
        addRow(sink, 5, {"2024-01-01", "1"});
        addRow(sink, 6, {"2024-01-02", "2"});
        addRow(sink, 8, {"2024-01-03", "3"});
        // Batch 2: a row of the wrong width on 9, row 10; then the footers at the end.
        sink.queue({{9, SkipReason::WrongFieldCount}});
        addRow(sink, 10, {"2024-01-04", "4"});
        sink.queue({{12, SkipReason::Blank}, {13, SkipReason::Footer}});
        sink.flush();

        const QStringList expected{
            QStringLiteral("1 skipped metadata above the header [|] nohash"),
            QStringLiteral("2 skipped metadata above the header [|] nohash"),
            QStringLiteral("3 skipped metadata above the header [|] nohash"),
            QStringLiteral("5 used  [2024-01-01|1] hash"),
            QStringLiteral("6 used  [2024-01-02|2] hash"),
            QStringLiteral("7 skipped blank line [|] nohash"),
            QStringLiteral("8 used  [2024-01-03|3] hash"),
            QStringLiteral("9 skipped wrong number of fields [|] nohash"),
            QStringLiteral("10 used  [2024-01-04|4] hash"),
            QStringLiteral("12 skipped blank line [|] nohash"),
            QStringLiteral("13 skipped footer [|] nohash"),
        };
        QCOMPARE(inner.rows, expected);
        QCOMPARE(sink.written(), 7);
    }

    void aFileWithoutRowsStillListsItsLines()
    {
        RecordingSink inner;
        jobs::LineAccountingSink sink(inner);
        sink.queue({{1, SkipReason::AboveHeader}, {3, SkipReason::Footer}});
        sink.flush();
        QVERIFY(inner.fieldsSet); // the lineage file gets its header even without rows
        QCOMPARE(inner.rows.size(), 2);
        QVERIFY(inner.rows.at(1).startsWith(QStringLiteral("3 skipped footer")));
    }

    void qualityTableCountsEachReason()
    {
        analysis::AnalysisResult result;
        result.quality.columns = QStringList{QStringLiteral("check"), QStringLiteral("column"),
                                             QStringLiteral("scope"), QStringLiteral("count"),
                                             QStringLiteral("rate"), QStringLiteral("example_rows"),
                                             QStringLiteral("detail")};
        const QList<ingest::SkippedSummary> skipped{
            summary(SkipReason::AboveHeader, 3, {1, 2, 3}),
            summary(SkipReason::WrongFieldCount, 12, {9, 20, 31, 42, 53, 64, 75, 86, 97, 108}),
        };
        QCOMPARE(jobs::linesLeftOut(skipped), 15);
        jobs::addLeftOutLines(skipped, 100, result);
        QCOMPARE(result.quality.rows.size(), size_t(2));
        qint64 sum = 0;
        for (const auto &row : result.quality.rows) {
            QCOMPARE(row[0].text, QStringLiteral("skipped rows"));
            sum += qint64(row[3].number);
        }
        QCOMPARE(sum, 15); // the table's skipped rows add up to what the reader left out
        QCOMPARE(result.quality.rows[1][2].text, QStringLiteral("wrong number of fields"));
        QCOMPARE(result.quality.rows[1][4].number, 0.12);
        QCOMPARE(result.quality.rows[1][5].text, QStringLiteral("9, 20, 31, 42, 53, 64, 75, 86, 97, 108, …"));
        // Rows of the wrong width are data lost: a warning, not a note.
        QCOMPARE(result.alerts.size(), 1);
        QCOMPARE(result.alerts[0].severity, analysis::QualityAlert::Severity::Warning);
        QVERIFY2(result.alerts[0].message.contains(QStringLiteral("15 lines")), qPrintable(result.alerts[0].message));

        const QJsonArray json = jobs::leftOutToJson(skipped);
        QCOMPARE(json.size(), 2);
        QCOMPARE(json[0].toObject().value(u"reason").toString(), QStringLiteral("metadata above the header"));
        QCOMPARE(json[1].toObject().value(u"count").toInt(), 12);
        QCOMPARE(json[1].toObject().value(u"lines").toArray().size(), 10);
    }

    void onlyHarmlessLinesGiveANote()
    {
        analysis::AnalysisResult result;
        jobs::addLeftOutLines({summary(SkipReason::Blank, 1, {4})}, 10, result);
        QCOMPARE(result.alerts.size(), 1);
        QCOMPARE(result.alerts[0].severity, analysis::QualityAlert::Severity::Info);
        QVERIFY(result.quality.rows.empty()); // no table to add to: nothing added
        analysis::AnalysisResult none;
        jobs::addLeftOutLines({}, 10, none);
        QVERIFY(none.alerts.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestLineAccount)
#include "tst_lineaccount.moc"
