import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { StackError } from "./errors.js";
import { detectPackageManager, type PackageManager } from "./package-manager.js";
import { discoverPostgres, describeMissingPostgres, type Discovery, type FoundPostgres } from "./postgres-discovery.js";
import { formatPreflightReport, preflightReport, tools, type ToolId, type ToolProbe } from "./preflight.js";
import { run } from "./processes.js";

/** Where Debian's chromium package puts the browser playwright-core drives. */
export const chromiumBin = "/usr/bin/chromium";
/** Debian's python3: its venv module comes from the python3-venv package (pyenv shims are not used). */
export const systemPython = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

export interface CommandResult {
  ok: boolean;
  output: string;
  /** The program could not be started at all (not on PATH). */
  notFound: boolean;
}

/** Asynchronous on purpose: a blocked event loop makes concurrent port and readiness checks time out. */
export const succeeds = (command: string, args: readonly string[]): Promise<CommandResult> =>
  new Promise((resolvePromise) => {
    execFile(command, args, { encoding: "utf8", timeout: 30_000 }, (err, stdout, stderr) =>
      resolvePromise({
        ok: err === null,
        output: `${stdout}${stderr}`,
        notFound: (err as NodeJS.ErrnoException | null)?.code === "ENOENT",
      }),
    );
  });

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};
const pathDirs = (): string[] => (process.env.PATH ?? "").split(delimiter).filter((d) => d !== "");
const onPath = (program: string): boolean => pathDirs().some((d) => isFile(join(d, program)));

/** Looks for PostgreSQL on this machine (see postgres-discovery.ts); STACK_PG_BINDIR overrides. */
export function findPostgres(env: NodeJS.ProcessEnv = process.env, preferMajor?: number): Promise<Discovery> {
  return discoverPostgres(
    {
      override: env.STACK_PG_BINDIR,
      pathDirs: pathDirs(),
      isFile,
      listDir: (dir) => {
        try {
          return readdirSync(dir);
        } catch {
          return [];
        }
      },
      realpath: (p) => realpathSync(p),
      exec: succeeds,
    },
    preferMajor === undefined ? {} : { preferMajor },
  );
}

/**
 * The PostgreSQL server the stack runs (of `preferMajor` when installed), or MISSING_SYSTEM_PACKAGE saying what was
 * found instead.
 */
export async function postgresInstallation(preferMajor?: number): Promise<FoundPostgres> {
  const d = await findPostgres(process.env, preferMajor);
  if (d.found !== undefined) return d.found;
  throw new StackError("MISSING_SYSTEM_PACKAGE", formatPreflightReport(report([postgresProbeOf(d)])), {
    component: "postgres",
  });
}

const postgresProbeOf = (d: Discovery): ToolProbe => ({
  tool: "postgres",
  ok: d.found !== undefined,
  problem: describeMissingPostgres(d),
});

/** Probes one tool as the stack will invoke it. */
export async function probeTool(tool: ToolId): Promise<ToolProbe> {
  switch (tool) {
    case "java": {
      const r = await succeeds("java", ["-version"]);
      if (r.notFound) return { tool, ok: false, problem: "java not found on PATH" };
      const major = Number(/version "(?:1\.)?(\d+)/.exec(r.output)?.[1] ?? 0);
      if (!r.ok) return { tool, ok: false, problem: `java -version failed: ${r.output.trim().split("\n")[0] ?? ""}` };
      return major >= 17 ? { tool, ok: true } : { tool, ok: false, problem: `java ${major} is older than 17` };
    }
    case "maven": {
      const r = await succeeds("mvn", ["-v"]);
      if (r.notFound) return { tool, ok: false, problem: "mvn not found on PATH" };
      return r.ok ? { tool, ok: true } : { tool, ok: false, problem: "mvn -v failed" };
    }
    case "python": {
      const r = await succeeds(systemPython, ["-c", "import venv, ensurepip"]);
      if (r.notFound) return { tool, ok: false, problem: `${systemPython} not found` };
      return r.ok
        ? { tool, ok: true }
        : { tool, ok: false, problem: `${systemPython} lacks the venv/ensurepip modules` };
    }
    case "postgres":
      return postgresProbeOf(await findPostgres());
    case "gcc": {
      const r = await succeeds("gcc", ["--version"]);
      if (r.notFound) return { tool, ok: false, problem: "gcc not found on PATH" };
      return r.ok ? { tool, ok: true } : { tool, ok: false, problem: "gcc --version failed" };
    }
    case "chromium":
      return existsSync(chromiumBin) ? { tool, ok: true } : { tool, ok: false, problem: `${chromiumBin} not found` };
  }
}

export function machinePackageManager(): PackageManager | undefined {
  let osRelease: string | undefined;
  try {
    osRelease = readFileSync("/etc/os-release", "utf8");
  } catch {
    osRelease = undefined;
  }
  return detectPackageManager({ osRelease, platform: process.platform, has: onPath });
}

const isRoot = (): boolean => process.getuid?.() === 0;
const report = (probes: readonly ToolProbe[]): ReturnType<typeof preflightReport> =>
  preflightReport(probes, machinePackageManager(), { root: isRoot() });

let aptUpdated: Promise<unknown> | undefined;
let aptQueue: Promise<unknown> = Promise.resolve();

/**
 * Makes sure every tool in `needed` is there, probing them all at once. As root on an apt machine the missing ones are
 * installed with one apt-get run (unless STACK_AUTO_INSTALL=0); otherwise, or if some are still missing, it fails with
 * MISSING_SYSTEM_PACKAGE listing every missing tool with its install command.
 */
export async function ensureTools(needed: readonly ToolId[], log: (msg: string) => void): Promise<void> {
  const unique = [...new Set(needed)];
  let probes = await Promise.all(unique.map(probeTool));
  let missing = probes.filter((p) => !p.ok);
  if (missing.length === 0) return;
  const manager = machinePackageManager();
  if (isRoot() && manager === "apt" && process.env.STACK_AUTO_INSTALL !== "0" && onPath("apt-get")) {
    // One tool may need several packages ("gcc libc6-dev").
    const names = missing.flatMap((p) => tools[p.tool].packages.apt.split(" "));
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
    probes = await Promise.all(unique.map(probeTool));
    missing = probes.filter((p) => !p.ok);
    if (missing.length === 0) return;
  }
  throw new StackError("MISSING_SYSTEM_PACKAGE", formatPreflightReport(report(probes)), {
    component: missing.map((p) => p.tool).join(", "),
  });
}
