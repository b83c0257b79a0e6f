// The station pivot: parity with the old pipeline (golden folders), aggregations, natural order,
// templates, lineage hashes, validated rows and data-quality alerts.
#include "analysis/dataquality.h"
#include "analysis/lineage.h"
#include "analysis/stationpivot.h"
#include "jobs/pipeline.h"

#include "testutil.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace finpipe;
using namespace finpipe::analysis;
using finpipe::test::readAll;

namespace {

//! Records what the analysis sends to the lineage.
struct RecordingSink : LineageSink {
    struct Row {
        qint64 line;
        QStringList fields;
        QString hash;
        RowStatus status;
        QString reason;
    };
    QStringList fieldNames;
    QList<Row> rows;
    void setFields(const QStringList &names) override { fieldNames = names; }
    void add(qint64 line, const std::string_view *fields, std::string_view hash, RowStatus status,
             std::string_view reason) override
    {
        Row r{line, {}, QString::fromLatin1(hash.data(), qsizetype(hash.size())), status,
              QString::fromUtf8(reason.data(), qsizetype(reason.size()))};
        for (int f = 0; f < fieldNames.size(); ++f)
            r.fields << QString::fromUtf8(fields[f].data(), qsizetype(fields[f].size()));
        rows << r;
    }
};

struct Reading {
    const char *station;
    const char *time;  //!< "YYYY-MM-DD HH:MM:SS", "" for blank, anything else is unparseable text
    const char *parameter;
    const char *value; //!< a number, "" for blank, anything else is unparseable text
    const char *validated = nullptr;
};

qint64 msecsOf(const QString &text)
{
    const QDateTime t = QDateTime::fromString(text, QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    if (!t.isValid())
        return -1;
    return QDateTime(t.date(), t.time(), Qt::UTC).toMSecsSinceEpoch();
}

QList<ingest::ColumnInfo> readingColumns(bool withValidated)
{
    QList<ingest::ColumnInfo> c{{QStringLiteral("Station_ID"), ingest::ColumnType::Text},
                                {QStringLiteral("Date_Time"), ingest::ColumnType::DateTime},
                                {QStringLiteral("PCode"), ingest::ColumnType::Text},
                                {QStringLiteral("Result"), ingest::ColumnType::Decimal}};
    if (withValidated)
        c << ingest::ColumnInfo{QStringLiteral("Validated"), ingest::ColumnType::Integer};
    return c;
}

detect::ColumnMapping readingMapping(bool withValidated)
{
    detect::ColumnMapping m;
    m.datasetType = QStringLiteral("station_readings");
    m.roles = {{QStringLiteral("station"), QStringLiteral("Station_ID")},
               {QStringLiteral("timestamp"), QStringLiteral("Date_Time")},
               {QStringLiteral("parameter"), QStringLiteral("PCode")},
               {QStringLiteral("value"), QStringLiteral("Result")}};
    if (withValidated)
        m.roles.insert(QStringLiteral("validated"), QStringLiteral("Validated"));
    return m;
}

void setText(ingest::RowBatch &b, ingest::Value &v, const char *text, ingest::Value::Kind kind)
{
    v.kind = kind;
    v.text = b.store(std::string_view(text));
}

//! Fills a batch the way the readers do: typed cells, text kept, line numbers from 2.
void fill(ingest::RowBatch &b, const QList<Reading> &readings, bool withValidated)
{
    b.reset(withValidated ? 5 : 4);
    qint64 line = 2;
    for (const Reading &r : readings) {
        ingest::Value *row = b.appendRow(line++);
        if (*r.station)
            setText(b, row[0], r.station, ingest::Value::Kind::Text);
        if (*r.time) {
            const qint64 ms = msecsOf(QString::fromLatin1(r.time));
            setText(b, row[1], r.time, ms >= 0 ? ingest::Value::Kind::DateTime : ingest::Value::Kind::Text);
            row[1].msecs = ms;
        }
        if (*r.parameter)
            setText(b, row[2], r.parameter, ingest::Value::Kind::Text);
        if (*r.value) {
            bool ok = false;
            const double v = QByteArray(r.value).toDouble(&ok);
            setText(b, row[3], r.value, ok ? ingest::Value::Kind::Decimal : ingest::Value::Kind::Text);
            row[3].number = v;
        }
        if (withValidated && r.validated && *r.validated) {
            setText(b, row[4], r.validated, ingest::Value::Kind::Integer);
            row[4].number = QByteArray(r.validated).toDouble();
        }
    }
}

struct PivotRun {
    AnalysisResult result;
    RecordingSink sink;
};

PivotRun runPivot(const QList<Reading> &readings, const Parameters &params = {}, bool withValidated = false)
{
    PivotRun run;
    StationPivotAnalysis a;
    auto started = a.start(readingColumns(withValidated), readingMapping(withValidated), params);
    if (!started)
        qFatal("start failed: %s", qPrintable(started.error().toString()));
    ingest::RowBatch b;
    fill(b, readings, withValidated);
    auto consumed = a.consume(b, run.sink, nullptr);
    if (!consumed)
        qFatal("consume failed: %s", qPrintable(consumed.error().toString()));
    auto finished = a.finish(nullptr);
    if (!finished)
        qFatal("finish failed: %s", qPrintable(finished.error().toString()));
    run.result = std::move(*finished);
    return run;
}

const ResultTable *table(const AnalysisResult &r, const QString &id)
{
    for (const auto &t : r.tables)
        if (t.id == id)
            return &t;
    return nullptr;
}

QString cellText(const Cell &c)
{
    char buf[40];
    switch (c.kind) {
    case Cell::Kind::Blank: return {};
    case Cell::Kind::Number: return QString::fromLatin1(buf, lineage::formatNumber(c.number, buf));
    case Cell::Kind::Date: return QString::fromLatin1(buf, lineage::formatDate(c.msecs, buf));
    case Cell::Kind::DateTime: return QString::fromLatin1(buf, lineage::formatTimestamp(c.msecs, buf));
    case Cell::Kind::Text: return c.text;
    }
    return {};
}

QStringList rowTexts(const ResultTable &t, size_t row)
{
    QStringList s;
    for (const Cell &c : t.rows[row])
        s << cellText(c);
    return s;
}

} // namespace

class TestStationPivot : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void numbersInPythonsShortestForm_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("text");
        QTest::newRow("decimal") << 0.98 << QStringLiteral("0.98");
        QTest::newRow("integer gets .0") << 176.0 << QStringLiteral("176.0");
        QTest::newRow("zero") << 0.0 << QStringLiteral("0.0");
        QTest::newRow("negative zero") << -0.0 << QStringLiteral("-0.0");
        QTest::newRow("binary noise kept") << 1.1000000000000001 << QStringLiteral("1.1");
        QTest::newRow("float32 noise") << 166.100006 << QStringLiteral("166.100006");
        QTest::newRow("sum noise") << 0.1 + 0.2 << QStringLiteral("0.30000000000000004");
        QTest::newRow("small fixed") << 0.0001 << QStringLiteral("0.0001");
        QTest::newRow("small exponent") << 1e-05 << QStringLiteral("1e-05");
        QTest::newRow("small exponent digits") << 1.5e-07 << QStringLiteral("1.5e-07");
        QTest::newRow("large fixed") << 1e15 << QStringLiteral("1000000000000000.0");
        QTest::newRow("large exponent") << 1e16 << QStringLiteral("1e+16");
        QTest::newRow("huge") << 1.5e300 << QStringLiteral("1.5e+300");
        QTest::newRow("negative") << -12.25 << QStringLiteral("-12.25");
        QTest::newRow("nan") << std::nan("") << QStringLiteral("nan");
        QTest::newRow("inf") << -double(INFINITY) << QStringLiteral("-inf");
    }
    void numbersInPythonsShortestForm()
    {
        QFETCH(double, value);
        QFETCH(QString, text);
        char buf[lineage::kNumberChars];
        QCOMPARE(QString::fromLatin1(buf, lineage::formatNumber(value, buf)), text);
    }

    void timestampsAndDates()
    {
        char buf[32];
        const qint64 ms = msecsOf(QStringLiteral("2021-03-31 23:59:58"));
        QCOMPARE(QString::fromLatin1(buf, lineage::formatTimestamp(ms, buf)), QStringLiteral("2021-03-31 23:59:58"));
        QCOMPARE(QString::fromLatin1(buf, lineage::formatDate(ms, buf)), QStringLiteral("2021-03-31"));
        const qint64 before1970 = msecsOf(QStringLiteral("1969-12-31 12:00:00"));
        QCOMPARE(QString::fromLatin1(buf, lineage::formatTimestamp(before1970, buf)),
                 QStringLiteral("1969-12-31 12:00:00"));
    }

    //! Each golden folder: an input, case.json (type, mapping, templates, aggregation) and the
    //! expected output files, compared byte for byte.
    void golden_data()
    {
        QTest::addColumn<QString>("folder");
        const QDir root(test::dataPath(QStringLiteral("golden")));
        const QStringList cases = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        QVERIFY(cases.contains(QStringLiteral("station_pivot_raw_data")));
        for (const QString &c : cases)
            if (c.startsWith(u"station_pivot"))
                QTest::newRow(qPrintable(c)) << root.filePath(c);
    }
    void golden()
    {
        QFETCH(QString, folder);
        const QDir dir(folder);
        const QJsonObject spec = QJsonDocument::fromJson(readAll(dir.filePath(QStringLiteral("case.json")))).object();
        QVERIFY(!spec.isEmpty());
        QTemporaryDir out;
        jobs::JobSpec job;
        job.inputPath = dir.filePath(spec.value(u"input").toString());
        for (const QJsonValue &t : spec.value(u"templates").toArray())
            job.params.templates << dir.filePath(t.toString());
        job.params.aggregation = *aggregationFromName(spec.value(u"aggregation").toString());
        detect::ColumnMapping mapping;
        mapping.datasetType = spec.value(u"type").toString();
        const QJsonObject roles = spec.value(u"mapping").toObject();
        for (auto it = roles.begin(); it != roles.end(); ++it)
            mapping.roles.insert(it.key(), it.value().toString());
        job.mapping = mapping;
        job.outputDir = out.path();
        job.writeXlsx = false;
        job.writeDashboard = false;
        auto manifest = jobs::runJob(job);
        QVERIFY2(manifest.ok(), qPrintable(manifest.ok() ? QString() : manifest.error().toString()));

        const QDir expected(dir.filePath(QStringLiteral("expected")));
        const QStringList files = expected.entryList(QDir::Files, QDir::Name);
        QVERIFY(!files.isEmpty());
        for (const QString &f : files) {
            const QByteArray want = readAll(expected.filePath(f));
            const QByteArray got = readAll(QDir(out.path()).filePath(f));
            if (got != want) {
                // Show the first differing line, not a megabyte of bytes.
                const QList<QByteArray> a = got.split('\n'), b = want.split('\n');
                for (qsizetype i = 0; i < qMax(a.size(), b.size()); ++i)
                    if (a.value(i) != b.value(i))
                        QFAIL(qPrintable(QStringLiteral("%1 line %2:\n got  %3\n want %4")
                                             .arg(f)
                                             .arg(i + 1)
                                             .arg(QString::fromUtf8(a.value(i)), QString::fromUtf8(b.value(i)))));
            }
            QCOMPARE(got, want);
        }
    }

    void aggregations_data()
    {
        QTest::addColumn<QString>("aggregation");
        QTest::addColumn<QString>("expected");
        // One day's readings of one parameter: 3, 1, 2, 10 (in that order), plus a blank.
        QTest::newRow("mean") << QStringLiteral("mean") << QStringLiteral("4.0");
        QTest::newRow("median") << QStringLiteral("median") << QStringLiteral("2.5");
        QTest::newRow("sum") << QStringLiteral("sum") << QStringLiteral("16.0");
        QTest::newRow("first") << QStringLiteral("first") << QStringLiteral("3.0");
        QTest::newRow("min") << QStringLiteral("min") << QStringLiteral("1.0");
        QTest::newRow("max") << QStringLiteral("max") << QStringLiteral("10.0");
        QTest::newRow("count") << QStringLiteral("count") << QStringLiteral("4.0");
    }
    void aggregations()
    {
        QFETCH(QString, aggregation);
        QFETCH(QString, expected);
        Parameters p;
        p.aggregation = *aggregationFromName(aggregation);
        const auto run = runPivot({{"CT", "2021-01-01 01:00:00", "Data 1", "3"},
                                   {"CT", "2021-01-01 02:00:00", "Data 1", "1"},
                                   {"CT", "2021-01-01 03:00:00", "Data 1", ""},
                                   {"CT", "2021-01-01 04:00:00", "Data 1", "2"},
                                   {"CT", "2021-01-01 23:59:59", "Data 1", "10"}},
                                  p);
        const ResultTable *t = table(run.result, QStringLiteral("CT_Analysis"));
        QVERIFY(t);
        QCOMPARE(t->rows.size(), size_t(1));
        QCOMPARE(rowTexts(*t, 0), (QStringList{QStringLiteral("CT"), QStringLiteral("2021-01-01"), expected}));
        QVERIFY(t->title.contains(aggregation));
    }

    void everyStationInNaturalOrderWithDaysAscending()
    {
        const auto run = runPivot({{"S10", "2021-01-03 00:00:00", "Data 10", "1"},
                                   {"S10", "2021-01-01 00:00:00", "Data 2", "2"},
                                   {"S2", "2021-01-02 00:00:00", "Data 1", "3"},
                                   {"S10", "2021-01-02 00:00:00", "Data 1", "4"},
                                   {"X", "2021-01-02 00:00:00", "Data 3", "5"}});
        QCOMPARE(run.result.tables.size(), size_t(3));
        QCOMPARE(run.result.tables[0].id, QStringLiteral("S2_Analysis"));
        QCOMPARE(run.result.tables[1].id, QStringLiteral("S10_Analysis"));
        QCOMPARE(run.result.tables[2].id, QStringLiteral("X_Analysis"));
        const ResultTable &s10 = run.result.tables[1];
        QCOMPARE(s10.columns, (QStringList{QStringLiteral("Station"), QStringLiteral("Dates"), QStringLiteral("Data 1"),
                                           QStringLiteral("Data 2"), QStringLiteral("Data 10")}));
        QCOMPARE(s10.rows.size(), size_t(3));
        QCOMPARE(rowTexts(s10, 0), QStringLiteral("S10,2021-01-01,,2.0,").split(u','));
        QCOMPARE(rowTexts(s10, 1), QStringLiteral("S10,2021-01-02,4.0,,").split(u','));
        QCOMPARE(rowTexts(s10, 2), QStringLiteral("S10,2021-01-03,,,1.0").split(u','));
        // The dashboard gets one time series per station.
        QCOMPARE(run.result.charts.size(), 3);
        QCOMPARE(run.result.charts[1].yColumns, s10.columns.mid(2));
        QVERIFY(naturalLess(QStringLiteral("Data 2"), QStringLiteral("Data 10")));
        QVERIFY(!naturalLess(QStringLiteral("Data 10"), QStringLiteral("Data 2")));
        QVERIFY(naturalLess(QStringLiteral("data 02"), QStringLiteral("Data 3")));
    }

    void longAndForeignStationNamesGiveShortDistinctFileStems()
    {
        // Two stations whose 300-character names differ only at the end: each table id (the
        // output file's stem) stays within the 255-byte file-name limit and they stay distinct.
        const QString longA = QString(300, u'\u00e9') + QStringLiteral("A");
        const QString longB = QString(300, u'\u00e9') + QStringLiteral("B");
        const QByteArray a8 = longA.toUtf8(), b8 = longB.toUtf8(), z8 = QStringLiteral("Z\u00fcrich").toUtf8();
        const auto run = runPivot({{a8.constData(), "2021-01-01 00:00:00", "Data 1", "1"},
                                   {b8.constData(), "2021-01-01 00:00:00", "Data 1", "2"},
                                   {z8.constData(), "2021-01-01 00:00:00", "Data 1", "3"},
                                   {"a/b", "2021-01-01 00:00:00", "Data 1", "4"}});
        QCOMPARE(run.result.tables.size(), size_t(4));
        QSet<QString> ids;
        for (const auto &t : run.result.tables) {
            const QByteArray fileName = (t.id + QStringLiteral(".csv")).toUtf8();
            QVERIFY2(fileName.size() <= 255, fileName.constData());
            QVERIFY(!t.id.contains(u'/'));
            ids << t.id;
        }
        QCOMPARE(ids.size(), 4);
        QVERIFY(ids.contains(QStringLiteral("Z\u00fcrich_Analysis")));
        QVERIFY(ids.contains(QStringLiteral("a_b_Analysis")));
        // The table still says which station it holds, in full.
        bool titled = false;
        for (const auto &t : run.result.tables)
            titled = titled || t.title.startsWith(longA + QStringLiteral(":"));
        QVERIFY(titled);
    }

    void templateFixesColumnsAndReportsDroppedParameters()
    {
        QTemporaryDir dir;
        const QString tpl = dir.filePath(QStringLiteral("ct_layout.csv"));
        {
            QFile f(tpl);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("Station,Dates,Data 3,Data 1,Data 9\nCT,2021-01-01,1,2,3\nCT,2021-01-02,4,5,6\n");
        }
        Parameters p;
        p.templates << tpl;
        const auto run = runPivot({{"CT", "2021-01-01 00:00:00", "Data 1", "1"},
                                   {"CT", "2021-01-01 00:00:00", "Data 2", "7"},
                                   {"CT", "2021-01-01 00:00:00", "Data 3", "3"},
                                   {"TUS", "2021-01-01 00:00:00", "Data 2", "8"}},
                                  p);
        const ResultTable *ct = table(run.result, QStringLiteral("CT_Analysis"));
        QVERIFY(ct);
        // The template's parameter columns in its order; Data 9 has no data: an empty column.
        QCOMPARE(ct->columns, (QStringList{QStringLiteral("Station"), QStringLiteral("Dates"), QStringLiteral("Data 3"),
                                           QStringLiteral("Data 1"), QStringLiteral("Data 9")}));
        QCOMPARE(rowTexts(*ct, 0), QStringLiteral("CT,2021-01-01,3.0,1.0,").split(u','));
        // Data 2 is not in CT's template: left out, and the analyst is told.
        QVERIFY2(std::any_of(run.result.warnings.begin(), run.result.warnings.end(),
                             [](const QString &w) {
                                 return w.contains(u"Data 2") && w.contains(u"ct_layout.csv") && w.contains(u"CT");
                             }),
                 qPrintable(run.result.warnings.join(u'\n')));
        QCOMPARE(run.sink.rows[1].status, RowStatus::Skipped);
        QCOMPARE(run.sink.rows[1].reason, QStringLiteral("parameter not in template"));
        // TUS has no template: natural order of its own parameters.
        const ResultTable *tus = table(run.result, QStringLiteral("TUS_Analysis"));
        QVERIFY(tus);
        QCOMPARE(tus->columns.mid(2), QStringList{QStringLiteral("Data 2")});
        QCOMPARE(run.result.rowsUsed, 3);
        QCOMPARE(run.result.rowsSkipped, 1);
    }

    void templateWithoutStationIsRefused()
    {
        QTemporaryDir dir;
        const QString tpl = dir.filePath(QStringLiteral("bad.csv"));
        {
            QFile f(tpl);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("Dates,Data 1\n2021-01-01,1\n");
        }
        auto t = loadStationTemplate(tpl);
        QVERIFY(!t.ok());
        QVERIFY(t.error().message.contains(u"bad.csv"));
        QVERIFY(t.error().message.contains(u"Station"));
    }

    void lineageRowsAndHashes()
    {
        const auto run = runPivot({{"CT", "2021-01-05 10:30:00", "Data 1", "0.98"},
                                   {"CT", "2021-01-05 10:30:00", "Data 1", ""},
                                   {"CT", "not a date", "Data 1", "1"},
                                   {"CT", "2021-01-05 10:30:00", "Data 2", "n/a"},
                                   {"", "2021-01-05 10:30:00", "Data 2", "1"}});
        const RecordingSink &s = run.sink;
        QCOMPARE(s.fieldNames, (QStringList{QStringLiteral("Station_ID"), QStringLiteral("Date_Time"),
                                            QStringLiteral("PCode"), QStringLiteral("Result")}));
        QCOMPARE(s.rows.size(), 5);
        // Computed independently: SHA-256 of station|timestamp|parameter|value.
        const QString expected = QString::fromLatin1(
            QCryptographicHash::hash("CT|2021-01-05 10:30:00|Data 1|0.98", QCryptographicHash::Sha256).toHex());
        QCOMPARE(s.rows[0].hash, expected);
        QCOMPARE(s.rows[0].line, 2);
        QCOMPARE(s.rows[0].fields, (QStringList{QStringLiteral("CT"), QStringLiteral("2021-01-05 10:30:00"),
                                                QStringLiteral("Data 1"), QStringLiteral("0.98")}));
        QCOMPARE(s.rows[0].status, RowStatus::Used);
        QCOMPARE(s.rows[0].reason, QString());
        // A blank value hashes as pandas writes a missing float.
        QCOMPARE(s.rows[1].hash, QString::fromLatin1(QCryptographicHash::hash("CT|2021-01-05 10:30:00|Data 1|nan",
                                                                              QCryptographicHash::Sha256)
                                                         .toHex()));
        QCOMPARE(s.rows[1].reason, QStringLiteral("blank value"));
        QCOMPARE(s.rows[2].reason, QStringLiteral("unparseable date"));
        QCOMPARE(s.rows[2].fields[1], QStringLiteral("not a date"));
        QCOMPARE(s.rows[3].reason, QStringLiteral("unparseable value"));
        QCOMPARE(s.rows[4].reason, QStringLiteral("blank station"));
        QCOMPARE(s.rows[4].line, 6);
        for (int i = 1; i < 5; ++i)
            QCOMPARE(s.rows[i].status, RowStatus::Skipped);
        QCOMPARE(run.result.rowsRead, 5);
        QCOMPARE(run.result.rowsUsed, 1);
    }

    void textTimestampsAreReadAndCalendarChecked()
    {
        // Times a reader left as text (their column also holds words) are read if they are ISO
        // dates that exist; 30 February is not a day to roll over into March.
        const auto run = runPivot({{"CT", "2021-01-06T08:00", "Data 1", "2"},
                                   {"CT", "2021-02-30 10:00:00", "Data 1", "3"},
                                   {"CT", "2021-01-06 09:00:00 extra", "Data 1", "4"}});
        const RecordingSink &s = run.sink;
        QCOMPARE(s.rows.size(), 3);
        QCOMPARE(s.rows[0].status, RowStatus::Used);
        QCOMPARE(s.rows[0].fields[1], QStringLiteral("2021-01-06 08:00:00"));
        QCOMPARE(s.rows[1].reason, QStringLiteral("unparseable date"));
        QCOMPARE(s.rows[2].reason, QStringLiteral("unparseable date"));
        const ResultTable *t = table(run.result, QStringLiteral("CT_Analysis"));
        QVERIFY(t);
        QCOMPARE(t->rows.size(), size_t(1));
        QCOMPARE(rowTexts(*t, 0), (QStringList{QStringLiteral("CT"), QStringLiteral("2021-01-06"), QStringLiteral("2.0")}));
    }

    void onlyValidatedRows()
    {
        const QList<Reading> readings{{"CT", "2021-01-01 00:00:00", "Data 1", "1", "1"},
                                      {"CT", "2021-01-01 00:00:00", "Data 1", "5", "0"}};
        Parameters p;
        const auto all = runPivot(readings, p, true);
        QCOMPARE(rowTexts(all.result.tables[0], 0).last(), QStringLiteral("3.0"));
        p.onlyValidated = true;
        const auto validated = runPivot(readings, p, true);
        QCOMPARE(rowTexts(validated.result.tables[0], 0).last(), QStringLiteral("1.0"));
        QCOMPARE(validated.sink.rows[1].reason, QStringLiteral("not validated"));
        QCOMPARE(validated.sink.fieldNames.last(), QStringLiteral("Validated"));
    }

    void dataQualityAlerts()
    {
        // 200 ordinary values and 12 far-off ones for Data 1; Result blank in 22% of the rows.
        QList<QByteArray> texts;
        QList<Reading> readings;
        for (int i = 0; i < 200; ++i)
            texts << QByteArray::number(10 + (i % 5));
        for (int i = 0; i < 12; ++i)
            texts << QByteArray("1000");
        for (int i = 0; i < 60; ++i)
            texts << QByteArray();
        QList<QByteArray> times;
        for (int i = 0; i < texts.size(); ++i)
            times << QDateTime(QDate(2021, 1, 1), QTime(0, 0), Qt::UTC)
                         .addSecs(qint64(i) * 3600)
                         .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                         .toLatin1();
        for (int i = 0; i < texts.size(); ++i)
            readings << Reading{"CT", times[i].constData(), "Data 1", texts[i].constData()};
        // Two rows repeating an earlier key.
        readings << Reading{"CT", times[0].constData(), "Data 1", "11"} << Reading{"CT", times[1].constData(), "Data 1", "12"};

        Parameters p;
        auto run = runPivot(readings, p);
        auto alertWith = [](const AnalysisResult &r, const QString &a, const QString &b) {
            return std::any_of(r.alerts.begin(), r.alerts.end(), [&](const QualityAlert &x) {
                return x.message.contains(a) && x.message.contains(b) && x.severity == QualityAlert::Severity::Warning;
            });
        };
        const QString all = [&] {
            QStringList s;
            for (const auto &a : run.result.alerts)
                s << a.message;
            return s.join(u'\n');
        }();
        QVERIFY2(alertWith(run.result, QStringLiteral("Data 1"), QStringLiteral("12 values")), qPrintable(all));
        QVERIFY2(alertWith(run.result, QStringLiteral("Result"), QStringLiteral("blank")), qPrintable(all));
        QVERIFY2(alertWith(run.result, QStringLiteral("2 row(s)"), QStringLiteral("repeat")), qPrintable(all));
        // The table says the same.
        const ResultTable &q = run.result.quality;
        QCOMPARE(q.id, QStringLiteral("data_quality"));
        QCOMPARE(q.columns.first(), QStringLiteral("check"));
        bool sawOutliers = false;
        for (const auto &row : q.rows)
            if (row[0].text == u"outliers" && row[2].text == u"parameter Data 1") {
                QCOMPARE(row[3].number, 12.0);
                sawOutliers = true;
            }
        QVERIFY(sawOutliers);

        // Thresholds are parameters.
        p.outlierCountAlert = 13;
        p.blankRateAlert = 0.5;
        run = runPivot(readings, p);
        QVERIFY(!alertWith(run.result, QStringLiteral("Data 1"), QStringLiteral("12 values")));
        QVERIFY(!alertWith(run.result, QStringLiteral("Result"), QStringLiteral("blank")));
    }

    void outliersStayExactWhenValuesSpill()
    {
        // More values than DataQuality holds in memory: the rest go to a temporary file, and the
        // statistics must be those of every value, in the order they came. Continuous values (no
        // two alike) and two interleaved groups.
        DataQuality q;
        q.setColumns({{QStringLiteral("Result"), ingest::ColumnType::Decimal}}, {true});
        const int g1 = q.addGroup(QStringLiteral("Data 1"), QStringLiteral("Result"));
        const int g2 = q.addGroup(QStringLiteral("Data 2"), QStringLiteral("Result"));
        std::vector<double> all[2];
        const int n = 9'000'000;
        for (int i = 0; i < n; ++i) {
            const int g = i % 3 == 0 ? 1 : 0;
            const double v = i % 1000 == 7 ? 1e4 + i * 1e-3 : std::sin(i * 0.001) * 10.0 + i * 1e-7;
            all[g].push_back(v);
            q.addValue(g == 0 ? g1 : g2, v);
        }
        QString details[2];
        qint64 expectedOutliers[2] = {0, 0};
        for (int g = 0; g < 2; ++g) {
            double sum = 0;
            for (double v : all[g])
                sum += v;
            const double mean = sum / double(all[g].size());
            double ss = 0;
            for (double v : all[g])
                ss += (v - mean) * (v - mean);
            const double sd = std::sqrt(ss / double(all[g].size()));
            for (double v : all[g])
                expectedOutliers[g] += std::abs(v - mean) > 3.0 * sd;
            details[g] = QStringLiteral("among %1 values (mean %2, population sd %3)")
                             .arg(all[g].size())
                             .arg(QString::number(mean, 'g', 6), QString::number(sd, 'g', 6));
        }
        QVERIFY(expectedOutliers[0] > 1000 && expectedOutliers[1] > 1000);
        AnalysisResult r;
        Parameters p;
        q.finish(p, n, r);
        int found = 0;
        for (const auto &row : r.quality.rows) {
            if (row[0].text != u"outliers")
                continue;
            const int g = row[2].text.endsWith(u"Data 1") ? 0 : 1;
            QCOMPARE(qint64(row[3].number), expectedOutliers[g]);
            QVERIFY2(row[6].text.contains(details[g]), qPrintable(row[6].text + QStringLiteral(" / ") + details[g]));
            ++found;
        }
        QCOMPARE(found, 2);
        QVERIFY(r.warnings.isEmpty());
    }

    void duplicateKeysInAnyOrder_data()
    {
        QTest::addColumn<int>("order"); // 0 as written, 1 reversed, 2 shuffled
        QTest::addColumn<qint64>("budget");
        QTest::newRow("in order") << 0 << qint64(4'000'000);
        QTest::newRow("reversed") << 1 << qint64(4'000'000);
        QTest::newRow("shuffled") << 2 << qint64(4'000'000);
        QTest::newRow("shuffled, many passes") << 2 << qint64(3);
    }

    void duplicateKeysInAnyOrder()
    {
        QFETCH(int, order);
        QFETCH(qint64, budget);
        // Readings of one day in time order, with repeats: Data 1 at 01:00 three times (2
        // duplicates), Data 2 at 02:00 twice (1), TUS Data 1 at 01:00 twice (1); the same time on
        // another day or station or parameter is not a duplicate.
        QList<Reading> readings{{"CT", "2021-01-01 01:00:00", "Data 1", "1"},
                                {"CT", "2021-01-01 01:00:00", "Data 1", "2"},
                                {"CT", "2021-01-01 01:00:00", "Data 1", "3"},
                                {"CT", "2021-01-01 01:00:00", "Data 2", "1"},
                                {"CT", "2021-01-01 02:00:00", "Data 1", "1"},
                                {"CT", "2021-01-01 02:00:00", "Data 2", "1"},
                                {"CT", "2021-01-01 02:00:00", "Data 2", "5"},
                                {"CT", "2021-01-02 01:00:00", "Data 1", "1"},
                                {"TUS", "2021-01-01 01:00:00", "Data 1", "1"},
                                {"TUS", "2021-01-01 01:00:00", "Data 1", "1"},
                                {"TUS", "2021-01-01 03:00:00", "Data 1", ""}};
        if (order == 1)
            std::reverse(readings.begin(), readings.end());
        if (order == 2) {
            std::mt19937 rng(7);
            std::shuffle(readings.begin(), readings.end(), rng);
        }
        StationPivotAnalysis a;
        a.setDuplicateCheckBudget(budget);
        QVERIFY(a.start(readingColumns(false), readingMapping(false), {}).ok());
        ingest::RowBatch b;
        fill(b, readings, false);
        RecordingSink sink;
        QVERIFY(a.consume(b, sink, nullptr).ok());
        auto r = a.finish(nullptr);
        QVERIFY(r.ok());
        bool found = false;
        for (const auto &row : r->quality.rows) {
            if (row[0].text == u"duplicate keys") {
                QCOMPARE(qint64(row[3].number), qint64(4));
                // In time order the rows are named as they are found (file lines 3, 4, 8, 11).
                if (order == 0)
                    QCOMPARE(row[5].text, QStringLiteral("3, 4, 8, 11"));
                found = true;
            }
        }
        QVERIFY(found);
        bool alerted = false;
        for (const QualityAlert &alert : r->alerts)
            if (alert.message.contains(u"repeat the")) {
                alerted = true;
                QVERIFY2(!alert.message.contains(u"(rows )"), qPrintable(alert.message));
                if (order == 0)
                    QVERIFY2(alert.message.contains(u"(rows 3, 4, 8, 11)"), qPrintable(alert.message));
            }
        QVERIFY(alerted);
        // The mean of CT Data 1 on 2021-01-01 takes every reading, duplicates included.
        const ResultTable *t = table(*r, QStringLiteral("CT_Analysis"));
        QVERIFY(t);
        QCOMPARE(rowTexts(*t, 0).mid(0, 3),
                 (QStringList{QStringLiteral("CT"), QStringLiteral("2021-01-01"), QStringLiteral("1.75")}));
    }

    void missingRoleIsAClearError()
    {
        StationPivotAnalysis a;
        auto m = readingMapping(false);
        m.roles.remove(QStringLiteral("parameter"));
        auto r = a.start(readingColumns(false), m, {});
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(u"parameter"));
        m = readingMapping(false);
        m.roles[QStringLiteral("value")] = QStringLiteral("Nope");
        r = a.start(readingColumns(false), m, {});
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(u"Nope"));
    }
};

QTEST_GUILESS_MAIN(TestStationPivot)
#include "tst_stationpivot.moc"
