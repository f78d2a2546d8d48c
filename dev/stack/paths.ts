import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export type Profile = "dev" | "test";

/** Repository root: this file lives in dev/stack. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/**
 * Git-ignored downloads shared by all profiles (Maven jars, pip wheels, venv). STACK_CACHE_DIR moves it (a fresh
 * cache, as on a new machine: the preflight test uses one).
 */
export const cacheDir = process.env["STACK_CACHE_DIR"] || join(repoRoot, ".cache");
/**
 * Raw downloads (Maven's local repository, pip's wheel cache) live outside the checkout, where the machine keeps them
 * between fresh clones (CI clones anew every run): `DATA_EXPORTER_DOWNLOAD_CACHE`, else `$XDG_CACHE_HOME` or
 * `~/.cache`, under `data-exporter/`. What is built from them (jars folder, venv, extension) stays in `.cache/`.
 */
export const downloadCacheDir =
  process.env["DATA_EXPORTER_DOWNLOAD_CACHE"] ??
  join(process.env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache"), "data-exporter");
/** Static files checked in beside this code (pom, log4j2 config). */
export const stackDir = join(repoRoot, "dev", "stack");

export interface ProfileDirs {
  root: string;
  logs: string;
  pids: string;
  leases: string;
}

/**
 * Git-ignored runtime state of one profile: data dirs, logs, pid files. STACK_STATE_DIR moves `.local` (a second,
 * independent stack of the same checkout: the preflight test uses one).
 */
export function profileDirs(profile: Profile): ProfileDirs {
  const root = join(process.env["STACK_STATE_DIR"] || join(repoRoot, ".local"), profile);
  const dirs = { root, logs: join(root, "logs"), pids: join(root, "pids"), leases: join(root, "leases") };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true, mode: 0o755 });
  return dirs;
}

/** Default of STACK_POSTGRES_BASE_DIR: world-traversable, and kept across reboots (unlike /tmp on many systems). */
export const defaultPostgresBaseDir = "/var/tmp/data-exporter";

/** Names this checkout outside it: its folder name (for people) and a hash of its path (unique per checkout). */
export function checkoutId(root = repoRoot): string {
  return `${basename(root)}-${createHash("sha256").update(root).digest("hex").slice(0, 12)}`;
}

/**
 * PostgreSQL's data directory of a profile. Not in `.local/`: as root the server runs as the `postgres` OS user,
 * which must traverse every folder above its data, and a checkout may sit where it cannot (root's home is 0700).
 * So it lives under a world-traversable base (STACK_POSTGRES_BASE_DIR, default /var/tmp/data-exporter), one folder
 * per checkout: <base>/<checkout folder>-<hash of its path>/<profile>/postgres. Pid files and logs stay in `.local/`.
 */
export function postgresDataDir(profile: Profile, env: NodeJS.ProcessEnv = process.env, root = repoRoot): string {
  const base = env["STACK_POSTGRES_BASE_DIR"] || defaultPostgresBaseDir;
  return join(resolve(base), checkoutId(root), profile, "postgres");
}
