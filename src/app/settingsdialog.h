#pragma once

#include <QDialog>

#include <memory>

namespace Ui {
class SettingsDialog;
}

class QCheckBox;

namespace finpipe::app {

class AppSettings;
class Prompts;

//! Concurrency, auto-proceed level, output folder, theme; and the Cloud page, which says that the
//! cloud is not configured (the cloud issue fills it). Writes to AppSettings on accept().
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(AppSettings &settings, Prompts &prompts, QWidget *parent = nullptr);
    ~SettingsDialog() override;
    void accept() override;

private:
    std::unique_ptr<Ui::SettingsDialog> m_ui;
    AppSettings &m_settings;
    QCheckBox *m_reviewCheck = nullptr;
};

} // namespace finpipe::app
