import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { Api } from "./api/graphql-client.js";
import { parseCount, parseDeadLetterId, parseMode, parseStatuses } from "./args.js";
import { cancelExport, retryExport } from "./commands/cancel-retry.js";
import type { CommandContext } from "./commands/context.js";
import { runDlq, type DlqCommand } from "./commands/dlq.js";
import { downloadExport } from "./commands/download.js";
import { showLinks } from "./commands/links.js";
import { listExports } from "./commands/list.js";
import { requestExport } from "./commands/request.js";
import { showStatus } from "./commands/status.js";
import { triggerExport } from "./commands/trigger.js";
import { checkedUrl, chooseToken, type CliEnv } from "./config.js";
import type { RunEntryPoint } from "./entry-point-runner.js";
import { BadArgumentsError } from "./errors.js";
import { exitCodeOfError, exitCodes, type ExitCode } from "./exit-codes.js";
import type { Output } from "./output.js";
import { parseSince, parseWindow } from "./time.js";

/** Everything the program needs from outside; main.ts passes the real ones, tests fakes. */
export interface ProgramDeps {
  readonly env: CliEnv;
  readonly output: Output;
  readonly makeApi: (url: string, token: string | undefined) => Api;
  readonly readTokenFile: () => string | undefined;
  readonly runEntryPoint: RunEntryPoint;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const exitCodeHelp = `
Exit codes:
  0  done (with --watch: the export completed)
  1  failed: the export failed, was cancelled or only partly completed; a download did not verify; the API refused
     (NOT_FOUND, CONFLICT, UNAUTHENTICATED)
  2  bad arguments (rejected by the CLI, or by the API as BAD_USER_INPUT)
  3  cannot reach the API (trigger and dlq: Kafka or the state database)

Environment: DATA_EXPORTER_URL (default http://127.0.0.1:4000/graphql), DATA_EXPORTER_TOKEN (default: the token
npm start writes to .local/dev/token). trigger and dlq also read KAFKA_BROKERS, TOPIC_NAMESPACE, the Kafka security
variables KAFKA_SSL* and KAFKA_SASL_* (dlq: DATABASE_URL, STATUS_SCHEMA), as the planner's trigger and the status
tracker's dlq do.`;

interface CommonOptions {
  readonly url?: string;
  readonly token?: string;
  readonly json?: boolean;
}

/** Commander parsers throw InvalidArgumentError; ours throw BadArgumentsError with the message to show. */
function parser<T>(parse: (text: string, previous: T) => T): (text: string, previous: T) => T {
  return (text, previous) => {
    try {
      return parse(text, previous);
    } catch (error) {
      if (error instanceof BadArgumentsError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

/** Parses `argv` (without node and the script), runs the command, and returns its exit code. */
export async function runCli(argv: readonly string[], deps: ProgramDeps): Promise<ExitCode> {
  let code: ExitCode = exitCodes.ok;
  const program = buildProgram(deps, (result) => (code = result));
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.badArguments;
    deps.output.err(`data-exporter: ${error instanceof Error ? error.message : String(error)}`);
    return exitCodeOfError(error);
  }
}

export function buildProgram(deps: ProgramDeps, done: (code: ExitCode) => void): Command {
  const program = new Command("data-exporter")
    .description("Request, follow, list and download data-exporter exports; trigger scheduled exports; dead letters.")
    .showHelpAfterError("(add --help for usage)")
    .addHelpText("after", exitCodeHelp)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.output.out(text.replace(/\n$/, "")),
      writeErr: (text) => deps.output.err(text.replace(/\n$/, "")),
    });

  /** A subcommand with the options every command takes. */
  const command = (name: string, description: string, parent: Command = program): Command =>
    parent
      .command(name)
      .description(description)
      .option("--json", "print one JSON document on stdout")
      .exitOverride()
      .addHelpText("after", exitCodeHelp);
  const apiCommand = (name: string, description: string): Command =>
    command(name, description)
      .option("--url <url>", `the gateway's GraphQL endpoint (default: DATA_EXPORTER_URL, else ${deps.env.url})`)
      .option("--token <token>", "bearer token (default: DATA_EXPORTER_TOKEN, else .local/dev/token)");

  const context = (options: CommonOptions): CommandContext => {
    const url = options.url === undefined ? deps.env.url : checkedUrl(options.url, "--url");
    const token = chooseToken(options.token, deps.env, deps.readTokenFile);
    return {
      api: deps.makeApi(url, token),
      output: deps.output,
      json: options.json === true,
      now: deps.now,
      sleep: deps.sleep,
    };
  };

  apiCommand("request", "request an export of [--from, --to) (at most one day); prints its id")
    .requiredOption("--from <time>", "window start: ISO-8601 with offset (2024-04-06T00:00:00+11:00) or epoch seconds")
    .requiredOption("--to <time>", "window end (exclusive), as --from")
    .option("--force", "export again even if an earlier request of this window could be reused", false)
    .action(async (options: CommonOptions & { from: string; to: string; force: boolean }) => {
      done(await requestExport(context(options), { ...parseWindow(options.from, options.to), force: options.force }));
    });

  apiCommand("status", "an export's status, a progress bar per table; --watch follows it until it finished")
    .argument("<id>", "the request id")
    .option("--watch", "poll until Completed, Failed, Partially Completed or Cancelled (exit 0 only for Completed)")
    .addOption(
      new Option("--interval <seconds>", "seconds between polls with --watch")
        .default(2)
        .argParser(parser((text) => parseCount(text, "--interval", 1, 3600))),
    )
    .action(async (id: string, options: CommonOptions & { watch?: boolean; interval: number }) => {
      const args = { watch: options.watch === true, intervalMs: options.interval * 1000, unknownGraceMs: 30_000 };
      done(await showStatus(context(options), id, args));
    });

  apiCommand("list", "the exports this token may see, newest first")
    .addOption(
      new Option(
        "--status <statuses>",
        "only these statuses, comma-separated (in-progress,completed,failed,...)",
      ).argParser(parser(parseStatuses)),
    )
    .addOption(
      new Option(
        "--since <time>",
        "requested at or after: ISO-8601, epoch seconds, or back from now (12h, 7d)",
      ).argParser(parser((text) => parseSince(text, Math.floor(deps.now() / 1000)))),
    )
    .addOption(new Option("--mode <mode>", "ON_DEMAND or SCHEDULED").argParser(parser(parseMode)))
    .addOption(
      new Option("--limit <n>", "at most this many (pages of 100 are fetched as needed)")
        .default(50)
        .argParser(parser((text) => parseCount(text, "--limit", 1, 100_000))),
    )
    .action(async (options: CommonOptions & { status?: string[]; since?: number; mode?: string; limit: number }) => {
      const filter = {
        ...(options.status === undefined ? {} : { status: options.status }),
        ...(options.mode === undefined ? {} : { mode: options.mode }),
        ...(options.since === undefined ? {} : { requestedFrom: new Date(options.since * 1000).toISOString() }),
      };
      done(await listExports(context(options), { filter, limit: options.limit }));
    });

  apiCommand("links", "the presigned links of an export's completed tables, with their manifests")
    .argument("<id>", "the request id")
    .action(async (id: string, options: CommonOptions) => done(await showLinks(context(options), id)));

  apiCommand("download", "download every file of an export, each verified against its manifest's SHA-256")
    .argument("<id>", "the request id")
    .option("--dir <dir>", "where to write <table>/<file>.parquet (default: ./<id>)")
    .action(async (id: string, options: CommonOptions & { dir?: string }) => {
      done(await downloadExport(context(options), id, { dir: options.dir }));
    });

  apiCommand("cancel", "cancel an export that has not finished (its owner or an exporter-admin)")
    .argument("<id>", "the request id")
    .action(async (id: string, options: CommonOptions) => done(await cancelExport(context(options), id)));

  apiCommand("retry", "run a finished export's failed and cancelled tables again, as the same request")
    .argument("<id>", "the request id")
    .action(async (id: string, options: CommonOptions) => done(await retryExport(context(options), id)));

  apiCommand("trigger", "the scheduled export of Melbourne calendar days (what the daily CronJob runs), followed")
    .option("--date <YYYY-MM-DD>", "one date (default: yesterday in Australia/Melbourne)")
    .option("--from <YYYY-MM-DD>", "a backfill from this date ...")
    .option("--to <YYYY-MM-DD>", "... to this date, both included")
    .option("--force", "export again even if the date was already exported", false)
    .addOption(new Option("--triggered-by <who>", "recorded in the event").choices(["cronjob", "operator", "backfill"]))
    .option("--no-wait", "return once published, without following the exports")
    .action(
      async (
        options: CommonOptions & {
          date?: string;
          from?: string;
          to?: string;
          force: boolean;
          triggeredBy?: string;
          wait: boolean;
        },
      ) => {
        if (options.date !== undefined && options.from !== undefined) {
          throw new BadArgumentsError("--date cannot be combined with --from/--to");
        }
        const deps2 = { runEntryPoint: deps.runEntryPoint, env: deps.env.raw };
        done(
          await triggerExport(context(options), deps2, {
            ...options,
            intervalMs: 1000,
            unknownGraceMs: 30_000,
          }),
        );
      },
    );

  const dlq = program
    .command("dlq")
    .description("dead letters: messages a consumer gave up on (list, show, redrive)")
    .addHelpText("after", exitCodeHelp);
  const runDlqCommand = async (dlqCommand: DlqCommand, options: CommonOptions): Promise<void> => {
    done(await runDlq({ runEntryPoint: deps.runEntryPoint, env: deps.env.raw }, dlqCommand, options.json === true));
  };
  command("list", "every dead letter: when, which consumer, why, its export, whether it was re-driven", dlq)
    .option("--pending", "only those not re-driven yet")
    .action((options: CommonOptions & { pending?: boolean }) =>
      runDlqCommand({ command: "list", pending: options.pending === true }, options),
    );
  command("show", "one dead letter in full, with its decoded event", dlq)
    .argument("<id>", "partition:offset, as list shows it", parser(parseDeadLetterId))
    .action((id: string, options: CommonOptions) => runDlqCommand({ command: "show", id }, options));
  command("redrive", "publish dead letters again to their original topics, once each", dlq)
    .argument("[ids...]", "partition:offset of each (or --all)", parser(collectDeadLetterIds), [])
    .option("--all", "every dead letter that can be re-driven")
    .option("--dry-run", "say what would be re-driven, publish nothing")
    .action(async (ids: string[], options: CommonOptions & { all?: boolean; dryRun?: boolean }) => {
      if (ids.length > 0 === (options.all === true)) throw new BadArgumentsError("redrive takes ids or --all");
      await runDlqCommand(
        { command: "redrive", ids, all: options.all === true, dryRun: options.dryRun === true },
        options,
      );
    });
  dlq.exitOverride().configureOutput({
    writeOut: (text) => deps.output.out(text.replace(/\n$/, "")),
    writeErr: (text) => deps.output.err(text.replace(/\n$/, "")),
  });

  return program;
}

function collectDeadLetterIds(text: string, previous: string[]): string[] {
  return [...previous, parseDeadLetterId(text)];
}
