// Every row accounted for, per analysis (station pivot, sales, wide/time-series report, generic
// profile, bank statement): data_quality.csv has one "skipped rows" row per reason whose counts add
// up to the manifest's skipped count, a "row count" check that says read = used + skipped, a
// "blank values" row per column (the Quality tab's blank-rate chart), and the skipped rows named
// in an alert.
#include "jobs/pipeline.h"

#include "bankstatements.h"
#include "ingest/reader.h"
#include "testutil.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace finpipe;
using finpipe::test::readAll;

namespace {

struct QualityRow {
    QString check, column, scope;
    qint64 count = 0;
    QString examples, detail;
};

QList<QualityRow> readQuality(const QString &dir)
{
    ingest::ReadOptions opts;
    opts.computeHash = false;
    auto table = ingest::readTable(QDir(dir).filePath(QStringLiteral("data_quality.csv")), opts);
    if (!table.ok())
        return {};
    const int check = table->columnIndex(QStringLiteral("check")), column = table->columnIndex(QStringLiteral("column")),
              scope = table->columnIndex(QStringLiteral("scope")), count = table->columnIndex(QStringLiteral("count")),
              examples = table->columnIndex(QStringLiteral("example_rows")),
              detail = table->columnIndex(QStringLiteral("detail"));
    QList<QualityRow> rows;
    for (const auto &b : table->batches)
        for (int r = 0; r < b->rowCount(); ++r)
            rows.append({b->at(r, check).toString(), b->at(r, column).toString(), b->at(r, scope).toString(),
                         qint64(b->at(r, count).number), b->at(r, examples).toString(), b->at(r, detail).toString()});
    return rows;
}

//! The input with `extra` lines appended.
QString fixture(const QString &dir, const QString &name, const QByteArray &content)
{
    return test::writeFixture(QDir(dir).filePath(name), content);
}

QByteArray detectFile(const char *name)
{
    return readAll(QStringLiteral(FINPIPE_TEST_DATA "/detect/") + QLatin1String(name));
}

} // namespace

class TestQualityAccounting : public QObject
{
    Q_OBJECT

    //! Runs the job and checks the accounting; returns the quality rows for more checks.
    QList<QualityRow> runAndCheck(const QString &input, const QString &analysisId, qint64 expectSkipped,
                                  QString *outDir = nullptr)
    {
        m_out.emplace_back(std::make_unique<QTemporaryDir>());
        jobs::JobSpec spec;
        spec.inputPath = input;
        spec.outputDir = m_out.back()->path();
        auto r = jobs::runJob(spec);
        if (!r.ok()) {
            qWarning() << r.error().toString();
            return {};
        }
        const jobs::Manifest &m = *r;
        if (outDir)
            *outDir = spec.outputDir;
        [&] {
            QCOMPARE(m.analysisId, analysisId);
            QCOMPARE(m.rowsRead, m.rowsUsed + m.rowsSkipped);
            QCOMPARE(m.rowsSkipped, expectSkipped);
        }();
        return readQuality(spec.outputDir);
    }

