#include "cloud/queue/cloudexecutor.h"

#include "cloud/pg/connection.h"
#include "cloud/pg/conninfo.h"
#include "cloud/queue/download.h"
#include "cloud/queue/jobqueue.h"
#include "cloud/queue/submission.h"
#include "detect/rules.h"

#include <QCoroFuture>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkInformation>
#include <QPointer>
#include <QRandomGenerator>
#include <QtConcurrent/QtConcurrentRun>

namespace finpipe::cloud {

using jobs::RunKey;
using jobs::RunOutcome;

namespace {

const QString kChannel = QStringLiteral("finpipe_jobs");

//! Errors of the analyst's own file or choices: trying again in the cloud cannot fix them.
bool isFinalSubmitError(const Error &e)
{
    switch (e.code) {
    case Error::Code::NotFound:
    case Error::Code::Unreadable:
    case Error::Code::Usage:
    case Error::Code::Changed:
    case Error::Code::Uncertain:
    case Error::Code::Invalid:
    case Error::Code::Format:
    case Error::Code::Corrupt:
    case Error::Code::Encrypted:
    case Error::Code::Unsupported:
    case Error::Code::TooLarge:
        return true;
    default:
        return false;
    }
}

QString notSetUpText()
{
    return QObject::tr("the team cloud is not set up on this computer (Settings, Cloud)");
}

QString waitingText(const QString &why)
{
    return QObject::tr("Waiting for the cloud: %1. finpipe sends it as soon as the cloud answers.").arg(why);
}

} // namespace

//! One connection to the database and the HTTP access that goes with it. Coroutines hold it by a
//! shared pointer, so it outlives any of them still suspended on it; `alive` false tells them that
//! the executor no longer wants their answer (shut down, or the settings changed).
struct CloudExecutor::Session {
    pg::Connection db;
    QNetworkAccessManager nam;
    bool alive = true;
    bool connecting = false;
};

CloudExecutor::CloudExecutor(QObject *parent) : JobExecutor(parent)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, [this] {
        if (m_connected)
            catchUp(m_session);
        else
            retryNow();
    });
    // A network that comes back is the moment to try, not the next backoff step.
    if (QNetworkInformation::loadDefaultBackend() && QNetworkInformation::instance())
        connect(QNetworkInformation::instance(), &QNetworkInformation::reachabilityChanged, this,
                [this](QNetworkInformation::Reachability r) {
                    if (r == QNetworkInformation::Reachability::Online || r == QNetworkInformation::Reachability::Site)
                        retryNow();
                });
    m_why = notSetUpText();
}

CloudExecutor::~CloudExecutor()
{
    shutdown(0);
}

void CloudExecutor::setConnInfo(const QString &conninfo)
{
    if (m_shutDown || (conninfo == m_conninfo && m_session))
        return;
    dropSession();
    m_connected = false;
    m_backoffMs = 0;
    m_retry.stop();
    m_conninfo = conninfo;
    if (conninfo.isEmpty()) {
        unavailable(notSetUpText());
        return;
    }
    m_why = tr("connecting to the team cloud");
    retryNow();
}

void CloudExecutor::retryNow()
{
    if (m_shutDown || m_conninfo.isEmpty() || m_connected || (m_session && m_session->connecting))
        return;
    m_retry.stop();
    dropSession();
    // Deleted from the event loop: the last coroutine may let go of it inside one of its calls.
    m_session = std::shared_ptr<Session>(new Session, [](Session *s) { QTimer::singleShot(0, [s] { delete s; }); });
    connectLoop(m_session, m_conninfo);
}

QCoro::Task<> CloudExecutor::connectLoop(std::shared_ptr<Session> session, QString conninfo)
{
    session->connecting = true;
    session->db.setConnectTimeout(std::chrono::seconds(10));
    Result<void> connected = co_await session->db.connect(conninfo);
    if (connected)
        connected = co_await session->db.listen(kChannel);
    session->connecting = false;
    if (!session->alive)
        co_return;
    if (!connected) {
        unavailable(connected.error().message);
        scheduleRetry();
        co_return;
    }
    onConnected(session);
}

