/** The extension the gateway forwards the verified JWT in (@graphql-mesh/plugin-jwt-auth's default). */
export const JWT_EXTENSION = "jwt";

export interface SignedParams {
  readonly query?: string | undefined;
  readonly variables?: Readonly<Record<string, unknown>> | null | undefined;
  readonly extensions?: Readonly<Record<string, unknown>> | null | undefined;
}

/**
 * What the gateway signs (HMAC) and request-api checks: the operation, its variables and the forwarded JWT payload,
 * in a canonical JSON form. The plugins' default leaves the payload out, so a captured request could be replayed
 * under another identity; this does not.
 */
export function signedContent(params: SignedParams): string {
  const jwt = params.extensions?.[JWT_EXTENSION] as { payload?: unknown } | undefined;
  return canonicalJson({
    query: params.query ?? null,
    variables: params.variables ?? {},
    jwt: jwt?.payload ?? null,
  });
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
