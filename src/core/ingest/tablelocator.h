#pragma once

#include <cstddef>
#include <string>
#include <vector>

// Finding the table in the records at the start of a file (CSV records or worksheet rows), as a
// person would: past metadata blocks, comment lines and titles, up to footers and further tables.
namespace finpipe::ingest::tables {

using Fields = std::vector<std::string>;

//! Excel's column limit; a table wider than this is refused.
constexpr size_t kMaxColumns = 16384;
//! How many consecutive records that do not fit the table may sit inside it (or at its end, as
//! footers) before the table is taken to have ended.
constexpr size_t kMaxMisfitRun = 64;

//! Where the table is among the records given to locateTable().
struct TableLocation {
    //! false when every record is blank (or a comment).
    bool found = false;
    //! Index of the table's first record: its header when `headerLike`, else its first data row.
    size_t first = 0;
    //! Columns: the first record's width without trailing empty fields.
    size_t width = 0;
    //! The first record looks like a header (text only, no numbers or dates).
    bool headerLike = false;
    //! The first record heads the rows under it: header-like, or mostly text with text over their
    //! numbers or dates (a record-type header such as "I,DISPATCH,PRICE,4,SETTLEMENTDATE").
    bool headsBody = false;
    //! The first record has text over numbers or dates in the first row under it.
    bool typedUnderHeader = false;
    //! One past the table's last body record; footers after it are not part of the table.
    size_t end = 0;
    //! Body records between `first` and `end` that fit the table (a measure of its length).
    size_t bodyRows = 0;
    //! Records starting with '#' are comments: some are above the table, none inside it that
    //! reads like one of its rows.
    bool commentsUsed = false;
    //! Most of its records start with a "key:" (Account name:, Balance:): metadata, not a table.
    bool keyValue = false;
    //! Where further tables start (record indices), in order.
    std::vector<size_t> moreTables;
};

//! Fields up to the last one that is not empty or spaces (export padding "a,b,,," is 2 wide).
size_t effectiveWidth(const Fields &record);

//! A record whose first field starts with '#'.
bool isCommentRecord(const Fields &record);

//! The record looks like a header: at least one field, no number, date or boolean in any field,
//! and at least half of its fields (up to the last non-empty one) filled.
bool looksLikeHeader(const Fields &record);

//! Mostly text, so that it could be the header of a table of its own.
bool mayHeadTable(const Fields &record);

//! `record` reads as the header of rows like `row`: header-like, or mostly text with text where
//! `row` has numbers or dates.
bool headsRowsLike(const Fields &record, const Fields &row);

//! Whether a record of `fieldCount` fields, `width` of them up to the last non-empty one, fits a
//! table of `columns` columns: not wider (in content), and either all fields present or more than
//! half of them filled. Shared with the streaming reader so that both agree.
bool fitsWidth(size_t width, size_t fieldCount, size_t columns);

//! Picks the table among `records` (blank records included, in file order): the block of
//! consecutive records of one width whose first record looks like a header, preferring blocks with
//! rows, then the widest and longest. Trailing records that do not fit the block's widths or value
//! types (totals, "*** END ***") are left out of it; a header-like record after a blank line or a
//! change of width, followed by rows of its own, starts a further table.
TableLocation locateTable(const std::vector<Fields> &records);

} // namespace finpipe::ingest::tables
