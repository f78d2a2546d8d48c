import { ApiError, ApiUnreachableError } from "../errors.js";

/** What the commands need of the API: one GraphQL operation at a time. */
export interface Api {
  readonly url: string;
  call<T>(document: string, variables?: Record<string, unknown>): Promise<T>;
}

/** The subset of fetch the client uses (tests pass a fake). */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

interface GraphQLBody<T> {
  data?: T | null;
  errors?: readonly { message: string; extensions?: { code?: string } }[];
}

export interface GraphQLClientOptions {
  readonly url: string;
  readonly token: string | undefined;
  readonly fetch: Fetch;
  /** A frozen server never answers: each call gives up after this long. */
  readonly timeoutMs: number;
}

/** GraphQL over HTTP to the gateway, with the caller's bearer token. */
export class GraphQLClient implements Api {
  readonly url: string;
  constructor(private readonly options: GraphQLClientOptions) {
    this.url = options.url;
  }

  async call<T>(document: string, variables: Record<string, unknown> = {}): Promise<T> {
    const { url, token } = this.options;
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify({ query: document, variables }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new ApiUnreachableError(url, reasonOf(error), { cause: error });
    }
    let body: GraphQLBody<T>;
    try {
      body = JSON.parse(text) as GraphQLBody<T>;
    } catch {
      throw new ApiUnreachableError(url, `HTTP ${response.status} with a body that is not GraphQL`);
    }
    const first = body.errors?.[0];
    if (first !== undefined) {
      const code = first.extensions?.code;
      throw new ApiError(code, `${code ?? "ERROR"}: ${first.message}${hintFor(code, token)}`);
    }
    if (body.data === undefined || body.data === null) {
      throw new ApiUnreachableError(url, `HTTP ${response.status} without data or errors`);
    }
    return body.data;
  }
}

function hintFor(code: string | undefined, token: string | undefined): string {
  if (code !== "UNAUTHENTICATED") return "";
  return token === undefined
    ? " (no token: pass --token, set DATA_EXPORTER_TOKEN, or run npm start, which writes .local/dev/token)"
    : " (the token was refused: expired, or not signed by this gateway's issuer)";
}

/** fetch's "fetch failed" hides the reason in its cause (ECONNREFUSED, ENOTFOUND, a timeout). */
function reasonOf(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return "no answer in time";
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code !== undefined) return `${cause.code}${cause.message ? ` (${cause.message})` : ""}`;
  if (cause?.message !== undefined) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
