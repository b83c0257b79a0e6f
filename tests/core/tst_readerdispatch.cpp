#include "ingest/reader.h"
#include "testutil.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace finpipe;
using namespace finpipe::ingest;

//! TableReader::open() looks at the first bytes and refuses what it cannot read in plain words.
class TestReaderDispatch : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString writeFile(const QString &name, const QByteArray &content)
    {
        return test::writeFixture(m_dir.filePath(name), content);
    }

    static QByteArray oleHeader()
    {
        return QByteArray("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + QByteArray(504, '\0');
    }

private Q_SLOTS:
    void refusals_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");

        QTest::newRow("empty") << QStringLiteral("empty.csv") << QByteArray() << int(Error::Code::Unreadable)
                               << QStringLiteral("\"empty.csv\" is empty: it has no rows to read.");
        QTest::newRow("legacy xls")
            << QStringLiteral("old.xls") << oleHeader() + QByteArray(4096, '\x01') << int(Error::Code::Unsupported)
            << QStringLiteral("\"old.xls\" is an old-style Excel 97-2003 workbook (.xls). Open it in Excel and "
                              "save it as .xlsx, then try again.");
        // Password-protected .xlsx files are OLE containers with an "EncryptedPackage" stream.
        const QByteArray encryptedName("E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0", 32);
        QTest::newRow("encrypted workbook")
            << QStringLiteral("locked.xlsx") << oleHeader() + QByteArray(1024, '\0') + encryptedName + QByteArray(512, '\0')
            << int(Error::Code::Encrypted)
            << QStringLiteral("\"locked.xlsx\" is protected with a password. Open it in Excel, remove the password "
                              "(File > Info > Protect Workbook), save it, and try again.");
        QTest::newRow("pdf") << QStringLiteral("report.xlsx") << QByteArray("%PDF-1.7\n%\xE2\xE3\n1 0 obj")
                             << int(Error::Code::Unsupported)
                             << QStringLiteral("\"report.xlsx\" is a PDF document, not a CSV or Excel file.");
        QTest::newRow("gzip") << QStringLiteral("data.csv.gz") << QByteArray("\x1F\x8B\x08\x00\x00\x00", 6)
                              << int(Error::Code::Unsupported)
                              << QStringLiteral("\"data.csv.gz\" is a compressed (gzip) file. Extract it first, "
                                                "then open the CSV or Excel file inside.");
        QTest::newRow("image") << QStringLiteral("chart.csv") << QByteArray("\x89PNG\r\n\x1A\n\0\0", 10)
                               << int(Error::Code::Unsupported)
                               << QStringLiteral("\"chart.csv\" is an image, not a CSV or Excel file.");
        QTest::newRow("xlsx named garbage")
            << QStringLiteral("budget.xlsx") << QByteArray("this is not a workbook at all\n")
            << int(Error::Code::Corrupt)
            << QStringLiteral("\"budget.xlsx\" is named like an Excel workbook but is not one: it may be "
                              "damaged, or be another kind of file renamed.");
        QTest::newRow("html named xls")
            << QStringLiteral("statement.xls")
            << QByteArray("<!DOCTYPE html>\n<HTML><body><TABLE><tr><td>Date</td></tr></TABLE></body></HTML>")
            << int(Error::Code::Unsupported)
            << QStringLiteral("\"statement.xls\" is a web page (HTML) with an Excel name, as some systems export. "
                              "Open it in Excel and save it as .xlsx, then try again.");
        QTest::newRow("excel 2003 xml")
            << QStringLiteral("ledger.xls")
            << QByteArray("<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">")
            << int(Error::Code::Unsupported)
            << QStringLiteral("\"ledger.xls\" is an Excel 2003 XML spreadsheet. Open it in Excel and save it as "
                              ".xlsx, then try again.");
    }

    void refusals()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(int, code);
        QFETCH(QString, message);
        auto reader = TableReader::open(writeFile(name, content));
        QVERIFY(!reader.ok());
        QCOMPARE(int(reader.error().code), code);
        QCOMPARE(reader.error().message, message);
    }

    void missingFile()
    {
        auto reader = TableReader::open(m_dir.filePath(QStringLiteral("gone.xlsx")));
        QVERIFY(!reader.ok());
        QCOMPARE(reader.error().code, Error::Code::NotFound);
        QCOMPARE(reader.error().message, QStringLiteral("The file \"gone.xlsx\" does not exist."));
    }

    void zipGoesToTheWorkbookReader()
    {
        // A zip is handed to the xlsx reader whatever its name; a damaged one says so.
        auto reader = TableReader::open(writeFile(QStringLiteral("export.csv"), QByteArray("PK\x03\x04", 4) + QByteArray(200, 'x')));
        QVERIFY(!reader.ok());
        QCOMPARE(reader.error().code, Error::Code::Corrupt);
        QVERIFY2(reader.error().message.startsWith(QStringLiteral("\"export.csv\" is damaged")),
                 qPrintable(reader.error().message));
    }
};

QTEST_GUILESS_MAIN(TestReaderDispatch)
#include "tst_readerdispatch.moc"
