#pragma once

#include "cloudsettings.h"

#include <QDialog>
#include <QList>

#include <memory>

namespace Ui {
class SettingsDialog;
}

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace finpipe::cloud {
struct ConnectionReport;
}

namespace finpipe::app {

class AppSettings;
class Prompts;
class SecretStore;

//! Concurrency, auto-proceed level, output folder, theme; and the Cloud page: the team cloud's
//! database connection (the password goes to the system keychain, never to QSettings), "Test
//! connection" (cloud::checkConnection, run asynchronously: the dialog stays responsive) and the
//! default place to run. Writes to AppSettings on accept(); a typed password is written to the
//! keychain first, and the dialog stays open, saying why, when the keychain cannot take it.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    //! `secrets`: the keychain to use (nullptr: the application's, service "finpipe").
    SettingsDialog(AppSettings &settings, Prompts &prompts, QWidget *parent = nullptr, SecretStore *secrets = nullptr);
    ~SettingsDialog() override;
    void accept() override;
    void reject() override;

    //! Opens the dialog on its Cloud page.
    void showCloudPage();
    //! The settings the Cloud page's fields describe now.
    CloudSettings cloudFromFields() const;
    //! Whether "Test connection" is running.
    bool testRunning() const { return m_testRunning; }

Q_SIGNALS:
    //! After accept(), when the connection or the password changed.
    void cloudSettingsChanged();
    //! A "Test connection" run ended (not when it was cancelled); `ok`: every step passed.
    void connectionTested(bool ok);

private:
    void buildCloudPage();
    void fillCloudFields(const CloudSettings &cloud);
    bool applyPastedUrl();
    void updateCloudState();
    void probeKeychain();
    void startTest();
    void runTest(const QString &conninfo, int generation);
    void cancelTest();
    void showReport(const cloud::ConnectionReport &report);
    void resetSteps(const QString &mark);
    void finishAccept();
    void finishSaving();
    void keychainWriteFailed(const Error &error);

    std::unique_ptr<Ui::SettingsDialog> m_ui;
    AppSettings &m_settings;
    Prompts &m_prompts;
    SecretStore *m_secrets = nullptr;
    QCheckBox *m_reviewCheck = nullptr;

    CloudSettings m_initialCloud;
    QLineEdit *m_urlEdit = nullptr;
    QPushButton *m_urlButton = nullptr;
    QLabel *m_urlMessage = nullptr;
    QLineEdit *m_hostEdit = nullptr;
    QSpinBox *m_portSpin = nullptr;
    QLineEdit *m_databaseEdit = nullptr;
    QLineEdit *m_userEdit = nullptr;
    QLineEdit *m_passwordEdit = nullptr;
    QLabel *m_passwordNote = nullptr;
    QComboBox *m_tlsCombo = nullptr;
    QLineEdit *m_caEdit = nullptr;
    QPushButton *m_caButton = nullptr;
    QPushButton *m_testButton = nullptr;
    QPushButton *m_cancelTestButton = nullptr;
    QLabel *m_testStatus = nullptr;
    QList<QLabel *> m_stepMarks;
    QList<QLabel *> m_stepTexts;
    QRadioButton *m_runLocal = nullptr;
    QRadioButton *m_runCloud = nullptr;
    QLabel *m_runNote = nullptr;

    int m_testGeneration = 0;
    bool m_testRunning = false;
    bool m_saving = false;
    bool m_keychainUnavailable = false;
};

} // namespace finpipe::app