void CloudExecutor::dropSession()
{
    if (!m_session)
        return;
    m_session->alive = false;
    m_session->db.close();
    m_session.reset();
}

void CloudExecutor::unavailable(const QString &why)
{
    m_why = why;
    for (const RunPtr &run : std::as_const(m_runs))
        if (run->phase == Run::Phase::Waiting)
            setWaiting(run, why);
    Q_EMIT connectionChanged(false, why);
}

void CloudExecutor::scheduleRetry()
{
    // 2 s, 4 s, … up to a minute, with a little jitter so that many apps do not come back at once.
    m_backoffMs = qBound(2000, m_backoffMs * 2, 60000);
    m_retry.start(m_backoffMs + int(QRandomGenerator::global()->bounded(m_backoffMs / 4 + 1)));
}

void CloudExecutor::onConnected(const std::shared_ptr<Session> &session)
{
    m_connected = true;
    m_why.clear();
    m_backoffMs = 0;
    connect(&session->db, &pg::Connection::notification, this, [this, s = std::weak_ptr(session)](const QString &, const QString &payload) {
        if (auto session = s.lock(); session && session->alive)
            onNotification(payload);
    });
    connect(&session->db, &pg::Connection::disconnected, this, [this, s = std::weak_ptr(session)](const QString &why) {
        if (auto session = s.lock(); session && session->alive)
            onLost(why);
    });
    connect(&session->db, &pg::Connection::reconnected, this, [this, s = std::weak_ptr(session)] {
        auto session = s.lock();
        if (!session || !session->alive)
            return;
        m_connected = true;
        m_why.clear();
        Q_EMIT connectionChanged(true, {});
        catchUp(session);
    });
    Q_EMIT connectionChanged(true, {});
    catchUp(session);
}

void CloudExecutor::onLost(const QString &why)
{
    m_connected = false;
    unavailable(why);
}

void CloudExecutor::catchUp(const std::shared_ptr<Session> &session)
{
    if (!session || !session->alive || !m_connected)
        return;
    findForeignRuns(session);
    const QList<RunPtr> runs = m_runs.values();
    for (const RunPtr &run : runs) {
        if (run->phase == Run::Phase::Waiting)
            submitRun(session, run);
        else if (run->phase == Run::Phase::InCloud)
            refresh(session, run);
    }
}

void CloudExecutor::start(const RunKey &key, const jobs::JobSpec &spec)
{
    auto run = std::make_shared<Run>();
    run->key = key;
    run->spec = spec;
    m_runs.insert(key, run);
    if (m_connected)
        submitRun(m_session, run);
    else
        setWaiting(run, m_why);
}

void CloudExecutor::resume(const RunKey &key, const jobs::JobSpec &spec, const QString &remoteId)
{
    if (remoteId.isEmpty()) {
        start(key, spec);
        return;
    }
    auto run = std::make_shared<Run>();
    run->key = key;
    run->spec = spec;
    run->remoteId = remoteId;
    run->phase = Run::Phase::InCloud;
    m_runs.insert(key, run);
    m_byRemote.insert(remoteId, key);
    if (m_connected)
        refresh(m_session, run);
}

void CloudExecutor::setWaiting(const RunPtr &run, const QString &why)
{
    const QString text = why.isEmpty() ? QString() : waitingText(why);
    QMetaObject::invokeMethod(this, [this, key = run->key, text] {
        if (!m_shutDown && m_runs.contains(key))
            Q_EMIT runWaiting(key, text);
    }, Qt::QueuedConnection);
}

