import { join } from "node:path";
import type { EnsureOutcome, StackContext } from "./context.js";
import { StackError } from "./errors.js";
import { isPortOpen } from "./ports.js";
import { logFile, runningPid, spawnDetached, stopRecorded } from "./processes.js";
import { ensureMotoVenv, venvDir } from "./python.js";
import { waitUntilReady } from "./readiness.js";

const motoServer = join(venvDir, "bin", "moto_server");
const markers = (ctx: StackContext): string[] => [motoServer, `-p ${ctx.ports.moto}`];

/** True once moto answers HTTP at all (any status): it has no health endpoint that is free of side effects. */
export async function motoAnswers(endpoint: string): Promise<boolean> {
  const res = await fetch(endpoint, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return true;
}

export async function ensureMoto(ctx: StackContext): Promise<EnsureOutcome> {
  const endpoint = `http://127.0.0.1:${ctx.ports.moto}`;
  const waitOpts = {
    component: "moto",
    logFile: logFile(ctx.dirs, "moto"),
    signal: ctx.signal,
    stillRunning: () => runningPid(ctx.dirs, "moto", markers(ctx)) !== undefined,
  };
  const existing = runningPid(ctx.dirs, "moto", markers(ctx));
  if (existing !== undefined) {
    await waitUntilReady(() => motoAnswers(endpoint), {
      ...waitOpts,
      owner: { pid: existing, port: ctx.ports.moto },
      timeoutMs: 20_000,
    });
    return "reused";
  }
  if (await isPortOpen(ctx.ports.moto)) {
    throw new StackError(
      "PORT_IN_USE",
      `moto: port ${ctx.ports.moto} is used by a process this stack did not start (set AWS_ENDPOINT_URL or STACK_MOTO_PORT)`,
      {
        component: "moto",
      },
    );
  }
  await ensureMotoVenv(ctx.log);
  ctx.log(`moto: starting on ${endpoint}`);
  const pid = spawnDetached(ctx.dirs, {
    name: "moto",
    command: motoServer,
    args: ["-H", "127.0.0.1", "-p", String(ctx.ports.moto)],
    env: { ...process.env, PYTHONUNBUFFERED: "1" },
  });
  await waitUntilReady(() => motoAnswers(endpoint), {
    ...waitOpts,
    owner: { pid, port: ctx.ports.moto },
    timeoutMs: 30_000,
  });
  return "started";
}

export function motoRunning(ctx: StackContext): boolean {
  return runningPid(ctx.dirs, "moto", markers(ctx)) !== undefined;
}

export async function stopMoto(ctx: StackContext): Promise<boolean> {
  return stopRecorded(ctx.dirs, "moto", markers(ctx), { signal: "SIGTERM", timeoutMs: 10_000 });
}
