#include "detectiondialog.h"

#include "detect/override.h"
#include "icons.h"
#include "jobmodel.h"
#include "prompts.h"
#include "ui_detectiondialog.h"
#include "common/percent.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHeaderView>
#include <QProgressBar>
#include <QPushButton>

namespace finpipe::app {

namespace {

constexpr int kRoleRole = Qt::UserRole + 1;

} // namespace

QString DetectionDialog::strategyTitle(const QString &strategy)
{
    if (strategy == u"exact_header")
        return tr("Column names match exactly");
    if (strategy == u"fuzzy_header")
        return tr("Column names are similar");
    if (strategy == u"value_profile")
        return tr("The values look right");
    if (strategy == u"structure")
        return tr("The table's shape fits");
    if (strategy == u"file_name")
        return tr("The file name hints at it");
    return strategy;
}

DetectionDialog::DetectionDialog(const QString &fileName, const detect::Detection &detection,
                                 std::shared_ptr<const detect::Rules> rules, Prompts &prompts, QWidget *parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::DetectionDialog>()), m_detection(detection),
      m_rules(std::move(rules)), m_prompts(prompts), m_fileName(fileName)
{
    m_ui->setupUi(this);
    setObjectName(QStringLiteral("detectionDialog"));
    setWindowTitle(tr("Confirm the dataset type — %1").arg(fileName));
    setWindowIcon(themedIcon(QStringLiteral("detect")));
    m_run = m_ui->buttonBox->addButton(tr("&Run analysis"), QDialogButtonBox::AcceptRole);
    m_run->setObjectName(QStringLiteral("runButton"));
    m_run->setIcon(themedIcon(QStringLiteral("rerun")));
    m_run->setDefault(true);
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, [this] {
        if (canRun())
            accept();
    });
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);

    m_ui->summaryLabel->setText(
        tr("<b>%1</b> looks like <b>%2</b> — %3% confident (%4).")
            .arg(fileName.toHtmlEscaped(), JobModel::typeTitle(detection.type).toHtmlEscaped())
            .arg(wholePercent(detection.confidence))
            .arg(JobModel::levelText(detection.level)));
    QString warning;
    if (detection.ambiguous)
        warning = tr("Two types fit almost equally well (%1 and %2). Check the type before running.")
                      .arg(JobModel::typeTitle(detection.type), JobModel::typeTitle(detection.runnerUp));
    else if (detection.level == detect::Level::Low)
        warning = tr("finpipe is not sure about this file. Check the type and the columns before running.");
    else if (detection.level == detect::Level::VeryLow)
        warning = tr("finpipe could not recognise this file. Choose its type and columns.");
    m_ui->warningLabel->setText(warning);
    m_ui->warningLabel->setVisible(!warning.isEmpty());
    m_ui->warningLabel->setStyleSheet(QStringLiteral("color: %1; font-weight: bold;")
                                          .arg(levelColor(detect::Level::Low).name()));
    m_ui->profileLabel->hide();

    for (auto a : {analysis::Aggregation::Mean, analysis::Aggregation::Median, analysis::Aggregation::Sum,
                   analysis::Aggregation::First, analysis::Aggregation::Min, analysis::Aggregation::Max,
                   analysis::Aggregation::Count})
        m_ui->aggregationCombo->addItem(analysis::aggregationName(a), int(a));
    connect(m_ui->addTemplateButton, &QPushButton::clicked, this, [this] {
        const QStringList files = m_prompts.openFiles(this, QDir::homePath());
        for (const QString &f : files)
            if (m_ui->templatesList->findItems(f, Qt::MatchExactly).isEmpty())
                m_ui->templatesList->addItem(f);
    });
    connect(m_ui->removeTemplateButton, &QPushButton::clicked, this,
            [this] { delete m_ui->templatesList->currentItem(); });

    m_ui->mappingTable->verticalHeader()->hide();
    m_ui->mappingTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_ui->mappingTable->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_ui->mappingTable->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_ui->mappingTable->horizontalHeader()->setSectionResizeMode(3, QHeaderView::Stretch);
    m_ui->candidatesTable->verticalHeader()->hide();
    m_ui->candidatesTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_ui->candidatesTable->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_ui->topSplitter->setStretchFactor(0, 2);
    m_ui->topSplitter->setStretchFactor(1, 3);

    fillCandidates();
    connect(m_ui->candidatesTable, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (m_filling || row < 0)
            return;
        setType(m_ui->candidatesTable->item(row, 0)->data(kRoleRole).toString());
    });
    setType(detection.type.isEmpty() && !m_rules->types().isEmpty() ? m_rules->types().first().id
                                                                     : detection.type);
}

DetectionDialog::~DetectionDialog() = default;

