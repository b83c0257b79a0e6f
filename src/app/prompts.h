#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

class QWidget;

namespace finpipe::app {

//! Every question the app asks the analyst in a standard dialog. The main window asks through this
//! interface so that tests answer instead of a person (no real file dialogs in tests).
class Prompts
{
public:
    enum class DuplicateChoice { OpenExisting, AnalyseAgain, Cancel };
    enum class RemoveChoice { Cancel, KeepFiles, DeleteFiles };

    virtual ~Prompts() = default;
    //! "You analysed this file on <date> as <type>. Open the existing results · Analyse again · Cancel"
    virtual DuplicateChoice askDuplicate(QWidget *parent, const QString &fileName,
                                         const QDateTime &when, const QString &type) = 0;
    //! The target exists: replace it?
    virtual bool confirmOverwrite(QWidget *parent, const QString &path) = 0;
    //! Where to save one output; empty when cancelled.
    virtual QString saveFilePath(QWidget *parent, const QString &suggestedPath) = 0;
    //! A folder to save all outputs into; empty when cancelled.
    virtual QString saveFolder(QWidget *parent, const QString &startDir) = 0;
    //! Files to analyse; empty when cancelled.
    virtual QStringList openFiles(QWidget *parent, const QString &startDir) = 0;
    //! Remove `count` jobs from the list, and delete their output folders (`outputBytes` in all)
    //! or keep them? `running` of them are running and will be cancelled first.
    virtual RemoveChoice confirmRemove(QWidget *parent, int count, qint64 outputBytes, int running) = 0;
    //! `running` jobs are running: cancel them and quit?
    virtual bool confirmQuit(QWidget *parent, int running) = 0;
    //! Tells the analyst something went wrong (non-blocking where possible).
    virtual void showError(QWidget *parent, const QString &title, const QString &message) = 0;
    //! Asks which of `items` (e.g. which output to save); -1 when cancelled.
    virtual int chooseItem(QWidget *parent, const QString &title, const QString &label, const QStringList &items) = 0;
};

//! The real dialogs: QMessageBox and QFileDialog.
class DialogPrompts : public Prompts
{
public:
    DuplicateChoice askDuplicate(QWidget *parent, const QString &fileName, const QDateTime &when,
                                 const QString &type) override;
    bool confirmOverwrite(QWidget *parent, const QString &path) override;
    QString saveFilePath(QWidget *parent, const QString &suggestedPath) override;
    QString saveFolder(QWidget *parent, const QString &startDir) override;
    QStringList openFiles(QWidget *parent, const QString &startDir) override;
    RemoveChoice confirmRemove(QWidget *parent, int count, qint64 outputBytes, int running) override;
    bool confirmQuit(QWidget *parent, int running) override;
    void showError(QWidget *parent, const QString &title, const QString &message) override;
    int chooseItem(QWidget *parent, const QString &title, const QString &label, const QStringList &items) override;
};

//! "Remove 1 job?" / "Remove 3 jobs?", shared by the dialog and tests.
QString removeQuestion(int count, int running);
//! "1.2 MB", "512 bytes".
QString humanBytes(qint64 bytes);

//! The duplicate question's text, shared by the dialog and tests.
QString duplicateQuestion(const QString &fileName, const QDateTime &when, const QString &type);

} // namespace finpipe::app
