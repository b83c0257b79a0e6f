#include "detectiondialog.h"

#include "detect/override.h"
#include "icons.h"
#include "jobmodel.h"
#include "prompts.h"
#include "screenfit.h"
#include "ui_detectiondialog.h"
#include "common/percent.h"

#include <QComboBox>
#include <QDir>
#include <QFutureWatcher>
#include <QtConcurrent>
#include <QFileInfo>
#include <QHeaderView>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>

#include <algorithm>

namespace finpipe::app {

namespace {

constexpr int kRoleRole = Qt::UserRole + 1;

} // namespace

QString DetectionDialog::typeName(const QString &type) const
{
    const detect::DatasetType *t = m_rules->type(type);
    return t && !t->name.isEmpty() ? t->name : JobModel::typeTitle(type);
}

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

QString DetectionDialog::fallbackStrategyTitle(const QString &strategy)
{
    if (strategy == u"exact_header")
        return tr("Column names");
    if (strategy == u"fuzzy_header")
        return tr("Similar column names");
    if (strategy == u"value_profile")
        return tr("Values");
    if (strategy == u"structure")
        return tr("The table's shape");
    if (strategy == u"file_name")
        return tr("The file name");
    return strategy;
}

DetectionDialog::DetectionDialog(const QString &fileName, const detect::Detection &detection,
                                 std::shared_ptr<const detect::Rules> rules, Prompts &prompts, QWidget *parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::DetectionDialog>()), m_detection(detection),
      m_rules(std::move(rules)), m_prompts(prompts), m_fileName(fileName)
{
    m_ui->setupUi(this);
    fitToScreen(this, false); // its buttons stay on a small screen
    setObjectName(QStringLiteral("detectionDialog"));
    setWindowTitle(tr("Confirm the dataset type — %1").arg(fileName));
    setWindowIcon(themedIcon(QStringLiteral("detect")));
    m_run = m_ui->buttonBox->addButton(tr("&Run analysis"), QDialogButtonBox::AcceptRole);
    m_run->setObjectName(QStringLiteral("runButton"));
    m_run->setIcon(themedIcon(QStringLiteral("rerun")));
    m_run->setDefault(true);
    m_ui->runLocalRadio->setAccessibleName(tr("Run on this computer"));
    m_ui->runCloudRadio->setAccessibleName(tr("Run in the team cloud"));
    m_ui->runPlaceNote->hide();
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, [this] {
        if (canRun())
            accept();
    });
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);

    QString warning;
    if (detection.ambiguous)
        warning = tr("Two types fit almost equally well (%1 and %2). Check the type before running.")
                      .arg(typeName(detection.type), typeName(detection.runnerUp));
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
    m_ui->candidatesTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_ui->candidatesTable->setWordWrap(false);
    m_ui->candidatesTable->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_ui->topSplitter->setStretchFactor(0, 2);
    m_ui->topSplitter->setStretchFactor(1, 3);

    m_sheets = detection.sheets;
    m_detectedSheet = detection.sheet;
    m_sheetReason = detection.sheetReason;
    fillSheets();
    connect(m_ui->sheetCombo, &QComboBox::activated, this, [this](int index) {
        setSheet(m_ui->sheetCombo->itemData(index).toString());
    });
    m_ui->previewTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_ui->previewTable->horizontalHeader()->setDefaultSectionSize(120);
    m_ui->previewTable->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_ui->columnsSplitter->setStretchFactor(0, 1);
    m_ui->columnsSplitter->setStretchFactor(1, 1);
    fillPreview();
    // Not sure: the type comes first; sure: the columns and what they hold.
    m_ui->pages->setCurrentIndex(detection.level == detect::Level::High && !detection.ambiguous ? ColumnsPage
                                                                                               : TypePage);

    for (QAbstractItemView *view : findChildren<QAbstractItemView *>())
        view->setTabKeyNavigation(false);
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
        ranked.append({m_detection.confidenceFor(t.id), t.id});
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    m_ui->candidatesTable->clearContents();
    m_ui->candidatesTable->setRowCount(int(ranked.size()));
    for (int r = 0; r < ranked.size(); ++r) {
        const auto &[score, id] = ranked[r];
        auto *item = new QTableWidgetItem(typeName(id));
        item->setData(kRoleRole, id);
        if (const detect::DatasetType *t = m_rules->type(id))
            item->setToolTip(t->description);
        m_ui->candidatesTable->setItem(r, 0, item);
        auto *bar = new QProgressBar;
        bar->setRange(0, 100);
        // The same whole percentage as the heading and the job list (never 100% short of certain).
        const int percent = shownPercent(m_detection, id);
        bar->setValue(percent);
        bar->setFormat(QStringLiteral("%1%").arg(percent));
        bar->setAccessibleName(tr("%1 confidence").arg(typeName(id)));
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
    m_proposed = roles;
    fillMapping(roles);
    showEvidence();
    revalidate();
    updateSummary();
    return true;
}