void DetectionDialog::fillCandidates()
{
    m_filling = true;
    QList<std::pair<double, QString>> ranked;
    for (const detect::DatasetType &t : m_rules->types())
        ranked.append({m_detection.scores.value(t.id, 0.0), t.id});
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    m_ui->candidatesTable->setRowCount(int(ranked.size()));
    for (int r = 0; r < ranked.size(); ++r) {
        const auto &[score, id] = ranked[r];
        auto *item = new QTableWidgetItem(JobModel::typeTitle(id));
        item->setData(kRoleRole, id);
        if (const detect::DatasetType *t = m_rules->type(id))
            item->setToolTip(t->description);
        m_ui->candidatesTable->setItem(r, 0, item);
        auto *bar = new QProgressBar;
        bar->setRange(0, 100);
        bar->setValue(qRound(score * 100));
        bar->setFormat(QStringLiteral("%p%"));
        bar->setAccessibleName(tr("%1 confidence").arg(JobModel::typeTitle(id)));
        QPalette pal = bar->palette();
        pal.setColor(QPalette::Highlight,
                     levelColor(detect::levelFor(score, m_rules->settings())));
        bar->setPalette(pal);
        m_ui->candidatesTable->setCellWidget(r, 1, bar);
    }
    m_filling = false;
}

bool DetectionDialog::setType(const QString &type)
{
    if (!m_rules->type(type))
        return false;
    m_type = type;
    m_filling = true;
    for (int r = 0; r < m_ui->candidatesTable->rowCount(); ++r)
        if (m_ui->candidatesTable->item(r, 0)->data(kRoleRole).toString() == type)
            m_ui->candidatesTable->selectRow(r);
    m_filling = false;
    // Pre-fill the best mapping detection found for this type.
    QMap<QString, QString> roles;
    if (type == m_detection.type)
        roles = m_detection.mapping.roles;
    else if (m_detection.candidates.contains(type))
        roles = m_detection.candidates.value(type).mapping.roles;
    fillMapping(roles);
    showEvidence();
    revalidate();
    return true;
}

void DetectionDialog::preset(const detect::ColumnMapping &mapping, const QString &note)
{
    if (!setType(mapping.datasetType))
        return;
    fillMapping(mapping.roles);
    m_ui->profileLabel->setText(note);
    m_ui->profileLabel->setVisible(!note.isEmpty());
    m_ui->rememberCheck->setChecked(true);
    revalidate();
}

void DetectionDialog::fillMapping(const QMap<QString, QString> &roles)
{
    const detect::DatasetType *t = m_rules->type(m_type);
    QTableWidget *table = m_ui->mappingTable;
    m_filling = true;
    table->setRowCount(0);
    if (!t) {
        m_filling = false;
        return;
    }
    for (const detect::Role &role : t->roles) {
        const int r = table->rowCount();
        table->insertRow(r);
        auto *name = new QTableWidgetItem(role.name);
        name->setData(kRoleRole, role.name);
        name->setFlags(Qt::ItemIsEnabled);
        name->setToolTip(tr("Expects %1").arg(detect::roleKindName(role.kind)));
        table->setItem(r, 0, name);
        auto *req = new QTableWidgetItem(role.required ? tr("required") : tr("optional"));
        req->setFlags(Qt::ItemIsEnabled);
        table->setItem(r, 1, req);
        if (role.isGroup()) {
            // Groups of columns (the wide layout's parameters) are taken as detected.
            auto *cols = new QTableWidgetItem(roles.value(role.name, tr("detected from the headers")));
            cols->setFlags(Qt::ItemIsEnabled);
            table->setItem(r, 2, cols);
        } else {
            auto *combo = new QComboBox;
            combo->setAccessibleName(tr("Column for %1").arg(role.name));
            combo->setObjectName(QStringLiteral("roleCombo_%1").arg(role.name));
            combo->addItem(tr("(not used)"), QString());
            for (const detect::ColumnProfile &c : m_detection.profile) {
                const QString examples = c.examples.mid(0, 3).join(QStringLiteral(", "));
                combo->addItem(examples.isEmpty() ? tr("%1 (blank)").arg(c.name)
                                                  : QStringLiteral("%1 — %2").arg(c.name, examples),
                               c.name);
            }
            const int idx = combo->findData(roles.value(role.name));
            combo->setCurrentIndex(idx < 0 ? 0 : idx);
            connect(combo, &QComboBox::currentIndexChanged, this, [this] {
                if (!m_filling)
                    revalidate();
            });
            table->setCellWidget(r, 2, combo);
        }
        table->setItem(r, 3, new QTableWidgetItem);
    }
    m_filling = false;
}

QComboBox *DetectionDialog::comboForRole(const QString &role) const
{
    for (int r = 0; r < m_ui->mappingTable->rowCount(); ++r)
        if (m_ui->mappingTable->item(r, 0)->data(kRoleRole).toString() == role)
            return qobject_cast<QComboBox *>(m_ui->mappingTable->cellWidget(r, 2));
    return nullptr;
}

bool DetectionDialog::setRoleColumn(const QString &role, const QString &column)
{
    QComboBox *combo = comboForRole(role);
    if (!combo)
        return false;
    const int idx = combo->findData(column);
    if (idx < 0)
        return false;
    combo->setCurrentIndex(idx);
    revalidate();
    return true;
}

