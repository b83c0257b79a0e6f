#include "fileerrors.h"

#include <QFileInfo>

namespace finpipe::ingest {

QString displayName(const QString &path)
{
    return QFileInfo(path).fileName();
}

Result<void> openForReading(QFile &file)
{
    const QFileInfo fi(file.fileName());
    const QString name = displayName(file.fileName());
    if (!fi.exists())
        return Error::make(Error::Code::NotFound,
                           QStringLiteral("The file \"%1\" does not exist.").arg(name),
                           file.fileName());
    if (fi.isDir())
        return Error::make(Error::Code::Unreadable,
                           QStringLiteral("\"%1\" is a folder, not a file.").arg(name),
                           file.fileName());
    if (!file.open(QIODevice::ReadOnly)) {
        if (file.error() == QFileDevice::PermissionsError || !fi.isReadable())
            return Error::make(Error::Code::Permission,
                               QStringLiteral("You do not have permission to read \"%1\".").arg(name),
                               file.errorString());
        return Error::make(Error::Code::Unreadable,
                           QStringLiteral("\"%1\" could not be opened.").arg(name), file.errorString());
    }
    return {};
}

Error readError(const QFile &file)
{
    return Error::make(Error::Code::Unreadable,
                       QStringLiteral("Reading \"%1\" failed.").arg(displayName(file.fileName())),
                       file.errorString());
}

Result<void> checkUnchanged(const QFile &file, qint64 sizeAtStart, const QDateTime &modifiedAtStart)
{
    const QFileInfo now(file.fileName());
    const QString name = displayName(file.fileName());
    if (!now.exists())
        return Error::make(Error::Code::Changed,
                           QStringLiteral("\"%1\" was moved or deleted while it was being read.").arg(name));
    if (now.size() != sizeAtStart || now.lastModified() != modifiedAtStart)
        return Error::make(Error::Code::Changed,
                           QStringLiteral("\"%1\" changed while it was being read. Wait until the "
                                          "program writing it has finished, then try again.")
                               .arg(name));
    return {};
}

} // namespace finpipe::ingest
