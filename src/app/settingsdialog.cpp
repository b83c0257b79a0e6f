#include "settingsdialog.h"

#include "appsettings.h"
#include "prompts.h"
#include "ui_settingsdialog.h"

#include <QCheckBox>
#include <QDir>

namespace finpipe::app {

SettingsDialog::SettingsDialog(AppSettings &settings, Prompts &prompts, QWidget *parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::SettingsDialog>()), m_settings(settings)
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
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::accept()
{
    m_settings.setConcurrency(m_ui->concurrencySpin->value());
    m_settings.setAutoProceedLevel(m_ui->autoProceedCombo->currentData().toString());
    m_settings.setReviewBeforeRun(m_reviewCheck->isChecked());
    m_settings.setOutputRoot(QDir::fromNativeSeparators(m_ui->outputEdit->text().trimmed()));
    m_settings.setTheme(AppSettings::Theme(m_ui->themeCombo->currentData().toInt()));
    QDialog::accept();
}

} // namespace finpipe::app
