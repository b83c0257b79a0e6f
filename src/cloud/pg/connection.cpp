#include "cloud/pg/connection.h"

#include <libpq-fe.h>

#include <QCoroTimer>
#include <QDeadlineTimer>
#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>

namespace finpipe::cloud::pg {

namespace {

//! Suspends until a socket is ready for reading or writing, or a time limit passes (then
//! co_await gives false). The coroutine is resumed from the event loop, never from inside the
//! notifier's own signal.
class SocketReady
{
public:
    SocketReady(int fd, QSocketNotifier::Type type, std::chrono::milliseconds limit)
        : m_fd(fd), m_type(type), m_limit(limit)
    {
    }
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h)
    {
        m_notifier = std::make_unique<QSocketNotifier>(m_fd, m_type);
        m_timer = std::make_unique<QTimer>();
        auto finish = [this, h](bool ready) {
            if (!m_notifier->isEnabled())
                return;
            m_notifier->setEnabled(false);
            m_timer->stop();
            m_ready = ready;
            QTimer::singleShot(0, [h] { h.resume(); });
        };
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, [finish] { finish(true); });
        m_timer->setSingleShot(true);
        QObject::connect(m_timer.get(), &QTimer::timeout, [finish] { finish(false); });
        m_timer->start(std::max(m_limit, std::chrono::milliseconds(1)));
    }
    bool await_resume() const noexcept { return m_ready; }

private:
    int m_fd;
    QSocketNotifier::Type m_type;
    std::chrono::milliseconds m_limit;
    std::unique_ptr<QSocketNotifier> m_notifier;
    std::unique_ptr<QTimer> m_timer;
    bool m_ready = false;
};

void ignoreNotice(void *, const char *) {}

QString firstLine(const char *text)
{
    return QString::fromUtf8(text).trimmed().section(u'\n', 0, 0);
}

Error resultError(const PGresult *r)
{
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const char *primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    const QString message = primary ? QString::fromUtf8(primary) : firstLine(PQresultErrorMessage(r));
    return dbError(state ? QString::fromLatin1(state) : QString::fromLatin1(kConnectionLost), message);
}

} // namespace

void Connection::ResultDeleter::operator()(pg_result *r) const
{
    PQclear(r);
}

bool Connection::Turn::await_ready() const noexcept
{
    if (c->m_busy)
        return false;
    c->m_busy = true;
    return true;
}

Connection::Connection(QObject *parent) : QObject(parent) {}

Connection::~Connection()
{
    m_closed = true;
    delete m_readNotifier;
    if (m_conn)
        PQfinish(m_conn);
}

void Connection::close()
{
    m_closed = true;
    m_autoReconnect = false;
    if (m_readNotifier) {
        m_readNotifier->setEnabled(false);
        m_readNotifier->deleteLater();
        m_readNotifier = nullptr;
    }
    if (m_conn) {
        PQfinish(m_conn);
        m_conn = nullptr;
    }
    if (m_collecting) {
        m_collecting = false;
        m_done = true;
        m_statementLost = true;
        if (auto h = std::exchange(m_resultWaiter, nullptr))
            QTimer::singleShot(0, [h] { h.resume(); });
    }
}

QCoro::Task<Result<void>> Connection::connect(QString conninfo)
{
    Result<ConnInfo> info = parseConnInfo(conninfo);
    if (!info)
        co_return info.error();
    m_info = *info;
    m_conninfo = conninfo;
    m_closed = false;
    co_return co_await open();
}

QCoro::Task<Result<void>> Connection::open()
{
    // dbname is expanded as the whole connection string; the keywords after it override it.
    const QByteArray conninfo = m_conninfo.toUtf8();
    const char *const keywords[] = {"dbname", "client_encoding", "application_name", nullptr};
    const char *const values[] = {conninfo.constData(), "UTF8", "finpipe", nullptr};
    PGconn *conn = PQconnectStartParams(keywords, values, 1);
    if (!conn)
        co_return dbError(QString::fromLatin1(kUnreachable), QStringLiteral("out of memory while connecting to the database"));
    const QDeadlineTimer deadline(m_connectTimeout);
    PostgresPollingStatusType status = PGRES_POLLING_WRITING;
    while (PQstatus(conn) != CONNECTION_BAD && status != PGRES_POLLING_OK && status != PGRES_POLLING_FAILED) {
        const auto type = status == PGRES_POLLING_READING ? QSocketNotifier::Read : QSocketNotifier::Write;
        const bool ready = co_await SocketReady(PQsocket(conn), type,
                                                std::chrono::milliseconds(deadline.remainingTime()));
        if (!ready) {
            const QString where = m_info.where();
            PQfinish(conn);
            co_return dbError(QString::fromLatin1(kUnreachable),
                              QStringLiteral("cannot reach the database at %1 (no answer within %2 s)")
                                  .arg(where).arg(m_connectTimeout.count() / 1000.0));
        }
        status = PQconnectPoll(conn);
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        Error error = describeFailure(conn);
        PQfinish(conn);
        co_return error;
    }
    PQsetnonblocking(conn, 1);
    PQsetNoticeProcessor(conn, &ignoreNotice, nullptr);
    m_conn = conn;
    m_preparedNames.clear(); // a new session has none
    ++m_session;
    m_readNotifier = new QSocketNotifier(PQsocket(conn), QSocketNotifier::Read, this);
    QObject::connect(m_readNotifier, &QSocketNotifier::activated, this, &Connection::onReadable);
    co_return Result<void>();
}

