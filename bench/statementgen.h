#pragma once

#include "ingest/valueparser.h"

#include <QByteArray>
#include <QString>

#include <cstdio>

// A large bank statement for the analysis benchmark: a busy business account, oldest first, in
// the signed-amount layout (Date,Description,Amount,Balance,Currency). Deterministic. Written as a
// stream, so a million bookings need no memory in the generator.
namespace finpipe::bench {

//! Writes `rows` bookings (plus the header) to `path`, about 550 a day from 2020-01-01: card
//! payments to 4,096 merchants with card numbers, dates and terminal ids in the descriptions, a
//! monthly rent and salary run, and a running balance in pence that always adds up. 1,000,000
//! bookings make about 60 MB. Returns bytes written, -1 on error.
inline qint64 writeStatement(const QString &path, qint64 rows)
{
    std::FILE *f = std::fopen(path.toLocal8Bit().constData(), "wb");
    if (!f)
        return -1;
    static const char *const kKinds[] = {"STORES", "CAFE", "MARKET", "FUEL", "PHARMACY", "BOOKS", "TAXI", "HOTEL"};
    static const char *const kTowns[] = {"LONDON", "LEEDS", "BRISTOL", "YORK", "BATH", "DERBY"};
    // Merchant names of three syllables (4,096 of them): numbers would be stripped as references.
    static const char *const kSyllables[] = {"KO", "BA", "LI", "MER", "TAN", "DO", "RU", "SE",
                                             "VAL", "NI", "PO", "GRA", "FEN", "LO", "MI", "ZAR"};
    constexpr qint64 kPerDay = 550;
    const qint64 firstDay = finpipe::ingest::values::daysFromCivil(2020, 1, 1);
    QByteArray buf;
    buf.reserve(1 << 20);
    buf += "Date,Description,Amount,Balance,Currency\n";
    qint64 written = 0;
    qint64 balance = 5'000'000; // pence
    quint64 rng = 0x2545F4914F6CDD1Dull;
    auto next = [&rng]() {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return rng;
    };
    char line[160];
    for (qint64 row = 0; row < rows; ++row) {
        const qint64 dayIndex = row / kPerDay;
        const int slot = int(row % kPerDay);
        const auto date = finpipe::ingest::values::civilFromDays(firstDay + dayIndex);
        qint64 amount = 0;
        int n = 0;
        char desc[96];
        if (slot == 0 && date.day == 1) {
            amount = -250'000;
            n = std::snprintf(desc, sizeof desc, "RENT PAYMENT HOLMES PROPERTIES");
        } else if (slot == 1 && date.day == 25) {
            amount = 2'600'000;
            n = std::snprintf(desc, sizeof desc, "BGC CUSTOMER RECEIPTS REF %06d", int(next() % 1'000'000));
        } else {
            const quint64 r = next();
            const int merchant = int(r % 4096);
            amount = -qint64(100 + (r >> 20) % 9'900);
            if ((r >> 40) % 10 == 0)
                amount = qint64(500 + (r >> 44) % 40'000); // refunds and receipts
            n = std::snprintf(desc, sizeof desc, "CARD %04d %s%s%s %s %s %04d %02d/%02d", int((r >> 8) % 10'000),
                              kSyllables[merchant % 16], kSyllables[(merchant / 16) % 16],
                              kSyllables[(merchant / 256) % 16], kKinds[merchant % 8], kTowns[merchant % 6],
                              int((r >> 16) % 10'000), date.day, date.month);
        }
        if (n < 0)
            break;
        balance += amount;
        const qint64 a = amount < 0 ? -amount : amount;
        const qint64 b = balance < 0 ? -balance : balance;
        const int len = std::snprintf(line, sizeof line, "%04d-%02d-%02d,%s,%s%lld.%02lld,%s%lld.%02lld,GBP\n",
                                      int(date.year), date.month, date.day, desc, amount < 0 ? "-" : "",
                                      static_cast<long long>(a / 100), static_cast<long long>(a % 100),
                                      balance < 0 ? "-" : "", static_cast<long long>(b / 100),
                                      static_cast<long long>(b % 100));
        if (len <= 0 || len >= int(sizeof line))
            break;
        buf.append(line, len);
        if (buf.size() >= (1 << 20)) {
            if (std::fwrite(buf.constData(), 1, size_t(buf.size()), f) != size_t(buf.size())) {
                std::fclose(f);
                return -1;
            }
            written += buf.size();
            buf.clear();
        }
    }
    if (std::fwrite(buf.constData(), 1, size_t(buf.size()), f) != size_t(buf.size())) {
        std::fclose(f);
        return -1;
    }
    written += buf.size();
    return std::fclose(f) == 0 ? written : -1;
}

} // namespace finpipe::bench
