import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { StackError } from "./errors.js";
import { run } from "./processes.js";

/** Where Debian's postgresql-15 package puts the server binaries (not on PATH by default). */
export const postgresBin = "/usr/lib/postgresql/15/bin";
/** Debian's python3: its venv module comes from the python3-venv package (pyenv shims are not used). */
export const systemPython = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

export interface SystemRequirement {
  aptPackage: string;
  what: string;
  present: () => boolean;
}

const succeeds = (command: string, args: string[]): { ok: boolean; output: string } => {
  const r = spawnSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return { ok: r.status === 0, output: `${r.stdout ?? ""}${r.stderr ?? ""}` };
};

export const requirements = {
  java: {
    aptPackage: "openjdk-17-jre-headless",
    what: "Java 17+ (Kafka broker)",
    present: () => {
      const r = succeeds("java", ["-version"]);
      const major = Number(/version "(\d+)/.exec(r.output)?.[1] ?? 0);
      return r.ok && major >= 17;
    },
  },
  maven: { aptPackage: "maven", what: "Maven (fetches the Kafka jars)", present: () => succeeds("mvn", ["-v"]).ok },
  postgres: {
    aptPackage: "postgresql-15",
    what: "PostgreSQL 15 server",
    present: () => existsSync(`${postgresBin}/postgres`) && existsSync(`${postgresBin}/initdb`),
  },
  pythonVenv: {
    aptPackage: "python3-venv",
    what: "python3 with venv/ensurepip (moto, DuckDB extension download)",
    present: () => succeeds(systemPython, ["-c", "import venv, ensurepip"]).ok,
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
  const missing = needed.filter((r) => !r.present());
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
  const still = missing.filter((r) => !r.present());
  if (still.length > 0) {
    throw new StackError(
      "MISSING_SYSTEM_PACKAGE",
      `still missing after apt-get: ${still.map((r) => r.aptPackage).join(", ")}`,
    );
  }
}
