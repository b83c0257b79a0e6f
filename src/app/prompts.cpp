#include "prompts.h"

#include <QDir>
#include <QFileDialog>
#include <QLocale>
#include <QInputDialog>
#include <QMessageBox>
#include <QPushButton>

namespace finpipe::app {

QString duplicateQuestion(const QString &fileName, const QDateTime &when, const QString &type)
{
    return QObject::tr("You analysed %1 on %2 as %3.")
        .arg(fileName, QLocale().toString(when.toLocalTime(), QLocale::ShortFormat),
             type.isEmpty() ? QObject::tr("an unknown type") : type);
}

Prompts::DuplicateChoice DialogPrompts::askDuplicate(QWidget *parent, const QString &fileName,
                                                     const QDateTime &when, const QString &type)
{
    QMessageBox box(QMessageBox::Question, QObject::tr("Already analysed"),
                    duplicateQuestion(fileName, when, type), QMessageBox::NoButton, parent);
    box.setInformativeText(QObject::tr("The file's content (SHA-256) matches an earlier job."));
    QPushButton *open = box.addButton(QObject::tr("Open the existing results"), QMessageBox::AcceptRole);
    QPushButton *again = box.addButton(QObject::tr("Analyse again"), QMessageBox::ActionRole);
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(open);
    box.exec();
    if (box.clickedButton() == open)
        return DuplicateChoice::OpenExisting;
    if (box.clickedButton() == again)
        return DuplicateChoice::AnalyseAgain;
    return DuplicateChoice::Cancel;
}

bool DialogPrompts::confirmOverwrite(QWidget *parent, const QString &path)
{
    return QMessageBox::question(parent, QObject::tr("Replace file?"),
                                 QObject::tr("%1 already exists. Replace it?")
                                     .arg(QDir::toNativeSeparators(path)),
                                 QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
        == QMessageBox::Yes;
}

QString DialogPrompts::saveFilePath(QWidget *parent, const QString &suggestedPath)
{
    // The native dialog asks about overwriting itself; ours asks once, in OutputSaver.
    return QFileDialog::getSaveFileName(parent, QObject::tr("Save output"), suggestedPath, QString(),
                                        nullptr, QFileDialog::DontConfirmOverwrite);
}

QString DialogPrompts::saveFolder(QWidget *parent, const QString &startDir)
{
    return QFileDialog::getExistingDirectory(parent, QObject::tr("Save all outputs to"), startDir);
}

QStringList DialogPrompts::openFiles(QWidget *parent, const QString &startDir)
{
    return QFileDialog::getOpenFileNames(
        parent, QObject::tr("Open data files"), startDir,
        QObject::tr("Data files (*.csv *.tsv *.txt *.xlsx *.xlsm);;All files (*)"));
}

QString humanBytes(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString removeQuestion(int count, int running)
{
    QString q = count == 1 ? QObject::tr("Remove 1 job from the list?")
                           : QObject::tr("Remove %1 jobs from the list?").arg(count);
    if (running == 1)
        q += QLatin1Char(' ') + QObject::tr("One of them is running; it will be cancelled first.");
    else if (running > 1)
        q += QLatin1Char(' ') + QObject::tr("%1 of them are running; they will be cancelled first.").arg(running);
    return q;
}

Prompts::RemoveChoice DialogPrompts::confirmRemove(QWidget *parent, int count, qint64 outputBytes, int running)
{
    const QString title = count == 1 ? QObject::tr("Remove 1 job") : QObject::tr("Remove %1 jobs").arg(count);
    QMessageBox box(QMessageBox::Question, title, removeQuestion(count, running), QMessageBox::NoButton, parent);
    box.setInformativeText(
        QObject::tr("Their result files take %1. Delete them too, or keep them in their folders?")
            .arg(humanBytes(outputBytes)));
    QPushButton *del = box.addButton(QObject::tr("Remove and delete files (%1)").arg(humanBytes(outputBytes)),
                                     QMessageBox::DestructiveRole);
    QPushButton *keep = box.addButton(QObject::tr("Remove, keep files"), QMessageBox::AcceptRole);
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(keep);
    box.exec();
    if (box.clickedButton() == del)
        return RemoveChoice::DeleteFiles;
    if (box.clickedButton() == keep)
        return RemoveChoice::KeepFiles;
    return RemoveChoice::Cancel;
}

bool DialogPrompts::confirmQuit(QWidget *parent, int running)
{
    QMessageBox box(QMessageBox::Question, QObject::tr("Jobs are running"),
                    running == 1 ? QObject::tr("1 job is still running. Cancel it and quit?")
                                 : QObject::tr("%1 jobs are still running. Cancel them and quit?").arg(running),
                    QMessageBox::NoButton, parent);
    box.setInformativeText(QObject::tr("Cancelled jobs show as interrupted next time; Re-run (F5) runs them again."));
    QPushButton *quit = box.addButton(QObject::tr("Cancel jobs and quit"), QMessageBox::DestructiveRole);
    QPushButton *stay = box.addButton(QObject::tr("Keep running"), QMessageBox::RejectRole);
    box.setDefaultButton(stay);
    box.exec();
    return box.clickedButton() == quit;
}

void DialogPrompts::showError(QWidget *parent, const QString &title, const QString &message)
{
    auto *box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

int DialogPrompts::chooseItem(QWidget *parent, const QString &title, const QString &label, const QStringList &items)
{
    bool ok = false;
    const QString chosen = QInputDialog::getItem(parent, title, label, items, 0, false, &ok);
    return ok ? int(items.indexOf(chosen)) : -1;
}

} // namespace finpipe::app
