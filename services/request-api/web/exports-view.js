// @ts-check
/**
 * What the status page shows, as pure functions of the GraphQL answers and the URL: no DOM, no fetch, so the
 * unit tests run them in Node (web/test) and the page (exports.js) only wires them to the document.
 */

/** Statuses after which an export changes no more (unless retryExport runs it again). */
const TERMINAL = new Set(["Completed", "Failed", "Partially Completed", "Cancelled"]);

/** @param {string} status an export's status */
export const isTerminal = (status) => TERMINAL.has(status);

/**
 * The fragment of /exports: `#<request id>`, `#token=<jwt>` or `#token=<jwt>&id=<request id>`. A fragment never
 * reaches a server, so a link may carry the token.
 * @param {string} hash location.hash
 * @returns {{ token?: string, id?: string }}
 */
export function parseFragment(hash) {
  const text = hash.replace(/^#/, "");
  if (text === "") return {};
  if (!text.includes("=")) return { id: decodeURIComponent(text) };
  const params = new URLSearchParams(text);
  /** @type {{ token?: string, id?: string }} */
  const parsed = {};
  const token = params.get("token");
  const id = params.get("id");
  if (token) parsed.token = token;
  if (id) parsed.id = id;
  return parsed;
}

/**
 * A table's progress bar: 0 while pending, unknown (an indeterminate bar) while it runs, 100 once it finished.
 * @param {string} status PENDING, IN-PROGRESS, COMPLETED, FAILED or CANCELLED
 * @returns {number | null}
 */
export function tableProgress(status) {
  if (status === "PENDING") return 0;
  if (status === "IN-PROGRESS") return null;
  return 100;
}

const UNITS = ["B", "kB", "MB", "GB", "TB"];

/**
 * @param {number | null | undefined} bytes
 * @returns {string} e.g. "1.5 MB"; "—" when unknown
 */
export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return "—";
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/**
 * @param {number | null | undefined} count
 * @returns {string} grouped digits (en), "—" when unknown
 */
export const formatCount = (count) => (count === null || count === undefined ? "—" : count.toLocaleString("en"));

/**
 * An instant as the page shows it: UTC, to the second, so every reader sees the same text.
 * @param {string | number | null | undefined} instant ISO-8601 or epoch seconds
 */
export function formatInstant(instant) {
  if (instant === null || instant === undefined) return "—";
  const date = typeof instant === "number" ? new Date(instant * 1000) : new Date(instant);
  if (Number.isNaN(date.getTime())) return "—";
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * How long a table took (or has been running, given `now`).
 * @param {string | null | undefined} startedAt ISO-8601
 * @param {string | null | undefined} finishedAt ISO-8601
 * @param {number} now epoch ms, for a table still running
 */
export function formatDuration(startedAt, finishedAt, now) {
  if (!startedAt) return "—";
  const end = finishedAt ? Date.parse(finishedAt) : now;
  const ms = end - Date.parse(startedAt);
  if (!Number.isFinite(ms) || ms < 0) return "—";
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * The export window from the form's two datetime-local values, read as UTC (the page says so).
 * @param {string} from e.g. "2024-04-05T13:00"
 * @param {string} to
 * @returns {{ startTime: number, endTime: number } | { error: string }}
 */
export function windowFromInputs(from, to) {
  const seconds = (/** @type {string} */ value) => Date.parse(`${value.length === 16 ? `${value}:00` : value}Z`) / 1000;
  const startTime = seconds(from);
  const endTime = seconds(to);
  if (!Number.isInteger(startTime) || !Number.isInteger(endTime)) return { error: "Enter both times." };
  if (endTime <= startTime) return { error: "“To” must be after “From”." };
  return { startTime, endTime };
}

/**
 * A datetime-local value (UTC) for epoch seconds, to fill the form.
 * @param {number} epochSeconds
 */
export const inputValueOf = (epochSeconds) => new Date(epochSeconds * 1000).toISOString().slice(0, 16);

/**
 * The file name of an object key, for a link's text.
 * @param {string} key
 */
export const fileName = (key) => key.slice(key.lastIndexOf("/") + 1);

/**
 * Only http(s) links become hrefs: a link is data from the server, and a javascript: URL must never run.
 * @param {string | null | undefined} url
 * @returns {string | undefined}
 */
export function safeHref(url) {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What to tell the reader about a GraphQL error, by its extensions.code.
 * @param {string | undefined} code
 * @param {string} message
 */
export function errorText(code, message) {
  if (code === "UNAUTHENTICATED")
    return "The token was refused (missing, expired or not for this gateway). Enter a new one.";
  if (code === "NOT_FOUND") return "No such export (or it is not yours).";
  if (code === "INTERNAL") return "The service failed; try again in a moment.";
  return message;
}
