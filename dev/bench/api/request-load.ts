import { gatewayExtensions, operatorIdentity, type DevIssuer } from "../../harness/auth.js";
import { requestDataMutation, requestStatusMutation } from "../../harness/graphql/operations.js";
import type { LoadRequest } from "./open-loop-load.js";

/** Where a load goes: the gateway with callers' tokens (the user's path), or request-api signed as the gateway. */
export type Route =
  | { readonly kind: "gateway"; readonly url: string; readonly issuer: DevIssuer }
  | { readonly kind: "direct"; readonly url: string; readonly hmacSecret: string };

/** 2020-09-13: any past window is valid for requestData; nothing exports it while the planner does not run. */
const FIRST_WINDOW_START = 1_600_000_000;

/**
 * The `serial`-th requestData of the bench: its own caller (so neither reuse nor the quotas find an earlier request
 * of theirs: each is a caller's first, the path a new export takes) and its own one-hour window.
 */
export function requestDataLoad(route: Route, serial: number): LoadRequest {
  const identity = { sub: `bench-caller-${serial}`, roles: [] };
  const startTime = FIRST_WINDOW_START + serial * 60;
  const variables = { startTime, endTime: startTime + 3600, force: false };
  return signed(route, identity, requestDataMutation, variables);
}

/** requestStatus of one export, as the operator (an admin sees every export) would poll it. */
export function requestStatusLoad(route: Route, requestId: string, token?: string): LoadRequest {
  return signed(route, operatorIdentity, requestStatusMutation, { requestId }, token);
}

function signed(
  route: Route,
  identity: { sub: string; roles: readonly string[] },
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): LoadRequest {
  if (route.kind === "gateway")
    return {
      headers: { authorization: `Bearer ${token ?? route.issuer.mint(identity)}` },
      body: JSON.stringify({ query, variables }),
    };
  return {
    headers: {},
    body: JSON.stringify({
      query,
      variables,
      extensions: gatewayExtensions(route.hmacSecret, { query, variables }, identity),
    }),
  };
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** requestData answered a request id. */
export const isRequestId = (data: unknown): boolean =>
  typeof (data as { requestData?: unknown } | null)?.requestData === "string" &&
  uuid.test((data as { requestData: string }).requestData);

/** requestStatus answered a status for an id. */
export const isStatus = (data: unknown): boolean =>
  typeof (data as { requestStatus?: { status?: unknown } } | null)?.requestStatus?.status === "string";
