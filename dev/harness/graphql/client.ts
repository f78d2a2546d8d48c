/** A minimal client of request-api's GraphQL contract, for npm start's demo run and the end-to-end tests. */
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
}

/** `signal` bounds the call (e.g. AbortSignal.timeout: a frozen server never answers). */
export async function graphql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  signal?: AbortSignal,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
    ...(signal === undefined ? {} : { signal }),
  });
  return (await response.json()) as GraphQLResponse<T>;
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
  if (!result.data?.requestData) throw new Error(`requestData failed: ${JSON.stringify(result.errors)}`);
  return result.data.requestData;
}

export async function requestStatus(
  url: string,
  requestId: string,
  signal?: AbortSignal,
): Promise<RequestStatusResult> {
  const variables: RequestStatusMutationVariables = { requestId };
  const result = await graphql<RequestStatusMutation>(url, requestStatusMutation, variables, signal);
  if (!result.data?.requestStatus) throw new Error(`requestStatus failed: ${JSON.stringify(result.errors)}`);
  return result.data.requestStatus;
}

const finished = new Set(["Completed", "Failed", "Partially Completed"]);

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
