// The Cloud settings without servers: pasted URLs, the conninfo's quoting, the keychain key, the
// settings file that never holds the password, the page's layout at 1024 x 700 and its keyboard
// and names. There is no keychain here (no D-Bus session), so the page must say so and keep the
// password nowhere. tst_cloudsettings_gui covers a real keychain and real servers.

#include "apptestutil.h"
#include "layoutcheck.h"

#include "appsettings.h"
#include "cloudsettings.h"
#include "secretstore.h"
#include "settingsdialog.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QMap>
#include <QFile>
#include <QLineEdit>
#include <QRadioButton>
#include <QScrollArea>
#include <QSignalSpy>
#include <QScreen>
#include <QSpinBox>
#include <QTabWidget>
#include <QTcpServer>

using namespace finpipe;
using namespace finpipe::test;

namespace {

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

//! A local port nothing listens on.
int closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost);
    return server.serverPort(); // free again once `server` goes
}

struct DialogFixture {
    QTemporaryDir dir;
    QString iniPath = dir.filePath(QStringLiteral("settings.ini"));
    QSettings qsettings{iniPath, QSettings::IniFormat};
    app::AppSettings settings{&qsettings};
    ScriptedPrompts prompts;
    app::SecretStore secrets{QStringLiteral("finpipe-test")};

    template <typename T>
    static T *child(QWidget *dlg, const char *name)
    {
        T *w = dlg->findChild<T *>(QString::fromLatin1(name));
        if (!w)
            qFatal("no %s in the dialog", name);
        return w;
    }
    static void fill(app::SettingsDialog &dlg, const QString &host, int port, const QString &db, const QString &user,
                     const QString &password)
    {
        child<QLineEdit>(&dlg, "cloudHostEdit")->setText(host);
        child<QSpinBox>(&dlg, "cloudPortSpin")->setValue(port);
        child<QLineEdit>(&dlg, "cloudDatabaseEdit")->setText(db);
        child<QLineEdit>(&dlg, "cloudUserEdit")->setText(user);
        child<QLineEdit>(&dlg, "cloudPasswordEdit")->setText(password);
    }
};

} // namespace

class TestCloudSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesAUrlWithAPassword()
    {
        auto r = app::parseCloudUrl(QStringLiteral(
            "  postgresql://ana%40corp:p%40ss%20w%27d@db.example.com:6543/fin%20data?sslmode=verify-full&sslrootcert=/etc/ca%20x.crt \n"));
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
        const app::CloudSettings &s = r->first;
        QCOMPARE(s.host, QStringLiteral("db.example.com"));
        QCOMPARE(s.port, 6543);
        QCOMPARE(s.database, QStringLiteral("fin data"));
        QCOMPARE(s.user, QStringLiteral("ana@corp"));
        QCOMPARE(s.sslMode, QStringLiteral("verify-full"));
        QCOMPARE(s.sslRootCert, QStringLiteral("/etc/ca x.crt"));
        QCOMPARE(r->second, QStringLiteral("p@ss w'd"));
        QVERIFY(s.configured());
    }

    void parsesAUrlWithoutAPasswordAndConninfo()
    {
        auto r = app::parseCloudUrl(QStringLiteral("postgres://analyst@10.0.0.5/finpipe"));
        QVERIFY(r.ok());
        QCOMPARE(r->first.host, QStringLiteral("10.0.0.5"));
        QCOMPARE(r->first.port, 5432);
        QCOMPARE(r->first.sslMode, QStringLiteral("prefer"));
        QVERIFY(r->second.isEmpty());

        auto kv = app::parseCloudUrl(QStringLiteral("host=db port=5433 dbname=finpipe user=bo password='it''s' sslmode=require"));
        QVERIFY(!kv.ok()); // '' is not how conninfo escapes a quote: libpq refuses it
        kv = app::parseCloudUrl(QStringLiteral("host=db port=5433 dbname=finpipe user=bo password='it\\'s' sslmode=require"));
        QVERIFY2(kv.ok(), kv.ok() ? "" : qPrintable(kv.error().message));
        QCOMPARE(kv->first.port, 5433);
        QCOMPARE(kv->first.sslMode, QStringLiteral("require"));
        QCOMPARE(kv->second, QStringLiteral("it's"));
    }

    void refusesBadUrlsInWordsWithoutQuotingThem()
    {
        const QString secret = QStringLiteral("Sup3rSecret");
        const QStringList bad{
            QString(),
            QStringLiteral("https://db.example.com/finpipe"),
            QStringLiteral("postgresql://u:%1@db.example.com:notaport/finpipe").arg(secret),
            QStringLiteral("postgresql://u:%1@db.example.com:99999/finpipe").arg(secret),
            QStringLiteral("postgresql://u:%1@/finpipe").arg(secret),
            QStringLiteral("postgresql://u:%1@db/finpipe?sslmode=sometimes").arg(secret),
            QStringLiteral("postgresql://u:%1@db/finpipe?colour=blue").arg(secret),
            QStringLiteral("postgresql://u:%1@db/finpipe?sslcert=/x.crt").arg(secret),
            QStringLiteral("host=db password='%1").arg(secret), // unterminated quote
        };
        for (const QString &text : bad) {
            auto r = app::parseCloudUrl(text);
            QVERIFY2(!r.ok(), qPrintable(text));
            const QString m = r.error().message;
            QVERIFY2(!m.contains(secret), qPrintable(m));
            QVERIFY2(m.size() > 20 && !m.contains(u"PQ"), qPrintable(m));
            qInfo("%s", qPrintable(m));
        }
        QVERIFY(app::parseCloudUrl(QStringLiteral("postgresql://u@db.example.com:99999/x")).error().message.contains(u"port"));
        QVERIFY(app::parseCloudUrl(QStringLiteral("postgresql://u@/x")).error().message.contains(u"no server"));
        QVERIFY(app::parseCloudUrl(QStringLiteral("postgresql://u@db/x?sslcert=/a")).error().message.contains(u"sslcert"));
    }

    void conninfoQuotesEveryValue()
    {
        app::CloudSettings s;
        s.host = QStringLiteral("db.example.com");
        s.port = 6543;
        s.database = QStringLiteral("fin data");
        s.user = QStringLiteral("o'brien");
        s.sslMode = QStringLiteral("verify-full");
        s.sslRootCert = QStringLiteral("C:\\certs\\ca.crt");
        const QString password = QStringLiteral("a b'c\\d\"e =f");
        const QString info = app::cloudConnInfo(s, password);
        QCOMPARE(info, QStringLiteral("host='db.example.com' port='6543' dbname='fin data' user='o\\'brien' "
                                      "password='a b\\'c\\\\d\"e =f' sslmode='verify-full' sslrootcert='C:\\\\certs\\\\ca.crt'"));
        // libpq reads back exactly what went in.
        auto back = app::parseCloudUrl(info);
        QVERIFY2(back.ok(), back.ok() ? "" : qPrintable(back.error().message));
        QCOMPARE(back->first, s);
        QCOMPARE(back->second, password);
        // Without a password there is no password key at all.
        QVERIFY(!app::cloudConnInfo(s, QString()).contains(u"password"));
    }

    void keychainKeyNamesTheLogin()
    {
        app::CloudSettings s;
        s.host = QStringLiteral("db.example.com");
        s.database = QStringLiteral("finpipe");
        s.user = QStringLiteral("ana");
        QCOMPARE(app::cloudPasswordKey(s), QStringLiteral("cloud-db:ana@db.example.com:5432/finpipe"));
        QVERIFY(s.configured());
        s.user.clear();
        QVERIFY(!s.configured());
    }

    void settingsKeepTheConnectionAndThePlace()
    {
        DialogFixture fx;
        QCOMPARE(fx.settings.defaultRunPlace(), QStringLiteral("local"));
        QVERIFY(!fx.settings.cloud().configured());
        app::CloudSettings s;
        s.host = QStringLiteral("db");
        s.port = 7000;
        s.database = QStringLiteral("fp");
        s.user = QStringLiteral("ana");
        s.sslMode = QStringLiteral("verify-ca");
        s.sslRootCert = QStringLiteral("/ca.crt");
        fx.settings.setCloud(s);
        fx.settings.setDefaultRunPlace(QStringLiteral("cloud"));
        app::AppSettings again(&fx.qsettings);
        QCOMPARE(again.cloud(), s);
        QCOMPARE(again.defaultRunPlace(), QStringLiteral("cloud"));
        fx.settings.setDefaultRunPlace(QStringLiteral("mars"));
        QCOMPARE(again.defaultRunPlace(), QStringLiteral("local"));
    }

    void readCloudConnInfoSaysWhatIsMissing()
    {
        DialogFixture fx;
        QObject context;
        std::optional<Result<QString>> got;
        app::readCloudConnInfo(fx.settings, fx.secrets, &context, [&](Result<QString> r) { got = std::move(r); });
        QTRY_VERIFY(got.has_value());
        QVERIFY(!got->ok());
        QVERIFY2(got->error().message.contains(u"not set up"), qPrintable(got->error().message));

        app::CloudSettings s;
        s.host = QStringLiteral("db");
        s.database = QStringLiteral("fp");
        s.user = QStringLiteral("ana");
        fx.settings.setCloud(s);
        got.reset();
        app::readCloudConnInfo(fx.settings, fx.secrets, &context, [&](Result<QString> r) { got = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 10000);
        QVERIFY(!got->ok()); // no keychain on this bus
        QVERIFY2(got->error().message.contains(u"keychain"), qPrintable(got->error().message));

        // A context gone before the answer: nobody is called.
        bool called = false;
        {
            QObject shortLived;
            app::readCloudConnInfo(fx.settings, fx.secrets, &shortLived, [&](Result<QString>) { called = true; });
        }
        QTest::qWait(500);
        QVERIFY(!called);
    }

    void withoutAKeychainThePasswordIsKeptNowhere()
    {
        DialogFixture fx;
        const QString password = QStringLiteral("never-in-a-file-%1").arg(QCoreApplication::applicationPid());
        app::SettingsDialog dlg(fx.settings, fx.prompts, nullptr, &fx.secrets);
        QSignalSpy changed(&dlg, &app::SettingsDialog::cloudSettingsChanged);
        dlg.show();
        auto *runCloud = DialogFixture::child<QRadioButton>(&dlg, "runCloudRadio");
        QVERIFY(!runCloud->isEnabled()); // nothing configured yet
        DialogFixture::child<QLineEdit>(&dlg, "cloudUrlEdit")
            ->setText(QStringLiteral("postgresql://ana:%1@db.example.com:6543/finpipe?sslmode=require").arg(password));
        QTest::mouseClick(DialogFixture::child<QPushButton>(&dlg, "cloudUrlButton"), Qt::LeftButton);
        QCOMPARE(DialogFixture::child<QLineEdit>(&dlg, "cloudHostEdit")->text(), QStringLiteral("db.example.com"));
        QCOMPARE(DialogFixture::child<QLineEdit>(&dlg, "cloudPasswordEdit")->text(), password);
        QVERIFY(DialogFixture::child<QLineEdit>(&dlg, "cloudUrlEdit")->text().isEmpty());
        QCOMPARE(DialogFixture::child<QComboBox>(&dlg, "cloudTlsCombo")->currentData().toString(), QStringLiteral("require"));
        QVERIFY(runCloud->isEnabled());
        runCloud->setChecked(true);

        dlg.accept();
        auto *note = DialogFixture::child<QLabel>(&dlg, "cloudPasswordNote");
        QTRY_VERIFY_WITH_TIMEOUT(note->text().contains(u"could not be saved"), 10000);
        QVERIFY(dlg.isVisible()); // it stays open and says why
        QVERIFY(!note->text().contains(password));
        QVERIFY(!fx.settings.cloud().configured());
        QCOMPARE(changed.count(), 0);

        // Without the password, the rest is kept.
        DialogFixture::child<QLineEdit>(&dlg, "cloudPasswordEdit")->clear();
        dlg.accept();
        QVERIFY(!dlg.isVisible());
        QCOMPARE(dlg.result(), int(QDialog::Accepted));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(fx.settings.cloud().host, QStringLiteral("db.example.com"));
        QCOMPARE(fx.settings.cloud().port, 6543);
        QCOMPARE(fx.settings.defaultRunPlace(), QStringLiteral("cloud"));
        fx.qsettings.sync();
        const QByteArray ini = fileBytes(fx.iniPath);
        QVERIFY(ini.contains("db.example.com"));
        QVERIFY2(!ini.contains(password.toUtf8()), ini.constData());
    }

    //! Every page can shrink to what an 800 x 600 screen leaves a dialog (the pages scroll), so OK
    //! and Cancel stay in reach on a small screen.
    void everyPageFitsASmallScreen()
    {
        DialogFixture fx;
        app::SettingsDialog dlg(fx.settings, fx.prompts, nullptr, &fx.secrets);
        QVERIFY(dlg.screen()->availableGeometry().contains(QRect(QPoint(0, 0), dlg.size())));
        auto *pages = dlg.findChild<QTabWidget *>();
        QVERIFY(pages);
        for (int page = 0; page < pages->count(); ++page) {
            pages->setCurrentIndex(page);
            const QSize least = dlg.minimumSizeHint();
            QVERIFY2(least.width() <= 760 && least.height() <= 570,
                     qPrintable(QStringLiteral("%1 needs at least %2 x %3").arg(pages->tabText(page)).arg(least.width()).arg(least.height())));
        }
    }

    void aKeychainThatCannotBeReadIsSaidOnThePage()
    {
        DialogFixture fx;
        app::CloudSettings s;
        s.host = QStringLiteral("db");
        s.database = QStringLiteral("fp");
        s.user = QStringLiteral("ana");
        fx.settings.setCloud(s);
        app::SettingsDialog dlg(fx.settings, fx.prompts, nullptr, &fx.secrets);
        auto *note = DialogFixture::child<QLabel>(&dlg, "cloudPasswordNote");
        QTRY_VERIFY_WITH_TIMEOUT(note->text().contains(u"keychain cannot be used"), 10000);
        QVERIFY(note->text().contains(u"not stored anywhere else"));
    }

    void testConnectionRunsWithoutBlockingAndCanBeStopped()
    {
        DialogFixture fx;
        app::SettingsDialog dlg(fx.settings, fx.prompts, nullptr, &fx.secrets);
        dlg.showCloudPage();
        dlg.show();
        auto *test = DialogFixture::child<QPushButton>(&dlg, "testConnectionButton");
        auto *stop = DialogFixture::child<QPushButton>(&dlg, "cancelTestButton");
        QVERIFY(!test->isEnabled()); // nothing to test yet
        DialogFixture::fill(dlg, QStringLiteral("127.0.0.1"), closedPort(), QStringLiteral("finpipe"), QStringLiteral("ana"),
                            QStringLiteral("pw"));
        QVERIFY(test->isEnabled());
        QSignalSpy tested(&dlg, &app::SettingsDialog::connectionTested);
        QTest::mouseClick(test, Qt::LeftButton);
        QVERIFY(dlg.testRunning());
        QVERIFY(!test->isEnabled());
        QVERIFY(stop->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(tested.count(), 1, 15000);
        QCOMPARE(tested.at(0).at(0).toBool(), false);
        QVERIFY(test->isEnabled());
        QVERIFY(!stop->isEnabled());
        auto *step1 = DialogFixture::child<QLabel>(&dlg, "checkStep0");
        QCOMPARE(step1->property("status").toString(), QStringLiteral("failed"));
        QVERIFY2(step1->text().contains(u"What to do"), qPrintable(step1->text()));
        for (int i = 1; i < 5; ++i)
            QCOMPARE(DialogFixture::child<QLabel>(&dlg, QStringLiteral("checkStep%1").arg(i).toLatin1().constData())
                         ->property("status").toString(),
                     QStringLiteral("notRun"));

        // Stopped, the run is not heard any more and the button is back at once.
        QTest::mouseClick(test, Qt::LeftButton);
        QVERIFY(!test->isEnabled());
        QTest::mouseClick(stop, Qt::LeftButton);
        QVERIFY(!dlg.testRunning());
        QVERIFY(test->isEnabled());
        QTest::qWait(1500);
        QCOMPARE(tested.count(), 1);
        QCOMPARE(step1->property("status").toString(), QStringLiteral("notRun"));
    }

    void thePageFitsAt1024x700WithNamesAndTheKeyboard()
    {
        DialogFixture fx;
        QWidget screen;
        screen.resize(1024, 700);
        app::SettingsDialog dlg(fx.settings, fx.prompts, &screen, &fx.secrets);
        dlg.showCloudPage();
        dlg.show();
        QVERIFY2(dlg.width() <= 1024 && dlg.height() <= 700, qPrintable(QStringLiteral("%1x%2").arg(dlg.width()).arg(dlg.height())));
        QVERIFY(dlg.minimumSizeHint().width() <= 1024 && dlg.minimumSizeHint().height() <= 700);
        DialogFixture::fill(dlg, QStringLiteral("127.0.0.1"), closedPort(), QStringLiteral("finpipe"), QStringLiteral("ana"),
                            QStringLiteral("pw"));
        QTest::qWait(50);
        QStringList problems = clipped(&dlg);
        QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("before the test: ") + problems.join(u"\n")));
        // With a failed step's detail and advice shown.
        QSignalSpy tested(&dlg, &app::SettingsDialog::connectionTested);
        QTest::mouseClick(DialogFixture::child<QPushButton>(&dlg, "testConnectionButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(tested.count(), 1, 15000);
        QTest::qWait(50);
        problems = clipped(&dlg);
        QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("after the test: ") + problems.join(u"\n")));
        // Nothing is hidden in the scroll area at this size.
        auto *scroll = dlg.findChild<QScrollArea *>(QStringLiteral("cloudScroll"));
        QVERIFY(scroll);
        QVERIFY2(scroll->widget()->height() <= scroll->viewport()->height(),
                 qPrintable(QStringLiteral("%1 > %2").arg(scroll->widget()->height()).arg(scroll->viewport()->height())));

        const QStringList unnamed = unnamedFocusable(&dlg);
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(u"\n")));
        // Tab from the URL field reaches every control of the page.
        dlg.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&dlg));
        auto *url = DialogFixture::child<QLineEdit>(&dlg, "cloudUrlEdit");
        url->setFocus();
        QSet<QWidget *> reached;
        for (int i = 0; i < 40 && QApplication::focusWidget(); ++i) {
            reached.insert(QApplication::focusWidget());
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        }
        for (const char *name : {"cloudUrlEdit", "cloudUrlButton", "cloudHostEdit", "cloudPortSpin", "cloudDatabaseEdit",
                                 "cloudUserEdit", "cloudPasswordEdit", "cloudTlsCombo", "cloudCaEdit", "cloudCaButton",
                                 "testConnectionButton"}) {
            QWidget *w = DialogFixture::child<QWidget>(&dlg, name);
            QVERIFY2(reached.contains(w) || (w == QApplication::focusWidget()), name);
        }
        // Every Alt+letter on the page is its own.
        QMap<QChar, QString> letters;
        QWidget *page = dlg.findChild<QWidget *>(QStringLiteral("cloudPage"));
        QStringList texts;
        for (QLabel *l : page->findChildren<QLabel *>())
            if (l->buddy())
                texts << l->text();
        for (QAbstractButton *b : page->findChildren<QAbstractButton *>())
            texts << b->text();
        for (const QString &t : texts) {
            const qsizetype amp = t.indexOf(u'&');
            if (amp < 0 || amp + 1 >= t.size())
                continue;
            const QChar c = t.at(amp + 1).toLower();
            QVERIFY2(!letters.contains(c), qPrintable(QStringLiteral("%1 and %2 share Alt+%3").arg(letters.value(c), t, c)));
            letters.insert(c, t);
        }
        QVERIFY(letters.size() >= 12);
        // One of the two radio buttons (a group is one Tab stop).
        QVERIFY(reached.contains(DialogFixture::child<QWidget>(&dlg, "runLocalRadio"))
                || reached.contains(DialogFixture::child<QWidget>(&dlg, "runCloudRadio")));
    }
};

int main(int argc, char *argv[])
{
    // No session bus, whatever the machine has: the keychain is unavailable here on purpose.
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/finpipe-test-bus");
    finpipe::test::prepareGuiTestProcess();
    QApplication app(argc, argv);
    TestCloudSettings t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_cloudsettings.moc"
