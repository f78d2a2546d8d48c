/** `npm run stack -- up|down|status|env [--profile dev|test]`: manage the local stack by hand. */
import { parseArgs } from "node:util";
import { formatFailure, wantsStackTraces } from "../stack/failure-message.js";
import { ensureStack, stackEndpoints, stackEnv, stackStatus, stopStack, useStack } from "../stack/stack.js";

const usage = "usage: npm run stack -- up|down|status|env|lease [--profile dev|test] [--lease <pid>] [--verbose]";

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      profile: { type: "string", short: "p", default: "dev" },
      // Registers that pid (e.g. a jest run) as a user of the stack until it exits.
      lease: { type: "string" },
      // Stack traces with failures (as DEBUG=1 does).
      verbose: { type: "boolean", short: "v" },
      help: { type: "boolean", short: "h" },
    },
  });
  const command = positionals[0];
  const profile = values.profile;
  if (values.help === true || command === undefined) {
    console.log(usage);
    return values.help === true ? 0 : 2;
  }
  if (profile !== "dev" && profile !== "test") {
    console.error(`unknown profile ${profile}\n${usage}`);
    return 2;
  }
  const log = (msg: string): void => console.error(`[stack:${profile}] ${msg}`);
  const t0 = Date.now();
  if (values.lease !== undefined) useStack(profile, Number(values.lease));
  switch (command) {
    case "lease":
      return 0;
    case "up": {
      const r = await ensureStack(profile, { log });
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      log(
        `up in ${secs}s; started: [${r.started.join(", ")}] reused: [${r.reused.join(", ")}] external: [${r.external.join(", ")}]`,
      );
      for (const [k, v] of Object.entries(stackEnv(r.endpoints))) console.log(`${k}=${v}`);
      return 0;
    }
    case "down": {
      const stopped = await stopStack(profile, { log });
      log(`down in ${((Date.now() - t0) / 1000).toFixed(1)}s; stopped: [${stopped.join(", ")}]`);
      return 0;
    }
    case "status": {
      for (const s of stackStatus(profile)) {
        const pid = s.pid === undefined ? "" : ` (pid ${s.pid})`;
        console.log(`${s.name.padEnd(9)}${s.state}${pid}${s.dataDir === undefined ? "" : `, data in ${s.dataDir}`}`);
      }
      return 0;
    }
    case "env": {
      for (const [k, v] of Object.entries(stackEnv(stackEndpoints(profile).endpoints)))
        console.log(`export ${k}='${v}'`);
      return 0;
    }
    default:
      console.error(usage);
      return 2;
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    const command = process.argv.slice(2).find((a) => !a.startsWith("-")) ?? "";
    console.error(
      formatFailure(`stack ${command}`.trim(), err, { verbose: wantsStackTraces(process.argv, process.env) }),
    );
    process.exitCode = 1;
  },
);
