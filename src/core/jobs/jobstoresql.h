#pragma once

// SQL helpers shared by the job store's source files (not part of its interface).

#include <QDateTime>
#include <QString>
#include <QVariant>

namespace finpipe::jobs::storesql {

inline QString toDb(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QStringLiteral("");
}

// A null QString binds as SQL NULL; the columns are NOT NULL text.
inline QVariant text(const QString &s)
{
    return s.isNull() ? QVariant(QStringLiteral("")) : QVariant(s);
}

inline QDateTime fromDb(const QVariant &v)
{
    const QString s = v.toString();
    if (s.isEmpty())
        return {};
    return QDateTime::fromString(s, Qt::ISODateWithMs).toUTC();
}

} // namespace finpipe::jobs::storesql