Error Connection::describeFailure(pg_conn *conn) const
{
    const QString raw = m_info.scrub(QString::fromUtf8(PQerrorMessage(conn)));
    const QString user = m_info.user.isEmpty() ? QString::fromUtf8(PQuser(conn)) : m_info.user;
    QString where = m_info.where();
    if (const char *h = PQhost(conn); h && *h)
        where = QString::fromUtf8(h) + u':' + QString::fromUtf8(PQport(conn));
    auto has = [&raw](const char *s) { return raw.contains(QLatin1String(s), Qt::CaseInsensitive); };
    if (has("password authentication failed") || has("no password supplied") || has("SCRAM authentication"))
        return dbError(QString::fromLatin1(kBadPassword), QStringLiteral("the database refused the password for user %1").arg(user));
    if (has("database \"") && has("does not exist"))
        return dbError(QStringLiteral("3D000"),
                       QStringLiteral("the database %1 does not exist at %2").arg(m_info.dbname, where));
    if (has("role \"") && has("does not exist"))
        return dbError(QStringLiteral("28000"), QStringLiteral("the database at %1 has no user %2").arg(where, user));
    if (has("no pg_hba.conf entry") || has("authentication failed"))
        return dbError(QStringLiteral("28000"),
                       QStringLiteral("the database at %1 does not let user %2 in from here").arg(where, user));
    if (has("starting up") || has("shutting down") || has("in recovery mode"))
        return dbError(QStringLiteral("57P03"),
                       QStringLiteral("the database at %1 is starting up or shutting down; try again shortly").arg(where));
    if (has("SSL") || has("certificate"))
        return dbError(QString::fromLatin1(kUnreachable),
                       QStringLiteral("the secure connection to the database at %1 failed: %2")
                           .arg(where, raw.section(u'\n', 0, 0).section(QStringLiteral("failed: "), -1)));
    if (has("refused") || has("could not connect") || has("timeout") || has("translate host name")
        || has("unreachable") || has("No route"))
        return dbError(QString::fromLatin1(kUnreachable), QStringLiteral("cannot reach the database at %1").arg(where));
    return dbError(QString::fromLatin1(kUnreachable),
                   QStringLiteral("the connection to the database at %1 failed: %2").arg(where, raw.section(u'\n', 0, 0)));
}

Error Connection::notConnected() const
{
    return dbError(QString::fromLatin1(kConnectionLost),
                   m_reconnecting ? QStringLiteral("the connection to the database at %1 was lost; reconnecting").arg(m_info.where())
                                  : QStringLiteral("not connected to the database"));
}

void Connection::release()
{
    if (m_queue.empty()) {
        m_busy = false;
        return;
    }
    const std::coroutine_handle<> next = m_queue.front();
    m_queue.pop_front();
    QTimer::singleShot(0, this, [next] { next.resume(); });
}

