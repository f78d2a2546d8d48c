import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureSystemPackages, requirements, systemPython } from "./apt.js";
import { cacheDir, downloadCacheDir } from "./paths.js";
import { run } from "./processes.js";

export const motoVersion = "5.2.5";
/** The slim install: the `[server]` extra pulls in 317 MB we do not need; flask/flask-cors serve the HTTP API. */
const motoRequirements = [`moto[s3,sns,sqs,dynamodb]==${motoVersion}`, "flask", "flask-cors"];

export const venvDir = join(cacheDir, "moto-venv");
const venvStamp = join(venvDir, ".installed");

/** pip's download cache is kept per machine (downloadCacheDir), so a fresh clone's venv installs from local wheels. */
export const pipEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  PIP_CACHE_DIR: join(downloadCacheDir, "pip"),
  PIP_DISABLE_PIP_VERSION_CHECK: "1",
  PIP_NO_INPUT: "1",
});

/** The project-local venv with moto installed; recreated when the pinned requirements change. */
export async function ensureMotoVenv(log: (msg: string) => void): Promise<string> {
  const wanted = motoRequirements.join(" ");
  if (existsSync(venvStamp) && readFileSync(venvStamp, "utf8") === wanted) return venvDir;
  await ensureSystemPackages([requirements.pythonVenv], log);
  log(`moto: creating venv and installing ${wanted}`);
  rmSync(venvDir, { recursive: true, force: true });
  await run(systemPython, ["-m", "venv", venvDir]);
  await run(join(venvDir, "bin", "pip"), ["install", "-q", ...motoRequirements], { env: pipEnv() });
  // Written last: a venv without the stamp is treated as broken and rebuilt.
  writeFileSync(venvStamp, wanted);
  return venvDir;
}
