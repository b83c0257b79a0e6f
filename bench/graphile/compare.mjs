// Side-by-side summary of alternating rounds of finpipe-bench-queue and bench.mjs (see
// bench/queue-vs-graphile.sh). Usage: node compare.mjs FINPIPE.jsonl GRAPHILE.jsonl
// Each file holds one JSON line per round, the last line each benchmark prints; round i of one file
// ran next to round i of the other. Prints medians, ranges, the per-round ratios and the issue's
// targets (throughput at least graphile-worker's; pickup p50 <= 2 ms, p99 <= 10 ms).
import { readFileSync } from "node:fs";

const [finpipeFile, graphileFile] = process.argv.slice(2);
if (!finpipeFile || !graphileFile) {
  console.error("usage: node compare.mjs FINPIPE.jsonl GRAPHILE.jsonl");
  process.exit(2);
}
const rounds = (file) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .map((l) => JSON.parse(l));
const ours = rounds(finpipeFile);
const theirs = rounds(graphileFile);
const n = Math.min(ours.length, theirs.length);
if (n === 0) {
  console.error("no complete round to compare");
  process.exit(1);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x, digits) => x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const spread = (xs, digits) =>
  `${fmt(median(xs), digits).padStart(6)} (${fmt(Math.min(...xs), digits)}-${fmt(Math.max(...xs), digits)})`;
const values = (rs, key) => rs.slice(0, n).map((r) => r[key]).filter((x) => typeof x === "number");

console.log(`${n} alternating round${n === 1 ? "" : "s"}, same PostgreSQL server; median (min-max)`);
console.log("");
console.log(`${"".padEnd(24)}${"finpipe".padEnd(24)}${"graphile-worker".padEnd(24)}finpipe / graphile-worker, round by round`);
let throughputRounds = 0;
let throughputMet = 0;
for (const c of [1, 4, 16]) {
  const key = `jobs_per_second_${c}`;
  const a = values(ours, key);
  const b = values(theirs, key);
  if (a.length !== n || b.length !== n)
    continue;
  const ratios = a.map((x, i) => x / b[i]);
  throughputRounds += n;
  throughputMet += ratios.filter((r) => r >= 1).length;
  const label = `${String(c).padStart(2)} concurrent, jobs/s`;
  console.log(`${label.padEnd(24)}${spread(a, 0).padEnd(24)}${spread(b, 0).padEnd(24)}` +
              `${ratios.map((r) => `${Math.round(r * 100)} %`).join(", ")} (median ${Math.round(median(ratios) * 100)} %)`);
}
for (const [key, label] of [["pickup_p50_ms", "pickup p50, ms"], ["pickup_p99_ms", "pickup p99, ms"]]) {
  const a = values(ours, key);
  const b = values(theirs, key);
  if (a.length === n && b.length === n)
    console.log(`${label.padEnd(24)}${spread(a, 2).padEnd(24)}${spread(b, 2)}`);
}
for (const c of [4, 16]) {
  const a = values(ours, `jobs_per_second_${c}_workers`);
  if (a.length === n)
    console.log(`${`${c} one-slot workers`.padEnd(24)}${spread(a, 0)}`);
}

console.log("");
const p50 = values(ours, "pickup_p50_ms");
const p99 = values(ours, "pickup_p99_ms");
console.log(`targets: throughput at least graphile-worker's in ${throughputMet} of ${throughputRounds} measurements; ` +
            `pickup p50 <= 2 ms in ${p50.filter((x) => x <= 2).length} of ${p50.length} rounds, ` +
            `p99 <= 10 ms in ${p99.filter((x) => x <= 10).length} of ${p99.length}`);
