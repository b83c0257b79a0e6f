#include "prompts.h"

#include <QDir>
#include <QFileDialog>
#include <QLocale>
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

bool DialogPrompts::confirmRemove(QWidget *parent, int count)
{
    return QMessageBox::question(parent, QObject::tr("Remove jobs"),
                                 QObject::tr("Remove %n job(s) from the list? Their output files "
                                             "stay where they are.", nullptr, count),
                                 QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
        == QMessageBox::Yes;
}

void DialogPrompts::showError(QWidget *parent, const QString &title, const QString &message)
{
    auto *box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace finpipe::app
