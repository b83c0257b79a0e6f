#pragma once

// A workbook as analysts send them: a "Notes" sheet first (a few lines of prose), the data on the
// second sheet ("Q3 sales", an order-level sales export), and an empty third sheet. Written with
// libxlsxwriter; used by the core, CLI and app tests of the sheet choice.

#include <QByteArray>
#include <QFile>
#include <QString>

#include <xlsxwriter.h>

inline constexpr int kQ3SalesRows = 120;
inline constexpr int kQ3SalesColumns = 10;

inline bool writeNotesAndSalesWorkbook(const QString &path)
{
    const QByteArray file = QFile::encodeName(path);
    lxw_workbook *wb = workbook_new(file.constData());
    if (!wb)
        return false;
    lxw_worksheet *notes = workbook_add_worksheet(wb, "Notes");
    worksheet_write_string(notes, 0, 0, "Quarterly sales export", nullptr);
    worksheet_write_string(notes, 1, 0, "Prepared by the finance team for the Q3 review.", nullptr);
    worksheet_write_string(notes, 2, 0, "Figures are in the order's currency; refunds are not included.", nullptr);
    worksheet_write_string(notes, 4, 0, "Questions: finance@example.com", nullptr);

    lxw_worksheet *sales = workbook_add_worksheet(wb, "Q3 sales");
    const char *headers[kQ3SalesColumns] = {"order_id", "order_date", "region",  "product_category", "quantity",
                                            "unit_price", "revenue",  "currency", "customer_id",      "channel"};
    for (int c = 0; c < kQ3SalesColumns; ++c)
        worksheet_write_string(sales, 0, lxw_col_t(c), headers[c], nullptr);
    const char *regions[] = {"North", "South", "East", "West"};
    const char *categories[] = {"Cards", "Lending", "Insurance"};
    const char *channels[] = {"Web", "Mobile", "Branch"};
    for (int r = 1; r <= kQ3SalesRows; ++r) {
        const lxw_row_t row = lxw_row_t(r);
        const QByteArray id = "ORD" + QByteArray::number(100000 + r);
        const QByteArray date = "2025-0" + QByteArray::number(7 + (r % 3)) + "-" + QByteArray::number(10 + r % 18);
        const QByteArray customer = "C" + QByteArray::number(5000 + (r * 7) % 300);
        const int qty = 1 + r % 4;
        const double price = 19.5 + (r % 11) * 3.25;
        worksheet_write_string(sales, row, 0, id.constData(), nullptr);
        worksheet_write_string(sales, row, 1, date.constData(), nullptr);
        worksheet_write_string(sales, row, 2, regions[r % 4], nullptr);
        worksheet_write_string(sales, row, 3, categories[r % 3], nullptr);
        worksheet_write_number(sales, row, 4, qty, nullptr);
        worksheet_write_number(sales, row, 5, price, nullptr);
        worksheet_write_number(sales, row, 6, qty * price, nullptr);
        worksheet_write_string(sales, row, 7, "EUR", nullptr);
        worksheet_write_string(sales, row, 8, customer.constData(), nullptr);
        worksheet_write_string(sales, row, 9, channels[r % 3], nullptr);
    }
    workbook_add_worksheet(wb, "Empty");
    return workbook_close(wb) == LXW_NO_ERROR;
}