void DetectionDialog::preset(const detect::ColumnMapping &mapping, const QString &note, bool remembered)
{
    if (!setType(mapping.datasetType))
        return;
    fillMapping(mapping.roles);
    m_ui->profileLabel->setText(note);
    m_ui->profileLabel->setVisible(!note.isEmpty());
    m_ui->rememberCheck->setChecked(remembered);
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
        auto *name = new QTableWidgetItem(detect::roleLabel(role.name));
        name->setData(kRoleRole, role.name);
        name->setFlags(Qt::ItemIsEnabled);
        name->setToolTip(tr("Expects %1").arg(detect::roleKindName(role.kind)));
        table->setItem(r, 0, name);
        // Roles of which one alternative is needed (a statement's amount, or its debit and credit).
        const bool oneOf = std::any_of(t->requiredOneOf.cbegin(), t->requiredOneOf.cend(),
                                       [&](const QStringList &alt) { return alt.contains(role.name); });
        auto *req = new QTableWidgetItem(role.required ? tr("required")
                                         : oneOf       ? tr("required: %1").arg(t->alternativesText())
                                                       : tr("optional"));
        req->setFlags(Qt::ItemIsEnabled);
        table->setItem(r, 1, req);
        if (role.isGroup()) {
            // Groups of columns (the wide layout's parameters) are taken as detected.
            auto *cols = new QTableWidgetItem(roles.value(role.name, tr("detected from the headers")));
            cols->setFlags(Qt::ItemIsEnabled);
            table->setItem(r, 2, cols);
        } else {
            auto *combo = new QComboBox;
            combo->setAccessibleName(tr("Column for %1").arg(detect::roleLabel(role.name)));
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
    const detect::DatasetType *shown = m_rules->type(m_type);
    const bool fallback = shown && shown->fallback;
    for (const detect::StrategyScore &s : m_detection.strategiesFor(m_type)) {
        // The fallback's "score" is how badly the known types fit: its reasons say that, a
        // percentage beside "Column names match exactly" would say the opposite.
        if (fallback)
            h += QStringLiteral("<p><b>%1</b>").arg(fallbackStrategyTitle(s.strategy).toHtmlEscaped());
        else
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
        } else if (col != m_proposed.value(role)) {
            // The analyst's own choice: theirs, not detection's guess.
            check->setText(tr("✓ set by you"));
            check->setForeground(palette().color(QPalette::Text));
        } else {
            check->setText(QStringLiteral("✓"));
            check->setForeground(levelColor(detect::Level::High));
        }
        check->setToolTip(problem);
    }
    updatePreviewRoles();
    updateSummary();

    m_ui->validationLabel->setText(m_validationMessage.isEmpty()
                                       ? QString()
                                       : tr("Cannot run: %1").arg(m_validationMessage));
    m_ui->validationLabel->setStyleSheet(QStringLiteral("color: %1;").arg(levelColor(detect::Level::VeryLow).name()));
    m_run->setEnabled(canRun());
}

int DetectionDialog::shownPercent(const detect::Detection &detection, const QString &type)
{
    return wholePercent(detection.confidenceFor(type));
}

QString DetectionDialog::summaryText() const
{
    return m_ui->summaryLabel->text();
}

QString DetectionDialog::checkText(const QString &role) const
{
    for (int r = 0; r < m_ui->mappingTable->rowCount(); ++r)
        if (m_ui->mappingTable->item(r, 0)->data(kRoleRole).toString() == role)
            return m_ui->mappingTable->item(r, 3)->text();
    return {};
}

QTabWidget *DetectionDialog::pages() const
{
    return m_ui->pages;
}

QTableWidget *DetectionDialog::previewTable() const
{
    return m_ui->previewTable;
}

QComboBox *DetectionDialog::sheetCombo() const
{
    return m_ui->sheetCombo;
}

void DetectionDialog::showPage(Page page)
{
    m_ui->pages->setCurrentIndex(int(page));
}

