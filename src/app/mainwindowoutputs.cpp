// MainWindow's outputs: saving one (Ctrl+S says which) or all of a job's output files, copied on a
// worker thread. Split from mainwindow.cpp to keep each file readable.

#include "mainwindow.h"

#include "detailtabs.h"
#include "jobmodel.h"
#include "outputsaver.h"
#include "prompts.h"
#include "ui_mainwindow.h"

#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QStatusBar>
#include <QTableWidget>
#include <QtConcurrent>

namespace finpipe::app {

using jobs::JobRecord;

QString MainWindow::suggestedSaveName(const QString &outputPath) const
{
    const QString name = QFileInfo(outputPath).fileName();
    const JobRecord *j = m_model->job(currentJobId());
    const QString base = j ? QFileInfo(j->fileName).completeBaseName() : QString();
    return base.isEmpty() ? name : QStringLiteral("%1 - %2").arg(base, name);
}

void MainWindow::updateSaveAction()
{
    QString name;
    if (m_details->currentIndex() == DetailTabs::OutputsTab && m_details->outputsTable()->currentRow() >= 0
        && !m_details->outputsTable()->selectedItems().isEmpty())
        name = QFileInfo(m_details->selectedOutputPath()).fileName();
    if (!name.isEmpty()) {
        m_ui->actionSaveOutput->setText(tr("&Save \"%1\"…").arg(name));
        m_ui->actionSaveOutput->setToolTip(tr("Save the output selected in the Outputs tab, %1 (Ctrl+S)").arg(name));
    } else {
        m_ui->actionSaveOutput->setText(tr("&Save an Output…"));
        m_ui->actionSaveOutput->setToolTip(tr("Choose one of this job's outputs and save a copy (Ctrl+S)"));
    }
    m_ui->actionSaveOutput->setIconText(tr("Save…"));
}

void MainWindow::saveRequested()
{
    // The output selected in the Outputs tab; otherwise the analyst says which.
    if (m_details->currentIndex() == DetailTabs::OutputsTab && m_details->outputsTable()->currentRow() >= 0
        && !m_details->outputsTable()->selectedItems().isEmpty()) {
        saveOutput(m_details->selectedOutputPath());
        return;
    }
    const QList<jobs::JobOutput> outputs = m_details->shownOutputs();
    const QString dir = m_details->shownOutputDir();
    if (outputs.isEmpty())
        return;
    QStringList names;
    for (const jobs::JobOutput &o : outputs)
        names.append(o.name);
    const int chosen = m_prompts->chooseItem(this, tr("Save an output"), tr("Which output do you want to save?"), names);
    if (chosen >= 0 && chosen < names.size())
        saveOutput(QDir(dir).filePath(names[chosen]));
}

void MainWindow::saveOutput(const QString &path)
{
    const QStringList recent = m_settings.recentFiles();
    const QString startDir = recent.isEmpty() ? QDir::homePath() : QFileInfo(recent.first()).absolutePath();
    const QString target = m_prompts->saveFilePath(this, QDir(startDir).filePath(suggestedSaveName(path)));
    if (target.isEmpty())
        return;
    if (QFileInfo::exists(target) && !m_prompts->confirmOverwrite(this, target))
        return;
    copyInBackground({{path, target}});
}

void MainWindow::saveAllOutputs()
{
    // Copies, not pointers into the model: the questions below run nested event loops, during which
    // jobs may be added, changed or removed.
    const QString outputDir = m_details->shownOutputDir();
    const QList<jobs::JobOutput> outputs = m_details->shownOutputs();
    if (outputs.isEmpty())
        return;
    const QString folder = m_prompts->saveFolder(this, QDir::homePath());
    if (folder.isEmpty())
        return;
    QList<std::pair<QString, QString>> copies;
    for (const jobs::JobOutput &o : outputs) {
        const QString target = QDir(folder).filePath(o.name);
        if (QFileInfo::exists(target) && !m_prompts->confirmOverwrite(this, target))
            continue;
        copies.append({QDir(outputDir).filePath(o.name), target});
    }
    if (!copies.isEmpty())
        copyInBackground(copies);
}

void MainWindow::copyInBackground(const QList<std::pair<QString, QString>> &copies)
{
    statusBar()->showMessage(tr("Saving…"));
    using Done = QList<std::pair<QString, QString>>; // target, error
    auto *watcher = new QFutureWatcher<Done>(this);
    connect(watcher, &QFutureWatcher<Done>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const Done done = watcher->result();
        QStringList failed;
        for (const auto &[target, error] : done) {
            if (!error.isEmpty())
                failed.append(error);
            Q_EMIT outputSaved(target, error);
        }
        if (failed.isEmpty())
            statusBar()->showMessage(done.size() == 1 ? tr("Saved %1.").arg(QDir::toNativeSeparators(done.first().first))
                                                      : tr("Saved %n file(s).", nullptr, int(done.size())),
                                     8000);
        else
            m_prompts->showError(this, tr("Not saved"), failed.join(QLatin1Char('\n')));
    });
    watcher->setFuture(QtConcurrent::run([copies]() {
        Done done;
        for (const auto &[from, to] : copies) {
            auto r = copyAtomically(from, to);
            done.append({to, r.ok() ? QString() : r.error().message});
        }
        return done;
    }));
}

} // namespace finpipe::app
