#include "localonlyinterceptor.h"

#include <QUrl>

namespace finpipe::app {

bool LocalOnlyInterceptor::isAllowed(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    return scheme == u"file" || scheme == u"data" || scheme == u"qrc" || scheme == u"blob";
}

void LocalOnlyInterceptor::interceptRequest(QWebEngineUrlRequestInfo &info)
{
    if (!isAllowed(info.requestUrl())) {
        info.block(true);
        ++m_blocked;
    }
}

} // namespace finpipe::app
