#pragma once

#include "common/result.h"
#include "cloud/pg/conninfo.h"
#include "cloud/pg/queryresult.h"

#include <QCoroTask>
#include <QHash>
#include <QObject>
#include <QSocketNotifier>
#include <QStringList>
#include <QVariantList>

#include <chrono>
#include <coroutine>
#include <deque>
#include <memory>
#include <vector>

struct pg_conn;
struct pg_result;

namespace finpipe::cloud::pg {

//! One PostgreSQL session driven asynchronously: libpq's non-blocking calls and a QSocketNotifier
//! on its socket, exposed as QCoro awaitables. Nothing blocks the event loop and no timer runs
//! while connected. Statements are sent one at a time in the order they were awaited. When the
//! connection drops after it was once established, it reconnects with backoff, LISTENs again to
//! every channel and emits `reconnected`. Destroy it only when nothing awaits it.
class Connection : public QObject
{
    Q_OBJECT
public:
    explicit Connection(QObject *parent = nullptr);
    ~Connection() override;

    //! Connects to a libpq URL or key=value string. Failures say why in plain words ("the database
    //! refused the password for user ana", "cannot reach the database at 127.0.0.1:55432") and
    //! never contain the password; their SQLSTATE (pg::sqlState) tells them apart.
    QCoro::Task<Result<void>> connect(QString conninfo);
    //! One statement with parameters $1…: a null QVariant is NULL, a bool true/false, a QByteArray
    //! its bytes as text, anything else its toString(). Errors carry the server's SQLSTATE.
    QCoro::Task<Result<QueryResult>> query(QString sql, QVariantList params = {});
    //! As query(), through a statement this session prepares the first time it sees `sql` (parsed
    //! and planned once: for the calls a worker makes many times a second). Where the server
    //! cannot keep prepared statements (a transaction-mode pooler) it goes as query() does.
    QCoro::Task<Result<QueryResult>> prepared(QString sql, QVariantList params = {});
    //! A script of several statements and no parameters (simple query protocol): for trusted
    //! files such as migrations, never for anything built from input.
    QCoro::Task<Result<void>> execute(QString script);
    //! LISTEN on a channel; remembered and listened to again after every reconnect.
    QCoro::Task<Result<void>> listen(QString channel);

    //! Ends the session; no reconnecting afterwards.
    void close();
    bool isConnected() const { return m_conn != nullptr; }
    //! Whether a dropped connection is re-established (default on).
    void setAutoReconnect(bool on) { m_autoReconnect = on; }
    //! How long one connection attempt may take (default 10 s).
    void setConnectTimeout(std::chrono::milliseconds timeout) { m_connectTimeout = timeout; }
    //! Who and where, without the password.
    const ConnInfo &info() const { return m_info; }

Q_SIGNALS:
    //! A NOTIFY on a channel this connection listens to.
    void notification(const QString &channel, const QString &payload);
    //! The connection dropped (why, in plain words); reconnecting follows unless closed.
    void disconnected(const QString &why);
    //! Connected again after a drop, and listening again.
    void reconnected();

private:
    struct ResultDeleter {
        void operator()(pg_result *r) const;
    };
    using ResultPtr = std::unique_ptr<pg_result, ResultDeleter>;

    //! Waits until no other statement is in flight (then this one is).
    struct Turn {
        Connection *c;
        bool await_ready() const noexcept;
        void await_suspend(std::coroutine_handle<> h) { c->m_queue.push_back(h); }
        void await_resume() const noexcept {}
    };
    //! Waits until every result of the statement in flight has arrived.
    struct Results {
        Connection *c;
        bool await_ready() const noexcept { return c->m_done; }
        void await_suspend(std::coroutine_handle<> h) { c->m_resultWaiter = h; }
        void await_resume() const noexcept {}
    };

    QCoro::Task<Result<void>> open();
    //! How run() sends a statement: with parameters, as a script (simple query protocol), as the
    //! prepared statement `name` to be made, or through that prepared statement.
    enum class Send { Params, Script, Prepare, Prepared };
    //! Sends one statement and collects every result (a script has one per statement in it).
    QCoro::Task<Result<std::vector<ResultPtr>>> run(QString statement, QVariantList params, Send how, QByteArray name);
    static Result<QueryResult> toQueryResult(const std::vector<ResultPtr> &results);
    QCoro::Task<> reconnectLoop();
    void release();
    void onReadable();
    void lost(const QString &why);
    Error describeFailure(pg_conn *conn) const;
    Error notConnected() const;

    pg_conn *m_conn = nullptr;
    QSocketNotifier *m_readNotifier = nullptr;
    QString m_conninfo;
    ConnInfo m_info;
    QStringList m_channels;
    bool m_autoReconnect = true;
    bool m_reconnecting = false;
    bool m_closed = false;
    std::chrono::milliseconds m_connectTimeout{10000};

    // Prepared statements of this session (prepared()).
    QHash<QString, QByteArray> m_preparedNames; //!< SQL → the name it was prepared under
    quint64 m_session = 0;                       //!< counts sessions opened
    int m_nextName = 0;
    bool m_noPrepared = false; //!< the server lost a statement this session prepared (a pooler)

    // The statement in flight.
    bool m_busy = false;
    std::deque<std::coroutine_handle<>> m_queue;
    bool m_collecting = false;
    bool m_done = false;
    bool m_statementLost = false;
    std::vector<ResultPtr> m_results;
    std::coroutine_handle<> m_resultWaiter;
};

} // namespace finpipe::cloud::pg
