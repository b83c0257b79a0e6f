// Bank and card statements end to end: generated statements in each layout banks export are
// detected as bank_transactions (type and mapping) and analysed; every output is checked against
// figures computed here from the generator's bookings, not from the analysis.
#include "analysis/bankcategories.h"
#include "analysis/bankrecurring.h"
#include "analysis/bankvalues.h"
#include "bankstatements.h"
#include "detect/detection.h"
#include "detect/override.h"
#include "jobs/pipeline.h"
#include "testutil.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <set>

using namespace finpipe;
using namespace finpipe::test;
using bankgen::Layout;

namespace {

//! A CSV file as rows of fields (quotes handled), header first.
QList<QStringList> readCsv(const QString &path)
{
    const QString text = QString::fromUtf8(readAll(path));
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == u'"' && i + 1 < text.size() && text[i + 1] == u'"') {
                field += c;
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            row << field;
            field.clear();
        } else if (c == u'\n') {
            row << field;
            field.clear();
            rows << row;
            row.clear();
        } else if (c != u'\r') {
            field += c;
        }
    }
    return rows;
}

//! Rows of a CSV as maps column -> text.
QList<QMap<QString, QString>> table(const QString &dir, const QString &name)
{
    const QList<QStringList> rows = readCsv(QDir(dir).filePath(name));
    QList<QMap<QString, QString>> out;
    for (qsizetype r = 1; r < rows.size(); ++r) {
        QMap<QString, QString> m;
        for (qsizetype c = 0; c < rows[0].size() && c < rows[r].size(); ++c)
            m.insert(rows[0][c], rows[r][c]);
        out << m;
    }
    return out;
}

//! manifest.json's verdict for the reconciliation: {"outcome", "failures", "message"}.
QJsonObject reconciliationVerdict(const QString &dir)
{
    const QJsonObject root = QJsonDocument::fromJson(readAll(QDir(dir).filePath(QStringLiteral("manifest.json")))).object();
    return root.value(u"verdicts").toObject().value(u"reconciliation").toObject();
}

qint64 cents(const QString &text)
{
    return qRound64(text.toDouble() * 100);
}

struct Run {
    detect::Detection detection;
    jobs::Manifest manifest;
    QString out;
};

using Mapping = QMap<QString, QString>;

//! A role -> column mapping from UTF-8 literals.
Mapping roles(std::initializer_list<std::pair<const char *, const char *>> pairs)
{
    Mapping m;
    for (const auto &[role, column] : pairs)
        m.insert(QString::fromUtf8(role), QString::fromUtf8(column));
    return m;
}

const QDate kFrom(2023, 1, 1);
constexpr int kDays = 426; // to 1 March 2024: two TV licences, five insurance payments

} // namespace

