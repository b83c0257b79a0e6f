#include "cloudcli.h"

#include "cloud/pg/conninfo.h"
#include "cloud/queue/jobqueue.h"

namespace finpipe::cli {

Result<QString> databaseUrl()
{
    const QString url = qEnvironmentVariable("FINPIPE_DATABASE_URL").trimmed();
    if (url.isEmpty())
        return Error::make(Error::Code::Usage, QStringLiteral("FINPIPE_DATABASE_URL is not set (the team's PostgreSQL "
                                                              "URL with your login, e.g. postgresql://you@db.example.com/finpipe)"));
    return url;
}

Result<std::unique_ptr<cloud::pg::Connection>> connectDatabase()
{
    Result<QString> url = databaseUrl();
    if (!url)
        return url.error();
    auto c = std::make_unique<cloud::pg::Connection>();
    c->setAutoReconnect(false);
    Result<void> connected = runToEnd(c->connect(*url));
    if (!connected)
        return connected.error();
    return c;
}

int cloudFail(const Error &error)
{
    const QString state = cloud::pg::sqlState(error);
    out().flush();
    err() << "finpipe-cli: " << error.message << Qt::endl;
    if (cloud::pg::isCloudUnavailable(error) || (state.isEmpty() && error.code == Error::Code::Permission))
        return CloudUnavailable;
    if (state == QLatin1String(cloud::kNoSuchJob))
        return Unreadable;
    if (state == QLatin1String(cloud::kBadArgument) || state == QLatin1String(cloud::kNoStorageSettings))
        return Usage;
    if (!state.isEmpty())
        return Failure;
    return exitCodeFor(error);
}

} // namespace finpipe::cli
