#include "analysis/profile.h"
#include "analysistesthelpers.h"
#include "testutil.h"

#include <QCryptographicHash>
#include <QTest>

using namespace finpipe;
using namespace finpipe::analysis;
using namespace finpipe::test;

namespace {

const QStringList kHeader = {QStringLiteral("name"), QStringLiteral("amount"), QStringLiteral("when"),
                             QStringLiteral("mixed"), QStringLiteral("empty")};

Result<AnalysisResult> profileOf(const TextRows &rows, RecordingLineage &lineage, int batchRows = 1000)
{
    Profile p;
    if (auto r = p.start(makeColumns(kHeader), detect::ColumnMapping{}, Parameters{}); !r.ok())
        return r.error();
    for (size_t first = 0; first < rows.size(); first += size_t(batchRows)) {
        TextRows part(rows.begin() + qsizetype(first),
                      rows.begin() + qsizetype(qMin(rows.size(), first + size_t(batchRows))));
        auto batch = makeBatch(int(kHeader.size()), part, qint64(first) + 2);
        if (auto r = p.consume(*batch, lineage, nullptr); !r.ok())
            return r.error();
    }
    return p.finish(nullptr);
}

const Cell &cell(const ResultTable &t, int row, const QString &column)
{
    return t.rows[size_t(row)][size_t(col(t, column))];
}

} // namespace

