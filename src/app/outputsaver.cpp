#include "outputsaver.h"

#include "ingest/fileerrors.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace finpipe::app {

Result<void> copyAtomically(const QString &source, const QString &target, Feedback *feedback)
{
    QFile in(source);
    if (auto r = ingest::openForReading(in); !r)
        return r;
    if (QFileInfo(source).canonicalFilePath() == QFileInfo(target).canonicalFilePath())
        return Error::make(Error::Code::Invalid,
                           QObject::tr("%1 is the output itself; choose another place to save it.")
                               .arg(QDir::toNativeSeparators(target)));
    QSaveFile out(target);
    if (!out.open(QIODevice::WriteOnly))
        return Error::make(Error::Code::Permission,
                           QObject::tr("%1 could not be written: %2")
                               .arg(QDir::toNativeSeparators(target), out.errorString()));
    const qint64 total = in.size();
    qint64 done = 0;
    QByteArray buf(1 << 20, Qt::Uninitialized);
    for (;;) {
        if (feedback && feedback->isCancelled()) {
            out.cancelWriting();
            return Error::make(Error::Code::Cancelled, QObject::tr("Saving was cancelled."));
        }
        const qint64 n = in.read(buf.data(), buf.size());
        if (n < 0)
            return ingest::readError(in);
        if (n == 0)
            break;
        if (out.write(buf.constData(), n) != n) {
            out.cancelWriting();
            return Error::make(Error::Code::Failed,
                               QObject::tr("%1 could not be written (is the disk full?)")
                                   .arg(QDir::toNativeSeparators(target)),
                               out.errorString());
        }
        done += n;
        if (feedback)
            feedback->setProgress(done, total);
    }
    if (!out.commit())
        return Error::make(Error::Code::Failed,
                           QObject::tr("%1 could not be saved.").arg(QDir::toNativeSeparators(target)),
                           out.errorString());
    return {};
}

} // namespace finpipe::app
