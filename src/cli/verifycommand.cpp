#include "cli.h"

#include "ingest/sha256.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace finpipe::cli {

namespace {

//! One file that does not match the manifest.
struct Difference {
    QString name;
    QString state;  //!< "missing", "changed", "unlisted", "link", "not a file", "bad name"
    QString detail; //!< what differs, in plain words
};

struct Verification {
    QString folder;
    QString status; //!< the manifest's status
    QString error;  //!< the manifest's error, when the run did not succeed
    QString input;
    QString finished;
    int matching = 0;
    QList<Difference> differences;
};

//! Desktop litter that says nothing about the run (Finder, Explorer).
bool isDesktopLitter(const QString &name)
{
    return name == u".DS_Store" || name == u"Thumbs.db" || name == u"desktop.ini";
}

Result<Verification> verify(const QString &dir)
{
    Verification v;
    v.folder = QDir::toNativeSeparators(QDir::cleanPath(QFileInfo(dir).absoluteFilePath()));
    const QFileInfo folder(dir);
    if (!folder.exists())
        return Error::make(Error::Code::NotFound, QStringLiteral("The folder \"%1\" does not exist.").arg(v.folder));
    if (!folder.isDir())
        return Error::make(Error::Code::Usage,
                           QStringLiteral("\"%1\" is a file; verify checks a finpipe output folder.").arg(v.folder));
    QDir d(dir);
    const QFileInfo manifestInfo(d.filePath(QStringLiteral("manifest.json")));
    QJsonObject manifest;
    if (manifestInfo.isFile() && !manifestInfo.isSymLink()) {
        QFile f(manifestInfo.filePath());
        if (!f.open(QIODevice::ReadOnly))
            return Error::make(Error::Code::Unreadable,
                               QStringLiteral("Could not read manifest.json in \"%1\".").arg(v.folder), f.errorString());
        manifest = QJsonDocument::fromJson(f.readAll()).object();
    }
    if (!manifest.value(u"outputs").isArray()) {
        v.differences << Difference{QStringLiteral("manifest.json"),
                                    manifestInfo.exists() || manifestInfo.isSymLink() ? QStringLiteral("changed")
                                                                                       : QStringLiteral("missing"),
                                    manifestInfo.exists() ? QStringLiteral("not a finpipe manifest")
                                                          : QStringLiteral("the folder holds no finpipe run, or an "
                                                                           "unfinished one")};
        return v;
    }
    v.status = manifest.value(u"status").toString();
    v.error = manifest.value(u"error").toString();
    v.input = manifest.value(u"input").toObject().value(u"name").toString();
    v.finished = manifest.value(u"finished").toString();

    QSet<QString> listed{QStringLiteral("manifest.json")};
    for (const QJsonValue &value : manifest.value(u"outputs").toArray()) {
        const QJsonObject o = value.toObject();
        const QString name = o.value(u"name").toString();
        if (name.isEmpty() || name.contains(u'/') || name.contains(u'\\') || name == u"." || name == u"..") {
            v.differences << Difference{name, QStringLiteral("bad name"),
                                        QStringLiteral("the manifest names a file outside the folder")};
            continue;
        }
        listed.insert(name);
        const QFileInfo file(d.filePath(name));
        if (file.isSymLink()) {
            v.differences << Difference{name, QStringLiteral("link"), QStringLiteral("a symbolic link, not the file written")};
            continue;
        }
        if (!file.exists()) {
            v.differences << Difference{name, QStringLiteral("missing"), QString()};
            continue;
        }
        if (!file.isFile()) {
            v.differences << Difference{name, QStringLiteral("not a file"), QString()};
            continue;
        }
        const qint64 size = qint64(o.value(u"size").toDouble(-1));
        if (file.size() != size) {
            v.differences << Difference{name, QStringLiteral("changed"),
                                        QStringLiteral("%1 bytes, the manifest says %2").arg(file.size()).arg(size)};
            continue;
        }
        auto digest = ingest::sha256File(file.filePath());
        if (!digest) {
            v.differences << Difference{name, QStringLiteral("unreadable"), digest.error().message};
            continue;
        }
        if (*digest != o.value(u"sha256").toString().toLower()) {
            v.differences << Difference{name, QStringLiteral("changed"),
                                        QStringLiteral("same size, different content (SHA-256 %1)").arg(digest->left(12))};
            continue;
        }
        ++v.matching;
    }
    for (const QFileInfo &e :
         d.entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name)) {
        if (!listed.contains(e.fileName()) && !isDesktopLitter(e.fileName()))
            v.differences << Difference{e.fileName() + (e.isDir() && !e.isSymLink() ? QStringLiteral("/") : QString()),
                                        QStringLiteral("unlisted"), QStringLiteral("not in manifest.json")};
    }
    return v;
}

} // namespace

//! `finpipe-cli verify DIR [--json]`: does the folder hold exactly what its manifest.json lists?
int runVerify(const QStringList &args)
{
    const QString cmd = QStringLiteral("verify");
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Check a finpipe output folder against its manifest.json: every file listed is there with the "
                       "size and SHA-256 recorded, nothing else is there, and the run succeeded.\n\n"
                       "Exit codes: 0 consistent and the run succeeded, 6 the folder differs from its manifest "
                       "(or has none), 7 consistent but the run failed or was cancelled, 2 usage, 3 folder "
                       "unreadable."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("The output folder (finpipe-cli analyze --out)."));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOption(jsonOpt);
    if (!parser.parse(QStringList{cmd} + args))
        return usageError(cmd, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        return Ok;
    }
    const QStringList dirs = parser.positionalArguments();
    if (dirs.size() != 1)
        return usageError(cmd, dirs.isEmpty() ? QStringLiteral("name the output folder to check.")
                                              : QStringLiteral("check one folder at a time."));
    auto result = verify(dirs.first());
    if (!result)
        return fail(result.error());
    const Verification &v = *result;
    const bool consistent = v.differences.isEmpty();
    const int code = !consistent ? Inconsistent : v.status == u"succeeded" ? Ok : RunNotSucceeded;

    if (parser.isSet(jsonOpt)) {
        QJsonArray differences;
        for (const Difference &d : v.differences)
            differences.append(QJsonObject{{QStringLiteral("name"), d.name},
                                           {QStringLiteral("state"), d.state},
                                           {QStringLiteral("detail"), d.detail}});
        QJsonObject o{{QStringLiteral("folder"), v.folder},
                      {QStringLiteral("consistent"), consistent},
                      {QStringLiteral("status"), v.status},
                      {QStringLiteral("matching"), v.matching},
                      {QStringLiteral("differences"), differences}};
        if (!v.error.isEmpty())
            o.insert(QStringLiteral("error"), v.error);
        out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
        out().flush();
        return code;
    }
    if (consistent) {
        out() << v.folder << ": consistent with its manifest.json (" << v.matching << " file(s) match), run of "
              << v.input << " " << (v.status.isEmpty() ? QStringLiteral("with no status") : v.status);
        if (!v.finished.isEmpty())
            out() << " at " << v.finished;
        out() << '.' << Qt::endl;
        if (code == RunNotSucceeded)
            out() << "The run did not succeed: " << v.error << Qt::endl;
        return code;
    }
    out() << v.folder << ": differs from its manifest.json (" << v.differences.size() << " difference(s), "
          << v.matching << " file(s) match):" << Qt::endl;
    for (const Difference &d : v.differences) {
        out() << "  " << d.state.leftJustified(10) << ' ' << d.name;
        if (!d.detail.isEmpty())
            out() << "  (" << d.detail << ')';
        out() << Qt::endl;
    }
    return code;
}

} // namespace finpipe::cli
