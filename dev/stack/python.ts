import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureTools, systemPython } from "./apt.js";
import { cacheDir, downloadCacheDir } from "./paths.js";
import { run } from "./processes.js";

export const motoVersion = "5.2.5";
/** The slim install: the `[server]` extra pulls in 317 MB we do not need; flask/flask-cors serve the HTTP API. */
const motoRequirements = [`moto[s3,sns,sqs,dynamodb,glue]==${motoVersion}`, "flask", "flask-cors"];

export const venvDir = join(cacheDir, "moto-venv");

/** pip's download cache is kept per machine (downloadCacheDir), so a fresh clone's venv installs from local wheels. */
export const pipEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  PIP_CACHE_DIR: join(downloadCacheDir, "pip"),
  PIP_DISABLE_PIP_VERSION_CHECK: "1",
  PIP_NO_INPUT: "1",
});

/**
 * Whether the venv in `dir` has exactly `packages` installed (so no Python tooling is needed to use it): its stamp
 * says so and its interpreter is there (a venv emptied under its stamp is rebuilt, not started).
 */
export function venvReady(dir: string, packages: readonly string[]): boolean {
  const stamp = join(dir, ".installed");
  return (
    existsSync(stamp) && readFileSync(stamp, "utf8") === packages.join(" ") && existsSync(join(dir, "bin", "python"))
  );
}

/** Whether the moto venv is ready; ensureMotoVenv builds it otherwise. */
export const motoVenvReady = (): boolean => venvReady(venvDir, motoRequirements);

/**
 * A project-local venv in `dir` with `packages` installed (pip specifiers); recreated when they change. `what`
 * names it in the log.
 */
export async function ensureVenv(
  dir: string,
  packages: readonly string[],
  what: string,
  log: (msg: string) => void,
): Promise<string> {
  const stamp = join(dir, ".installed");
  const wanted = packages.join(" ");
  if (venvReady(dir, packages)) return dir;
  await ensureTools(["python"], log);
  log(`${what}: creating venv and installing ${wanted}`);
  rmSync(dir, { recursive: true, force: true });
  await run(systemPython, ["-m", "venv", dir]);
  await run(join(dir, "bin", "pip"), ["install", "-q", ...packages], { env: pipEnv() });
  // Written last: a venv without the stamp is treated as broken and rebuilt.
  writeFileSync(stamp, wanted);
  return dir;
}

/** The project-local venv with moto installed; recreated when the pinned requirements change. */
export function ensureMotoVenv(log: (msg: string) => void): Promise<string> {
  return ensureVenv(venvDir, motoRequirements, "moto", log);
}
