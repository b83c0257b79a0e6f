// Every line of an input accounted for, end to end: a bank export with an account block above
// the header, blank lines, a row of the wrong width and a footer goes through the pipeline; the
// audit lineage lists every line but the header once, in order, with why it was left out; the
// manifest says read = used + skipped; data_quality.csv counts the left-out lines by reason.
#include "jobs/pipeline.h"

#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace finpipe;
using finpipe::test::readAll;

namespace {

QString write(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        return {};
    return path;
}

//! audit_lineage.csv as line -> "status reason" (reason may be empty).
QMap<qint64, QString> lineage(const QString &path)
{
    QMap<qint64, QString> out;
    const QList<QByteArray> lines = readAll(path).split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (lines[i].isEmpty())
            continue;
        const QList<QByteArray> f = lines[i].split(',');
        const qsizetype n = f.size();
        out.insert(f.first().toLongLong(), QString::fromUtf8(f[n - 2] + ' ' + f[n - 1]).trimmed());
    }
    return out;
}

} // namespace

class TestLineAccountingEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bankExportEveryLineAccounted()
    {
        QTemporaryDir dir;
        const QString input = write(dir, QStringLiteral("statement.csv"),
                                    "Account name: ,MyAccount_****01233,,,,\n"
                                    "Account balance: ,63.86,,,,\n"
                                    "Available balance: ,63.86,,,,\n"
                                    "Date,Transactions,Debits,Credits,Balance\n"
                                    "04 Nov 2009,CARD 1234 TESCO,12.50,,51.36\n"
                                    "05 Nov 2009,SALARY,,1000.00,1051.36\n"
                                    "\n"
                                    "06 Nov 2009,RENT,500.00,,551.36\n"
                                    "07 Nov 2009,COFFEE,2.50,,548.86,x,y,z\n"
                                    "08 Nov 2009,BOOKS,10.00,,538.86\n"
                                    "\n"
                                    "***END OF FILE***\n");
        QVERIFY(!input.isEmpty());
        jobs::JobSpec spec;
        spec.inputPath = input;
        spec.outputDir = dir.filePath(QStringLiteral("out"));
        spec.requireConfidentDetection = false;
        spec.writeXlsx = false;
        spec.writeDashboard = false;
        auto r = jobs::runJob(spec);
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().toString()));
        const jobs::Manifest &m = *r;

        // 12 lines, one of them the header: 11 accounted for.
        QCOMPARE(m.rowsRead, 11);
        QCOMPARE(m.rowsUsed + m.rowsSkipped, m.rowsRead);
        QCOMPARE(m.rowsUsed, 4);

        const QMap<qint64, QString> rows = lineage(QDir(spec.outputDir).filePath(QStringLiteral("audit_lineage.csv")));
        QCOMPARE(rows.keys(), (QList<qint64>{1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12}));
        for (qint64 line : {1, 2, 3})
            QCOMPARE(rows.value(line), QStringLiteral("skipped metadata above the header"));
        for (qint64 line : {5, 6, 8, 10})
            QCOMPARE(rows.value(line), QStringLiteral("used"));
        QCOMPARE(rows.value(7), QStringLiteral("skipped blank line"));
        QCOMPARE(rows.value(9), QStringLiteral("skipped wrong number of fields"));
        QVERIFY2(rows.value(11).startsWith(QStringLiteral("skipped ")), qPrintable(rows.value(11)));
        QCOMPARE(rows.value(12), QStringLiteral("skipped footer"));

        // The manifest names the reasons; data_quality.csv's "skipped rows" add up to them.
        const QJsonObject manifest = QJsonDocument::fromJson(readAll(QDir(spec.outputDir).filePath(QStringLiteral("manifest.json")))).object();
        const QJsonObject counts = manifest.value(u"rows").toObject();
        QCOMPARE(counts.value(u"read").toInt(), 11);
        qint64 leftOut = 0;
        for (const QJsonValue &v : counts.value(u"left_out_by_reader").toArray())
            leftOut += v.toObject().value(u"count").toInteger();
        QCOMPARE(leftOut, 7);
        qint64 qualitySkipped = 0;
        const QList<QByteArray> quality = readAll(QDir(spec.outputDir).filePath(QStringLiteral("data_quality.csv"))).split('\n');
        for (const QByteArray &line : quality)
            if (line.startsWith("skipped rows,"))
                qualitySkipped += line.split(',').at(3).toLongLong();
        QCOMPARE(qualitySkipped, m.rowsSkipped);
        bool warned = false;
        for (const QString &a : m.alerts)
            warned |= a.contains(QStringLiteral("wrong number of fields"));
        QVERIFY2(warned, qPrintable(m.alerts.join(u'\n')));
    }

    void stationReadingsWithFooterKeepTheirDates()
    {
        // A footer used to turn the date column into text and fail the pivot.
        QByteArray csv = readAll(QStringLiteral(FINPIPE_SOURCE_DIR "/samples/station_readings.csv"));
        QVERIFY(!csv.isEmpty());
        if (!csv.endsWith('\n'))
            csv += '\n';
        const qint64 lines = csv.count('\n');
        csv += "\nTotal rows: 1441,,,,\n";
        QTemporaryDir dir;
        jobs::JobSpec spec;
        spec.inputPath = write(dir, QStringLiteral("readings.csv"), csv);
        spec.outputDir = dir.filePath(QStringLiteral("out"));
        spec.writeXlsx = false;
        spec.writeDashboard = false;
        auto r = jobs::runJob(spec);
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().toString()));
        QCOMPARE(r->datasetType, QStringLiteral("station_readings"));
        QCOMPARE(r->rowsRead, lines + 1); // every line but the header, the blank line and footer included
        QCOMPARE(r->rowsUsed + r->rowsSkipped, r->rowsRead);
        const QMap<qint64, QString> rows = lineage(QDir(spec.outputDir).filePath(QStringLiteral("audit_lineage.csv")));
        QCOMPARE(rows.value(lines + 2), QStringLiteral("skipped footer"));
    }
};

QTEST_GUILESS_MAIN(TestLineAccountingEndToEnd)
#include "tst_lineaccounting_e2e.moc"
