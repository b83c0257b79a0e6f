#include "outputfolder.h"

#include "common/platform.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QUuid>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <filesystem>
#include <system_error>

#if FINPIPE_POSIX_CALLS
#include <sys/stat.h>
#endif
#if FINPIPE_LINUX_CALLS
#include <fcntl.h>
#include <unistd.h>
#endif

namespace finpipe::outputs {

namespace {

QString shown(const QString &path)
{
    return QDir::toNativeSeparators(path);
}

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

Error usage(const QString &message)
{
    return Error::make(Error::Code::Usage, message);
}

//! Removes a file, a link (never what it points to) or a whole folder.
void removeEntry(const QString &path)
{
    const QFileInfo info(path);
    if (info.isDir() && !info.isSymLink())
        QDir(path).removeRecursively();
    else
        QFile::remove(path);
}

//! Creates one folder (its parent exists). An empty text, or what went wrong in the system's words.
QString makeFolder(const QString &path)
{
#if FINPIPE_POSIX_CALLS
    if (::mkdir(QFile::encodeName(path).constData(), 0777) != 0)
        return systemError(errno);
    return {};
#else
    // Portable path: std::filesystem takes the path in the system's own wide form (Windows).
    std::error_code error;
    if (!std::filesystem::create_directory(QtPrivate::toFilesystemPath(path), error))
        return error ? QString::fromLocal8Bit(error.message()) : systemError(EEXIST);
    return {};
#endif
}

//! Renames a file or folder to a name that does not exist. An empty text, or what went wrong.
QString renameEntry(const QString &from, const QString &to)
{
#if FINPIPE_POSIX_CALLS
    if (std::rename(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) != 0)
        return systemError(errno);
    return {};
#else
    std::error_code error;
    std::filesystem::rename(QtPrivate::toFilesystemPath(from), QtPrivate::toFilesystemPath(to), error);
    return error ? QString::fromLocal8Bit(error.message()) : QString();
#endif
}

//! Makes a rename or a swap survive a power cut: the parent folder's entry list reaches the disk.
void syncFolder([[maybe_unused]] const QString &path)
{
    // Portable path: nothing (NTFS and APFS journal their folder entries).
#if FINPIPE_LINUX_CALLS
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
#endif
}

QString listed(QStringList names)
{
    names.sort();
    const qsizetype total = names.size();
    if (total > 3)
        names = names.mid(0, 3) << QStringLiteral("and %1 more").arg(total - 3);
    return names.join(QStringLiteral(", "));
}

//! What the existing folder holds: the status of the finpipe run in it, empty when it is empty,
//! or an error when it holds anything finpipe did not write or a link.
Result<QString> previousRun(const QString &path)
{
    QDir dir(path);
    const QFileInfoList entries =
        dir.entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
    if (entries.isEmpty())
        return QString();
    for (const QFileInfo &e : entries)
        if (e.isSymLink())
            return usage(QStringLiteral("\"%1\" in the output folder \"%2\" is a symbolic link. finpipe does not write "
                                        "through links (a planted link could make it overwrite a file elsewhere). "
                                        "Remove the link, or choose a new or empty folder.")
                             .arg(e.fileName(), shown(path)));
    const QString advice = QStringLiteral(" finpipe replaces the whole folder with each run, so it does not use a folder "
                                          "holding other files: choose a new or empty folder, or move those files.");
    QJsonObject manifest;
    const QFileInfo manifestInfo(dir.filePath(QStringLiteral("manifest.json")));
    if (manifestInfo.isFile()) {
        QFile f(manifestInfo.filePath());
        if (f.open(QIODevice::ReadOnly))
            manifest = QJsonDocument::fromJson(f.readAll()).object();
    }
    if (!manifest.value(u"outputs").isArray()) {
        QStringList names;
        for (const QFileInfo &e : entries)
            names << e.fileName();
        return usage(QStringLiteral("The output folder \"%1\" already holds files that are not a finpipe result (%2)"
                                    " and no finpipe manifest.json.")
                         .arg(shown(path), listed(names))
                     + advice);
    }
    QSet<QString> known;
    for (const QJsonValue &o : manifest.value(u"outputs").toArray())
        known.insert(o.toObject().value(u"name").toString());
    QStringList foreign;
    for (const QFileInfo &e : entries)
        if (e.isDir() || (!known.contains(e.fileName()) && !isFinpipeLeftover(e.fileName())))
            foreign << e.fileName() + (e.isDir() ? QStringLiteral("/") : QString());
    if (!foreign.isEmpty())
        return usage(QStringLiteral("The output folder \"%1\" holds files that are not part of the finpipe run its "
                                    "manifest.json describes (%2).")
                         .arg(shown(path), listed(foreign))
                     + advice);
    const QString status = manifest.value(u"status").toString();
    return status.isEmpty() ? QStringLiteral("unknown") : status;
}

//! The folder itself: not a link, not a file.
Result<void> checkTarget(const QString &path)
{
    const QFileInfo info(path);
    if (info.isSymLink())
        return usage(QStringLiteral("The output folder \"%1\" is a symbolic link (to %2). finpipe does not write "
                                    "through links (a planted link could make it overwrite files elsewhere): give "
                                    "the real folder, or a new one.")
                         .arg(shown(path), shown(info.symLinkTarget())));
    if (info.exists() && !info.isDir())
        return usage(QStringLiteral("The output folder \"%1\" is an existing file, not a folder. Choose a new or empty "
                                    "folder for the results.")
                         .arg(shown(path)));
    return {};
}

} // namespace

bool isFinpipeLeftover(const QString &fileName)
{
    static const QRegularExpression part(QStringLiteral("^\\..+\\.[0-9a-f]{32}\\.part$"));
    return fileName == u"manifest.json" || fileName == u".DS_Store" || fileName == u"Thumbs.db"
           || fileName == u"desktop.ini" || part.match(fileName).hasMatch();
}

Result<std::unique_ptr<OutputFolder>> OutputFolder::open(const QString &dir, int lockWaitMs)
{
    if (dir.trimmed().isEmpty())
        return usage(QStringLiteral("No output folder was given."));
    const QString path = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    const QFileInfo info(path);
    if (info.fileName().isEmpty() || QDir(path).isRoot())
        return usage(QStringLiteral("\"%1\" cannot be the output folder: finpipe replaces the whole folder with each "
                                    "run. Choose a new folder inside it.")
                         .arg(shown(path)));
    if (auto r = checkTarget(path); !r)
        return r.error();
    // Swapping the folder would leave the shell in a deleted folder.
    const QString here = QDir::currentPath();
    if (info.exists() && (here == info.canonicalFilePath() || here.startsWith(info.canonicalFilePath() + u'/')))
        return usage(QStringLiteral("The output folder \"%1\" is the current folder (or holds it). finpipe replaces the "
                                    "output folder as a whole when a run ends: run it from another folder, or choose a "
                                    "new folder for the results.")
                         .arg(shown(path)));

    std::unique_ptr<OutputFolder> folder(new OutputFolder);
    folder->m_path = path;
    folder->m_parent = info.absolutePath();
    folder->m_name = info.fileName();
    if (!QDir().mkpath(folder->m_parent) || !QFileInfo(folder->m_parent).isDir())
        return Error::make(Error::Code::Failed,
                           QStringLiteral("Could not create the output folder \"%1\". Check that its parent exists and "
                                          "is writable.")
                               .arg(shown(path)));

    const QString lockPath = QDir(folder->m_parent).filePath(QStringLiteral(".%1.lock").arg(folder->m_name));
    folder->m_lock = std::make_unique<QLockFile>(lockPath);
    folder->m_lock->setStaleLockTime(0); // only a lock whose process is gone is stale: runs may take hours
    if (!folder->m_lock->tryLock(lockWaitMs)) {
        if (folder->m_lock->error() == QLockFile::LockFailedError) {
            qint64 pid = 0;
            QString host, app;
            folder->m_lock->getLockInfo(&pid, &host, &app);
            return Error::make(Error::Code::Failed,
                               QStringLiteral("Another finpipe run (process %1) is writing to the output folder \"%2\". "
                                              "Wait for it to finish, or choose another folder.")
                                   .arg(pid)
                                   .arg(shown(path)),
                               shown(lockPath));
        }
        return Error::make(Error::Code::Failed,
                           QStringLiteral("Could not write to \"%1\" to prepare the output folder \"%2\". Check that "
                                          "the folder is writable and the disk is not full.")
                               .arg(shown(folder->m_parent), shown(path)),
                           shown(lockPath));
    }
    folder->recoverAndClean();

    // Checked again under the lock: another run may have changed it while this one waited.
    if (auto r = checkTarget(path); !r)
        return r.error();
    const QFileInfo now(path);
    if (now.exists()) {
        auto previous = previousRun(path);
        if (!previous)
            return previous.error();
        folder->m_previousStatus = *previous;
    }

    const QString staging = QDir(folder->m_parent)
                                .filePath(QStringLiteral(".%1.staging-%2")
                                              .arg(folder->m_name, QUuid::createUuid().toString(QUuid::Id128)));
    if (const QString problem = makeFolder(staging); !problem.isEmpty())
        return Error::make(Error::Code::Failed,
                           QStringLiteral("Could not create a folder in \"%1\" to write the results into: %2. Check "
                                          "that the folder is writable and the disk is not full.")
                               .arg(shown(folder->m_parent), problem));
    folder->m_staging = staging;
    if (now.exists()) // keep the permissions the analyst gave the folder
        QFile::setPermissions(staging, now.permissions());
    return folder;
}

OutputFolder::~OutputFolder()
{
    if (!m_done)
        discard();
}

QString OutputFolder::stagingFile(const QString &name) const
{
    return QDir(m_staging).filePath(name);
}

void OutputFolder::recoverAndClean()
{
    static const QRegularExpression ours(QStringLiteral("^\\.(.+)\\.(staging|old)-[0-9a-f]{32}$"));
    QStringList staging, old;
    QDirIterator it(m_parent, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    while (it.hasNext()) {
        it.next();
        const QRegularExpressionMatch m = ours.match(it.fileName());
        if (!m.hasMatch() || m.captured(1) != m_name)
            continue;
        (m.captured(2) == u"old" ? old : staging) << it.filePath();
    }
    // A crash between "old set aside" and "new set in place" (portable swap): put the old set back.
    const QFileInfo target(m_path);
    if (!target.exists() && !target.isSymLink() && !old.isEmpty()) {
        std::sort(old.begin(), old.end(), [](const QString &a, const QString &b) {
            return QFileInfo(a).lastModified() > QFileInfo(b).lastModified();
        });
        if (QDir().rename(old.first(), m_path))
            old.removeFirst();
    }
    for (const QString &p : std::as_const(staging) + old)
        removeEntry(p);
}

Result<void> OutputFolder::commit()
{
    if (m_done || m_staging.isEmpty())
        return Error::make(Error::Code::Internal, QStringLiteral("The output folder was already committed."));
    auto failed = [&](const QString &problem) {
        return Error::make(Error::Code::Failed,
                           QStringLiteral("Could not move the results into the output folder \"%1\": %2. What the "
                                          "folder held before is unchanged.")
                               .arg(shown(m_path), problem));
    };
    const QFileInfo target(m_path);
    const bool exists = target.exists() || target.isSymLink();
#if FINPIPE_LINUX_CALLS
    if (exists && m_atomicExchange) {
        const QByteArray from = QFile::encodeName(m_staging);
        const QByteArray to = QFile::encodeName(m_path);
        if (::renameat2(AT_FDCWD, from.constData(), AT_FDCWD, to.constData(), RENAME_EXCHANGE) == 0) {
            m_done = true;
            syncFolder(m_parent);
            removeEntry(m_staging); // now the previous set
            return {};
        }
        if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
            return failed(systemError(errno));
    }
#endif
    // Portable path (and file systems without an atomic exchange): the previous set is moved
    // aside, the new one moved in; a crash between the two leaves both, found by the next run.
    if (exists) {
        const QString old = QDir(m_parent).filePath(
            QStringLiteral(".%1.old-%2").arg(m_name, QUuid::createUuid().toString(QUuid::Id128)));
        if (const QString problem = renameEntry(m_path, old); !problem.isEmpty())
            return failed(problem);
        if (const QString problem = renameEntry(m_staging, m_path); !problem.isEmpty()) {
            renameEntry(old, m_path);
            return failed(problem);
        }
        m_done = true;
        syncFolder(m_parent);
        removeEntry(old);
        return {};
    }
    if (const QString problem = renameEntry(m_staging, m_path); !problem.isEmpty())
        return failed(problem);
    m_done = true;
    syncFolder(m_parent);
    return {};
}

void OutputFolder::discard()
{
    if (!m_staging.isEmpty())
        removeEntry(m_staging);
    m_done = true;
}

} // namespace finpipe::outputs
