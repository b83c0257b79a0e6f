#include "runviews.h"

#include "jobmodel.h"
#include "jobs/jobspecjson.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace finpipe::app {

using jobs::JobRun;
using jobs::JobState;

namespace {

QString stateWord(JobState s)
{
    return JobModel::stateText(s).toLower();
}

QString when(const JobRun &r)
{
    const QDateTime t = r.started.isValid() ? r.started : r.created;
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QStringLiteral("d MMM yyyy HH:mm")) : QString();
}

} // namespace

const JobRun *findRun(const QList<JobRun> &runs, int number)
{
    if (runs.isEmpty())
        return nullptr;
    if (number <= 0)
        return &runs.last();
    for (const JobRun &r : runs)
        if (r.number == number)
            return &r;
    return nullptr;
}

int lastGoodRun(const QList<JobRun> &runs)
{
    for (auto it = runs.crbegin(); it != runs.crend(); ++it)
        if (it->state == JobState::Succeeded)
            return it->number;
    return 0;
}

QString runBannerText(const QList<JobRun> &runs, int shownRun)
{
    const JobRun *shown = findRun(runs, shownRun);
    if (!shown)
        return {};
    const JobRun &latest = runs.last();
    const int count = int(runs.size());
    QString text;
    if (shown->number == latest.number) {
        text = QObject::tr("Run %1 of %2 · %3").arg(shown->number).arg(count).arg(stateWord(shown->state));
        if (const QString w = when(*shown); !w.isEmpty())
            text += QStringLiteral(" · ") + w;
    } else {
        text = shown->number == lastGoodRun(runs)
            ? QObject::tr("Showing run %1 of %2, the last that succeeded (%3)").arg(shown->number).arg(count).arg(when(*shown))
            : QObject::tr("Showing run %1 of %2 · %3 (%4)").arg(shown->number).arg(count).arg(stateWord(shown->state), when(*shown));
        text += QStringLiteral(" · ") + QObject::tr("the latest, run %1, %2").arg(latest.number).arg(stateWord(latest.state));
    }
    if (!shown->note.isEmpty())
        text += QStringLiteral("\n") + shown->note;
    return text;
}

QString adviceFor(const QString &message)
{
    if (message.contains(u"not sure what kind of data") || message.contains(u"column", Qt::CaseInsensitive)
        || message.contains(u"role", Qt::CaseInsensitive) || message.contains(u"mapping", Qt::CaseInsensitive))
        return QObject::tr("What to do: press Fix the mapping… finpipe reads the file again, shows what it "
                           "found, and lets you choose the dataset type and which column plays which role. "
                           "Your choice runs as a new run of this job.");
    if (message.contains(u"no longer", Qt::CaseInsensitive) || message.contains(u"not found", Qt::CaseInsensitive))
        return QObject::tr("What to do: put the file back where it was and press Re-run, or drop the file on "
                           "finpipe again to make a new job.");
    if (message.contains(u"permission", Qt::CaseInsensitive) || message.contains(u"could not be created", Qt::CaseInsensitive)
        || message.contains(u"disk", Qt::CaseInsensitive))
        return QObject::tr("What to do: check that the output folder (Settings) is writable and has free space, "
                           "then press Re-run.");
    return QObject::tr("What to do: check the file in the program that made it, then press Re-run. If the "
                       "file's layout changed, Fix the mapping… lets you choose its columns again.");
}

QString choicesText(const JobRun &run)
{
    QStringList parts;
    if (auto spec = jobs::jobSpecFromJson(run.specJson.toUtf8()); spec.ok() && !run.specJson.isEmpty()) {
        const jobs::JobSpec &s = spec->spec;
        if (s.mapping)
            parts << JobModel::typeTitle(s.mapping->datasetType)
                      + (s.mapping->overridden ? QObject::tr(" (your mapping)") : QString());
        else if (s.choice)
            parts << JobModel::typeTitle(s.choice->datasetType) + QObject::tr(" (your choice)");
        else
            parts << QObject::tr("detected afresh");
        parts << analysis::aggregationName(s.params.aggregation);
        if (s.params.onlyValidated)
            parts << QObject::tr("validated rows only");
        if (!s.params.templates.isEmpty())
            parts << QObject::tr("%n template(s)", nullptr, int(s.params.templates.size()));
    } else if (!run.datasetType.isEmpty()) {
        parts << JobModel::typeTitle(run.datasetType);
    }
    return parts.join(QStringLiteral(", "));
}

RunHistoryTable::RunHistoryTable(QWidget *parent) : QTableWidget(0, 6, parent)
{
    setObjectName(QStringLiteral("runsTable"));
    setAccessibleName(tr("Runs of this job"));
    setHorizontalHeaderLabels({tr("Run"), tr("Started"), tr("State"), tr("Duration"), tr("Choices"), tr("Note")});
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    verticalHeader()->hide();
    for (int c = 0; c < 5; ++c)
        horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    horizontalHeader()->setSectionResizeMode(5, QHeaderView::Stretch);
    setToolTip(tr("Double-click a run (or press Enter) to show its dashboard and outputs."));
    connect(this, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        if (const int run = runAt(row); run > 0)
            Q_EMIT runActivated(run);
    });
}

int RunHistoryTable::runAt(int row) const
{
    const QTableWidgetItem *i = item(row, 0);
    return i ? i->data(Qt::UserRole).toInt() : 0;
}

void RunHistoryTable::keyPressEvent(QKeyEvent *event)
{
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) && currentRow() >= 0) {
        if (const int run = runAt(currentRow()); run > 0)
            Q_EMIT runActivated(run);
        return;
    }
    QTableWidget::keyPressEvent(event);
}

