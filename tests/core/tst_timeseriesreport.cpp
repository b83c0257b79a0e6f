#include "analysis/timeseriesreport.h"
#include "analysistesthelpers.h"
#include "testutil.h"

#include <QCryptographicHash>
#include <QTest>

#include <cmath>
#include <limits>

using namespace finpipe;
using namespace finpipe::analysis;
using namespace finpipe::test;

namespace {

const QStringList kHeader = {QStringLiteral("Station"), QStringLiteral("Dates"), QStringLiteral("Data 1"),
                             QStringLiteral("Note"), QStringLiteral("Data 2")};

detect::ColumnMapping mapping(const QString &parameters = {})
{
    detect::ColumnMapping m;
    m.datasetType = QStringLiteral("station_analysis");
    m.roles = {{QStringLiteral("station"), QStringLiteral("Station")}, {QStringLiteral("date"), QStringLiteral("Dates")}};
    if (!parameters.isEmpty())
        m.roles.insert(QStringLiteral("parameters"), parameters);
    return m;
}

Result<AnalysisResult> report(const TextRows &rows, RecordingLineage &lineage, const detect::ColumnMapping &m,
                              const Parameters &parameters = {})
{
    TimeSeriesReport r;
    if (auto s = r.start(makeColumns(kHeader), m, parameters); !s.ok())
        return s.error();
    auto batch = makeBatch(int(kHeader.size()), rows);
    if (auto c = r.consume(*batch, lineage, nullptr); !c.ok())
        return c.error();
    return r.finish(nullptr);
}

} // namespace

class TestTimeSeriesReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stationsSortedByDateWithSummary()
    {
        RecordingLineage lineage;
        auto result = report({{"TUS", "2021-01-03", "3", "ok", ""},
                              {"CT", "2021-01-02", "20", "fine", "1.5"},
                              {"CT", "2021-01-01", "10", "fine", ""},
                              {"", "2021-01-04", "1", "", ""},
                              {"CT", "someday", "1", "", ""},
                              {"TUS", "2021-01-01", "5", "x", ""}},
                             lineage, mapping());
        QVERIFY(result.ok());
        QCOMPARE(result->analysisId, QStringLiteral("timeseries_report"));
        QCOMPARE(result->rowsRead, 6);
        QCOMPARE(result->rowsSkipped, qint64(2));

        // The text column is not a parameter; the all-blank-for-TUS Data 2 still is.
        QVERIFY(result->warnings.join(u' ').contains(u"Note"));
        const ResultTable *ct = findTable(*result, QStringLiteral("CT_timeseries"));
        QVERIFY(ct);
        QCOMPARE(ct->columns, (QStringList{QStringLiteral("Station"), QStringLiteral("Dates"), QStringLiteral("Data 1"),
                                           QStringLiteral("Data 2")}));
        QCOMPARE(ct->rows.size(), size_t(2));
        QCOMPARE(cells::dateText(ct->rows[0][1].msecs), QStringLiteral("2021-01-01"));
        QCOMPARE(ct->rows[0][1].kind, Cell::Kind::Date);
        QCOMPARE(ct->rows[0][2].number, 10.0);
        QCOMPARE(ct->rows[0][3].kind, Cell::Kind::Blank);
        QCOMPARE(ct->rows[1][3].number, 1.5);
        const ResultTable *tus = findTable(*result, QStringLiteral("TUS_timeseries"));
        QVERIFY(tus);
        QCOMPARE(tus->rows.size(), size_t(2));
        QCOMPARE(tus->rows[0][2].number, 5.0);

        const ResultTable *summary = findTable(*result, QStringLiteral("parameter_summary"));
        QVERIFY(summary);
        QCOMPARE(summary->rows.size(), size_t(4)); // 2 stations x 2 parameters
        const auto &ctData1 = summary->rows[0];
        QCOMPARE(ctData1[0].text, QStringLiteral("CT"));
        QCOMPARE(ctData1[1].text, QStringLiteral("Data 1"));
        QCOMPARE(ctData1[size_t(col(*summary, QStringLiteral("count")))].number, 2.0);
        QCOMPARE(ctData1[size_t(col(*summary, QStringLiteral("mean")))].number, 15.0);
        QCOMPARE(ctData1[size_t(col(*summary, QStringLiteral("sd")))].number, 5.0); // population sd
        QCOMPARE(cells::dateText(ctData1[size_t(col(*summary, QStringLiteral("first_date")))].msecs),
                 QStringLiteral("2021-01-01"));
        QCOMPARE(cells::dateText(ctData1[size_t(col(*summary, QStringLiteral("last_date")))].msecs),
                 QStringLiteral("2021-01-02"));
        QCOMPARE(summary->rows[3][size_t(col(*summary, QStringLiteral("count")))].number, 0.0); // TUS Data 2

        QCOMPARE(result->charts.size(), 2);
        QCOMPARE(result->charts[0].kind, ChartSpec::Kind::TimeSeries);
        QCOMPARE(result->charts[0].tableId, QStringLiteral("CT_timeseries"));
        QCOMPARE(result->charts[0].xColumn, QStringLiteral("Dates"));
        QCOMPARE(result->charts[1].yColumns, QStringList{QStringLiteral("Data 1")}); // TUS has no Data 2

        QCOMPARE(lineage.fieldNames.size(), 5);
        QCOMPARE(lineage.records[3].status, RowStatus::Skipped);
        QCOMPARE(lineage.records[3].reason, QStringLiteral("blank station"));
        QCOMPARE(lineage.records[4].reason, QStringLiteral("unparseable date"));
        QCOMPARE(lineage.records[1].hash,
                 QString::fromLatin1(QCryptographicHash::hash("CT|2021-01-02|20|fine|1.5", QCryptographicHash::Sha256).toHex()));
        // Skipped rows are counted by reason by the pipeline, from the lineage (tst_pipeline).
        QVERIFY(qualityRows(*result, QStringLiteral("rows skipped")).empty());
        QCOMPARE(result->rowsSkipped, qint64(2));
    }

    void excelErrorCellsInTheQualityReport()
    {
        // #N/A and #DIV/0! in a parameter column, as a workbook holds them: "error cells" with
        // their rows in the data-quality table, and an alert; never counted as blanks.
        TimeSeriesReport r;
        QVERIFY(r.start(makeColumns(kHeader), mapping(), Parameters{}).ok());
        auto batch = makeBatch(int(kHeader.size()), {{"CT", "2021-01-01", "10", "ok", "1"},
                                                     {"CT", "2021-01-02", "#N/A", "ok", "2"},
                                                     {"CT", "2021-01-03", "12", "ok", "#DIV/0!"},
                                                     {"CT", "2021-01-04", "#DIV/0!", "ok", "4"}});
        markExcelErrors(*batch);
        RecordingLineage lineage;
        QVERIFY(r.consume(*batch, lineage, nullptr).ok());
        auto result = r.finish(nullptr);
        QVERIFY(result.ok());
        QCOMPARE(errorCellsMismatch(*result, QStringLiteral("Data 1"), 2, QStringLiteral("3, 5"), QStringLiteral("#N/A")), QString());
        QCOMPARE(errorCellsMismatch(*result, QStringLiteral("Data 2"), 1, QStringLiteral("4")), QString());
        QCOMPARE(blankCount(*result, QStringLiteral("Data 1")), 0.0);
        const QStringList alerts = alertTexts(*result);
        QVERIFY2(alerts.contains(QStringLiteral("Column \"Data 1\" has 2 Excel error value(s) such as #N/A (rows 3, 5).")),
                 qPrintable(alerts.join(u'\n')));
        QVERIFY2(alerts.contains(QStringLiteral("Column \"Data 2\" has 1 Excel error value(s) such as #DIV/0! (rows 4).")),
                 qPrintable(alerts.join(u'\n')));
    }

    void listedParametersAndOutliers()
    {
        TextRows rows;
        for (int i = 0; i < 20; ++i) {
            const std::string day = (i + 1 < 10 ? "0" : "") + std::to_string(i + 1);
            rows.push_back({"CT", "2021-02-" + day, i == 7 ? "100" : std::to_string(10 + i % 2), "", i == 3 ? "n/a" : "4"});
        }
        rows.push_back({"CT", "2021-02-05", "10", "", "4"}); // a second reading for 2021-02-05
        Parameters parameters;
        parameters.outlierCountAlert = 1;
        RecordingLineage lineage;
        auto result = report(rows, lineage, mapping(QStringLiteral("Data 2, Data 1")), parameters);
        QVERIFY(result.ok());
        const ResultTable *ct = findTable(*result, QStringLiteral("CT_timeseries"));
        QVERIFY(ct);
        // Listed parameters, in the listed order; the blank Note column is not listed, so not shown.
        QCOMPARE(ct->columns, (QStringList{QStringLiteral("Station"), QStringLiteral("Dates"), QStringLiteral("Data 2"),
                                           QStringLiteral("Data 1")}));
        QCOMPARE(ct->rows.size(), size_t(21));
        QCOMPARE(ct->rows[5][3].number, 10.0); // the extra 2021-02-05 row follows the first one
        QCOMPARE(ct->rows[3][2].kind, Cell::Kind::Blank); // "n/a"

        const auto outliers = qualityRows(*result, QStringLiteral("outliers (|z| > 3)"), QStringLiteral("Data 1"));
        QCOMPARE(outliers.size(), size_t(1));
        QCOMPARE((*outliers[0])[size_t(col(result->quality, QStringLiteral("count")))].number, 1.0);
        QCOMPARE((*outliers[0])[size_t(col(result->quality, QStringLiteral("example_rows")))].text, QStringLiteral("9"));
        QCOMPARE((*outliers[0])[size_t(col(result->quality, QStringLiteral("scope")))].text, QStringLiteral("station CT"));

        const auto bad = qualityRows(*result, QStringLiteral("unparseable number"), QStringLiteral("Data 2"));
        QCOMPARE(bad.size(), size_t(1));
        QCOMPARE((*bad[0])[size_t(col(result->quality, QStringLiteral("example_rows")))].text, QStringLiteral("5"));
        const auto duplicates = qualityRows(*result, QStringLiteral("duplicate dates"));
        QCOMPARE(duplicates.size(), size_t(1));
        QCOMPARE((*duplicates[0])[size_t(col(result->quality, QStringLiteral("example_rows")))].text, QStringLiteral("22"));

        QString alerts;
        for (const QualityAlert &a : result->alerts)
            alerts += a.message + u'\n';
        QVERIFY2(alerts.contains(u"CT, Data 1: 1 outliers"), qPrintable(alerts));
        QVERIFY2(alerts.contains(u"1 values in \"Data 2\" are not numbers"), qPrintable(alerts));
        // Note is all blank, but the report does not use it: its rate is in the table, without an alert.
        QVERIFY2(!alerts.contains(u"\"Note\""), qPrintable(alerts));
        const auto noteBlanks = qualityRows(*result, QStringLiteral("blank values"), QStringLiteral("Note"));
        QCOMPARE(noteBlanks.size(), size_t(1));
        QCOMPARE((*noteBlanks[0])[size_t(col(result->quality, QStringLiteral("rate")))].number, 1.0);

        // With the default threshold (10 outliers) the single outlier raises no alert.
        RecordingLineage lineage2;
        auto quiet = report(rows, lineage2, mapping(QStringLiteral("Data 2, Data 1")));
        QVERIFY(quiet.ok());
        for (const QualityAlert &a : quiet->alerts)
            QVERIFY2(!a.message.contains(u"outliers"), qPrintable(a.message));
    }

    void parametersAsAColumnGroup()
    {
        detect::ColumnMapping m = mapping();
        m.columnGroups.insert(QStringLiteral("parameters"), {QStringLiteral("Data 2"), QStringLiteral("Data 1")});
        RecordingLineage lineage;
        auto result = report({{"CT", "2021-01-01", "1", "a", "2"}}, lineage, m);
        QVERIFY(result.ok());
        const ResultTable *ct = findTable(*result, QStringLiteral("CT_timeseries"));
        QVERIFY(ct);
        QCOMPARE(ct->columns, (QStringList{QStringLiteral("Station"), QStringLiteral("Dates"), QStringLiteral("Data 2"),
                                           QStringLiteral("Data 1")}));
        QCOMPARE(ct->rows[0][2].number, 2.0);
        QCOMPARE(lineage.fieldNames.size(), 4); // station, date, the two parameters: not the Note column
        QVERIFY(result->warnings.isEmpty());
    }

    void unknownRoleColumnsAreRefused()
    {
        TimeSeriesReport r;
        auto s = r.start(makeColumns(kHeader), mapping(QStringLiteral("Data 1, Data 9")), Parameters{});
        QVERIFY(!s.ok());
        QVERIFY(s.error().message.contains(u"Data 9"));
        detect::ColumnMapping m = mapping();
        m.roles.remove(QStringLiteral("date"));
        QVERIFY(!TimeSeriesReport().start(makeColumns(kHeader), m, Parameters{}).ok());
    }

    void analystsWorkbooks_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("station");
        QTest::addColumn<int>("rows");
        QTest::newRow("CT") << QStringLiteral("ct_analysis_template.xlsx") << QStringLiteral("CT") << 90;
        QTest::newRow("TUS") << QStringLiteral("tus_analysis_template.xlsx") << QStringLiteral("TUS") << 67;
    }

    void analystsWorkbooks()
    {
        QFETCH(QString, file);
        QFETCH(QString, station);
        QFETCH(int, rows);
        const QString path = seedPath(file);
        auto table = ingest::readTable(path);
        if (!table.ok() && table.error().code == Error::Code::Unsupported)
            QSKIP("the XLSX reader has not landed yet");
        QVERIFY2(table.ok(), qPrintable(table.ok() ? QString() : table.error().toString()));
        QCOMPARE(table->rowCount(), rows);

        TimeSeriesReport r;
        QVERIFY(r.start(table->columns, mapping(), Parameters{}).ok());
        RecordingLineage lineage;
        for (const auto &batch : table->batches)
            QVERIFY(r.consume(*batch, lineage, nullptr).ok());
        auto result = r.finish(nullptr);
        QVERIFY(result.ok());
        QCOMPARE(result->rowsUsed, rows);
        QCOMPARE(lineage.records.size(), size_t(rows));

        const ResultTable *ct = findTable(*result, station + QStringLiteral("_timeseries"));
        QVERIFY(ct);
        QCOMPARE(ct->rows.size(), size_t(rows));
        QCOMPARE(ct->rows.front()[0].text, station);
        // The template's layout: Station, Dates, Data 1..Data 25.
        QCOMPARE(ct->columns.size(), 27);
        for (int i = 1; i <= 25; ++i)
            QCOMPARE(ct->columns[i + 1], QStringLiteral("Data %1").arg(i));
        for (size_t i = 1; i < ct->rows.size(); ++i)
            QVERIFY(ct->rows[i - 1][1].msecs <= ct->rows[i][1].msecs);
        const int dates = table->columnIndex(QStringLiteral("Dates"));
        qint64 earliest = std::numeric_limits<qint64>::max();
        for (const auto &batch : table->batches) {
            for (int row = 0; row < batch->rowCount(); ++row)
                earliest = qMin(earliest, batch->at(row, dates).msecs);
        }
        QCOMPARE(ct->rows.front()[1].msecs, earliest);
        QCOMPARE(ct->rows.front()[1].kind, Cell::Kind::Date);

        // Data 1's summary against the reader's values, computed here.
        const int data1 = table->columnIndex(QStringLiteral("Data 1"));
        double sum = 0;
        int n = 0;
        for (const auto &batch : table->batches) {
            for (int row = 0; row < batch->rowCount(); ++row) {
                if (batch->at(row, data1).isNumber()) {
                    sum += batch->at(row, data1).number;
                    ++n;
                }
            }
        }
        const ResultTable *summary = findTable(*result, QStringLiteral("parameter_summary"));
        QVERIFY(summary);
        QCOMPARE(summary->rows.size(), size_t(25));
        QCOMPARE(summary->rows[0][1].text, QStringLiteral("Data 1"));
        QCOMPARE(int(summary->rows[0][size_t(col(*summary, QStringLiteral("count")))].number), n);
        QVERIFY(std::abs(summary->rows[0][size_t(col(*summary, QStringLiteral("mean")))].number - sum / n) < 1e-9);
        QCOMPARE(result->charts.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestTimeSeriesReport)
#include "tst_timeseriesreport.moc"
