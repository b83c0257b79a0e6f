#include "analysis/dataquality.h"
#include "ingest/reader.h"
#include "ingest/sha256.h"
#include "ingest/xlsxstyles.h"
#include "ingest/ziparchive.h"

#include "testutil.h"
#include "xlsxfixtures.h"

#include <QDateTime>
#include <QFile>
#include <QRandomGenerator>
#include <QSet>
#include <QThread>
#include <QTemporaryDir>
#include <QTest>

#include <xlsxwriter.h>

#include <map>

using namespace finpipe;
using namespace finpipe::ingest;
using namespace finpipe::test;

namespace {

qint64 msecsOf(int y, int m, int d, int h = 0, int min = 0, int s = 0)
{
    return QDateTime(QDate(y, m, d), QTime(h, min, s), Qt::UTC).toMSecsSinceEpoch();
}

QString errorText(const Error &e)
{
    return e.toString();
}

//! Every value of one column, in order.
QList<Value> columnValues(const Table &t, int column)
{
    QList<Value> out;
    for (const auto &b : t.batches)
        for (int r = 0; r < b->rowCount(); ++r)
            out.append(b->at(r, column));
    return out;
}

QStringList columnTexts(const Table &t, int column)
{
    QStringList out;
    for (const Value &v : columnValues(t, column))
        out.append(v.toString());
    return out;
}

QStringList strings(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *s : list)
        out.append(QString::fromUtf8(s));
    return out;
}

QStringList columnNames(const Table &t)
{
    QStringList out;
    for (const ColumnInfo &c : t.columns)
        out.append(c.name);
    return out;
}

} // namespace

#define REQUIRE_OK(r) QVERIFY2((r).ok(), (r).ok() ? "" : qPrintable(errorText((r).error())))

class TestXlsxReader : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    QString handBook(const QString &name, const HandBook &book)
    {
        const QString p = path(name);
        if (!writeHandBook(p, book))
            qFatal("could not write %s", qPrintable(p));
        return p;
    }

    QString handSheet(const QString &name, const QByteArray &rows, const QList<QByteArray> &strings = {},
                      const QByteArray &dimension = {})
    {
        HandBook b;
        b.sheets = {sheetXml(rows, dimension)};
        b.sharedStrings = strings;
        return handBook(name, b);
    }

    //! Opening or reading to the end must fail; returns the error for the message checks.
    static Error openOrReadFails(const QString &file) { return openFails(file); }

    //! Opening must fail; returns the error for the message checks.
    static Error openFails(const QString &file, const ReadOptions &options = {})
    {
        auto t = readTable(file, options);
        if (t.ok())
            qFatal("reading %s unexpectedly succeeded", qPrintable(file));
        return t.error();
    }

