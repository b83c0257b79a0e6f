// finpipe-cli analyze on generated bank statements: exit code 0, every statement output written and
// listed in the manifest, the reconciliation verdict in manifest.json and on the dashboard, and text
// from the file (an account name with markup) escaped on the page.
#include "core/bankstatements.h"
#include "testutil.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTemporaryDir>
#include <QTest>

using namespace finpipe;
using namespace finpipe::test;
using bankgen::Layout;

namespace {

QJsonObject manifestOf(const QString &dir)
{
    return QJsonDocument::fromJson(readAll(QDir(dir).filePath(QStringLiteral("manifest.json")))).object();
}

//! An account column holding markup, added to a statement written with commas.
QByteArray withHostileAccount(const QByteArray &csv)
{
    QList<QByteArray> lines = csv.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i)
        if (!lines[i].isEmpty())
            lines[i] += i == 0 ? QByteArray(",Account") : QByteArray(",\"<img src=x onerror=alert(1)> Joint & Co\"");
    return lines.join('\n');
}

} // namespace

class TestCliBank : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    //! A German statement in Windows-1252, newest first: detected, analysed, reconciled.
    void analyzeGermanStatement()
    {
        const bankgen::Statement s = bankgen::makeStatement(QDate(2024, 1, 1), 120);
        const QString input = writeFixture(m_dir.filePath(QStringLiteral("umsaetze.csv")),
                                           bankgen::write(s, Layout::GermanCp1252, true));
        const QString out = m_dir.filePath(QStringLiteral("german"));
        const CliRun run = runCli({QStringLiteral("analyze"), input, QStringLiteral("--out"), out, QStringLiteral("--quiet")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QStringList expected{QStringLiteral("cashflow_by_month.csv"), QStringLiteral("reconciliation.csv"),
                                   QStringLiteral("counterparties.csv"),    QStringLiteral("recurring.csv"),
                                   QStringLiteral("categories.csv"),        QStringLiteral("data_quality.csv"),
                                   QStringLiteral("audit_lineage.csv"),     QStringLiteral("results.xlsx"),
                                   QStringLiteral("dashboard.html"),        QStringLiteral("manifest.json")};
        for (const QString &name : expected)
            QVERIFY2(QFileInfo(QDir(out).filePath(name)).size() > 0, qPrintable(name));
        const QJsonObject manifest = manifestOf(out);
        QCOMPARE(manifest.value(u"dataset").toObject().value(u"type").toString(), QStringLiteral("bank_transactions"));
        QCOMPARE(manifest.value(u"analysis").toString(), QStringLiteral("bank_transactions"));
        QStringList listed;
        for (const QJsonValue &o : manifest.value(u"outputs").toArray())
            listed << o.toObject().value(u"name").toString();
        for (const QString &name : expected)
            if (name != u"manifest.json")
                QVERIFY2(listed.contains(name), qPrintable(name));
        const QJsonObject verdict = manifest.value(u"verdicts").toObject().value(u"reconciliation").toObject();
        QCOMPARE(verdict.value(u"outcome").toString(), QStringLiteral("passed"));
        // The closing balance the generator wrote, in the verdict as the analyst reads it.
        QVERIFY(s.closingCents() > 0);
        const QString closing = QLocale(QLocale::English).toString(double(s.closingCents()) / 100.0, 'f', 2);
        QVERIFY2(verdict.value(u"message").toString().contains(closing), qPrintable(verdict.value(u"message").toString()));
        const QByteArray html = readAll(QDir(out).filePath(QStringLiteral("dashboard.html")));
        QVERIFY(html.contains("id=\"kpis\""));
        QVERIFY(html.contains("<div class=\"kpi-value\">reconciled</div>"));
    }

    //! A broken balance: still exit 0 (the outputs are the answer), the verdict says which row.
    void brokenBalanceIsAVerdictNotAFailure()
    {
        const bankgen::Statement s = bankgen::makeStatement(QDate(2024, 1, 1), 60);
        const QString input = writeFixture(m_dir.filePath(QStringLiteral("statement.csv")),
                                           withHostileAccount(bankgen::write(s, Layout::CrDr, false, 20)));
        const QString out = m_dir.filePath(QStringLiteral("broken"));
        const CliRun run = runCli({QStringLiteral("analyze"), input, QStringLiteral("--out"), out, QStringLiteral("--quiet")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject verdict = manifestOf(out).value(u"verdicts").toObject().value(u"reconciliation").toObject();
        QCOMPARE(verdict.value(u"outcome").toString(), QStringLiteral("failed"));
        QCOMPARE(verdict.value(u"failures").toInt(), 1);
        QVERIFY2(verdict.value(u"message").toString().contains(QStringLiteral("row(s) 22")),
                 qPrintable(verdict.value(u"message").toString()));
        const QByteArray html = readAll(QDir(out).filePath(QStringLiteral("dashboard.html")));
        QVERIFY(html.contains("1 break(s)"));
        // The account name is in the page's data, never as markup.
        QVERIFY(!html.contains("<img src=x"));
        QVERIFY(html.contains("Joint"));
    }

    //! A UK bank's export as it comes: an account block with padding commas above
    //! "Date,Transactions,Debits,Credits,Balance", "04 Nov 2009" dates. Recognised with no flags,
    //! the block accounted for, and the figures right (worked out by hand below).
    void ukExportUnderAnAccountBlock()
    {
        const QString input = writeFixture(m_dir.filePath(QStringLiteral("uk.csv")),
                                           "Account name: ,MyAccount_****01233,,,,\n"
                                           "Account balance: ,1571.01,,,,\n"
                                           "Available balance: ,1571.01,,,,\n"
                                           "Date,Transactions,Debits,Credits,Balance\n"
                                           "04 Nov 2009,CARD 1234 TESCO STORES 3012 03/11,12.50,,100.00\n"
                                           "05 Nov 2009,SALARY ACME LTD,,1500.00,1600.00\n"
                                           "06 Nov 2009,NETFLIX.COM,8.99,,1591.01\n"
                                           "07 Nov 2009,TESCO STORES 3012,20.00,,1571.01\n");
        const CliRun detect = runCli({QStringLiteral("detect"), input, QStringLiteral("--json")});
        QCOMPARE(detect.exitCode, 0);
        const QJsonObject d = QJsonDocument::fromJson(detect.out).object();
        QCOMPARE(d.value(u"type").toString(), QStringLiteral("bank_transactions"));
        QCOMPARE(d.value(u"level").toString(), QStringLiteral("high"));

        const QString out = m_dir.filePath(QStringLiteral("uk"));
        const CliRun run = runCli({QStringLiteral("analyze"), input, QStringLiteral("--out"), out, QStringLiteral("--quiet")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject m = manifestOf(out);
        QCOMPARE(m.value(u"verdicts").toObject().value(u"reconciliation").toObject().value(u"outcome").toString(),
                 QStringLiteral("passed"));
        // Money in 1,500.00; out 12.50 + 8.99 + 20.00 = 41.49; net 1,458.51; four bookings in Nov 2009.
        const QList<QByteArray> cashflow = readAll(QDir(out).filePath(QStringLiteral("cashflow_by_month.csv"))).split('\n');
        QVERIFY2(cashflow.size() >= 2 && cashflow[1].startsWith("2009-11,"), cashflow.join('|').constData());
        QVERIFY2(cashflow[1].contains("1500") && cashflow[1].contains("41.49") && cashflow[1].contains("1458.51")
                     && cashflow[1].endsWith(",4"),
                 cashflow[1].constData());
        // The two Tesco lines are one payee.
        const QByteArray payees = readAll(QDir(out).filePath(QStringLiteral("counterparties.csv")));
        QCOMPARE(payees.count("TESCO"), 1);
        // The account block is accounted for: three lines left out above the header.
        qint64 leftOut = 0;
        for (const QJsonValue &v : m.value(u"rows").toObject().value(u"left_out_by_reader").toArray())
            leftOut += v.toObject().value(u"count").toInteger();
        QCOMPARE(leftOut, 3);
        // The dashboard counts the lines as the manifest does, and titles do not name an unknown
        // currency.
        const QByteArray html = readAll(QDir(out).filePath(QStringLiteral("dashboard.html")));
        QVERIFY(html.contains("7 rows read · 4 used · 3 skipped"));
        QVERIFY(!html.contains("((unspecified))"));
        QVERIFY(html.contains("End-of-day balance"));
    }

    //! A file that is no statement with --type bank_transactions and no amount column: exit 5 or 2
    //! with a message naming the roles, never a crash.
    void noAmountColumnIsExplained()
    {
        const QString input = writeFixture(m_dir.filePath(QStringLiteral("notes.csv")),
                                           "Date,Description\n2024-01-02,hello\n2024-01-03,world\n");
        const CliRun run = runCli({QStringLiteral("analyze"), input, QStringLiteral("--type"),
                                   QStringLiteral("bank_transactions"), QStringLiteral("--out"),
                                   m_dir.filePath(QStringLiteral("notes")), QStringLiteral("--quiet")});
        QVERIFY2(run.exitCode != 0 && run.exitCode != -1, run.err.constData());
        QVERIFY2(run.err.contains("amount"), run.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliBank)
#include "tst_cli_bank.moc"
