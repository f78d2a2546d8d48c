import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { StackError } from "./errors.js";
import { run } from "./processes.js";

/** Where Debian's postgresql-15 package puts the server binaries (not on PATH by default). */
export const postgresBin = "/usr/lib/postgresql/15/bin";
/** Where Debian's chromium package puts the browser playwright-core drives. */
export const chromiumBin = "/usr/bin/chromium";
/** Debian's python3: its venv module comes from the python3-venv package (pyenv shims are not used). */
export const systemPython = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

export interface SystemRequirement {
  aptPackage: string;
  what: string;
  present: () => Promise<boolean>;
}

/** Asynchronous on purpose: a blocked event loop makes concurrent port and readiness checks time out. */
export const succeeds = (command: string, args: string[]): Promise<{ ok: boolean; output: string }> =>
  new Promise((resolvePromise) => {
    execFile(command, args, { encoding: "utf8", timeout: 30_000 }, (err, stdout, stderr) =>
      resolvePromise({ ok: err === null, output: `${stdout}${stderr}` }),
    );
  });

export const requirements = {
  java: {
    aptPackage: "openjdk-17-jre-headless",
    what: "Java 17+ (Kafka broker)",
    present: async () => {
      const r = await succeeds("java", ["-version"]);
      const major = Number(/version "(\d+)/.exec(r.output)?.[1] ?? 0);
      return r.ok && major >= 17;
    },
  },
  maven: {
    aptPackage: "maven",
    what: "Maven (fetches the Kafka jars)",
    present: async () => (await succeeds("mvn", ["-v"])).ok,
  },
  postgres: {
    aptPackage: "postgresql-15",
    what: "PostgreSQL 15 server",
    present: () => Promise.resolve(existsSync(`${postgresBin}/postgres`) && existsSync(`${postgresBin}/initdb`)),
  },
  pythonVenv: {
    aptPackage: "python3-venv",
    what: "python3 with venv/ensurepip (moto, DuckDB extension download)",
    present: async () => (await succeeds(systemPython, ["-c", "import venv, ensurepip"])).ok,
  },
  chromium: {
    aptPackage: "chromium",
    what: "Chromium (the status page's browser test)",
    present: () => Promise.resolve(existsSync(chromiumBin)),
  },
} satisfies Record<string, SystemRequirement>;

let aptUpdated: Promise<unknown> | undefined;
let aptQueue: Promise<unknown> = Promise.resolve();

/**
 * Installs the missing requirements with apt-get when we are root (apt-get update once per process);
 * otherwise fails with the package names to install.
 */
export async function ensureSystemPackages(
  needed: readonly SystemRequirement[],
  log: (msg: string) => void,
): Promise<void> {
  const present = await Promise.all(needed.map((r) => r.present()));
  const missing = needed.filter((_, i) => present[i] !== true);
  if (missing.length === 0) return;
  const names = missing.map((r) => r.aptPackage);
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync("/usr/bin/apt-get")) {
    throw new StackError(
      "MISSING_SYSTEM_PACKAGE",
      `missing ${missing.map((r) => `${r.what} [${r.aptPackage}]`).join(", ")}; install with: sudo apt-get install -y ${names.join(" ")}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  // apt holds a global lock: serialise our installs.
  const install = aptQueue.then(async () => {
    aptUpdated ??= run("apt-get", ["update"], { env });
    await aptUpdated;
    log(`apt-get install -y ${names.join(" ")}`);
    await run("apt-get", ["install", "-y", "--no-install-recommends", ...names], { env });
  });
  aptQueue = install.catch(() => undefined);
  await install;
  const after = await Promise.all(missing.map((r) => r.present()));
  const still = missing.filter((_, i) => after[i] !== true);
  if (still.length > 0) {
    throw new StackError(
      "MISSING_SYSTEM_PACKAGE",
      `still missing after apt-get: ${still.map((r) => r.aptPackage).join(", ")}`,
    );
  }
}
