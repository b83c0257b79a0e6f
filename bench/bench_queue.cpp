// finpipe-bench-queue: the PostgreSQL job queue's own speed, through the same client code the
// worker uses (cloud::pg::Connection and the queue calls): no-op jobs claimed and completed per
// second with 1, 4 and 16 concurrent workers (each as finpipe-worker runs with one slot: the first
// claim on one connection, then each completion and the next claim in one transaction on another,
// one transaction per job completed, the completion announced right after it commits in the same
// round trip), and pickup latency
// from submit to claimed for a worker waiting on NOTIFY.
//
// FINPIPE_DATABASE_URL must be an administrator's URL (CREATEDB): the benchmark makes its own
// database `finpipe_bench_queue`, migrated afresh. Usage: finpipe-bench-queue [JOBS] [PICKUPS]
// With FINPIPE_BENCH_SYNC_COMMIT=off every session commits without waiting for the WAL flush,
// which tells whether the disk's fsync is the limit.
#include "cloud/common/wakeup.h"
#include "cloud/pg/connection.h"
#include "cloud/pg/migrator.h"
#include "cloud/queue/jobqueue.h"

#include <QCoreApplication>
#include <QCoroTimer>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <vector>

using namespace finpipe;
using namespace finpipe::cloud;

namespace {

const char *kDb = "finpipe_bench_queue";
const char *kSha = "0000000000000000000000000000000000000000000000000000000000000000";

QString urlFor(const QString &admin, const QString &db)
{
    QUrl u(admin);
    u.setPath(u'/' + db);
    return u.toString(QUrl::FullyEncoded);
}

QCoro::Task<Result<void>> prepare(QString adminUrl)
{
    pg::Connection admin;
    admin.setAutoReconnect(false);
    if (auto c = co_await admin.connect(adminUrl); !c)
        co_return c.error();
    const QString drop = QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(QLatin1String(kDb));
    const QString create = QStringLiteral("CREATE DATABASE %1").arg(QLatin1String(kDb));
    if (auto r = co_await admin.execute(drop); !r)
        co_return r.error();
    if (auto r = co_await admin.execute(create); !r)
        co_return r.error();
    pg::Connection db;
    db.setAutoReconnect(false);
    const QString url = urlFor(adminUrl, QLatin1String(kDb));
    if (auto c = co_await db.connect(url); !c)
        co_return c.error();
    Result<pg::Migrations> migrations = pg::loadMigrations();
    if (!migrations)
        co_return migrations.error();
    if (auto m = co_await pg::migrate(db, *migrations); !m)
        co_return m.error();
    // A stored input for the no-op jobs (the benchmark touches no storage).
    const QString upload = QStringLiteral("INSERT INTO finpipe.uploads (sha256, storage_key, size, stored) "
                                          "VALUES ($1, 'uploads/' || $1, 0, true)");
    const QVariantList p{QString::fromLatin1(kSha)};
    if (auto r = co_await db.query(upload, p); !r)
        co_return r.error();
    co_return Result<void>();
}

QCoro::Task<Result<void>> tune(pg::Connection &c)
{
    const QString mode = qEnvironmentVariable("FINPIPE_BENCH_SYNC_COMMIT");
    if (mode.isEmpty())
        co_return Result<void>();
    const QString sql = QStringLiteral("SELECT set_config('synchronous_commit', $1, false)");
    const QVariantList p{mode};
    if (auto r = co_await c.query(sql, p); !r)
        co_return r.error();
    co_return Result<void>();
}

QCoro::Task<Result<void>> enqueue(pg::Connection &db, int n)
{
    const QString sql = QStringLiteral("SELECT count(finpipe.submit_job('noop', 0, $1, 'noop')) FROM generate_series(1, $2::int)");
    const QVariantList p{QString::fromLatin1(kSha), n};
    if (auto r = co_await db.query(sql, p); !r)
        co_return r.error();
    co_return Result<void>();
}

//! One worker, as finpipe-worker runs with one slot: it claims a job on one connection, then
//! completes each job and claims the next in one transaction (complete_and_claim) on the other,
//! each completion announced right after it commits (in the same round trip). Counts what it did.
QCoro::Task<Result<int>> drain(pg::Connection *claims, pg::Connection *writes, QString worker)
{
    int done = 0;
    Result<std::optional<ClaimedJob>> job = co_await claimJob(*claims, worker, 30);
    const QList<OutputRecord> none;
    while (job && *job) {
        const QString id = (*job)->id;
        const QString token = (*job)->token;
        job = co_await completeAndClaim(*writes, id, token, none, worker, 30);
        if (!job)
            co_return job.error();
        ++done;
    }
    if (!job)
        co_return job.error();
    co_return done;
}

QCoro::Task<Result<double>> throughput(QString url, int workers, int jobs)
{
    pg::Connection submitter;
    submitter.setAutoReconnect(false);
    if (auto c = co_await submitter.connect(url); !c)
        co_return c.error();
    if (auto e = co_await enqueue(submitter, jobs); !e)
        co_return e.error();
    std::vector<std::unique_ptr<pg::Connection>> connections; // two per worker: claims, writes
    std::vector<QString> ids;
    for (int i = 0; i < workers; ++i) {
        for (int k = 0; k < 2; ++k) {
            auto c = std::make_unique<pg::Connection>();
            c->setAutoReconnect(false);
            if (auto r = co_await c->connect(url); !r)
                co_return r.error();
            if (auto r = co_await tune(*c); !r)
                co_return r.error();
            connections.push_back(std::move(c));
        }
        const QString host = QStringLiteral("bench");
        const QString version = QStringLiteral("bench");
        Result<QString> id = co_await registerWorker(*connections[size_t(2 * i)], host, i, version);
        if (!id)
            co_return id.error();
        ids.push_back(*id);
    }
    QElapsedTimer t;
    t.start();
    std::vector<QCoro::Task<Result<int>>> tasks;
    for (int i = 0; i < workers; ++i)
        tasks.push_back(drain(connections[size_t(2 * i)].get(), connections[size_t(2 * i + 1)].get(), ids[size_t(i)]));
    int total = 0;
    for (auto &task : tasks) {
        Result<int> n = co_await task;
        if (!n)
            co_return n.error();
        total += *n;
    }
    const double seconds = double(t.nsecsElapsed()) / 1e9;
    if (total != jobs)
        co_return Error::make(Error::Code::Failed, QStringLiteral("%1 jobs done of %2").arg(total).arg(jobs));
    co_return double(total) / seconds;
}

//! Submit → claimed, for a worker idle on LISTEN: milliseconds per job.
QCoro::Task<Result<std::vector<double>>> pickups(QString url, int n)
{
    pg::Connection worker, submitter;
    worker.setAutoReconnect(false);
    submitter.setAutoReconnect(false);
    if (auto c = co_await worker.connect(url); !c)
        co_return c.error();
    if (auto c = co_await submitter.connect(url); !c)
        co_return c.error();
    if (auto r = co_await tune(worker); !r)
        co_return r.error();
    if (auto r = co_await tune(submitter); !r)
        co_return r.error();
    const QString host = QStringLiteral("bench");
    Result<QString> id = co_await registerWorker(worker, host, 0, host);
    if (!id)
        co_return id.error();
    const QString channel = QStringLiteral("finpipe_jobs");
    if (auto l = co_await worker.listen(channel); !l)
        co_return l.error();
    std::vector<double> ms;
    const QString submit = QStringLiteral("SELECT finpipe.submit_job('noop', 0, $1, 'noop')");
    const QVariantList p{QString::fromLatin1(kSha)};
    const QList<OutputRecord> none;
    WakeUp queued;
    QObject::connect(&worker, &pg::Connection::notification, &queued, [&queued](const QString &, const QString &payload) {
        if (payload.contains(QLatin1String("\"queued\"")))
            queued.wake();
    });
    for (int i = 0; i < n; ++i) {
        queued.clear();
        QElapsedTimer t;
        t.start();
        QCoro::Task<Result<pg::QueryResult>> submitting = submitter.query(submit, p);
        co_await queued.wait(std::chrono::milliseconds(5000));
        Result<std::optional<ClaimedJob>> job = co_await claimJob(worker, *id, 30);
        const double elapsed = double(t.nsecsElapsed()) / 1e6;
        if (auto s = co_await submitting; !s)
            co_return s.error();
        if (!job || !*job)
            co_return Error::make(Error::Code::Failed, QStringLiteral("the notified job was not claimed"));
        ms.push_back(elapsed);
        const QString jobId = (*job)->id;
        const QString token = (*job)->token;
        if (auto c = co_await completeJob(worker, jobId, token, none); !c)
            co_return c.error();
    }
    co_return ms;
}

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

QCoro::Task<int> run(int jobs, int pickupCount)
{
    const QString admin = qEnvironmentVariable("FINPIPE_DATABASE_URL");
    if (admin.isEmpty()) {
        std::fprintf(stderr, "FINPIPE_DATABASE_URL is not set (an administrator's URL)\n");
        co_return 2;
    }
    if (auto p = co_await prepare(admin); !p) {
        std::fprintf(stderr, "%s\n", qPrintable(p.error().toString()));
        co_return 1;
    }
    const QString url = urlFor(admin, QLatin1String(kDb));
    QJsonObject result;
    for (int workers : {1, 4, 16}) {
        Result<double> rate = co_await throughput(url, workers, jobs);
        if (!rate) {
            std::fprintf(stderr, "%s\n", qPrintable(rate.error().toString()));
            co_return 1;
        }
        std::printf("finpipe queue: %2d worker(s): %7.0f jobs/s (%d no-op jobs, one transaction per job completed)\n",
                    workers, *rate, jobs);
        result.insert(QStringLiteral("jobs_per_second_%1").arg(workers), *rate);
    }
    Result<std::vector<double>> ms = co_await pickups(url, pickupCount);
    if (!ms) {
        std::fprintf(stderr, "%s\n", qPrintable(ms.error().toString()));
        co_return 1;
    }
    std::printf("finpipe queue: pickup (submit -> claimed, LISTEN/NOTIFY): p50 %.2f ms, p99 %.2f ms over %d jobs\n",
                percentile(*ms, 0.5), percentile(*ms, 0.99), pickupCount);
    result.insert(QStringLiteral("pickup_p50_ms"), percentile(*ms, 0.5));
    result.insert(QStringLiteral("pickup_p99_ms"), percentile(*ms, 0.99));
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    co_return 0;
}

QCoro::Task<> main2(int jobs, int pickupCount)
{
    const int code = co_await run(jobs, pickupCount);
    QCoreApplication::exit(code);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    const int jobs = args.size() > 1 ? args.at(1).toInt() : 2000;
    const int pickupCount = args.size() > 2 ? args.at(2).toInt() : 300;
    if (jobs < 1 || pickupCount < 1) {
        std::fprintf(stderr, "usage: finpipe-bench-queue [JOBS] [PICKUPS]\n");
        return 2;
    }
    main2(jobs, pickupCount);
    return app.exec();
}
