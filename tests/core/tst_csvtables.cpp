// The CSV reader finds the table in messy files (metadata above it, comments, footers, further
// tables, one-line files) and accounts for every line it leaves out.
#include "ingest/reader.h"
#include "ingest/skiptally.h"
#include "ingest/tablelocator.h"

#include "testutil.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace finpipe;
using namespace finpipe::ingest;

namespace {

//! Everything a read produced, batch by batch flattened: cell texts, lines, skipped lines.
struct ReadResult {
    SourceInfo info;
    QStringList names;
    QList<ColumnType> types;
    QList<QStringList> rows;
    QList<qint64> lines;
    QList<QPair<qint64, SkipReason>> skipped;
    //! Batches that carried skipped lines but no rows.
    int skippedOnlyBatches = 0;
};

Result<ReadResult> readAllBatches(const QString &path, int batchRows = 65536)
{
    ReadOptions options;
    options.batchRows = batchRows;
    auto reader = TableReader::open(path, options);
    if (!reader)
        return reader.error();
    ReadResult out;
    for (;;) {
        RowBatch batch;
        auto more = (*reader)->readBatch(batch);
        if (!more)
            return more.error();
        if (!*more)
            break;
        for (int r = 0; r < batch.rowCount(); ++r) {
            QStringList cells;
            for (int c = 0; c < batch.columnCount(); ++c)
                cells << batch.at(r, c).toString();
            out.rows << cells;
            out.lines << batch.sourceLine(r);
        }
        for (const SkippedLine &s : batch.skipped())
            out.skipped << qMakePair(s.line, s.reason);
        if (batch.rowCount() == 0 && !batch.skipped().empty())
            ++out.skippedOnlyBatches;
    }
    out.info = (*reader)->info();
    for (const ColumnInfo &c : (*reader)->columns()) {
        out.names << c.name;
        out.types << c.type;
    }
    return out;
}

using Skips = QList<QPair<qint64, SkipReason>>;

QStringList sl(std::initializer_list<const char *> texts)
{
    QStringList out;
    for (const char *t : texts)
        out << QString::fromUtf8(t);
    return out;
}

Skips skips(std::initializer_list<QPair<qint64, SkipReason>> list)
{
    return Skips(list);
}

const SkippedSummary *summaryOf(const SourceInfo &info, SkipReason reason)
{
    for (const SkippedSummary &s : info.skipped)
        if (s.reason == reason)
            return &s;
    return nullptr;
}

QString warningWith(const SourceInfo &info, const QString &part)
{
    const QStringList w = info.warnings.filter(part);
    return w.isEmpty() ? QString() : w.first();
}

} // namespace

class TestCsvTables : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString writeFile(const QString &name, const QByteArray &content)
    {
        return test::writeFixture(m_dir.filePath(name), content);
    }

    ReadResult read(const QString &name, const QByteArray &content, int batchRows = 65536)
    {
        auto r = readAllBatches(writeFile(name, content), batchRows);
        if (!r)
            qFatal("%s", qPrintable(r.error().toString()));
        return *r;
    }

