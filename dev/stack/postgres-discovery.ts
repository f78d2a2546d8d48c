/**
 * Finding a PostgreSQL server installation (initdb, postgres, pg_ctl) on any machine: pure logic over injected
 * probes, so every layout (Debian's versioned directories, RHEL's /usr/pgsql-N, Homebrew, PATH only) is unit tested.
 */

/** The oldest major the local stack accepts: the exporter's SQL uses nothing newer, and scram is its default auth. */
export const minimumPostgresMajor = 14;

/** What discovery may look at: the environment, PATH and the filesystem, and running `pg_config`/`pg_ctl`. */
export interface DiscoveryProbes {
  /** STACK_PG_BINDIR: when set, the only place looked at. */
  readonly override?: string | undefined;
  /** PATH's directories, in order. */
  readonly pathDirs: readonly string[];
  isFile(path: string): boolean;
  /** Entries of a directory; [] when it does not exist. */
  listDir(path: string): readonly string[];
  /** Resolves symbolic links (/usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb). */
  realpath(path: string): string;
  /** Runs a program; ok false when it cannot run or exits non-zero. */
  exec(command: string, args: readonly string[]): Promise<{ ok: boolean; output: string }>;
}

export type CandidateSource = "STACK_PG_BINDIR" | "pg_config" | "PATH" | "versioned directory";

export interface Candidate {
  readonly bindir: string;
  readonly source: CandidateSource;
}

export interface FoundPostgres extends Candidate {
  readonly major: number;
  /** As pg_ctl --version prints it, e.g. "15.18". */
  readonly version: string;
}

export type Discovery =
  | { readonly found: FoundPostgres }
  | {
      readonly found?: undefined;
      /** Installations that are there but older than minimumPostgresMajor. */
      readonly tooOld: readonly FoundPostgres[];
      /** Why STACK_PG_BINDIR was not used, when it was set. */
      readonly overrideProblem?: string | undefined;
    };

const serverPrograms = ["initdb", "postgres", "pg_ctl"] as const;
const join = (dir: string, name: string): string => `${dir.replace(/\/+$/, "")}/${name}`;
const dirname = (path: string): string => path.replace(/\/[^/]*$/, "") || "/";

/** Directories that hold one major each, newest first: `<root>/<prefix><major><suffix>`. */
const versionedLayouts: readonly { root: string; pattern: RegExp; bin: (entry: string) => string }[] = [
  // Debian and Ubuntu (postgresql-N packages, several side by side).
  { root: "/usr/lib/postgresql", pattern: /^(\d+)$/, bin: (e) => `/usr/lib/postgresql/${e}/bin` },
  // RHEL, Rocky, Fedora from the PGDG repository.
  { root: "/usr", pattern: /^pgsql-(\d+)$/, bin: (e) => `/usr/${e}/bin` },
  // Homebrew on Apple silicon, then on Intel (postgresql@N formulae).
  { root: "/opt/homebrew/opt", pattern: /^postgresql@(\d+)$/, bin: (e) => `/opt/homebrew/opt/${e}/bin` },
  { root: "/usr/local/opt", pattern: /^postgresql@(\d+)$/, bin: (e) => `/usr/local/opt/${e}/bin` },
];
/** Unversioned installs: Homebrew's plain `postgresql` formula, a source build's default prefix. */
const fixedDirs = ["/opt/homebrew/opt/postgresql/bin", "/usr/local/opt/postgresql/bin", "/usr/local/pgsql/bin"];

/** "pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" -> { major: 15, version: "15.18" }. */
export function parsePgCtlVersion(output: string): { major: number; version: string } | undefined {
  const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(output);
  if (m?.[1] === undefined) return undefined;
  return { major: Number(m[1]), version: m[2] === undefined ? m[1] : `${m[1]}.${m[2]}` };
}

const hasServer = (p: DiscoveryProbes, bindir: string): boolean =>
  serverPrograms.every((name) => p.isFile(join(bindir, name)));

