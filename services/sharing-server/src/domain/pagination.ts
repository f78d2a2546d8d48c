import { SharingError } from "./errors.js";

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken?: string;
}

/** The protocol's paging parameters as the query string has them. */
export interface PageRequest {
  readonly maxResults: string | null;
  readonly pageToken: string | null;
}

/**
 * One page of `items` (sorted by `keyOf`, unique keys), after the key the token names. Tokens are keys, not offsets,
 * so a table added meanwhile neither repeats nor skips another on the next page.
 */
export function pageOf<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  request: PageRequest,
  maxPage: number,
): Page<T> {
  const size = pageSize(request.maxResults, maxPage);
  const after = request.pageToken === null || request.pageToken === "" ? undefined : decodeToken(request.pageToken);
  const sorted = [...items].sort((a, b) => compare(keyOf(a), keyOf(b)));
  const rest = after === undefined ? sorted : sorted.filter((item) => compare(keyOf(item), after) > 0);
  const page = rest.slice(0, size);
  if (rest.length <= size) return { items: page };
  const last = page.at(-1);
  // maxResults=0: no item, and a token that starts where the request did.
  const next = last === undefined ? (after ?? "") : keyOf(last);
  return { items: page, nextPageToken: encodeToken(next) };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function pageSize(raw: string | null, maxPage: number): number {
  if (raw === null || raw === "") return maxPage;
  if (!/^\d+$/.test(raw) || Number(raw) > 2 ** 31 - 1)
    throw new SharingError("INVALID_PARAMETER_VALUE", `maxResults must be a non-negative 32-bit integer, got ${raw}`);
  return Math.min(Number(raw), maxPage);
}

const encodeToken = (after: string): string => Buffer.from(JSON.stringify({ after }), "utf8").toString("base64url");

function decodeToken(token: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { after?: unknown };
    if (typeof decoded.after === "string") return decoded.after;
  } catch {
    // Reported below.
  }
  throw new SharingError("INVALID_PARAMETER_VALUE", "pageToken is not one this server gave");
}
