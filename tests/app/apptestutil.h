#pragma once

#include "mainwindow.h"
#include "jobs/localexecutor.h"
#include "prompts.h"

#include <QApplication>
#include <QDir>
#include <QDropEvent>
#include <QMimeData>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <memory>

namespace finpipe::test {

//! Answers the app's questions the way a test says, and records what was asked.
class ScriptedPrompts : public app::Prompts
{
public:
    DuplicateChoice duplicateChoice = DuplicateChoice::Cancel;
    int duplicateAsked = 0;
    QString lastDuplicateText;

    bool overwrite = false;
    int overwriteAsked = 0;

    QString saveTarget;
    QString folderTarget;
    QStringList filesToOpen;
    int openAsked = 0;
    bool removeAnswer = true;
    bool deleteFiles = false;
    int lastRemoveCount = 0;
    qint64 lastRemoveBytes = -1;
    bool quitAnswer = true;
    int quitAsked = 0;
    QStringList errors;

    DuplicateChoice askDuplicate(QWidget *, const QString &fileName, const QDateTime &when,
                                 const QString &type) override
    {
        ++duplicateAsked;
        lastDuplicateText = app::duplicateQuestion(fileName, when, type);
        return duplicateChoice;
    }
    bool confirmOverwrite(QWidget *, const QString &) override
    {
        ++overwriteAsked;
        return overwrite;
    }
    QString saveFilePath(QWidget *, const QString &) override { return saveTarget; }
    QString saveFolder(QWidget *, const QString &) override { return folderTarget; }
    QStringList openFiles(QWidget *, const QString &) override
    {
        ++openAsked;
        return filesToOpen;
    }
    RemoveChoice confirmRemove(QWidget *, int count, qint64 bytes, int) override
    {
        lastRemoveCount = count;
        lastRemoveBytes = bytes;
        if (!removeAnswer)
            return RemoveChoice::Cancel;
        return deleteFiles ? RemoveChoice::DeleteFiles : RemoveChoice::KeepFiles;
    }
    bool confirmQuit(QWidget *, int) override
    {
        ++quitAsked;
        return quitAnswer;
    }
    void showError(QWidget *, const QString &title, const QString &message) override
    {
        errors.append(title + QStringLiteral(": ") + message);
    }
    //! The item chooseItem() answers with (-1: cancel), and what it was offered.
    int chooseAnswer = -1;
    QStringList lastChoiceItems;
    int chooseItem(QWidget *, const QString &, const QString &, const QStringList &items) override
    {
        lastChoiceItems = items;
        return chooseAnswer;
    }
};

//! A main window on a job store, settings and output folder in a temporary folder.
struct AppFixture {
    QTemporaryDir dir;
    std::unique_ptr<QSettings> settings;
    ScriptedPrompts prompts;
    std::unique_ptr<app::MainWindow> window;

    AppFixture()
    {
        settings = std::make_unique<QSettings>(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    }
    ~AppFixture()
    {
        window.reset();
        // A window closes without waiting for runs still stopping; the test waits before its
        // temporary folder goes.
        jobs::LocalExecutor::waitForAbandoned(30000);
    }
    QString storePath() const { return dir.filePath(QStringLiteral("store/jobs.sqlite")); }

    app::MainWindow &open()
    {
        window.reset();
        app::MainWindow::Options o;
        o.storePath = storePath();
        o.settings = settings.get();
        o.prompts = &prompts;
        window = std::make_unique<app::MainWindow>(o);
        window->resize(1400, 900);
        window->show();
        // Keyboard shortcuts only reach an active window; without a window manager activation is
        // asynchronous, and a test that presses a key right away would race it.
        window->activateWindow();
        if (!QTest::qWaitForWindowActive(window.get(), 5000))
            qWarning("the main window did not become active; keyboard shortcuts will not reach it");
        return *window;
    }
};

//! Drops local files on a widget the way a file manager does.
inline void dropFiles(QWidget *target, const QStringList &paths)
{
    auto *mime = new QMimeData;
    QList<QUrl> urls;
    for (const QString &p : paths)
        urls.append(QUrl::fromLocalFile(p));
    mime->setUrls(urls);
    const QPointF pos(target->width() / 2.0, target->height() / 2.0);
    QDragEnterEvent enter(pos.toPoint(), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QDropEvent drop(pos, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
    delete mime;
}

//! Sets up the process for WebEngine tests; call in main() before QApplication.
inline void prepareGuiTestProcess()
{
    // QtWebEngine refuses to run as root with its sandbox on; tests run in containers as root.
    qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    qputenv("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --disable-logging");
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QStandardPaths::setTestModeEnabled(true);
}

} // namespace finpipe::test
