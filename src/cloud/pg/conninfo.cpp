#include "cloud/pg/conninfo.h"

#include <libpq-fe.h>

#include <QRegularExpression>

namespace finpipe::cloud::pg {

QString ConnInfo::where() const
{
    const QString h = host.isEmpty() ? QStringLiteral("localhost") : host;
    const QString p = port.isEmpty() ? QStringLiteral("5432") : port;
    return h.startsWith(u'/') ? QStringLiteral("%1 (socket, port %2)").arg(h, p) : h + u':' + p;
}

QString ConnInfo::scrub(QString text) const
{
    if (!password.isEmpty())
        text.replace(password, QStringLiteral("***"));
    return text;
}

Result<ConnInfo> parseConnInfo(const QString &conninfo)
{
    char *errmsg = nullptr;
    const QByteArray utf8 = conninfo.toUtf8();
    PQconninfoOption *options = PQconninfoParse(utf8.constData(), &errmsg);
    if (!options) {
        // libpq quotes the offending piece, which may be a password: keep its words, not the quote.
        QString why = errmsg ? QString::fromUtf8(errmsg).trimmed() : QString();
        PQfreemem(errmsg);
        static const QRegularExpression quoted(QStringLiteral("\"[^\"]*\""));
        why.replace(quoted, QStringLiteral("\"…\""));
        return dbError(QString::fromLatin1(kBadConnInfo),
                       QStringLiteral("the database address is not a valid PostgreSQL URL or connection string")
                           + (why.isEmpty() ? QString() : QStringLiteral(" (") + why + u')'));
    }
    ConnInfo info;
    for (PQconninfoOption *o = options; o->keyword; ++o) {
        if (!o->val)
            continue;
        const QString key = QString::fromLatin1(o->keyword);
        const QString val = QString::fromUtf8(o->val);
        if (key == u"user")
            info.user = val;
        else if (key == u"host" || (key == u"hostaddr" && info.host.isEmpty()))
            info.host = val;
        else if (key == u"port")
            info.port = val;
        else if (key == u"dbname")
            info.dbname = val;
        else if (key == u"password")
            info.password = val;
    }
    PQconninfoFree(options);
    if (info.user.isEmpty())
        info.user = qEnvironmentVariable("PGUSER", qEnvironmentVariable("USER"));
    if (info.host.isEmpty())
        info.host = qEnvironmentVariable("PGHOST");
    if (info.port.isEmpty())
        info.port = qEnvironmentVariable("PGPORT");
    if (info.password.isEmpty())
        info.password = qEnvironmentVariable("PGPASSWORD");
    return info;
}

Error dbError(const QString &state, const QString &message)
{
    return Error::make(state.startsWith(u"08") || state.startsWith(u"28") ? Error::Code::Permission
                                                                          : Error::Code::Failed,
                       message, QStringLiteral("SQLSTATE ") + state);
}

QString sqlState(const Error &error)
{
    static const QLatin1String prefix("SQLSTATE ");
    return error.detail.startsWith(prefix) ? error.detail.mid(prefix.size(), 5) : QString();
}

bool isCloudUnavailable(const Error &error)
{
    const QString state = sqlState(error);
    return state.startsWith(u"08") || state.startsWith(u"28") || state == u"42501" || state == u"3D000"
        || state.startsWith(u"57P"); // the server is shutting down or cannot accept connections
}

} // namespace finpipe::cloud::pg
