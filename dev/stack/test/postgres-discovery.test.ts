import { describe, expect, it } from "@jest/globals";
import {
  discoverPostgres,
  describeMissingPostgres,
  parsePgCtlVersion,
  type DiscoveryProbes,
} from "../postgres-discovery.js";

/**
 * A fake machine: `installs` maps a bin directory to the pg_ctl version it holds (initdb, postgres and pg_ctl are
 * files there), `links` are symbolic links (PATH entries into an install), `pgConfig` what `pg_config --bindir` says.
 */
interface FakeMachine {
  installs: Record<string, string>;
  path?: string[];
  links?: Record<string, string>;
  pgConfig?: { dir: string; bindir: string };
  override?: string;
}

function probes(m: FakeMachine): DiscoveryProbes {
  const files = new Set<string>();
  for (const bindir of Object.keys(m.installs))
    for (const p of ["initdb", "postgres", "pg_ctl"]) files.add(`${bindir}/${p}`);
  for (const link of Object.keys(m.links ?? {})) files.add(link);
  if (m.pgConfig !== undefined) files.add(`${m.pgConfig.dir}/pg_config`);
  const dirs = new Set<string>([...files].map((f) => f.replace(/\/[^/]*$/, "")));
  return {
    override: m.override,
    pathDirs: m.path ?? [],
    isFile: (p) => files.has(p),
    listDir: (dir) => {
      const prefix = `${dir}/`;
      const entries = new Set<string>();
      for (const d of dirs) if (d.startsWith(prefix)) entries.add(d.slice(prefix.length).split("/")[0] ?? "");
      return [...entries];
    },
    realpath: (p) => m.links?.[p] ?? p,
    exec: (command, args) => {
      if (m.pgConfig !== undefined && command === `${m.pgConfig.dir}/pg_config` && args[0] === "--bindir")
        return Promise.resolve({ ok: true, output: `${m.pgConfig.bindir}\n` });
      const bindir = command.replace(/\/pg_ctl$/, "");
      const version = m.installs[bindir];
      if (command.endsWith("/pg_ctl") && version !== undefined && args[0] === "--version")
        return Promise.resolve({ ok: true, output: `pg_ctl (PostgreSQL) ${version}\n` });
      return Promise.resolve({ ok: false, output: "" });
    },
  };
}

const debian = (v: number): string => `/usr/lib/postgresql/${v}/bin`;

