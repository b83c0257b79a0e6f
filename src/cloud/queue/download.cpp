#include "cloud/queue/download.h"

#include "cloud/s3/transfer.h"
#include "ingest/sha256.h"

#include <QCoroFuture>
#include <QDir>
#include <QFile>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

namespace finpipe::cloud {

namespace {

//! An output's name is used as a file name only when it cannot leave the target folder.
bool isPlainFileName(const QString &name)
{
    return !name.isEmpty() && name != u"." && name != u".." && !name.contains(u'/') && !name.contains(u'\\')
        && !name.contains(QChar(0));
}

} // namespace

QCoro::Task<Result<void>> downloadOutput(pg::Connection &db, QNetworkAccessManager &nam, QString jobId,
                                         OutputRecord output, QString dir, std::function<bool(qint64 received)> progress)
{
    // Names come from the database: never a path.
    if (!isPlainFileName(output.name))
        co_return Error::make(Error::Code::Format,
                              QStringLiteral("the output name \"%1\" is not a plain file name; skipped").arg(output.name));
    Result<QString> url = co_await presignOutput(db, jobId, output.name, 900);
    if (!url)
        co_return url.error();
    const QString target = QDir(dir).filePath(output.name);
    const QString partial = target + QStringLiteral(".part");
    if (auto got = co_await s3::getUrlToFile(nam, QUrl::fromEncoded(url->toUtf8()), partial, progress); !got)
        co_return got.error();
    // (A named future: GCC 12 destroys a temporary awaited in an initializer twice.)
    QFuture<Result<QString>> hashing = QtConcurrent::run([partial] { return ingest::sha256File(partial); });
    const Result<QString> sha = co_await hashing;
    if (!sha || sha->compare(output.sha256, Qt::CaseInsensitive) != 0) {
        QFile::remove(partial);
        co_return Error::make(Error::Code::Corrupt,
                              QStringLiteral("the download of %1 was damaged (its SHA-256 does not match the one recorded); "
                                             "the partial file was deleted, download it again")
                                  .arg(output.name));
    }
    QFile::remove(target);
    if (!QFile::rename(partial, target))
        co_return Error::make(Error::Code::Permission, QStringLiteral("cannot write %1").arg(QDir::toNativeSeparators(target)));
    co_return Result<void>();
}

} // namespace finpipe::cloud
