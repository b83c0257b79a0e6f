#include "settingsdialog.h"

#include "appsettings.h"
#include "icons.h"
#include "prompts.h"
#include "screenfit.h"
#include "secretstore.h"
#include "ui_settingsdialog.h"

#include "cloud/queue/connectioncheck.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QCoroTask>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

namespace finpipe::app {

namespace {

//! The check in its own coroutine frame with its own network manager, so that a dialog closed
//! while the check runs leaves nothing dangling: the check ends on its own and nobody hears it.
QCoro::Task<cloud::ConnectionReport> checkOnItsOwn(QString conninfo)
{
    QNetworkAccessManager nam;
    co_return co_await cloud::checkConnection(std::move(conninfo), nam);
}

struct TlsChoice {
    const char *mode;
    const char *words;
};

const TlsChoice kTlsChoices[] = {
    {"verify-full", QT_TRANSLATE_NOOP("SettingsDialog", "Require TLS, verify the server (verify-full)")},
    {"verify-ca", QT_TRANSLATE_NOOP("SettingsDialog", "Require TLS, verify the certificate's authority only (verify-ca)")},
    {"require", QT_TRANSLATE_NOOP("SettingsDialog", "Require TLS, do not verify the server (require)")},
    {"prefer", QT_TRANSLATE_NOOP("SettingsDialog", "TLS when the server offers it (prefer)")},
    {"allow", QT_TRANSLATE_NOOP("SettingsDialog", "Plain unless the server insists on TLS (allow)")},
    {"disable", QT_TRANSLATE_NOOP("SettingsDialog", "No TLS (disable)")},
};

QString stepStatusName(cloud::CheckStep::Status s)
{
    switch (s) {
    case cloud::CheckStep::Status::Passed: return QStringLiteral("passed");
    case cloud::CheckStep::Status::Failed: return QStringLiteral("failed");
    case cloud::CheckStep::Status::NotRun: break;
    }
    return QStringLiteral("notRun");
}

} // namespace

SettingsDialog::SettingsDialog(AppSettings &settings, Prompts &prompts, QWidget *parent, SecretStore *secrets)
    : QDialog(parent), m_ui(std::make_unique<Ui::SettingsDialog>()), m_settings(settings), m_prompts(prompts),
      m_secrets(secrets ? secrets : new SecretStore(QStringLiteral("finpipe"), this))
{
    m_ui->setupUi(this);
    setObjectName(QStringLiteral("settingsDialog"));
    m_ui->concurrencySpin->setValue(settings.concurrency());
    m_ui->concurrencySpin->setToolTip(tr("Default on this computer: %1").arg(AppSettings::defaultConcurrency()));
    m_ui->autoProceedCombo->addItem(tr("High confidence"), QStringLiteral("high"));
    m_ui->autoProceedCombo->addItem(tr("Medium confidence or better"), QStringLiteral("medium"));
    m_ui->autoProceedCombo->addItem(tr("Never: always ask me"), QStringLiteral("never"));
    m_ui->autoProceedCombo->setCurrentIndex(m_ui->autoProceedCombo->findData(settings.autoProceedLevel()));
    m_ui->outputEdit->setText(QDir::toNativeSeparators(settings.outputRoot()));
    m_reviewCheck = new QCheckBox(tr("Always let me &review before running"));
    m_reviewCheck->setObjectName(QStringLiteral("reviewBeforeRunCheck"));
    m_reviewCheck->setToolTip(tr("Open the detection dialog for every file, so that the sheet, the columns, "
                                 "templates and options can be checked before the first run."));
    m_reviewCheck->setChecked(settings.reviewBeforeRun());
    m_ui->generalLayout->insertRow(2, QString(), m_reviewCheck);
    m_ui->outputEdit->setPlaceholderText(tr("The application's data folder"));
    m_ui->themeCombo->addItem(tr("Follow the system"), int(AppSettings::Theme::System));
    m_ui->themeCombo->addItem(tr("Light"), int(AppSettings::Theme::Light));
    m_ui->themeCombo->addItem(tr("Dark"), int(AppSettings::Theme::Dark));
    m_ui->themeCombo->setCurrentIndex(m_ui->themeCombo->findData(int(settings.theme())));
    connect(m_ui->browseButton, &QPushButton::clicked, this, [this, &prompts] {
        const QString dir = prompts.saveFolder(this, m_ui->outputEdit->text());
        if (!dir.isEmpty())
            m_ui->outputEdit->setText(QDir::toNativeSeparators(dir));
    });
    buildCloudPage();
    // The Cloud page is two columns; this fits a 1024 x 700 screen, and a smaller one gets less.
    resize(900, 600);
    fitToScreen(this, false);
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::buildCloudPage()
{
    m_initialCloud = m_settings.cloud();
    auto *content = new QWidget;
    content->setObjectName(QStringLiteral("cloudContent"));
    auto *columns = new QHBoxLayout(content);
    columns->setContentsMargins(0, 0, 0, 0);

    // Left: the connection and the default place to run.
    auto *left = new QVBoxLayout;
    auto *connection = new QGroupBox(tr("Database connection"));
    connection->setObjectName(QStringLiteral("cloudConnectionGroup"));
    auto *form = new QFormLayout(connection);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_urlEdit = new QLineEdit;
    m_urlEdit->setObjectName(QStringLiteral("cloudUrlEdit"));
    m_urlEdit->setAccessibleName(tr("Paste a connection URL"));
    m_urlEdit->setPlaceholderText(QStringLiteral("postgresql://user@server:5432/database"));
    m_urlEdit->setToolTip(tr("Paste the URL your administrator gave you: it fills in the fields below. "
                             "A password in it goes to the password field, not into the settings."));
    m_urlEdit->setEchoMode(QLineEdit::PasswordEchoOnEdit); // it may hold a password
    m_urlButton = new QPushButton(tr("&Fill in"));
    m_urlButton->setObjectName(QStringLiteral("cloudUrlButton"));
    m_urlButton->setAccessibleName(tr("Fill in the fields from the URL"));
    auto *urlRow = new QHBoxLayout;
    urlRow->addWidget(m_urlEdit, 1);
    urlRow->addWidget(m_urlButton);
    auto *urlLabel = new QLabel(tr("Paste a connection &URL:"));
    urlLabel->setBuddy(m_urlEdit);
    form->addRow(urlLabel, urlRow);
    m_urlMessage = new QLabel;
    m_urlMessage->setObjectName(QStringLiteral("cloudUrlMessage"));
    m_urlMessage->setWordWrap(true);
    m_urlMessage->setTextFormat(Qt::PlainText);
    m_urlMessage->hide();
    form->addRow(QString(), m_urlMessage);

    auto addField = [form](const QString &label, QWidget *field, const QString &name) {
        field->setAccessibleName(QString(label).remove(u'&').remove(u':'));
        field->setObjectName(name);
        auto *l = new QLabel(label);
        l->setBuddy(field);
        form->addRow(l, field);
    };
    m_hostEdit = new QLineEdit;
    m_hostEdit->setPlaceholderText(tr("db.example.com"));
    addField(tr("&Server:"), m_hostEdit, QStringLiteral("cloudHostEdit"));
    m_portSpin = new QSpinBox;
    m_portSpin->setRange(1, 65535);
    m_portSpin->setValue(5432);
    addField(tr("P&ort:"), m_portSpin, QStringLiteral("cloudPortSpin"));
    m_databaseEdit = new QLineEdit;
    addField(tr("&Database:"), m_databaseEdit, QStringLiteral("cloudDatabaseEdit"));
    m_userEdit = new QLineEdit;
    addField(tr("Us&er:"), m_userEdit, QStringLiteral("cloudUserEdit"));
    m_passwordEdit = new QLineEdit;
    m_passwordEdit->setEchoMode(QLineEdit::Password);
    addField(tr("Pass&word:"), m_passwordEdit, QStringLiteral("cloudPasswordEdit"));
    m_passwordNote = new QLabel;
    m_passwordNote->setObjectName(QStringLiteral("cloudPasswordNote"));
    m_passwordNote->setWordWrap(true);
    m_passwordNote->setTextFormat(Qt::PlainText);
    form->addRow(QString(), m_passwordNote);
    m_tlsCombo = new QComboBox;
    for (const TlsChoice &c : kTlsChoices)
        m_tlsCombo->addItem(tr(c.words), QString::fromLatin1(c.mode));
    addField(tr("&TLS:"), m_tlsCombo, QStringLiteral("cloudTlsCombo"));
    m_caEdit = new QLineEdit;
    m_caEdit->setObjectName(QStringLiteral("cloudCaEdit"));
    m_caEdit->setAccessibleName(tr("CA certificate file"));
    m_caEdit->setPlaceholderText(tr("The system's certificates"));
    m_caEdit->setToolTip(tr("The certificate of the authority that signed the server's certificate, "
                            "if your administrator gave you one (for the verifying TLS modes)."));
    m_caButton = new QPushButton(tr("B&rowse…"));
    m_caButton->setObjectName(QStringLiteral("cloudCaButton"));
    m_caButton->setAccessibleName(tr("Choose the CA certificate file"));
    auto *caRow = new QHBoxLayout;
    caRow->addWidget(m_caEdit, 1);
    caRow->addWidget(m_caButton);
    auto *caLabel = new QLabel(tr("&CA certificate:"));
    caLabel->setBuddy(m_caEdit);
    form->addRow(caLabel, caRow);
    left->addWidget(connection);

    auto *place = new QGroupBox(tr("Default place to run"));
    place->setObjectName(QStringLiteral("cloudRunPlaceGroup"));
    auto *placeLayout = new QVBoxLayout(place);
    m_runLocal = new QRadioButton(tr("This co&mputer"));
    m_runLocal->setObjectName(QStringLiteral("runLocalRadio"));
    m_runCloud = new QRadioButton(tr("Team c&loud"));
    m_runCloud->setObjectName(QStringLiteral("runCloudRadio"));
    auto *placeGroup = new QButtonGroup(this);
    placeGroup->addButton(m_runLocal);
    placeGroup->addButton(m_runCloud);
    auto *radios = new QHBoxLayout;
    radios->addWidget(m_runLocal);
    radios->addWidget(m_runCloud);
    radios->addStretch(1);
    placeLayout->addLayout(radios);
    m_runNote = new QLabel;
    m_runNote->setObjectName(QStringLiteral("cloudRunPlaceNote"));
    m_runNote->setWordWrap(true);
    placeLayout->addWidget(m_runNote);
    left->addWidget(place);
    left->addStretch(1);
    columns->addLayout(left, 1);

    // Right: Test connection and its five steps.
    auto *test = new QGroupBox(tr("Test connection"));
    test->setObjectName(QStringLiteral("cloudTestGroup"));
    auto *testLayout = new QVBoxLayout(test);
    auto *buttons = new QHBoxLayout;
    m_testButton = new QPushButton(tr("Test co&nnection"));
    m_testButton->setObjectName(QStringLiteral("testConnectionButton"));
    m_cancelTestButton = new QPushButton(tr("Sto&p testing"));
    m_cancelTestButton->setObjectName(QStringLiteral("cancelTestButton"));
    m_cancelTestButton->setEnabled(false);
    buttons->addWidget(m_testButton);
    buttons->addWidget(m_cancelTestButton);
    buttons->addStretch(1);
    testLayout->addLayout(buttons);
    m_testStatus = new QLabel(tr("Checks, in order, each thing the team cloud needs."));
    m_testStatus->setObjectName(QStringLiteral("testStatusLabel"));
    m_testStatus->setWordWrap(true);
    m_testStatus->setTextFormat(Qt::PlainText);
    testLayout->addWidget(m_testStatus);
    auto *steps = new QGridLayout;
    steps->setColumnStretch(1, 1);
    steps->setVerticalSpacing(8);
    for (int i = 0; i < 5; ++i) {
        auto *mark = new QLabel;
        mark->setObjectName(QStringLiteral("checkStepMark%1").arg(i));
        mark->setTextFormat(Qt::RichText);
        mark->setAlignment(Qt::AlignLeft | Qt::AlignTop);
        auto *text = new QLabel;
        text->setObjectName(QStringLiteral("checkStep%1").arg(i));
        text->setWordWrap(true);
        text->setTextFormat(Qt::RichText);
        text->setAlignment(Qt::AlignLeft | Qt::AlignTop);
        text->setTextInteractionFlags(Qt::TextSelectableByMouse);
        steps->addWidget(mark, i, 0);
        steps->addWidget(text, i, 1);
        m_stepMarks << mark;
        m_stepTexts << text;
    }
    testLayout->addLayout(steps);
    testLayout->addStretch(1);
    columns->addWidget(test, 1);

    // The page scrolls rather than clip when the window is small or the text is large.
    auto *scroll = new QScrollArea;
    scroll->setObjectName(QStringLiteral("cloudScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    // Tab goes to the controls inside; the area follows the focus when it has to scroll.
    scroll->setFocusPolicy(Qt::NoFocus);
    scroll->setAccessibleName(tr("Cloud settings"));
    scroll->setWidget(content);
    m_ui->cloudLayout->addWidget(scroll, 1);
    m_ui->cloudLabel->setTextFormat(Qt::PlainText);

    // Tab walks the page top to bottom, left column first.
    QWidget *order[] = {m_urlEdit,  m_urlButton, m_hostEdit,   m_portSpin,   m_databaseEdit,     m_userEdit, m_passwordEdit,
                        m_tlsCombo, m_caEdit,    m_caButton,   m_runLocal,   m_runCloud,         m_testButton, m_cancelTestButton};
    for (size_t i = 1; i < std::size(order); ++i)
        setTabOrder(order[i - 1], order[i]);

    fillCloudFields(m_initialCloud);
    (m_settings.defaultRunPlace() == u"cloud" && m_initialCloud.configured() ? m_runCloud : m_runLocal)->setChecked(true);
    resetSteps(tr("Not run"));

    connect(m_urlButton, &QPushButton::clicked, this, [this] { applyPastedUrl(); });
    connect(m_urlEdit, &QLineEdit::returnPressed, this, [this] { applyPastedUrl(); });
    for (QLineEdit *e : {m_hostEdit, m_databaseEdit, m_userEdit, m_passwordEdit, m_caEdit})
        connect(e, &QLineEdit::textChanged, this, &SettingsDialog::updateCloudState);
    connect(m_portSpin, &QSpinBox::valueChanged, this, &SettingsDialog::updateCloudState);
    connect(m_tlsCombo, &QComboBox::currentIndexChanged, this, &SettingsDialog::updateCloudState);
    connect(m_caButton, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("CA certificate"), m_caEdit->text(),
                                                          tr("Certificates (*.crt *.pem *.cer);;All files (*)"));
        if (!file.isEmpty())
            m_caEdit->setText(QDir::toNativeSeparators(file));
    });
    connect(m_testButton, &QPushButton::clicked, this, &SettingsDialog::startTest);
    connect(m_cancelTestButton, &QPushButton::clicked, this, &SettingsDialog::cancelTest);
    updateCloudState();
    probeKeychain();
}

void SettingsDialog::fillCloudFields(const CloudSettings &cloud)
{
    m_hostEdit->setText(cloud.host);
    m_portSpin->setValue(cloud.port);
    m_databaseEdit->setText(cloud.database);
    m_userEdit->setText(cloud.user);
    const int tls = m_tlsCombo->findData(cloud.sslMode);
    m_tlsCombo->setCurrentIndex(tls >= 0 ? tls : m_tlsCombo->findData(QStringLiteral("prefer")));
    m_caEdit->setText(QDir::toNativeSeparators(cloud.sslRootCert));
}

CloudSettings SettingsDialog::cloudFromFields() const
{
    CloudSettings c;
    c.host = m_hostEdit->text().trimmed();
    c.port = m_portSpin->value();
    c.database = m_databaseEdit->text().trimmed();
    c.user = m_userEdit->text().trimmed();
    c.sslMode = m_tlsCombo->currentData().toString();
    c.sslRootCert = QDir::fromNativeSeparators(m_caEdit->text().trimmed());
    return c;
}

void SettingsDialog::showCloudPage()
{
    m_ui->pages->setCurrentWidget(m_ui->cloudPage);
}

bool SettingsDialog::applyPastedUrl()
{
    if (m_urlEdit->text().trimmed().isEmpty())
        return true;
    auto parsed = parseCloudUrl(m_urlEdit->text());
    m_urlMessage->show();
    if (!parsed) {
        m_urlMessage->setText(parsed.error().message);
        return false;
    }
    fillCloudFields(parsed->first);
    if (!parsed->second.isEmpty())
        m_passwordEdit->setText(parsed->second);
    // The URL may hold the password: it does not stay in the field.
    m_urlEdit->clear();
    m_urlMessage->setText(parsed->second.isEmpty() ? tr("Filled in from the URL.")
                                                   : tr("Filled in from the URL; its password is in the password field."));
    return true;
}

void SettingsDialog::updateCloudState()
{
    const CloudSettings c = cloudFromFields();
    const bool configured = c.configured();
    m_runCloud->setEnabled(configured);
    if (!configured && m_runCloud->isChecked())
        m_runLocal->setChecked(true);
    m_runNote->setText(configured ? tr("Used when detection is sure and no dialog appears; you can always choose per file.")
                                  : tr("The team cloud can be chosen once the server, database and user above are filled in."));
    if (!m_testRunning)
        m_testButton->setEnabled(configured);
    if (!c.configured() && !m_initialCloud.configured())
        m_ui->cloudLabel->setText(tr("Cloud processing is not configured yet. Every job runs on this computer, and no "
                                     "file leaves it. Enter the connection your administrator gave you to use the team cloud."));
    else
        m_ui->cloudLabel->setText(tr("Files you send to the team cloud are processed by your team's workers; the password "
                                     "is kept in the system keychain only."));
    if (m_keychainUnavailable)
        return;
    if (!m_passwordEdit->text().isEmpty())
        m_passwordNote->setText(configured ? tr("Saved in the system keychain when you press OK.")
                                           : tr("Saved in the system keychain once the server, database and user are filled in."));
    else if (configured && c == m_initialCloud)
        m_passwordNote->setText(m_passwordNote->property("stored").toBool()
                                    ? tr("A password is saved in the system keychain; type here to replace it.")
                                    : tr("No password is saved for this login."));
    else
        m_passwordNote->setText(tr("Kept in the system keychain only."));
}

void SettingsDialog::probeKeychain()
{
    if (!m_initialCloud.configured())
        return;
    // Only whether a password is there and the keychain answers; the password is not kept.
    QPointer<SettingsDialog> self(this);
    m_secrets->read(cloudPasswordKey(m_initialCloud), [self](Result<QString> r) {
        if (!self)
            return;
        if (r || r.error().code == Error::Code::NotFound) {
            self->m_passwordNote->setProperty("stored", bool(r));
        } else {
            self->m_keychainUnavailable = true;
            self->m_passwordNote->setText(tr("The system keychain cannot be used (%1), so the password cannot be "
                                             "saved. It is not stored anywhere else.")
                                              .arg(r.error().message));
        }
        self->updateCloudState();
    });
}

void SettingsDialog::resetSteps(const QString &mark)
{
    for (int i = 0; i < m_stepMarks.size(); ++i) {
        m_stepMarks[i]->setText(QStringLiteral("<span style=\"color:%1\">%2</span>")
                                    .arg(levelColor(std::nullopt).name(), mark.toHtmlEscaped()));
        m_stepTexts[i]->setText(QStringLiteral("<span style=\"color:%1\">%2</span>")
                                    .arg(levelColor(std::nullopt).name(), tr("Step %1").arg(i + 1)));
        m_stepTexts[i]->setProperty("status", QStringLiteral("notRun"));
        m_stepTexts[i]->setAccessibleName(tr("Step %1: %2").arg(i + 1).arg(mark));
    }
}

void SettingsDialog::startTest()
{
    if (!applyPastedUrl())
        return;
    const CloudSettings c = cloudFromFields();
    if (!c.configured()) {
        m_testStatus->setText(tr("Fill in the server, database and user first."));
        return;
    }
    const int generation = ++m_testGeneration;
    m_testRunning = true;
    m_testButton->setEnabled(false);
    m_cancelTestButton->setEnabled(true);
    resetSteps(tr("…"));
    m_testStatus->setText(tr("Testing the connection to %1…").arg(c.host));
    const QString typed = m_passwordEdit->text();
    if (!typed.isEmpty()) {
        // A typed password is used as it is, and stored only when the dialog is accepted.
        runTest(cloudConnInfo(c, typed), generation);
        return;
    }
    QPointer<SettingsDialog> self(this);
    m_secrets->read(cloudPasswordKey(c), [self, c, generation](Result<QString> r) {
        if (!self || generation != self->m_testGeneration)
            return;
        if (!r && r.error().code != Error::Code::NotFound)
            self->m_testStatus->setText(tr("The system keychain cannot be used (%1): testing without a password.")
                                            .arg(r.error().message));
        self->runTest(cloudConnInfo(c, r ? *r : QString()), generation);
    });
}

void SettingsDialog::runTest(const QString &conninfo, int generation)
{
    QCoro::connect(checkOnItsOwn(conninfo), this, [this, generation](cloud::ConnectionReport report) {
        if (generation != m_testGeneration)
            return; // cancelled, or a newer test runs
        m_testRunning = false;
        m_cancelTestButton->setEnabled(false);
        updateCloudState();
        showReport(report);
        Q_EMIT connectionTested(report.ok());
    });
}

void SettingsDialog::cancelTest()
{
    ++m_testGeneration;
    m_testRunning = false;
    m_cancelTestButton->setEnabled(false);
    resetSteps(tr("Not run"));
    m_testStatus->setText(tr("Testing stopped."));
    updateCloudState();
    m_testButton->setFocus();
}

void SettingsDialog::showReport(const cloud::ConnectionReport &report)
{
    const QString green = levelColor(detect::Level::High).name();
    const QString red = levelColor(detect::Level::VeryLow).name();
    const QString grey = levelColor(std::nullopt).name();
    for (int i = 0; i < m_stepTexts.size() && i < report.steps.size(); ++i) {
        const cloud::CheckStep &s = report.steps[i];
        QString mark;
        QString spoken;
        switch (s.status) {
        case cloud::CheckStep::Status::Passed:
            mark = QStringLiteral("<b style=\"color:%1\">✓ %2</b>").arg(green, tr("Passed"));
            spoken = tr("passed");
            break;
        case cloud::CheckStep::Status::Failed:
            mark = QStringLiteral("<b style=\"color:%1\">✗ %2</b>").arg(red, tr("Failed"));
            spoken = tr("failed");
            break;
        case cloud::CheckStep::Status::NotRun:
            mark = QStringLiteral("<span style=\"color:%1\">– %2</span>").arg(grey, tr("Not run"));
            spoken = tr("not run");
            break;
        }
        m_stepMarks[i]->setText(mark);
        // Server messages are text, not markup.
        QString text = QStringLiteral("<b>%1</b>").arg(s.title.toHtmlEscaped());
        if (!s.detail.isEmpty())
            text += QStringLiteral("<br>") + s.detail.toHtmlEscaped();
        if (!s.advice.isEmpty())
            text += QStringLiteral("<br><i>%1</i> %2").arg(tr("What to do:"), s.advice.toHtmlEscaped());
        if (s.status == cloud::CheckStep::Status::NotRun)
            text = QStringLiteral("<span style=\"color:%1\">%2</span>").arg(grey, text);
        m_stepTexts[i]->setText(text);
        m_stepTexts[i]->setProperty("status", stepStatusName(s.status));
        m_stepTexts[i]->setAccessibleName(tr("Step %1, %2: %3").arg(i + 1).arg(s.title, spoken));
        m_stepTexts[i]->setAccessibleDescription(s.advice.isEmpty() ? s.detail : s.detail + QStringLiteral(". ") + s.advice);
    }
    if (report.ok()) {
        m_testStatus->setText(tr("Everything the team cloud needs works."));
    } else if (const cloud::CheckStep *f = report.failure()) {
        m_testStatus->setText(tr("Failed at: %1.").arg(f->title));
    }
}

void SettingsDialog::accept()
{
    if (m_saving)
        return;
    if (!applyPastedUrl()) {
        showCloudPage();
        m_urlEdit->setFocus();
        return;
    }
    const QString password = m_passwordEdit->text();
    const CloudSettings cloud = cloudFromFields();
    const QString newKey = cloudPasswordKey(cloud);
    const QString oldKey = m_initialCloud.configured() ? cloudPasswordKey(m_initialCloud) : QString();
    // Another login or server: the old entry's password moves to the new key (or is replaced by
    // the typed one) and the old entry goes, so that no stale secret stays behind.
    const bool keyChanged = cloud.configured() && !oldKey.isEmpty() && oldKey != newKey;
    if (!cloud.configured() || (password.isEmpty() && !keyChanged)) {
        finishAccept();
        return;
    }
    // The password goes to the keychain first; when it cannot, the dialog stays open and says so.
    m_saving = true;
    m_ui->buttonBox->setEnabled(false);
    m_passwordNote->setText(tr("Saving the password in the system keychain…"));
    QPointer<SettingsDialog> self(this);
    auto saved = [self, keyChanged, oldKey]() {
        if (!self)
            return;
        self->m_passwordNote->setProperty("stored", true);
        self->setProperty("passwordSaved", true);
        if (!keyChanged) {
            self->finishSaving();
            return;
        }
        self->m_secrets->remove(oldKey, [self](Result<void>) {
            if (self)
                self->finishSaving();
        });
    };
    auto write = [self, newKey, saved](const QString &secret) {
        self->m_secrets->write(newKey, secret, [self, saved](Result<void> r) {
            if (!self)
                return;
            if (r)
                saved();
            else
                self->keychainWriteFailed(r.error());
        });
    };
    if (!password.isEmpty()) {
        write(password);
        return;
    }
    m_secrets->read(oldKey, [self, write](Result<QString> r) {
        if (!self)
            return;
        if (r)
            write(*r);
        else
            self->finishSaving(); // nothing stored to move (or a keychain that cannot be read: nothing to lose)
    });
}

void SettingsDialog::finishSaving()
{
    m_saving = false;
    m_ui->buttonBox->setEnabled(true);
    finishAccept();
}

void SettingsDialog::keychainWriteFailed(const Error &error)
{
    m_saving = false;
    m_ui->buttonBox->setEnabled(true);
    m_keychainUnavailable = true;
    showCloudPage();
    m_passwordNote->setText(tr("The password could not be saved: the system keychain cannot be used (%1). "
                               "It is not stored anywhere else. Clear the password to keep the other "
                               "settings without it, or press Cancel.")
                                .arg(error.message));
    m_passwordEdit->setFocus();
}

void SettingsDialog::finishAccept()
{
    m_settings.setConcurrency(m_ui->concurrencySpin->value());
    m_settings.setAutoProceedLevel(m_ui->autoProceedCombo->currentData().toString());
    m_settings.setReviewBeforeRun(m_reviewCheck->isChecked());
    m_settings.setOutputRoot(QDir::fromNativeSeparators(m_ui->outputEdit->text().trimmed()));
    m_settings.setTheme(AppSettings::Theme(m_ui->themeCombo->currentData().toInt()));
    const CloudSettings cloud = cloudFromFields();
    m_settings.setCloud(cloud);
    m_settings.setDefaultRunPlace(m_runCloud->isChecked() && cloud.configured() ? QStringLiteral("cloud")
                                                                                 : QStringLiteral("local"));
    const bool changed = !(cloud == m_initialCloud) || property("passwordSaved").toBool();
    ++m_testGeneration; // a test still running is not heard any more
    QDialog::accept();
    if (changed)
        Q_EMIT cloudSettingsChanged();
}

void SettingsDialog::reject()
{
    if (m_saving)
        return; // the keychain is being written: wait for its answer
    ++m_testGeneration;
    QDialog::reject();
}

} // namespace finpipe::app
