#include "ingest/reader.h"
#include "ingest/sha256.h"
#include "ingest/valueparser.h"

#include "testutil.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace finpipe;
using namespace finpipe::ingest;

namespace {

qint64 dayMs(int y, int m, int d)
{
    return values::daysFromCivil(y, m, d) * values::kMsecsPerDay;
}

QString errorText(const Error &e)
{
    return e.toString();
}

//! The clean table every messy variant is written from.
struct CleanRow {
    QString name;
    int y, m, d;
    double amount;
    QString amountPoint;  //!< as written with a decimal point
    QString amountComma;  //!< as written with a decimal comma
    qint64 count;
    bool active;
};

const QList<CleanRow> &cleanRows()
{
    static const QList<CleanRow> rows{
        {QStringLiteral("Caf\u00e9 Ltd"), 2024, 1, 15, 1234.5, QStringLiteral("\u20ac1,234.50"),
         QStringLiteral("1.234,50 \u20ac"), 3, true},
        {QStringLiteral("Smith, \"Jr\""), 2024, 2, 3, -56.25, QStringLiteral("(56.25)"),
         QStringLiteral("(56,25)"), 0, false},
        {QStringLiteral("Line one\nLine two"), 2024, 12, 31, 1000000, QStringLiteral("1,000,000"),
         QStringLiteral("1.000.000"), 42, true},
        {QStringLiteral("Plain; simple | text"), 2024, 3, 4, 0.5, QStringLiteral("0.50"),
         QStringLiteral("0,50"), 7, false},
        {QStringLiteral("\u00dcn\u00efcode \u20ac"), 2024, 11, 20, 99.99, QStringLiteral("99.99 USD"),
         QStringLiteral("99,99 USD"), -1, true},
    };
    return rows;
}

enum class Enc { Utf8, Utf8Bom, Cp1252, Utf16LE, Utf16BE };
enum class DateFmt { Iso, Dmy, Mdy, Dotted };

struct Variant {
    char delimiter = ',';
    bool decimalComma = false;
    Enc encoding = Enc::Utf8;
    QString eol = QStringLiteral("\n");
    DateFmt dates = DateFmt::Iso;
    bool junk = false;
    bool header = true;
};

QString formatDate(const CleanRow &r, DateFmt f)
{
    auto two = [](int v) { return QStringLiteral("%1").arg(v, 2, 10, QLatin1Char('0')); };
    switch (f) {
    case DateFmt::Iso: return QStringLiteral("%1-%2-%3").arg(r.y).arg(two(r.m), two(r.d));
    case DateFmt::Dmy: return QStringLiteral("%1/%2/%3").arg(two(r.d), two(r.m)).arg(r.y);
    case DateFmt::Mdy: return QStringLiteral("%1/%2/%3").arg(two(r.m), two(r.d)).arg(r.y);
    case DateFmt::Dotted: return QStringLiteral("%1.%2.%3").arg(two(r.d), two(r.m)).arg(r.y);
    }
    return {};
}

QString csvField(const QString &v, char delimiter)
{
    if (v.contains(QLatin1Char(delimiter)) || v.contains(u'"') || v.contains(u'\n') || v.contains(u'\r')) {
        QString q = v;
        q.replace(QStringLiteral("\""), QStringLiteral("\"\""));
        return u'"' + q + u'"';
    }
    return v;
}

QByteArray encode(const QString &text, Enc enc)
{
    switch (enc) {
    case Enc::Utf8: return text.toUtf8();
    case Enc::Utf8Bom: return QByteArray("\xEF\xBB\xBF") + text.toUtf8();
    case Enc::Cp1252: {
        QByteArray out;
        for (QChar c : text) {
            if (c.unicode() == 0x20ac)
                out += char(0x80);
            else {
                Q_ASSERT(c.unicode() < 0x100);
                out += char(c.unicode());
            }
        }
        return out;
    }
    case Enc::Utf16LE:
    case Enc::Utf16BE: {
        const bool le = enc == Enc::Utf16LE;
        QByteArray out = le ? QByteArray("\xFF\xFE") : QByteArray("\xFE\xFF");
        for (QChar c : text) {
            const char lo = char(c.unicode() & 0xff), hi = char(c.unicode() >> 8);
            out += le ? lo : hi;
            out += le ? hi : lo;
        }
        return out;
    }
    }
    return {};
}

QByteArray writeVariant(const Variant &v)
{
    QString text;
    if (v.junk)
        text += QStringLiteral("Monthly statement") + v.eol + QStringLiteral("Generated 2025-01-02 by ACME Bank")
                + v.eol + v.eol;
    const QString d = QString(QLatin1Char(v.delimiter));
    if (v.header)
        text += QStringList{QStringLiteral("Name"), QStringLiteral("Date"), QStringLiteral("Amount"),
                            QStringLiteral("Count"), QStringLiteral("Active")}
                    .join(d)
                + v.eol;
    for (const CleanRow &r : cleanRows()) {
        const QStringList fields{csvField(r.name, v.delimiter), formatDate(r, v.dates),
                                 csvField(v.decimalComma ? r.amountComma : r.amountPoint, v.delimiter),
                                 QString::number(r.count),
                                 r.active ? QStringLiteral("true") : QStringLiteral("FALSE")};
        text += fields.join(d) + v.eol;
    }
    return encode(text, v.encoding);
}

} // namespace