QCoro::Task<> CloudExecutor::submitRun(std::shared_ptr<Session> session, RunPtr run)
{
    run->phase = Run::Phase::Submitting;
    const jobs::JobSpec spec = run->spec;
    // Detection reads the file: never on this (the GUI's) thread.
    // (A named future: GCC 12 destroys a temporary awaited in an initializer twice.)
    QFuture<Result<Submission>> preparing = QtConcurrent::run([spec] { return prepareSubmission(spec, detect::Rules::load()); });
    Result<Submission> prepared = co_await preparing;
    if (!session->alive || !current(run))
        co_return;
    if (!prepared) {
        finishFailed(run, prepared.error());
        co_return;
    }
    if (run->cancelRequested) {
        finishCancelled(run);
        co_return;
    }
    // The upload's progress shows in the list ("Uploading 40%"); Cancel stops it.
    prepared->uploadProgress = [this, run, self = QPointer<CloudExecutor>(this)](qint64 sent, qint64 total) {
        if (!self || run->cancelRequested)
            return false;
        if (total > 0)
            Q_EMIT runProgress(run->key, double(sent) / double(total));
        return true;
    };
    Result<Submitted> submitted = co_await submitToCloud(session->db, session->nam, *prepared);
    if (!session->alive || !current(run))
        co_return;
    if (!submitted && run->cancelRequested) {
        finishCancelled(run);
        co_return;
    }
    if (!submitted) {
        if (isFinalSubmitError(submitted.error())) {
            finishFailed(run, submitted.error());
            co_return;
        }
        // The cloud did not take it (the storage or the database is away): it waits and goes later.
        run->phase = Run::Phase::Waiting;
        setWaiting(run, submitted.error().message);
        if (!m_retry.isActive())
            scheduleRetry();
        co_return;
    }
    run->remoteId = submitted->jobId;
    run->phase = Run::Phase::InCloud;
    m_byRemote.insert(run->remoteId, run->key);
    Q_EMIT runPlaced(run->key, run->remoteId, QString());
    Q_EMIT runWaiting(run->key, QString());
    if (run->cancelRequested)
        sendCancel(session, run); // reads the row once the cloud said
    else
        refresh(session, run); // a fast worker may have taken it before we listened for its id
}

QCoro::Task<> CloudExecutor::sendCancel(std::shared_ptr<Session> session, RunPtr run)
{
    run->cancelSent = true;
    Result<QString> state = co_await cancelJob(session->db, run->remoteId);
    if (!session->alive || !current(run))
        co_return;
    if (!state)
        run->cancelSent = false; // tried again when the connection is back
    else
        refresh(session, run);
}

namespace {

//! jobqueue's timestamps: "2026-12-05T15:33:46Z".
QDateTime timestampFromDb(const QString &text)
{
    return QDateTime::fromString(text, Qt::ISODate).toUTC();
}

} // namespace

void CloudExecutor::reportForeign(const JobRow &row)
{
    if (m_byRemote.contains(row.id))
        return;
    Q_EMIT foreignRunFound(jobs::ForeignRun{row.id, row.inputName, row.inputSha256, row.inputSize, row.datasetType,
                                            timestampFromDb(row.createdAt)});
}

QCoro::Task<> CloudExecutor::findForeignRuns(std::shared_ptr<Session> session)
{
    Result<QList<JobRow>> rows = co_await listJobs(session->db, 50);
    if (!session->alive || !rows)
        co_return;
    // The last week's: enough to pick up what the analyst sent from elsewhere, without bringing
    // down the outputs of a year of jobs.
    const QDateTime since = QDateTime::currentDateTimeUtc().addDays(-7);
    for (const JobRow &row : std::as_const(*rows))
        if (timestampFromDb(row.createdAt) >= since)
            reportForeign(row);
}

QCoro::Task<> CloudExecutor::adoptIfMine(std::shared_ptr<Session> session, QString remoteId)
{
    // Row-level security answers only for the analyst's own jobs.
    Result<JobRow> row = co_await jobById(session->db, remoteId);
    if (session->alive && row)
        reportForeign(*row);
}