class TestBankTransactions : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_runs = 0;

    QString m_error; //!< why the last analyse() failed

    //! Detects and analyses the statement; false (and m_error) when either fails.
    bool analyse(const QByteArray &bytes, const QString &fileName, Run &run)
    {
        const QString path = writeFixture(m_dir.filePath(fileName), bytes);
        const detect::Rules rules = detect::Rules::load({QString(), false});
        auto d = detect::detectFile(path, {}, rules);
        if (!d.ok()) {
            m_error = d.error().toString();
            return false;
        }
        run.detection = *d;
        jobs::JobSpec spec;
        spec.inputPath = path;
        spec.outputDir = m_dir.filePath(QStringLiteral("out%1").arg(++m_runs));
        spec.writeXlsx = false;
        spec.writeDashboard = false;
        auto r = jobs::runJob(spec);
        if (!r.ok()) {
            m_error = r.error().toString();
            return false;
        }
        run.manifest = *r;
        run.out = spec.outputDir;
        return true;
    }

    //! Every output against the bookings: cash flow, reconciliation, counterparties, recurring,
    //! categories, lineage.
    void checkOutputs(const Run &run, const bankgen::Statement &s, bool withBalance, const QString &currency)
    {
        // Cash flow by month.
        std::map<QString, std::array<qint64, 3>> months;
        for (const auto &b : s.bookings) {
            auto &m = months[b.date.toString(QStringLiteral("yyyy-MM"))];
            (b.cents >= 0 ? m[0] : m[1]) += std::abs(b.cents);
            ++m[2];
        }
        const auto cash = table(run.out, QStringLiteral("cashflow_by_month.csv"));
        QCOMPARE(cash.size(), qsizetype(months.size()));
        for (const auto &row : cash) {
            const auto &m = months.at(row.value(QStringLiteral("month")));
            QCOMPARE(row.value(QStringLiteral("currency")), currency);
            QCOMPARE(cents(row.value(QStringLiteral("money_in"))), m[0]);
            QCOMPARE(cents(row.value(QStringLiteral("money_out"))), m[1]);
            QCOMPARE(cents(row.value(QStringLiteral("net"))), m[0] - m[1]);
            QCOMPARE(row.value(QStringLiteral("transactions")).toLongLong(), m[2]);
        }

        // Reconciliation.
        const auto rec = table(run.out, QStringLiteral("reconciliation.csv"));
        QCOMPARE(rec.size(), 1);
        qint64 sum = 0;
        for (const auto &b : s.bookings)
            sum += b.cents;
        QCOMPARE(cents(rec[0].value(QStringLiteral("sum_of_amounts"))), sum);
        if (withBalance) {
            QCOMPARE(cents(rec[0].value(QStringLiteral("opening_balance"))), s.openingCents);
            QCOMPARE(cents(rec[0].value(QStringLiteral("closing_balance"))), s.closingCents());
            QCOMPARE(rec[0].value(QStringLiteral("breaks")), QStringLiteral("0"));
            QVERIFY(rec[0].value(QStringLiteral("verdict")).startsWith(QStringLiteral("reconciled")));
            QCOMPARE(reconciliationVerdict(run.out).value(u"outcome").toString(), QStringLiteral("passed"));
        } else {
            QVERIFY(rec[0].value(QStringLiteral("verdict")).startsWith(QStringLiteral("not possible")));
            QVERIFY(run.manifest.alerts.join(u'\n').contains(QStringLiteral("Reconciliation was not possible")));
            const QJsonObject verdict = reconciliationVerdict(run.out);
            QCOMPARE(verdict.value(u"outcome").toString(), QStringLiteral("not_possible"));
            QVERIFY(verdict.value(u"message").toString().contains(QStringLiteral("no balance column")));
        }

        // Counterparties: the generator's payees, whatever the descriptions around them.
        std::map<QString, std::array<qint64, 3>> payees;
        for (const auto &b : s.bookings) {
            auto &p = payees[b.payee];
            (b.cents >= 0 ? p[0] : p[1]) += std::abs(b.cents);
            ++p[2];
        }
        const auto cps = table(run.out, QStringLiteral("counterparties.csv"));
        QStringList names;
        for (const auto &row : cps)
            names << row.value(QStringLiteral("counterparty"));
        QCOMPARE(cps.size(), qsizetype(payees.size()));
        qint64 previous = std::numeric_limits<qint64>::max();
        for (const auto &row : cps) {
            const QString name = row.value(QStringLiteral("counterparty"));
            QVERIFY2(payees.count(name), qPrintable(name + QStringLiteral(" among ") + names.join(u'|')));
            const auto &p = payees.at(name);
            QCOMPARE(cents(row.value(QStringLiteral("money_in"))), p[0]);
            QCOMPARE(cents(row.value(QStringLiteral("money_out"))), p[1]);
            QCOMPARE(row.value(QStringLiteral("transactions")).toLongLong(), p[2]);
            QVERIFY(p[0] + p[1] <= previous); // top first
            previous = p[0] + p[1];
        }

        // Recurring: the standing orders, subscriptions and the salary; not groceries or coffee.
        struct Expected {
            QString cadence;
            qint64 cents;
            QDate last, next;
        };
        const QDate end = kFrom.addDays(kDays - 1);
        auto lastOn = [&](const QString &payee) {
            QDate last;
            for (const auto &b : s.bookings)
                if (b.payee == payee)
                    last = b.date;
            return last;
        };
        const std::map<QString, Expected> expected{
            {QStringLiteral("SALARY ACME LTD"), {QStringLiteral("monthly"), 250000, lastOn(QStringLiteral("SALARY ACME LTD")), lastOn(QStringLiteral("SALARY ACME LTD")).addMonths(1)}},
            {QStringLiteral("RENT HOLMES PROPERTIES"), {QStringLiteral("monthly"), -95000, lastOn(QStringLiteral("RENT HOLMES PROPERTIES")), lastOn(QStringLiteral("RENT HOLMES PROPERTIES")).addMonths(1)}},
            {QStringLiteral("NETFLIX.COM"), {QStringLiteral("monthly"), -1599, lastOn(QStringLiteral("NETFLIX.COM")), lastOn(QStringLiteral("NETFLIX.COM")).addMonths(1)}},
            {QStringLiteral("PURE GYM LTD"), {QStringLiteral("monthly"), -2999, lastOn(QStringLiteral("PURE GYM LTD")), lastOn(QStringLiteral("PURE GYM LTD")).addMonths(1)}},
            {QStringLiteral("DIRECT LINE INSURANCE"), {QStringLiteral("quarterly"), -12000, lastOn(QStringLiteral("DIRECT LINE INSURANCE")), lastOn(QStringLiteral("DIRECT LINE INSURANCE")).addMonths(3)}},
            {QStringLiteral("KIDS CLUB HARBOUR LANE"), {QStringLiteral("weekly"), -4500, lastOn(QStringLiteral("KIDS CLUB HARBOUR LANE")), lastOn(QStringLiteral("KIDS CLUB HARBOUR LANE")).addDays(7)}},
            {QStringLiteral("TV LICENSING"), {QStringLiteral("yearly"), -16950, QDate(2024, 2, 1), QDate(2025, 2, 1)}},
        };
        QVERIFY(end >= QDate(2024, 2, 1));
        const auto rec2 = table(run.out, QStringLiteral("recurring.csv"));
        std::set<QString> found;
        for (const auto &row : rec2) {
            const QString name = row.value(QStringLiteral("counterparty"));
            QVERIFY2(expected.count(name), qPrintable(QStringLiteral("not recurring, but listed: ") + name));
            const Expected &e = expected.at(name);
            QCOMPARE(row.value(QStringLiteral("cadence")), e.cadence);
            QCOMPARE(cents(row.value(QStringLiteral("typical_amount"))), e.cents);
            QCOMPARE(row.value(QStringLiteral("direction")), e.cents > 0 ? QStringLiteral("in") : QStringLiteral("out"));
            QCOMPARE(row.value(QStringLiteral("last_date")), e.last.toString(Qt::ISODate));
            QCOMPARE(row.value(QStringLiteral("next_expected")), e.next.toString(Qt::ISODate));
            found.insert(name);
        }
        QCOMPARE(found.size(), expected.size());

        // Categories: spending per expected category.
        std::map<QString, std::array<qint64, 2>> categories;
        qint64 spending = 0;
        for (const auto &b : s.bookings) {
            auto &c = categories[b.category];
            (b.cents >= 0 ? c[1] : c[0]) += std::abs(b.cents);
            spending += b.cents < 0 ? -b.cents : 0;
        }
        const auto cats = table(run.out, QStringLiteral("categories.csv"));
        QCOMPARE(cats.size(), qsizetype(categories.size()));
        for (const auto &row : cats) {
            const QString name = row.value(QStringLiteral("category"));
            QVERIFY2(categories.count(name), qPrintable(name));
            QCOMPARE(cents(row.value(QStringLiteral("money_out"))), categories.at(name)[0]);
            QCOMPARE(cents(row.value(QStringLiteral("money_in"))), categories.at(name)[1]);
            QVERIFY(std::abs(row.value(QStringLiteral("share_of_spending")).toDouble()
                             - double(categories.at(name)[0]) / double(spending)) < 1e-4);
        }
        QVERIFY(categories.count(QStringLiteral("(uncategorised)")));

        // Lineage: one used row per booking.
        QCOMPARE(run.manifest.rowsUsed, qint64(s.bookings.size()));
        qint64 leftOut = 0; // lines the reader left out (an account block above the header)
        for (const auto &l : run.manifest.leftOut)
            leftOut += l.count;
        QCOMPARE(run.manifest.rowsSkipped - leftOut, 0);
        QCOMPARE(run.manifest.analysisId, QStringLiteral("bank_transactions"));
        const auto lineage = table(run.out, QStringLiteral("audit_lineage.csv"));
        qint64 used = 0;
        for (const auto &row : lineage) {
            used += row.value(QStringLiteral("status")) == u"used";
            if (row.value(QStringLiteral("status")) == u"used")
                QCOMPARE(row.value(QStringLiteral("row_hash")).size(), 64);
        }
        QCOMPARE(used, qint64(s.bookings.size()));
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void layouts_data()
    {
        QTest::addColumn<int>("layout");
        QTest::addColumn<bool>("newestFirst");
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<Mapping>("mapping");
        QTest::addColumn<bool>("withBalance");
        QTest::addColumn<QString>("currency");
        QTest::newRow("signed amount, ISO dates") << int(Layout::IsoSigned) << false << QStringLiteral("export.csv")
            << roles({{"booking_date", "Date"}, {"description", "Description"}, {"amount", "Amount"}, {"balance", "Balance"}, {"currency", "Currency"}})
            << true << QStringLiteral("GBP");
        QTest::newRow("newest first") << int(Layout::IsoSigned) << true << QStringLiteral("export_newest.csv")
            << roles({{"booking_date", "Date"}, {"description", "Description"}, {"amount", "Amount"}, {"balance", "Balance"}, {"currency", "Currency"}})
            << true << QStringLiteral("GBP");
        QTest::newRow("debit and credit, dd/mm/yyyy") << int(Layout::DebitCredit) << false << QStringLiteral("download.csv")
            << roles({{"booking_date", "Transaction Date"}, {"description", "Transaction Description"}, {"debit", "Debit Amount"}, {"credit", "Credit Amount"}, {"balance", "Balance"}})
            << true << QStringLiteral("(unspecified)");
        QTest::newRow("month names under an account block") << int(Layout::MonthNames) << true << QStringLiteral("data.csv")
            << roles({{"booking_date", "Date"}, {"description", "Description"}, {"amount", "Amount"}, {"balance", "Balance"}})
            << true << QStringLiteral("(unspecified)");
        QTest::newRow("German, Windows-1252") << int(Layout::GermanCp1252) << true << QStringLiteral("umsaetze.csv")
            << roles({{"booking_date", "Buchungstag"}, {"value_date", "Valuta"}, {"description", "Verwendungszweck"}, {"amount", "Betrag"}, {"balance", "Saldo"}, {"currency", "Währung"}})
            << true << QStringLiteral("EUR");
        QTest::newRow("CR and DR") << int(Layout::CrDr) << false << QStringLiteral("export2.csv")
            << roles({{"booking_date", "Date"}, {"description", "Narrative"}, {"amount", "Amount"}, {"balance", "Balance"}})
            << true << QStringLiteral("(unspecified)");
        QTest::newRow("parentheses, no balance") << int(Layout::Parentheses) << false << QStringLiteral("card.csv")
            << roles({{"booking_date", "Posting Date"}, {"description", "Payee"}, {"amount", "Amount"}})
            << false << QStringLiteral("(unspecified)");
        QTest::newRow("French") << int(Layout::French) << false << QStringLiteral("releve.csv")
            << roles({{"booking_date", "Date"}, {"description", "Libellé"}, {"amount", "Montant"}, {"balance", "Solde"}})
            << true << QStringLiteral("(unspecified)");
        QTest::newRow("Spanish") << int(Layout::Spanish) << false << QStringLiteral("movimientos.csv")
            << roles({{"booking_date", "Fecha"}, {"description", "Concepto"}, {"amount", "Importe"}, {"balance", "Saldo"}})
            << true << QStringLiteral("(unspecified)");
        QTest::newRow("Dutch") << int(Layout::Dutch) << false << QStringLiteral("mutaties.csv")
            << roles({{"booking_date", "Datum"}, {"description", "Omschrijving"}, {"amount", "Bedrag"}, {"balance", "Saldo na boeking"}})
            << true << QStringLiteral("(unspecified)");
        QTest::newRow("Sparkasse CSV-CAMT, dd.mm.yy, quoted") << int(Layout::SparkasseCamt) << true << QStringLiteral("20240301-umsatz.csv")
            << roles({{"account", "Auftragskonto"}, {"booking_date", "Buchungstag"}, {"value_date", "Valutadatum"},
                      {"description", "Verwendungszweck"}, {"amount", "Betrag"}, {"currency", "Waehrung"}})
            << false << QStringLiteral("EUR");
        QTest::newRow("Dutch, unsigned amounts with Af Bij") << int(Layout::AfBij) << false << QStringLiteral("NL20INGB0001234567_01-01-2023_01-03-2024.csv")
            << roles({{"booking_date", "Datum"}, {"description", "Naam / Omschrijving"}, {"account", "Rekening"},
                      {"direction", "Af Bij"}, {"amount", "Bedrag (EUR)"}})
            << false << QStringLiteral("(unspecified)");
    }

    //! Each layout is recognised with high confidence and the right mapping, and every output adds up.
    void layouts()
    {
        QFETCH(int, layout);
        QFETCH(bool, newestFirst);
        QFETCH(QString, fileName);
        QFETCH(Mapping, mapping);
        QFETCH(bool, withBalance);
        QFETCH(QString, currency);
        const bankgen::Statement s = bankgen::makeStatement(kFrom, kDays);
        Run run;
        QVERIFY2(analyse(bankgen::write(s, Layout(layout), newestFirst), fileName, run), qPrintable(m_error));
        QCOMPARE(run.detection.type, QStringLiteral("bank_transactions"));
        QVERIFY2(run.detection.level == detect::Level::High,
                 qPrintable(QStringLiteral("%1 %2").arg(run.detection.confidence).arg(run.detection.reasons.join(u' '))));
        QCOMPARE(run.detection.mapping.roles, mapping);
        checkOutputs(run, s, withBalance, currency);
        if (withBalance) {
            const auto rec = table(run.out, QStringLiteral("reconciliation.csv"));
            QVERIFY2(rec[0].value(QStringLiteral("order")).startsWith(newestFirst ? QStringLiteral("newest first")
                                                                                  : QStringLiteral("oldest first")),
                     qPrintable(rec[0].value(QStringLiteral("order"))));
        }
    }

    //! One wrong balance is one break, on its row, with the expected and found balances.
    void brokenBalanceIsCaught_data()
    {
        QTest::addColumn<bool>("newestFirst");
        QTest::newRow("oldest first") << false;
        QTest::newRow("newest first") << true;
    }
    void brokenBalanceIsCaught()
    {
        QFETCH(bool, newestFirst);
        const bankgen::Statement s = bankgen::makeStatement(kFrom, 120);
        const int broken = 57; // index in file order: line 59 (the header is line 1)
        Run run;
        QVERIFY2(analyse(bankgen::write(s, Layout::IsoSigned, newestFirst, broken),
                         QStringLiteral("broken%1.csv").arg(newestFirst), run),
                 qPrintable(m_error));
        const auto breaks = table(run.out, QStringLiteral("reconciliation_breaks.csv"));
        QCOMPARE(breaks.size(), 1);
        QCOMPARE(breaks[0].value(QStringLiteral("row")), QString::number(broken + 2));
        QCOMPARE(cents(breaks[0].value(QStringLiteral("difference"))), 1000);
        QCOMPARE(cents(breaks[0].value(QStringLiteral("found_balance"))) - cents(breaks[0].value(QStringLiteral("expected_balance"))), 1000);
        const auto rec = table(run.out, QStringLiteral("reconciliation.csv"));
        QCOMPARE(rec[0].value(QStringLiteral("breaks")), QStringLiteral("1"));
        QCOMPARE(cents(rec[0].value(QStringLiteral("opening_balance"))), s.openingCents);
        QCOMPARE(cents(rec[0].value(QStringLiteral("closing_balance"))), s.closingCents());
        const QString alerts = run.manifest.alerts.join(u'\n');
        QVERIFY2(alerts.contains(QStringLiteral("do not reconcile")) && alerts.contains(QString::number(broken + 2)),
                 qPrintable(alerts));
        const QJsonObject verdict = reconciliationVerdict(run.out);
        QCOMPARE(verdict.value(u"outcome").toString(), QStringLiteral("failed"));
        QCOMPARE(verdict.value(u"failures").toInt(), 1);
    }

    //! Balances on some rows only (many banks give one a day): the amounts in between are carried to
    //! the next balance, the statement reconciles, opening and closing balances are still right.
    void balancesOnSomeRowsOnly_data()
    {
        QTest::addColumn<bool>("newestFirst");
        QTest::newRow("oldest first") << false;
        QTest::newRow("newest first") << true;
    }
    void balancesOnSomeRowsOnly()
    {
        QFETCH(bool, newestFirst);
        const bankgen::Statement s = bankgen::makeStatement(kFrom, 150, 5);
        QList<QByteArray> lines = bankgen::write(s, Layout::IsoSigned, newestFirst).split('\n');
        // Keep the balance on every third booking; never on the first or last row of the file.
        for (qsizetype i = 1; i < lines.size(); ++i) {
            QList<QByteArray> fields = lines[i].split(',');
            if (fields.size() == 5 && (i % 3 != 0 || i == 1 || i == lines.size() - 2)) {
                fields[3].clear();
                lines[i] = fields.join(',');
            }
        }
        Run run;
        QVERIFY2(analyse(lines.join('\n'), QStringLiteral("sparse%1.csv").arg(newestFirst), run), qPrintable(m_error));
        const auto rec = table(run.out, QStringLiteral("reconciliation.csv"));
        QCOMPARE(rec.size(), 1);
        QCOMPARE(rec[0].value(QStringLiteral("breaks")), QStringLiteral("0"));
        QCOMPARE(cents(rec[0].value(QStringLiteral("opening_balance"))), s.openingCents);
        QCOMPARE(cents(rec[0].value(QStringLiteral("closing_balance"))), s.closingCents());
        QVERIFY(rec[0].value(QStringLiteral("order")).startsWith(newestFirst ? QStringLiteral("newest first")
                                                                             : QStringLiteral("oldest first")));
        QCOMPARE(reconciliationVerdict(run.out).value(u"outcome").toString(), QStringLiteral("passed"));
    }

    //! The same statement written newest first and oldest first gives the same figures.
    void newestAndOldestFirstAgree()
    {
        const bankgen::Statement s = bankgen::makeStatement(kFrom, 200, 11);
        Run up, down;
        QVERIFY2(analyse(bankgen::write(s, Layout::IsoSigned, false), QStringLiteral("up.csv"), up), qPrintable(m_error));
        QVERIFY2(analyse(bankgen::write(s, Layout::IsoSigned, true), QStringLiteral("down.csv"), down),
                 qPrintable(m_error));
        for (const QString &name : {QStringLiteral("cashflow_by_month.csv"), QStringLiteral("counterparties.csv"),
                                   QStringLiteral("recurring.csv"), QStringLiteral("categories.csv"),
                                   QStringLiteral("balance_by_day.csv")})
            QCOMPARE(readCsv(QDir(up.out).filePath(name)), readCsv(QDir(down.out).filePath(name)));
        auto a = table(up.out, QStringLiteral("reconciliation.csv"))[0];
        auto b = table(down.out, QStringLiteral("reconciliation.csv"))[0];
        for (const QString &key : {QStringLiteral("opening_balance"), QStringLiteral("closing_balance"),
                                  QStringLiteral("sum_of_amounts"), QStringLiteral("money_in"),
                                  QStringLiteral("money_out"), QStringLiteral("breaks")})
            QCOMPARE(a.value(key), b.value(key));
    }

    //! Two currencies in one file: every total is per currency, never added across, and each
    //! currency's balance is reconciled on its own.
    void currenciesAreNeverMixed()
    {
        const bankgen::Statement gbp = bankgen::makeStatement(kFrom, 90, 21);
        bankgen::Statement eur = bankgen::makeStatement(kFrom, 90, 22);
        eur.openingCents = 50000;
        // Both written as one file in date order, each with its own running balance.
        struct Line {
            QDate date;
            QByteArray text;
        };
        QList<Line> lines;
        const std::pair<const bankgen::Statement *, const char *> ledgers[] = {{&gbp, "GBP"}, {&eur, "EUR"}};
        for (const auto &[st, currency] : ledgers) {
            qint64 balance = st->openingCents;
            for (const auto &b : st->bookings) {
                balance += b.cents;
                const QString text = QStringLiteral("%1,%2,%3,%4,%5")
                                         .arg(b.date.toString(Qt::ISODate), b.description, bankgen::plain(b.cents),
                                              bankgen::plain(balance), QString::fromLatin1(currency));
                lines.append(Line{b.date, text.toUtf8()});
            }
        }
        std::stable_sort(lines.begin(), lines.end(), [](const Line &a, const Line &b) { return a.date < b.date; });
        QByteArray csv = "Date,Description,Amount,Balance,Currency\n";
        for (const Line &l : lines)
            csv += l.text + '\n';
        Run run;
        QVERIFY2(analyse(csv, QStringLiteral("two_currencies.csv"), run), qPrintable(m_error));
        QCOMPARE(run.detection.type, QStringLiteral("bank_transactions"));

        const std::map<QString, const bankgen::Statement *> byCurrency{{QStringLiteral("GBP"), &gbp},
                                                                      {QStringLiteral("EUR"), &eur}};
        const auto cash = table(run.out, QStringLiteral("cashflow_by_month.csv"));
        qsizetype expectedRows = 0;
        for (const auto &[currency, st] : byCurrency) {
            std::map<QString, std::array<qint64, 3>> months;
            for (const auto &b : st->bookings) {
                auto &m = months[b.date.toString(QStringLiteral("yyyy-MM"))];
                (b.cents >= 0 ? m[0] : m[1]) += std::abs(b.cents);
                ++m[2];
            }
            expectedRows += qsizetype(months.size());
            for (const auto &row : cash) {
                if (row.value(QStringLiteral("currency")) != currency)
                    continue;
                const auto &m = months.at(row.value(QStringLiteral("month")));
                QCOMPARE(cents(row.value(QStringLiteral("money_in"))), m[0]);
                QCOMPARE(cents(row.value(QStringLiteral("money_out"))), m[1]);
                QCOMPARE(row.value(QStringLiteral("transactions")).toLongLong(), m[2]);
            }
        }
        QCOMPARE(cash.size(), expectedRows);

        const auto rec = table(run.out, QStringLiteral("reconciliation.csv"));
        QCOMPARE(rec.size(), 2);
        for (const auto &row : rec) {
            const bankgen::Statement *st = byCurrency.at(row.value(QStringLiteral("currency")));
            QCOMPARE(cents(row.value(QStringLiteral("opening_balance"))), st->openingCents);
            QCOMPARE(cents(row.value(QStringLiteral("closing_balance"))), st->closingCents());
            QCOMPARE(row.value(QStringLiteral("breaks")), QStringLiteral("0"));
        }
        QCOMPARE(reconciliationVerdict(run.out).value(u"outcome").toString(), QStringLiteral("passed"));
        // Counterparties and categories are per currency too: Tesco appears once in each.
        qsizetype tesco = 0;
        for (const auto &row : table(run.out, QStringLiteral("counterparties.csv")))
            tesco += row.value(QStringLiteral("counterparty")) == u"TESCO STORES";
        QCOMPARE(tesco, 2);
        QVERIFY(run.manifest.warnings.join(u'\n').contains(QStringLiteral("2 currencies")));
    }

    //! A booking repeated on the same day is reported with its row; unreadable dates and amounts too.
    void duplicatesAndUnreadableCells()
    {
        bankgen::Statement s = bankgen::makeStatement(kFrom, 60, 3);
        // Book one coffee twice: the generator's duplicateDay.
        int day = -1;
        for (int i = 0; i < 60 && day < 0; ++i)
            for (const auto &b : s.bookings)
                if (b.date == kFrom.addDays(i) && b.payee == u"COSTA COFFEE")
                    day = i;
        QVERIFY(day >= 0);
        s = bankgen::makeStatement(kFrom, 60, 3, day);
        int dupIndex = -1;
        for (int i = 1; i < s.bookings.size(); ++i)
            if (s.bookings[i].date == s.bookings[i - 1].date && s.bookings[i].description == s.bookings[i - 1].description
                && s.bookings[i].cents == s.bookings[i - 1].cents)
                dupIndex = i;
        QVERIFY(dupIndex > 0);
        QVERIFY(dupIndex + 5 < s.bookings.size());
        // Two damaged rows right after the duplicate (rows in the middle, not a footer).
        QList<QByteArray> lines = bankgen::write(s, Layout::IsoSigned).split('\n');
        const qint64 brokenLine = dupIndex + 3; // the header is line 1, booking i is line i + 2
        lines.insert(brokenLine - 1, "2023-03-05,BROKEN AMOUNT,12.5x,,GBP");
        lines.insert(brokenLine, "2023-13-45,BROKEN DATE,-1.00,,GBP");
        const QByteArray bytes = lines.join('\n');
        Run run;
        QVERIFY2(analyse(bytes, QStringLiteral("dups.csv"), run), qPrintable(m_error));
        const auto quality = table(run.out, QStringLiteral("data_quality.csv"));
        QMap<QString, QString> examples;
        for (const auto &row : quality)
            examples.insert(row.value(QStringLiteral("check")), row.value(QStringLiteral("example_rows")));
        QCOMPARE(examples.value(QStringLiteral("suspected duplicate transaction")), QString::number(dupIndex + 2));
        QCOMPARE(examples.value(QStringLiteral("unparseable amount")), QString::number(brokenLine));
        QCOMPARE(examples.value(QStringLiteral("unparseable date")), QString::number(brokenLine + 1));
        QCOMPARE(run.detection.type, QStringLiteral("bank_transactions"));
        QCOMPARE(run.manifest.rowsSkipped, 2);
        QVERIFY(run.manifest.alerts.join(u'\n').contains(QStringLiteral("suspected duplicates")));
    }

    //! Descriptions are reduced to their payee.
    void counterpartyNormalisation_data()
    {
        QTest::addColumn<QString>("description");
        QTest::addColumn<QString>("payee");
        QTest::newRow("card, store, date") << "CARD 1234 TESCO STORES 3012 12/03" << "TESCO STORES";
        QTest::newRow("store id only") << "TESCO STORES 3012" << "TESCO STORES";
        QTest::newRow("masked card") << "VISA XXXX1234 SHELL UK 14:32" << "SHELL UK";
        QTest::newRow("reference") << "AMZN MKTP UK*AB12C3D45" << "AMZN MKTP UK";
        QTest::newRow("German") << "Kartenzahlung girocard REWE Markt 12.03.2024 TID 88123456" << "REWE MARKT";
        QTest::newRow("name with digits kept") << "O2 UK 12345678" << "O2 UK";
        QTest::newRow("only numbers") << "123456 7890" << "123456 7890";
    }
    void counterpartyNormalisation()
    {
        QFETCH(QString, description);
        QFETCH(QString, payee);
        const QByteArray utf8 = description.toUtf8();
        QCOMPARE(analysis::bank::normaliseCounterparty(std::string_view(utf8.constData(), size_t(utf8.size()))), payee);
    }

    //! Amounts and dates as statements write them.
    void values_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("amount");
        QTest::newRow("DR") << "12.50 DR" << -12.5;
        QTest::newRow("CR") << "1,234.56 CR" << 1234.56;
        QTest::newRow("Cr.") << "99.00 Cr." << 99.0;
        QTest::newRow("parentheses") << "(12.50)" << -12.5;
        QTest::newRow("decimal comma") << "-1.234,56" << -1234.56;
        QTest::newRow("trailing minus") << "12.50-" << -12.5;
    }
    void values()
    {
        QFETCH(QString, text);
        QFETCH(double, amount);
        const QByteArray utf8 = text.toUtf8();
        ingest::Value v;
        v.kind = ingest::Value::Kind::Text;
        v.text = std::string_view(utf8.constData(), size_t(utf8.size()));
        double out = 0;
        QVERIFY(analysis::bank::amountOf(v, out));
        QCOMPARE(out, amount);
    }
    void dates()
    {
        for (const char *text : {"04 Nov 2009", "4-Nov-09", "04. Nov. 2009", "Nov 4, 2009", "04 nov. 2009", "4 noviembre 2009",
                                 "04/11/2009", "04.11.2009"}) {
            ingest::Value v;
            v.kind = ingest::Value::Kind::Text;
            v.text = text;
            qint64 ms = 0;
            QVERIFY2(analysis::bank::dateOf(v, ms), text);
            QCOMPARE(ms / 86'400'000, QDate(2009, 11, 4).toJulianDay() - 2440588);
        }
        ingest::Value bad;
        bad.kind = ingest::Value::Kind::Text;
        bad.text = "31 Feb 2009";
        qint64 ms = 0;
        QVERIFY(!analysis::bank::dateOf(bad, ms));
    }

    //! A recurrence needs evidence: two refunds a year apart at nearly the same amount are chance,
    //! the same amount to the cent is a yearly payment; a monthly subscription is found with its next date.
    void recurrenceNeedsEvidence()
    {
        using analysis::bank::findRecurrence;
        const qint64 d0 = QDate(2023, 2, 1).toJulianDay() - 2440588;
        QVERIFY(!findRecurrence({{d0, -157.06}, {d0 + 100, -40.10}, {d0 + 200, -310.00}, {d0 + 371, -157.00}}));
        QVERIFY(!findRecurrence({{d0, -157.06}, {d0 + 371, -157.00}}));
        const auto yearly = findRecurrence({{d0, -169.50}, {d0 + 365, -169.50}});
        QVERIFY(yearly);
        QCOMPARE(yearly->cadence, QStringLiteral("yearly"));
        QCOMPARE(yearly->nextDay, QDate(2025, 2, 1).toJulianDay() - 2440588);
        std::vector<std::pair<qint64, double>> monthly;
        for (int m = 0; m < 6; ++m)
            monthly.push_back({QDate(2023, 1, 31).addMonths(m).toJulianDay() - 2440588, -15.99});
        const auto sub = findRecurrence(monthly);
        QVERIFY(sub);
        QCOMPARE(sub->cadence, QStringLiteral("monthly"));
        QCOMPARE(sub->occurrences, 6);
        QCOMPARE(sub->typicalAmount, -15.99);
        // The last booking was on 30 June (31 January plus five months); next, 30 July.
        QCOMPARE(sub->lastDay, QDate(2023, 6, 30).toJulianDay() - 2440588);
        QCOMPARE(sub->nextDay, QDate(2023, 7, 30).toJulianDay() - 2440588);
    }

    //! Either an amount or a debit and a credit: a mapping with neither is refused, in words.
    void mappingNeedsAnAmount()
    {
        const bankgen::Statement s = bankgen::makeStatement(kFrom, 30);
        const QString path = writeFixture(m_dir.filePath(QStringLiteral("dc.csv")), bankgen::write(s, Layout::DebitCredit));
        const detect::Rules rules = detect::Rules::load({QString(), false});
        auto d = detect::detectFile(path, {}, rules);
        QVERIFY(d.ok());
        detect::ColumnMapping m = d->mapping;
        QVERIFY(detect::validateMapping(m, d->profile, rules).ok());
        m.roles.remove(QStringLiteral("credit"));
        auto refused = detect::validateMapping(m, d->profile, rules);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(QStringLiteral("amount, or debit and credit")),
                 qPrintable(refused.error().message));
    }

    //! The user's categories.json adds categories, tried before the shipped ones.
    void userCategories()
    {
        QTemporaryDir rulesDir;
        writeFixture(rulesDir.filePath(QStringLiteral("categories.json")),
                     R"({"categories": [{"name": "Kids", "keywords": ["KIDS CLUB"]}, {"name": "Groceries", "keywords": ["TESCO", "LIDL"]}]})");
        const QStringList files = detect::Rules::categoriesFiles({rulesDir.path(), true});
        QCOMPARE(files.size(), 2);
        QStringList problems;
        const auto cats = analysis::bank::Categories::load(files, &problems);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u' ')));
        QCOMPARE(cats.categoryOf(QStringLiteral("KIDS CLUB HARBOUR LANE")), QStringLiteral("Kids"));
        QCOMPARE(cats.categoryOf(QStringLiteral("TESCO STORES")), QStringLiteral("Groceries"));
        QCOMPARE(cats.categoryOf(QStringLiteral("NETFLIX.COM")), QStringLiteral("Subscriptions")); // "TFL" starts no word
        QCOMPARE(cats.categoryOf(QStringLiteral("SOMEONE")), QStringLiteral("(uncategorised)"));
        // The type rules skip the categories file: it is no dataset type.
        const detect::Rules rules = detect::Rules::loadFromDirs({detect::Rules::shippedDir(), rulesDir.path()});
        QVERIFY(rules.problems().isEmpty());
        QVERIFY(rules.type(QStringLiteral("bank_transactions")));
    }
};

QTEST_GUILESS_MAIN(TestBankTransactions)
#include "tst_banktransactions.moc"