void DetectionDialog::updateSummary()
{
    const QString file = m_fileName.toHtmlEscaped();
    const QString chosen = typeName(m_type).toHtmlEscaped();
    bool mappingChanged = false;
    for (int r = 0; r < m_ui->mappingTable->rowCount(); ++r) {
        const QString role = m_ui->mappingTable->item(r, 0)->data(kRoleRole).toString();
        if (auto *combo = qobject_cast<QComboBox *>(m_ui->mappingTable->cellWidget(r, 2)))
            mappingChanged = mappingChanged || combo->currentData().toString() != m_proposed.value(role);
    }
    QString text;
    if (m_type == m_detection.type || m_detection.type.isEmpty()) {
        text = tr("<b>%1</b> looks like <b>%2</b> — %3% confident (%4).")
                   .arg(file, chosen)
                   .arg(shownPercent(m_detection, m_type))
                   .arg(JobModel::levelText(m_detection.level));
    } else {
        // The heading follows the analyst's choice; detection's own answer is said beside it.
        text = tr("<b>%1</b> as <b>%2</b>, set by you (finpipe's best guess was %3, %4%).")
                   .arg(file, chosen, typeName(m_detection.type).toHtmlEscaped())
                   .arg(shownPercent(m_detection, m_detection.type));
    }
    if (mappingChanged)
        text += QLatin1Char(' ') + tr("Column mapping set by you.");
    m_ui->summaryLabel->setText(text);
}

void DetectionDialog::fillSheets()
{
    QComboBox *combo = m_ui->sheetCombo;
    combo->clear();
    const QLocale locale;
    for (const detect::SheetSummary &s : std::as_const(m_sheets)) {
        QString text;
        if (!s.error.isEmpty()) {
            text = tr("%1 — cannot be read").arg(s.name);
        } else {
            const QString rows = !s.rowsExact ? tr("%1+ rows").arg(locale.toString(s.rows))
                                 : s.rows == 1 ? tr("1 row")
                                               : tr("%1 rows").arg(locale.toString(s.rows));
            const QString columns = s.columns == 1 ? tr("1 column") : tr("%1 columns").arg(s.columns);
            const QString what = s.generic ? tr("no known type") : typeName(s.type);
            text = tr("%1 — %2 × %3 · %4").arg(s.name, rows, columns, what);
        }
        combo->addItem(text, s.name);
        combo->setItemData(combo->count() - 1, s.error.isEmpty() ? QString() : s.error, Qt::ToolTipRole);
    }
    const bool several = m_sheets.size() > 1;
    m_ui->sheetLabel->setVisible(several);
    combo->setVisible(several);
    m_ui->sheetReasonLabel->setVisible(several);
    combo->setCurrentIndex(combo->findData(m_detection.sheet));
    if (m_detection.sheet == m_detectedSheet)
        m_ui->sheetReasonLabel->setText(m_sheetReason);
    else
        m_ui->sheetReasonLabel->setText(tr("Sheet chosen by you; finpipe would read \"%1\".").arg(m_detectedSheet));
}

void DetectionDialog::setSource(const QString &path)
{
    m_path = path;
}

bool DetectionDialog::setSheet(const QString &sheet)
{
    if (m_path.isEmpty() || m_busy)
        return false;
    const auto known = std::find_if(m_sheets.cbegin(), m_sheets.cend(),
                                    [&](const detect::SheetSummary &s) { return s.name == sheet; });
    if (known == m_sheets.cend())
        return false;
    if (sheet == m_detection.sheet) {
        Q_EMIT redetected(QString());
        return true;
    }
    m_busy = true;
    m_ui->pages->setEnabled(false);
    m_ui->sheetCombo->setEnabled(false);
    m_run->setEnabled(false);
    m_ui->sheetReasonLabel->setText(tr("Reading \"%1\"…").arg(sheet));
    auto *watcher = new QFutureWatcher<Result<detect::Detection>>(this);
    connect(watcher, &QFutureWatcher<Result<detect::Detection>>::finished, this, [this, watcher, sheet] {
        watcher->deleteLater();
        m_busy = false;
        m_ui->pages->setEnabled(true);
        m_ui->sheetCombo->setEnabled(true);
        const Result<detect::Detection> d = watcher->result();
        if (!d.ok()) {
            fillSheets(); // back to the sheet shown
            m_ui->sheetReasonLabel->setText(tr("\"%1\" cannot be read: %2").arg(sheet, d.error().message));
            revalidate();
            Q_EMIT redetected(d.error().message);
            return;
        }
        applyDetection(*d);
        Q_EMIT redetected(QString());
    });
    ingest::ReadOptions options;
    options.sheet = sheet;
    watcher->setFuture(QtConcurrent::run([path = m_path, options, rules = m_rules] {
        return detect::detectFile(path, options, *rules);
    }));
    return true;
}

