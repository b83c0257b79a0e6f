#pragma once

#include "analysis/resulttable.h"

#include <QString>

#include <cmath>

// How a result column's numbers read for people (the dashboard, the app's Data tab). The CSV and
// XLSX files keep the exact values and names; only views use these.
namespace finpipe::analysis {

enum class NumberStyle : quint8 {
    Plain, //!< as it is, with grouped thousands
    Count, //!< whole numbers: orders, rows, values
    Money, //!< two decimals: revenue, amounts, balances, fees
    Share, //!< a fraction 0..1 shown as a percentage: blank_rate, fraud rates, shares
};

namespace columnstyle_detail {
inline bool hasWord(const QString &name, const char *word)
{
    // A whole word of a snake_case or spaced name: "revenue" in "flagged_revenue", not in "revenues_x".
    const QString w = QString::fromLatin1(word);
    for (qsizetype at = name.indexOf(w, 0, Qt::CaseInsensitive); at >= 0;
         at = name.indexOf(w, at + 1, Qt::CaseInsensitive)) {
        const qsizetype end = at + w.size();
        const bool startOk = at == 0 || !name[at - 1].isLetter();
        const bool endOk = end == name.size() || !name[end].isLetter();
        if (startOk && endOk)
            return true;
    }
    return false;
}
} // namespace columnstyle_detail

//! The style of a column named `name` whose numbers are all whole (`integral`) or all within
//! 0..1 (`unitRange`); `anyNumber` false means it holds no numbers.
inline NumberStyle numberStyleFor(const QString &name, bool anyNumber, bool integral, bool unitRange)
{
    using columnstyle_detail::hasWord;
    if (!anyNumber)
        return NumberStyle::Plain;
    // Rates a file carries itself (interest_rate 12.5) are not shares of ours: only fractions.
    if ((hasWord(name, "share") || hasWord(name, "rate") || name.endsWith(QLatin1String("_rate"))
         || name.endsWith(QLatin1String("_share")) || hasWord(name, "coverage"))
        && unitRange && !hasWord(name, "interest"))
        return NumberStyle::Share;
    static const char *const money[] = {"revenue", "amount", "amounts", "balance", "fee", "fees",
                                        "order_value", "smallest_order", "largest_order", "money",
                                        "debit", "credit", "net", "paid", "spent", "income", "spending",
                                        "total_in", "total_out", "in", "out"};
    for (const char *m : money) {
        const QString word = QString::fromLatin1(m);
        if (word.contains(u'_') ? name.contains(word, Qt::CaseInsensitive) : hasWord(name, m))
            return NumberStyle::Money;
    }
    return integral ? NumberStyle::Count : NumberStyle::Plain;
}

//! Collects what numberStyleFor() needs from a column's numbers, one at a time.
struct NumberStyleScan {
    bool any = false, integral = true, unitRange = true;
    void add(double v, bool isInteger)
    {
        any = true;
        integral = integral && (isInteger || (std::floor(v) == v && std::abs(v) < 9e15));
        unitRange = unitRange && v >= 0 && v <= 1;
    }
    NumberStyle styleFor(const QString &name) const { return numberStyleFor(name, any, integral, unitRange); }
};

//! The style of column `column` of `table`, from its name and its values.
inline NumberStyle numberStyleOf(const ResultTable &table, qsizetype column)
{
    NumberStyleScan scan;
    for (const auto &row : table.rows) {
        if (column >= qsizetype(row.size()) || row[size_t(column)].kind != Cell::Kind::Number)
            continue;
        scan.add(row[size_t(column)].number, row[size_t(column)].integral);
    }
    return scan.styleFor(table.columns.value(column));
}

//! "revenue_total" -> "Revenue", "average_order_value" -> "Average order value"; names
//! that are not snake_case (a station's "Data 12", the analyst's own headers) stay as they are.
inline QString readableHeader(const QString &name)
{
    if (!name.contains(u'_') && (name.isEmpty() || !name[0].isLower()))
        return name;
    if (name.contains(u' ') || name.isEmpty())
        return name;
    QString out = name;
    // A total is what a column of figures holds anyway: "revenue_total" reads "Revenue".
    if (out.endsWith(QLatin1String("_total")) && out.size() > 6)
        out.chop(6);
    out.replace(u'_', u' ');
    out = out.simplified();
    if (out.isEmpty())
        return name;
    out[0] = out[0].toUpper();
    return out;
}

} // namespace finpipe::analysis