QString DetectionDialog::roleColumn(const QString &role) const
{
    QComboBox *combo = comboForRole(role);
    return combo ? combo->currentData().toString() : QString();
}

void DetectionDialog::showEvidence()
{
    QString h;
    if (m_type == m_detection.type && !m_detection.reasons.isEmpty()) {
        h += QStringLiteral("<ul>");
        for (const QString &r : m_detection.reasons)
            h += QStringLiteral("<li>%1</li>").arg(r.toHtmlEscaped());
        h += QStringLiteral("</ul>");
    }
    for (const detect::StrategyScore &s : m_detection.strategiesFor(m_type)) {
        h += QStringLiteral("<p><b>%1</b>: %2%").arg(strategyTitle(s.strategy).toHtmlEscaped()).arg(wholePercent(s.score));
        for (const QString &r : s.reasons)
            h += QStringLiteral("<br>· %1").arg(r.toHtmlEscaped());
        h += QStringLiteral("</p>");
    }
    const QStringList missing = m_type == m_detection.type ? m_detection.missingRoles
                                                           : m_detection.candidates.value(m_type).missingRoles;
    if (!missing.isEmpty())
        h += QStringLiteral("<p><b>%1</b> %2</p>")
                 .arg(tr("No column found for:"), missing.join(QStringLiteral(", ")).toHtmlEscaped());
    if (const detect::DatasetType *t = m_rules->type(m_type); t && !t->description.isEmpty())
        h += QStringLiteral("<p><i>%1</i></p>").arg(t->description.toHtmlEscaped());
    m_ui->evidenceText->setHtml(h);
}

void DetectionDialog::revalidate()
{
    detect::OverrideChoice choice;
    choice.datasetType = m_type;
    QMap<QString, int> uses;
    for (int r = 0; r < m_ui->mappingTable->rowCount(); ++r) {
        const QString role = m_ui->mappingTable->item(r, 0)->data(kRoleRole).toString();
        if (auto *combo = qobject_cast<QComboBox *>(m_ui->mappingTable->cellWidget(r, 2))) {
            const QString col = combo->currentData().toString();
            choice.roles.insert(role, col);
            if (!col.isEmpty())
                ++uses[col];
        }
    }
    auto result = detect::validateOverride(choice, m_detection, *m_rules);
    if (result.ok()) {
        m_valid = *result;
        m_validationMessage.clear();
    } else {
        m_valid.reset();
        m_validationMessage = result.error().message;
    }

    // Per row: a tick when the role is satisfied, a warning saying why not.
    const detect::DatasetType *t = m_rules->type(m_type);
    for (int r = 0; r < m_ui->mappingTable->rowCount(); ++r) {
        const QString role = m_ui->mappingTable->item(r, 0)->data(kRoleRole).toString();
        const detect::Role *spec = t ? t->role(role) : nullptr;
        auto *combo = qobject_cast<QComboBox *>(m_ui->mappingTable->cellWidget(r, 2));
        QTableWidgetItem *check = m_ui->mappingTable->item(r, 3);
        if (!combo || !spec) {
            check->setText(QString());
            continue;
        }
        const QString col = combo->currentData().toString();
        QString problem;
        if (col.isEmpty() && spec->required)
            problem = tr("Required: choose a column");
        else if (!col.isEmpty() && uses.value(col) > 1)
            problem = tr("\"%1\" is used for another role too").arg(col);
        else if (!col.isEmpty() && !m_validationMessage.isEmpty()
                 && (m_validationMessage.contains(QStringLiteral("\"%1\"").arg(col))
                     || m_validationMessage.contains(QStringLiteral("\"%1\"").arg(role))))
            problem = m_validationMessage;
        if (!problem.isEmpty()) {
            check->setText(QStringLiteral("⚠ %1").arg(problem));
            check->setForeground(levelColor(detect::Level::Low));
        } else if (col.isEmpty()) {
            check->setText(tr("not used"));
            check->setForeground(palette().color(QPalette::PlaceholderText));
        } else {
            check->setText(QStringLiteral("✓"));
            check->setForeground(levelColor(detect::Level::High));
        }
        check->setToolTip(problem);
    }

    m_ui->validationLabel->setText(m_validationMessage.isEmpty()
                                       ? QString()
                                       : tr("Cannot run: %1").arg(m_validationMessage));
    m_ui->validationLabel->setStyleSheet(QStringLiteral("color: %1;").arg(levelColor(detect::Level::VeryLow).name()));
    m_run->setEnabled(canRun());
}

analysis::Parameters DetectionDialog::parameters() const
{
    analysis::Parameters p;
    p.aggregation = analysis::Aggregation(m_ui->aggregationCombo->currentData().toInt());
    for (int i = 0; i < m_ui->templatesList->count(); ++i)
        p.templates.append(m_ui->templatesList->item(i)->text());
    p.onlyValidated = m_ui->onlyValidatedCheck->isChecked();
    return p;
}

bool DetectionDialog::rememberMapping() const
{
    return m_ui->rememberCheck->isChecked();
}

} // namespace finpipe::app
