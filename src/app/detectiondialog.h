#pragma once

#include "analysis/analysis.h"
#include "detect/detection.h"
#include "detect/rules.h"

#include <QDialog>

#include <memory>
#include <optional>

class QComboBox;
class QPushButton;
class QTableWidget;
class QTabWidget;

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

    //! Pre-fills a mapping and says so; `remembered`: it is a saved one (Remember stays ticked).
    void preset(const detect::ColumnMapping &mapping, const QString &note, bool remembered = true);
    //! Pre-fills the analysis options (a re-run with changes starts from the run's own).
    void setParameters(const analysis::Parameters &parameters);

    //! The file detection read; needed to read another sheet of a workbook.
    void setSource(const QString &path);
    //! The worksheet read (empty for a CSV).
    QString sheet() const { return m_detection.sheet; }
    //! Reads another worksheet and detects on it, on a worker thread; redetected() follows. False
    //! when the workbook has no such sheet or no path is known.
    bool setSheet(const QString &sheet);
    //! What detection found on the sheet shown.
    const detect::Detection &detection() const { return m_detection; }
    //! True while another sheet is being read.
    bool isBusy() const { return m_busy; }

    enum Page { TypePage, ColumnsPage, OptionsPage };
    void showPage(Page page);
    QTabWidget *pages() const;
    QTableWidget *previewTable() const;
    QComboBox *sheetCombo() const;
    //! The heading ("raw.xlsx looks like Sales orders — 87% confident (high).").
    QString summaryText() const;
    //! The mapping table's check text for a role ("✓", "✓ set by you", "⚠ …").
    QString checkText(const QString &role) const;
    //! The whole percentage shown for a type: its bar and, for the type shown, the heading.
    static int shownPercent(const detect::Detection &detection, const QString &type);
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
    //! The "Run on" choice: `place` "local" or "cloud". Without a usable cloud (`cloudAvailable`
    //! false) Team cloud cannot be chosen and `note` says why.
    void setRunPlace(const QString &place, bool cloudAvailable, const QString &note = {});
    //! "local" or "cloud".
    QString runPlace() const;
    QPushButton *runButton() const { return m_run; }

    //! Plain words for a strategy id ("exact_header" -> "Column names match exactly").
    static QString strategyTitle(const QString &strategy);
    //! The same for the generic table, whose evidence is that no known type fits ("Column names").
    static QString fallbackStrategyTitle(const QString &strategy);

Q_SIGNALS:
    //! Another sheet was read and detected on (or could not be: the message says why).
    void redetected(const QString &error);

private:
    void fillSheets();
    void applyDetection(const detect::Detection &detection);
    void updateSummary();
    void fillPreview();
    void updatePreviewRoles();
    void fillCandidates();
    void fillMapping(const QMap<QString, QString> &roles);
    void showEvidence();
    void revalidate();
    QComboBox *comboForRole(const QString &role) const;
    //! The type's name in the rules ("Bank or card statement"), as the evidence names it.
    QString typeName(const QString &type) const;

    std::unique_ptr<Ui::DetectionDialog> m_ui;
    detect::Detection m_detection;
    std::shared_ptr<const detect::Rules> m_rules;
    Prompts &m_prompts;
    QString m_fileName;
    QString m_path;
    //! Every sheet of the workbook and detection's choice, from the first look.
    QList<detect::SheetSummary> m_sheets;
    QString m_detectedSheet;
    QString m_sheetReason;
    bool m_busy = false;
    //! What detection proposed for each role of the type shown (the analyst's changes differ).
    QMap<QString, QString> m_proposed;
    QString m_type;
    QPushButton *m_run = nullptr;
    std::optional<detect::ColumnMapping> m_valid;
    QString m_validationMessage;
    bool m_filling = false;
};

} // namespace finpipe::app
