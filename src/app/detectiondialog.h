#pragma once

#include "analysis/analysis.h"
#include "detect/detection.h"
#include "detect/rules.h"

#include <QDialog>

#include <memory>
#include <optional>

class QComboBox;
class QPushButton;

namespace Ui {
class DetectionDialog;
}

namespace finpipe::app {

class Prompts;

//! Shows what detection found and lets the analyst confirm or change it: the candidate types with
//! their confidence, each strategy's evidence in plain words, the column mapping, and the analysis
//! parameters. An invalid choice is explained and cannot be run.
class DetectionDialog : public QDialog
{
    Q_OBJECT

public:
    DetectionDialog(const QString &fileName, const detect::Detection &detection,
                    std::shared_ptr<const detect::Rules> rules, Prompts &prompts, QWidget *parent = nullptr);
    ~DetectionDialog() override;

    //! Pre-fills a remembered mapping and says so.
    void preset(const detect::ColumnMapping &mapping, const QString &note);

    //! The chosen type; changing it pre-fills that type's best mapping.
    QString type() const { return m_type; }
    bool setType(const QString &type);
    //! Assigns a column to a role (empty: none). False when the role or column does not exist.
    bool setRoleColumn(const QString &role, const QString &column);
    QString roleColumn(const QString &role) const;

    //! True when the current choice validates; then Run is enabled.
    bool canRun() const { return m_valid.has_value(); }
    //! Why the choice cannot run, in the analyst's words (empty when it can).
    QString validationMessage() const { return m_validationMessage; }
    std::optional<detect::ColumnMapping> validatedMapping() const { return m_valid; }
    analysis::Parameters parameters() const;
    bool rememberMapping() const;
    QPushButton *runButton() const { return m_run; }

    //! Plain words for a strategy id ("exact_header" -> "Column names match exactly").
    static QString strategyTitle(const QString &strategy);

private:
    void fillCandidates();
    void fillMapping(const QMap<QString, QString> &roles);
    void showEvidence();
    void revalidate();
    QComboBox *comboForRole(const QString &role) const;

    std::unique_ptr<Ui::DetectionDialog> m_ui;
    detect::Detection m_detection;
    std::shared_ptr<const detect::Rules> m_rules;
    Prompts &m_prompts;
    QString m_fileName;
    QString m_type;
    QPushButton *m_run = nullptr;
    std::optional<detect::ColumnMapping> m_valid;
    QString m_validationMessage;
    bool m_filling = false;
};

} // namespace finpipe::app
