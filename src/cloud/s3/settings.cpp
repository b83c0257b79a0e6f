#include "cloud/s3/settings.h"

#include <QUrl>

namespace finpipe::cloud::s3 {

Result<Settings> Settings::fromEnvironment()
{
    Settings s;
    const std::pair<const char *, QString *> required[] = {
        {"FINPIPE_S3_ENDPOINT", &s.endpoint}, {"FINPIPE_S3_REGION", &s.region},
        {"FINPIPE_S3_BUCKET", &s.bucket},     {"FINPIPE_S3_ACCESS_KEY", &s.accessKey},
        {"FINPIPE_S3_SECRET_KEY", &s.secretKey},
    };
    for (const auto &[name, field] : required) {
        *field = qEnvironmentVariable(name).trimmed();
        if (field->isEmpty())
            return Error::make(Error::Code::Usage, QStringLiteral("%1 is not set").arg(QLatin1String(name)));
    }
    const QUrl url(s.endpoint, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") || url.host().isEmpty())
        return Error::make(Error::Code::Usage,
                           QStringLiteral("FINPIPE_S3_ENDPOINT must be an http:// or https:// address, not '%1'").arg(s.endpoint));
    while (s.endpoint.endsWith(u'/'))
        s.endpoint.chop(1);
    const QString style = qEnvironmentVariable("FINPIPE_S3_PATH_STYLE").trimmed().toLower();
    if (style.isEmpty() || style == u"1" || style == u"true" || style == u"yes")
        s.pathStyle = true;
    else if (style == u"0" || style == u"false" || style == u"no")
        s.pathStyle = false;
    else
        return Error::make(Error::Code::Usage, QStringLiteral("FINPIPE_S3_PATH_STYLE must be 1 or 0, not '%1'").arg(style));
    return s;
}

} // namespace finpipe::cloud::s3
