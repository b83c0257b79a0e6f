#include "secretstore.h"

#include <qt6keychain/keychain.h>

namespace finpipe::app {

namespace {

Error keychainError(const QKeychain::Job &job)
{
    // Nothing stored under the key is not a broken keychain: callers tell the two apart by the code.
    if (job.error() == QKeychain::EntryNotFound)
        return Error::make(Error::Code::NotFound, QObject::tr("Nothing is stored in the system keychain for this."),
                           QStringLiteral("qtkeychain error %1").arg(int(job.error())));
    return Error::make(Error::Code::Unreadable,
                       QObject::tr("The system keychain could not be used: %1").arg(job.errorString()),
                       QStringLiteral("qtkeychain error %1").arg(int(job.error())));
}

} // namespace

SecretStore::SecretStore(QString service, QObject *parent) : QObject(parent), m_service(std::move(service)) {}

void SecretStore::write(const QString &key, const QString &secret, std::function<void(Result<void>)> done)
{
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setAutoDelete(true);
    // Never fall back to a plain-text file when the keychain is missing.
    job->setInsecureFallback(false);
    job->setKey(key);
    job->setTextData(secret);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *j) {
        done(j->error() == QKeychain::NoError ? Result<void>() : Result<void>(keychainError(*j)));
    });
    job->start();
}

void SecretStore::read(const QString &key, std::function<void(Result<QString>)> done)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *j) {
        auto *r = static_cast<QKeychain::ReadPasswordJob *>(j);
        done(j->error() == QKeychain::NoError ? Result<QString>(r->textData()) : Result<QString>(keychainError(*j)));
    });
    job->start();
}

void SecretStore::remove(const QString &key, std::function<void(Result<void>)> done)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *j) {
        done(j->error() == QKeychain::NoError ? Result<void>() : Result<void>(keychainError(*j)));
    });
    job->start();
}

} // namespace finpipe::app
