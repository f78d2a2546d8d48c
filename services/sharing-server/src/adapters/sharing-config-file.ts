import { readFileSync, statSync } from "node:fs";
import type { Logger } from "@data-exporter/runtime";
import { SharingConfigError } from "../domain/errors.js";
import { parseSharingConfig, type SharingConfig } from "../domain/sharing-config.js";

/** How often the file's modification time is looked at. */
const checkEveryMs = 2_000;

function load(path: string): SharingConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new SharingConfigError(`${path}: ${(error as Error).message}`);
  }
  return parseSharingConfig(json, path);
}

/**
 * The sharing configuration file, validated at start-up (a bad one stops the service) and re-read when it changes:
 * a revoked recipient loses access within seconds. A changed file that does not validate keeps the previous one.
 */
export function watchedSharingConfig(path: string, log: Logger, now: () => number = Date.now): () => SharingConfig {
  let current = load(path);
  let mtime = statSync(path).mtimeMs;
  let checkedAt = now();
  log.info(
    { file: path, shares: current.shares.length, recipients: current.recipients.length },
    "sharing configuration loaded",
  );
  return () => {
    if (now() - checkedAt < checkEveryMs) return current;
    checkedAt = now();
    try {
      const changed = statSync(path).mtimeMs;
      if (changed === mtime) return current;
      mtime = changed;
      current = load(path);
      log.info(
        { file: path, shares: current.shares.length, recipients: current.recipients.length },
        "sharing configuration reloaded",
      );
    } catch (error) {
      log.error({ err: error, file: path }, "sharing configuration not reloaded: the previous one stays in force");
    }
    return current;
  };
}