Q_DECLARE_METATYPE(Variant)

class TestCsvReader : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString writeFile(const QString &name, const QByteArray &content)
    {
        return test::writeFixture(m_dir.filePath(name), content);
    }

    static const Value &cell(const Table &t, qint64 row, int column)
    {
        for (const auto &b : t.batches) {
            if (row < b->rowCount())
                return b->at(int(row), column);
            row -= b->rowCount();
        }
        qFatal("row out of range");
    }

    static qint64 sourceLine(const Table &t, qint64 row)
    {
        for (const auto &b : t.batches) {
            if (row < b->rowCount())
                return b->sourceLine(int(row));
            row -= b->rowCount();
        }
        return -1;
    }

    static ColumnType typeOf(const Table &t, const QString &name)
    {
        const int i = t.columnIndex(name);
        if (i < 0)
            qFatal("no such column");
        return t.columns[i].type;
    }

private Q_SLOTS:
    void fintechSalesGolden()
    {
        const QString path = test::seedPath(QStringLiteral("fintech_sales.csv"));
        auto table = readTable(path);
        QVERIFY2(table.ok(), qPrintable(table.ok() ? QString() : errorText(table.error())));
        QCOMPARE(table->rowCount(), 10000);
        QCOMPARE(table->columns.size(), 19);
        QCOMPARE(table->info.encoding, QStringLiteral("UTF-8"));
        QCOMPARE(table->info.delimiter, QChar(u','));
        QVERIFY(table->info.hasHeader);
        QVERIFY(!table->info.decimalComma);
        QCOMPARE(table->columns[0].name, QStringLiteral("order_id"));
        QCOMPARE(typeOf(*table, QStringLiteral("order_date")), ColumnType::Date);
        QCOMPARE(typeOf(*table, QStringLiteral("quantity")), ColumnType::Integer);
        QCOMPARE(typeOf(*table, QStringLiteral("revenue")), ColumnType::Decimal);
        QCOMPARE(typeOf(*table, QStringLiteral("unit_price")), ColumnType::Decimal);
        QCOMPARE(typeOf(*table, QStringLiteral("fraud_flag")), ColumnType::Integer);
        QCOMPARE(typeOf(*table, QStringLiteral("interest_rate")), ColumnType::Decimal);
        QCOMPARE(typeOf(*table, QStringLiteral("region")), ColumnType::Text);
        QCOMPARE(typeOf(*table, QStringLiteral("currency")), ColumnType::Text);
        // First data row: ORD100000,2025-08-22,...,2,7840.97,15681.94,...
        QCOMPARE(cell(*table, 0, 0).toString(), QStringLiteral("ORD100000"));
        QCOMPARE(cell(*table, 0, 1).kind, Value::Kind::Date);
        QCOMPARE(cell(*table, 0, 1).msecs, dayMs(2025, 8, 22));
        QCOMPARE(cell(*table, 0, table->columnIndex(QStringLiteral("revenue"))).number, 15681.94);
        QCOMPARE(sourceLine(*table, 0), 2);
        QCOMPARE(sourceLine(*table, 9999), 10001);
        // Dates stay within the documented range; ~75% of interest rates are blank.
        const int date = table->columnIndex(QStringLiteral("order_date"));
        const int rate = table->columnIndex(QStringLiteral("interest_rate"));
        const int fraud = table->columnIndex(QStringLiteral("fraud_flag"));
        qint64 minDate = std::numeric_limits<qint64>::max(), maxDate = 0, blanks = 0, frauds = 0;
        for (qint64 r = 0; r < 10000; ++r) {
            minDate = std::min(minDate, cell(*table, r, date).msecs);
            maxDate = std::max(maxDate, cell(*table, r, date).msecs);
            blanks += cell(*table, r, rate).isBlank();
            frauds += cell(*table, r, fraud).number == 1;
        }
        QVERIFY(minDate >= dayMs(2024, 1, 1));
        QVERIFY(maxDate <= dayMs(2025, 10, 1));
        QVERIFY(blanks > 6500 && blanks < 8500);
        QVERIFY(frauds > 100 && frauds < 350);
        auto expected = sha256File(path);
        QCOMPARE(table->info.sha256, *expected);
        QVERIFY2(table->info.warnings.isEmpty(), qPrintable(table->info.warnings.join(u'\n')));
    }

    void syntheticRawGolden()
    {
        auto table = readTable(test::seedPath(QStringLiteral("synthetic_raw_data.csv")));
        QVERIFY(table.ok());
        QCOMPARE(table->rowCount(), 1440);
        QCOMPARE(table->columns.size(), 4);
        QCOMPARE(typeOf(*table, QStringLiteral("Date_Time")), ColumnType::Date);
        QCOMPARE(typeOf(*table, QStringLiteral("Result")), ColumnType::Decimal);
        QCOMPARE(typeOf(*table, QStringLiteral("PCode")), ColumnType::Text);
        qint64 blankResults = 0;
        QSet<QString> stations;
        for (qint64 r = 0; r < 1440; ++r) {
            blankResults += cell(*table, r, 3).isBlank();
            stations.insert(cell(*table, r, 0).toString());
        }
        QCOMPARE(blankResults, 84);
        QCOMPARE(stations, (QSet<QString>{QStringLiteral("CT"), QStringLiteral("TUS")}));
        QCOMPARE(cell(*table, 0, 1).msecs, dayMs(2021, 1, 1));
        QCOMPARE(cell(*table, 0, 3).number, 13.993428306022466);
    }

    void messyVariantsReadToTheSameValues_data()
    {
        QTest::addColumn<Variant>("variant");
        QTest::addColumn<QString>("encoding");
        const auto add = [](const char *name, Variant v, const char *enc) {
            QTest::newRow(name) << v << QString::fromLatin1(enc);
        };
        add("comma LF UTF-8", Variant{}, "UTF-8");
        add("semicolon decimal comma", Variant{';', true}, "UTF-8");
        add("tab", Variant{'\t'}, "UTF-8");
        add("pipe", Variant{'|'}, "UTF-8");
        add("Windows-1252", Variant{',', false, Enc::Cp1252}, "Windows-1252");
        add("Windows-1252 semicolon", Variant{';', true, Enc::Cp1252}, "Windows-1252");
        add("UTF-16LE BOM", Variant{',', false, Enc::Utf16LE}, "UTF-16LE");
        add("UTF-16BE BOM", Variant{';', true, Enc::Utf16BE}, "UTF-16BE");
        add("UTF-8 BOM", Variant{',', false, Enc::Utf8Bom}, "UTF-8 (BOM)");
        add("CRLF", Variant{',', false, Enc::Utf8, QStringLiteral("\r\n")}, "UTF-8");
        add("CR", Variant{',', false, Enc::Utf8, QStringLiteral("\r")}, "UTF-8");
        add("dd/mm dates", Variant{',', false, Enc::Utf8, QStringLiteral("\n"), DateFmt::Dmy}, "UTF-8");
        add("mm/dd dates", Variant{',', false, Enc::Utf8, QStringLiteral("\n"), DateFmt::Mdy}, "UTF-8");
        add("dd.mm.yyyy dates", Variant{';', true, Enc::Utf8, QStringLiteral("\n"), DateFmt::Dotted}, "UTF-8");
        add("junk above header", Variant{',', false, Enc::Utf8, QStringLiteral("\r\n"), DateFmt::Iso, true}, "UTF-8");
        add("no header", Variant{';', true, Enc::Utf8, QStringLiteral("\n"), DateFmt::Dmy, false, false}, "UTF-8");
    }

    void messyVariantsReadToTheSameValues()
    {
        QFETCH(Variant, variant);
        QFETCH(QString, encoding);
        const QString path = writeFile(QStringLiteral("variant.csv"), writeVariant(variant));
        auto table = readTable(path);
        QVERIFY2(table.ok(), qPrintable(table.ok() ? QString() : errorText(table.error())));
        QCOMPARE(table->info.encoding, encoding);
        QCOMPARE(table->info.delimiter, QChar(QLatin1Char(variant.delimiter)));
        QCOMPARE(table->info.decimalComma, variant.decimalComma);
        QCOMPARE(table->info.hasHeader, variant.header);
        QCOMPARE(table->info.skippedLines, variant.junk ? 3 : 0);
        QCOMPARE(table->columns.size(), 5);
        QCOMPARE(table->rowCount(), cleanRows().size());
        QCOMPARE(table->columns[0].name, variant.header ? QStringLiteral("Name") : QStringLiteral("Column 1"));
        QCOMPARE(table->columns[0].type, ColumnType::Text);
        QCOMPARE(table->columns[1].type, ColumnType::Date);
        QCOMPARE(table->columns[2].type, ColumnType::Decimal);
        QCOMPARE(table->columns[3].type, ColumnType::Integer);
        QCOMPARE(table->columns[4].type, ColumnType::Boolean);
        for (int r = 0; r < cleanRows().size(); ++r) {
            const CleanRow &row = cleanRows()[r];
            QCOMPARE(cell(*table, r, 0).toString(), row.name);
            QCOMPARE(cell(*table, r, 1).msecs, dayMs(row.y, row.m, row.d));
            QCOMPARE(cell(*table, r, 2).number, row.amount);
            QCOMPARE(cell(*table, r, 3).number, double(row.count));
            QCOMPARE(cell(*table, r, 4).kind, Value::Kind::Boolean);
            QCOMPARE(cell(*table, r, 4).number, row.active ? 1.0 : 0.0);
        }
        // The record after the quoted line break starts two lines further down.
        const qint64 first = (variant.junk ? 3 : 0) + (variant.header ? 1 : 0) + 1;
        QCOMPARE(sourceLine(*table, 0), first);
        QCOMPARE(sourceLine(*table, 3), first + 4);
        QCOMPARE(table->info.warnings.filter(QStringLiteral("No header")).size(), variant.header ? 0 : 1);
        QCOMPARE(table->info.sha256, *sha256File(path));
    }

    void ambiguousDatesAreDayFirstWithAWarning()
    {
        const QString path = writeFile(QStringLiteral("ambiguous.csv"),
                                       "Booked,Amount\n03/04/2024,1\n05/06/2024,2\n11/12/2024,3\n");
        auto table = readTable(path);
        QVERIFY(table.ok());
        QCOMPARE(table->columns[0].type, ColumnType::Date);
        QCOMPARE(cell(*table, 0, 0).msecs, dayMs(2024, 4, 3));
        const QStringList w = table->info.warnings.filter(QStringLiteral("\"Booked\""));
        QCOMPARE(w.size(), 1);
        QVERIFY(w.first().contains(u"day/month"));
    }

    void mixedDayMonthOrderIsText()
    {
        const QString path = writeFile(QStringLiteral("mixed.csv"), "When,Amount\n25/01/2024,1\n01/25/2024,2\n");
        auto table = readTable(path);
        QVERIFY(table.ok());
        QCOMPARE(table->columns[0].type, ColumnType::Text);
        QCOMPARE(table->info.warnings.filter(QStringLiteral("\"When\"")).size(), 1);
    }

    void datesWithTimesAreDateTimes()
    {
        const QString path = writeFile(QStringLiteral("times.csv"),
                                       "Station_ID,Date_Time,Result\nCT,2021-01-01 00:00:00,1.5\n"
                                       "CT,2021-01-01T13:30,2\n");
        auto table = readTable(path);
        QVERIFY(table.ok());
        QCOMPARE(table->columns[1].type, ColumnType::DateTime);
        QCOMPARE(cell(*table, 1, 1).msecs, dayMs(2021, 1, 1) + (13 * 60 + 30) * 60000);
    }

    void typesWidenWhileReading()
    {
        // The sample types "n" as integer and "code" as integer; later rows widen them.
        QByteArray csv = "n,code,empty\n";
        for (int i = 0; i < 3000; ++i)
            csv += QByteArray::number(i) + ',' + QByteArray::number(i) + ",\n";
        csv += "2.5,X-1,\n";
        // A row that fits follows: the one above is data, not a footer.
        csv += "3001,3001,\n";
        const QString path = writeFile(QStringLiteral("widen.csv"), csv);
        ReadOptions small;
        small.batchRows = 1000;
        auto table = readTable(path, small);
        QVERIFY(table.ok());
        QCOMPARE(table->rowCount(), 3002);
        QCOMPARE(table->columns[0].type, ColumnType::Decimal);
        QCOMPARE(table->columns[1].type, ColumnType::Text);
        QCOMPARE(table->columns[2].type, ColumnType::Text); // all blank
        QCOMPARE(cell(*table, 3000, 0).number, 2.5);
        QCOMPARE(cell(*table, 3000, 1).toString(), QStringLiteral("X-1"));
        const QStringList w = table->info.warnings.filter(QStringLiteral("\"code\""));
        QCOMPARE(w.size(), 1);
        QVERIFY(w.first().contains(u"line 3002"));
    }

    void wrongFieldCountsAreReportedWithLines()
    {
        const QString path = writeFile(QStringLiteral("ragged.csv"),
                                       "a,b,c\n1,2,3\n4,5\n\n6,7,8,9\n10,11,12,\n13\n14,15,16\n");
        auto table = readTable(path);
        QVERIFY(table.ok());
        // Short rows kept with blanks; the over-long row left out; a trailing delimiter is harmless.
        QCOMPARE(table->rowCount(), 5);
        QCOMPARE(cell(*table, 1, 0).number, 4.0);
        QVERIFY(cell(*table, 1, 2).isBlank());
        QCOMPARE(cell(*table, 2, 0).number, 10.0);
        QCOMPARE(sourceLine(*table, 2), 6);
        const QStringList fewer = table->info.warnings.filter(QStringLiteral("fewer fields"));
        QCOMPARE(fewer.size(), 1);
        QVERIFY2(fewer.first().startsWith(u"2 row(s)") && fewer.first().contains(u"lines 3, 7"),
                 qPrintable(fewer.first()));
        const QStringList more = table->info.warnings.filter(QStringLiteral("more fields"));
        QCOMPARE(more.size(), 1);
        QVERIFY2(more.first().startsWith(u"1 row(s)") && more.first().contains(u"lines 5"),
                 qPrintable(more.first()));
    }

    void quotedFieldsAndBlankLines()
    {
        const QString path = writeFile(QStringLiteral("quoted.csv"),
                                       "id,note\r\n1,\"a, b\"\r\n\r\n2,\"say \"\"hi\"\"\"\r\n3,\"two\r\nlines\"\r\n4,x\r\n");
        auto table = readTable(path);
        QVERIFY(table.ok());
        QCOMPARE(table->rowCount(), 4);
        QCOMPARE(cell(*table, 0, 1).toString(), QStringLiteral("a, b"));
        QCOMPARE(cell(*table, 1, 1).toString(), QStringLiteral("say \"hi\""));
        QCOMPARE(cell(*table, 2, 1).toString(), QStringLiteral("two\r\nlines"));
        QCOMPARE(sourceLine(*table, 1), 4);
        QCOMPARE(sourceLine(*table, 3), 7);
    }

    void invalidUtf8LaterInTheFileIsWindows1252()
    {
        // The first megabyte is plain ASCII; an "é" in Windows-1252 comes after it.
        QByteArray csv = "name,value\n";
        while (csv.size() < (2 << 20))
            csv += "plain,1\n";
        csv += "caf\xE9,2\n";
        const QString path = writeFile(QStringLiteral("late.csv"), csv);
        auto table = readTable(path);
        QVERIFY(table.ok());
        QCOMPARE(cell(*table, table->rowCount() - 1, 0).toString(), QStringLiteral("caf\u00e9"));
        QCOMPARE(table->info.warnings.filter(QStringLiteral("Windows-1252")).size(), 1);
    }

    void largeFileHashProgressAndSample()
    {
        QByteArray csv = "Station_ID,Date_Time,PCode,Result\n";
        int rows = 0;
        while (csv.size() < (6 << 20)) {
            csv += (rows % 2 ? "CT," : "TUS,") + QByteArray("2021-01-0") + QByteArray::number(1 + rows % 9)
                   + " 10:00:00,Data " + QByteArray::number(1 + rows % 24) + ','
                   + QByteArray::number(rows * 0.25) + '\n';
            ++rows;
        }
        const QString path = writeFile(QStringLiteral("large.csv"), csv);
        ReadOptions options;
        options.batchRows = 10000;
        auto reader = TableReader::open(path, options);
        QVERIFY(reader.ok());
        QCOMPARE((*reader)->columns()[1].type, ColumnType::DateTime);

        // The sample mixes the start with rows from further in, and does not consume the stream.
        RowBatch sample;
        QVERIFY(*(*reader)->readSample(sample, 400));
        QCOMPARE(sample.rowCount(), 400);
        QCOMPARE(sample.sourceLine(0), 2);
        QCOMPARE(sample.sourceLine(399), 0); // sampled mid-file: line unknown
        QVERIFY(sample.at(399, 3).number > 1000);

        Feedback fb;
        RowBatch batch;
        qint64 total = 0;
        bool firstBatch = true;
        for (;;) {
            auto more = (*reader)->readBatch(batch, &fb);
            QVERIFY(more.ok());
            if (firstBatch) {
                QCOMPARE(batch.sourceLine(0), 2);
                QCOMPARE(batch.at(0, 0).toString(), QStringLiteral("TUS"));
                firstBatch = false;
            }
            QVERIFY(batch.rowCount() <= 10000);
            total += batch.rowCount();
            if (!*more)
                break;
        }
        QCOMPARE(total, rows);
        QCOMPARE((*reader)->rowsRead(), rows);
        QCOMPARE(fb.rows(), rows);
        QCOMPARE(fb.done(), csv.size());
        QCOMPARE((*reader)->info().sha256, *sha256File(path));
    }

    void utf16SampleFromOffsetsStaysAligned()
    {
        QString text = QStringLiteral("Station_ID,Date_Time,PCode,Result\r\n");
        int rows = 0;
        while (text.size() < (2 << 20)) {
            text += QStringLiteral("%1,2021-02-%2,Data %3,%4.5\r\n")
                        .arg(rows % 2 ? u"CT" : u"T\u00dcS")
                        .arg(1 + rows % 28, 2, 10, QLatin1Char('0'))
                        .arg(1 + rows % 24)
                        .arg(rows);
            ++rows;
        }
        const QString path = writeFile(QStringLiteral("utf16.csv"), encode(text, Enc::Utf16LE));
        auto reader = TableReader::open(path);
        QVERIFY(reader.ok());
        QCOMPARE((*reader)->info().encoding, QStringLiteral("UTF-16LE"));
        RowBatch sample;
        QVERIFY(*(*reader)->readSample(sample, 600));
        int fromOffsets = 0;
        for (int r = 0; r < sample.rowCount(); ++r) {
            const QString station = sample.at(r, 0).toString();
            QVERIFY2(station == u"CT" || station == u"T\u00dcS", qPrintable(station));
            QCOMPARE(sample.at(r, 1).kind, Value::Kind::Date);
            QCOMPARE(sample.at(r, 3).kind, Value::Kind::Decimal);
            fromOffsets += sample.sourceLine(r) == 0;
        }
        QVERIFY(fromOffsets > 100);
        RowBatch batch;
        qint64 total = 0;
        for (;;) {
            auto more = (*reader)->readBatch(batch);
            QVERIFY(more.ok());
            total += batch.rowCount();
            if (!*more)
                break;
        }
        QCOMPARE(total, rows);
    }

    void utf16WithoutBomAndSingleQuotes()
    {
        const QByteArray le = encode(QStringLiteral("a,b\n1,x\n"), Enc::Utf16LE).mid(2);
        auto table = readTable(writeFile(QStringLiteral("nobom.csv"), le));
        QVERIFY(table.ok());
        QCOMPARE(table->info.encoding, QStringLiteral("UTF-16LE"));
        QCOMPARE(cell(*table, 0, 1).toString(), QStringLiteral("x"));

        table = readTable(writeFile(QStringLiteral("single.csv"), "name,n\n'Smith, J',1\n'Doe, A',2\n"));
        QVERIFY(table.ok());
        QCOMPARE(table->info.quote, QChar(u'\''));
        QCOMPARE(table->columns.size(), 2);
        QCOMPARE(cell(*table, 0, 0).toString(), QStringLiteral("Smith, J"));
    }

    void cancellationStopsReading()
    {
        const QString path = writeFile(QStringLiteral("cancel.csv"), "a,b\n1,2\n3,4\n");
        auto reader = TableReader::open(path);
        QVERIFY(reader.ok());
        Feedback fb;
        fb.cancel();
        RowBatch batch;
        auto more = (*reader)->readBatch(batch, &fb);
        QVERIFY(!more.ok());
        QCOMPARE(more.error().code, Error::Code::Cancelled);
    }

    // Bad input: each case gets a message that names the file.

    void emptyFile()
    {
        for (const QByteArray &content : {QByteArray(), QByteArray("\xEF\xBB\xBF\r\n\n  \n")}) {
            auto r = TableReader::open(writeFile(QStringLiteral("empty.csv"), content));
            QVERIFY(!r.ok());
            QCOMPARE(r.error().code, Error::Code::Unreadable);
            QVERIFY2(r.error().message.contains(u"\"empty.csv\" is empty"), qPrintable(r.error().message));
        }
    }

    void binaryGarbage()
    {
        QByteArray junk(64 * 1024, Qt::Uninitialized);
        quint32 x = 12345;
        for (char &c : junk) {
            x = x * 1103515245u + 12345u;
            c = char(x >> 24);
        }
        junk[0] = 'x'; // not a known magic number
        auto r = TableReader::open(writeFile(QStringLiteral("garbage.csv"), junk));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::Format);
        QVERIFY2(r.error().message.contains(u"\"garbage.csv\" does not look like a text/CSV file"),
                 qPrintable(r.error().message));
    }

    void missingFile()
    {
        auto r = TableReader::open(m_dir.filePath(QStringLiteral("nope.csv")));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::NotFound);
        QVERIFY(r.error().message.contains(u"\"nope.csv\" does not exist"));
    }

    void noPermission()
    {
        if (::geteuid() == 0)
            QSKIP("root can read any file; permission errors cannot be provoked");
        const QString path = writeFile(QStringLiteral("secret.csv"), "a,b\n1,2\n");
        QFile::setPermissions(path, QFileDevice::Permissions{});
        auto r = TableReader::open(path);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::Permission);
        QVERIFY(r.error().message.contains(u"permission to read \"secret.csv\""));
    }

    void hugeLineWithoutNewline()
    {
        // 100 MB with no line end: refused at the line limit (64 MB), quickly, without a hang.
        const QString path = m_dir.filePath(QStringLiteral("oneline.csv"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            const QByteArray chunk(1 << 20, 'x');
            for (int i = 0; i < 100; ++i)
                f.write(chunk);
        }
        QElapsedTimer timer;
        timer.start();
        auto r = TableReader::open(path);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::TooLarge);
        QVERIFY2(r.error().message.contains(u"Line 1 of \"oneline.csv\" is longer than 64 MB"),
                 qPrintable(r.error().message));
        QVERIFY(timer.elapsed() < 20000);
        QFile::remove(path);
    }

    void longLineLaterInTheFile()
    {
        ReadOptions options;
        options.maxLineBytes = 1 << 20;
        QByteArray csv = "a,b\n1,2\n3,\"";
        csv += QByteArray(3 << 20, 'y');
        auto reader = TableReader::open(writeFile(QStringLiteral("quote.csv"), csv), options);
        QVERIFY(reader.ok());
        RowBatch batch;
        auto more = (*reader)->readBatch(batch);
        QVERIFY(!more.ok());
        QCOMPARE(more.error().code, Error::Code::TooLarge);
        QVERIFY2(more.error().message.contains(u"quoted value that starts on line 3"),
                 qPrintable(more.error().message));
    }

    void firstRecordLongerThanTheHead()
    {
        // A header cell with line breaks that runs past the first megabyte read for sniffing.
        QByteArray csv = "\"long\n";
        csv += QByteArray(2 << 20, 'z');
        csv += "\",n\nx,1\ny,2\n";
        auto table = readTable(writeFile(QStringLiteral("longhead.csv"), csv));
        QVERIFY2(table.ok(), qPrintable(table.ok() ? QString() : table.error().toString()));
        QCOMPARE(table->rowCount(), 2);
        QVERIFY(table->columns[0].name.startsWith(u"long\nzzz"));
        QCOMPARE(sourceLine(*table, 0), 3);
    }

    void fileChangesWhileReading()
    {
        QByteArray csv = "a,b\n";
        for (int i = 0; i < 300000; ++i)
            csv += QByteArray::number(i) + ",x\n";
        for (const bool vanish : {false, true}) {
            const QString path = writeFile(QStringLiteral("moving.csv"), csv);
            ReadOptions options;
            options.batchRows = 1000;
            auto reader = TableReader::open(path, options);
            QVERIFY(reader.ok());
            RowBatch batch;
            QVERIFY((*reader)->readBatch(batch).ok());
            if (vanish) {
                QVERIFY(QFile::remove(path));
            } else {
                QFile f(path);
                QVERIFY(f.open(QIODevice::Append));
                f.write("1,appended\n");
            }
            Result<bool> more = true;
            while (more.ok() && *more)
                more = (*reader)->readBatch(batch);
            QVERIFY(!more.ok());
            QCOMPARE(more.error().code, Error::Code::Changed);
            QVERIFY2(more.error().message.contains(vanish ? u"\"moving.csv\" was moved or deleted"
                                                          : u"\"moving.csv\" changed while it was being read"),
                     qPrintable(more.error().message));
        }
    }
};

QTEST_GUILESS_MAIN(TestCsvReader)
#include "tst_csvreader.moc"