/** Every place to look, in order of preference, without duplicates (PATH often links into a versioned dir). */
export async function candidates(p: DiscoveryProbes): Promise<Candidate[]> {
  const list: Candidate[] = [];
  const add = (bindir: string, source: CandidateSource): void => {
    if (!list.some((c) => c.bindir === bindir)) list.push({ bindir, source });
  };
  for (const dir of p.pathDirs) {
    const pgConfig = join(dir, "pg_config");
    if (!p.isFile(pgConfig)) continue;
    const r = await p.exec(pgConfig, ["--bindir"]);
    if (r.ok && r.output.trim() !== "") add(r.output.trim(), "pg_config");
    break;
  }
  for (const dir of p.pathDirs) {
    if (p.isFile(join(dir, "initdb"))) add(dirname(p.realpath(join(dir, "initdb"))), "PATH");
  }
  for (const layout of versionedLayouts) {
    const majors = p
      .listDir(layout.root)
      .map((entry) => ({ entry, major: Number(layout.pattern.exec(entry)?.[1] ?? Number.NaN) }))
      .filter((e) => Number.isInteger(e.major))
      .sort((a, b) => b.major - a.major);
    for (const { entry } of majors) add(layout.bin(entry), "versioned directory");
  }
  for (const dir of fixedDirs) add(dir, "versioned directory");
  return list;
}

async function versionOf(p: DiscoveryProbes, c: Candidate): Promise<FoundPostgres | undefined> {
  const r = await p.exec(join(c.bindir, "pg_ctl"), ["--version"]);
  const v = r.ok ? parsePgCtlVersion(r.output) : undefined;
  return v === undefined ? undefined : { ...c, ...v };
}

/**
 * The PostgreSQL server to run: STACK_PG_BINDIR alone when set; otherwise the first of `pg_config --bindir`,
 * `initdb` on PATH, the versioned directories (newest major first) and the unversioned ones that has initdb,
 * postgres and pg_ctl and whose `pg_ctl --version` is at least minimumPostgresMajor. With `preferMajor` (the major
 * an existing data directory was created by, which no other major can open) an installation of that major wins.
 */
export async function discoverPostgres(p: DiscoveryProbes, opts: { preferMajor?: number } = {}): Promise<Discovery> {
  if (p.override !== undefined && p.override !== "") {
    const c: Candidate = { bindir: p.override, source: "STACK_PG_BINDIR" };
    if (!hasServer(p, c.bindir))
      return { tooOld: [], overrideProblem: `STACK_PG_BINDIR=${c.bindir} has no ${serverPrograms.join(", ")}` };
    const found = await versionOf(p, c);
    if (found === undefined)
      return { tooOld: [], overrideProblem: `STACK_PG_BINDIR=${c.bindir}: pg_ctl --version did not answer` };
    return found.major >= minimumPostgresMajor ? { found } : { tooOld: [found] };
  }
  const tooOld: FoundPostgres[] = [];
  let first: FoundPostgres | undefined;
  for (const c of await candidates(p)) {
    if (!hasServer(p, c.bindir)) continue;
    const found = await versionOf(p, c);
    if (found === undefined) continue;
    if (found.major < minimumPostgresMajor) tooOld.push(found);
    else if (opts.preferMajor === undefined || found.major === opts.preferMajor) return { found };
    else first ??= found;
  }
  return first === undefined ? { tooOld } : { found: first };
}

/** One line saying why no server was found, for the preflight report. */
export function describeMissingPostgres(d: Discovery): string {
  if (d.found !== undefined) return "";
  const old = d.tooOld.map((f) => `${f.version} in ${f.bindir}`).join(", ");
  const parts = [
    d.overrideProblem,
    old === "" ? undefined : `too old: ${old} (the local stack needs ${minimumPostgresMajor} or newer)`,
  ].filter((s): s is string => s !== undefined);
  return parts.length > 0 ? parts.join("; ") : "no initdb/postgres/pg_ctl found (PATH, pg_config, versioned dirs)";
}