void CloudExecutor::onNotification(const QString &payload)
{
    const QJsonObject o = QJsonDocument::fromJson(payload.toUtf8()).object();
    const QString id = o.value(QStringLiteral("id")).toString();
    if (!m_byRemote.contains(id)) {
        // A new job: the analyst's own, sent from another computer or the CLI, joins the list.
        if (o.value(QStringLiteral("state")).toString() == u"queued" && isJobId(id) && m_session)
            adoptIfMine(m_session, id);
        return;
    }
    const RunPtr run = m_runs.value(m_byRemote.value(id));
    if (!run || run->phase != Run::Phase::InCloud)
        return;
    const QString state = o.value(QStringLiteral("state")).toString();
    if (state == u"running" && run->started && o.contains(QStringLiteral("progress"))) {
        // A heartbeat's progress: no need to read the row.
        Q_EMIT runProgress(run->key, o.value(QStringLiteral("progress")).toDouble());
        return;
    }
    refresh(m_session, run);
}

QCoro::Task<> CloudExecutor::refresh(std::shared_ptr<Session> session, RunPtr run)
{
    Result<JobRow> row = co_await jobById(session->db, run->remoteId);
    if (!session->alive || !current(run) || run->phase != Run::Phase::InCloud)
        co_return;
    if (!row) {
        if (pg::sqlState(row.error()) == QLatin1String(kNoSuchJob))
            finishFailed(run, Error::make(Error::Code::NotFound,
                                               tr("The team cloud no longer has this job (it was deleted there). Re-run it "
                                                  "to run it again.")));
        co_return; // a lost connection: the reconnect reads it again
    }
    if (run->cancelRequested && !run->cancelSent && !isFinalState(row->state)) {
        sendCancel(session, run);
        co_return;
    }
    if (row->state == u"running") {
        markStarted(run);
        Q_EMIT runProgress(run->key, row->progress);
        co_await learnHost(session, run);
    } else if (row->state == u"succeeded") {
        if (run->cancelRequested)
            finishCancelled(run);
        else
            download(session, run);
    } else if (row->state == u"failed") {
        finishFailed(run, Error::make(Error::Code::Failed, row->error.isEmpty() ? tr("The job failed in the cloud.") : row->error));
    } else if (row->state == u"cancelled") {
        finishCancelled(run);
    }
}

void CloudExecutor::markStarted(const RunPtr &run)
{
    if (run->started)
        return;
    run->started = true;
    Q_EMIT runStarted(run->key);
}

QCoro::Task<> CloudExecutor::learnHost(std::shared_ptr<Session> session, RunPtr run)
{
    if (!run->host.isEmpty())
        co_return;
    Result<QString> host = co_await jobHost(session->db, run->remoteId);
    if (session->alive && current(run) && host && !host->isEmpty()) {
        run->host = *host;
        Q_EMIT runPlaced(run->key, run->remoteId, run->host);
    }
}

