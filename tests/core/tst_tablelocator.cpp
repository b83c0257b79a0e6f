// tables::locateTable on records of string fields, as the CSV (and later the xlsx) reader gives it.
#include "ingest/tablelocator.h"

#include <QElapsedTimer>
#include <QTest>

using namespace finpipe::ingest::tables;

namespace {

//! "a,b,,c" lines to records (no quoting: enough for these cases).
std::vector<Fields> records(std::initializer_list<const char *> lines)
{
    std::vector<Fields> out;
    for (const char *line : lines) {
        Fields f;
        std::string cur;
        for (const char *p = line;; ++p) {
            if (*p == ',' || *p == 0) {
                f.push_back(cur);
                cur.clear();
                if (*p == 0)
                    break;
            } else {
                cur += *p;
            }
        }
        out.push_back(f);
    }
    return out;
}

} // namespace

class TestTableLocator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void widthIgnoresPadding()
    {
        QCOMPARE(effectiveWidth(Fields{"Account balance: ", "63.86", "", "", " "}), size_t(2));
        QCOMPARE(effectiveWidth(Fields{"", "", ""}), size_t(0));
        QVERIFY(looksLikeHeader(Fields{"Date", "Amount", ""}));
        QVERIFY(!looksLikeHeader(Fields{"Balance", "63.86"}));
        QVERIFY(!looksLikeHeader(Fields{"2020-01-01", "x"}));
        QVERIFY(!looksLikeHeader(Fields{"a", "", "", "", "b"}));
        QVERIFY(looksLikeHeader(Fields{"a", "", "", ""}));
        QVERIFY(isCommentRecord(Fields{" # note", "x"}));
    }

    void plainTableStartsAtTheTop()
    {
        const TableLocation t = locateTable(records({"a,b,c", "1,2,3", "4,5,6"}));
        QVERIFY(t.found);
        QCOMPARE(t.first, size_t(0));
        QCOMPARE(t.width, size_t(3));
        QVERIFY(t.headerLike);
        QCOMPARE(t.end, size_t(3));
        QCOMPARE(t.bodyRows, size_t(2));
        QVERIFY(t.moreTables.empty());
    }

    void metadataBlockAboveTheHeader()
    {
        const TableLocation t = locateTable(records({"Account name: ,MyAccount_****01233,,,,",
                                                     "Account balance: ,63.86,,,,", "Available balance: ,63.86,,,,",
                                                     "Date,Transactions,Debits,Credits,Balance",
                                                     "01/02/2020,Coffee,3.50,,60.36", "02/02/2020,Pay,,1000.00,1060.36",
                                                     "03/02/2020,Rent,500.00,,560.36", "04/02/2020,Refund,,3.50,563.86"}));
        QCOMPARE(t.first, size_t(3));
        QCOMPARE(t.width, size_t(5));
        QCOMPARE(t.bodyRows, size_t(4));
    }

    void stackedTitlesAboveTheHeader()
    {
        // Text lines over a header over data: the last one is the header.
        const TableLocation t = locateTable(records({"Monthly report,for,March", "Date,Amount", "2020-01-01,5", "2020-01-02,6"}));
        QCOMPARE(t.first, size_t(1));
        // A first row with text where numbers are expected does not make the header a title.
        const TableLocation u = locateTable(records({"Name,Amount", "Bob,unknown", "Ann,5", "Cid,6"}));
        QCOMPARE(u.first, size_t(0));
        QCOMPARE(u.bodyRows, size_t(3));
    }

    void commentsWhenTheFileUsesThem()
    {
        const TableLocation t = locateTable(records({"# Fields are:", "# a b c", "a,b,c", "1,2,3", "4,5,6"}));
        QVERIFY(t.commentsUsed);
        QCOMPARE(t.first, size_t(2));
        const TableLocation data = locateTable(records({"tag,n", "#1,2", "#3,4"}));
        QVERIFY(!data.commentsUsed);
        QCOMPARE(data.first, size_t(0));
        QCOMPARE(data.bodyRows, size_t(2));
    }

    void footersAreNotRows()
    {
        const TableLocation t = locateTable(records({"Date,Memo,Amount", "2020-01-01,a,1.5", "2020-01-02,b,2.5",
                                                     "2020-01-03,c,3.5", "Total,,7.5", "***END OF FILE***"}));
        QCOMPARE(t.first, size_t(0));
        QCOMPARE(t.end, size_t(4));
        QCOMPARE(t.bodyRows, size_t(3));
    }

    void misfitsInsideAreRows()
    {
        const TableLocation t = locateTable(records({"n,v", "1,2", "x,3", "4,5"}));
        QCOMPARE(t.end, size_t(4));
        QCOMPARE(t.bodyRows, size_t(3));
    }

    void furtherTables()
    {
        const TableLocation t = locateTable(records({"Date,Amount", "2020-01-01,1", "2020-01-02,2", "",
                                                     "Symbol,Qty,Price", "AAPL,1,2.5", "", "Name,Code", "Alpha,A1"}));
        QCOMPARE(t.first, size_t(0));
        QCOMPARE(t.end, size_t(3));
        QCOMPARE(t.moreTables, (std::vector<size_t>{4, 7}));
    }

    void headerlessData()
    {
        const TableLocation t = locateTable(records({"1,2,3", "4,5,6"}));
        QCOMPARE(t.first, size_t(0));
        QVERIFY(!t.headerLike);
        QCOMPARE(t.bodyRows, size_t(1));
    }

    void raggedHeadsStayQuick()
    {
        // A megabyte of records whose widths change at every record, text and numbers.
        std::vector<Fields> many;
        for (int i = 0; i < 1000; ++i)
            many.push_back(Fields(size_t(300 - (i % 2)), i % 3 ? std::string("a") : std::string("7")));
        QElapsedTimer timer;
        timer.start();
        const TableLocation t = locateTable(many);
        QVERIFY(t.found);
#if defined(__SANITIZE_ADDRESS__)
        const qint64 limit = 30000; // about 15x slower under AddressSanitizer
#else
        const qint64 limit = 3000;
#endif
        QVERIFY2(timer.elapsed() < limit, qPrintable(QString::number(timer.elapsed())));
    }

    void nothingButBlanks()
    {
        QVERIFY(!locateTable(records({"", ",,,"})).found);
        QVERIFY(!locateTable({}).found);
    }
};

QTEST_GUILESS_MAIN(TestTableLocator)
#include "tst_tablelocator.moc"
