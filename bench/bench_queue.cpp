// finpipe-bench-queue: the PostgreSQL job queue's own speed, through the same client code the
// worker uses (cloud::pg::Connection and the queue calls): no-op jobs claimed and completed per
// second with 1, 4 and 16 concurrent jobs, as finpipe-worker --concurrency N runs them: the first
// claims on one connection, then each completion and the next claim in one transaction (one
// transaction per job) on one of the worker's write connections, the completions announced by the
// worker's Announcer on the first connection. Also N workers of one slot each (N sessions),
// and pickup latency from submit to claimed for a worker waiting on NOTIFY.
//
// FINPIPE_BENCH_WORKERS=16 (or "4,16") measures only those counts.
// FINPIPE_DATABASE_URL must be an administrator's URL (CREATEDB): the benchmark makes its own
// database `finpipe_bench_queue`, migrated afresh. Usage: finpipe-bench-queue [JOBS] [PICKUPS]
// With FINPIPE_BENCH_SYNC_COMMIT=off every session commits without waiting for the WAL flush,
// which tells whether the disk's fsync is the limit.
#include "cloud/common/wakeup.h"
#include "cloud/pg/connection.h"
#include "cloud/pg/migrator.h"
#include "cloud/queue/announcer.h"
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
    // FORCE ends a session left behind by an interrupted run, but is refused (42501) while an
    // autovacuum worker tidies the previous run's database; a plain DROP stops autovacuum itself.
    const QString force = QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(QLatin1String(kDb));
    const QString drop = QStringLiteral("DROP DATABASE IF EXISTS %1").arg(QLatin1String(kDb));
    const QString create = QStringLiteral("CREATE DATABASE %1").arg(QLatin1String(kDb));
    if (auto r = co_await admin.execute(force); !r) {
        if (auto plain = co_await admin.execute(drop); !plain)
            co_return plain.error();
    }
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
    // In transactions of at most 500 submissions: each submission updates the one upload row, and
    // one transaction's chain of versions of that row grows with every submission in it.
    const QString sql = QStringLiteral("SELECT count(finpipe.submit_job('noop', 0, $1, 'noop')) FROM generate_series(1, $2::int)");
    for (int left = n; left > 0; left -= 500) {
        const QVariantList p{QString::fromLatin1(kSha), std::min(left, 500)};
        if (auto r = co_await db.query(sql, p); !r)
            co_return r.error();
    }
    co_return Result<void>();
}

//! One slot of a worker, as finpipe-worker runs it: the slot's first job is claimed on the
//! worker's claim connection, then each completion and the next claim go in one transaction
//! (complete_and_claim) on the slot's write connection, each completion handed to the worker's
//! Announcer. Counts what it did.
QCoro::Task<Result<int>> drain(pg::Connection *claims, pg::Connection *writes, Announcer *announcer, QString worker)
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
        announcer->add(id);
        ++done;
    }
    if (!job)
        co_return job.error();
    co_return done;
}

//! A worker's connections as finpipe-worker makes them: one that claims and announces, and
//! cloud::writeConnectionsFor(slots) for its slots' writes (none for one slot: the first carries them).
struct BenchWorker {
    std::unique_ptr<pg::Connection> claims;
    std::vector<std::unique_ptr<pg::Connection>> writers;
    std::unique_ptr<Announcer> announcer;
    QString id;
};

QCoro::Task<Result<pg::Connection *>> open(std::vector<std::unique_ptr<pg::Connection>> &into, QString url)
{
    into.push_back(std::make_unique<pg::Connection>());
    pg::Connection *c = into.back().get();
    c->setAutoReconnect(false);
    if (auto r = co_await c->connect(url); !r)
        co_return r.error();
    if (auto r = co_await tune(*c); !r)
        co_return r.error();
    co_return c;
}

//! `workers` workers with `slots` concurrent jobs each drain `jobs` queued no-op jobs: jobs per second,
//! counted until the last completion is announced.
QCoro::Task<Result<double>> throughput(QString url, int workers, int slots, int jobs)
{
    pg::Connection submitter;
    submitter.setAutoReconnect(false);
    if (auto c = co_await submitter.connect(url); !c)
        co_return c.error();
    if (auto e = co_await enqueue(submitter, jobs); !e)
        co_return e.error();
    std::vector<BenchWorker> pool;
    pool.resize(size_t(workers));
    for (int i = 0; i < workers; ++i) {
        BenchWorker &w = pool[size_t(i)];
        std::vector<std::unique_ptr<pg::Connection>> one;
        Result<pg::Connection *> claims = co_await open(one, url);
        if (!claims)
            co_return claims.error();
        w.claims = std::move(one.front());
        for (int k = 0; k < writeConnectionsFor(slots); ++k)
            if (Result<pg::Connection *> c = co_await open(w.writers, url); !c)
                co_return c.error();
        w.announcer = std::make_unique<Announcer>(*w.claims);
        const QString host = QStringLiteral("bench");
        Result<QString> id = co_await registerWorker(*w.claims, host, i, host);
        if (!id)
            co_return id.error();
        w.id = *id;
    }
    QElapsedTimer t;
    t.start();
    std::vector<QCoro::Task<Result<int>>> tasks;
    for (BenchWorker &w : pool)
        for (int slot = 0; slot < slots; ++slot)
            tasks.push_back(drain(w.claims.get(),
                                  w.writers.empty() ? w.claims.get() : w.writers[size_t(slot) % w.writers.size()].get(),
                                  w.announcer.get(), w.id));
    int total = 0;
    for (auto &task : tasks) {
        Result<int> n = co_await task;
        if (!n)
            co_return n.error();
        total += *n;
    }
    for (BenchWorker &w : pool) {
        co_await w.announcer->drained();
        if (w.announcer->failures() > 0)
            co_return Error::make(Error::Code::Failed, QStringLiteral("%1 announcements failed").arg(w.announcer->failures()));
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
    // FINPIPE_BENCH_WORKERS=16 (or "4,16") measures only those worker counts.
    QList<int> counts{1, 4, 16};
    if (const QString only = qEnvironmentVariable("FINPIPE_BENCH_WORKERS"); !only.isEmpty()) {
        counts.clear();
        for (const QString &n : only.split(u','))
            if (const int w = n.trimmed().toInt(); w > 0)
                counts.append(w);
    }
    for (int n : counts) {
        // n concurrent jobs in one worker (as graphile-worker's concurrency), then n workers of one
        // slot each (n times the sessions).
        for (const bool separate : {false, true}) {
            if (separate && n == 1)
                continue;
            Result<double> rate = co_await throughput(url, separate ? n : 1, separate ? 1 : n, jobs);
            if (!rate) {
                std::fprintf(stderr, "%s\n", qPrintable(rate.error().toString()));
                co_return 1;
            }
            if (separate)
                std::printf("finpipe queue: %2d workers of 1 slot:     %7.0f jobs/s (%d sessions)\n", n, *rate,
                            n * (1 + writeConnectionsFor(1)));
            else
                std::printf("finpipe queue: %2d concurrent in 1 worker: %7.0f jobs/s (%d sessions; %d no-op jobs, one transaction per job)\n",
                            n, *rate, 1 + writeConnectionsFor(n), jobs);
            result.insert(separate ? QStringLiteral("jobs_per_second_%1_workers").arg(n) : QStringLiteral("jobs_per_second_%1").arg(n),
                          *rate);
        }
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
