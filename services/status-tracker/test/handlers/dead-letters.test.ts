import { describe, expect, it } from "@jest/globals";
import type { DeadLetter } from "@data-exporter/bus";
import type { ExportPlanned, TableUnloadFailed, TypedEvent } from "@data-exporter/contracts";
import { applyLifecycleEvent, requestedState, type ExportRequestState } from "@data-exporter/status-store";
import { handleDeadLetter, type DeadLetterDeps } from "../../src/handlers/dead-letters.js";
import { viewOf } from "../../src/handlers/redrive.js";

const requestId = "7d8f5b8e-3c1a-4c55-9d59-5f1a2b3c4d5e";
const requested = requestedState(
  { requestId, windowStart: 1, windowEnd: 2, requestedAt: 0, requestedBy: null },
  "ON_DEMAND",
);
const planned: ExportRequestState = applyLifecycleEvent(requested, {
  type: "ExportPlanned",
  value: {
    requestId,
    mode: "ON_DEMAND",
    exportDate: null,
    windowStart: 1,
    windowEnd: 2,
    tables: [{ table: "way", outputPrefix: "p/", exportedColumns: ["a"], unclassifiedColumns: [] }],
    skippedTables: [],
    configVersion: "c",
    bucket: "b",
    plannedAt: 3,
    run: 0,
  },
}).state;

const deadLetter = (overrides: Partial<DeadLetter>): DeadLetter => ({
  id: "0:7",
  partition: 0,
  offset: "7",
  key: `${requestId}/way`,
  value: null,
  originalHeaders: {},
  originalTopic: "unloadCommands",
  originalTopicName: "data-exporter.unload-commands.v1",
  originalPartition: 2,
  originalOffset: "41",
  consumerGroup: "data-exporter.unloader",
  kind: "handler-failed",
  errorCode: "UNLOAD_JOBS",
  errorMessage: "unload_jobs: starting an attempt failed",
  attempts: 30,
  failedAt: "2026-12-02T15:00:00.000Z",
  ...overrides,
});

function deps(state: ExportRequestState | undefined, event?: TypedEvent) {
  const failed: TableUnloadFailed[] = [];
  const plans: ExportPlanned[] = [];
  const d: DeadLetterDeps = {
    loadRequest: () => Promise.resolve(state),
    originalEvent: () => event,
    publishFailed: (e) => Promise.resolve(void failed.push(e)),
    publishPlanned: (e) => Promise.resolve(void plans.push(e)),
    now: () => 9,
    log: { warn: () => undefined },
  };
  return { d, failed, plans };
}

describe("handleDeadLetter", () => {
  it("fails the table of a command the unloader gave up on, with the reason and where the message is kept", async () => {
    const { d, failed } = deps(planned);
    expect(await handleDeadLetter(deadLetter({}), d)).toEqual({ ended: "table", requestId, table: "way" });
    expect(failed).toEqual([
      expect.objectContaining({
        requestId,
        table: "way",
        finalAttempt: true,
        retryable: false,
        errorMessage:
          "dead-lettered by data-exporter.unloader after 30 attempt(s) (handler-failed UNLOAD_JOBS): unload_jobs: " +
          "starting an attempt failed; kept as dead letter 0:7 (npm run dlq -- show 0:7)",
      }),
    ]);
  });

  it("fails a request the planner gave up on with an empty plan naming the dead letter", async () => {
    const { d, plans } = deps(requested);
    const outcome = await handleDeadLetter(
      deadLetter({
        originalTopic: "exportRequested",
        key: requestId,
        consumerGroup: "data-exporter.planner",
        kind: "handler-failed",
      }),
      d,
    );
    expect(outcome).toEqual({ ended: "request", requestId });
    expect(plans[0]).toMatchObject({ requestId, tables: [], skippedTables: [{ table: "(request)" }] });
    expect(plans[0]?.skippedTables[0]?.reason).toMatch(/^dead-lettered by data-exporter.planner/);
  });

  it("changes no export for bookkeeping dead letters, finished work, or unknown requests", async () => {
    const notifier = deadLetter({ originalTopic: "exportCompleted", consumerGroup: "data-exporter.notifier" });
    expect((await handleDeadLetter(notifier, deps(planned).d)).ended).toBe("nothing");
    expect((await handleDeadLetter(deadLetter({}), deps(undefined).d)).ended).toBe("nothing");
    const alreadyPlanned = deadLetter({
      originalTopic: "exportRequested",
      key: requestId,
      consumerGroup: "data-exporter.planner",
    });
    expect((await handleDeadLetter(alreadyPlanned, deps(planned).d)).ended).toBe("nothing");
  });
});

describe("viewOf (what dlq list shows and redrive decides)", () => {
  it("re-drives a bookkeeping dead letter once", () => {
    const notifier = deadLetter({
      originalTopic: "exportCompleted",
      key: requestId,
      consumerGroup: "data-exporter.notifier",
    });
    expect(viewOf(notifier, undefined, planned, undefined).redrive).toEqual({ eligible: true });
    expect(viewOf(notifier, undefined, planned, "2026-12-02T16:00:00Z").redrive).toEqual({
      eligible: false,
      why: "re-driven already, at 2026-12-02T16:00:00Z",
    });
  });

  it("does not re-drive a command whose table already ended (failed for this dead letter): ask for a new export", () => {
    const failedTable = applyLifecycleEvent(planned, {
      type: "TableUnloadFailed",
      value: {
        requestId,
        table: "way",
        attempt: 0,
        run: 0,
        errorKind: "UNKNOWN",
        errorMessage: "dead-lettered",
        retryable: false,
        finalAttempt: true,
        failedAt: 4,
        cancelled: false,
        cancelledBy: null,
      },
    }).state;
    const view = viewOf(deadLetter({}), undefined, failedTable, undefined);
    expect(view).toMatchObject({ requestId, table: "way", redrive: { eligible: false } });
    expect(view.redrive).toEqual({ eligible: false, why: "its table already ended FAILED; request the export again" });
    expect(viewOf(deadLetter({}), undefined, planned, undefined).redrive).toEqual({ eligible: true });
  });

  it("refuses a dead letter of another deployment's topic", () => {
    expect(viewOf(deadLetter({ originalTopic: undefined }), undefined, undefined, undefined).redrive).toMatchObject({
      eligible: false,
    });
  });
});
