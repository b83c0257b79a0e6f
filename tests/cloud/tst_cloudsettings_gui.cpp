// The Settings dialog's Cloud page against the real servers (scripts/cloud-servers.sh) and a real
// system keychain (scripts/with-keyring.sh: a throw-away gnome-keyring on a private D-Bus session),
// under Xvfb: an analyst configures the cloud, the password lands in the keychain and nowhere else,
// the stored settings give a conninfo that connects, and "Test connection" names the failing step.

#include "apptestutil.h"
#include "cloudtestenv.h"

#include "appsettings.h"
#include "cloudsettings.h"
#include "secretstore.h"
#include "settingsdialog.h"

#include "cloud/pg/connection.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QTimer>

using namespace finpipe;
using namespace finpipe::test;

namespace {

const QString kService = QStringLiteral("finpipe-test-cloudsettings");

template <typename T>
T *child(QWidget *dlg, const QString &name)
{
    T *w = dlg->findChild<T *>(name);
    if (!w)
        qFatal("no %s in the dialog", qPrintable(name));
    return w;
}

//! "PPFNN": one letter per step of the page (Passed, Failed, Not run).
QString shape(QWidget *dlg)
{
    QString s;
    for (int i = 0; i < 5; ++i) {
        const QString st = child<QLabel>(dlg, QStringLiteral("checkStep%1").arg(i))->property("status").toString();
        s += st == u"passed" ? u'P' : st == u"failed" ? u'F' : u'N';
    }
    return s;
}

QString stepText(QWidget *dlg, int i)
{
    return child<QLabel>(dlg, QStringLiteral("checkStep%1").arg(i))->text();
}

//! With FINPIPE_SHOTS_DIR set, saves a picture of `w` for a person to look at.
void saveShot(QWidget *w, const QString &name)
{
    const QString dir = qEnvironmentVariable("FINPIPE_SHOTS_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(300);
    QVERIFY(w->grab().save(QDir(dir).filePath(name + QStringLiteral(".png"))));
}

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

Result<QString> readSecret(app::SecretStore &store, const QString &key)
{
    std::optional<Result<QString>> got;
    store.read(key, [&](Result<QString> r) { got = std::move(r); });
    if (!QTest::qWaitFor([&] { return got.has_value(); }, 10000))
        return Error::make(Error::Code::Failed, QStringLiteral("the keychain did not answer"));
    return *got;
}

} // namespace

class TestCloudSettingsGui : public QObject
{
    Q_OBJECT

    TestDatabase m_db;
    QString m_analystUrl;
    QString m_workerUrl;
    QTemporaryDir m_dir;
    QString m_iniPath = m_dir.filePath(QStringLiteral("settings.ini"));
    QSettings m_qsettings{m_iniPath, QSettings::IniFormat};
    app::AppSettings m_settings{&m_qsettings};
    ScriptedPrompts m_prompts;
    app::SecretStore m_secrets{kService};

    //! Fills the page from `url` (pasted, as an analyst would) and verifies the server with the test CA.
    void configure(app::SettingsDialog &dlg, const QString &url)
    {
        child<QLineEdit>(&dlg, QStringLiteral("cloudUrlEdit"))->setText(url);
        QTest::mouseClick(child<QPushButton>(&dlg, QStringLiteral("cloudUrlButton")), Qt::LeftButton);
        QVERIFY(child<QLineEdit>(&dlg, QStringLiteral("cloudUrlEdit"))->text().isEmpty());
        auto *tls = child<QComboBox>(&dlg, QStringLiteral("cloudTlsCombo"));
        tls->setCurrentIndex(tls->findData(QStringLiteral("verify-full")));
        // A copy of the servers' CA where an analyst would keep one they were sent (and where the
        // pictures show no build folder).
        const QString ca = m_dir.filePath(QStringLiteral("team-ca.crt"));
        if (!QFile::exists(ca))
            QVERIFY(QFile::copy(qEnvironmentVariable("FINPIPE_TEST_PG_CA"), ca));
        child<QLineEdit>(&dlg, QStringLiteral("cloudCaEdit"))->setText(ca);
    }

