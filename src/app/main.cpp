#include "icons.h"
#include "mainwindow.h"
#include "singleinstance.h"
#include "common/version.h"
#include "jobs/jobstore.h"
#include "jobs/localexecutor.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char *argv[])
{
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts); // required by QtWebEngine
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("finpipe"));
    QApplication::setOrganizationName(QStringLiteral("finpipe"));
    QApplication::setApplicationVersion(QString::fromLatin1(finpipe::kVersion));
    QApplication::setDesktopFileName(QStringLiteral("finpipe"));
    finpipeInitAppResources();

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Recognise, analyse and chart CSV and Excel datasets."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("files"), QStringLiteral("CSV or Excel files (or folders) to analyse."),
                                 QStringLiteral("[files...]"));
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
        window.show();
        if (!parser.positionalArguments().isEmpty())
            window.openPaths(parser.positionalArguments());
        status = QApplication::exec();
    }
    // Runs cancelled at quit may take a moment to stop; the window is gone, the process waits.
    finpipe::jobs::LocalExecutor::waitForAbandoned(30000);
    return status;
}
