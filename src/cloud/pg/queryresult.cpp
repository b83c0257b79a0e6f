#include "cloud/pg/queryresult.h"

namespace finpipe::cloud::pg {

namespace {
// Built-in type OIDs (pg_type.dat); stable across PostgreSQL versions.
constexpr unsigned int kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
                       kFloat8 = 701;
} // namespace

QVariant QueryResult::value(int row, int column) const
{
    if (row < 0 || row >= rows.size() || column < 0 || column >= rows.at(row).size())
        return {};
    return rows.at(row).at(column);
}

QVariant QueryResult::value(int row, const QString &column) const
{
    return value(row, int(columns.indexOf(column)));
}

QVariant fromPgText(const char *text, int length, unsigned int oid)
{
    const QByteArray raw = QByteArray::fromRawData(text, length);
    bool ok = false;
    switch (oid) {
    case kBool:
        return QVariant(length > 0 && text[0] == 't');
    case kInt8:
    case kInt2:
    case kInt4:
    case kOid: {
        const qlonglong v = raw.toLongLong(&ok);
        if (ok)
            return QVariant(v);
        break;
    }
    case kFloat4:
    case kFloat8: {
        const double v = raw.toDouble(&ok); // "NaN", "Infinity" included
        if (ok)
            return QVariant(v);
        break;
    }
    default:
        break;
    }
    return QVariant(QString::fromUtf8(text, length));
}

} // namespace finpipe::cloud::pg
