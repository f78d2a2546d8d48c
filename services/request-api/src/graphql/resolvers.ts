import { GraphQLError } from "graphql";
import type { Caller } from "../auth/caller.js";
import { RequestApiError } from "../domain/errors.js";
import { validateRequestId } from "../domain/export-window.js";
import { requestExport, type RequestExportDeps } from "../domain/request-export.js";
import type { RequestMeter } from "../domain/request-meter.js";
import { toStatusView, type RequestStatusView } from "../domain/status-view.js";
import type { Logger } from "@data-exporter/runtime";
import {
  exportRequestFields,
  exportRequestResolvers,
  type ExportRequestDeps,
  type ExportRequestFilterInput,
} from "./export-request-resolvers.js";

export interface ResolverDeps extends RequestExportDeps, ExportRequestDeps {
  /** Who calls, from the context the authentication plugins built; undefined when nobody was authenticated. */
  readonly callerOf: (context: Record<string, unknown>) => Caller | undefined;
  readonly log: RequestExportDeps["log"] & Pick<Logger, "error">;
  readonly metrics: RequestExportDeps["metrics"] & Pick<RequestMeter, "operation">;
}

const codedError = (message: string, code: string, status: number): GraphQLError =>
  new GraphQLError(message, { extensions: { code, http: { status } } });

/**
 * The one boundary where domain errors become GraphQL errors: user mistakes get BAD_USER_INPUT and their message;
 * anything else gets a generic message and INTERNAL (no stack, SQL or internal detail reaches a caller) and is logged.
 */
async function boundary<T>(operation: string, deps: ResolverDeps, run: () => Promise<T>): Promise<T> {
  try {
    const result = await run();
    deps.metrics.operation(operation, "ok");
    return result;
  } catch (error) {
    if (error instanceof GraphQLError) {
      deps.metrics.operation(operation, "user_error");
      throw error;
    }
    if (error instanceof RequestApiError && error.userError) {
      deps.metrics.operation(operation, "user_error");
      const code = error.code === "QUOTA_EXCEEDED" ? "RATE_LIMITED" : "BAD_USER_INPUT";
      throw new GraphQLError(error.message, { extensions: { code, reason: error.code } });
    }
    deps.metrics.operation(operation, "internal_error");
    deps.log.error({ err: error, operation }, "request failed");
    const message = error instanceof RequestApiError ? error.message : "internal error; please retry later";
    throw new GraphQLError(message, { extensions: { code: "INTERNAL" } });
  }
}

export function createResolvers(deps: ResolverDeps) {
  const callerIn = (context: Record<string, unknown>): Caller => {
    const caller = deps.callerOf(context);
    if (caller === undefined) throw codedError("a valid token is required", "UNAUTHENTICATED", 401);
    return caller;
  };
  const exportRequests = exportRequestResolvers(deps);
  /**
   * Someone else's export reads exactly like one never requested: the seed's "not requested" answer, so an id
   * (which SNS and the public topic carry) reveals nothing to a caller who does not own it.
   */
  const requestStatus = (
    _: unknown,
    args: { requestId: string },
    context: Record<string, unknown>,
  ): Promise<RequestStatusView> =>
    boundary("requestStatus", deps, async () => {
      const requestId = validateRequestId(args.requestId);
      const found = await exportRequests.visible(callerIn(context), requestId);
      if (found === undefined) return toStatusView(requestId, undefined, deps.presign);
      return found.view();
    });
  return {
    Query: {
      requestStatus,
      exportRequest: (_: unknown, args: { id: string }, context: Record<string, unknown>) =>
        boundary("exportRequest", deps, () => exportRequests.exportRequest(callerIn(context), args.id)),
      exportRequests: (
        _: unknown,
        args: { filter?: ExportRequestFilterInput | null; first?: number | null; after?: string | null },
        context: Record<string, unknown>,
      ) => boundary("exportRequests", deps, () => exportRequests.exportRequests(callerIn(context), args)),
      // Federation: another subgraph's reference to an export resolves only for a caller who may see it.
      _entities: (_: unknown, args: { representations: unknown[] }, context: Record<string, unknown>) =>
        boundary("_entities", deps, () => {
          const caller = callerIn(context);
          return Promise.all(args.representations.map((r) => exportRequests.entity(caller, r)));
        }),
    },
    _Entity: { __resolveType: () => "ExportRequest" },
    ExportRequest: exportRequestFields,
    Mutation: {
      requestData: (
        _: unknown,
        args: { startTime: number; endTime: number; force?: boolean | null },
        context: Record<string, unknown>,
      ) =>
        boundary("requestData", deps, () =>
          requestExport(
            {
              startTime: args.startTime,
              endTime: args.endTime,
              requestedBy: callerIn(context).id,
              force: args.force === true,
            },
            deps,
          ),
        ),
      requestStatus,
      refreshLinks: (_: unknown, args: { id: string }, context: Record<string, unknown>) =>
        boundary("refreshLinks", deps, () => exportRequests.refreshLinks(callerIn(context), args.id)),
      cancelExport: (_: unknown, args: { id: string }, context: Record<string, unknown>) =>
        boundary("cancelExport", deps, () => exportRequests.cancelExport(callerIn(context), args.id)),
      retryExport: (_: unknown, args: { id: string }, context: Record<string, unknown>) =>
        boundary("retryExport", deps, () => exportRequests.retryExport(callerIn(context), args.id)),
    },
  };
}