    static void checkAccounting(const QList<QualityRow> &rows, const QString &dir, int columns)
    {
        const QJsonObject manifest =
            QJsonDocument::fromJson(readAll(QDir(dir).filePath(QStringLiteral("manifest.json")))).object();
        const QJsonObject counts = manifest.value(u"rows").toObject();
        const qint64 read = counts.value(u"read").toInteger(), used = counts.value(u"used").toInteger(),
                     skipped = counts.value(u"skipped").toInteger();
        qint64 skippedRows = 0;
        int blankRows = 0, rowCounts = 0;
        for (const QualityRow &q : rows) {
            if (q.check == u"skipped rows") {
                skippedRows += q.count;
                QVERIFY2(!q.scope.isEmpty(), "every skipped-rows row names its reason");
                QVERIFY2(!q.examples.isEmpty(), qPrintable(q.scope));
            } else if (q.check == u"blank values") {
                ++blankRows;
            } else if (q.check == u"row count") {
                ++rowCounts;
                QCOMPARE(q.count, read);
                QCOMPARE(q.detail, QStringLiteral("%1 rows read = %2 used + %3 skipped").arg(read).arg(used).arg(skipped));
            }
            QVERIFY2(q.check != u"blank cells", "one name for blank values in every analysis");
        }
        QCOMPARE(skippedRows, skipped);
        QCOMPARE(rowCounts, 1);
        QCOMPARE(blankRows, columns); // the blank-rate chart has a bar per column
        QCOMPARE(read, used + skipped);
        bool named = skipped == 0;
        for (const QJsonValue &a : manifest.value(u"alerts").toArray())
            named = named || a.toString().contains(u"skipped") || a.toString().contains(u"left ");
        QVERIFY2(named, "skipped rows are named in an alert");
    }

private Q_SLOTS:
    void stationPivot()
    {
        QTemporaryDir dir;
        // 8 data rows, 4 of them unusable for four different reasons.
        const QByteArray csv = "Station_ID,Date_Time,PCode,Result\n"
                               "CT,2021-01-01,Data 1,1.5\n"
                               "CT,,Data 1,1.6\n"            // line 3: blank date
                               "CT,2021-01-02,Data 1,abc\n"  // line 4: unparseable value
                               "CT,2021-01-02,Data 2,\n"     // line 5: blank value
                               "CT,2021-01-03,Data 1,1.7\n"
                               ",2021-01-03,Data 2,2.0\n"    // line 7: blank station
                               "TUS,2021-01-01,Data 1,3.0\n"
                               "TUS,2021-01-02,Data 1,3.1\n";
        QString out;
        const auto rows = runAndCheck(fixture(dir.path(), QStringLiteral("st.csv"), csv), QStringLiteral("station_pivot"), 4, &out);
        QVERIFY(!rows.isEmpty());
        checkAccounting(rows, out, 4);
        QMap<QString, QString> byReason;
        for (const QualityRow &q : rows)
            if (q.check == u"skipped rows")
                byReason.insert(q.scope, q.examples);
        QCOMPARE(byReason.value(QStringLiteral("blank date")), QStringLiteral("3"));
        QCOMPARE(byReason.value(QStringLiteral("unparseable value")), QStringLiteral("4"));
        QCOMPARE(byReason.value(QStringLiteral("blank value")), QStringLiteral("5"));
        QCOMPARE(byReason.value(QStringLiteral("blank station")), QStringLiteral("7"));
        // The alert names every reason, not just one of them.
        const QJsonObject manifest =
            QJsonDocument::fromJson(readAll(QDir(out).filePath(QStringLiteral("manifest.json")))).object();
        QString alert;
        for (const QJsonValue &a : manifest.value(u"alerts").toArray())
            if (a.toString().contains(u"were skipped"))
                alert = a.toString();
        QVERIFY2(alert.startsWith(u"warning: 4 of 8 rows were skipped: "), qPrintable(alert));
        for (const char *reason : {"blank date", "unparseable value", "blank value", "blank station"})
            QVERIFY2(alert.contains(QLatin1String(reason)), reason);
        // The dashboard shows the same accounting.
        const QByteArray html = readAll(QDir(out).filePath(QStringLiteral("dashboard.html")));
        QVERIFY(html.contains("<strong>8</strong> rows read = <strong>4</strong> used + <strong>4</strong> skipped"));
        QVERIFY(html.contains("<td class=\"text\">unparseable value</td><td class=\"num\">1</td><td class=\"text\">4</td>"));
    }

    void sales()
    {
        QTemporaryDir dir;
        QByteArray csv = detectFile("so_minimal.csv");
        csv += "ORD999990,,100.00\n";           // blank order date
        csv += "ORD999991,2025-01-05,\n";       // blank revenue
        csv += "ORD999992,2025-13-45,12.00\n";  // unparseable date
        QString out;
        const auto rows = runAndCheck(fixture(dir.path(), QStringLiteral("so.csv"), csv), QStringLiteral("sales_summary"), 3, &out);
        QVERIFY(!rows.isEmpty());
        checkAccounting(rows, out, 3);
    }

    void wideReport()
    {
        QTemporaryDir dir;
        QByteArray csv = detectFile("sa_ct.csv");
        csv += "CT,not a date,1.0,,,,,,,,,,,,,,,,,,,,,,,,\n";
        csv += ",2021-05-01,1.0,,,,,,,,,,,,,,,,,,,,,,,,\n";
        QString out;
        const auto rows = runAndCheck(fixture(dir.path(), QStringLiteral("sa.csv"), csv), QStringLiteral("timeseries_report"), 2, &out);
        QVERIFY(!rows.isEmpty());
        checkAccounting(rows, out, 27);
    }

    void genericProfile()
    {
        QTemporaryDir dir;
        // A line with more fields than the table is left out by the reader: still read and skipped.
        QByteArray csv = detectFile("neg_employees.csv");
        csv += "E9999,Too Many,IT,2020-01-01,1,2,3\n";
        QString out;
        const auto rows = runAndCheck(fixture(dir.path(), QStringLiteral("emp.csv"), csv), QStringLiteral("profile"), 1, &out);
        QVERIFY(!rows.isEmpty());
        checkAccounting(rows, out, 5);
    }

    void bankStatement()
    {
        using namespace finpipe::test::bankgen;
        QTemporaryDir dir;
        QByteArray csv = write(makeStatement(QDate(2024, 1, 1), 40), Layout::IsoSigned);
        csv += "2024-03-01,Unreadable amount,twelve,100.00,EUR\n";
        QString out;
        const auto rows = runAndCheck(fixture(dir.path(), QStringLiteral("bank.csv"), csv), QStringLiteral("bank_transactions"), 1, &out);
        QVERIFY(!rows.isEmpty());
        checkAccounting(rows, out, 5);
    }

private:
    std::vector<std::unique_ptr<QTemporaryDir>> m_out;
};

QTEST_GUILESS_MAIN(TestQualityAccounting)
#include "tst_qualityaccounting.moc"
