/** npm stop: asks the running `npm start` to stop everything it started, and waits until it has. */
import { setTimeout as sleep } from "node:timers/promises";
import { isAlive } from "../stack/processes.js";
import { recordedStartPid } from "./start-pid.js";

const pid = recordedStartPid();
if (pid === undefined) {
  console.log("[stop] npm start is not running");
} else if (!isAlive(pid)) {
  console.log(`[stop] npm start (pid ${pid}) is no longer running`);
} else {
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 60_000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  console.log(isAlive(pid) ? `[stop] npm start (pid ${pid}) did not stop within 60 s` : "[stop] stopped");
  if (isAlive(pid)) process.exitCode = 1;
}
