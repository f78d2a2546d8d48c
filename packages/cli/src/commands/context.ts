import type { Api } from "../api/graphql-client.js";
import type { Output } from "../output.js";

/** What every API command gets from main.ts. */
export interface CommandContext {
  readonly api: Api;
  readonly output: Output;
  /** Print one JSON document on stdout instead of text. */
  readonly json: boolean;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}
