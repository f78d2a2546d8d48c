import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ensureTools, succeeds, systemPython } from "./apt.js";
import { StackError } from "./errors.js";
import { cacheDir, downloadCacheDir } from "./paths.js";
import { run } from "./processes.js";
import { ensureMotoVenv, pipEnv } from "./python.js";

/**
 * DuckDB version of the postgres extension. It must equal the DuckDB inside @duckdb/node-api exactly
 * (1.5.5-r.5 loads 1.5.5; a newer DuckDB refuses it), so bump both together.
 */
export const duckdbVersion = "1.5.5";
const extensionFile = "postgres_scanner.duckdb_extension";
const wheelsDir = join(downloadCacheDir, "duckdb-wheels");

/** Absolute path where ensureDuckdbPostgresExtension puts the extension. */
export const duckdbPostgresExtensionPath = join(cacheDir, "duckdb", `v${duckdbVersion}`, extensionFile);

/** `INSTALL postgres` needs the internet; PyPI's duckdb-extension-postgres-scanner wheel ships the same file. */
async function pipForDownloads(log: (msg: string) => void): Promise<string[]> {
  if ((await succeeds(systemPython, ["-m", "pip", "--version"])).ok) return [systemPython, "-m", "pip"];
  await ensureTools(["python"], log);
  const venv = await ensureMotoVenv(log);
  return [join(venv, "bin", "python"), "-m", "pip"];
}

function findWheel(): string | undefined {
  if (!existsSync(wheelsDir)) return undefined;
  const prefix = `duckdb_extension_postgres_scanner-${duckdbVersion}-`;
  const name = readdirSync(wheelsDir).find((f) => f.startsWith(prefix) && f.endsWith(".whl"));
  return name === undefined ? undefined : join(wheelsDir, name);
}

/** Downloads (once) and returns the absolute path of DuckDB's postgres extension matching duckdbVersion. */
export async function ensureDuckdbPostgresExtension(opts: { log?: (msg: string) => void } = {}): Promise<string> {
  if (existsSync(duckdbPostgresExtensionPath)) return duckdbPostgresExtensionPath;
  const log = opts.log ?? (() => undefined);
  let wheel = findWheel();
  if (wheel === undefined) {
    log(`duckdb: downloading duckdb-extension-postgres-scanner==${duckdbVersion}`);
    mkdirSync(wheelsDir, { recursive: true });
    const [python, ...pipArgs] = await pipForDownloads(log);
    await run(
      python!,
      [
        ...pipArgs,
        "download",
        "-q",
        `duckdb-extension-postgres-scanner==${duckdbVersion}`,
        "--no-deps",
        "-d",
        wheelsDir,
      ],
      {
        env: pipEnv(),
      },
    );
    wheel = findWheel();
    if (wheel === undefined)
      throw new StackError("COMMAND_FAILED", `pip download left no ${duckdbVersion} wheel in ${wheelsDir}`);
  }
  const dir = join(cacheDir, "duckdb", `v${duckdbVersion}`);
  const tmp = join(dir, `.extract-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  // Python's zipfile: a wheel is a zip, and python3 is already a requirement (no unzip binary needed).
  const script = [
    "import sys, zipfile, shutil",
    "z = zipfile.ZipFile(sys.argv[1])",
    `m = [n for n in z.namelist() if n.endswith('/${extensionFile}') or n == '${extensionFile}']`,
    "assert m, 'no extension file in wheel'",
    `shutil.copyfileobj(z.open(m[0]), open(sys.argv[2], 'wb'))`,
  ].join("\n");
  await run(systemPython, ["-c", script, wheel, join(tmp, extensionFile)]);
  renameSync(join(tmp, extensionFile), duckdbPostgresExtensionPath);
  rmSync(tmp, { recursive: true, force: true });
  return duckdbPostgresExtensionPath;
}