void DetectionDialog::applyDetection(const detect::Detection &detection)
{
    m_detection = detection;
    m_detection.sheets = m_sheets;
    fillSheets();
    fillCandidates();
    fillPreview();
    setType(detection.type.isEmpty() && !m_rules->types().isEmpty() ? m_rules->types().first().id
                                                                     : detection.type);
}

void DetectionDialog::fillPreview()
{
    QTableWidget *t = m_ui->previewTable;
    t->clear();
    t->setColumnCount(int(m_detection.profile.size()));
    t->setRowCount(int(m_detection.preview.size()));
    for (int r = 0; r < m_detection.preview.size(); ++r) {
        const QStringList &row = m_detection.preview[r];
        for (int c = 0; c < row.size() && c < t->columnCount(); ++c)
            t->setItem(r, c, new QTableWidgetItem(row[c]));
    }
    const int shown = int(m_detection.preview.size());
    m_ui->previewGroup->setTitle(shown == 1 ? tr("&Preview: the first row as read")
                                            : tr("&Preview: the first %1 rows as read").arg(shown));
    updatePreviewRoles();
}

void DetectionDialog::updatePreviewRoles()
{
    QTableWidget *t = m_ui->previewTable;
    if (t->columnCount() != m_detection.profile.size())
        return;
    // Column -> the role it plays in the mapping as it stands.
    QMap<QString, QString> roleOf;
    for (int r = 0; r < m_ui->mappingTable->rowCount(); ++r) {
        const QString role = m_ui->mappingTable->item(r, 0)->data(kRoleRole).toString();
        if (auto *combo = qobject_cast<QComboBox *>(m_ui->mappingTable->cellWidget(r, 2)))
            if (const QString col = combo->currentData().toString(); !col.isEmpty())
                roleOf.insert(col, roleOf.contains(col) ? roleOf.value(col) + QStringLiteral(", ") + role : role);
    }
    if (m_valid)
        for (auto it = m_valid->columnGroups.cbegin(); it != m_valid->columnGroups.cend(); ++it)
            for (const QString &col : it.value())
                roleOf.insert(col, it.key());
    QColor used = palette().color(QPalette::Highlight);
    used.setAlpha(40);
    for (int c = 0; c < t->columnCount(); ++c) {
        const detect::ColumnProfile &p = m_detection.profile[c];
        const QString role = roleOf.value(p.name);
        auto *header = new QTableWidgetItem(
            role.isEmpty() ? tr("%1\n%2 · not used").arg(p.name, ingest::columnTypeName(p.type))
                           : tr("%1\n%2 · %3").arg(p.name, ingest::columnTypeName(p.type), detect::roleLabel(role)));
        QFont f = t->font();
        f.setBold(!role.isEmpty());
        header->setFont(f);
        header->setData(kRoleRole, role);
        header->setToolTip(role.isEmpty() ? tr("Not used by the mapping")
                                          : tr("Used by the mapping as %1").arg(detect::roleLabel(role)));
        t->setHorizontalHeaderItem(c, header);
        for (int r = 0; r < t->rowCount(); ++r)
            if (QTableWidgetItem *item = t->item(r, c))
                item->setBackground(role.isEmpty() ? QBrush() : QBrush(used));
    }
    // Wide enough for the header's two lines and the values, within reason.
    const int widest = fontMetrics().averageCharWidth() * 36;
    t->resizeColumnsToContents();
    for (int c = 0; c < t->columnCount(); ++c)
        t->setColumnWidth(c, qMin(widest, t->columnWidth(c) + 8));
}

void DetectionDialog::setParameters(const analysis::Parameters &p)
{
    m_ui->aggregationCombo->setCurrentIndex(std::max(0, m_ui->aggregationCombo->findData(int(p.aggregation))));
    m_ui->templatesList->clear();
    m_ui->templatesList->addItems(p.templates);
    m_ui->onlyValidatedCheck->setChecked(p.onlyValidated);
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

void DetectionDialog::setRunPlace(const QString &place, bool cloudAvailable, const QString &note)
{
    m_ui->runCloudRadio->setEnabled(cloudAvailable);
    const bool cloud = cloudAvailable && place == u"cloud";
    m_ui->runCloudRadio->setChecked(cloud);
    m_ui->runLocalRadio->setChecked(!cloud);
    m_ui->runPlaceNote->setText(note);
    m_ui->runPlaceNote->setVisible(!note.isEmpty());
    m_ui->runCloudRadio->setToolTip(note);
}

QString DetectionDialog::runPlace() const
{
    return m_ui->runCloudRadio->isChecked() ? QStringLiteral("cloud") : QStringLiteral("local");
}

} // namespace finpipe::app
