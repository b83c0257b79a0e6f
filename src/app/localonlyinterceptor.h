#pragma once

#include <QWebEngineUrlRequestInterceptor>

#include <atomic>

namespace finpipe::app {

//! Keeps a dashboard offline: refuses every request except file:, data:, qrc: and blob: URLs, so a
//! crafted input can never make the dashboard reach the network.
class LocalOnlyInterceptor : public QWebEngineUrlRequestInterceptor
{
    Q_OBJECT
public:
    using QWebEngineUrlRequestInterceptor::QWebEngineUrlRequestInterceptor;
    void interceptRequest(QWebEngineUrlRequestInfo &info) override;
    static bool isAllowed(const QUrl &url);
    //! Requests refused so far (the interceptor runs on WebEngine's IO thread).
    int blockedCount() const { return m_blocked.load(); }

private:
    std::atomic<int> m_blocked{0};
};

} // namespace finpipe::app
