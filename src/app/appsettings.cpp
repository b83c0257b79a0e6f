#include "appsettings.h"

#include <QFileInfo>
#include <QThread>

namespace finpipe::app {

AppSettings::AppSettings(QSettings *settings)
    : m_settings(settings ? settings : &m_own)
{
}

int AppSettings::defaultConcurrency()
{
    return qMax(1, QThread::idealThreadCount() - 1);
}

int AppSettings::concurrency() const
{
    const int n = s().value(QStringLiteral("jobs/concurrency"), defaultConcurrency()).toInt();
    return qBound(1, n, 64);
}

void AppSettings::setConcurrency(int n)
{
    s().setValue(QStringLiteral("jobs/concurrency"), qBound(1, n, 64));
}

QString AppSettings::autoProceedLevel() const
{
    const QString v = s().value(QStringLiteral("detection/autoProceed"), QStringLiteral("high")).toString();
    if (v == u"high" || v == u"medium" || v == u"never")
        return v;
    return QStringLiteral("high");
}

void AppSettings::setAutoProceedLevel(const QString &level)
{
    s().setValue(QStringLiteral("detection/autoProceed"), level);
}

bool AppSettings::proceedsAutomatically(detect::Level level, bool ambiguous) const
{
    if (ambiguous)
        return false;
    // The setting is stored by name; inside, levels are compared as levels.
    const QString setting = autoProceedLevel();
    if (setting == u"high")
        return level == detect::Level::High;
    if (setting == u"medium")
        return level == detect::Level::High || level == detect::Level::Medium;
    return false;
}

QString AppSettings::outputRoot() const
{
    return s().value(QStringLiteral("jobs/outputRoot")).toString();
}

void AppSettings::setOutputRoot(const QString &dir)
{
    s().setValue(QStringLiteral("jobs/outputRoot"), dir);
}

CloudSettings AppSettings::cloud() const
{
    CloudSettings c;
    c.host = s().value(QStringLiteral("cloud/host")).toString();
    c.port = qBound(1, s().value(QStringLiteral("cloud/port"), 5432).toInt(), 65535);
    c.database = s().value(QStringLiteral("cloud/database")).toString();
    c.user = s().value(QStringLiteral("cloud/user")).toString();
    const QString mode = s().value(QStringLiteral("cloud/sslMode")).toString();
    if (cloudSslModes().contains(mode))
        c.sslMode = mode;
    c.sslRootCert = s().value(QStringLiteral("cloud/sslRootCert")).toString();
    return c;
}

void AppSettings::setCloud(const CloudSettings &c)
{
    // Never the password: that goes to the keychain (SecretStore) only.
    s().setValue(QStringLiteral("cloud/host"), c.host.trimmed());
    s().setValue(QStringLiteral("cloud/port"), c.port);
    s().setValue(QStringLiteral("cloud/database"), c.database.trimmed());
    s().setValue(QStringLiteral("cloud/user"), c.user.trimmed());
    s().setValue(QStringLiteral("cloud/sslMode"), c.sslMode);
    s().setValue(QStringLiteral("cloud/sslRootCert"), c.sslRootCert);
}

QString AppSettings::defaultRunPlace() const
{
    return s().value(QStringLiteral("cloud/defaultRunPlace")).toString() == u"cloud" ? QStringLiteral("cloud")
                                                                                      : QStringLiteral("local");
}

void AppSettings::setDefaultRunPlace(const QString &place)
{
    s().setValue(QStringLiteral("cloud/defaultRunPlace"), place == u"cloud" ? QStringLiteral("cloud") : QStringLiteral("local"));
}

AppSettings::Theme AppSettings::theme() const
{
    const QString v = s().value(QStringLiteral("ui/theme"), QStringLiteral("system")).toString();
    if (v == u"light")
        return Theme::Light;
    if (v == u"dark")
        return Theme::Dark;
    return Theme::System;
}

void AppSettings::setTheme(Theme theme)
{
    const char *names[] = {"system", "light", "dark"};
    s().setValue(QStringLiteral("ui/theme"), QString::fromLatin1(names[int(theme)]));
}

QStringList AppSettings::recentFiles() const
{
    return s().value(QStringLiteral("ui/recentFiles")).toStringList();
}

void AppSettings::addRecentFile(const QString &path)
{
    const QString abs = QFileInfo(path).absoluteFilePath();
    QStringList list = recentFiles();
    list.removeAll(abs);
    list.prepend(abs);
    while (list.size() > kMaxRecent)
        list.removeLast();
    s().setValue(QStringLiteral("ui/recentFiles"), list);
}

QByteArray AppSettings::windowGeometry() const
{
    return s().value(QStringLiteral("ui/geometry")).toByteArray();
}

void AppSettings::setWindowGeometry(const QByteArray &g)
{
    s().setValue(QStringLiteral("ui/geometry"), g);
}

QByteArray AppSettings::windowState() const
{
    return s().value(QStringLiteral("ui/state")).toByteArray();
}

void AppSettings::setWindowState(const QByteArray &st)
{
    s().setValue(QStringLiteral("ui/state"), st);
}

bool AppSettings::reviewBeforeRun() const
{
    return s().value(QStringLiteral("detection/reviewBeforeRun"), false).toBool();
}

void AppSettings::setReviewBeforeRun(bool on)
{
    s().setValue(QStringLiteral("detection/reviewBeforeRun"), on);
}

QByteArray AppSettings::splitterState() const
{
    return s().value(QStringLiteral("ui/jobListSplitter")).toByteArray();
}

void AppSettings::setSplitterState(const QByteArray &state)
{
    s().setValue(QStringLiteral("ui/jobListSplitter"), state);
}

} // namespace finpipe::app
