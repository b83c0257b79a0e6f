#include "cli.h"

#include "common/buildinfo.h"
#include "common/version.h"

#include <QCoreApplication>

#include <exception>
#include <new>

using namespace finpipe::cli;

namespace {

void printHelp()
{
    out() << "Usage: finpipe-cli COMMAND [OPTIONS] [ARGS]\n"
             "       finpipe-cli --version\n\n"
             "Recognise, analyse and report on CSV and Excel datasets.\n\nCommands:\n";
    for (const Command &c : commands())
        out() << "  " << QString::fromLatin1(c.name).leftJustified(10) << c.summary << '\n';
    out() << "\nRun 'finpipe-cli COMMAND --help' for a command's options.\n"
             "Exit codes: 0 ok, 2 usage error, 3 input unreadable, 4 detection too uncertain,\n"
             "5 analysis failed, 6 folder differs from its manifest (verify), 7 the verified run\n"
             "failed, 8 the cloud is unreachable or refused us, 130 cancelled (Ctrl-C).\n"
             "Cloud commands read FINPIPE_DATABASE_URL (and cloud init FINPIPE_S3_*).\n";
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("finpipe"));
    QCoreApplication::setOrganizationName(QStringLiteral("finpipe"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(finpipe::kVersion));

    QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty()) {
        printHelp();
        return Usage;
    }
    const QString name = args.takeFirst();
    if (name == u"--help" || name == u"-h" || name == u"help") {
        printHelp();
        return Ok;
    }
    if (name == u"--version" || name == u"-v") {
        out() << finpipe::versionText(QStringLiteral("finpipe-cli"));
        return Ok;
    }
    for (const Command &c : commands()) {
        if (name != QLatin1String(c.name))
            continue;
        // Nothing may end in std::terminate: an unexpected error still gets a message.
        try {
            return c.run(args);
        } catch (const std::bad_alloc &) {
            err() << "finpipe-cli: ran out of memory." << Qt::endl;
        } catch (const std::exception &e) {
            err() << "finpipe-cli: unexpected internal error: " << e.what() << Qt::endl;
        } catch (...) {
            err() << "finpipe-cli: unexpected internal error." << Qt::endl;
        }
        return Failure;
    }
    err() << "finpipe-cli: unknown command '" << name << "'. Run 'finpipe-cli --help' for the list."
          << Qt::endl;
    return Usage;
}
