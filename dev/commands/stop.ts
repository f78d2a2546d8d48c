/** npm stop: asks the running `npm start` to stop everything it started, and waits until it has. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { profileDirs } from "../stack/paths.js";

const pidFile = join(profileDirs("dev").root, "start.pid");
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

if (!existsSync(pidFile)) {
  console.log("[stop] npm start is not running");
} else {
  const pid = Number(readFileSync(pidFile, "utf8"));
  if (!alive(pid)) {
    console.log(`[stop] npm start (pid ${pid}) is no longer running`);
  } else {
    process.kill(pid, "SIGTERM");
    const deadline = Date.now() + 60_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    console.log(alive(pid) ? `[stop] npm start (pid ${pid}) did not stop within 60 s` : "[stop] stopped");
    if (alive(pid)) process.exitCode = 1;
  }
}
