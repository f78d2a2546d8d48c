import { parseArgs } from "node:util";

export const dlqUsage = `usage: dlq list [--pending] [--json]
       dlq show <id> [--json]
       dlq redrive (<id>... | --all) [--dry-run] [--json]

Dead letters are messages a consumer gave up on (undecodable, or failing past HANDLER_MAX_ATTEMPTS); <id> is their
position on the dead-letter topic, partition:offset (e.g. 0:12), as list shows it.
  list        every dead letter: when, which consumer, why, its export, and whether it was re-driven
  show        one dead letter in full, with its decoded event
  redrive     publishes the original message again to its original topic, once per dead letter: a dead letter
              already re-driven, or whose export work already ended (its table or request was failed for it), is
              skipped and says why. Run it after fixing what made the consumer give up.
  --pending   only dead letters not re-driven yet
  --dry-run   say what would be re-driven, publish nothing
  --json      one JSON document on stdout`;

export class DlqArgsError extends Error {
  readonly code = "INVALID_DLQ_ARGS";
  constructor(message: string) {
    super(message);
    this.name = "DlqArgsError";
  }
}

export type DlqCommand =
  | { readonly command: "list"; readonly pending: boolean; readonly json: boolean }
  | { readonly command: "show"; readonly id: string; readonly json: boolean }
  | {
      readonly command: "redrive";
      readonly ids: readonly string[] | "all";
      readonly dryRun: boolean;
      readonly json: boolean;
    }
  | { readonly command: "help" };

const ID = /^\d+:\d+$/;

export function parseDlqArgs(argv: readonly string[]): DlqCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        pending: { type: "boolean", default: false },
        all: { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new DlqArgsError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === "help") return { command: "help" };
  const bad = rest.find((id) => !ID.test(id));
  if (bad !== undefined) throw new DlqArgsError(`not a dead-letter id (partition:offset): ${JSON.stringify(bad)}`);
  switch (command) {
    case "list":
      if (rest.length > 0) throw new DlqArgsError("list takes no id");
      return { command, pending: values.pending, json: values.json };
    case "show":
      if (rest.length !== 1 || rest[0] === undefined) throw new DlqArgsError("show takes exactly one id");
      return { command, id: rest[0], json: values.json };
    case "redrive":
      if (values.all === rest.length > 0) throw new DlqArgsError("redrive takes ids or --all (not both)");
      return { command, ids: values.all ? "all" : rest, dryRun: values["dry-run"], json: values.json };
    default:
      throw new DlqArgsError(`unknown command ${JSON.stringify(command)}`);
  }
}
