import { GraphQLError } from "graphql";
import type { TypedEvent } from "@data-exporter/contracts";
import { progressOf, type ExportRequestState } from "@data-exporter/status-store";
import { mayAccess, type Caller } from "../auth/caller.js";
import { cancellationOf, retryOf, type Decision } from "../domain/cancel-retry.js";
import { validateRequestId } from "../domain/export-window.js";
import {
  decodeCursor,
  encodeCursor,
  readModelStatuses,
  validateMode,
  validatePageSize,
  type Cursor,
} from "../domain/export-listing.js";
import { statusTextOf, toStatusView, type Presign, type RequestStatusView } from "../domain/status-view.js";
import type { RequestListQuery } from "@data-exporter/status-store";

export interface ExportRequestDeps {
  readonly loadRequest: (requestId: string) => Promise<ExportRequestState | undefined>;
  /** When the owner last granted the links a new day (refreshLinks), epoch ms; null if never. */
  readonly latestGrant: (requestId: string) => Promise<number | null>;
  /** Records (audits) a grant by the caller now; returns its time. */
  readonly grantLinks: (requestId: string, grantedBy: string) => Promise<number>;
  readonly log: { info: (fields: object, message: string) => void };
  /** The caller recorded with an on-demand request; null for a scheduled export (or one this service never saw). */
  readonly ownerOf: (requestId: string) => Promise<string | null>;
  readonly listRequests: (query: RequestListQuery) => Promise<ExportRequestState[]>;
  readonly presign: Presign;
  /** Appends a caller's cancellation or retry to the request topic; resolves once the broker acknowledged it. */
  readonly publishCallerEvent: (event: TypedEvent<"ExportCancelRequested" | "ExportRetryRequested">) => Promise<void>;
  readonly now: () => number;
}

/** An ExportRequest as resolved: its state, and its links presigned only if a field asks for them. */
export interface ExportRequestNode {
  readonly state: ExportRequestState;
  readonly view: () => Promise<RequestStatusView>;
}

const notFound = (): GraphQLError =>
  new GraphQLError("no such export request", { extensions: { code: "NOT_FOUND", http: { status: 200 } } });

const forbidden = (message: string): GraphQLError => new GraphQLError(message, { extensions: { code: "FORBIDDEN" } });

function node(state: ExportRequestState, presign: Presign, grantedAt: () => Promise<number | null>): ExportRequestNode {
  let view: Promise<RequestStatusView> | undefined;
  return {
    state,
    view: () => (view ??= grantedAt().then((at) => toStatusView(state.requestId, state, presign, at))),
  };
}

const conflict = (message: string): GraphQLError => new GraphQLError(message, { extensions: { code: "CONFLICT" } });

function decided<E>(decision: Decision<E>): E {
  if ("conflict" in decision) throw conflict(decision.conflict);
  return decision.event;
}

export interface ExportRequestFilterInput {
  readonly status?: readonly string[] | null;
  readonly mode?: string | null;
  readonly requestedFrom?: number | null;
  readonly requestedTo?: number | null;
  readonly requestedBy?: string | null;
}