void RunHistoryTable::setRuns(const QList<JobRun> &runs, int shownRun)
{
    setRowCount(0);
    const JobRun *shown = findRun(runs, shownRun);
    for (auto it = runs.crbegin(); it != runs.crend(); ++it) {
        const JobRun &r = *it;
        const int row = rowCount();
        insertRow(row);
        auto *n = new QTableWidgetItem(QString::number(r.number));
        n->setData(Qt::UserRole, r.number);
        if (shown && shown->number == r.number) {
            QFont f = n->font();
            f.setBold(true);
            n->setFont(f);
            n->setToolTip(tr("Shown now"));
        }
        setItem(row, 0, n);
        setItem(row, 1, new QTableWidgetItem(when(r)));
        auto *state = new QTableWidgetItem(JobModel::stateText(r.state));
        if (!r.errorMessage.isEmpty())
            state->setToolTip(r.errorMessage);
        setItem(row, 2, state);
        qint64 ms = -1;
        if (r.started.isValid() && r.finished.isValid())
            ms = r.started.msecsTo(r.finished);
        setItem(row, 3, new QTableWidgetItem(JobModel::durationText(ms)));
        setItem(row, 4, new QTableWidgetItem(choicesText(r)));
        setItem(row, 5, new QTableWidgetItem(r.note.isEmpty() ? r.errorMessage : r.note));
    }
}

RunOutcomePage::RunOutcomePage(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("runOutcomePage"));
    auto *lay = new QVBoxLayout(this);
    lay->setContentsMargins(32, 24, 32, 24);
    lay->addStretch(1);
    m_title = new QLabel;
    m_title->setObjectName(QStringLiteral("outcomeTitle"));
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    f.setBold(true);
    m_title->setFont(f);
    m_title->setWordWrap(true);
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("dashboardMessage"));
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_advice = new QLabel;
    m_advice->setObjectName(QStringLiteral("outcomeAdvice"));
    m_advice->setWordWrap(true);
    m_advice->setTextFormat(Qt::PlainText);
    lay->addWidget(m_title);
    lay->addSpacing(8);
    lay->addWidget(m_message);
    lay->addSpacing(8);
    lay->addWidget(m_advice);
    auto *buttons = new QHBoxLayout;
    m_fix = new QPushButton(tr("Fix the mapping…"));
    m_fix->setObjectName(QStringLiteral("fixMappingButton"));
    m_rerun = new QPushButton(tr("Re-run"));
    m_rerun->setObjectName(QStringLiteral("rerunButton"));
    m_showGood = new QPushButton;
    m_showGood->setObjectName(QStringLiteral("showGoodRunButton"));
    buttons->addWidget(m_fix);
    buttons->addWidget(m_rerun);
    buttons->addWidget(m_showGood);
    buttons->addStretch(1);
    lay->addSpacing(12);
    lay->addLayout(buttons);
    lay->addStretch(2);
    connect(m_fix, &QPushButton::clicked, this, &RunOutcomePage::fixMappingRequested);
    connect(m_rerun, &QPushButton::clicked, this, &RunOutcomePage::rerunRequested);
    connect(m_showGood, &QPushButton::clicked, this, [this] { Q_EMIT runRequested(m_lastGood); });
}

void RunOutcomePage::showRun(const JobRun *run, int runCount, int lastGood, bool hasJob)
{
    m_lastGood = lastGood;
    m_fix->hide();
    m_rerun->hide();
    m_showGood->setVisible(run && lastGood > 0 && lastGood != run->number);
    m_showGood->setText(tr("Show run %1, the last that succeeded").arg(lastGood));
    m_advice->clear();
    m_message->clear();
    if (!hasJob) {
        m_title->setText(tr("Select a job to see its dashboard."));
        return;
    }
    if (!run) {
        m_title->setText(tr("This job has not run yet."));
        m_rerun->show();
        return;
    }
    const QString which = runCount > 1 ? tr("Run %1").arg(run->number) : tr("This job");
    switch (run->state) {
    case JobState::Queued:
    case JobState::Running:
        m_title->setText(tr("%1 is running.").arg(which));
        m_message->setText(tr("Its dashboard appears here when it has finished."));
        break;
    case JobState::Failed: {
        m_title->setText(tr("%1 failed.").arg(which));
        QString message = run->errorMessage.isEmpty() ? tr("finpipe did not record why.") : run->errorMessage;
        // The pipeline's advice for uncertain detection speaks of command-line flags; here the
        // button below does that job.
        if (const int cli = message.indexOf(QStringLiteral(" Choose the type yourself with --type")); cli > 0)
            message.truncate(cli);
        m_message->setText(message);
        m_advice->setText(adviceFor(run->errorMessage));
        m_fix->show();
        m_rerun->show();
        break;
    }
    case JobState::Cancelled:
        m_title->setText(tr("%1 was cancelled.").arg(which));
        m_message->setText(tr("It stopped before it finished, so it has no dashboard. The files it had "
                              "written are listed under Outputs."));
        m_rerun->show();
        break;
    case JobState::Interrupted:
        m_title->setText(tr("%1 was interrupted.").arg(which));
        m_message->setText(run->errorMessage.isEmpty() ? tr("finpipe was closed while it ran.") : run->errorMessage);
        m_rerun->show();
        break;
    case JobState::Succeeded:
        m_title->setText(tr("%1 wrote no dashboard.").arg(which));
        m_message->setText(tr("Its results are under Data and Outputs."));
        break;
    }
}

} // namespace finpipe::app
