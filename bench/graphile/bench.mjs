// graphile-worker on the same PostgreSQL server as finpipe-bench-queue, measured the same way:
// no-op jobs completed per second with 1, 4 and 16 concurrent jobs (default settings: one
// transaction per job), and pickup latency from before addJob to the task starting, for a runner
// waiting on LISTEN. FINPIPE_DATABASE_URL: an administrator's URL (CREATEDB); the benchmark makes
// its own database finpipe_bench_graphile. Usage: node bench.mjs [JOBS] [PICKUPS]
import { Logger, makeWorkerUtils, run } from "graphile-worker";
import pg from "pg";

const admin = process.env.FINPIPE_DATABASE_URL;
if (!admin) {
  console.error("FINPIPE_DATABASE_URL is not set (an administrator's URL)");
  process.exit(2);
}
const jobs = Number(process.argv[2] ?? 2000);
const pickups = Number(process.argv[3] ?? 300);
const dbName = "finpipe_bench_graphile";
const url = new URL(admin);
url.pathname = "/" + dbName;
const connectionString = url.toString();

// Quiet: a log function per scope that drops every line.
const logger = new Logger(() => () => {});

async function prepare() {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  // FORCE ends a session left behind by an interrupted run, but is refused (42501) while an
  // autovacuum worker tidies the previous run's database; a plain DROP stops autovacuum itself.
  try {
    await client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  } catch {
    await client.query(`DROP DATABASE IF EXISTS ${dbName}`);
  }
  await client.query(`CREATE DATABASE ${dbName}`);
  await client.end();
  const utils = await makeWorkerUtils({ connectionString, logger });
  await utils.migrate();
  await utils.release();
}

async function throughput(concurrency) {
  const utils = await makeWorkerUtils({ connectionString, logger });
  const specs = Array.from({ length: jobs }, () => ({ identifier: "noop", payload: {} }));
  await utils.addJobs(specs);
  await utils.release();
  let done = 0;
  let finish;
  const allDone = new Promise((resolve) => (finish = resolve));
  const start = process.hrtime.bigint();
  const runner = await run({
    connectionString,
    concurrency,
    noHandleSignals: true,
    logger,
    taskList: {
      noop: async () => {
        if (++done === jobs) finish();
      },
    },
  });
  await allDone;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await runner.stop();
  return jobs / seconds;
}

async function pickup() {
  const latencies = [];
  let resolveStart;
  const runner = await run({
    connectionString,
    concurrency: 1,
    noHandleSignals: true,
    logger,
    taskList: {
      noop: async () => resolveStart(process.hrtime.bigint()),
    },
  });
  const utils = await makeWorkerUtils({ connectionString, logger });
  await new Promise((r) => setTimeout(r, 500));
  for (let i = 0; i < pickups; i++) {
    const started = new Promise((resolve) => (resolveStart = resolve));
    const t0 = process.hrtime.bigint();
    await utils.addJob("noop", {});
    const t1 = await started;
    latencies.push(Number(t1 - t0) / 1e6);
    await new Promise((r) => setTimeout(r, 2));
  }
  await utils.release();
  await runner.stop();
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { p50: at(0.5), p99: at(0.99) };
}

await prepare();
const result = {};
// FINPIPE_BENCH_WORKERS=16 (or "4,16") measures only those concurrencies, as finpipe-bench-queue.
const counts = (process.env.FINPIPE_BENCH_WORKERS ?? "1,4,16").split(",").map(Number).filter((n) => n > 0);
for (const c of counts) {
  const rate = await throughput(c);
  console.log(`graphile-worker: ${String(c).padStart(2)} concurrent: ${rate.toFixed(0).padStart(7)} jobs/s (${jobs} no-op jobs)`);
  result[`jobs_per_second_${c}`] = rate;
}
const p = await pickup();
console.log(`graphile-worker: pickup (addJob -> task starts): p50 ${p.p50.toFixed(2)} ms, p99 ${p.p99.toFixed(2)} ms over ${pickups} jobs`);
result.pickup_p50_ms = p.p50;
result.pickup_p99_ms = p.p99;
console.log(JSON.stringify(result));
