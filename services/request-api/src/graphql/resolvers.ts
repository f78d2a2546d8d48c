import { GraphQLError } from "graphql";
import { RequestApiError } from "../domain/errors.js";
import { validateRequestId } from "../domain/export-window.js";
import { requestExport, type RequestExportDeps } from "../domain/request-export.js";
import { toStatusView, type Presign, type RequestStatusView } from "../domain/status-view.js";
import type { Logger } from "@data-exporter/runtime";
import type { ExportRequestState } from "@data-exporter/status-store";

export interface ResolverDeps extends RequestExportDeps {
  readonly loadRequest: (requestId: string) => Promise<ExportRequestState | undefined>;
  readonly presign: Presign;
  readonly log: RequestExportDeps["log"] & Pick<Logger, "error">;
}

/**
 * The one boundary where domain errors become GraphQL errors: user mistakes get BAD_USER_INPUT and their message;
 * anything else gets a generic message (no stack, SQL or internal detail reaches a caller) and is logged.
 */
async function boundary<T>(operation: string, deps: ResolverDeps, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof RequestApiError && error.userError) {
      throw new GraphQLError(error.message, { extensions: { code: "BAD_USER_INPUT", reason: error.code } });
    }
    deps.metrics.add(`internal_errors_total.${operation}`);
    deps.log.error({ err: error, operation }, "request failed");
    const message = error instanceof RequestApiError ? error.message : "internal error; please retry later";
    throw new GraphQLError(message, { extensions: { code: "INTERNAL_SERVER_ERROR" } });
  }
}

export function createResolvers(deps: ResolverDeps) {
  const requestStatus = (_: unknown, args: { requestId: string }): Promise<RequestStatusView> =>
    boundary("requestStatus", deps, async () => {
      const requestId = validateRequestId(args.requestId);
      return toStatusView(requestId, await deps.loadRequest(requestId), deps.presign);
    });
  return {
    Query: { requestStatus },
    Mutation: {
      requestData: (
        _: unknown,
        args: { startTime: number; endTime: number; force?: boolean | null },
        context: { requestedBy?: string | null },
      ) =>
        boundary("requestData", deps, () =>
          requestExport(
            {
              startTime: args.startTime,
              endTime: args.endTime,
              requestedBy: context.requestedBy ?? null,
              force: args.force === true,
            },
            deps,
          ),
        ),
      requestStatus,
    },
  };
}
