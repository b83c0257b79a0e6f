#include "icons.h"
#include "mainwindow.h"
#include "common/version.h"

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

    finpipe::app::AppSettings settings;
    finpipe::app::applyTheme(settings.theme());

    finpipe::app::MainWindow window;
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openPaths(parser.positionalArguments());
    return QApplication::exec();
}