QCoro::Task<> CloudExecutor::download(std::shared_ptr<Session> session, RunPtr run)
{
    run->phase = Run::Phase::Downloading;
    markStarted(run);
    co_await learnHost(session, run);
    if (!session->alive || !current(run))
        co_return;
    Result<QList<OutputRecord>> outputs = co_await jobOutputs(session->db, run->remoteId);
    if (!session->alive || !current(run))
        co_return;
    auto later = [&](const QString &why) {
        // Downloads go on from where they stopped once the cloud answers again.
        run->phase = Run::Phase::InCloud;
        Q_EMIT runProgress(run->key, -1);
        qInfo("finpipe: the outputs of cloud job %s will be downloaded later: %s", qPrintable(run->remoteId), qPrintable(why));
        if (!m_retry.isActive())
            scheduleRetry();
    };
    if (!outputs) {
        later(outputs.error().message);
        co_return;
    }
    if (!QDir().mkpath(run->spec.outputDir)) {
        finishFailed(run, Error::make(Error::Code::Permission, tr("The folder for the job's results (%1) could not be made.")
                                                                        .arg(QDir::toNativeSeparators(run->spec.outputDir))));
        co_return;
    }
    // Progress in bytes over every output; Cancel stops the file being fetched (its `.part` stays).
    qint64 total = 0, before = 0;
    for (const OutputRecord &o : std::as_const(*outputs))
        total += qMax<qint64>(o.size, 0);
    for (const OutputRecord &o : std::as_const(*outputs)) {
        if (run->cancelRequested) {
            finishCancelled(run);
            co_return;
        }
        auto progress = [this, run, before, total, self = QPointer<CloudExecutor>(this)](qint64 received) {
            if (!self || run->cancelRequested)
                return false;
            if (total > 0)
                Q_EMIT runProgress(run->key, qBound(0.0, double(before + received) / double(total), 1.0));
            return true;
        };
        Result<void> got = co_await downloadOutput(session->db, session->nam, run->remoteId, o, run->spec.outputDir, progress);
        if (!session->alive || !current(run))
            co_return;
        if (!got && run->cancelRequested) {
            finishCancelled(run);
            co_return;
        }
        if (!got) {
            if (got.error().code == Error::Code::Corrupt) {
                finishFailed(run, Error::make(Error::Code::Corrupt,
                                                   tr("The download of %1 from the team cloud was damaged (its SHA-256 does not "
                                                      "match the one the worker recorded), so finpipe deleted it. Re-run the job "
                                                      "to try again.").arg(o.name)));
                co_return;
            }
            if (got.error().code == Error::Code::Format) {
                finishFailed(run, got.error()); // an output name that is not a plain file name
                co_return;
            }
            later(got.error().message);
            co_return;
        }
        before += qMax<qint64>(o.size, 0);
    }
    QFile file(QDir(run->spec.outputDir).filePath(QStringLiteral("manifest.json")));
    Result<jobs::Manifest> manifest = file.open(QIODevice::ReadOnly)
        ? jobs::Manifest::fromJson(file.read(16 << 20))
        : Result<jobs::Manifest>(Error::make(Error::Code::NotFound, tr("The cloud job left no manifest.json.")));
    if (!manifest) {
        finishFailed(run, manifest.error());
        co_return;
    }
    for (jobs::OutputFile &f : manifest->outputs)
        f.path = QDir(run->spec.outputDir).filePath(f.name);
    finish(run, RunOutcome{run->key, true, false, {}, *manifest});
}

void CloudExecutor::finishCancelled(const RunPtr &run)
{
    finish(run, RunOutcome{run->key, false, true, {}, {}});
}

void CloudExecutor::finishFailed(const RunPtr &run, Error error)
{
    finish(run, RunOutcome{run->key, false, false, std::move(error), {}});
}

void CloudExecutor::finish(const RunPtr &run, RunOutcome outcome)
{
    if (!current(run))
        return;
    m_runs.remove(run->key);
    if (!run->remoteId.isEmpty())
        m_byRemote.remove(run->remoteId);
    outcome.key = run->key;
    QMetaObject::invokeMethod(this, [this, outcome] {
        if (!m_shutDown)
            Q_EMIT runFinished(outcome);
    }, Qt::QueuedConnection);
}

bool CloudExecutor::cancel(const RunKey &key)
{
    const RunPtr run = m_runs.value(key);
    if (!run)
        return false;
    run->cancelRequested = true;
    switch (run->phase) {
    case Run::Phase::Waiting:
        finishCancelled(run);
        break;
    case Run::Phase::InCloud:
        if (m_connected && !run->cancelSent)
            sendCancel(m_session, run);
        break;
    case Run::Phase::Submitting:
    case Run::Phase::Downloading:
        break; // seen when the step ends
    }
    return true;
}

bool CloudExecutor::shutdown(int msecs)
{
    Q_UNUSED(msecs);
    m_shutDown = true;
    m_retry.stop();
    dropSession();
    m_runs.clear();
    m_byRemote.clear();
    m_connected = false;
    return true;
}

QCoro::Task<Result<QString>> CloudExecutor::outputLink(QString remoteId, QString name, int expiresSeconds)
{
    if (!m_connected || !m_session)
        co_return Error::make(Error::Code::Failed, tr("The team cloud cannot be reached now (%1).").arg(m_why));
    std::shared_ptr<Session> session = m_session;
    co_return co_await presignOutput(session->db, remoteId, name, expiresSeconds);
}

} // namespace finpipe::cloud
