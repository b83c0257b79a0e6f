#include "cloudsettings.h"

#include "appsettings.h"
#include "secretstore.h"

#include <libpq-fe.h>

#include <QCoreApplication>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QRegularExpression>

namespace finpipe::app {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("CloudSettings", text);
}

Error invalid(const QString &message)
{
    return Error::make(Error::Code::Invalid, message);
}

//! A conninfo value in single quotes, with backslashes and quotes escaped as libpq reads them.
QString quoted(const QString &value)
{
    QString v = value;
    v.replace(u'\\', QStringLiteral("\\\\"));
    v.replace(u'\'', QStringLiteral("\\'"));
    return u'\'' + v + u'\'';
}

} // namespace

bool CloudSettings::configured() const
{
    return !host.trimmed().isEmpty() && !database.trimmed().isEmpty() && !user.trimmed().isEmpty();
}

const QStringList &cloudSslModes()
{
    static const QStringList modes{QStringLiteral("disable"), QStringLiteral("allow"),     QStringLiteral("prefer"),
                                   QStringLiteral("require"), QStringLiteral("verify-ca"), QStringLiteral("verify-full")};
    return modes;
}

QString cloudConnInfo(const CloudSettings &s, const QString &password)
{
    QStringList parts{QStringLiteral("host=") + quoted(s.host.trimmed()), QStringLiteral("port=") + quoted(QString::number(s.port)),
                      QStringLiteral("dbname=") + quoted(s.database.trimmed()), QStringLiteral("user=") + quoted(s.user.trimmed())};
    if (!password.isEmpty())
        parts << QStringLiteral("password=") + quoted(password);
    parts << QStringLiteral("sslmode=") + quoted(s.sslMode.isEmpty() ? QStringLiteral("prefer") : s.sslMode);
    if (!s.sslRootCert.isEmpty())
        parts << QStringLiteral("sslrootcert=") + quoted(s.sslRootCert);
    return parts.join(u' ');
}

Result<std::pair<CloudSettings, QString>> parseCloudUrl(const QString &text)
{
    const QString t = text.trimmed();
    if (t.isEmpty())
        return invalid(tr("Paste the connection URL your administrator gave you (it starts with postgresql://)."));
    const bool url = t.startsWith(u"postgresql://", Qt::CaseInsensitive) || t.startsWith(u"postgres://", Qt::CaseInsensitive);
    if (!url && !t.contains(u'='))
        return invalid(tr("This is not a database connection URL: it should look like "
                          "postgresql://user@server:5432/database."));
    char *errmsg = nullptr;
    const QByteArray utf8 = t.toUtf8();
    PQconninfoOption *options = PQconninfoParse(utf8.constData(), &errmsg);
    if (!options) {
        // libpq quotes the piece it did not understand, which may be the password: keep its words only.
        QString why = errmsg ? QString::fromUtf8(errmsg).trimmed() : QString();
        PQfreemem(errmsg);
        static const QRegularExpression quotedPiece(QStringLiteral("\"[^\"]*\""));
        why.replace(quotedPiece, QStringLiteral("\"…\""));
        return invalid(tr("This connection URL cannot be read%1. It should look like "
                          "postgresql://user@server:5432/database.")
                           .arg(why.isEmpty() ? QString() : QStringLiteral(" (") + why + u')'));
    }
    CloudSettings s;
    QString password;
    QString port;
    QString hostaddr;
    QStringList unsupported;
    for (PQconninfoOption *o = options; o->keyword; ++o) {
        if (!o->val)
            continue;
        const QString key = QString::fromLatin1(o->keyword);
        const QString val = QString::fromUtf8(o->val);
        if (key == u"host")
            s.host = val;
        else if (key == u"hostaddr")
            hostaddr = val;
        else if (key == u"port")
            port = val;
        else if (key == u"dbname")
            s.database = val;
        else if (key == u"user")
            s.user = val;
        else if (key == u"password")
            password = val;
        else if (key == u"sslmode")
            s.sslMode = val;
        else if (key == u"sslrootcert")
            s.sslRootCert = val;
        else if (key != u"connect_timeout" && key != u"application_name")
            unsupported << key;
    }
    PQconninfoFree(options);
    if (s.host.isEmpty())
        s.host = hostaddr;
    if (!unsupported.isEmpty())
        return invalid(tr("This connection URL also sets %1, which the Cloud page cannot keep. Ask your administrator "
                          "for a URL with only the server, port, database, user, password and TLS settings.")
                           .arg(unsupported.join(QStringLiteral(", "))));
    if (s.host.isEmpty())
        return invalid(tr("This connection URL names no server: it should look like postgresql://user@server:5432/database."));
    if (s.host.contains(u','))
        return invalid(tr("This connection URL names several servers; the Cloud page takes one."));
    if (!port.isEmpty()) {
        bool ok = false;
        const int p = port.toInt(&ok);
        if (!ok || p < 1 || p > 65535)
            return invalid(tr("The port in this connection URL is not a number from 1 to 65535."));
        s.port = p;
    }
    if (!cloudSslModes().contains(s.sslMode))
        return invalid(tr("The TLS mode (sslmode) in this connection URL is not one of %1.").arg(cloudSslModes().join(QStringLiteral(", "))));
    return std::pair<CloudSettings, QString>(std::move(s), std::move(password));
}

QString cloudPasswordKey(const CloudSettings &s)
{
    return QStringLiteral("cloud-db:%1@%2:%3/%4").arg(s.user.trimmed(), s.host.trimmed()).arg(s.port).arg(s.database.trimmed());
}

void readCloudConnInfo(const AppSettings &settings, SecretStore &secrets, QObject *context,
                       std::function<void(Result<QString>)> done)
{
    const CloudSettings cloud = settings.cloud();
    QPointer<QObject> target(context);
    // `done` runs on the context's thread, queued, also when the answer is known at once.
    auto deliver = [target, done = std::move(done)](Result<QString> result) {
        if (!target)
            return;
        QMetaObject::invokeMethod(target, [done, result = std::move(result)]() { done(result); }, Qt::QueuedConnection);
    };
    if (!cloud.configured()) {
        deliver(Error::make(Error::Code::Invalid,
                            tr("The team cloud is not set up on this computer: enter its connection in Settings, "
                               "on the Cloud page.")));
        return;
    }
    secrets.read(cloudPasswordKey(cloud), [cloud, deliver](Result<QString> password) {
        if (password)
            deliver(cloudConnInfo(cloud, *password));
        else if (password.error().code == Error::Code::NotFound)
            deliver(cloudConnInfo(cloud, QString()));
        else
            deliver(Error::make(Error::Code::Unreadable,
                                tr("The password for the team cloud could not be read from the system keychain (%1). "
                                   "Unlock the keychain, or enter the password again in Settings, on the Cloud page.")
                                    .arg(password.error().message),
                                password.error().detail));
    });
}

} // namespace finpipe::app