private Q_SLOTS:
    // ---- the users' files -------------------------------------------------------------------

    void rawDataGolden()
    {
        const QString file = seedPath(QStringLiteral("raw_data.xlsx"));
        auto t = readTable(file);
        REQUIRE_OK(t);
        QCOMPARE(t->info.format, FileFormat::Xlsx);
        QCOMPARE(t->info.sheets, QStringList{QStringLiteral("Raw Data")});
        QCOMPARE(t->info.sheet, QStringLiteral("Raw Data"));
        QVERIFY(t->info.hasHeader);
        // The declared range A1:Q701 is larger than the data: no phantom rows.
        QCOMPARE(t->rowCount(), qint64(686));
        QCOMPARE(columnNames(*t),
                 strings({"Station_ID", "Date_Time", "PCode", "LEW_Pct", "Depth_M", "Agency", "CCode",
                              "LCode", "SCode", "QCode", "RCode", "Result", "Validated", "Create_Update",
                              "Owner", "Track_ID", "Selected_By"}));

        // Hashed from the same bytes that were parsed, and equal to a separate hash of the file.
        auto digest = sha256File(file);
        REQUIRE_OK(digest);
        QCOMPARE(t->info.sha256, *digest);
        QCOMPARE(t->info.size, QFileInfo(file).size());

        const int dateCol = t->columnIndex(QStringLiteral("Date_Time"));
        QCOMPARE(t->columns[dateCol].type, ColumnType::Date);
        qint64 lo = std::numeric_limits<qint64>::max(), hi = std::numeric_limits<qint64>::min();
        for (const Value &v : columnValues(*t, dateCol)) {
            QCOMPARE(v.kind, Value::Kind::Date);
            QCOMPARE(v.msecs % 86'400'000, qint64(0));
            lo = std::min(lo, v.msecs);
            hi = std::max(hi, v.msecs);
        }
        QCOMPARE(lo, msecsOf(2021, 1, 1));
        QCOMPARE(hi, msecsOf(2021, 3, 31));
        QCOMPARE(columnValues(*t, dateCol).front().toString(), QStringLiteral("2021-01-01"));

        const int resultCol = t->columnIndex(QStringLiteral("Result"));
        QCOMPARE(t->columns[resultCol].type, ColumnType::Decimal);
        for (const Value &v : columnValues(*t, resultCol))
            QVERIFY(v.isNumber());
        // <v>1.5349999999999999</v> is the double 1.535: shortest round-trip text.
        QCOMPARE(columnTexts(*t, resultCol).at(3), QStringLiteral("1.535"));
        QCOMPARE(columnTexts(*t, resultCol).at(0), QStringLiteral("1.411"));

        std::map<QString, int> stations;
        for (const QString &s : columnTexts(*t, t->columnIndex(QStringLiteral("Station_ID"))))
            ++stations[s];
        QCOMPARE(stations.size(), size_t(2));
        QCOMPARE(stations[QStringLiteral("CT")], 453);
        QCOMPARE(stations[QStringLiteral("TUS")], 233);

        // Blanks stored as empty strings are blanks; six columns hold nothing at all.
        QStringList blankColumns;
        for (int c = 0; c < t->columns.size(); ++c) {
            const auto values = columnValues(*t, c);
            if (std::all_of(values.begin(), values.end(), [](const Value &v) { return v.isBlank(); })) {
                blankColumns.append(t->columns[c].name);
                QCOMPARE(t->columns[c].type, ColumnType::Text);
            }
        }
        QCOMPARE(blankColumns, strings({"LEW_Pct", "Depth_M", "Agency", "SCode", "QCode", "RCode"}));

        const int validated = t->columnIndex(QStringLiteral("Validated"));
        QCOMPARE(t->columns[validated].type, ColumnType::Integer);
        QCOMPARE(columnTexts(*t, validated).count(QStringLiteral("0")), 130);
        // Create_Update carries times of day.
        const int created = t->columnIndex(QStringLiteral("Create_Update"));
        QCOMPARE(t->columns[created].type, ColumnType::DateTime);
        QCOMPARE(columnTexts(*t, created).front(), QStringLiteral("2024-12-26 09:49:17"));

        // Rows keep their worksheet row numbers.
        QCOMPARE(t->batches.front()->sourceLine(0), qint64(2));
        QCOMPARE(t->batches.back()->sourceLine(t->batches.back()->rowCount() - 1), qint64(687));
        QVERIFY2(t->info.warnings.isEmpty(), qPrintable(t->info.warnings.join(u'\n')));
    }

    void templatesGolden_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("sheet");
        QTest::addColumn<int>("rows");
        QTest::addColumn<QString>("firstDate");
        QTest::newRow("CT") << QStringLiteral("ct_analysis_template.xlsx") << QStringLiteral("CT Station") << 90
                            << QStringLiteral("2021-01-01");
        QTest::newRow("TUS") << QStringLiteral("tus_analysis_template.xlsx") << QStringLiteral("TUS Station") << 67
                             << QStringLiteral("2021-01-20");
    }

    void templatesGolden()
    {
        QFETCH(QString, file);
        QFETCH(QString, sheet);
        QFETCH(int, rows);
        QFETCH(QString, firstDate);
        auto t = readTable(seedPath(file));
        REQUIRE_OK(t);
        // The two chart sheets are not worksheets.
        QCOMPARE(t->info.sheets, QStringList{sheet});
        QCOMPARE(t->rowCount(), qint64(rows));
        QStringList expected{QStringLiteral("Station"), QStringLiteral("Dates")};
        for (int i = 1; i <= 25; ++i)
            expected.append(QStringLiteral("Data %1").arg(i));
        QCOMPARE(columnNames(*t), expected);
        QCOMPARE(t->columns[1].type, ColumnType::Date);
        QCOMPARE(columnTexts(*t, 1).front(), firstDate);
        QCOMPARE(columnTexts(*t, 1).back(), QStringLiteral("2021-03-31"));
        QCOMPARE(t->columns[0].type, ColumnType::Text);
    }

    void chartSheetsAndSheetChoice()
    {
        const QString file = seedPath(QStringLiteral("ct_analysis_template.xlsx"));
        ReadOptions byIndex;
        byIndex.sheet = QStringLiteral("1");
        auto t = readTable(file, byIndex);
        REQUIRE_OK(t);
        QCOMPARE(t->info.sheet, QStringLiteral("CT Station"));

        ReadOptions chart;
        chart.sheet = QStringLiteral("Data 1 Chart");
        Error e = openFails(file, chart);
        QCOMPARE(e.code, Error::Code::Invalid);
        QVERIFY2(e.message.contains(u"chart sheet") && e.message.contains(u"\"CT Station\"")
                     && e.message.contains(u"ct_analysis_template.xlsx"),
                 qPrintable(e.message));

        ReadOptions beyond;
        beyond.sheet = QStringLiteral("2");
        e = openFails(file, beyond);
        QVERIFY2(e.message.contains(u"no worksheet number 2") && e.message.contains(u"1 worksheet"),
                 qPrintable(e.message));
    }

    void sheetSelectionByNameAndIndex()
    {
        const QString file = path(QStringLiteral("three.xlsx"));
        lxw_workbook *wb = workbook_new(QFile::encodeName(file).constData());
        const char *names[] = {"North", "South", "West"};
        for (int s = 0; s < 3; ++s) {
            lxw_worksheet *ws = workbook_add_worksheet(wb, names[s]);
            worksheet_write_string(ws, 0, 0, "Region", nullptr);
            worksheet_write_string(ws, 0, 1, "Amount", nullptr);
            for (int r = 1; r <= s + 1; ++r) {
                worksheet_write_string(ws, lxw_row_t(r), 0, names[s], nullptr);
                worksheet_write_number(ws, lxw_row_t(r), 1, r * 10 + s, nullptr);
            }
        }
        workbook_add_chartsheet(wb, "Chart");
        QCOMPARE(workbook_close(wb), LXW_NO_ERROR);

        auto first = readTable(file);
        REQUIRE_OK(first);
        QCOMPARE(first->info.sheets, strings({"North", "South", "West"}));
        QCOMPARE(first->info.sheet, QStringLiteral("North"));
        QCOMPARE(first->rowCount(), qint64(1));

        ReadOptions o;
        o.sheet = QStringLiteral("West");
        auto west = readTable(file, o);
        REQUIRE_OK(west);
        QCOMPARE(west->rowCount(), qint64(3));
        QCOMPARE(columnTexts(*west, 1), strings({"12", "22", "32"}));

        o.sheet = QStringLiteral("2");
        auto second = readTable(file, o);
        REQUIRE_OK(second);
        QCOMPARE(second->info.sheet, QStringLiteral("South"));
        QCOMPARE(columnTexts(*second, 0), strings({"South", "South"}));

        o.sheet = QStringLiteral("south");
        auto caseless = readTable(file, o);
        REQUIRE_OK(caseless);
        QCOMPARE(caseless->info.sheet, QStringLiteral("South"));

        o.sheet = QStringLiteral("East");
        const Error e = openFails(file, o);
        QCOMPARE(e.code, Error::Code::Invalid);
        QCOMPARE(e.message, QStringLiteral("\"three.xlsx\" has no worksheet called \"East\". Its worksheets "
                                           "are: \"North\", \"South\", \"West\"."));
    }

    void readSampleDoesNotConsume()
    {
        ReadOptions o;
        o.batchRows = 100;
        auto reader = TableReader::open(seedPath(QStringLiteral("raw_data.xlsx")), o);
        REQUIRE_OK(reader);
        RowBatch sample;
        auto s = (*reader)->readSample(sample, 5);
        REQUIRE_OK(s);
        QVERIFY(*s);
        QCOMPARE(sample.rowCount(), 5);
        QCOMPARE((*reader)->rowsRead(), qint64(0));

        qint64 rows = 0;
        int batches = 0;
        qint64 expectedLine = 2;
        RowBatch batch;
        Feedback fb;
        for (;;) {
            auto more = (*reader)->readBatch(batch, &fb);
            REQUIRE_OK(more);
            if (batches == 0)
                for (int r = 0; r < 5; ++r)
                    for (int c = 0; c < batch.columnCount(); ++c)
                        QCOMPARE(batch.at(r, c).toString(), sample.at(r, c).toString());
            for (int r = 0; r < batch.rowCount(); ++r)
                QCOMPARE(batch.sourceLine(r), expectedLine++);
            rows += batch.rowCount();
            if (batch.rowCount())
                ++batches;
            QVERIFY(batch.rowCount() <= 100);
            if (!*more)
                break;
        }
        QCOMPARE(rows, qint64(686));
        QCOMPARE(batches, 7);
        QCOMPARE((*reader)->rowsRead(), qint64(686));
        QCOMPARE(fb.rows(), qint64(686));
        QVERIFY(fb.total() > 0);
        QCOMPARE(fb.done(), fb.total());
    }

    void cancellation()
    {
        auto reader = TableReader::open(seedPath(QStringLiteral("raw_data.xlsx")));
        REQUIRE_OK(reader);
        Feedback fb;
        fb.cancel();
        RowBatch batch;
        auto more = (*reader)->readBatch(batch, &fb);
        QVERIFY(!more.ok());
        QCOMPARE(more.error().code, Error::Code::Cancelled);
        QVERIFY(more.error().message.contains(u"raw_data.xlsx"));
    }

    void fileChangesWhileReading()
    {
        // The zip is read from the file as the rows are needed, after the file was hashed: a file
        // that is appended to, rewritten or deleted meanwhile is refused as changed, never read
        // as a mix of old and new bytes.
        QByteArray rows = "<row r=\"1\"><c t=\"inlineStr\"><is><t>Amount</t></is></c></row>";
        for (int r = 2; r <= 30000; ++r)
            rows += "<row r=\"" + QByteArray::number(r) + "\"><c><v>" + QByteArray::number((r * 7919) % 100003) + "</v></c></row>";
        enum Change { Appended, Rewritten, Deleted };
        for (const Change change : {Appended, Rewritten, Deleted}) {
            const QString file = handSheet(QStringLiteral("moving.xlsx"), rows);
            ReadOptions o;
            o.batchRows = 1000;
            auto reader = TableReader::open(file, o);
            REQUIRE_OK(reader);
            RowBatch batch;
            auto first = (*reader)->readBatch(batch);
            REQUIRE_OK(first);
            QVERIFY(*first);
            QThread::msleep(20); // a later modification time, even on coarse clocks
            if (change == Deleted) {
                QVERIFY(QFile::remove(file));
            } else {
                QFile f(file);
                QVERIFY(f.open(QIODevice::ReadWrite));
                if (change == Appended) {
                    QVERIFY(f.seek(f.size()));
                    f.write("more");
                } else {
                    // Same size, other bytes from the middle on (the sheet's later rows).
                    const qint64 half = f.size() / 2;
                    QVERIFY(f.seek(half));
                    f.write(QByteArray(f.size() - half, 'x'));
                }
            }
            Result<bool> more = true;
            while (more.ok() && *more)
                more = (*reader)->readBatch(batch);
            QVERIFY2(!more.ok(), qPrintable(QStringLiteral("change %1 not noticed").arg(int(change))));
            QVERIFY2(more.error().code == Error::Code::Changed, qPrintable(more.error().toString()));
            QVERIFY2(more.error().message.contains(change == Deleted ? u"\"moving.xlsx\" was moved or deleted"
                                                                     : u"\"moving.xlsx\" changed while it was being read"),
                     qPrintable(more.error().toString()));
        }
    }

    // ---- generated with libxlsxwriter ---------------------------------------------------------

    void datesNumbersAndBooleans()
    {
        const QString file = path(QStringLiteral("kinds.xlsx"));
        lxw_workbook *wb = workbook_new(QFile::encodeName(file).constData());
        lxw_worksheet *ws = workbook_add_worksheet(wb, "Data");
        lxw_format *dmy = workbook_add_format(wb);
        format_set_num_format(dmy, "dd/mm/yyyy");
        lxw_format *stamp = workbook_add_format(wb);
        format_set_num_format(stamp, "[$-409]yyyy-mm-dd hh:mm:ss;@");
        lxw_format *days = workbook_add_format(wb);
        format_set_num_format(days, "0.0\" days\"");
        lxw_format *red = workbook_add_format(wb);
        format_set_num_format(red, "[Red]#,##0.00");
        lxw_format *elapsed = workbook_add_format(wb);
        format_set_num_format(elapsed, "[h]:mm");
        const char *heads[] = {"Day", "Stamp", "Duration", "Amount", "Flag", "Count", "Mixed", "Elapsed", "Text"};
        for (int c = 0; c < 9; ++c)
            worksheet_write_string(ws, 0, lxw_col_t(c), heads[c], nullptr);
        lxw_datetime d1{2021, 1, 1, 0, 0, 0};
        lxw_datetime d2{2024, 2, 29, 10, 30, 0};
        worksheet_write_datetime(ws, 1, 0, &d1, dmy);
        worksheet_write_datetime(ws, 1, 1, &d2, stamp);
        worksheet_write_number(ws, 1, 2, 2.5, days);
        worksheet_write_number(ws, 1, 3, 13.0, red);
        worksheet_write_boolean(ws, 1, 4, 1, nullptr);
        worksheet_write_number(ws, 1, 5, 13.0, nullptr);
        worksheet_write_number(ws, 1, 6, 1, nullptr);
        worksheet_write_number(ws, 1, 7, 1.5, elapsed);
        worksheet_write_string(ws, 1, 8, "plain", nullptr);
        lxw_datetime d3{2021, 3, 31, 0, 0, 0};
        lxw_datetime d4{2024, 3, 1, 0, 0, 0};
        worksheet_write_datetime(ws, 2, 0, &d3, dmy);
        worksheet_write_datetime(ws, 2, 1, &d4, stamp);
        worksheet_write_number(ws, 2, 2, 3, days);
        worksheet_write_number(ws, 2, 3, 13.25, red);
        worksheet_write_boolean(ws, 2, 4, 0, nullptr);
        worksheet_write_number(ws, 2, 5, -7, nullptr);
        worksheet_write_string(ws, 2, 6, "n/a", nullptr);
        worksheet_write_formula_str(ws, 2, 8, "=\"a\"&\"b\"", nullptr, "ab");
        QCOMPARE(workbook_close(wb), LXW_NO_ERROR);

        auto t = readTable(file);
        REQUIRE_OK(t);
        QCOMPARE(t->rowCount(), qint64(2));
        auto at = [&](int r, int c) { return t->batches.front()->at(r, c); };

        QCOMPARE(at(0, 0).kind, Value::Kind::Date);
        QCOMPARE(at(0, 0).msecs, msecsOf(2021, 1, 1));
        QCOMPARE(at(0, 0).toString(), QStringLiteral("2021-01-01"));
        QCOMPARE(at(1, 0).toString(), QStringLiteral("2021-03-31"));
        QCOMPARE(t->columns[0].type, ColumnType::Date);

        QCOMPARE(at(0, 1).kind, Value::Kind::DateTime);
        QCOMPARE(at(0, 1).msecs, msecsOf(2024, 2, 29, 10, 30));
        QCOMPARE(at(0, 1).toString(), QStringLiteral("2024-02-29 10:30:00"));
        QCOMPARE(at(1, 1).kind, Value::Kind::Date); // midnight: no time part
        QCOMPARE(t->columns[1].type, ColumnType::DateTime);

        // A quoted " days" and a [Red] colour are not date formats.
        QCOMPARE(at(0, 2).kind, Value::Kind::Decimal);
        QCOMPARE(at(1, 2).kind, Value::Kind::Integer);
        QCOMPARE(t->columns[2].type, ColumnType::Decimal);
        QCOMPARE(at(0, 3).toString(), QStringLiteral("13"));
        QCOMPARE(at(1, 3).toString(), QStringLiteral("13.25"));
        QCOMPARE(at(1, 3).kind, Value::Kind::Decimal);

        QCOMPARE(at(0, 4).kind, Value::Kind::Boolean);
        QCOMPARE(at(0, 4).number, 1.0);
        QCOMPARE(at(1, 4).number, 0.0);
        QCOMPARE(at(0, 4).toString(), QStringLiteral("TRUE"));
        QCOMPARE(t->columns[4].type, ColumnType::Boolean);

        QCOMPARE(at(0, 5).kind, Value::Kind::Integer);
        QCOMPARE(at(0, 5).toString(), QStringLiteral("13"));
        QCOMPARE(at(1, 5).toString(), QStringLiteral("-7"));
        QCOMPARE(t->columns[5].type, ColumnType::Integer);
        QCOMPARE(t->columns[6].type, ColumnType::Text); // number and text mixed

        // [h]:mm is elapsed time: a duration shown as Excel shows it (1.5 days = 36 hours), not a
        // day in January 1900.
        QCOMPARE(at(0, 7).kind, Value::Kind::Text);
        QCOMPARE(at(0, 7).toString(), QStringLiteral("36:00"));
        QVERIFY(at(1, 7).isBlank());
        QCOMPARE(t->columns[7].type, ColumnType::Text);
        QVERIFY2(t->info.warnings.join(u'\n').contains(u"1 cell held durations (elapsed time such as 36:00, the first at H2)"),
                 qPrintable(t->info.warnings.join(u'\n')));

        // A formula's cached text result (t="str").
        QCOMPARE(at(1, 8).kind, Value::Kind::Text);
        QCOMPARE(at(1, 8).toString(), QStringLiteral("ab"));
    }

    void headersBlankAndDuplicate()
    {
        const QString file = path(QStringLiteral("heads.xlsx"));
        lxw_workbook *wb = workbook_new(QFile::encodeName(file).constData());
        lxw_worksheet *ws = workbook_add_worksheet(wb, "Data");
        worksheet_write_string(ws, 0, 0, "Amount", nullptr);
        worksheet_write_string(ws, 0, 2, " Amount ", nullptr);
        worksheet_write_number(ws, 0, 3, 2021, nullptr);
        for (int c = 0; c < 5; ++c)
            worksheet_write_number(ws, 1, lxw_col_t(c), c, nullptr);
        QCOMPARE(workbook_close(wb), LXW_NO_ERROR);

        auto t = readTable(file);
        REQUIRE_OK(t);
        // Column E has no heading but data, so it is a column too.
        QCOMPARE(columnNames(*t), strings({"Amount", "Column 2", "Amount (2)", "2021", "Column 5"}));
        QCOMPARE(t->info.warnings.size(), 1);
        QVERIFY2(t->info.warnings.front().contains(u"column C") && t->info.warnings.front().contains(u"\"Amount (2)\""),
                 qPrintable(t->info.warnings.front()));
    }

    // ---- hand-built parts ---------------------------------------------------------------------

    void stringsErrorsAndSparseRows()
    {
        // Shared strings with rich-text runs and a phonetic guide that is not part of the text.
        HandBook b;
        b.sstXml = "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                   "<si><t>Name</t></si><si><t>Value</t></si><si><t>Note</t></si>"
                   "<si><r><rPr><b/></rPr><t>Bold</t></r><r><t xml:space=\"preserve\"> and plain</t></r>"
                   "<rPh sb=\"0\" eb=\"1\"><t>ふりがな</t></rPh></si>"
                   "<si><t>caf\xC3\xA9 &amp; co</t></si><si><t/></si></sst>";
        const QByteArray rows =
            "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c></row>"
            // r= missing on the row and on cells: positions follow on.
            "<row><c t=\"s\"><v>3</v></c><c><v>1.1000000000000001</v></c><c t=\"inlineStr\"><is><r><t>in</t></r><r><t>line</t></r></is></c></row>"
            // Sparse: only column C.
            "<row r=\"3\"><c r=\"C3\" t=\"str\"><f>A1&amp;B1</f><v>formula text</v></c></row>"
            "<row r=\"4\"><c r=\"A4\" t=\"s\"><v>4</v></c><c r=\"B4\" t=\"e\"><v>#N/A</v></c>"
            "<c r=\"C4\"><v>0.30000000000000004</v></c></row>"
            // An empty row inside the data, then a gap (rows 6 and 7 missing).
            "<row r=\"5\"><c r=\"A5\" t=\"s\"><v>5</v></c><c r=\"B5\"/></row>"
            "<row r=\"8\"><c r=\"A8\" t=\"inlineStr\"><is><t>last</t></is></c><c r=\"B8\" t=\"e\"><v>#DIV/0!</v></c>"
            "<c r=\"C8\" t=\"b\"><v>1</v></c></row>"
            // Trailing rows with only styles or empty strings are not data.
            "<row r=\"9\"><c r=\"A9\" s=\"1\"/><c r=\"B9\" t=\"s\"><v>5</v></c></row>"
            "<row r=\"10\"><c r=\"A10\" t=\"inlineStr\"><is><t></t></is></c></row>";
        b.sheets = {sheetXml(rows, "A1:C5000")};
        const QString file = handBook(QStringLiteral("strings.xlsx"), b);
        auto t = readTable(file);
        REQUIRE_OK(t);
        QCOMPARE(columnNames(*t), strings({"Name", "Value", "Note"}));
        QCOMPARE(t->rowCount(), qint64(4));
        const auto &batch = *t->batches.front();
        QCOMPARE(batch.sourceLine(0), qint64(2));
        QCOMPARE(batch.sourceLine(1), qint64(3));
        QCOMPARE(batch.sourceLine(2), qint64(4));
        QCOMPARE(batch.sourceLine(3), qint64(8));
        QCOMPARE(columnTexts(*t, 0), strings({"Bold and plain", "", "caf\xC3\xA9 & co", "last"}));
        // The written digits name the double 1.1; its shortest round-trip text is "1.1".
        QCOMPARE(batch.at(0, 1).number, 1.1);
        QCOMPARE(batch.at(0, 1).toString(), QStringLiteral("1.1"));
        QCOMPARE(batch.at(2, 2).toString(), QStringLiteral("0.30000000000000004"));
        QCOMPARE(batch.at(2, 2).number, 0.1 + 0.2);
        QCOMPARE(batch.at(0, 2).toString(), QStringLiteral("inline"));
        QVERIFY(batch.at(1, 0).isBlank());
        QCOMPARE(batch.at(1, 2).toString(), QStringLiteral("formula text"));
        // Excel's error values are kept as what they are, and do not make the column text.
        QCOMPARE(batch.at(2, 1).kind, Value::Kind::Error);
        QCOMPARE(batch.at(2, 1).toString(), QStringLiteral("#N/A"));
        QCOMPARE(batch.at(3, 1).kind, Value::Kind::Error);
        QCOMPARE(batch.at(3, 1).toString(), QStringLiteral("#DIV/0!"));
        QCOMPARE(batch.at(3, 2).kind, Value::Kind::Boolean);
        QCOMPARE(t->columns[1].type, ColumnType::Decimal);
        QCOMPARE(t->columns[2].type, ColumnType::Text); // text, a number and a boolean

        const QString warnings = t->info.warnings.join(u'\n');
        QVERIFY2(warnings.contains(u"2 cells held Excel errors such as #N/A or #DIV/0! (the first at B4); they are "
                                   u"kept as errors"),
                 qPrintable(warnings));
        QVERIFY2(warnings.contains(u"3 empty rows between the data were skipped"), qPrintable(warnings));
        QVERIFY2(warnings.contains(u"Sheet \"Sheet1\""), qPrintable(warnings));
    }

    void xmlWrittenDifferently()
    {
        // Other writers: a BOM, namespace prefixes, single quotes, comments, CDATA, entities,
        // ISO dates (t="d").
        HandBook b;
        b.sheets = {"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- written by <a> test -->\n"
                    "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                    "<x:dimension ref='A1:C3'/><x:sheetData>\n"
                    "<x:row r='1'><x:c r='A1' t='inlineStr'><x:is><x:t>Caf&#233; &#x4E2D;</x:t></x:is></x:c>"
                    "<x:c r='B1' t='inlineStr'><x:is><x:t><![CDATA[<Amount> & more]]></x:t></x:is></x:c>"
                    "<x:c r=\"C1\" t=\"inlineStr\"><x:is><x:t>When</x:t></x:is></x:c></x:row>\n"
                    "<x:row r='2'><x:c r='A2' t='inlineStr'><x:is><x:t xml:space=\"preserve\">  padded  </x:t></x:is></x:c>"
                    "<x:c r='B2'><x:f>1+1</x:f><x:v>2</x:v></x:c>"
                    "<x:c r=\"C2\" t=\"d\"><x:v>2021-03-04T05:06:07</x:v></x:c></x:row>\n"
                    "<x:row r='3'><x:c r='A3' t='inlineStr'><x:is><x:t>a&lt;b&gt;c&amp;d&quot;e&apos;f &bogus; &amp</x:t></x:is></x:c>"
                    "<!-- <x:c r='B3'><x:v>99</x:v></x:c> -->"
                    "<x:c r=\"C3\" t=\"d\"><x:v>2021-03-05</x:v></x:c></x:row>\n"
                    "</x:sheetData></x:worksheet>"};
        auto t = readTable(handBook(QStringLiteral("variants.xlsx"), b));
        REQUIRE_OK(t);
        QCOMPARE(columnNames(*t), strings({"Caf\xC3\xA9 \xE4\xB8\xAD", "<Amount> & more", "When"}));
        QCOMPARE(columnTexts(*t, 0), strings({"  padded  ", "a<b>c&d\"e'f &bogus; &amp"}));
        QCOMPARE(columnTexts(*t, 1), strings({"2", ""}));
        QCOMPARE(columnValues(*t, 1).front().kind, Value::Kind::Integer);
        QCOMPARE(columnTexts(*t, 2), strings({"2021-03-04 05:06:07", "2021-03-05"}));
        QCOMPARE(columnValues(*t, 2).at(0).msecs, msecsOf(2021, 3, 4, 5, 6, 7));
        QCOMPARE(columnValues(*t, 2).at(1).kind, Value::Kind::Date);
        QCOMPARE(t->columns[2].type, ColumnType::DateTime);
    }

    void typesWidenPastTheOpeningSample()
    {
        // The first 2000 rows decide the columns at open(); later rows widen types and values
        // right of the table are reported, not silently dropped.
        QByteArray rows = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Id</t></is></c>"
                          "<c r=\"B1\" t=\"inlineStr\"><is><t>Code</t></is></c></row>";
        for (int r = 2; r <= 2501; ++r)
            rows += "<row r=\"" + QByteArray::number(r) + "\"><c><v>" + QByteArray::number(r) + "</v></c><c><v>"
                + QByteArray::number(r % 7) + "</v></c></row>";
        rows += "<row r=\"2502\"><c><v>2502.5</v></c><c t=\"inlineStr\"><is><t>X7</t></is></c>"
                "<c r=\"E2502\"><v>5</v></c></row>";
        const QString file = handSheet(QStringLiteral("wide.xlsx"), rows);
        ReadOptions o;
        o.batchRows = 1000;
        auto reader = TableReader::open(file, o);
        REQUIRE_OK(reader);
        QCOMPARE((*reader)->columns().size(), 2);
        QCOMPARE((*reader)->columns()[0].type, ColumnType::Integer);
        QCOMPARE((*reader)->columns()[1].type, ColumnType::Integer);
        RowBatch batch;
        qint64 rows2 = 0;
        for (;;) {
            auto more = (*reader)->readBatch(batch, nullptr);
            REQUIRE_OK(more);
            rows2 += batch.rowCount();
            if (!*more)
                break;
        }
        QCOMPARE(rows2, qint64(2501));
        QCOMPARE((*reader)->columns()[0].type, ColumnType::Decimal);
        QCOMPARE((*reader)->columns()[1].type, ColumnType::Text);
        QCOMPARE((*reader)->info().warnings,
                 QStringList{QStringLiteral("Sheet \"Sheet1\": 1 value to the right of the table (the first at "
                                            "E2502) was ignored.")});
    }

    void excelDateSystems()
    {
        // 1900 system: serial 59 is 1900-02-28, 60 Excel's phantom 1900-02-29, 61 is 1900-03-01.
        const QByteArray rows =
            "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>When</t></is></c></row>"
            "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>1</v></c></row>"
            "<row r=\"3\"><c r=\"A3\" s=\"1\"><v>59</v></c></row>"
            "<row r=\"4\"><c r=\"A4\" s=\"1\"><v>60</v></c></row>"
            "<row r=\"5\"><c r=\"A5\" s=\"1\"><v>61</v></c></row>"
            "<row r=\"6\"><c r=\"A6\" s=\"4\"><v>44197</v></c></row>"
            "<row r=\"7\"><c r=\"A7\" s=\"2\"><v>44197.4375</v></c></row>";
        HandBook b;
        b.sheets = {sheetXml(rows)};
        auto t = readTable(handBook(QStringLiteral("d1900.xlsx"), b));
        REQUIRE_OK(t);
        QCOMPARE(columnTexts(*t, 0), strings({"1900-01-01", "1900-02-28", "", "1900-03-01", "2021-01-01",
                                                  "2021-01-01 10:30:00"}));
        QCOMPARE(columnValues(*t, 0).at(1).msecs, msecsOf(1900, 2, 28));
        QCOMPARE(columnValues(*t, 0).at(3).msecs, msecsOf(1900, 3, 1));
        QCOMPARE(t->columns[0].type, ColumnType::DateTime);
        const QString warnings = t->info.warnings.join(u'\n');
        QVERIFY2(warnings.contains(u"29 February 1900") && warnings.contains(u"A4"), qPrintable(warnings));

        // 1904 system: serial 0 is 1904-01-01; 42735 is 2021-01-01.
        b.date1904 = true;
        b.sheets = {sheetXml("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>When</t></is></c></row>"
                             "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>0</v></c></row>"
                             "<row r=\"3\"><c r=\"A3\" s=\"1\"><v>42735</v></c></row>"
                             "<row r=\"4\"><c r=\"A4\" s=\"1\"><v>60</v></c></row>")};
        auto t4 = readTable(handBook(QStringLiteral("d1904.xlsx"), b));
        REQUIRE_OK(t4);
        QCOMPARE(columnTexts(*t4, 0), strings({"1904-01-01", "2021-01-01", "1904-03-01"}));
        QCOMPARE(columnValues(*t4, 0).at(1).msecs, msecsOf(2021, 1, 1));
        QVERIFY(t4->info.warnings.isEmpty());
    }

    void formatCodes()
    {
        QCOMPARE(classifyFormatCode(u"yyyy\\-mm\\-dd\\ hh:mm"), DateFormat::DateTime);
        QCOMPARE(classifyFormatCode(u"dd/mm/yyyy"), DateFormat::Date);
        QCOMPARE(classifyFormatCode(u"mmm"), DateFormat::Date);
        QCOMPARE(classifyFormatCode(u"[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy"), DateFormat::Date);
        QCOMPARE(classifyFormatCode(u"[h]:mm:ss"), DateFormat::Duration);
        QCOMPARE(classifyFormatCode(u"[mm]:ss"), DateFormat::Duration);
        QCOMPARE(classifyFormatCode(u"h:mm:ss"), DateFormat::DateTime); // a time of day
        QCOMPARE(classifyFormatCode(u"d \"days\" [h]:mm"), DateFormat::DateTime);
        QCOMPARE(classifyFormatCode(u"mm:ss.0"), DateFormat::DateTime);
        QCOMPARE(classifyFormatCode(u"General"), DateFormat::None);
        QCOMPARE(classifyFormatCode(u"0.00\" days\""), DateFormat::None);
        QCOMPARE(classifyFormatCode(u"[Red][<=100]0.00;[Blue]0.00"), DateFormat::None);
        QCOMPARE(classifyFormatCode(u"#,##0\\ \\d"), DateFormat::None);
        QCOMPARE(classifyFormatCode(u"_(* #,##0_);_(* (#,##0);_(* \"-\"_);_(@_)"), DateFormat::None);
        QCOMPARE(classifyBuiltinFormat(14), DateFormat::Date);
        QCOMPARE(classifyBuiltinFormat(22), DateFormat::DateTime);
        QCOMPARE(classifyBuiltinFormat(47), DateFormat::DateTime);
        QCOMPARE(classifyBuiltinFormat(46), DateFormat::Duration);
        // Durations as Excel shows them: 10.6320601851852 days is 255 h 10 min 10 s.
        QCOMPARE(formatDuration(10.6320601851852, u"[h]:mm:ss"), QStringLiteral("255:10:10"));
        QCOMPARE(formatDuration(10.6320601851852, u"[hh]:mm"), QStringLiteral("255:10"));
        QCOMPARE(formatDuration(10.6320601851852, u"[mm]:ss"), QStringLiteral("15310:10"));
        QCOMPARE(formatDuration(0.5 / 24, u"[h]:mm:ss"), QStringLiteral("0:30:00"));
        QCOMPARE(formatDuration(-0.25, u"[h]:mm"), QStringLiteral("-6:00"));
        QCOMPARE(formatDuration(1.0 / 86400 * 1.25, u"[ss].00"), QStringLiteral("01.25"));
        QCOMPARE(formatDuration(0.99999999, u"[h]:mm:ss;@"), QStringLiteral("24:00:00"));
        QCOMPARE(classifyBuiltinFormat(2), DateFormat::None);
        QCOMPARE(classifyBuiltinFormat(49), DateFormat::None);
    }

    // ---- bad input -----------------------------------------------------------------------------

    void truncatedZip()
    {
        QFile in(seedPath(QStringLiteral("raw_data.xlsx")));
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray whole = in.readAll();
        const QString file = path(QStringLiteral("half.xlsx"));
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(whole.left(whole.size() / 2));
        out.close();
        const Error e = openFails(file);
        QCOMPARE(e.code, Error::Code::Corrupt);
        QVERIFY2(e.message.contains(u"\"half.xlsx\" is damaged"), qPrintable(e.message));
    }

    void corruptBytes()
    {
        QFile in(seedPath(QStringLiteral("raw_data.xlsx")));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QByteArray bytes = in.readAll();
        // Scramble the middle of the worksheet's compressed data.
        const qsizetype at = bytes.indexOf("xl/worksheets/sheet1.xml") + 20000;
        for (qsizetype i = at; i < at + 4000; ++i)
            bytes[i] = char((i * 7919) & 0xff);
        const QString file = path(QStringLiteral("scrambled.xlsx"));
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(bytes);
        out.close();
        const Error e = openFails(file);
        QCOMPARE(e.code, Error::Code::Corrupt);
        QVERIFY2(e.message.contains(u"scrambled.xlsx") && e.message.contains(u"damaged"), qPrintable(e.message));
    }

    void zipBombRatio()
    {
        // 20 MB of one repeated row compresses to a few KB: far past the 200:1 ratio limit.
        QByteArray rows = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c></row>";
        rows += QByteArray(20 * 1024 * 1024, ' ');
        HandBook b;
        b.sheets = {sheetXml(rows)};
        const QString file = path(QStringLiteral("bomb.xlsx"));
        QVERIFY(writeHandBook(file, b, Z_BEST_COMPRESSION));
        const Error e = openFails(file);
        QCOMPARE(e.code, Error::Code::TooLarge);
        QVERIFY2(e.message.contains(u"\"bomb.xlsx\"") && e.message.contains(u"zip bomb")
                     && e.message.contains(u"200 times"),
                 qPrintable(e.message));
    }

    void uncompressedSizeLimit()
    {
        // raw_data.xlsx is 61 KB on disk and 475 KB unpacked.
        ReadOptions o;
        o.maxUncompressedBytes = 200 * 1024;
        const Error e = openFails(seedPath(QStringLiteral("raw_data.xlsx")), o);
        QCOMPARE(e.code, Error::Code::TooLarge);
        QVERIFY2(e.message.contains(u"\"raw_data.xlsx\" was not read: it unpacks to more than 200.0 kB"),
                 qPrintable(e.message));
    }

    void notAWorkbook()
    {
        const QString zip = path(QStringLiteral("photos.xlsx"));
        QVERIFY(writeZip(zip, {{QStringLiteral("readme.txt"), "hello"}, {QStringLiteral("a/b.bin"), "xyz"}}));
        Error e = openFails(zip);
        QCOMPARE(e.code, Error::Code::Format);
        QVERIFY2(e.message.contains(u"\"photos.xlsx\" is a zip archive, not an Excel workbook"), qPrintable(e.message));

        const QString docx = path(QStringLiteral("letter.docx"));
        QVERIFY(writeZip(docx, {{QStringLiteral("word/document.xml"), "<w:document/>"}}));
        e = openFails(docx);
        QCOMPARE(e.message, QStringLiteral("\"letter.docx\" is a Word document, not an Excel workbook."));
    }

    void encryptedEntries()
    {
        HandBook b;
        b.sheets = {sheetXml("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c></row>")};
        b.encrypt = true;
        const Error e = openFails(handBook(QStringLiteral("locked.xlsx"), b));
        QCOMPARE(e.code, Error::Code::Encrypted);
        QVERIFY2(e.message.contains(u"\"locked.xlsx\" is protected with a password"), qPrintable(e.message));
    }

    void absurdDimensions()
    {
        const QByteArray header = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c></row>";
        Error e = openFails(handSheet(QStringLiteral("dim.xlsx"), header, {}, "A1:ZZZZ99999999"));
        QCOMPARE(e.code, Error::Code::TooLarge);
        QVERIFY2(e.message.contains(u"Sheet \"Sheet1\" in \"dim.xlsx\" declares a size of A1:ZZZZ99999999"),
                 qPrintable(e.message));

        e = openFails(handSheet(QStringLiteral("far.xlsx"),
                                header + "<row r=\"2\"><c r=\"XFE2\"><v>1</v></c></row>"));
        QCOMPARE(e.code, Error::Code::TooLarge);
        QVERIFY2(e.message.contains(u"Sheet \"Sheet1\" in \"far.xlsx\" refers to cell XFE2"), qPrintable(e.message));

        e = openFails(handSheet(QStringLiteral("deep.xlsx"),
                                header + "<row r=\"2000000\"><c r=\"A2000000\"><v>1</v></c></row>"));
        QCOMPARE(e.code, Error::Code::TooLarge);
        QVERIFY2(e.message.contains(u"deep.xlsx") && e.message.contains(u"1,048,576 rows"), qPrintable(e.message));

        ReadOptions few;
        few.maxCells = 1000;
        e = openFails(seedPath(QStringLiteral("raw_data.xlsx")), few);
        QCOMPARE(e.code, Error::Code::TooLarge);
        QVERIFY2(e.message.contains(u"Sheet \"Raw Data\" in \"raw_data.xlsx\" has more than 1000 cells"),
                 qPrintable(e.message));
    }

    void mutatedWorkbooksFailCleanly()
    {
        // Damage the users' workbook in many small ways: every outcome is either a table or an
        // error that names the file; never a crash or a hang.
        const QFileInfo in(seedPath(QStringLiteral("raw_data.xlsx")));
        auto zip = ZipArchive::open(in.filePath(), in.fileName(), in.size(), in.lastModified());
        REQUIRE_OK(zip);
        const QStringList names = strings({"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                "xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/sharedStrings.xml"});
        ZipEntries parts;
        for (const QString &n : names) {
            auto data = (*zip)->readAll(n, ZipLimits{});
            REQUIRE_OK(data);
            parts.append({n, *data});
        }
        const QList<QByteArray> tokens{"<", ">", "\"", "'", "&", "&#x110000;", "<![CDATA[", "<!--", "</row>",
                                       "<row>", "<c>", "r=\"XFD9\"", " t=\"s\"", "<v>99999999</v>", "s=\"99999999\""};
        QRandomGenerator rng(20261130);
        int tables = 0, errors = 0;
        for (int i = 0; i < 40; ++i) {
            ZipEntries mutated = parts;
            QByteArray &data = mutated[2 + int(rng.bounded(5))].second;
            for (int k = 0, n = 1 + int(rng.bounded(4)); k < n; ++k) {
                const qsizetype pos = qsizetype(rng.bounded(quint32(data.size() + 1)));
                switch (rng.bounded(3)) {
                case 0: data.insert(pos, tokens[int(rng.bounded(quint32(tokens.size())))]); break;
                case 1: data.remove(pos, 1 + int(rng.bounded(40))); break;
                default: data.truncate(pos); break;
                }
            }
            const QString file = path(QStringLiteral("mutant%1.xlsx").arg(i));
            QVERIFY(writeZip(file, mutated));
            auto t = readTable(file);
            if (t.ok()) {
                ++tables;
            } else {
                ++errors;
                QVERIFY2(t.error().message.contains(QStringLiteral("mutant%1.xlsx").arg(i)),
                         qPrintable(t.error().toString()));
            }
        }
        QVERIFY(errors > 10);
        QCOMPARE(tables + errors, 40);
    }

    void damagedParts()
    {
        // A shared-string index past the end, and broken XML: both name the sheet and file.
        Error e = openFails(handSheet(QStringLiteral("sst.xlsx"),
                                      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
                                      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>7</v></c></row>",
                                      {"Head"}));
        QCOMPARE(e.code, Error::Code::Corrupt);
        QVERIFY2(e.message.contains(u"Sheet \"Sheet1\" in \"sst.xlsx\" is damaged: cell A2"), qPrintable(e.message));

        HandBook b;
        b.sheets = {"<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></row>"};
        e = openFails(handBook(QStringLiteral("xml.xlsx"), b));
        QCOMPARE(e.code, Error::Code::Corrupt);
        QVERIFY2(e.message.contains(u"Sheet \"Sheet1\" in \"xml.xlsx\" is damaged"), qPrintable(e.message));

        e = openFails(handSheet(QStringLiteral("empty.xlsx"), "<row r=\"3\"><c r=\"A3\" s=\"1\"/></row>"));
        QCOMPARE(e.message, QStringLiteral("Sheet \"Sheet1\" in \"empty.xlsx\" is empty: it has no rows to read."));
    }

    // ---- issue 9: the right table, error cells, durations, damage --------------------------------

    void headerlessSheets()
    {
        // a,0 / b,1: the first row holds data like the row below it: no header.
        auto t = readTable(handSheet(QStringLiteral("nohead.xlsx"),
                                     "<row r=\"1\"><c t=\"inlineStr\"><is><t>a</t></is></c><c><v>0</v></c></row>"
                                     "<row r=\"2\"><c t=\"inlineStr\"><is><t>b</t></is></c><c><v>1</v></c></row>"));
        REQUIRE_OK(t);
        QVERIFY(!t->info.hasHeader);
        QCOMPARE(columnNames(*t), strings({"Column 1", "Column 2"}));
        QCOMPARE(columnTexts(*t, 0), strings({"a", "b"}));
        QCOMPARE(t->columns[1].type, ColumnType::Integer);
        QCOMPARE(t->batches.front()->sourceLine(0), qint64(1));
        QVERIFY2(t->info.warnings.join(u'\n').contains(u"no header row was found"), qPrintable(t->info.warnings.join(u'\n')));

        // One row of numbers and dates is one data row; one row of words is a header.
        t = readTable(handSheet(QStringLiteral("onerow.xlsx"), "<row r=\"1\"><c><v>5</v></c><c s=\"1\"><v>44197</v></c></row>"));
        REQUIRE_OK(t);
        QVERIFY(!t->info.hasHeader);
        QCOMPARE(t->rowCount(), qint64(1));
        QCOMPARE(columnTexts(*t, 1), strings({"2021-01-01"}));
        t = readTable(handSheet(QStringLiteral("words.xlsx"), "<row r=\"1\"><c t=\"inlineStr\"><is><t>Name</t></is></c></row>"));
        REQUIRE_OK(t);
        QVERIFY(t->info.hasHeader);
        QCOMPARE(t->rowCount(), qint64(0));

        // A header over typed data is still a header.
        t = readTable(handSheet(QStringLiteral("head.xlsx"),
                                "<row r=\"1\"><c t=\"inlineStr\"><is><t>Name</t></is></c><c t=\"inlineStr\"><is><t>Qty</t></is></c></row>"
                                "<row r=\"2\"><c t=\"inlineStr\"><is><t>b</t></is></c><c><v>1</v></c></row>"));
        REQUIRE_OK(t);
        QVERIFY(t->info.hasHeader);
        QCOMPARE(columnNames(*t), strings({"Name", "Qty"}));
    }

    void metadataAboveTheTable()
    {
        // A bank export: account details in one or two cells, a blank row, then the table, a
        // blank row inside the data.
        auto text = [](const char *ref, const char *s) {
            return QByteArray("<c r=\"") + ref + "\" t=\"inlineStr\"><is><t>" + s + "</t></is></c>";
        };
        const QByteArray rows =
            "<row r=\"1\">" + text("A1", "Account name:") + text("B1", "ACME Ltd") + "</row>"
            "<row r=\"2\">" + text("A2", "Balance:") + "<c r=\"B2\"><v>1234.5</v></c></row>"
            "<row r=\"4\">" + text("A4", "Date") + text("B4", "Payee") + text("C4", "Amount") + "</row>"
            "<row r=\"5\"><c r=\"A5\" s=\"1\"><v>44197</v></c>" + text("B5", "Shop") + "<c r=\"C5\"><v>-12.5</v></c></row>"
            "<row r=\"6\"/>"
            "<row r=\"8\"><c r=\"A8\" s=\"1\"><v>44198</v></c>" + text("B8", "Rent") + "<c r=\"C8\"><v>-800</v></c></row>";
        const QString file = handSheet(QStringLiteral("bank.xlsx"), rows);
        ReadOptions o;
        o.batchRows = 1;
        auto reader = TableReader::open(file, o);
        REQUIRE_OK(reader);
        const SourceInfo &info = (*reader)->info();
        QVERIFY(info.hasHeader);
        QCOMPARE(info.skippedLines, 3);
        QCOMPARE((*reader)->columns().size(), 3);
        QCOMPARE((*reader)->columns()[0].name, QStringLiteral("Date"));
        QCOMPARE((*reader)->columns()[2].type, ColumnType::Decimal);
        QCOMPARE(info.skipped.size(), 1);
        QCOMPARE(info.skipped[0].reason, SkipReason::AboveHeader);
        QCOMPARE(info.skipped[0].count, qint64(3));
        QCOMPARE(info.skipped[0].examples, (QList<qint64>{1, 2, 3}));
        QVERIFY2(info.warnings.join(u'\n').contains(u"skipped 3 rows above the table (rows 1 to 3)"),
                 qPrintable(info.warnings.join(u'\n')));

        // Every row of the sheet is accounted for, in order: rows left out come with the batches.
        QList<QPair<qint64, int>> seen; // (row, -1 for data or the SkipReason)
        RowBatch batch;
        for (;;) {
            auto more = (*reader)->readBatch(batch, nullptr);
            REQUIRE_OK(more);
            for (const SkippedLine &l : batch.skipped())
                seen.append({l.line, int(l.reason)});
            for (int r = 0; r < batch.rowCount(); ++r)
                seen.append({batch.sourceLine(r), -1});
            if (!*more)
                break;
        }
        const int above = int(SkipReason::AboveHeader), blank = int(SkipReason::Blank);
        QCOMPARE(seen, (QList<QPair<qint64, int>>{{1, above}, {2, above}, {3, above}, {5, -1}, {6, blank},
                                                  {7, blank}, {8, -1}}));
        QCOMPARE((*reader)->info().skipped.size(), 2);
        QCOMPARE((*reader)->info().skipped[1].reason, SkipReason::Blank);
        QCOMPARE((*reader)->info().skipped[1].count, qint64(2));
    }

    void furtherTablesBelow()
    {
        auto text = [](const char *s) { return QByteArray("<c t=\"inlineStr\"><is><t>") + s + "</t></is></c>"; };
        const QByteArray rows =
            "<row r=\"1\">" + text("Date") + text("Amount") + "</row>"
            "<row r=\"2\"><c s=\"1\"><v>44197</v></c><c><v>10</v></c></row>"
            "<row r=\"3\"><c s=\"1\"><v>44198</v></c><c><v>12.5</v></c></row>"
            // A summary table under a blank row: words over the numbers and dates.
            "<row r=\"5\">" + text("Region") + text("Total") + "</row>"
            "<row r=\"6\">" + text("North") + "<c><v>5</v></c></row>"
            "<row r=\"8\">" + text("Checked by") + text("Date") + "</row>"
            "<row r=\"9\">" + text("ann") + text("today") + "</row>";
        auto t = readTable(handSheet(QStringLiteral("stacked.xlsx"), rows));
        REQUIRE_OK(t);
        QCOMPARE(columnNames(*t), strings({"Date", "Amount"}));
        QCOMPARE(t->rowCount(), qint64(2));
        QCOMPARE(t->columns[0].type, ColumnType::Date);
        QCOMPARE(t->columns[1].type, ColumnType::Decimal);
        QCOMPARE(t->info.moreTablesAt, (QList<qint64>{5, 8}));
        const auto after = std::find_if(t->info.skipped.begin(), t->info.skipped.end(),
                                        [](const SkippedSummary &s) { return s.reason == SkipReason::AfterTable; });
        QVERIFY(after != t->info.skipped.end());
        QCOMPARE(after->count, qint64(5)); // rows 5 to 9
        QCOMPARE(after->examples.front(), qint64(5));
        QVERIFY2(t->info.warnings.join(u'\n').contains(u"another table starts at row 5, 8; only the first table (rows 1 to 3)"),
                 qPrintable(t->info.warnings.join(u'\n')));

        // A row of words after a gap in a text column is data, not another table.
        t = readTable(handSheet(QStringLiteral("notes.xlsx"),
                                "<row r=\"1\">" + text("Name") + text("Note") + "</row><row r=\"2\">" + text("a") + text("b")
                                    + "</row><row r=\"4\">" + text("c") + text("d") + "</row>"));
        REQUIRE_OK(t);
        QCOMPARE(t->rowCount(), qint64(2));
        QVERIFY(t->info.moreTablesAt.isEmpty());
    }

    void footersLeftOut()
    {
        auto text = [](const char *s) { return QByteArray("<c t=\"inlineStr\"><is><t>") + s + "</t></is></c>"; };
        const QByteArray rows =
            "<row r=\"1\">" + text("Date") + text("Amount") + "</row>"
            "<row r=\"2\"><c s=\"1\"><v>44197</v></c><c><v>10</v></c></row>"
            // "Total" inside the data is data: rows follow it.
            "<row r=\"3\">" + text("Total so far") + "<c><v>10</v></c></row>"
            "<row r=\"4\"><c s=\"1\"><v>44198</v></c><c><v>12.5</v></c></row>"
            "<row r=\"6\">" + text("Total") + "<c><f>SUM(B2:B4)</f><v>32.5</v></c></row>"
            "<row r=\"7\">" + text("*** END ***") + "</row>";
        ReadOptions o;
        auto reader = TableReader::open(handSheet(QStringLiteral("footer.xlsx"), rows), o);
        REQUIRE_OK(reader);
        RowBatch batch;
        QList<QPair<qint64, int>> skipped;
        qint64 dataRows = 0;
        for (;;) {
            auto more = (*reader)->readBatch(batch, nullptr);
            REQUIRE_OK(more);
            for (const SkippedLine &l : batch.skipped())
                skipped.append({l.line, int(l.reason)});
            dataRows += batch.rowCount();
            if (!*more)
                break;
        }
        QCOMPARE(dataRows, qint64(3));
        QCOMPARE(skipped, (QList<QPair<qint64, int>>{{5, int(SkipReason::Blank)}, {6, int(SkipReason::Footer)},
                                                     {7, int(SkipReason::Footer)}}));
        const QString warnings = (*reader)->info().warnings.join(u'\n');
        QVERIFY2(warnings.contains(u"2 rows under the data (from row 6) read like a footer"), qPrintable(warnings));
        // The opening sample leaves the footer out too: the amounts stay numbers.
        auto t = readTable(handSheet(QStringLiteral("footer2.xlsx"), rows));
        REQUIRE_OK(t);
        QCOMPARE(t->columns[1].type, ColumnType::Decimal);
        QCOMPARE(t->columns[0].type, ColumnType::Text); // "Total so far" is data
    }

    void errorCellsAreValues()
    {
        const QByteArray rows =
            "<row r=\"1\"><c t=\"inlineStr\"><is><t>Id</t></is></c><c t=\"inlineStr\"><is><t>Price</t></is></c></row>"
            "<row r=\"2\"><c><v>1</v></c><c t=\"e\"><v>#N/A</v></c></row>"
            "<row r=\"3\"><c><v>2</v></c><c><v>4.5</v></c></row>"
            "<row r=\"4\"><c><v>3</v></c><c t=\"e\"><f>1/0</f><v>#DIV/0!</v></c></row>";
        auto t = readTable(handSheet(QStringLiteral("errors.xlsx"), rows));
        REQUIRE_OK(t);
        QCOMPARE(columnTexts(*t, 1), strings({"#N/A", "4.5", "#DIV/0!"}));
        QCOMPARE(columnValues(*t, 1).at(0).kind, Value::Kind::Error);
        QCOMPARE(t->columns[1].type, ColumnType::Decimal); // errors do not make it a text column

        // The data-quality report counts them per column, as errors, not blanks.
        analysis::DataQuality q;
        q.setColumns(t->columns, {true, true});
        for (const auto &b : t->batches)
            q.countBlanks(*b);
        analysis::AnalysisResult result;
        q.finish(analysis::Parameters{}, t->rowCount(), result);
        bool found = false;
        for (const auto &row : result.quality.rows) {
            if (row[0].text == u"blank cells" && row[1].text == u"Price")
                QCOMPARE(row[3].number, 0.0);
            if (row[0].text == u"error cells") {
                found = true;
                QCOMPARE(row[1].text, QStringLiteral("Price"));
                QCOMPARE(row[3].number, 2.0);
                QCOMPARE(row[5].text, QStringLiteral("2, 4"));
                QVERIFY(row[6].text.contains(u"#N/A"));
            }
        }
        QVERIFY(found);

        // A sheet of nothing but error cells is not empty.
        t = readTable(handSheet(QStringLiteral("allerrors.xlsx"),
                                "<row r=\"1\"><c t=\"e\"><v>#REF!</v></c><c t=\"e\"><v>#NAME?</v></c></row>"
                                "<row r=\"2\"><c t=\"e\"><v>#NUM!</v></c><c t=\"e\"><v>#NULL!</v></c></row>"));
        REQUIRE_OK(t);
        QCOMPARE(t->rowCount() + (t->info.hasHeader ? 1 : 0), qint64(2));
    }

    void durations()
    {
        const QByteArray rows =
            "<row r=\"1\"><c t=\"inlineStr\"><is><t>Task</t></is></c><c t=\"inlineStr\"><is><t>Time</t></is></c>"
            "<c t=\"inlineStr\"><is><t>Lap</t></is></c><c t=\"inlineStr\"><is><t>Built-in</t></is></c></row>"
            "<row r=\"2\"><c t=\"inlineStr\"><is><t>a</t></is></c><c s=\"5\"><v>10.6320601851852</v></c>"
            "<c s=\"6\"><v>0.00356481481481481</v></c><c s=\"7\"><v>1.5</v></c></row>";
        auto t = readTable(handSheet(QStringLiteral("durations.xlsx"), rows));
        REQUIRE_OK(t);
        QCOMPARE(columnTexts(*t, 1), strings({"255:10:10"}));
        QCOMPARE(columnTexts(*t, 2), strings({"05:08"}));
        QCOMPARE(columnTexts(*t, 3), strings({"36:00:00"}));
        QCOMPARE(t->columns[1].type, ColumnType::Text);
    }

    void crcAndBitFlipsRefused()
    {
        // A sheet stored uncompressed, with content after </sheetData> as Excel writes it.
        HandBook b;
        QByteArray sheet = sheetXml("<row r=\"1\"><c t=\"inlineStr\"><is><t>Amount</t></is></c></row>"
                                    "<row r=\"2\"><c><v>1000</v></c></row>");
        sheet.replace("</worksheet>", "<pageMargins left=\"0.7\" right=\"0.7\"/></worksheet>");
        b.sheets = {sheet};
        const QString good = path(QStringLiteral("stored.xlsx"));
        QVERIFY(writeHandBook(good, b, 0));
        REQUIRE_OK(readTable(good));
        const QByteArray bytes = readAll(good);

        // One flipped bit in a value: 1000 becomes 1001.
        QByteArray flipped = bytes;
        const qsizetype at = flipped.indexOf("<v>1000</v>");
        QVERIFY(at > 0);
        flipped[at + 6] = char(flipped[at + 6] ^ 1);
        Error e = openOrReadFails(writeFixture(path(QStringLiteral("flipped.xlsx")), flipped));
        QCOMPARE(e.code, Error::Code::Corrupt);
        QVERIFY2(e.message.contains(u"\"flipped.xlsx\" is damaged"), qPrintable(e.toString()));

        // A wrong checksum, the same in both headers: found at the end of the entry, past the data.
        QByteArray crc = bytes;
        QVERIFY(patchCentralDirectory(crc, "xl/worksheets/sheet1.xml", 16, 0x12345678));
        QVERIFY(patchLocalHeader(crc, "xl/worksheets/sheet1.xml", 14, 0x12345678));
        e = openOrReadFails(writeFixture(path(QStringLiteral("crc.xlsx")), crc));
        QCOMPARE(e.code, Error::Code::Corrupt);
        QVERIFY2(e.message.contains(u"\"crc.xlsx\" is damaged") && e.detail.contains(u"checksum"), qPrintable(e.toString()));
        // Only in the directory: the headers disagree.
        QByteArray directory = bytes;
        QVERIFY(patchCentralDirectory(directory, "xl/worksheets/sheet1.xml", 16, 0x12345678));
        e = openOrReadFails(writeFixture(path(QStringLiteral("crc2.xlsx")), directory));
        QCOMPARE(e.code, Error::Code::Corrupt);
    }

    void nonsenseRefused()
    {
        const QByteArray head = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c></row>";
        // A0 names no cell: it would overwrite A1.
        Error e = openOrReadFails(handSheet(QStringLiteral("a0.xlsx"), head + "<row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"A0\"><v>2</v></c></row>"));
        QCOMPARE(e.code, Error::Code::Corrupt);
        QVERIFY2(e.toString().contains(u"\"A0\""), qPrintable(e.toString()));
        e = openOrReadFails(handSheet(QStringLiteral("twice.xlsx"), head + "<row r=\"2\"><c r=\"B2\"><v>1</v></c><c r=\"B2\"><v>2</v></c></row>"));
        QVERIFY2(e.toString().contains(u"cell B2 comes again"), qPrintable(e.toString()));

        // A shared-string index must be a whole number.
        e = openOrReadFails(handSheet(QStringLiteral("half.xlsx"), head + "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>0.5</v></c></row>", {"a"}));
        QCOMPARE(e.code, Error::Code::Corrupt);
        QVERIFY2(e.message.contains(u"cell A2") && e.detail.contains(u"\"0.5\""), qPrintable(e.toString()));

        // <v/> in a shared-string cell is an empty cell.
        auto t = readTable(handSheet(QStringLiteral("emptyv.xlsx"),
                                     head + "<row r=\"2\"><c r=\"A2\" t=\"s\"><v/></c><c r=\"B2\"><v>3</v></c></row>", {"a"}));
        REQUIRE_OK(t);
        QVERIFY(columnValues(*t, 0).front().isBlank());

        // An undefined entity: refused in shared strings (XML says so), kept with a warning in cells.
        HandBook b;
        b.sheets = {sheetXml(head)};
        b.sstXml = "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>a&foo;b</t></si></sst>";
        e = openOrReadFails(handBook(QStringLiteral("entity.xlsx"), b));
        QCOMPARE(e.code, Error::Code::Corrupt);
        QVERIFY2(e.detail.contains(u"foo"), qPrintable(e.toString()));
        t = readTable(handSheet(QStringLiteral("entity2.xlsx"),
                                head + "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>a&foo;b</t></is></c></row>"));
        REQUIRE_OK(t);
        QCOMPARE(columnTexts(*t, 0), strings({"a&foo;b"}));
        QVERIFY2(t->info.warnings.join(u'\n').contains(u"not define"), qPrintable(t->info.warnings.join(u'\n')));
    }

    void longCellsCut()
    {
        // 100,000 characters split by comments into one cell: cut to Excel's 32,767, with a warning.
        HandBook b;
        const QByteArray piece = QByteArray(1000, 'x') + "<!-- -->";
        b.sheets = {sheetXml("<row r=\"1\"><c t=\"inlineStr\"><is><t>Note</t></is></c></row>"
                             "<row r=\"2\"><c t=\"inlineStr\"><is><t>" + piece.repeated(100) + "</t></is></c></row>")};
        b.sstXml = "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>"
            + QByteArray(40000, 'y') + "</t></si></sst>";
        auto t = readTable(handBook(QStringLiteral("long.xlsx"), b));
        REQUIRE_OK(t);
        QCOMPARE(columnTexts(*t, 0).front().size(), 32767);
        const QString warnings = t->info.warnings.join(u'\n');
        QVERIFY2(warnings.contains(u"1 cell held more than Excel's 32,767 characters (the first at A2)"), qPrintable(warnings));
        QVERIFY2(warnings.contains(u"1 item of the workbook's shared text"), qPrintable(warnings));
    }

    void otherFormatsNamed()
    {
        const QString expected = QStringLiteral("a format finpipe does not read yet");
        // By name, whatever the content.
        Error e = openFails(writeFixture(path(QStringLiteral("book.xlsb")), "not really"));
        QCOMPARE(e.code, Error::Code::Unsupported);
        QVERIFY2(e.message.contains(expected) && e.message.contains(u".xlsx"), qPrintable(e.message));
        e = openFails(writeFixture(path(QStringLiteral("book.ods")), "garbage"));
        QVERIFY2(e.message.contains(expected) && e.message.contains(u"OpenDocument"), qPrintable(e.message));
        // By content, whatever the name.
        const QString ods = path(QStringLiteral("calc.xlsx"));
        QVERIFY(writeZip(ods, {{QStringLiteral("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"},
                               {QStringLiteral("content.xml"), "<office:document-content/>"}}));
        e = openFails(ods);
        QCOMPARE(e.code, Error::Code::Unsupported);
        QVERIFY2(e.message.contains(expected) && e.message.contains(u"OpenDocument"), qPrintable(e.message));
        const QString xlsb = path(QStringLiteral("binary.xlsx"));
        QVERIFY(writeZip(xlsb, {{QStringLiteral("_rels/.rels"),
                                 "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                                 "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
                                 "Target=\"xl/workbook.bin\"/></Relationships>"},
                                {QStringLiteral("xl/workbook.bin"), QByteArray(64, '\x01')}}));
        e = openFails(xlsb);
        QCOMPARE(e.code, Error::Code::Unsupported);
        QVERIFY2(e.message.contains(expected) && e.message.contains(u".xlsb"), qPrintable(e.message));

        // Part names written with backslashes are read.
        HandBook b;
        b.sheets = {sheetXml("<row r=\"1\"><c t=\"inlineStr\"><is><t>Name</t></is></c></row>"
                             "<row r=\"2\"><c t=\"inlineStr\"><is><t>ok</t></is></c></row>")};
        ZipEntries entries = handBookEntries(b);
        for (auto &entry : entries)
            entry.first.replace(u'/', u'\\');
        const QString windows = path(QStringLiteral("windows.xlsx"));
        QVERIFY(writeZip(windows, entries));
        auto t = readTable(windows);
        REQUIRE_OK(t);
        QCOMPARE(columnTexts(*t, 0), strings({"ok"}));
    }
};

QTEST_GUILESS_MAIN(TestXlsxReader)
#include "tst_xlsxreader.moc"
