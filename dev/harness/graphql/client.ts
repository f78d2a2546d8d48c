/** A minimal client of request-api's GraphQL contract, for npm start's demo run and the end-to-end tests. */
import { gatewayExtensions, operatorIdentity, type Identity } from "../auth.js";
import { requestDataMutation, requestStatusMutation } from "./operations.js";
import type {
  RequestDataMutation,
  RequestDataMutationVariables,
  RequestStatusMutation,
  RequestStatusMutationVariables,
} from "./operations.generated.js";

export interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
  /** The HTTP status of the answer (not part of GraphQL's body): reported when neither data nor errors came. */
  httpStatus?: number;
}

/** How the harness authenticates to an endpoint: a bearer token (the gateway), or as the gateway (a subgraph). */
type Credentials =
  | { readonly kind: "bearer"; readonly token: string }
  | { readonly kind: "gateway"; readonly secret: string; readonly identity: Identity };

const credentials = new Map<string, Credentials>();

/** Requests to `url` (a gateway) carry this token, unless a call passes its own headers. */
export function useBearerToken(url: string, token: string): void {
  credentials.set(url, { kind: "bearer", token });
}

/**
 * Requests to `url` (request-api itself) are signed as the gateway signs them, for `identity` (default: the
 * operator): for harness code that drives the subgraph directly, such as fault injection.
 */
export function actAsGateway(url: string, secret: string, identity: Identity = operatorIdentity): void {
  credentials.set(url, { kind: "gateway", secret, identity });
}

/**
 * `signal` bounds the call (e.g. AbortSignal.timeout: a frozen server never answers). `headers`, when given, are
 * sent as they are, without the credentials registered for the URL (tests of authentication).
 */
export async function graphql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  signal?: AbortSignal,
  headers?: Record<string, string>,
): Promise<GraphQLResponse<T>> {
  const registered = headers === undefined ? credentials.get(url) : undefined;
  const extensions =
    registered?.kind === "gateway"
      ? { extensions: gatewayExtensions(registered.secret, { query, variables }, registered.identity) }
      : {};
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(registered?.kind === "bearer" ? { authorization: `Bearer ${registered.token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables, ...extensions }),
    ...(signal === undefined ? {} : { signal }),
  });
  const text = await response.text();
  let body: GraphQLResponse<T>;
  try {
    body = JSON.parse(text) as GraphQLResponse<T>;
  } catch {
    throw new Error(`GraphQL answer of ${url} is not JSON (HTTP ${response.status}): ${text.slice(0, 500)}`);
  }
  return { ...body, httpStatus: response.status };
}

/** What a failed call says: the GraphQL errors, or the HTTP status when there were none. */
export function failureOf(result: GraphQLResponse<unknown>): string {
  return result.errors !== undefined
    ? JSON.stringify(result.errors)
    : `HTTP ${result.httpStatus ?? "?"}, no errors, data ${JSON.stringify(result.data)}`;
}

/** What requestStatus answers to the harness's operation (its type is generated from request-api's schema). */
export type RequestStatusResult = RequestStatusMutation["requestStatus"];

export interface RequestDataOptions {
  /** Export again even when request-api could return an earlier request of the same window. */
  readonly force?: boolean;
  readonly signal?: AbortSignal;
}

export async function requestData(
  url: string,
  startTime: number,
  endTime: number,
  options: RequestDataOptions = {},
): Promise<string> {
  const variables: RequestDataMutationVariables = { startTime, endTime, force: options.force ?? false };
  const result = await graphql<RequestDataMutation>(url, requestDataMutation, variables, options.signal);
  if (!result.data?.requestData) throw new Error(`requestData failed: ${failureOf(result)}`);
  return result.data.requestData;
}

export async function requestStatus(
  url: string,
  requestId: string,
  signal?: AbortSignal,
): Promise<RequestStatusResult> {
  const variables: RequestStatusMutationVariables = { requestId };
  const result = await graphql<RequestStatusMutation>(url, requestStatusMutation, variables, signal);
  if (!result.data?.requestStatus) throw new Error(`requestStatus failed: ${failureOf(result)}`);
  return result.data.requestStatus;
}

const finished = new Set(["Completed", "Failed", "Partially Completed", "Cancelled"]);

/** Whether an export with this requestStatus status has finished (every table done, or nothing to do). */
export function isFinished(status: string): boolean {
  return finished.has(status);
}

/** Polls requestStatus until the export finished (or the deadline passed). */
export async function waitForExport(
  url: string,
  requestId: string,
  timeoutMs = 120_000,
  onProgress?: (s: RequestStatusResult) => void,
): Promise<RequestStatusResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await requestStatus(url, requestId);
    onProgress?.(status);
    if (isFinished(status.status)) return status;
    if (Date.now() > deadline)
      throw new Error(`export ${requestId} still "${status.status}" at ${status.progress}% after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
