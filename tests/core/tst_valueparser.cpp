#include "ingest/valueparser.h"

#include <QTest>

using namespace finpipe::ingest;
using namespace finpipe::ingest::values;

namespace {

qint64 ms(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0)
{
    return daysFromCivil(y, m, d) * kMsecsPerDay + ((hh * 60 + mm) * 60 + ss) * 1000ll;
}

std::string_view sv(const QByteArray &b)
{
    return {b.constData(), size_t(b.size())};
}

} // namespace

class TestValueParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void daysFromCivilMatchesKnownDates()
    {
        QCOMPARE(daysFromCivil(1970, 1, 1), 0);
        QCOMPARE(daysFromCivil(2021, 1, 1), 18628);
        QCOMPARE(daysFromCivil(2000, 3, 1), 11017);
        QCOMPARE(daysFromCivil(1969, 12, 31), -1);
    }

    void numbers_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("decimalComma");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<double>("value");
        QTest::addColumn<bool>("integer");
        QTest::newRow("integer") << QByteArray("42") << false << true << 42.0 << true;
        QTest::newRow("negative decimal") << QByteArray("-13.75") << false << true << -13.75 << false;
        QTest::newRow("thousands") << QByteArray("1,234,567.5") << false << true << 1234567.5 << false;
        QTest::newRow("indian grouping") << QByteArray("\xE2\x82\xB9" "1,00,000") << false << true << 100000.0 << true;
        QTest::newRow("parentheses") << QByteArray("(1,234.50)") << false << true << -1234.5 << false;
        QTest::newRow("dollar") << QByteArray("$99.99") << false << true << 99.99 << false;
        QTest::newRow("minus before dollar") << QByteArray("-$5") << false << true << -5.0 << true;
        QTest::newRow("euro after, decimal comma") << QByteArray("1.234,50 \xE2\x82\xAC") << true << true << 1234.5 << false;
        QTest::newRow("pound") << QByteArray("\xC2\xA3" "12") << false << true << 12.0 << true;
        QTest::newRow("yen") << QByteArray("\xC2\xA5" "1,000") << false << true << 1000.0 << true;
        QTest::newRow("code before") << QByteArray("USD 1,250.00") << false << true << 1250.0 << false;
        QTest::newRow("code after") << QByteArray("1250 INR") << false << true << 1250.0 << true;
        QTest::newRow("decimal comma") << QByteArray("12,5") << true << true << 12.5 << false;
        QTest::newRow("trailing minus") << QByteArray("1.234,50-") << true << true << -1234.5 << false;
        QTest::newRow("percent") << QByteArray("12.5%") << false << true << 0.125 << false;
        QTest::newRow("spaces") << QByteArray("  7 ") << false << true << 7.0 << true;
        QTest::newRow("exponent") << QByteArray("1.5E3") << false << true << 1500.0 << false;
        QTest::newRow("comma in point mode") << QByteArray("12,5") << false << false << 0.0 << false;
        QTest::newRow("bad grouping") << QByteArray("1,23,4") << false << false << 0.0 << false;
        QTest::newRow("station code") << QByteArray("TUS 5") << false << false << 0.0 << false;
        QTest::newRow("word") << QByteArray("Data 1") << false << false << 0.0 << false;
        QTest::newRow("date") << QByteArray("2024-01-05") << false << false << 0.0 << false;
        QTest::newRow("lone sign") << QByteArray("-") << false << false << 0.0 << false;
        QTest::newRow("statement DR") << QByteArray("1,234.56 DR") << false << true << -1234.56 << false;
        QTest::newRow("statement CR") << QByteArray("12.50 CR") << false << true << 12.5 << false;
        QTest::newRow("statement Cr.") << QByteArray("99.00Cr.") << false << true << 99.0 << false;
        QTest::newRow("statement dr, decimal comma") << QByteArray("1.234,50 dr") << true << true << -1234.5 << false;
        QTest::newRow("DR alone") << QByteArray("DR") << false << false << 0.0 << false;
        QTest::newRow("word ending in dr") << QByteArray("12 ADR") << false << false << 0.0 << false;
    }

    void numbers()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, decimalComma);
        QFETCH(bool, ok);
        QFETCH(double, value);
        QFETCH(bool, integer);
        double out = 0;
        bool isInteger = false;
        QCOMPARE(parseNumber(sv(text), decimalComma, out, isInteger), ok);
        if (ok) {
            QCOMPARE(out, value);
            QCOMPARE(isInteger, integer);
        }
    }

    void dates_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("order");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<qint64>("msecs");
        QTest::addColumn<bool>("hasTime");
        const int dayFirst = int(DateOrder::DayFirst), monthFirst = int(DateOrder::MonthFirst);
        QTest::newRow("iso") << QByteArray("2021-03-31") << dayFirst << true << ms(2021, 3, 31) << false;
        QTest::newRow("iso time") << QByteArray("2021-03-31 23:59:58") << dayFirst << true << ms(2021, 3, 31, 23, 59, 58) << true;
        QTest::newRow("iso T") << QByteArray("2021-03-31T08:05") << dayFirst << true << ms(2021, 3, 31, 8, 5) << true;
        QTest::newRow("iso Z fraction") << QByteArray("2021-03-31T08:05:01.250Z") << dayFirst << true << ms(2021, 3, 31, 8, 5, 1) + 250 << true;
        QTest::newRow("dd/mm") << QByteArray("03/04/2024") << dayFirst << true << ms(2024, 4, 3) << false;
        QTest::newRow("mm/dd") << QByteArray("03/04/2024") << monthFirst << true << ms(2024, 3, 4) << false;
        QTest::newRow("dd.mm") << QByteArray("31.12.2024 14:00") << monthFirst << true << ms(2024, 12, 31, 14) << true;
        QTest::newRow("pm") << QByteArray("12/31/2024 03:15 PM") << monthFirst << true << ms(2024, 12, 31, 15, 15) << true;
        QTest::newRow("leap day") << QByteArray("2024-02-29") << dayFirst << true << ms(2024, 2, 29) << false;
        QTest::newRow("not leap") << QByteArray("2023-02-29") << dayFirst << false << qint64(0) << false;
        QTest::newRow("month 13") << QByteArray("13/13/2024") << dayFirst << false << qint64(0) << false;
        QTest::newRow("wrong order") << QByteArray("12/31/2024") << dayFirst << false << qint64(0) << false;
        QTest::newRow("bad time") << QByteArray("2024-01-01 25:00") << dayFirst << false << qint64(0) << false;
        QTest::newRow("number") << QByteArray("44197") << dayFirst << false << qint64(0) << false;
        QTest::newRow("two-digit year, dots") << QByteArray("15.01.24") << dayFirst << true << ms(2024, 1, 15) << false;
        QTest::newRow("two-digit year, slashes") << QByteArray("01/02/99") << monthFirst << true << ms(1999, 1, 2) << false;
        QTest::newRow("three-digit year") << QByteArray("15.01.024") << dayFirst << false << qint64(0) << false;
        QTest::newRow("month name") << QByteArray("04 Nov 2009") << dayFirst << true << ms(2009, 11, 4) << false;
        QTest::newRow("month name, dashes, 2-digit year") << QByteArray("4-Nov-09") << monthFirst << true << ms(2009, 11, 4) << false;
        QTest::newRow("month name, full") << QByteArray("4 November 2009 13:45") << dayFirst << true << ms(2009, 11, 4, 13, 45) << true;
        QTest::newRow("German month") << QByteArray("04. M\xC3\xA4rz 2021") << dayFirst << true << ms(2021, 3, 4) << false;
        QTest::newRow("French month") << QByteArray("1 ao\xC3\xBBt 2022") << dayFirst << true << ms(2022, 8, 1) << false;
        QTest::newRow("Spanish month") << QByteArray("4 de noviembre de 2009") << dayFirst << true << ms(2009, 11, 4) << false;
        QTest::newRow("Dutch month") << QByteArray("12 mrt 2024") << dayFirst << true << ms(2024, 3, 12) << false;
        QTest::newRow("month first") << QByteArray("Nov 4, 2009") << dayFirst << true << ms(2009, 11, 4) << false;
        QTest::newRow("no such day") << QByteArray("31 Nov 2009") << dayFirst << false << qint64(0) << false;
        QTest::newRow("ambiguous month") << QByteArray("4 jui 2009") << dayFirst << false << qint64(0) << false;
        QTest::newRow("text with a month") << QByteArray("1 May 2020 rent") << dayFirst << false << qint64(0) << false;
        QTest::newRow("a word") << QByteArray("March") << dayFirst << false << qint64(0) << false;
    }

    void dates()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, order);
        QFETCH(bool, ok);
        QFETCH(qint64, msecs);
        QFETCH(bool, hasTime);
        qint64 out = 0;
        bool time = false;
        QCOMPARE(parseDateTime(sv(text), DateOrder(order), out, time), ok);
        if (ok) {
            QCOMPARE(out, msecs);
            QCOMPARE(time, hasTime);
        }
    }

    void orderHints()
    {
        QCOMPARE(dateOrderHint("25/12/2024"), OrderHint::DayFirst);
        QCOMPARE(dateOrderHint("12/25/2024"), OrderHint::MonthFirst);
        QCOMPARE(dateOrderHint("03/04/2024"), OrderHint::Ambiguous);
        QCOMPARE(dateOrderHint("2024-03-04"), OrderHint::Fixed);
        QCOMPARE(dateOrderHint("hello"), OrderHint::NotDate);
    }

    void separatorHints()
    {
        QCOMPARE(separatorHint("12,5"), SeparatorHint::DecimalComma);
        QCOMPARE(separatorHint("1.234,56"), SeparatorHint::DecimalComma);
        QCOMPARE(separatorHint("12.5"), SeparatorHint::DecimalPoint);
        QCOMPARE(separatorHint("1,234.5"), SeparatorHint::DecimalPoint);
        QCOMPARE(separatorHint("1,234"), SeparatorHint::Ambiguous);
        QCOMPARE(separatorHint("abc"), SeparatorHint::None);
    }

    void classifyAndNulls()
    {
        QCOMPARE(classify("TRUE", false), Value::Kind::Boolean);
        QCOMPARE(classify("false", false), Value::Kind::Boolean);
        QCOMPARE(classify("N/A", false), Value::Kind::Blank);
        QCOMPARE(classify("  ", false), Value::Kind::Blank);
        QCOMPARE(classify("2021-01-01 00:00:00", false), Value::Kind::DateTime);
        QCOMPARE(classify("CT", false), Value::Kind::Text);
        QCOMPARE(classify("44197", false), Value::Kind::Integer); // Excel serials stay numbers
    }
};

QTEST_GUILESS_MAIN(TestValueParser)
#include "tst_valueparser.moc"