describe("discoverPostgres", () => {
  it("takes the newest of Debian's versioned directories when 15, 16 and 17 are installed side by side", async () => {
    const d = await discoverPostgres(
      probes({
        installs: { [debian(15)]: "15.18 (Debian 15.18-0+deb12u1)", [debian(16)]: "16.9", [debian(17)]: "17.5" },
      }),
    );
    expect(d.found).toEqual({ bindir: debian(17), source: "versioned directory", major: 17, version: "17.5" });
  });

  it("prefers the major an existing data directory was created by", async () => {
    const machine = probes({ installs: { [debian(15)]: "15.18", [debian(16)]: "16.9", [debian(17)]: "17.5" } });
    expect((await discoverPostgres(machine, { preferMajor: 15 })).found?.bindir).toBe(debian(15));
    // Not installed any more: the newest, and the caller says the data directory cannot be opened by it.
    expect((await discoverPostgres(machine, { preferMajor: 13 })).found?.bindir).toBe(debian(17));
  });

  it("follows pg_config --bindir before the versioned directories", async () => {
    const d = await discoverPostgres(
      probes({
        installs: { [debian(15)]: "15.18", [debian(17)]: "17.5" },
        path: ["/usr/bin"],
        pgConfig: { dir: "/usr/bin", bindir: debian(15) },
      }),
    );
    expect(d.found).toMatchObject({ bindir: debian(15), source: "pg_config", major: 15 });
  });

  it("finds initdb on PATH through its symbolic link", async () => {
    const d = await discoverPostgres(
      probes({
        installs: { [debian(15)]: "15.18" },
        path: ["/usr/local/bin", "/usr/bin"],
        links: { "/usr/local/bin/initdb": `${debian(15)}/initdb` },
      }),
    );
    expect(d.found).toMatchObject({ bindir: debian(15), source: "PATH" });
  });

  it("finds a server that is only on PATH (a source build in the user's prefix)", async () => {
    const d = await discoverPostgres(probes({ installs: { "/home/me/pg/bin": "16.2" }, path: ["/home/me/pg/bin"] }));
    expect(d.found).toMatchObject({ bindir: "/home/me/pg/bin", source: "PATH", major: 16, version: "16.2" });
  });

  it("finds RHEL's /usr/pgsql-N, newest first", async () => {
    const d = await discoverPostgres(
      probes({ installs: { "/usr/pgsql-14/bin": "14.12", "/usr/pgsql-16/bin": "16.4" } }),
    );
    expect(d.found).toMatchObject({ bindir: "/usr/pgsql-16/bin", major: 16 });
  });

  it("finds Homebrew's postgresql@N on Apple silicon and on Intel", async () => {
    const arm = await discoverPostgres(probes({ installs: { "/opt/homebrew/opt/postgresql@17/bin": "17.2" } }));
    expect(arm.found).toMatchObject({ bindir: "/opt/homebrew/opt/postgresql@17/bin", major: 17 });
    const intel = await discoverPostgres(probes({ installs: { "/usr/local/opt/postgresql@14/bin": "14.15" } }));
    expect(intel.found).toMatchObject({ bindir: "/usr/local/opt/postgresql@14/bin", major: 14 });
  });

  it("refuses a server older than 14 and says which one it found", async () => {
    const d = await discoverPostgres(probes({ installs: { [debian(13)]: "13.16", "/usr/pgsql-12/bin": "12.22" } }));
    expect(d.found).toBeUndefined();
    const why = describeMissingPostgres(d);
    expect(why).toContain(`13.16 in ${debian(13)}`);
    expect(why).toContain("12.22 in /usr/pgsql-12/bin");
    expect(why).toContain("needs 14 or newer");
  });

  it("skips an old server for a newer one further down the list", async () => {
    const d = await discoverPostgres(
      probes({ installs: { "/opt/old/bin": "13.1", [debian(16)]: "16.9" }, path: ["/opt/old/bin"] }),
    );
    expect(d.found?.bindir).toBe(debian(16));
  });

  it("ignores a directory without all three server programs (a client-only install)", async () => {
    const m = probes({ installs: {}, path: ["/usr/bin"], links: { "/usr/bin/initdb": "/usr/bin/initdb" } });
    const d = await discoverPostgres(m);
    expect(d.found).toBeUndefined();
    expect(describeMissingPostgres(d)).toContain("no initdb/postgres/pg_ctl found");
  });

  it("uses STACK_PG_BINDIR alone when set, and says what is wrong with it", async () => {
    const installs = { [debian(17)]: "17.5", "/srv/pg15/bin": "15.3" };
    expect((await discoverPostgres(probes({ installs, override: "/srv/pg15/bin" }))).found).toMatchObject({
      bindir: "/srv/pg15/bin",
      source: "STACK_PG_BINDIR",
    });
    const missing = await discoverPostgres(probes({ installs, override: "/nowhere/bin" }));
    expect(missing.found).toBeUndefined();
    expect(describeMissingPostgres(missing)).toContain("STACK_PG_BINDIR=/nowhere/bin has no initdb, postgres, pg_ctl");
    const old = await discoverPostgres(probes({ installs: { "/srv/pg12/bin": "12.1" }, override: "/srv/pg12/bin" }));
    expect(describeMissingPostgres(old)).toContain("too old: 12.1 in /srv/pg12/bin");
  });
});

describe("parsePgCtlVersion", () => {
  it("reads Debian's, a plain and a development version", () => {
    expect(parsePgCtlVersion("pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)")).toEqual({
      major: 15,
      version: "15.18",
    });
    expect(parsePgCtlVersion("pg_ctl (PostgreSQL) 17.5")).toEqual({ major: 17, version: "17.5" });
    expect(parsePgCtlVersion("pg_ctl (PostgreSQL) 18devel")).toEqual({ major: 18, version: "18" });
    expect(parsePgCtlVersion("something else")).toBeUndefined();
  });
});