private Q_SLOTS:
    void bankMetadataAboveTheHeader()
    {
        const ReadResult r = read(QStringLiteral("bank.csv"),
                                  "Account name: ,MyAccount_****01233,,,,\n"
                                  "Account balance: ,63.86,,,,\n"
                                  "Available balance: ,63.86,,,,\n"
                                  "Date,Transactions,Debits,Credits,Balance\n"
                                  "01/02/2020,Coffee,3.50,,60.36\n"
                                  "02/02/2020,Salary,,1000.00,1060.36\n"
                                  "03/02/2020,Rent,500.00,,560.36\n"
                                  "04/02/2020,Refund,,3.50,563.86\n");
        QCOMPARE(r.names, sl({"Date", "Transactions", "Debits", "Credits", "Balance"}));
        QVERIFY(r.info.hasHeader);
        QCOMPARE(r.rows.size(), 4);
        QCOMPARE(r.rows[0], sl({"01/02/2020", "Coffee", "3.50", "", "60.36"}));
        QCOMPARE(r.rows[3], sl({"04/02/2020", "Refund", "", "3.50", "563.86"}));
        QCOMPARE(r.lines, (QList<qint64>{5, 6, 7, 8}));
        QCOMPARE(r.types[0], ColumnType::Date);
        QCOMPARE(r.types[4], ColumnType::Decimal);
        QCOMPARE(r.skipped, skips({{1, SkipReason::AboveHeader}, {2, SkipReason::AboveHeader},
                                   {3, SkipReason::AboveHeader}}));
        QCOMPARE(r.info.skippedLines, 3);
        const SkippedSummary *above = summaryOf(r.info, SkipReason::AboveHeader);
        QVERIFY(above);
        QCOMPARE(above->count, 3);
        QCOMPARE(above->examples, (QList<qint64>{1, 2, 3}));
        QCOMPARE(r.info.skipped.size(), 1);
        const QString w = warningWith(r.info, QStringLiteral("above the table"));
        QVERIFY2(w.startsWith(u"Left out 3 line(s) above the table (lines 1\u20133: \"Account name:"), qPrintable(w));
    }

    void aboveHeaderIsKnownAfterOpenAndGoesToTheFirstBatch()
    {
        QByteArray csv = "Report,Quarterly\nGenerated,2020-01-02 by ACME\n\nid,amount\n";
        for (int i = 0; i < 10; ++i)
            csv += QByteArray::number(i) + ",1.5\n";
        auto reader = TableReader::open(writeFile(QStringLiteral("first.csv"), csv));
        QVERIFY(reader.ok());
        const SkippedSummary *above = summaryOf((*reader)->info(), SkipReason::AboveHeader);
        QVERIFY(above);
        QCOMPARE(above->count, 2);
        QVERIFY(summaryOf((*reader)->info(), SkipReason::Blank));
        const ReadResult r = *readAllBatches(writeFile(QStringLiteral("first.csv"), csv), 8);
        QCOMPARE(r.rows.size(), 10);
        QCOMPARE(r.skipped, skips({{1, SkipReason::AboveHeader}, {2, SkipReason::AboveHeader},
                                   {3, SkipReason::Blank}}));
    }

    void manyBlankLinesAboveTheTable()
    {
        const ReadResult r = read(QStringLiteral("blanks.csv"), QByteArray(1500, '\n') + "a,b\n1,2\n");
        QCOMPARE(r.names, sl({"a", "b"}));
        QCOMPARE(r.rows.size(), 1);
        QCOMPARE(r.lines, QList<qint64>{1502});
        QCOMPARE(r.skipped.size(), 1500);
        QCOMPARE(summaryOf(r.info, SkipReason::Blank)->count, 1500);
    }

    void aHeadThatCannotDecideSaysSo()
    {
        // 1100 records, each wider than the last: no block of rows in the first 1000.
        QByteArray csv;
        for (int i = 1; i <= 1100; ++i) {
            QByteArray line = "x";
            for (int k = 1; k < i; ++k)
                line += ",x";
            csv += line + "\n";
        }
        auto reader = TableReader::open(writeFile(QStringLiteral("undecided.csv"), csv));
        QVERIFY(reader.ok());
        const QString w = warningWith((*reader)->info(), QStringLiteral("show no table with rows"));
        QVERIFY2(w.startsWith(u"The first 1000 lines of \"undecided.csv\" show no table with rows under a header"),
                 qPrintable((*reader)->info().warnings.join(u'|')));
    }

    void investmentStatementAboveAWideTable()
    {
        QByteArray csv = "Client Name:,Mr Joe Bloggs\nAccount,Investment funds\nHolding,Global Equity\n"
                         "Total Transactions,3\n";
        csv += "Date,Type,Fund,ISIN,Units,Price,Value,Fee,Tax,Net,Currency,Settled,Reference\n";
        for (int i = 1; i <= 3; ++i)
            csv += QByteArray("2021-03-0") + QByteArray::number(i)
                   + ",Buy,Global Equity,GB00B1,10,1.5,15,0.1,0,14.9,GBP,2021-03-05,REF" + QByteArray::number(i)
                   + "\n";
        const ReadResult r = read(QStringLiteral("invest.csv"), csv);
        QCOMPARE(r.names.size(), 13);
        QCOMPARE(r.names.front(), QStringLiteral("Date"));
        QCOMPARE(r.names.back(), QStringLiteral("Reference"));
        QCOMPARE(r.rows.size(), 3);
        QCOMPARE(r.rows[2].back(), QStringLiteral("REF3"));
        QCOMPARE(r.lines, (QList<qint64>{6, 7, 8}));
        QCOMPARE(r.skipped.size(), 4);
        for (const auto &s : r.skipped)
            QCOMPARE(s.second, SkipReason::AboveHeader);
    }

    void longMetadataBlockHasNoCap()
    {
        QByteArray csv;
        for (int i = 1; i <= 120; ++i)
            csv += "Setting " + QByteArray::number(i) + ": ,value " + QByteArray::number(i) + ",,\n";
        csv += "Date,Amount,Memo\n2020-01-01,5.00,a\n2020-01-02,6.00,b\n";
        const ReadResult r = read(QStringLiteral("longmeta.csv"), csv);
        QCOMPARE(r.names, sl({"Date", "Amount", "Memo"}));
        QCOMPARE(r.rows.size(), 2);
        QCOMPARE(r.info.skippedLines, 120);
        QCOMPARE(summaryOf(r.info, SkipReason::AboveHeader)->count, 120);
        QCOMPARE(summaryOf(r.info, SkipReason::AboveHeader)->examples.size(), 10);
    }

    void commentLinesAboveTheTable()
    {
        const ReadResult r = read(QStringLiteral("comments.csv"),
                                  "# Exported by tool 1.2\n# Fields are:\n# id, name, amount\n"
                                  "id,name,amount\n1,a,2.5\n# a note\n2,b,3.5\n");
        QCOMPARE(r.names, sl({"id", "name", "amount"}));
        QCOMPARE(r.rows.size(), 2);
        QCOMPARE(r.skipped, skips({{1, SkipReason::Comment}, {2, SkipReason::Comment},
                                   {3, SkipReason::Comment}, {6, SkipReason::Comment}}));
        QVERIFY(!warningWith(r.info, QStringLiteral("comment line")).isEmpty());

        // '#' inside the table is data: the file does not use comments.
        const ReadResult data = read(QStringLiteral("hashes.csv"), "tag,n\n#red,1\n#blue,2\n#green,3\n");
        QCOMPARE(data.rows.size(), 3);
        QCOMPARE(data.rows[0][0], QStringLiteral("#red"));
        QVERIFY(data.skipped.isEmpty());
    }

    void footersAreLeftOutAndReported()
    {
        const QByteArray table = "Date,Description,Amount\n"
                                 "2020-01-01,Coffee,3.50\n"
                                 "2020-01-02,Lunch,12.00\n"
                                 "2020-01-03,Books,20.00\n";
        for (const QByteArray &footer :
             {QByteArray("***END OF FILE***\n"), QByteArray("*** End of statement ***\n"),
              QByteArray("Total,,35.50\n"), QByteArray("\n\"Last updated 2020-01-05 10:00\"\n")}) {
            const ReadResult r = read(QStringLiteral("footer.csv"), table + footer);
            QCOMPARE(r.rows.size(), 3);
            QCOMPARE(r.types[0], ColumnType::Date);
            QCOMPARE(r.types[2], ColumnType::Decimal);
            QVERIFY2(warningWith(r.info, QStringLiteral("read as text")).isEmpty(), footer.constData());
            const bool blankFirst = footer.startsWith('\n');
            const Skips expected = blankFirst ? skips({{5, SkipReason::Blank}, {6, SkipReason::Footer}})
                                              : skips({{5, SkipReason::Footer}});
            QCOMPARE(r.skipped, expected);
            QCOMPARE(summaryOf(r.info, SkipReason::Footer)->count, 1);
            const QString w = warningWith(r.info, QStringLiteral("footer"));
            QVERIFY2(w.contains(blankFirst ? u"(lines 6)" : u"(lines 5)"), qPrintable(w));
        }
    }

    void footersAtTheEndOfALargeFileComeInAFinalBatch()
    {
        QByteArray csv = "n,amount\n";
        for (int i = 0; i < 100; ++i)
            csv += QByteArray::number(i) + ",1.25\n";
        csv += "Total,125.00\n*** END ***\n";
        const ReadResult r = read(QStringLiteral("batches.csv"), csv, 50);
        QCOMPARE(r.rows.size(), 100);
        QCOMPARE(r.skipped, skips({{102, SkipReason::Footer}, {103, SkipReason::Footer}}));
        QCOMPARE(r.skippedOnlyBatches, 1);
        QCOMPARE(r.types[0], ColumnType::Integer);
    }

    void paddedTextFooterAfterABlankLine_data()
    {
        QTest::addColumn<int>("rows");
        QTest::newRow("in the head") << 10;
        QTest::newRow("beyond the head") << 1500;
    }
    void paddedTextFooterAfterABlankLine()
    {
        // "Total rows: N,,,," fits the table's width with its padding and its text stands in a text
        // column; after a blank line, with no date or number in it, it is a footer, not a row with
        // a blank date.
        QFETCH(int, rows);
        QByteArray csv = "Station_ID,Date_Time,PCode,Result\n";
        for (int i = 0; i < rows; ++i)
            csv += "CT,2021-01-" + QByteArray::number(i % 20 + 10) + ",Data 1," + QByteArray::number(i) + ".5\n";
        const qint64 blankLine = rows + 2;
        const ReadResult r = read(QStringLiteral("padded.csv"), csv + "\nTotal rows: " + QByteArray::number(rows) + ",,,,\n");
        QCOMPARE(r.rows.size(), rows);
        QCOMPARE(r.types[1], ColumnType::Date);
        QCOMPARE(r.skipped, skips({{blankLine, SkipReason::Blank}, {blankLine + 1, SkipReason::Footer}}));

        // The same line followed by rows that fit is a row (blanks and all).
        const ReadResult middle = read(QStringLiteral("middle.csv"), csv + "\nCT,,,\nCT,2021-02-01,Data 1,2\n");
        QCOMPARE(middle.rows.size(), rows + 2);
        QCOMPARE(middle.skipped, skips({{blankLine, SkipReason::Blank}}));
    }

    void misfitsFollowedByRowsAreRows()
    {
        // A text value in a number column, then rows that fit: it is data (the column widens).
        const ReadResult r = read(QStringLiteral("middle.csv"), "n,v\n1,2\n2,3\nx,4\n\n3,5\n");
        QCOMPARE(r.rows.size(), 4);
        QCOMPARE(r.rows[2], sl({"x", "4"}));
        QCOMPARE(r.types[0], ColumnType::Text);
        QCOMPARE(r.skipped, skips({{5, SkipReason::Blank}}));
    }

    void aLongRunOfMisfitsIsData()
    {
        // More misfits in a row than the look-behind holds: they are rows, even at the end.
        QByteArray csv = "n,v\n";
        for (int i = 0; i < 100; ++i)
            csv += QByteArray::number(i) + ",1\n";
        for (int i = 0; i < 80; ++i)
            csv += "x" + QByteArray::number(i) + ",1\n";
        const ReadResult r = read(QStringLiteral("run.csv"), csv, 30);
        QCOMPARE(r.rows.size(), 180);
        QCOMPARE(r.rows.back(), sl({"x79", "1"}));
        QCOMPARE(r.lines.back(), 181);
        QCOMPARE(r.types[0], ColumnType::Text);
        QVERIFY(r.skipped.isEmpty());
        QVERIFY(!warningWith(r.info, QStringLiteral("line 102 holds \"x0\"")).isEmpty());
    }

    void heldLinesStayBoundedInBytes()
    {
        // Twenty 1 MB lines that do not fit: more than the look-behind keeps, so not footers.
        QByteArray csv = "a,b\n1,2\n";
        const QByteArray big = "1,2," + QByteArray(1 << 20, 'z') + "\n";
        for (int i = 0; i < 20; ++i)
            csv += big;
        const ReadResult r = read(QStringLiteral("bigmisfits.csv"), csv);
        QCOMPARE(r.rows.size(), 1);
        QCOMPARE(r.skipped.size(), 20);
        QVERIFY(!summaryOf(r.info, SkipReason::Footer));
        QCOMPARE(summaryOf(r.info, SkipReason::WrongFieldCount)->count, 20);
    }

    void oneLineFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("columns");
        QTest::addColumn<int>("type");
        QTest::newRow("date and amount") << QByteArray("2020-01-01,\"1.000.000,00\"\n") << 2 << int(ColumnType::Date);
        QTest::newRow("transaction") << QByteArray("2020-03-04,Coffee shop,-3.50,96.50") << 4
                                     << int(ColumnType::Date);
        QTest::newRow("date") << QByteArray("2019-06-05") << 1 << int(ColumnType::Date);
        QTest::newRow("number") << QByteArray("32\n") << 1 << int(ColumnType::Integer);
    }

    void oneLineFiles()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, columns);
        QFETCH(int, type);
        const ReadResult r = read(QStringLiteral("one.csv"), content);
        QVERIFY(!r.info.hasHeader);
        QCOMPARE(r.names.size(), columns);
        QCOMPARE(r.names.front(), QStringLiteral("Column 1"));
        QCOMPARE(r.rows.size(), 1);
        QCOMPARE(r.lines, QList<qint64>{1});
        QCOMPARE(int(r.types.front()), type);
        QVERIFY(r.skipped.isEmpty());
    }

    void oneLineHeaderStaysAHeader()
    {
        const ReadResult r = read(QStringLiteral("header.csv"), "Date,Amount,Memo\n");
        QVERIFY(r.info.hasHeader);
        QCOMPARE(r.names, sl({"Date", "Amount", "Memo"}));
        QCOMPARE(r.rows.size(), 0);
    }

    void spaceBeforeAQuote()
    {
        const ReadResult r = read(QStringLiteral("mom.csv"), "Year,Score,Note\n1970,  73, \"Hi, Mom!\"\n1971,  80, \"ok\"  \n");
        QCOMPARE(r.names.size(), 3);
        QCOMPARE(r.rows.size(), 2);
        QCOMPARE(r.rows[0][2], QStringLiteral("Hi, Mom!"));
        QCOMPARE(r.rows[1][2], QStringLiteral("ok"));
        QCOMPARE(r.types[1], ColumnType::Integer);
    }

    void singleColumnOfThousands()
    {
        const ReadResult r = read(QStringLiteral("thousands.csv"), "100,000.00\n300,000.20\n50\n");
        QCOMPARE(r.names, QStringList{QStringLiteral("Column 1")});
        QCOMPARE(r.rows.size(), 3);
        QCOMPARE(r.rows[1][0], QStringLiteral("300,000.20"));
        QCOMPARE(r.types[0], ColumnType::Decimal);

        const ReadResult h = read(QStringLiteral("amount.csv"), "Amount\n1,000\n2,500,000\n75\n");
        QCOMPARE(h.names, QStringList{QStringLiteral("Amount")});
        QCOMPARE(h.rows.size(), 3);
        QCOMPARE(h.rows[1][0], QStringLiteral("2,500,000"));

        // Small numbers in two columns on every line stay two columns.
        const ReadResult pairs = read(QStringLiteral("pairs.csv"), "1,100\n2,200\n3,300\n");
        QCOMPARE(pairs.names.size(), 2);
        QCOMPARE(pairs.rows.size(), 3);
    }

    void furtherTablesEndTheRead()
    {
        const ReadResult r = read(QStringLiteral("tables.csv"),
                                  "Date,Amount\n2020-01-01,1.5\n2020-01-02,2.5\n2020-01-03,3.5\n"
                                  "\n"
                                  "Symbol,Qty,Price\nAAPL,10,150.1\nMSFT,5,250.2\n"
                                  "\n"
                                  "Name,Code\nAlpha,A1\nBeta,B2\n");
        QCOMPARE(r.names, sl({"Date", "Amount"}));
        QCOMPARE(r.rows.size(), 3);
        QCOMPARE(r.rows[2], sl({"2020-01-03", "3.5"}));
        QCOMPARE(r.info.moreTablesAt, (QList<qint64>{6, 10}));
        QCOMPARE(r.skipped.front(), qMakePair(qint64(5), SkipReason::Blank));
        QCOMPARE(r.skipped.size(), 8);
        for (qsizetype i = 1; i < r.skipped.size(); ++i)
            QCOMPARE(r.skipped[i], qMakePair(qint64(5 + i), SkipReason::AfterTable));
        const QString w = warningWith(r.info, QStringLiteral("More tables follow"));
        QVERIFY2(w.contains(u"from line 6 and line 10; only the first was read"), qPrintable(w));
    }

    void brokerSectionsWithTitles()
    {
        const ReadResult r = read(QStringLiteral("broker.csv"),
                                  "Symbol;Name;Qty;Price\nAAPL;Apple;10;150,10\nMSFT;Microsoft;5;250,20\n\n"
                                  "Cash;EUR;100;1\n\nDividends\nDate;Symbol;Amount\n2024-01-02;AAPL;1,20\n"
                                  "2024-02-02;MSFT;2,30\n");
        QCOMPARE(r.names, sl({"Symbol", "Name", "Qty", "Price"}));
        QCOMPARE(r.rows.size(), 3);
        QCOMPARE(r.rows[2], sl({"Cash", "EUR", "100", "1"}));
        QCOMPARE(r.info.moreTablesAt, QList<qint64>{8});
        QCOMPARE(r.skipped, skips({{4, SkipReason::Blank}, {6, SkipReason::Blank}, {7, SkipReason::AfterTable},
                                   {8, SkipReason::AfterTable}, {9, SkipReason::AfterTable},
                                   {10, SkipReason::AfterTable}}));
    }

    void furtherTableBeyondTheHead()
    {
        QByteArray csv = "Date,Amount\n";
        for (int i = 0; i < 1500; ++i)
            csv += "2020-01-01," + QByteArray::number(i) + ".5\n";
        csv += "Total,123\n\nRegion,Units,Share\nNorth,10,0.5\nSouth,10,0.5\n";
        const ReadResult r = read(QStringLiteral("later.csv"), csv, 400);
        QCOMPARE(r.rows.size(), 1500);
        QCOMPARE(r.types[1], ColumnType::Decimal);
        QCOMPARE(r.info.moreTablesAt, QList<qint64>{1504});
        QCOMPARE(r.skipped, skips({{1502, SkipReason::Footer}, {1503, SkipReason::Blank},
                                   {1504, SkipReason::AfterTable}, {1505, SkipReason::AfterTable},
                                   {1506, SkipReason::AfterTable}}));
    }

    void recordTypeTablesAsInEnergyMarketReports()
    {
        // "I" rows head the "D" rows under them; a new "I" row of another width starts a new table.
        QByteArray csv = "C,NEMP.WORLD,DISPATCHIS,AEMO,PUBLIC,2020/01/01,04:05:14,0000000319823925,DISPATCHIS,"
                         "0000000319823924\n"
                         "I,DISPATCH,PRICE,4,SETTLEMENTDATE,RUNNO,REGIONID,RRP\n";
        for (int i = 0; i < 5; ++i)
            csv += "D,DISPATCH,PRICE,4,\"2020/01/01 04:0" + QByteArray::number(i) + ":00\",1,NSW1,45." + QByteArray::number(i) + "\n";
        csv += "I,DISPATCH,REGIONSUM,6,SETTLEMENTDATE,REGIONID,TOTALDEMAND,AVAILABLEGENERATION,NETINTERCHANGE\n";
        for (int i = 0; i < 3; ++i)
            csv += "D,DISPATCH,REGIONSUM,6,\"2020/01/01 04:05:00\",NSW1,7000." + QByteArray::number(i) + ",9000,12\n";
        csv += "C,\"END OF REPORT\",12\n";
        const ReadResult r = read(QStringLiteral("aemo.csv"), csv);
        QCOMPARE(r.names, sl({"I", "DISPATCH", "PRICE", "4", "SETTLEMENTDATE", "RUNNO", "REGIONID", "RRP"}));
        QCOMPARE(r.rows.size(), 5);
        QCOMPARE(r.types[4], ColumnType::DateTime);
        QCOMPARE(r.types[7], ColumnType::Decimal);
        QCOMPARE(r.info.moreTablesAt, QList<qint64>{8});
        QCOMPARE(r.skipped.front(), qMakePair(qint64(1), SkipReason::AboveHeader));
        QCOMPARE(r.skipped.size(), 1 + 5);
        QCOMPARE(r.skipped.back(), qMakePair(qint64(12), SkipReason::AfterTable));
    }

    void singleQuotesWhenTheFileUsesThem()
    {
        const ReadResult r = read(QStringLiteral("single.csv"), "'''a,b,c''',45\n");
        QCOMPARE(r.info.quote, QChar(u'\''));
        QCOMPARE(r.rows.size(), 1);
        QCOMPARE(r.rows[0], sl({"'a,b,c'", "45"}));
        // An apostrophe in text does not make single quotes the quote character.
        const ReadResult t = read(QStringLiteral("apostrophe.csv"), "name,n\nO'Brien,1\n'tis,2\n");
        QCOMPARE(t.info.quote, QChar(u'"'));
        QCOMPARE(t.rows[1][0], QStringLiteral("'tis"));
    }

    void tooManyColumnsIsRefused()
    {
        QByteArray csv = "x";
        for (int i = 0; i < 20000; ++i)
            csv += ",c" + QByteArray::number(i);
        csv += "\n";
        auto r = TableReader::open(writeFile(QStringLiteral("wide.csv"), csv + csv));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::TooLarge);
        QVERIFY2(r.error().message.contains(u"Line 1 of \"wide.csv\" has 20001 columns")
                     && r.error().message.contains(u"16384"),
                 qPrintable(r.error().message));
    }

    void manyEqualNamesAreRenamedQuickly()
    {
        QByteArray csv = "a";
        for (int i = 1; i < 16000; ++i)
            csv += ",a";
        csv += "\n1\n";
        QElapsedTimer timer;
        timer.start();
        const ReadResult r = read(QStringLiteral("names.csv"), csv);
        QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(r.names.size(), 16000);
        QCOMPARE(r.names[1], QStringLiteral("a (2)"));
        QCOMPARE(r.names.back(), QStringLiteral("a (16000)"));
        QCOMPARE(QSet<QString>(r.names.begin(), r.names.end()).size(), 16000);

        // A megabyte-long line of commas under a header: blank, read at once.
        timer.restart();
        const ReadResult commas = read(QStringLiteral("commas.csv"), "a,b\n1,2\n" + QByteArray(1 << 20, ',') + "\n3,4\n");
        QVERIFY(timer.elapsed() < 10000);
        QCOMPARE(commas.rows.size(), 2);
        QCOMPARE(commas.skipped, skips({{3, SkipReason::Blank}}));
    }

    void utf16OfOddLengthDropsTheStrayByte()
    {
        QByteArray bytes("\xFF\xFE");
        for (char c : QByteArray("id,amount\n1,10\n2,20\n"))
            bytes += QByteArray(1, c) + QByteArray(1, '\0');
        bytes += 'Z';
        const ReadResult r = read(QStringLiteral("odd16.csv"), bytes);
        QCOMPARE(r.rows.size(), 2);
        QCOMPARE(r.types[1], ColumnType::Integer);
        QCOMPARE(r.rows[1][1], QStringLiteral("20"));
        QVERIFY(!warningWith(r.info, QStringLiteral("stray last byte was dropped")).isEmpty());
    }

    void invalidUtf8IsReportedWithItsByte()
    {
        const ReadResult r = read(QStringLiteral("latin.csv"), "name,v\ncaf\xE9,1\n");
        QCOMPARE(r.info.encoding, QStringLiteral("Windows-1252"));
        QCOMPARE(r.rows[0][0], QStringLiteral("caf\u00e9"));
        const QString w = warningWith(r.info, QStringLiteral("not valid UTF-8"));
        QVERIFY2(w.contains(u"at byte 11; it was read as Windows-1252"), qPrintable(w));
    }

    void nulPositionIsExact()
    {
        QByteArray csv = "a,b\n1,2\n";
        csv += '\0';
        csv += "3,4\n";
        auto r = TableReader::open(writeFile(QStringLiteral("nul.csv"), csv));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::Format);
        QVERIFY2(r.error().message.contains(u"a NUL byte at byte 9"), qPrintable(r.error().message));

        // Past the first megabyte too.
        QByteArray big = "a,b\n";
        while (big.size() < (3 << 20))
            big += "12345,67890\n";
        const qint64 at = big.size() + 3;
        big += "1,2";
        big += '\0';
        big += "\n";
        auto reader = TableReader::open(writeFile(QStringLiteral("nulbig.csv"), big));
        QVERIFY(reader.ok());
        RowBatch batch;
        Result<bool> more = true;
        while (more.ok() && *more)
            more = (*reader)->readBatch(batch);
        QVERIFY(!more.ok());
        QVERIFY2(more.error().message.contains(QStringLiteral("a NUL byte at byte %1").arg(at + 1)),
                 qPrintable(more.error().message));
    }

    void pipesAreRefused()
    {
        const QByteArray fifo = QFile::encodeName(m_dir.filePath(QStringLiteral("pipe.csv")));
        QCOMPARE(::mkfifo(fifo.constData(), 0600), 0);
        QElapsedTimer timer;
        timer.start();
        auto r = TableReader::open(QFile::decodeName(fifo));
        QVERIFY(!r.ok());
        QVERIFY(timer.elapsed() < 5000);
        QVERIFY2(r.error().message.contains(u"\"pipe.csv\" is not a regular file (a pipe or device)"),
                 qPrintable(r.error().message));
        auto dev = TableReader::open(QStringLiteral("/dev/null"));
        QVERIFY(!dev.ok());
        QVERIFY(dev.error().message.contains(u"not a regular file"));
    }

    void lineRangesAreExact()
    {
        QCOMPARE(lineRanges({1, 2, 3, 5}, 4), QStringLiteral("1\u20133, 5"));
        QCOMPARE(lineRanges({2000000000, 2000000001}, 3), QStringLiteral("2000000000\u20132000000001, \u2026"));
    }
};

QTEST_GUILESS_MAIN(TestCsvTables)
#include "tst_csvtables.moc"
