/** `npm run stack -- up|down|status|env [--profile dev|test]`: manage the local stack by hand. */
import { parseArgs } from "node:util";
import { ensureStack, stackEndpoints, stackEnv, stackStatus, stopStack, type Profile } from "./stack.js";

const usage = "usage: tsx infra/local/cli.ts up|down|status|env [--profile dev|test]";

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { profile: { type: "string", short: "p", default: "dev" }, help: { type: "boolean", short: "h" } },
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
  switch (command) {
    case "up": {
      const r = await ensureStack(profile as Profile, { log });
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      log(`up in ${secs}s; started: [${r.started.join(", ")}] reused: [${r.reused.join(", ")}] external: [${r.external.join(", ")}]`);
      for (const [k, v] of Object.entries(stackEnv(r.endpoints))) console.log(`${k}=${v}`);
      return 0;
    }
    case "down": {
      const stopped = await stopStack(profile as Profile, { log });
      log(`down in ${((Date.now() - t0) / 1000).toFixed(1)}s; stopped: [${stopped.join(", ")}]`);
      return 0;
    }
    case "status": {
      for (const s of stackStatus(profile as Profile)) console.log(`${s.name.padEnd(9)}${s.state}${s.pid === undefined ? "" : ` (pid ${s.pid})`}`);
      return 0;
    }
    case "env": {
      for (const [k, v] of Object.entries(stackEnv(stackEndpoints(profile as Profile).endpoints))) console.log(`export ${k}='${v}'`);
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
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
