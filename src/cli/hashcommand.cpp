#include "cli.h"

#include "ingest/sha256.h"

#include <QCommandLineParser>
#include <QDir>

namespace finpipe::cli {

//! `finpipe-cli hash FILE...`: one line per file in sha256sum's format.
int runHash(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Print the SHA-256 of each file, like sha256sum."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Files to hash."),
                                 QStringLiteral("FILE..."));
    if (!parser.parse(QStringList{QStringLiteral("hash")} + args))
        return usageError(QStringLiteral("hash"), parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        return Ok;
    }
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty())
        return usageError(QStringLiteral("hash"), QStringLiteral("name at least one file to hash."));

    int exitCode = Ok;
    for (const QString &file : files) {
        auto digest = ingest::sha256File(file);
        if (!digest) {
            // Like sha256sum: report and go on with the other files.
            exitCode = fail(digest.error());
            continue;
        }
        out() << *digest << "  " << QDir::toNativeSeparators(file) << '\n';
        out().flush();
    }
    return exitCode;
}

} // namespace finpipe::cli
