import { readFileSync } from "node:fs";
import { join } from "node:path";
import { profileDirs } from "../stack/paths.js";

/** Where `npm start` records its pid: `npm stop` signals it, and a second `npm start` refuses to run beside it. */
export const startPidFile = join(profileDirs("dev").root, "start.pid");

/** The pid the last `npm start` recorded, whether or not it still runs. */
export function recordedStartPid(): number | undefined {
  try {
    const pid = Number(readFileSync(startPidFile, "utf8"));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
