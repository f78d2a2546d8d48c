/**
 * Re-runs catalog registrations (what an operator runs after fixing a failure's cause or reviewing a schema change):
 * `reregister [--request <id>]`. Without --request it re-runs every registration not REGISTERED or SKIPPED; with it,
 * every table of that request, forced (a REGISTERED partition is pointed at it again). It reads each registration's
 * target from catalog_registrations, so it needs no event. Exit codes: 0 all registered (or skipped), 1 a
 * registration failed, 2 bad arguments or configuration, 3 a schema change is still reported.
 */
import {
  AsyncResourceStack,
  ConfigError,
  createLogger,
  loadConfig,
  migrateWith,
  openPgPool,
  type Env,
} from "@data-exporter/runtime";
import { RegistrationLog } from "./adapters/registration-log.js";
import { configSchema, type Config } from "./config.js";
import { registerTarget } from "./handlers/register-export.js";
import { buildRegistrar } from "./registrar.js";

class ArgsError extends Error {}

const usage = "usage: reregister [--request <request-id>]";

function parseArgs(argv: readonly string[]): { requestId?: string } | "help" {
  if (argv.includes("--help") || argv.includes("-h")) return "help";
  if (argv.length === 0) return {};
  const [flag, value, ...rest] = argv;
  if (flag !== "--request" || value === undefined || rest.length > 0 || !/^[0-9a-f-]{36}$/i.test(value))
    throw new ArgsError(`unexpected arguments: ${argv.join(" ")}`);
  return { requestId: value };
}

async function reregister(argv: readonly string[], env: Env): Promise<number> {
  let config: Config;
  let args: { requestId?: string } | "help";
  try {
    config = loadConfig(configSchema, env);
    args = parseArgs(argv);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ArgsError) {
      process.stderr.write(`reregister: ${error.message}\n\n${usage}\n`);
      return 2;
    }
    throw error;
  }
  if (args === "help") {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  // stdout carries only the outcomes (one JSON line per table), for programs that run it.
  const log = createLogger({ service: "catalog-registrar", level: config.LOG_LEVEL, toStderr: true });
  const resources = new AsyncResourceStack();
  const service = { config, log, resources };
  try {
    const pool = openPgPool(service, { connectionString: config.DATABASE_URL, max: 1, applicationName: "reregister" });
    await migrateWith(service, config, pool, (owner) => new RegistrationLog(owner, config.STATUS_SCHEMA).migrate());
    const deps = buildRegistrar(config, pool, log, resources);
    const rows = await deps.registrations.open(args.requestId);
    let code = 0;
    for (const row of rows) {
      const outcome = await registerTarget(row.target, deps, { force: true }).catch((error: unknown) => {
        code = 1;
        return { status: "FAILED" as const, error: error instanceof Error ? error.message : String(error) };
      });
      if (outcome.status === "SCHEMA_CHANGED" && code === 0) code = 3;
      process.stdout.write(
        `${JSON.stringify({ requestId: row.requestId, run: row.run, table: row.table, ...outcome })}\n`,
      );
    }
    log.info({ registrations: rows.length, requestId: args.requestId }, "re-registration finished");
    return code;
  } catch (error) {
    log.error({ err: error }, "re-registration failed");
    return 1;
  } finally {
    await resources.disposeAsync().catch((error: unknown) => log.warn({ err: error }, "error while closing"));
  }
}

process.exit(await reregister(process.argv.slice(2), process.env));
