#include "core/notesworkbook.h"
#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace finpipe::test;

class TestCliInspect : public QObject
{
    Q_OBJECT

private:
    static QJsonObject json(const CliRun &run)
    {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(run.out, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            qWarning("not one JSON object: %s", run.out.constData());
        return doc.object();
    }

    static QString sha256sum(const QString &path)
    {
        QProcess p;
        p.start(QStringLiteral("sha256sum"), {path});
        p.waitForFinished();
        return QString::fromLatin1(p.readAllStandardOutput().left(64));
    }

private Q_SLOTS:
    void csvJson()
    {
        const QString file = seedPath(QStringLiteral("fintech_sales.csv"));
        const CliRun run = runCli({QStringLiteral("inspect"), file, QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject o = json(run);
        QCOMPARE(o.value(u"format").toString(), QStringLiteral("csv"));
        QCOMPARE(o.value(u"sha256").toString(), sha256sum(file));
        QCOMPARE(o.value(u"size").toInteger(), QFile(file).size());
        QCOMPARE(o.value(u"encoding").toString(), QStringLiteral("UTF-8"));
        QCOMPARE(o.value(u"delimiter").toString(), QStringLiteral(","));
        QCOMPARE(o.value(u"header").toBool(), true);
        QCOMPARE(o.value(u"rows").toInteger(), 10000);
        const QJsonArray columns = o.value(u"columns").toArray();
        QCOMPARE(columns.size(), 19);
        QCOMPARE(columns[1].toObject().value(u"name").toString(), QStringLiteral("order_date"));
        QCOMPARE(columns[1].toObject().value(u"type").toString(), QStringLiteral("date"));
        QCOMPARE(columns[8].toObject().value(u"type").toString(), QStringLiteral("integer"));
        QCOMPARE(columns[10].toObject().value(u"type").toString(), QStringLiteral("decimal"));
        QVERIFY(o.value(u"warnings").isArray());
    }

    void csvHumanShowsWarnings()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("export.csv"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("Booked;Amount\n03/04/2024;12,5\n05/06/2024;1.234,50\n07/08/2024;3\n09/10/2024\n");
        f.close();
        const CliRun run = runCli({QStringLiteral("inspect"), file});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("export.csv: CSV, 4 rows x 2 columns"));
        QVERIFY(run.out.contains("delimiter \";\", decimal comma, header yes"));
        QVERIFY(run.out.contains("Amount  decimal"));
        QVERIFY(run.out.contains("fewer fields"));
        QVERIFY(run.out.contains("lines 5"));
        QVERIFY(run.out.contains("day/month"));
        const QJsonObject o = json(runCli({QStringLiteral("inspect"), QStringLiteral("--json"), file}));
        QCOMPARE(o.value(u"warnings").toArray().size(), 2);
        QCOMPARE(o.value(u"delimiter").toString(), QStringLiteral(";"));
    }

    void xlsxJson()
    {
        const CliRun run = runCli({QStringLiteral("inspect"), seedPath(QStringLiteral("raw_data.xlsx")),
                                   QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject o = json(run);
        QCOMPARE(o.value(u"format").toString(), QStringLiteral("xlsx"));
        QCOMPARE(o.value(u"encoding").toString(), QStringLiteral("UTF-8"));
        QCOMPARE(o.value(u"header").toBool(), true);
        const QJsonArray columns = o.value(u"columns").toArray();
        QCOMPARE(columns.at(1).toObject().value(u"name").toString(), QStringLiteral("Date_Time"));
        QCOMPARE(columns.at(1).toObject().value(u"type").toString(), QStringLiteral("date"));
        QCOMPARE(columns.at(11).toObject().value(u"type").toString(), QStringLiteral("decimal"));
        QCOMPARE(o.value(u"rows").toInteger(), 686);
        QCOMPARE(o.value(u"columns").toArray().size(), 17);
        const QJsonArray sheets = o.value(u"sheets").toArray();
        QCOMPARE(sheets.size(), 1);
        QCOMPARE(o.value(u"sheet").toString(), sheets.first().toObject().value(u"name").toString());
        QCOMPARE(sheets.first().toObject().value(u"rows").toInteger(), 686);
        QCOMPARE(sheets.first().toObject().value(u"columns").toInteger(), 17);
    }

    void listsTheSheetsAndReadsTheTableBehindTheNotes()
    {
        QTemporaryDir dir;
        const QString book = dir.filePath(QStringLiteral("q3.xlsx"));
        QVERIFY(writeNotesAndSalesWorkbook(book));
        const QJsonObject o = json(runCli({QStringLiteral("inspect"), QStringLiteral("--json"), book}));
        QCOMPARE(o.value(u"sheet").toString(), QStringLiteral("Q3 sales"));
        QCOMPARE(o.value(u"rows").toInteger(), kQ3SalesRows);
        QVERIFY(o.value(u"sheet_reason").toString().contains(QStringLiteral("Sales orders")));
        const QJsonArray sheets = o.value(u"sheets").toArray();
        QCOMPARE(sheets.size(), 3);
        QCOMPARE(sheets[0].toObject().value(u"name").toString(), QStringLiteral("Notes"));
        QCOMPARE(sheets[0].toObject().value(u"columns").toInteger(), 1);
        QCOMPARE(sheets[0].toObject().value(u"rows").toInteger(), 3); // a title row, then 3 lines
        QCOMPARE(sheets[1].toObject().value(u"name").toString(), QStringLiteral("Q3 sales"));
        QCOMPARE(sheets[1].toObject().value(u"rows").toInteger(), kQ3SalesRows);
        QCOMPARE(sheets[1].toObject().value(u"columns").toInteger(), kQ3SalesColumns);
        QCOMPARE(sheets[2].toObject().value(u"name").toString(), QStringLiteral("Empty"));
        QVERIFY(sheets[2].toObject().value(u"error").toString().contains(QStringLiteral("empty")));

        // The analyst's --sheet wins; the listing is the same.
        const QJsonObject n = json(runCli({QStringLiteral("inspect"), QStringLiteral("--json"), book,
                                           QStringLiteral("--sheet"), QStringLiteral("Notes")}));
        QCOMPARE(n.value(u"sheet").toString(), QStringLiteral("Notes"));
        QCOMPARE(n.value(u"sheets").toArray().size(), 3);

        const CliRun human = runCli({QStringLiteral("inspect"), book});
        QCOMPARE(human.exitCode, 0);
        QVERIFY2(human.out.contains("* Q3 sales  120 rows x 10 columns"), human.out.constData());
        QVERIFY(human.out.contains("    Notes  3 rows x 1 column\n"));

        // detect and analyze read the same sheet.
        const QJsonObject d = json(runCli({QStringLiteral("detect"), QStringLiteral("--json"), book}));
        QCOMPARE(d.value(u"sheet").toString(), QStringLiteral("Q3 sales"));
        QCOMPARE(d.value(u"type").toString(), QStringLiteral("sales_orders"));
        QCOMPARE(d.value(u"sheets").toArray().size(), 3);
    }

    void messyExportAnalysesLikeTheCleanOne()
    {
        // The users' readings re-saved the way a European Excel would: BOM, semicolons, decimal
        // commas, dd/mm/yyyy dates, CRLF. The analysis outputs (tables, lineage row hashes, data
        // quality) must come out byte for byte as from the clean file.
        QTemporaryDir dir;
        const QString clean = seedPath(QStringLiteral("synthetic_raw_data.csv"));
        QFile in(clean);
        QVERIFY(in.open(QIODevice::ReadOnly));
        QByteArray messy("\xEF\xBB\xBF");
        bool header = true;
        for (const QByteArray &line : in.readAll().split('\n')) {
            if (line.isEmpty())
                continue;
            QList<QByteArray> f = line.split(',');
            if (!header) {
                const QList<QByteArray> ymd = f[1].split('-');
                f[1] = ymd[2] + '/' + ymd[1] + '/' + ymd[0];
                f[3].replace('.', ',');
            }
            header = false;
            messy += f.join(';') + "\r\n";
        }
        const QString messyPath = dir.filePath(QStringLiteral("messy.csv"));
        QFile out(messyPath);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(messy);
        out.close();

        const QJsonObject o = json(runCli({QStringLiteral("inspect"), QStringLiteral("--json"), messyPath}));
        QCOMPARE(o.value(u"encoding").toString(), QStringLiteral("UTF-8 (BOM)"));
        QCOMPARE(o.value(u"delimiter").toString(), QStringLiteral(";"));
        QCOMPARE(o.value(u"decimal_comma").toBool(), true);
        QCOMPARE(o.value(u"rows").toInteger(), 1440);

        const QString a = dir.filePath(QStringLiteral("clean_out")), b = dir.filePath(QStringLiteral("messy_out"));
        const QString csvOnly = QStringLiteral("--format=csv");
        const CliRun runA = runCli({QStringLiteral("analyze"), clean, QStringLiteral("--out"), a, csvOnly});
        const CliRun runB = runCli({QStringLiteral("analyze"), messyPath, QStringLiteral("--out"), b, csvOnly});
        QVERIFY2(runA.exitCode == 0, runA.err.constData());
        QVERIFY2(runB.exitCode == 0, runB.err.constData());
        const QStringList outputs = QDir(a).entryList({QStringLiteral("*.csv")}, QDir::Files);
        QVERIFY(outputs.size() >= 3);
        for (const QString &name : outputs) {
            QFile fa(QDir(a).filePath(name)), fb(QDir(b).filePath(name));
            QVERIFY(fa.open(QIODevice::ReadOnly));
            QVERIFY2(fb.open(QIODevice::ReadOnly), qPrintable(name));
            QVERIFY2(fa.readAll() == fb.readAll(), qPrintable(name));
        }
    }

    void missingFileExitsThree()
    {
        QTemporaryDir dir;
        const CliRun run = runCli({QStringLiteral("inspect"), dir.filePath(QStringLiteral("gone.csv"))});
        QCOMPARE(run.exitCode, 3);
        QVERIFY(run.err.contains("\"gone.csv\" does not exist"));
        QVERIFY(run.out.isEmpty());
    }

    void binaryFileExitsThree()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("blob.csv"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("abc\0\0\0\x01\x02", 8).repeated(100));
        f.close();
        const CliRun run = runCli({QStringLiteral("inspect"), file, QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 3);
        QVERIFY(run.err.contains("does not look like a text/CSV file"));
    }

    void usageErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no file") << QStringList{QStringLiteral("inspect")};
        QTest::newRow("two files") << QStringList{QStringLiteral("inspect"), QStringLiteral("a.csv"),
                                                  QStringLiteral("b.csv")};
        QTest::newRow("unknown option") << QStringList{QStringLiteral("inspect"), QStringLiteral("--frobnicate"),
                                                       seedPath(QStringLiteral("fintech_sales.csv"))};
        QTest::newRow("sheet without value") << QStringList{QStringLiteral("inspect"),
                                                            seedPath(QStringLiteral("fintech_sales.csv")),
                                                            QStringLiteral("--sheet")};
    }

    void usageErrorsExitTwo()
    {
        QFETCH(QStringList, args);
        const CliRun run = runCli(args);
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("--help"));
        QVERIFY(run.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCliInspect)
#include "tst_cli_inspect.moc"