    //! What pressing Test connection did.
    struct TestRun {
        bool returnedAtOnce = false; //!< the click came back with the check still running
        bool ended = false;
        qint64 longestPause = 0;     //!< the longest the event loop went without running a 10 ms timer, ms
    };

    //! Presses Test connection and waits for its end.
    TestRun testConnection(app::SettingsDialog &dlg)
    {
        TestRun run;
        QSignalSpy tested(&dlg, &app::SettingsDialog::connectionTested);
        QTimer tick;
        QElapsedTimer since;
        connect(&tick, &QTimer::timeout, this, [&] { run.longestPause = qMax(run.longestPause, since.restart()); });
        tick.start(10);
        since.start();
        auto *button = child<QPushButton>(&dlg, QStringLiteral("testConnectionButton"));
        QTest::mouseClick(button, Qt::LeftButton);
        run.returnedAtOnce = dlg.testRunning() && !button->isEnabled() && tested.isEmpty();
        run.ended = QTest::qWaitFor([&] { return tested.count() == 1; }, 30000);
        return run;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // A keychain that does not work is a failure where CI promised one (FINPIPE_REQUIRE_KEYRING).
        const QString probeKey = QStringLiteral("probe-%1").arg(QCoreApplication::applicationPid());
        std::optional<Result<void>> wrote;
        m_secrets.write(probeKey, QStringLiteral("probe"), [&](Result<void> r) { wrote = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(wrote.has_value(), 15000);
        if (!wrote->ok()) {
            const QString why = QStringLiteral("no usable system keychain (%1); run under scripts/with-keyring.sh")
                                    .arg(wrote->error().toString());
            if (qEnvironmentVariable("FINPIPE_REQUIRE_KEYRING") == u"1")
                QFAIL(qPrintable(why));
            QSKIP(qPrintable(why));
        }
        QCOMPARE(readSecret(m_secrets, probeKey).value(), QStringLiteral("probe"));

        const QString why = loadCloudEnvironment();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QVERIFY2(!qEnvironmentVariable("FINPIPE_TEST_PG_CA").isEmpty(), "the servers gave no CA");
        m_db = freshDatabase(QStringLiteral("t_cloudsettings_gui"));
        QVERIFY2(m_db.error.isEmpty(), qPrintable(m_db.error));
        m_analystUrl = m_db.login(QStringLiteral("t_csg_ana"), QStringLiteral("finpipe_analyst"));
        m_workerUrl = m_db.login(QStringLiteral("t_csg_worker"), QStringLiteral("finpipe_worker"));
    }

    void anAnalystConfiguresTheCloudAndThePasswordGoesToTheKeychainOnly()
    {
        const QString password = QUrl(m_analystUrl).password();
        QVERIFY(!password.isEmpty());
        app::SettingsDialog dlg(m_settings, m_prompts, nullptr, &m_secrets);
        QSignalSpy changed(&dlg, &app::SettingsDialog::cloudSettingsChanged);
        dlg.showCloudPage();
        dlg.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dlg));
        configure(dlg, m_analystUrl);
        QCOMPARE(child<QLineEdit>(&dlg, QStringLiteral("cloudPasswordEdit"))->text(), password);
        auto *runCloud = child<QRadioButton>(&dlg, QStringLiteral("runCloudRadio"));
        QVERIFY(runCloud->isEnabled());
        runCloud->setChecked(true);

        const TestRun run = testConnection(dlg);
        QVERIFY(run.returnedAtOnce); // asynchronous: the button is off while it runs
        QVERIFY(run.ended);
        qInfo("the event loop's longest pause during Test connection: %lld ms", run.longestPause);
        // Only a gross stall fails this on a loaded machine: on 127.0.0.1 even a blocking check would
        // be quick, so `returnedAtOnce` is what shows the check is asynchronous.
        QVERIFY2(run.longestPause < 1000, qPrintable(QString::number(run.longestPause)));
        QCOMPARE(shape(&dlg), QStringLiteral("PPPPP"));
        QVERIFY(stepText(&dlg, 3).contains(u"t_csg_ana is a finpipe analyst"));
        QVERIFY(child<QLabel>(&dlg, QStringLiteral("testStatusLabel"))->text().contains(u"works"));
        // Nothing on the page shows the password.
        for (QLabel *l : dlg.findChildren<QLabel *>())
            QVERIFY2(!l->text().contains(password), qPrintable(l->objectName()));
        QVERIFY(!dlg.windowTitle().contains(password));
        saveShot(&dlg, QStringLiteral("settings-cloud-passed-1024x700"));

        dlg.accept(); // writes the keychain first, then closes
        QTRY_VERIFY_WITH_TIMEOUT(!dlg.isVisible(), 15000);
        QCOMPARE(dlg.result(), int(QDialog::Accepted));
        QCOMPARE(changed.count(), 1);

        const app::CloudSettings cloud = m_settings.cloud();
        QCOMPARE(cloud.host, QStringLiteral("127.0.0.1"));
        QCOMPARE(cloud.user, QStringLiteral("t_csg_ana"));
        QCOMPARE(cloud.database, QStringLiteral("t_cloudsettings_gui"));
        QCOMPARE(cloud.sslMode, QStringLiteral("verify-full"));
        QCOMPARE(m_settings.defaultRunPlace(), QStringLiteral("cloud"));
        // The password: in the keychain, under the login's key, and not in the settings file.
        QCOMPARE(readSecret(m_secrets, app::cloudPasswordKey(cloud)).value(), password);
        m_qsettings.sync();
        const QByteArray ini = fileBytes(m_iniPath);
        QVERIFY(ini.contains("t_csg_ana"));
        QVERIFY2(!ini.contains(password.toUtf8()), ini.constData());

        // What the job executor reads connects, over TLS verified with the CA.
        QObject context;
        std::optional<Result<QString>> info;
        app::readCloudConnInfo(m_settings, m_secrets, &context, [&](Result<QString> r) { info = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(info.has_value(), 10000);
        QVERIFY2(info->ok(), info->ok() ? "" : qPrintable(info->error().message));
        cloud::pg::Connection c;
        c.setAutoReconnect(false);
        const Result<void> connected = wait(c.connect(**info));
        QVERIFY2(connected.ok(), connected.ok() ? "" : qPrintable(connected.error().message));
        auto who = wait(c.query(QStringLiteral("SELECT current_user, (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid())")));
        QVERIFY(who.ok());
        QCOMPARE(who->value(0, 0).toString(), QStringLiteral("t_csg_ana"));
        QCOMPARE(who->value(0, 1).toBool(), true);
    }

    void theStoredPasswordIsUsedWhenNoneIsTyped()
    {
        QVERIFY(m_settings.cloud().configured()); // from the case before
        app::SettingsDialog dlg(m_settings, m_prompts, nullptr, &m_secrets);
        dlg.showCloudPage();
        dlg.show();
        auto *note = child<QLabel>(&dlg, QStringLiteral("cloudPasswordNote"));
        QTRY_VERIFY_WITH_TIMEOUT(note->text().contains(u"A password is saved in the system keychain"), 10000);
        QVERIFY(child<QLineEdit>(&dlg, QStringLiteral("cloudPasswordEdit"))->text().isEmpty());
        QVERIFY(child<QRadioButton>(&dlg, QStringLiteral("runCloudRadio"))->isChecked());
        QVERIFY(testConnection(dlg).ended);
        QCOMPARE(shape(&dlg), QStringLiteral("PPPPP"));
        QSignalSpy changed(&dlg, &app::SettingsDialog::cloudSettingsChanged);
        dlg.accept();
        QVERIFY(!dlg.isVisible());
        QCOMPARE(changed.count(), 0); // nothing changed
    }

    void aWrongPasswordFailsAtTheLoginAndStopsThere()
    {
        app::SettingsDialog dlg(m_settings, m_prompts, nullptr, &m_secrets);
        dlg.showCloudPage();
        dlg.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dlg));
        const QString wrong = QStringLiteral("not-the-password-%1").arg(QCoreApplication::applicationPid());
        child<QLineEdit>(&dlg, QStringLiteral("cloudPasswordEdit"))->setText(wrong);
        QVERIFY(testConnection(dlg).ended);
        QCOMPARE(shape(&dlg), QStringLiteral("PFNNN"));
        QVERIFY2(stepText(&dlg, 1).contains(u"refused the password"), qPrintable(stepText(&dlg, 1)));
        QVERIFY2(stepText(&dlg, 1).contains(u"check your user name and password"), qPrintable(stepText(&dlg, 1)));
        for (QLabel *l : dlg.findChildren<QLabel *>())
            QVERIFY2(!l->text().contains(wrong), qPrintable(l->objectName()));
        saveShot(&dlg, QStringLiteral("settings-cloud-failed-1024x700"));
        dlg.reject();
        // The typed password was only tried: the keychain still holds the right one.
        QCOMPARE(readSecret(m_secrets, app::cloudPasswordKey(m_settings.cloud())).value(), QUrl(m_analystUrl).password());
    }

