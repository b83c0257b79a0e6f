#pragma once

// A generator of bank statements with known answers, for tst_banktransactions and the benchmark:
// one chronological list of bookings (a salary, rent, subscriptions, groceries, coffee, ...), written
// in the layouts banks export (signed amounts with ISO dates, debit and credit with dd/mm/yyyy, month
// names under an account block, German semicolons in Windows-1252, CR/DR, parentheses, French,
// Spanish and Dutch headers, Sparkasse's quoted dd.mm.yy, ING-like "Af Bij", newest first).

#include <QByteArray>
#include <QDate>
#include <QList>
#include <QLocale>
#include <QString>
#include <QStringDecoder>
#include <QStringEncoder>

#include <cstdlib>
#include <random>

namespace finpipe::test::bankgen {

struct Booking {
    QDate date;
    QString description; //!< as the bank writes it
    qint64 cents = 0;    //!< money in positive
    QString payee;       //!< what the description stands for (the expected counterparty)
    QString category;    //!< the expected category
};

struct Statement {
    qint64 openingCents = 0;
    QList<Booking> bookings; //!< oldest first
    qint64 closingCents() const
    {
        qint64 c = openingCents;
        for (const Booking &b : bookings)
            c += b.cents;
        return c;
    }
};

//! Bookings from `from` for `days` days. Recurring: salary (25th, in), rent (1st), Netflix (12th),
//! gym (3rd), insurance (quarterly, 15th), kids club (every Monday), TV licence (yearly, 1 Feb).
//! Irregular: groceries (Saturdays, varying amounts), coffee, Amazon, a bakery. `duplicateDay`:
//! the coffee of that day index (when there is one) is booked twice.
inline Statement makeStatement(QDate from, int days, quint32 seed = 7, int duplicateDay = -1)
{
    std::mt19937 rng(seed);
    auto between = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    Statement s;
    s.openingCents = 123456;
    auto add = [&](QDate d, const QString &desc, qint64 cents, const QString &payee, const QString &category) {
        s.bookings.append({d, desc, cents, payee, category});
    };
    for (int i = 0; i < days; ++i) {
        const QDate d = from.addDays(i);
        if (d.day() == 1)
            add(d, QStringLiteral("RENT PAYMENT HOLMES PROPERTIES"), -95000, QStringLiteral("RENT HOLMES PROPERTIES"),
                QStringLiteral("Housing"));
        if (d.day() == 3)
            add(d, QStringLiteral("DD PURE GYM LTD %1").arg(100000 + d.month() * 37), -2999,
                QStringLiteral("PURE GYM LTD"), QStringLiteral("Health"));
        if (d.day() == 12)
            add(d, QStringLiteral("NETFLIX.COM 866-579-7172"), -1599, QStringLiteral("NETFLIX.COM"),
                QStringLiteral("Subscriptions"));
        if (d.day() == 15 && (d.month() - 1) % 3 == 0)
            add(d, QStringLiteral("DIRECT LINE INSURANCE REF %1").arg(d.toString(QStringLiteral("yyyyMM"))), -12000,
                QStringLiteral("DIRECT LINE INSURANCE"), QStringLiteral("Insurance"));
        if (d.day() == 1 && d.month() == 2)
            add(d, QStringLiteral("TV LICENSING 0123456789"), -16950, QStringLiteral("TV LICENSING"),
                QStringLiteral("(uncategorised)"));
        if (d.dayOfWeek() == 1)
            add(d, QStringLiteral("KIDS CLUB HARBOUR LANE"), -4500, QStringLiteral("KIDS CLUB HARBOUR LANE"),
                QStringLiteral("(uncategorised)"));
        if (d.dayOfWeek() == 6)
            add(d,
                i % 2 ? QStringLiteral("CARD 1234 TESCO STORES 3012 %1").arg(d.toString(QStringLiteral("dd/MM")))
                      : QStringLiteral("TESCO STORES 3012"),
                -between(4000, 9500), QStringLiteral("TESCO STORES"), QStringLiteral("Groceries"));
        if (between(0, 9) < 3) {
            const qint64 c = -(between(0, 1) ? 320 : 290);
            add(d, QStringLiteral("SQ *COSTA COFFEE 4411"), c, QStringLiteral("COSTA COFFEE"), QStringLiteral("Eating out"));
            if (i == duplicateDay)
                add(d, QStringLiteral("SQ *COSTA COFFEE 4411"), c, QStringLiteral("COSTA COFFEE"),
                    QStringLiteral("Eating out"));
        }
        if (between(0, 19) == 0)
            add(d, QStringLiteral("AMZN MKTP UK*AB%1C%2").arg(between(10, 99)).arg(between(1000, 9999)), -between(899, 5999),
                QStringLiteral("AMZN MKTP UK"), QStringLiteral("Shopping"));
        if (between(0, 13) == 0)
            add(d, QStringLiteral("Bäckerei Müller"), -between(250, 900), QStringLiteral("BÄCKEREI MÜLLER"),
                QStringLiteral("(uncategorised)"));
        if (d.day() == 25)
            add(d, QStringLiteral("SALARY ACME LTD"), 250000, QStringLiteral("SALARY ACME LTD"),
                QStringLiteral("Salary and income"));
    }
    return s;
}

//! "1234.56" / "-1234.56".
inline QString plain(qint64 cents)
{
    return QString::number(double(cents) / 100.0, 'f', 2);
}

//! "1,234.56" without a sign.
inline QString grouped(qint64 cents)
{
    return QLocale(QLocale::English).toString(double(std::llabs(cents)) / 100.0, 'f', 2);
}

//! "1.234,56" with a sign.
inline QString german(qint64 cents)
{
    return QLocale(QLocale::German).toString(double(cents) / 100.0, 'f', 2);
}

//! How a statement is laid out.
enum class Layout {
    IsoSigned,      //!< Date,Description,Amount,Balance,Currency; 2024-01-31; -12.50
    DebitCredit,    //!< Transaction Date,Transaction Description,Debit Amount,Credit Amount,Balance; 31/01/2024
    MonthNames,     //!< an account block over Date,Description,Amount,Balance, with padding commas; 04 Nov 2009
    GermanCp1252,   //!< Buchungstag;Valuta;Verwendungszweck;Betrag;Saldo;Währung; 31.01.2024; -1.234,56; Windows-1252
    CrDr,           //!< Date,Narrative,Amount,Balance; 12.50 DR, 2,500.00 CR
    Parentheses,    //!< Posting Date,Payee,Amount (no balance); (12.50) for money out
    French,         //!< Date;Libellé;Montant;Solde; 31/01/2024; decimal comma
    Spanish,        //!< Fecha;Concepto;Importe;Saldo
    Dutch,          //!< Datum;Omschrijving;Bedrag;Saldo na boeking; 31-01-2024
    SparkasseCamt,  //!< "Auftragskonto";"Buchungstag";...;"Betrag";"Waehrung" quoted, 31.01.24, no balance
    AfBij,          //!< ING-like: unsigned "Bedrag (EUR)" with an "Af Bij" column; 31-01-2024
};

//! The statement's bytes. `newestFirst` writes the bookings in reverse. `breakRow`: the booking (index
//! in file order) whose balance is written 10.00 too high, or -1.
inline QByteArray write(const Statement &s, Layout layout, bool newestFirst = false, int breakRow = -1)
{
    QList<qint64> balances;
    qint64 b = s.openingCents;
    for (const Booking &k : s.bookings) {
        b += k.cents;
        balances << b;
    }
    QList<int> order;
    for (int i = 0; i < s.bookings.size(); ++i)
        order << (newestFirst ? int(s.bookings.size()) - 1 - i : i);
    QString out;
    const bool semicolons = layout == Layout::GermanCp1252 || layout == Layout::French || layout == Layout::Spanish
        || layout == Layout::Dutch || layout == Layout::SparkasseCamt || layout == Layout::AfBij;
    switch (layout) {
    case Layout::IsoSigned: out = QStringLiteral("Date,Description,Amount,Balance,Currency\n"); break;
    case Layout::DebitCredit:
        out = QStringLiteral("Transaction Date,Transaction Description,Debit Amount,Credit Amount,Balance\n");
        break;
    case Layout::MonthNames:
        out = QStringLiteral("Account Name:,Everyday Account,,,\nAccount Number:,12-34-56 12345678,,,\n"
                             "Account Balance:,%1,,,\nAvailable Balance:,%1,,,\n,,,,\nDate,Description,Amount,Balance,\n")
                  .arg(plain(s.closingCents()));
        break;
    case Layout::GermanCp1252:
        out = QStringLiteral("Buchungstag;Valuta;Verwendungszweck;Betrag;Saldo;Währung\n");
        break;
    case Layout::CrDr: out = QStringLiteral("Date,Narrative,Amount,Balance\n"); break;
    case Layout::Parentheses: out = QStringLiteral("Posting Date,Payee,Amount\n"); break;
    case Layout::French: out = QStringLiteral("Date;Libellé;Montant;Solde\n"); break;
    case Layout::Spanish: out = QStringLiteral("Fecha;Concepto;Importe;Saldo\n"); break;
    case Layout::Dutch: out = QStringLiteral("Datum;Omschrijving;Bedrag;Saldo na boeking\n"); break;
    case Layout::AfBij:
        out = QStringLiteral("\"Datum\";\"Naam / Omschrijving\";\"Rekening\";\"Tegenrekening\";\"Af Bij\";"
                             "\"Bedrag (EUR)\";\"Mededelingen\"\n");
        break;
    case Layout::SparkasseCamt:
        out = QStringLiteral("\"Auftragskonto\";\"Buchungstag\";\"Valutadatum\";\"Buchungstext\";\"Verwendungszweck\";"
                             "\"Beguenstigter/Zahlungspflichtiger\";\"Betrag\";\"Waehrung\";\"Info\"\n");
        break;
    }
    static const char *const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int r = 0; r < order.size(); ++r) {
        const Booking &k = s.bookings[order[r]];
        const qint64 bal = balances[order[r]] + (r == breakRow ? 1000 : 0);
        QString desc = k.description;
        if (!semicolons && desc.contains(u','))
            desc = u'"' + desc + u'"';
        switch (layout) {
        case Layout::IsoSigned:
            out += QStringLiteral("%1,%2,%3,%4,GBP\n").arg(k.date.toString(Qt::ISODate), desc, plain(k.cents), plain(bal));
            break;
        case Layout::DebitCredit:
            out += QStringLiteral("%1,%2,%3,%4,%5\n")
                       .arg(k.date.toString(QStringLiteral("dd/MM/yyyy")), desc,
                            k.cents < 0 ? plain(-k.cents) : QString(), k.cents >= 0 ? plain(k.cents) : QString(),
                            plain(bal));
            break;
        case Layout::MonthNames:
            out += QStringLiteral("%1 %2 %3,%4,%5,%6,\n")
                       .arg(k.date.day(), 2, 10, QLatin1Char('0'))
                       .arg(QLatin1StringView(kMonths[k.date.month() - 1]))
                       .arg(k.date.year())
                       .arg(desc, plain(k.cents), plain(bal));
            break;
        case Layout::GermanCp1252:
            out += QStringLiteral("%1;%2;%3;%4;%5;EUR\n")
                       .arg(k.date.toString(QStringLiteral("dd.MM.yyyy")),
                            k.date.addDays(1).toString(QStringLiteral("dd.MM.yyyy")), desc, german(k.cents), german(bal));
            break;
        case Layout::CrDr:
            out += QStringLiteral("%1,%2,\"%3 %4\",\"%5 %6\"\n")
                       .arg(k.date.toString(QStringLiteral("dd/MM/yyyy")), desc, grouped(k.cents),
                            k.cents < 0 ? QStringLiteral("DR") : QStringLiteral("CR"), grouped(bal),
                            bal < 0 ? QStringLiteral("DR") : QStringLiteral("CR"));
            break;
        case Layout::Parentheses:
            out += QStringLiteral("%1,%2,%3\n")
                       .arg(k.date.toString(Qt::ISODate), desc,
                            k.cents < 0 ? u'(' + plain(-k.cents) + u')' : plain(k.cents));
            break;
        case Layout::French:
        case Layout::Spanish:
            out += QStringLiteral("%1;%2;%3;%4\n")
                       .arg(k.date.toString(QStringLiteral("dd/MM/yyyy")), desc, german(k.cents).remove(u'.'),
                            german(bal).remove(u'.'));
            break;
        case Layout::Dutch:
            out += QStringLiteral("%1;%2;%3;%4\n")
                       .arg(k.date.toString(QStringLiteral("dd-MM-yyyy")), desc, german(k.cents).remove(u'.'),
                            german(bal).remove(u'.'));
            break;
        case Layout::AfBij:
            out += QStringLiteral("\"%1\";\"%2\";\"NL20INGB0001234567\";\"NL69ABNA0417164300\";\"%3\";\"%4\";"
                                  "\"Omschrijving: %5\"\n")
                       .arg(k.date.toString(QStringLiteral("dd-MM-yyyy")), desc,
                            k.cents < 0 ? QStringLiteral("Af") : QStringLiteral("Bij"),
                            german(std::llabs(k.cents)).remove(u'.'), k.payee);
            break;
        case Layout::SparkasseCamt:
            out += QStringLiteral("\"DE44500105175407324931\";\"%1\";\"%1\";\"%2\";\"%3\";\"%4\";\"%5\";\"EUR\";"
                                  "\"Umsatz gebucht\"\n")
                       .arg(k.date.toString(QStringLiteral("dd.MM.yy")),
                            k.cents < 0 ? QStringLiteral("FOLGELASTSCHRIFT") : QStringLiteral("GUTSCHRIFT"), desc,
                            k.payee, german(k.cents).remove(u'.'));
            break;
        }
    }
    if (layout == Layout::GermanCp1252) {
        QStringEncoder enc("Windows-1252");
        return enc.encode(out);
    }
    return out.toUtf8();
}

} // namespace finpipe::test::bankgen
