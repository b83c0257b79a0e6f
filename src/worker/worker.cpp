#include "worker/worker.h"

#include "cloud/pg/conninfo.h"
#include "common/feedback.h"
#include "common/version.h"
#include "detect/rules.h"
#include "ingest/sha256.h"
#include "jobs/jobspecjson.h"
#include "jobs/pipeline.h"

#include <QCoroFuture>
#include <QCoroTimer>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cstdio>

namespace finpipe::worker {

namespace {

//! The database could not be reached or went away mid-statement: worth asking again.
bool isConnectionProblem(const Error &e)
{
    const QString state = cloud::pg::sqlState(e);
    return state.startsWith(u"08") || state.startsWith(u"57P");
}

//! Analysis errors that another attempt cannot fix.
bool isPermanent(const Error &e)
{
    switch (e.code) {
    case Error::Code::Internal:
    case Error::Code::Changed:
        return false;
    default:
        return true;
    }
}

Result<jobs::Manifest> runGuarded(const jobs::JobSpec &spec, Feedback *feedback)
{
    try {
        return jobs::runJob(spec, feedback);
    } catch (const std::exception &e) {
        return Error::make(Error::Code::Internal, QStringLiteral("the analysis stopped on an unexpected internal error"),
                           QString::fromLocal8Bit(e.what()));
    } catch (...) {
        return Error::make(Error::Code::Internal, QStringLiteral("the analysis stopped on an unexpected internal error"));
    }
}

//! A file name of the analyst's input that is safe as a local file name.
QString localInputName(const QString &inputName)
{
    QString name = QFileInfo(inputName).fileName();
    if (name.isEmpty() || name == u"." || name == u"..")
        name = QStringLiteral("input");
    return name;
}

} // namespace

void logLine(const char *level, const char *event, QJsonObject fields)
{
    fields.insert(QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    fields.insert(QStringLiteral("level"), QString::fromLatin1(level));
    fields.insert(QStringLiteral("event"), QString::fromLatin1(event));
    const QByteArray line = QJsonDocument(fields).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

struct Worker::Running {
    cloud::ClaimedJob job;
    cloud::pg::Connection *writer = nullptr; //!< where this job's heartbeats and completion go
    Feedback feedback;
    bool lost = false;      //!< the lease was lost: write nothing more
    bool cancelled = false; //!< the owner cancelled it
    bool aborted = false;   //!< this worker is shutting down
    bool finished = false;
};

Worker::Worker(WorkerOptions options, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_storage(m_options.storage)
{
    QObject::connect(&m_db, &cloud::pg::Connection::notification, this, [this](const QString &, const QString &payload) {
        const QJsonObject o = QJsonDocument::fromJson(payload.toUtf8()).object();
        if (o.value(u"state").toString() == u"queued")
            poke();
    });
    QObject::connect(&m_db, &cloud::pg::Connection::disconnected, this,
                     [](const QString &why) { logLine("warning", "database_lost", {{QStringLiteral("message"), why}}); });
    QObject::connect(&m_db, &cloud::pg::Connection::reconnected, this, [this] {
        logLine("info", "database_reconnected");
        poke(); // jobs queued while away were not notified
    });
    for (int i = 0; i < cloud::writeConnectionsFor(m_options.concurrency); ++i) {
        m_writers.push_back(std::make_unique<cloud::pg::Connection>());
        QObject::connect(m_writers.back().get(), &cloud::pg::Connection::disconnected, this, [](const QString &why) {
            logLine("warning", "database_lost", {{QStringLiteral("connection"), QStringLiteral("jobs")}, {QStringLiteral("message"), why}});
        });
    }
}

Worker::~Worker() = default;

void Worker::poke()
{
    m_wake.wake();
}

void Worker::stop()
{
    if (!m_stopping)
        logLine("info", "stopping", {{QStringLiteral("running"), int(m_running.size())}});
    m_stopping = true;
    poke();
}

void Worker::abort()
{
    stop();
    m_aborting = true;
    for (const auto &r : m_running) {
        r->aborted = true;
        r->feedback.cancel();
    }
}

QCoro::Task<int> Worker::run()
{
    // One connection claims for free slots, listens and carries announcements; the others carry
    // the running jobs' writes (heartbeats, completions, which claim the next job for their slot in
    // the same transaction), so that a heartbeat never waits behind a claim. A one-slot worker
    // claims only when its slot is free, so its writes go on the one connection.
    std::vector<cloud::pg::Connection *> connections{&m_db};
    for (const auto &w : m_writers)
        connections.push_back(w.get());
    for (cloud::pg::Connection *c : connections) {
        if (auto connected = co_await c->connect(m_options.databaseUrl); !connected) {
            logLine("error", "database_unavailable", {{QStringLiteral("message"), connected.error().message}});
            co_return WorkerCloudUnavailable;
        }
    }
    // GCC 12 mishandles temporaries inside co_await expressions: arguments are named locals.
    const QString host = QSysInfo::machineHostName();
    const QString version = QString::fromLatin1(kVersion);
    Result<QString> id = co_await cloud::registerWorker(m_db, host, QCoreApplication::applicationPid(), version);
    if (!id) {
        logLine("error", "register_failed", {{QStringLiteral("message"), id.error().message}});
        co_return cloud::pg::isCloudUnavailable(id.error()) ? WorkerCloudUnavailable : WorkerUsage;
    }
    m_workerId = *id;
    const QString channel = QStringLiteral("finpipe_jobs");
    if (auto l = co_await m_db.listen(channel); !l)
        logLine("warning", "listen_failed", {{QStringLiteral("message"), l.error().message}});
    logLine("info", "started",
            {{QStringLiteral("worker"), m_workerId},
             {QStringLiteral("concurrency"), m_options.concurrency},
             {QStringLiteral("database_sessions"), int(connections.size())},
             {QStringLiteral("lease_seconds"), m_options.leaseSeconds},
             {QStringLiteral("database"), m_db.info().where()},
             {QStringLiteral("storage"), m_options.storage.endpoint}});

    std::chrono::milliseconds backoff{200};
    while (true) {
        bool queueEmpty = false;
        m_wake.clear();
        while (!m_stopping && int(m_running.size()) < m_options.concurrency) {
            Result<std::optional<cloud::ClaimedJob>> claimed = co_await cloud::claimJob(m_db, m_workerId, m_options.leaseSeconds);
            if (!claimed) {
                logLine("warning", "claim_failed", {{QStringLiteral("message"), claimed.error().message}});
                co_await QCoro::sleepFor(backoff);
                backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
                continue;
            }
            backoff = std::chrono::milliseconds(200);
            if (!*claimed) {
                queueEmpty = true;
                break;
            }
            runOne(std::move(**claimed), quietestWriter()); // runs on; pokes the loop when done
        }
        if (m_stopping && m_running.empty() && m_completing == 0)
            break;
        if (m_options.once && queueEmpty && m_running.empty() && m_completing == 0)
            break;
        if (m_wake.pending())
            continue;
        // Nothing to claim: wait for a NOTIFY, a finished job, or the next retry or lease expiry.
        double due = 30;
        if (Result<double> next = co_await cloud::secondsUntilNextDue(m_db, 30); next)
            due = *next;
        if (m_wake.pending())
            continue;
        const auto wait = std::chrono::milliseconds(qint64(due * 1000) + 50);
        co_await m_wake.wait(wait);
    }
    co_await m_announcer.drained();
    logLine("info", "stopped", {{QStringLiteral("worker"), m_workerId}});
    m_db.close();
    for (const auto &w : m_writers)
        w->close();
    co_return WorkerOk;
}

QCoro::Task<> Worker::heartbeats(std::shared_ptr<Running> running)
{
    const auto every = std::chrono::milliseconds(qMax(200, running->job.leaseSeconds * 1000 / 3));
    while (!running->finished) {
        co_await QCoro::sleepFor(every);
        if (running->finished || running->lost)
            co_return;
        const double fraction = running->feedback.fraction();
        Result<QString> state = co_await cloud::heartbeat(*running->writer, running->job.id, running->job.token, fraction);
        (void)co_await cloud::workerHeartbeat(*running->writer, m_workerId);
        if (!state) {
            if (cloud::pg::sqlState(state.error()) == QLatin1String(cloud::kLeaseLost)) {
                running->lost = true;
                running->feedback.cancel();
                logLine("warning", "lease_lost", {{QStringLiteral("job"), running->job.id}});
                co_return;
            }
            logLine("warning", "heartbeat_failed",
                    {{QStringLiteral("job"), running->job.id}, {QStringLiteral("message"), state.error().message}});
            continue;
        }
        if (*state == u"cancelled" && !running->cancelled) {
            running->cancelled = true;
            running->feedback.cancel();
            logLine("info", "cancel_requested", {{QStringLiteral("job"), running->job.id}});
        }
    }
}

QCoro::Task<> Worker::announceRunning(std::shared_ptr<Running> running)
{
    // The claim committed without notifying (0004_quiet_commits.sql). A job still running a moment
    // later is announced; one that finished by then is announced by its completion or failure.
    co_await QCoro::sleepFor(std::chrono::milliseconds(100));
    if (!running->finished && !running->lost)
        m_announcer.add(running->job.id);
}

QCoro::Task<Result<std::optional<cloud::ClaimedJob>>> Worker::complete(std::shared_ptr<Running> running,
                                                                      QList<cloud::OutputRecord> outputs, bool claimNext)
{
    using Next = std::optional<cloud::ClaimedJob>;
    bool retried = false;
    if (claimNext) {
        // One transaction completes this job and claims the next for its slot (0008_lean_claims.sql).
        Result<Next> both = co_await cloud::completeAndClaim(*running->writer, running->job.id, running->job.token, outputs,
                                                             m_workerId, m_options.leaseSeconds);
        if (both) {
            m_announcer.add(running->job.id);
            co_return both;
        }
        // A refusal is asked again without the claim, so that the completion's own answer decides;
        // after a lost connection the transaction may have committed (see below).
        retried = isConnectionProblem(both.error());
    }
    // Asked again while the database is away (it restarts, the network drops), for at most a lease.
    QElapsedTimer elapsed;
    elapsed.start();
    std::chrono::milliseconds delay{250};
    while (true) {
        Result<void> done = co_await cloud::completeJob(*running->writer, running->job.id, running->job.token, outputs);
        if (done) {
            m_announcer.add(running->job.id);
            co_return Next();
        }
        if (retried && cloud::pg::sqlState(done.error()) == QLatin1String(cloud::kLeaseLost)) {
            // The earlier call may have committed before its answer was lost.
            Result<bool> ours = co_await cloud::succeededWithAttempt(*running->writer, running->job.id, running->job.attempt);
            if (ours && *ours) {
                m_announcer.add(running->job.id);
                co_return Next();
            }
        }
        if (!isConnectionProblem(done.error()) || elapsed.elapsed() > running->job.leaseSeconds * 1000)
            co_return done.error();
        retried = true;
        logLine("warning", "complete_retry", {{QStringLiteral("job"), running->job.id}, {QStringLiteral("message"), done.error().message}});
        co_await QCoro::sleepFor(delay);
        delay = std::min(delay * 2, std::chrono::milliseconds(5000));
    }
}

QCoro::Task<> Worker::failAttempt(const Running &running, QString error, bool retryable)
{
    if (running.lost)
        co_return;
    QElapsedTimer elapsed;
    elapsed.start();
    std::chrono::milliseconds delay{250};
    Result<QString> state = co_await cloud::failJob(*running.writer, running.job.id, running.job.token, error, retryable);
    while (!state && isConnectionProblem(state.error()) && elapsed.elapsed() < running.job.leaseSeconds * 1000) {
        co_await QCoro::sleepFor(delay);
        delay = std::min(delay * 2, std::chrono::milliseconds(5000));
        state = co_await cloud::failJob(*running.writer, running.job.id, running.job.token, error, retryable);
    }
    if (state && *state == u"failed")
        m_announcer.add(running.job.id); // a retry or a cancellation notified already
    QJsonObject fields{{QStringLiteral("job"), running.job.id},
                       {QStringLiteral("attempt"), running.job.attempt},
                       {QStringLiteral("error"), error},
                       {QStringLiteral("retryable"), retryable}};
    if (state)
        fields.insert(QStringLiteral("state"), *state);
    else
        fields.insert(QStringLiteral("message"), state.error().message);
    logLine(state ? "info" : "warning", state ? "job_failed" : "fail_not_recorded", fields);
}

QCoro::Task<Result<QList<cloud::OutputRecord>>> Worker::uploadOutputs(std::shared_ptr<Running> running, QString outputDir,
                                                                       QStringList names)
{
    QList<cloud::OutputRecord> records;
    const QString prefix = QStringLiteral("outputs/%1/%2/").arg(running->job.id).arg(running->job.attempt);
    for (const QString &name : std::as_const(names)) {
        const QString path = QDir(outputDir).filePath(name);
        cloud::OutputRecord o;
        o.name = name;
        o.kind = cloud::outputKind(name);
        o.size = QFileInfo(path).size();
        QFuture<Result<QString>> hashing = QtConcurrent::run([path] { return ingest::sha256File(path); });
        Result<QString> sha = co_await hashing;
        if (!sha)
            co_return sha.error();
        o.sha256 = *sha;
        Result<void> put;
        const QString key = prefix + name;
        if (o.size >= cloud::s3::Client::kMultipartThreshold) {
            // Large outputs go in parts, in parallel, each retried; a failure aborts the upload.
            put = co_await m_storage.putFileMultipart(key, path);
        } else {
            for (int attempt = 1; attempt <= 3; ++attempt) {
                put = co_await m_storage.putFile(key, path);
                if (put || running->lost)
                    break;
                co_await QCoro::sleepFor(std::chrono::milliseconds(500 * attempt));
            }
        }
        if (!put)
            co_return put.error();
        records.append(o);
    }
    co_return records;
}

QCoro::Task<Worker::Fetched> Worker::fetchUpload(QString jobId, QString sha256, QString path)
{
    if (sha256.isEmpty())
        co_return Fetched{Fetched::Missing, {}};
    const QString key = QStringLiteral("uploads/") + sha256;
    Result<void> got = co_await m_storage.getFile(key, path, false);
    if (!got) {
        if (got.error().code != Error::Code::NotFound)
            co_return Fetched{Fetched::Failed, got.error().message};
        (void)co_await cloud::markUpload(*quietestWriter(), sha256, false);
        co_return Fetched{Fetched::Missing, {}};
    }
    QFuture<Result<QString>> hashing = QtConcurrent::run([path] { return ingest::sha256File(path); });
    Result<QString> sha = co_await hashing;
    if (!sha || *sha != sha256) {
        // One analyst cannot poison another's input: the object goes, the next submission uploads it again.
        (void)co_await m_storage.del(key);
        (void)co_await cloud::markUpload(*quietestWriter(), sha256, false);
        logLine("warning", "input_damaged",
                {{QStringLiteral("job"), jobId}, {QStringLiteral("expected"), sha256}, {QStringLiteral("got"), sha ? *sha : QString()}});
        co_return Fetched{Fetched::Damaged, {}};
    }
    if (auto marked = co_await cloud::markUpload(*quietestWriter(), sha256, true); !marked)
        logLine("warning", "mark_upload_failed", {{QStringLiteral("job"), jobId}, {QStringLiteral("message"), marked.error().message}});
    co_return Fetched{Fetched::Ok, {}};
}

cloud::pg::Connection *Worker::quietestWriter()
{
    if (m_writers.empty())
        return &m_db; // one slot: one session
    std::vector<int> load(m_writers.size(), 0);
    for (const auto &r : m_running)
        for (size_t i = 0; i < m_writers.size(); ++i)
            if (r->writer == m_writers[i].get())
                ++load[i];
    return m_writers[size_t(std::min_element(load.begin(), load.end()) - load.begin())].get();
}

QCoro::Task<> Worker::runOne(cloud::ClaimedJob job, cloud::pg::Connection *writer)
{
    auto running = std::make_shared<Running>();
    running->job = std::move(job);
    running->writer = writer;
    m_running.insert(running);
    if (m_aborting) { // claimed by a completion while the worker was aborting
        running->aborted = true;
        running->feedback.cancel();
    }
    const cloud::ClaimedJob &j = running->job;
    const QString jobId = j.id;
    logLine("info", "claimed",
            {{QStringLiteral("job"), jobId}, {QStringLiteral("attempt"), j.attempt}, {QStringLiteral("input"), j.inputName}});
    heartbeats(running);
    announceRunning(running);

    auto finish = [this, running] {
        running->finished = true;
        m_running.erase(running);
        poke();
    };

    QTemporaryDir work;
    if (!work.isValid()) {
        const QString why = QStringLiteral("the worker cannot make a temporary folder");
        co_await failAttempt(*running, why, true);
        finish();
        co_return;
    }
    // Download and check the input.
    const QString inputDir = work.filePath(QStringLiteral("input"));
    QDir().mkpath(inputDir);
    const QString inputPath = QDir(inputDir).filePath(localInputName(j.inputName));
    const Fetched input = co_await fetchUpload(jobId, j.inputSha256, inputPath);
    if (input.outcome != Fetched::Ok) {
        const QString why = input.outcome == Fetched::Missing ? QStringLiteral("the uploaded file is missing from the storage; submit it again")
                            : input.outcome == Fetched::Damaged ? QStringLiteral("the uploaded file was damaged; submit it again")
                                                                : QStringLiteral("the input could not be downloaded: ") + input.detail;
        co_await failAttempt(*running, why, input.outcome == Fetched::Failed);
        finish();
        co_return;
    }

    // The same pipeline as `finpipe-cli analyze`, on the spec the analyst submitted.
    Result<jobs::PinnedSpec> pinned = jobs::jobSpecFromJson(j.parameters);
    if (!pinned) {
        const QString why = QStringLiteral("the job's settings cannot be read: ") + pinned.error().message;
        co_await failAttempt(*running, why, false);
        finish();
        co_return;
    }
    const QString rulesVersion = detect::Rules::load().version();
    if (!pinned->pins.rulesVersion.isEmpty() && pinned->pins.rulesVersion != rulesVersion) {
        const QString why = QStringLiteral("this worker's detection rules (%1) differ from the ones the job was submitted with "
                                           "(%2); run workers of the same finpipe version as the desktops")
                                .arg(rulesVersion, pinned->pins.rulesVersion);
        co_await failAttempt(*running, why, false);
        finish();
        co_return;
    }
    jobs::JobSpec spec = pinned->spec;
    spec.inputPath = inputPath;
    // Templates are stored like inputs (uploads/<sha256>) and checked the same way.
    spec.params.templates.clear();
    const QString templateDir = work.filePath(QStringLiteral("templates"));
    QDir().mkpath(templateDir);
    for (const QString &name : std::as_const(pinned->spec.params.templates)) {
        const QString local = QDir(templateDir).filePath(localInputName(name));
        const Fetched fetched = co_await fetchUpload(jobId, pinned->pins.templateSha256.value(name), local);
        if (fetched.outcome != Fetched::Ok) {
            const QString why = fetched.outcome == Fetched::Missing
                                    ? QStringLiteral("the template %1 is missing from the storage; submit the job again").arg(name)
                                : fetched.outcome == Fetched::Damaged
                                    ? QStringLiteral("the uploaded template %1 was damaged; submit the job again").arg(name)
                                    : QStringLiteral("the template %1 could not be downloaded: %2").arg(name, fetched.detail);
            co_await failAttempt(*running, why, fetched.outcome == Fetched::Failed);
            finish();
            co_return;
        }
        spec.params.templates << local;
    }
    spec.outputDir = work.filePath(QStringLiteral("out"));
    Feedback *feedback = &running->feedback;
    QFuture<Result<jobs::Manifest>> analysing = QtConcurrent::run([spec, feedback] { return runGuarded(spec, feedback); });
    Result<jobs::Manifest> result = co_await analysing;

    if (running->lost) {
        logLine("warning", "job_abandoned", {{QStringLiteral("job"), jobId}, {QStringLiteral("reason"), QStringLiteral("lease lost")}});
    } else if (running->cancelled) {
        logLine("info", "job_cancelled", {{QStringLiteral("job"), jobId}});
    } else if (running->aborted) {
        const QString why = QStringLiteral("the worker was stopped before the job ended");
        co_await failAttempt(*running, why, true);
    } else if (!result) {
        const QString why = result.error().message;
        co_await failAttempt(*running, why, !isPermanent(result.error()));
    } else {
        QStringList names;
        for (const jobs::OutputFile &o : result->outputs)
            names << o.name;
        names << QStringLiteral("manifest.json");
        Result<QList<cloud::OutputRecord>> uploaded = co_await uploadOutputs(running, spec.outputDir, names);
        if (!uploaded) {
            const QString why = QStringLiteral("the outputs could not be stored: ") + uploaded.error().message;
            co_await failAttempt(*running, why, true);
        } else if (!running->lost) {
            // The outputs are stored. The completion claims the next job for this slot in the same
            // transaction; a worker that is stopping gives the slot up first and claims nothing.
            const bool claimNext = !m_stopping;
            if (!claimNext) {
                m_running.erase(running);
                ++m_completing;
                poke();
            }
            Result<std::optional<cloud::ClaimedJob>> done = co_await complete(running, *uploaded, claimNext);
            if (!claimNext)
                --m_completing;
            if (done) {
                logLine("info", "job_succeeded",
                        {{QStringLiteral("job"), jobId}, {QStringLiteral("attempt"), j.attempt}, {QStringLiteral("outputs"), int(uploaded->size())},
                         {QStringLiteral("rows"), result->rowsRead}});
                if (*done)
                    runOne(std::move(**done), running->writer); // runs on in the slot this job frees below
            } else {
                const QString state = cloud::pg::sqlState(done.error());
                logLine("warning", state == QLatin1String(cloud::kJobCancelled) ? "job_cancelled" : "complete_refused",
                        {{QStringLiteral("job"), jobId}, {QStringLiteral("message"), done.error().message}});
            }
        }
    }
    finish();
}

} // namespace finpipe::worker