    void aLoginThatIsNoAnalystFailsAtSubmitting()
    {
        app::SettingsDialog dlg(m_settings, m_prompts, nullptr, &m_secrets);
        dlg.showCloudPage();
        dlg.show();
        configure(dlg, m_workerUrl);
        QVERIFY(testConnection(dlg).ended);
        QCOMPARE(shape(&dlg), QStringLiteral("PPPFN"));
        QVERIFY2(stepText(&dlg, 3).contains(u"not a finpipe analyst"), qPrintable(stepText(&dlg, 3)));
        QVERIFY(stepText(&dlg, 3).contains(u"grant finpipe_analyst to t_csg_worker"));
        dlg.reject();
    }

    void anotherLoginTakesThePasswordAlongAndLeavesNoStaleEntry()
    {
        const app::CloudSettings before = m_settings.cloud();
        QVERIFY(before.configured());
        const QString password = QUrl(m_analystUrl).password();
        auto changeDatabase = [this](const QString &name) {
            app::SettingsDialog dlg(m_settings, m_prompts, nullptr, &m_secrets);
            dlg.show();
            child<QLineEdit>(&dlg, QStringLiteral("cloudDatabaseEdit"))->setText(name);
            dlg.accept(); // no password typed: the stored one moves to the new key
            QTRY_VERIFY_WITH_TIMEOUT(!dlg.isVisible(), 15000);
            QCOMPARE(dlg.result(), int(QDialog::Accepted));
        };
        changeDatabase(QStringLiteral("another_database"));
        const app::CloudSettings after = m_settings.cloud();
        QCOMPARE(after.database, QStringLiteral("another_database"));
        QCOMPARE(readSecret(m_secrets, app::cloudPasswordKey(after)).value(), password);
        const Result<QString> old = readSecret(m_secrets, app::cloudPasswordKey(before));
        QVERIFY(!old.ok());
        QCOMPARE(old.error().code, Error::Code::NotFound);

        changeDatabase(before.database);
        QCOMPARE(readSecret(m_secrets, app::cloudPasswordKey(before)).value(), password);
        QCOMPARE(readSecret(m_secrets, app::cloudPasswordKey(after)).error().code, Error::Code::NotFound);
    }

    void cleanupTestCase()
    {
        // The keychain is thrown away with its session; the settings' entry goes anyway.
        if (m_settings.cloud().configured()) {
            bool done = false;
            m_secrets.remove(app::cloudPasswordKey(m_settings.cloud()), [&](Result<void>) { done = true; });
            QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
        }
    }
};

int main(int argc, char *argv[])
{
    finpipe::test::prepareGuiTestProcess();
    QApplication app(argc, argv);
    TestCloudSettingsGui t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_cloudsettings_gui.moc"
