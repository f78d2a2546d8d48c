import { join } from "node:path";
import type { EnsureOutcome, StackContext } from "./context.js";
import { StackError } from "./errors.js";
import { repoRoot } from "./paths.js";
import { isPortOpen } from "./ports.js";
import { logFile, runningPid, spawnDetached, stopRecorded } from "./processes.js";
import { waitUntilReady } from "./readiness.js";

/** The Redshift Data API emulator's entry point, run with tsx as a process of its own (the stack does not import it). */
const emulatorMain = join(repoRoot, "dev", "redshift-data-emulator", "src", "main.ts");
const markers = (ctx: StackContext): string[] => [emulatorMain, `--port ${ctx.ports.redshift}`];

/** What the emulator needs from the rest of the stack. */
export interface RedshiftEmulatorDeps {
  /** The warehouse database: its server runs the SQL, its database is the default Database. */
  readonly warehouseUrl: string;
  readonly awsEndpointUrl: string;
  readonly awsRegion: string;
  readonly duckdbPostgresExtension: string;
  /** Associated with the emulated cluster (its default role); UNLOAD with any other fails with a permission error. */
  readonly iamRole: string;
}

/** The emulator's environment (docker-compose.yml's `redshift` container gets the same; its test checks it). */
export function redshiftEmulatorEnv(deps: RedshiftEmulatorDeps): Record<string, string> {
  return {
    REDSHIFT_EMULATOR_POSTGRES_URL: deps.warehouseUrl,
    REDSHIFT_EMULATOR_DEFAULT_DATABASE: decodeURIComponent(new URL(deps.warehouseUrl).pathname.slice(1)),
    REDSHIFT_EMULATOR_IAM_ROLES: deps.iamRole,
    DUCKDB_POSTGRES_EXTENSION: deps.duckdbPostgresExtension,
    AWS_ENDPOINT_URL: deps.awsEndpointUrl,
    AWS_REGION: deps.awsRegion,
    // moto accepts any credentials; the SDK refuses to sign without some.
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    S3_FORCE_PATH_STYLE: "true",
  };
}

/** True once the emulator answers its liveness route. */
export async function redshiftAnswers(endpoint: string): Promise<boolean> {
  const res = await fetch(`${endpoint}/healthz`, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.ok;
}

export async function ensureRedshift(ctx: StackContext, deps: RedshiftEmulatorDeps): Promise<EnsureOutcome> {
  const endpoint = `http://127.0.0.1:${ctx.ports.redshift}`;
  const waitOpts = {
    component: "redshift",
    logFile: logFile(ctx.dirs, "redshift"),
    signal: ctx.signal,
    stillRunning: () => runningPid(ctx.dirs, "redshift", markers(ctx)) !== undefined,
  };
  const existing = runningPid(ctx.dirs, "redshift", markers(ctx));
  if (existing !== undefined) {
    await waitUntilReady(() => redshiftAnswers(endpoint), {
      ...waitOpts,
      owner: { pid: existing, port: ctx.ports.redshift },
      timeoutMs: 20_000,
    });
    return "reused";
  }
  if (await isPortOpen(ctx.ports.redshift)) {
    throw new StackError(
      "PORT_IN_USE",
      `redshift: port ${ctx.ports.redshift} is used by a process this stack did not start (set REDSHIFT_DATA_ENDPOINT or STACK_REDSHIFT_PORT)`,
      { component: "redshift" },
    );
  }
  ctx.log(`redshift: starting the Data API emulator on ${endpoint}`);
  const pid = spawnDetached(ctx.dirs, {
    name: "redshift",
    command: process.execPath,
    args: ["--conditions=source", "--import", "tsx", emulatorMain, "--port", String(ctx.ports.redshift)],
    cwd: repoRoot,
    env: { ...process.env, ...redshiftEmulatorEnv(deps) },
  });
  await waitUntilReady(() => redshiftAnswers(endpoint), {
    ...waitOpts,
    owner: { pid, port: ctx.ports.redshift },
    timeoutMs: 30_000,
  });
  return "started";
}

export function redshiftRunning(ctx: StackContext): boolean {
  return runningPid(ctx.dirs, "redshift", markers(ctx)) !== undefined;
}

export async function stopRedshift(ctx: StackContext): Promise<boolean> {
  // The emulator cancels its running statements on SIGTERM before it exits.
  return stopRecorded(ctx.dirs, "redshift", markers(ctx), { signal: "SIGTERM", timeoutMs: 20_000 });
}