QCoro::Task<Result<std::vector<Connection::ResultPtr>>> Connection::run(QString statement, QVariantList params, Send how,
                                                                       QByteArray name)
{
    co_await Turn{this};
    if (!m_conn) {
        release();
        co_return notConnected();
    }
    const QByteArray sql = statement.toUtf8();
    std::vector<QByteArray> storage;
    std::vector<const char *> values;
    storage.reserve(size_t(params.size()));
    for (const QVariant &p : std::as_const(params)) {
        if (p.isNull()) {
            values.push_back(nullptr);
            continue;
        }
        if (p.typeId() == QMetaType::Bool)
            storage.push_back(p.toBool() ? QByteArrayLiteral("true") : QByteArrayLiteral("false"));
        else if (p.typeId() == QMetaType::QByteArray)
            storage.push_back(p.toByteArray());
        else
            storage.push_back(p.toString().toUtf8());
        values.push_back(storage.back().constData());
    }
    int sent = 0;
    switch (how) {
    case Send::Script:
        sent = PQsendQuery(m_conn, sql.constData());
        break;
    case Send::Params:
        sent = PQsendQueryParams(m_conn, sql.constData(), int(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
        break;
    case Send::Prepare:
        sent = PQsendPrepare(m_conn, name.constData(), sql.constData(), int(values.size()), nullptr);
        break;
    case Send::Prepared:
        sent = PQsendQueryPrepared(m_conn, name.constData(), int(values.size()), values.data(), nullptr, nullptr, 0);
        break;
    }
    if (!sent) {
        const Error error = dbError(QString::fromLatin1(kConnectionLost),
                                    QStringLiteral("the statement could not be sent to the database: %1")
                                        .arg(m_info.scrub(firstLine(PQerrorMessage(m_conn)))));
        release();
        co_return error;
    }
    m_collecting = true;
    m_done = false;
    m_statementLost = false;
    m_results.clear();
    // A large statement may not fit the socket's buffer at once.
    int flushed = 0;
    while (m_conn && (flushed = PQflush(m_conn)) == 1)
        co_await SocketReady(PQsocket(m_conn), QSocketNotifier::Write, std::chrono::hours(24));
    if (m_conn && flushed < 0)
        lost(firstLine(PQerrorMessage(m_conn)));
    co_await Results{this};
    std::vector<ResultPtr> results = std::move(m_results);
    m_results.clear();
    const bool lostMidway = m_statementLost;
    release();
    if (lostMidway)
        co_return dbError(QString::fromLatin1(kConnectionLost),
                          QStringLiteral("the connection to the database at %1 was lost during a statement").arg(m_info.where()));
    co_return std::move(results);
}

Result<QueryResult> Connection::toQueryResult(const std::vector<ResultPtr> &results)
{
    QueryResult out;
    for (const ResultPtr &result : results) {
        pg_result *r = result.get();
        const ExecStatusType status = PQresultStatus(r);
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
            return resultError(r);
        const int columns = PQnfields(r);
        out.columns.clear();
        out.types.clear();
        out.rows.clear();
        for (int c = 0; c < columns; ++c) {
            out.columns.append(QString::fromUtf8(PQfname(r, c)));
            out.types.append(PQftype(r, c));
        }
        const int rows = PQntuples(r);
        out.rows.reserve(rows);
        for (int row = 0; row < rows; ++row) {
            QVariantList values;
            values.reserve(columns);
            for (int c = 0; c < columns; ++c)
                values.append(PQgetisnull(r, row, c) ? QVariant()
                                                     : fromPgText(PQgetvalue(r, row, c), PQgetlength(r, row, c),
                                                                  out.types.at(c)));
            out.rows.append(std::move(values));
        }
        out.commandTag = QString::fromUtf8(PQcmdStatus(r));
    }
    return out;
}

QCoro::Task<Result<QueryResult>> Connection::query(QString sql, QVariantList params)
{
    // GCC 12 mishandles temporaries inside co_await expressions: arguments are named locals.
    const QByteArray unnamed;
    Result<std::vector<ResultPtr>> results = co_await run(std::move(sql), std::move(params), Send::Params, unnamed);
    if (!results)
        co_return results.error();
    co_return toQueryResult(*results);
}

QCoro::Task<Result<QueryResult>> Connection::prepared(QString sql, QVariantList params)
{
    if (m_noPrepared)
        co_return co_await query(std::move(sql), std::move(params));
    const quint64 session = m_session;
    QByteArray name = m_preparedNames.value(sql);
    if (name.isEmpty()) {
        name = "finpipe_" + QByteArray::number(++m_nextName);
        Result<std::vector<ResultPtr>> made = co_await run(sql, params, Send::Prepare, name);
        if (!made)
            co_return made.error();
        if (Result<QueryResult> ok = toQueryResult(*made); !ok)
            co_return ok.error(); // what query() would say of the statement (a syntax error, a missing function)
        if (m_session == session)
            m_preparedNames.insert(sql, name);
    }
    Result<std::vector<ResultPtr>> results = co_await run(sql, params, Send::Prepared, name);
    if (!results)
        co_return results.error();
    Result<QueryResult> answer = toQueryResult(*results);
    if (answer)
        co_return answer;
    // Nothing ran when the statement is missing (26000: a pooler gave us another session) or was
    // planned for an older shape of what it calls (0A000 "cached plan must not change result
    // type": a migration replaced a function); it goes once more as a plain query.
    const QString state = sqlState(answer.error());
    if (state == u"26000" || state == u"0A000") {
        m_preparedNames.remove(sql);
        if (state == u"26000" && m_session == session)
            m_noPrepared = true;
        co_return co_await query(std::move(sql), std::move(params));
    }
    co_return answer;
}

QCoro::Task<Result<void>> Connection::execute(QString script)
{
    const QVariantList none;
    const QByteArray unnamed;
    Result<std::vector<ResultPtr>> results = co_await run(std::move(script), none, Send::Script, unnamed);
    if (!results)
        co_return results.error();
    for (const ResultPtr &r : *results) {
        const ExecStatusType status = PQresultStatus(r.get());
        if (status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR || status == PGRES_BAD_RESPONSE)
            co_return resultError(r.get());
    }
    co_return Result<void>();
}

QCoro::Task<Result<void>> Connection::listen(QString channel)
{
    if (!m_conn)
        co_return notConnected();
    // LISTEN takes no parameters: the channel is quoted as an identifier by libpq.
    const QByteArray name = channel.toUtf8();
    char *quoted = PQescapeIdentifier(m_conn, name.constData(), size_t(name.size()));
    if (!quoted)
        co_return dbError(QStringLiteral("42602"), QStringLiteral("'%1' cannot be a notification channel").arg(channel));
    const QString sql = QStringLiteral("LISTEN ") + QString::fromUtf8(quoted);
    PQfreemem(quoted);
    Result<QueryResult> r = co_await query(sql);
    if (!r)
        co_return r.error();
    if (!m_channels.contains(channel))
        m_channels.append(channel);
    co_return Result<void>();
}

void Connection::onReadable()
{
    if (!m_conn)
        return;
    if (!PQconsumeInput(m_conn)) {
        lost(firstLine(PQerrorMessage(m_conn)));
        return;
    }
    if (m_collecting) {
        while (!PQisBusy(m_conn)) {
            PGresult *r = PQgetResult(m_conn);
            if (!r) {
                m_collecting = false;
                m_done = true;
                break;
            }
            m_results.emplace_back(r);
        }
    }
    std::vector<std::pair<QString, QString>> notes;
    while (PGnotify *n = PQnotifies(m_conn)) {
        notes.emplace_back(QString::fromUtf8(n->relname), QString::fromUtf8(n->extra));
        PQfreemem(n);
    }
    const bool broken = PQstatus(m_conn) == CONNECTION_BAD;
    for (const auto &[channel, payload] : notes)
        Q_EMIT notification(channel, payload);
    if (broken) {
        lost(QStringLiteral("the server closed the connection"));
        return;
    }
    if (m_done && m_resultWaiter)
        std::exchange(m_resultWaiter, nullptr).resume();
}

void Connection::lost(const QString &why)
{
    if (!m_conn)
        return;
    if (m_readNotifier) {
        m_readNotifier->setEnabled(false);
        m_readNotifier->deleteLater(); // may be inside its own signal
        m_readNotifier = nullptr;
    }
    PQfinish(m_conn);
    m_conn = nullptr;
    if (m_collecting || m_resultWaiter) {
        m_collecting = false;
        if (!m_done)
            m_statementLost = true;
        m_done = true;
        if (auto h = std::exchange(m_resultWaiter, nullptr))
            QTimer::singleShot(0, [h] { h.resume(); });
    }
    const bool reconnect = m_autoReconnect && !m_closed && !m_reconnecting;
    if (reconnect)
        m_reconnecting = true;
    Q_EMIT disconnected(QStringLiteral("the connection to the database at %1 was lost (%2)")
                            .arg(m_info.where(), m_info.scrub(why)));
    if (reconnect)
        reconnectLoop();
}

QCoro::Task<> Connection::reconnectLoop()
{
    std::chrono::milliseconds delay{100};
    while (!m_closed) {
        co_await QCoro::sleepFor(delay);
        if (m_closed)
            break;
        Result<void> opened = co_await open();
        if (opened) {
            bool listening = true;
            const QStringList channels = m_channels;
            for (const QString &channel : channels)
                if (!(co_await listen(channel)))
                    listening = false;
            if (listening) {
                m_reconnecting = false;
                Q_EMIT reconnected();
                co_return;
            }
            if (m_conn) {
                delete m_readNotifier;
                m_readNotifier = nullptr;
                PQfinish(m_conn);
                m_conn = nullptr;
            }
        }
        // Exponential backoff with jitter, at most 5 s between attempts.
        const auto next = std::min<long long>(5000, delay.count() * 2);
        delay = std::chrono::milliseconds(next / 2 + QRandomGenerator::global()->bounded(next / 2 + 1));
    }
    m_reconnecting = false;
}

} // namespace finpipe::cloud::pg
