#include "secretstore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace finpipe;

//! Secrets go only to the OS keychain. Without one (no D-Bus session, as on this test machine) the
//! app gets an error it can show, promptly, and nothing is written anywhere else.
class TestSecretStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void withoutAKeychainTheCallerGetsAnErrorPromptly()
    {
        app::SecretStore store(QStringLiteral("finpipe-test"));
        bool called = false;
        Result<void> result;
        QElapsedTimer t;
        t.start();
        store.write(QStringLiteral("cloud/secret-key"), QStringLiteral("s3cr3t"), [&](Result<void> r) {
            result = std::move(r);
            called = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(called, 10000);
        qInfo("keychain answered in %lld ms", t.elapsed());
        QVERIFY(!result.ok());
        QVERIFY(result.error().message.startsWith(u"The system keychain could not be used"));

        bool readCalled = false;
        Result<QString> read = Error{};
        store.read(QStringLiteral("cloud/secret-key"), [&](Result<QString> r) {
            read = std::move(r);
            readCalled = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(readCalled, 10000);
        QVERIFY(!read.ok());
    }

    void settingsNeverHoldTheSecret()
    {
        // qtkeychain's insecure fallback would write into QSettings; it is off.
        QTemporaryDir dir;
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.path());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        app::SecretStore store(QStringLiteral("finpipe-test"));
        bool called = false;
        store.write(QStringLiteral("k"), QStringLiteral("must-not-leak"), [&](Result<void>) { called = true; });
        QTRY_VERIFY_WITH_TIMEOUT(called, 10000);
        QSettings s;
        s.sync();
        for (const QString &k : s.allKeys())
            QVERIFY2(!s.value(k).toString().contains(u"must-not-leak"), qPrintable(k));
    }
};

int main(int argc, char *argv[])
{
    // Make sure there is no session bus, whatever the machine running the test has.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/finpipe-test-bus");
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("finpipe-test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_secretstore"));
    TestSecretStore t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_secretstore.moc"
