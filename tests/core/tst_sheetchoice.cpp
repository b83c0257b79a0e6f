#include "detect/detection.h"
#include "detect/rules.h"
#include "detect/sheetchoice.h"
#include "jobs/pipeline.h"

#include "notesworkbook.h"
#include "testutil.h"

#include <QTemporaryDir>
#include <QTest>

using namespace finpipe;

class TestSheetChoice : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsTheSalesSheetBehindTheNotes()
    {
        QTemporaryDir dir;
        const QString book = dir.filePath(QStringLiteral("q3.xlsx"));
        QVERIFY(writeNotesAndSalesWorkbook(book));
        const detect::Rules rules = detect::Rules::load();

        auto d = detect::detectFile(book, {}, rules);
        QVERIFY2(d.ok(), qPrintable(d.ok() ? QString() : d.error().message));
        QCOMPARE(d->sheet, QStringLiteral("Q3 sales"));
        QCOMPARE(d->type, QStringLiteral("sales_orders"));
        QCOMPARE(d->mapping.roles.value(QStringLiteral("order_id")), QStringLiteral("order_id"));

        // Every sheet is listed, in the workbook's order, with its size and what was found on it.
        QCOMPARE(d->sheets.size(), 3);
        QCOMPARE(d->sheets[0].name, QStringLiteral("Notes"));
        QVERIFY(d->sheets[0].generic);
        QCOMPARE(d->sheets[0].columns, 1);
        QCOMPARE(d->sheets[1].name, QStringLiteral("Q3 sales"));
        QCOMPARE(d->sheets[1].rows, qint64(kQ3SalesRows));
        QVERIFY(d->sheets[1].rowsExact);
        QCOMPARE(d->sheets[1].columns, kQ3SalesColumns);
        QCOMPARE(d->sheets[1].type, QStringLiteral("sales_orders"));
        QVERIFY(!d->sheets[1].generic);
        // The empty sheet cannot be read; it says why and is not chosen.
        QCOMPARE(d->sheets[2].name, QStringLiteral("Empty"));
        QVERIFY(!d->sheets[2].error.isEmpty());
        QVERIFY2(d->sheetReason.contains(QStringLiteral("\"Q3 sales\" holds a Sales orders table")),
                 qPrintable(d->sheetReason));

        // The preview holds the table's first rows as read.
        QCOMPARE(d->preview.size(), detect::kPreviewRows);
        QCOMPARE(d->preview.first().size(), kQ3SalesColumns);
        QCOMPARE(d->preview.first().first(), QStringLiteral("ORD100001"));

        // A sheet the analyst names is read as named, with no survey.
        ingest::ReadOptions notes;
        notes.sheet = QStringLiteral("Notes");
        auto n = detect::detectFile(book, notes, rules);
        QVERIFY(n.ok());
        QCOMPARE(n->sheet, QStringLiteral("Notes"));
        QCOMPARE(n->type, QStringLiteral("generic_table"));
        QVERIFY(n->sheets.isEmpty());
    }

    void theRunReadsTheSameSheet()
    {
        QTemporaryDir dir;
        const QString book = dir.filePath(QStringLiteral("q3.xlsx"));
        QVERIFY(writeNotesAndSalesWorkbook(book));
        jobs::JobSpec spec;
        spec.inputPath = book;
        spec.outputDir = dir.filePath(QStringLiteral("out"));
        auto m = jobs::runJob(spec, nullptr);
        QVERIFY2(m.ok(), qPrintable(m.ok() ? QString() : m.error().message));
        QCOMPARE(m->sheet, QStringLiteral("Q3 sales"));
        QCOMPARE(m->datasetType, QStringLiteral("sales_orders"));
        QCOMPARE(m->rowsRead, qint64(kQ3SalesRows));
    }

    void anEmptyFirstSheetIsPassedOver()
    {
        // Excel's untouched "Sheet1" in front of the data.
        QTemporaryDir dir;
        const QString book = dir.filePath(QStringLiteral("blank first.xlsx"));
        lxw_workbook *wb = workbook_new(QFile::encodeName(book).constData());
        workbook_add_worksheet(wb, "Sheet1");
        lxw_worksheet *data = workbook_add_worksheet(wb, "Readings");
        worksheet_write_string(data, 0, 0, "Station_ID", nullptr);
        worksheet_write_string(data, 0, 1, "Date_Time", nullptr);
        worksheet_write_string(data, 0, 2, "PCode", nullptr);
        worksheet_write_string(data, 0, 3, "Result", nullptr);
        for (int r = 1; r <= 40; ++r) {
            worksheet_write_string(data, lxw_row_t(r), 0, r % 2 ? "CT" : "TUS", nullptr);
            const QByteArray date = "2021-01-" + QByteArray::number(10 + r % 20);
            worksheet_write_string(data, lxw_row_t(r), 1, date.constData(), nullptr);
            const QByteArray code = "Data " + QByteArray::number(1 + r % 5);
            worksheet_write_string(data, lxw_row_t(r), 2, code.constData(), nullptr);
            worksheet_write_number(data, lxw_row_t(r), 3, 10.5 + r, nullptr);
        }
        QCOMPARE(workbook_close(wb), LXW_NO_ERROR);
        auto d = detect::detectFile(book, {}, detect::Rules::load());
        QVERIFY2(d.ok(), qPrintable(d.ok() ? QString() : d.error().message));
        QCOMPARE(d->sheet, QStringLiteral("Readings"));
        QCOMPARE(d->type, QStringLiteral("station_readings"));
        QCOMPARE(d->sheets.size(), 2);
        QVERIFY(d->sheets[0].error.contains(QStringLiteral("empty")));

        QTemporaryDir out;
        jobs::JobSpec spec;
        spec.inputPath = book;
        spec.outputDir = out.filePath(QStringLiteral("run"));
        auto m = jobs::runJob(spec, nullptr);
        QVERIFY2(m.ok(), qPrintable(m.ok() ? QString() : m.error().message));
        QCOMPARE(m->sheet, QStringLiteral("Readings"));
    }

    void aWorkbookWithoutAKnownTableReadsItsFirstTable()
    {
        // Nothing recognisable anywhere: the first sheet with a real table (two columns or more) wins
        // over a one-column notes sheet.
        QTemporaryDir dir;
        const QString book = dir.filePath(QStringLiteral("misc.xlsx"));
        lxw_workbook *wb = workbook_new(QFile::encodeName(book).constData());
        lxw_worksheet *notes = workbook_add_worksheet(wb, "Read me");
        worksheet_write_string(notes, 0, 0, "About this file", nullptr);
        worksheet_write_string(notes, 1, 0, "Nothing to see here.", nullptr);
        lxw_worksheet *t = workbook_add_worksheet(wb, "Colours");
        worksheet_write_string(t, 0, 0, "Colour", nullptr);
        worksheet_write_string(t, 0, 1, "Favourite of", nullptr);
        const char *colours[] = {"Red", "Green", "Blue", "Teal"};
        const char *people[] = {"Ann", "Bo", "Cy", "Di"};
        for (int r = 0; r < 4; ++r) {
            worksheet_write_string(t, lxw_row_t(r + 1), 0, colours[r], nullptr);
            worksheet_write_string(t, lxw_row_t(r + 1), 1, people[r], nullptr);
        }
        QCOMPARE(workbook_close(wb), LXW_NO_ERROR);
        auto d = detect::detectFile(book, {}, detect::Rules::load());
        QVERIFY(d.ok());
        QCOMPARE(d->sheet, QStringLiteral("Colours"));
        QCOMPARE(d->type, QStringLiteral("generic_table"));
        QVERIFY(d->sheetReason.contains(QStringLiteral("No sheet holds a dataset type finpipe knows")));
    }
};

QTEST_GUILESS_MAIN(TestSheetChoice)
#include "tst_sheetchoice.moc"
