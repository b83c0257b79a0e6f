#pragma once

#include "ingest/value.h"

#include <QString>

#include <string_view>

// Reading the cells of bank and card statements where they differ from other exports: amounts
// marked CR/DR, dates written with month names ("04 Nov 2009"), and descriptions that carry card
// numbers, dates and references around the name of the payee.
namespace finpipe::analysis::bank {

//! The cell as an amount: numbers as the reader typed them, else text in the forms statements use:
//! "12.50 CR" / "12.50 DR" (credit positive, debit negative), "(12.50)" and "12.50-" for debits,
//! currency signs or codes, thousands separators and a decimal point or comma.
bool amountOf(const ingest::Value &v, double &out);

//! The cell as a date (midnight, naive clock, ms since 1970): Date/DateTime cells, ISO and
//! day-first numeric text, and dates with a month name in English, German, French, Spanish or
//! Dutch: "04 Nov 2009", "4-Nov-09", "04. März 2021", "Nov 4, 2009".
bool dateOf(const ingest::Value &v, qint64 &msecs);

//! The payee behind a statement description: upper case, with card numbers, masked card numbers,
//! dates, times, amounts, reference numbers, terminal and store ids and payment-method words
//! ("CARD", "POS", "VISA", "SEPA", "KARTENZAHLUNG", ...) taken out, so that
//! "CARD 1234 TESCO STORES 3012 12/03" and "TESCO STORES 3012" are both "TESCO STORES".
//! A description made only of such parts is kept whole (upper case, spaces collapsed).
QString normaliseCounterparty(std::string_view description);

} // namespace finpipe::analysis::bank