class TestProfile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void profilesAMixedTable()
    {
        RecordingLineage lineage;
        auto result = profileOf({{"alice", "10", "2024-01-03", "7", ""},
                                 {"bob", "2.5", "2024-02-01", "x", ""},
                                 {"alice", "", "2023-12-31", "8", ""},
                                 {"carol", "-4", "", "9", ""},
                                 {"alice", "10", "2024-01-03", "", ""}},
                                lineage, 2);
        QVERIFY(result.ok());
        QCOMPARE(result->analysisId, QStringLiteral("profile"));
        QCOMPARE(result->rowsRead, 5);
        const ResultTable *p = findTable(*result, QStringLiteral("profile"));
        QVERIFY(p);
        QCOMPARE(p->rows.size(), size_t(5));

        // name: text, 3 distinct.
        QCOMPARE(cell(*p, 0, QStringLiteral("type")).text, QStringLiteral("text"));
        QCOMPARE(cell(*p, 0, QStringLiteral("distinct")).number, 3.0);
        QCOMPARE(cell(*p, 0, QStringLiteral("min")).kind, Cell::Kind::Blank);

        // amount: decimal, one blank, min/max/mean over the four numbers.
        QCOMPARE(cell(*p, 1, QStringLiteral("type")).text, QStringLiteral("decimal"));
        QCOMPARE(cell(*p, 1, QStringLiteral("blank")).number, 1.0);
        QCOMPARE(cell(*p, 1, QStringLiteral("blank_rate")).number, 0.2);
        QCOMPARE(cell(*p, 1, QStringLiteral("min")).number, -4.0);
        QCOMPARE(cell(*p, 1, QStringLiteral("max")).number, 10.0);
        QCOMPARE(cell(*p, 1, QStringLiteral("mean")).number, (10 + 2.5 - 4 + 10) / 4.0);

        // when: dates, min and max as dates.
        QCOMPARE(cell(*p, 2, QStringLiteral("type")).text, QStringLiteral("date"));
        QCOMPARE(cell(*p, 2, QStringLiteral("min")).kind, Cell::Kind::Date);
        QCOMPARE(cells::dateText(cell(*p, 2, QStringLiteral("min")).msecs), QStringLiteral("2023-12-31"));
        QCOMPARE(cells::dateText(cell(*p, 2, QStringLiteral("max")).msecs), QStringLiteral("2024-02-01"));

        // mixed: numbers and text; no misleading mean; reported in data quality.
        QCOMPARE(cell(*p, 3, QStringLiteral("type")).text, QStringLiteral("mixed"));
        QCOMPARE(cell(*p, 3, QStringLiteral("mean")).kind, Cell::Kind::Blank);
        QCOMPARE(qualityRows(*result, QStringLiteral("mixed types"), QStringLiteral("mixed")).size(), size_t(1));

        // empty: all blank, raises the blank-rate alert.
        QCOMPARE(cell(*p, 4, QStringLiteral("type")).text, QStringLiteral("blank"));
        QCOMPARE(cell(*p, 4, QStringLiteral("blank_rate")).number, 1.0);
        bool alerted = false;
        for (const QualityAlert &a : result->alerts)
            alerted = alerted || a.message.contains(u"\"empty\"");
        QVERIFY(alerted);

        // Top values: most frequent first, ties by value.
        const ResultTable *top = findTable(*result, QStringLiteral("top_values"));
        QVERIFY(top);
        QCOMPARE(cell(*top, 0, QStringLiteral("column")).text, QStringLiteral("name"));
        QCOMPARE(cell(*top, 0, QStringLiteral("value")).text, QStringLiteral("alice"));
        QCOMPARE(cell(*top, 0, QStringLiteral("count")).number, 3.0);
        QCOMPARE(cell(*top, 0, QStringLiteral("share")).number, 0.6);
        QCOMPARE(cell(*top, 1, QStringLiteral("value")).text, QStringLiteral("bob"));
        QCOMPARE(cell(*top, 2, QStringLiteral("value")).text, QStringLiteral("carol"));

        // Lineage: every row used, hashed over all of its cells.
        QCOMPARE(lineage.records.size(), size_t(5));
        QCOMPARE(lineage.records[3].row, 5);
        QCOMPARE(lineage.records[0].hash,
                 QString::fromLatin1(QCryptographicHash::hash("alice|10|2024-01-03|7|", QCryptographicHash::Sha256).toHex()));
    }

    void excelErrorCellsInTheQualityReport()
    {
        // #N/A and #DIV/0! from a workbook are values of their own: counted per column as
        // "error cells" with their rows, raising an alert; not blanks.
        Profile p;
        QVERIFY(p.start(makeColumns(kHeader), detect::ColumnMapping{}, Parameters{}).ok());
        auto batch = makeBatch(int(kHeader.size()), {{"alice", "10", "2024-01-03", "7", ""},
                                                     {"bob", "#N/A", "2024-02-01", "8", ""},
                                                     {"carol", "3", "2024-02-02", "#DIV/0!", ""},
                                                     {"dan", "#DIV/0!", "", "9", ""}});
        markExcelErrors(*batch);
        RecordingLineage lineage;
        QVERIFY(p.consume(*batch, lineage, nullptr).ok());
        auto result = p.finish(nullptr);
        QVERIFY(result.ok());
        const ResultTable &q = result->quality;
        const auto *amount = qualityRow(*result, QStringLiteral("error cells"), QStringLiteral("amount"));
        QVERIFY(amount);
        QCOMPARE((*amount)[size_t(col(q, QStringLiteral("count")))].number, 2.0);
        QCOMPARE((*amount)[size_t(col(q, QStringLiteral("rate")))].number, 0.5);
        QCOMPARE((*amount)[size_t(col(q, QStringLiteral("example_rows")))].text, QStringLiteral("3, 5"));
        QVERIFY((*amount)[size_t(col(q, QStringLiteral("detail")))].text.contains(u"#N/A"));
        const auto *mixed = qualityRow(*result, QStringLiteral("error cells"), QStringLiteral("mixed"));
        QVERIFY(mixed);
        QCOMPARE((*mixed)[size_t(col(q, QStringLiteral("count")))].number, 1.0);
        QVERIFY((*mixed)[size_t(col(q, QStringLiteral("detail")))].text.contains(u"#DIV/0!"));
        QVERIFY(!qualityRow(*result, QStringLiteral("error cells"), QStringLiteral("name")));
        // Not blanks: the blank count of "amount" stays 0; "when" has its one real blank.
        const auto *blank = qualityRow(*result, QStringLiteral("blank values"), QStringLiteral("amount"));
        QVERIFY(blank);
        QCOMPARE((*blank)[size_t(col(q, QStringLiteral("count")))].number, 0.0);
        QStringList alerts;
        for (const QualityAlert &a : result->alerts)
            alerts << a.message;
        QVERIFY2(alerts.contains(QStringLiteral("Column \"amount\" has 2 Excel error value(s) such as #N/A (rows 3, 5).")),
                 qPrintable(alerts.join(u'\n')));
        QVERIFY2(alerts.join(u'\n').contains(u"Column \"mixed\" has 1 Excel error value(s) such as #DIV/0!"),
                 qPrintable(alerts.join(u'\n')));
    }

    void distinctCountSaysWhenItStopped()
    {
        TextRows rows;
        const int n = Profile::kDistinctCap + 10;
        rows.reserve(size_t(n));
        for (int i = 0; i < n; ++i)
            rows.push_back({"v" + std::to_string(i), "1", "2024-01-01", "1", ""});
        RecordingLineage lineage;
        auto result = profileOf(rows, lineage, 50000);
        QVERIFY(result.ok());
        const ResultTable *p = findTable(*result, QStringLiteral("profile"));
        QCOMPARE(cell(*p, 0, QStringLiteral("distinct")).number, double(Profile::kDistinctCap));
        QVERIFY(cell(*p, 0, QStringLiteral("distinct_note")).text.contains(u"at least"));
        QCOMPARE(cell(*p, 1, QStringLiteral("distinct")).number, 1.0);
        QCOMPARE(cell(*p, 1, QStringLiteral("distinct_note")).kind, Cell::Kind::Blank);
        QVERIFY(result->warnings.join(u' ').contains(u"name"));
    }

    void syntheticReadingsThroughTheReader()
    {
        // 1,440 readings of CT and TUS, "Data 1".."Data 12", 60 days, 84 blank results (seed README).
        auto table = ingest::readTable(seedPath(QStringLiteral("synthetic_raw_data.csv")));
        QVERIFY2(table.ok(), qPrintable(table.ok() ? QString() : table.error().toString()));
        Profile p;
        QVERIFY(p.start(table->columns, detect::ColumnMapping{}, Parameters{}).ok());
        RecordingLineage lineage;
        for (const auto &batch : table->batches)
            QVERIFY(p.consume(*batch, lineage, nullptr).ok());
        auto result = p.finish(nullptr);
        QVERIFY(result.ok());
        QCOMPARE(result->rowsRead, 1440);
        QCOMPARE(lineage.records.size(), size_t(1440));
        const ResultTable *profile = findTable(*result, QStringLiteral("profile"));
        QVERIFY(profile);
        auto rowOf = [&](const QString &name) {
            for (int r = 0; r < int(profile->rows.size()); ++r) {
                if (cell(*profile, r, QStringLiteral("column")).text == name)
                    return r;
            }
            return -1;
        };
        const int station = rowOf(QStringLiteral("Station_ID"));
        const int date = rowOf(QStringLiteral("Date_Time"));
        const int pcode = rowOf(QStringLiteral("PCode"));
        const int value = rowOf(QStringLiteral("Result"));
        QVERIFY(station >= 0 && date >= 0 && pcode >= 0 && value >= 0);
        QCOMPARE(cell(*profile, station, QStringLiteral("distinct")).number, 2.0);
        QCOMPARE(cell(*profile, pcode, QStringLiteral("distinct")).number, 12.0);
        QCOMPARE(cell(*profile, date, QStringLiteral("distinct")).number, 60.0);
        QVERIFY(cell(*profile, date, QStringLiteral("min")).kind != Cell::Kind::Blank);
        QCOMPARE(cell(*profile, value, QStringLiteral("blank")).number, 84.0);
        QCOMPARE(cell(*profile, value, QStringLiteral("type")).text, QStringLiteral("decimal"));
        QCOMPARE(cell(*profile, value, QStringLiteral("values")).number, 1440.0 - 84.0);
    }

    void noColumnsIsAClearError()
    {
        Profile p;
        auto r = p.start({}, detect::ColumnMapping{}, Parameters{});
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(u"no columns"));
    }
};

QTEST_GUILESS_MAIN(TestProfile)
#include "tst_profile.moc"
