import { BadArgumentsError } from "./errors.js";
import { terminalStatuses } from "./exit-codes.js";

/** Export statuses as `--status` accepts them: any case, `-`/`_` for spaces (in-progress, PARTIALLY_COMPLETED). */
const exportStatuses = ["In Progress", ...terminalStatuses] as const;

const normal = (text: string): string =>
  text
    .trim()
    .toLowerCase()
    .replace(/[-_\s]+/g, " ");

/** `--status completed,failed` → ["Completed", "Failed"] (the API's spelling). */
export function parseStatuses(text: string, previous: readonly string[] = []): string[] {
  const chosen = text.split(",").map((part) => {
    const found = exportStatuses.find((status) => normal(status) === normal(part));
    if (found === undefined) {
      throw new BadArgumentsError(
        `unknown status ${JSON.stringify(part.trim())}; one of: ${exportStatuses.join(", ")}`,
      );
    }
    return found;
  });
  return [...new Set([...previous, ...chosen])];
}

export const exportModes = ["ON_DEMAND", "SCHEDULED"] as const;

/** `--mode on-demand` → ON_DEMAND. */
export function parseMode(text: string): string {
  const mode = text.trim().toUpperCase().replace(/-/g, "_");
  if (!(exportModes as readonly string[]).includes(mode)) {
    throw new BadArgumentsError(`--mode must be one of ${exportModes.join(", ")}, got ${JSON.stringify(text)}`);
  }
  return mode;
}

/** A whole number from `min` to `max`, for options such as --limit and --interval. */
export function parseCount(text: string, option: string, min: number, max: number): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new BadArgumentsError(`${option} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** Dead letters are named partition:offset (0:12), as `dlq list` shows them. */
export function parseDeadLetterId(text: string): string {
  if (!/^\d+:\d+$/.test(text)) {
    throw new BadArgumentsError(`a dead letter id is partition:offset (0:12), got ${JSON.stringify(text)}`);
  }
  return text;
}
