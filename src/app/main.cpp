#include "icons.h"
#include "mainwindow.h"
#include "singleinstance.h"
#include "common/buildinfo.h"
#include "common/version.h"
#include "jobs/jobstore.h"
#include "jobs/localexecutor.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileOpenEvent>

#include <cstdio>
#include <cstring>

namespace {

void describe(QCommandLineParser &parser, QCommandLineOption &version)
{
    QCoreApplication::setApplicationName(QStringLiteral("finpipe"));
    QCoreApplication::setOrganizationName(QStringLiteral("finpipe"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(finpipe::kVersion));
    parser.setApplicationDescription(QStringLiteral("Recognise, analyse and chart CSV and Excel datasets."));
    parser.addHelpOption();
    parser.addOption(version);
    parser.addPositionalArgument(QStringLiteral("files"), QStringLiteral("CSV or Excel files (or folders) to analyse."),
                                 QStringLiteral("[files...]"));
}

//! --help and --version need no window: they are answered without a display (a package's build,
//! an ssh session, a man page generator).
bool asksForTextOnly(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--") == 0)
            return false;
        for (const char *flag : {"--help", "-h", "-?", "--help-all", "--version", "-v"})
            if (std::strcmp(argv[i], flag) == 0)
                return true;
    }
    return false;
}

//! macOS: Finder hands a file to the app (starting or running) as a QFileOpenEvent, not as an
//! argument; the window opens it like a dropped file.
class FileOpenEvents : public QObject
{
public:
    explicit FileOpenEvents(finpipe::app::MainWindow *window) : m_window(window) {}

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::FileOpen) {
            const QString file = static_cast<QFileOpenEvent *>(event)->file();
            if (!file.isEmpty())
                m_window->openPaths({file});
            return true;
        }
        return QObject::eventFilter(watched, event);
    }

private:
    finpipe::app::MainWindow *m_window;
};

} // namespace

int main(int argc, char *argv[])
{
    QCommandLineOption versionOpt({QStringLiteral("v"), QStringLiteral("version")},
                                  QStringLiteral("Displays the version, the commit it was built from and Qt's version."));
    if (asksForTextOnly(argc, argv)) {
        QCoreApplication text(argc, argv);
        QCommandLineParser parser;
        describe(parser, versionOpt);
        parser.process(text); // --help prints and exits here
        if (parser.isSet(versionOpt))
            std::fputs(qPrintable(finpipe::versionText(QStringLiteral("finpipe"))), stdout);
        return 0;
    }

    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts); // required by QtWebEngine
    QApplication app(argc, argv);
    QApplication::setDesktopFileName(QStringLiteral("finpipe"));
    finpipeInitAppResources();

    QCommandLineParser parser;
    describe(parser, versionOpt);
    parser.process(app);

    // One app per job store: a later start hands its files to the running app and exits, before
    // it opens the store.
    const QString storePath = finpipe::jobs::JobStore::defaultPath();
    finpipe::app::SingleInstance instance(storePath);
    if (!instance.claim()) {
        if (finpipe::app::SingleInstance::handOver(storePath, parser.positionalArguments()))
            return 0;
        qWarning("finpipe is already running with this job list (%s) and did not answer.", qPrintable(storePath));
        return 1;
    }

    finpipe::app::AppSettings settings;
    finpipe::app::applyTheme(settings.theme());

    int status = 0;
    {
        finpipe::app::MainWindow window;
        QObject::connect(&instance, &finpipe::app::SingleInstance::filesReceived, &window,
                         [&window](const QStringList &paths) {
                             window.showNormal();
                             window.raise();
                             window.activateWindow();
                             if (!paths.isEmpty())
                                 window.openPaths(paths);
                         });
        FileOpenEvents fileOpenEvents(&window);
        app.installEventFilter(&fileOpenEvents);
        window.show();
        if (!parser.positionalArguments().isEmpty())
            window.openPaths(parser.positionalArguments());
        status = QApplication::exec();
    }
    // Runs cancelled at quit may take a moment to stop; the window is gone, the process waits.
    finpipe::jobs::LocalExecutor::waitForAbandoned(30000);
    return status;
}