export function exportRequestResolvers(deps: ExportRequestDeps) {
  /**
   * The export if the caller may see it; one the caller may not see is, to them, not there. Every operation decides
   * visibility here, requestStatus included: the owner recorded with the request (or with the request's state).
   */
  const visible = async (caller: Caller, id: string): Promise<ExportRequestNode | undefined> => {
    const state = await deps.loadRequest(id);
    if (state === undefined) return undefined;
    if (!mayAccess(caller, state.requestedBy ?? (await deps.ownerOf(id)))) return undefined;
    return node(state, deps.presign, () => deps.latestGrant(id));
  };

  return {
    visible,

    exportRequest: async (caller: Caller, id: string): Promise<ExportRequestNode> => {
      const found = await visible(caller, validateRequestId(id));
      if (found === undefined) throw notFound();
      return found;
    },

    /**
     * Grants an export's links one more day from now: the owner's (or an admin's) explicit, audited act, never a
     * side effect of reading the status.
     */
    refreshLinks: async (caller: Caller, id: string): Promise<ExportRequestNode> => {
      const found = await visible(caller, validateRequestId(id));
      if (found === undefined) throw notFound();
      if (!found.state.tables.some((table) => table.status === "COMPLETED"))
        throw conflict("the export has no completed table, so no links to refresh");
      const grantedAt = await deps.grantLinks(found.state.requestId, caller.id);
      deps.log.info({ requestId: found.state.requestId, by: caller.id, grantedAt }, "download links refreshed");
      return node(found.state, deps.presign, () => Promise.resolve(grantedAt));
    },

    /** Stops a running export (audited); it reads Cancelled once every table stopped. */
    cancelExport: async (caller: Caller, id: string): Promise<ExportRequestNode> => {
      const found = await visible(caller, validateRequestId(id));
      if (found === undefined) throw notFound();
      const event = decided(cancellationOf(found.state, caller.id, deps.now()));
      await deps.publishCallerEvent({ type: "ExportCancelRequested", value: event });
      deps.log.info({ requestId: event.requestId, run: event.run, by: caller.id }, "export cancellation requested");
      return found;
    },

    /** Runs a finished export's failed and cancelled tables again (audited), as the same request. */
    retryExport: async (caller: Caller, id: string): Promise<ExportRequestNode> => {
      const found = await visible(caller, validateRequestId(id));
      if (found === undefined) throw notFound();
      const event = decided(retryOf(found.state, caller.id, deps.now()));
      await deps.publishCallerEvent({ type: "ExportRetryRequested", value: event });
      deps.log.info(
        { requestId: event.requestId, run: event.run, tables: event.tables, by: caller.id },
        "export retry requested",
      );
      return found;
    },

    entity: async (caller: Caller, representation: unknown): Promise<ExportRequestNode | null> => {
      const id = (representation as { id?: unknown } | null)?.id;
      if (typeof id !== "string") return null;
      try {
        return (await visible(caller, validateRequestId(id))) ?? null;
      } catch {
        return null;
      }
    },

    exportRequests: async (
      caller: Caller,
      args: { filter?: ExportRequestFilterInput | null; first?: number | null; after?: string | null },
    ) => {
      const filter = args.filter ?? {};
      const first = validatePageSize(args.first ?? 20);
      if (!caller.admin && filter.requestedBy != null && filter.requestedBy !== caller.id)
        throw forbidden("only an exporter-admin may list another caller's exports");
      const requestedBy = caller.admin ? (filter.requestedBy ?? undefined) : caller.id;
      const after: Cursor | undefined = args.after == null ? undefined : decodeCursor(args.after);
      const states = await deps.listRequests({
        ...(requestedBy === undefined ? {} : { requestedBy }),
        ...(filter.status == null ? {} : { statuses: readModelStatuses(filter.status) }),
        ...(filter.mode == null ? {} : { mode: validateMode(filter.mode) }),
        ...(filter.requestedFrom == null ? {} : { requestedFrom: filter.requestedFrom }),
        ...(filter.requestedTo == null ? {} : { requestedTo: filter.requestedTo }),
        ...(after === undefined ? {} : { after }),
        limit: first + 1,
      });
      const page = states.slice(0, first);
      const edges = page.map((state) => ({
        cursor: encodeCursor({ requestedAt: state.requestedAt, requestId: state.requestId }),
        node: node(state, deps.presign, () => deps.latestGrant(state.requestId)),
      }));
      return {
        edges,
        pageInfo: { hasNextPage: states.length > first, endCursor: edges.at(-1)?.cursor ?? null },
      };
    },
  };
}

/** Field resolvers of ExportRequest over an ExportRequestNode. */
export const exportRequestFields = {
  id: (n: ExportRequestNode) => n.state.requestId,
  mode: (n: ExportRequestNode) => n.state.mode,
  status: (n: ExportRequestNode) => statusTextOf(n.state.status),
  run: (n: ExportRequestNode) => n.state.run,
  progress: (n: ExportRequestNode) => progressOf(n.state),
  requestedBy: (n: ExportRequestNode) => n.state.requestedBy,
  requestedAt: (n: ExportRequestNode) => n.state.requestedAt,
  completedAt: (n: ExportRequestNode) => n.state.completedAt,
  windowStart: (n: ExportRequestNode) => n.state.windowStart,
  windowEnd: (n: ExportRequestNode) => n.state.windowEnd,
  exportDate: (n: ExportRequestNode) => n.state.exportDate,
  skippedTables: (n: ExportRequestNode) => n.state.skippedTables,
  tables: async (n: ExportRequestNode) => (await n.view()).tables,
  dataRequestDownloadLinks: async (n: ExportRequestNode) => (await n.view()).dataRequestDownloadLinks,
  linksExpireAt: async (n: ExportRequestNode) => {
    const at = (await n.view()).linksExpireAt;
    return at === null ? null : Date.parse(at);
  },
};
