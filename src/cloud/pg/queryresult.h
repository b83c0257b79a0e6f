#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace finpipe::cloud::pg {

//! The rows of one statement's result. Values are typed by their column's PostgreSQL type:
//! bool → bool; int2/int4/int8/oid → qlonglong; float4/float8 → double; everything else
//! (numeric, text, uuid, json, timestamps…) → QString in PostgreSQL's text form; NULL → a null
//! QVariant.
class QueryResult
{
public:
    QStringList columns;
    QList<unsigned int> types;   //!< the columns' type OIDs
    QList<QVariantList> rows;
    QString commandTag;          //!< "SELECT 3", "INSERT 0 1"…

    int rowCount() const { return int(rows.size()); }
    //! The value at (row, column), or a null QVariant when either is out of range.
    QVariant value(int row, int column) const;
    //! The value at (row, named column), or a null QVariant.
    QVariant value(int row, const QString &column) const;
    //! The first column of the first row: the answer of a `SELECT f(…)`.
    QVariant scalar() const { return value(0, 0); }
};

//! Converts one text-format value of a column of type `oid` to a QVariant (see QueryResult).
QVariant fromPgText(const char *text, int length, unsigned int oid);

} // namespace finpipe::cloud::pg
