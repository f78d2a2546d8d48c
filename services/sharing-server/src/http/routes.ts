import { SharingError } from "../domain/errors.js";
import type { PageRequest } from "../domain/pagination.js";

/** A Delta Sharing API call, parsed from its method and path (below the server's prefix). */
export type Route =
  | { readonly kind: "listShares" }
  | { readonly kind: "getShare"; readonly share: string }
  | { readonly kind: "listSchemas"; readonly share: string }
  | { readonly kind: "listTables"; readonly share: string; readonly schema: string }
  | { readonly kind: "listAllTables"; readonly share: string }
  | { readonly kind: "version" | "metadata" | "query" | "changes" | "credentials"; readonly table: TablePath };

export interface TablePath {
  readonly share: string;
  readonly schema: string;
  readonly table: string;
}

const segmentsOf = (path: string): string[] => {
  try {
    return path
      .split("/")
      .filter((s) => s !== "")
      .map(decodeURIComponent);
  } catch {
    throw new SharingError("MALFORMED_REQUEST", "the path is not valid percent-encoding");
  }
};

/** The route of `method` `path`; undefined when no API answers there (404). */
export function routeOf(method: string, path: string): Route | undefined {
  const s = segmentsOf(path);
  if (s[0] !== "shares") return undefined;
  const [, share, third, schema, fifth, table, action] = s;
  const get = method === "GET";
  if (s.length === 1) return get ? { kind: "listShares" } : undefined;
  if (share === undefined) return undefined;
  if (s.length === 2) return get ? { kind: "getShare", share } : undefined;
  if (s.length === 3 && third === "schemas") return get ? { kind: "listSchemas", share } : undefined;
  if (s.length === 3 && third === "all-tables") return get ? { kind: "listAllTables", share } : undefined;
  if (third !== "schemas" || schema === undefined || fifth !== "tables") return undefined;
  if (s.length === 5) return get ? { kind: "listTables", share, schema } : undefined;
  if (table === undefined) return undefined;
  const path3 = { share, schema, table };
  // HEAD on the table itself is the deprecated form of GET .../version.
  if (s.length === 6) return method === "HEAD" ? { kind: "version", table: path3 } : undefined;
  if (s.length !== 7) return undefined;
  if (action === "version" && (get || method === "HEAD")) return { kind: "version", table: path3 };
  if (action === "metadata" && get) return { kind: "metadata", table: path3 };
  if (action === "query" && method === "POST") return { kind: "query", table: path3 };
  if (action === "changes" && get) return { kind: "changes", table: path3 };
  if (action === "temporary-table-credential" && method === "POST") return { kind: "credentials", table: path3 };
  return undefined;
}

export const pageRequestOf = (params: URLSearchParams): PageRequest => ({
  maxResults: params.get("maxResults"),
  pageToken: params.get("pageToken"),
});
