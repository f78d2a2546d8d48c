/**
 * npm run bench [-- --quick] [--only export,api,…] [--out DIR]: measures the whole system on the local test stack —
 * the export path against its floor and its peer, the API's latency, the tracker's throughput, many concurrent
 * exports — prints a table and writes `bench/results/latest.json` plus a dated copy (medians of BENCH_RUNS runs,
 * default 3, with their spread and the machine's facts). Speed targets are checked here, never by timed tests.
 * `--quick` is the short variant CI runs to prove the bench works (small sizes, one run; written under
 * .local/bench unless --out says otherwise, so it never replaces the real figures).
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import pg from "pg";
import { machineFacts, measuredCommit } from "../bench/machine.js";
import { assembleResults, formatResults, writeResults } from "../bench/results.js";
import type { BenchContext, SectionReport } from "../bench/section.js";
import { benchSections } from "../bench/sections/index.js";
import { repoRoot } from "../stack/paths.js";
import { ensureStack, stackEnv, stopStack } from "../stack/stack.js";

const say = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    out: { type: "string" },
  },
});
const quick = values.quick ?? false;
const wanted = values.only?.split(",").map((s) => s.trim()) ?? benchSections.map((s) => s.name);
const unknown = wanted.filter((name) => !benchSections.some((s) => s.name === name));
if (unknown.length > 0) {
  say(`unknown section(s) ${unknown.join(", ")}; known: ${benchSections.map((s) => s.name).join(", ")}`);
  process.exit(2);
}
const runs = quick ? 1 : Number(process.env.BENCH_RUNS ?? 3);
if (!Number.isInteger(runs) || runs < 1) {
  say(`BENCH_RUNS must be a positive integer, got ${process.env.BENCH_RUNS}`);
  process.exit(2);
}
const outDir = values.out ?? join(repoRoot, quick ? ".local/bench" : "bench/results");

const { endpoints, started } = await ensureStack("test", { log: say });
try {
  // The sections use the harness, which reads the stack's endpoints from the environment (as tests do).
  Object.assign(process.env, stackEnv(endpoints));
  const postgresVersion = await serverVersion(endpoints.warehouseUrl);
  // BENCH_RUNS_<SECTION> (e.g. BENCH_RUNS_TRACKER=1) overrides the repetitions of one section: a million events
  // three times is a long wait.
  const runsOf = (name: string): number => {
    if (quick) return 1;
    const own = Number(process.env[`BENCH_RUNS_${name.toUpperCase()}`] ?? runs);
    return Number.isInteger(own) && own >= 1 ? own : runs;
  };
  const machine = machineFacts(postgresVersion);
  const measuredAt = new Date();
  const reports: { name: string; runs: number; report: SectionReport }[] = [];
  for (const section of benchSections.filter((s) => wanted.includes(s.name))) {
    say(`${section.name}: ${section.description}`);
    const context: BenchContext = { quick, runs: runsOf(section.name), log: say };
    reports.push({ name: section.name, runs: context.runs, report: await section.run(context) });
  }
  const results = assembleResults({ measuredAt, commit: measuredCommit(), quick, runs, machine }, reports);
  const written = writeResults(outDir, results);
  process.stdout.write(formatResults(reports));
  say(`wrote ${written.latest} and ${written.dated}`);
} finally {
  if (started.length > 0 && process.env.KEEP_STACK !== "1") await stopStack("test", { components: started, log: say });
}

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return String((await client.query<{ server_version: string }>("SHOW server_version")).rows[0]?.server_version);
  } finally {
    await client.end();
  }
}
