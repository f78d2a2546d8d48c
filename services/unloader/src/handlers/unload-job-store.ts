import type { TableUnloadEvent } from "@data-exporter/contracts";

export interface JobKey {
  readonly requestId: string;
  readonly table: string;
}

/** The outcome of a table job, as published (and recorded, so a redelivered command can publish it again). */
export type JobOutcome = Extract<TableUnloadEvent, { type: "TableUnloadCompleted" | "TableUnloadFailed" }>;

export type JobStart =
  /**
   * A new attempt holds the job: `attempt` counts every attempt ever started, `interrupted` those of this run given
   * back, `runStartedAfter` those of earlier runs (before a retryExport): neither counts against this run's budget.
   */
  | {
      readonly kind: "started";
      readonly attempt: number;
      readonly interrupted: number;
      readonly runStartedAfter: number;
    }
  /** The export was cancelled (cancelExport) for this command's run: nothing may start. */
  | { readonly kind: "cancelled"; readonly attempts: number; readonly cancelledBy: string | null }
  /** A later run of the table (a retryExport) exists: this command belongs to an earlier one and is not run. */
  | { readonly kind: "stale"; readonly run: number }
  /** The job already has an outcome (the command was redelivered after it was recorded). */
  | { readonly kind: "finished"; readonly attempts: number; readonly outcome: JobOutcome }
  /**
   * The last attempt's lease lapsed without an outcome (its unloader froze or vanished for longer than a lease):
   * the status tracker fails such a table as stuck, so no new attempt may start; record that failure instead.
   */
  | {
      readonly kind: "lapsed";
      readonly attempts: number;
      readonly worker: string;
      readonly leaseUntil: number;
    };

/**
 * The durable record of table jobs. Attempts are numbered from it, never from the command (a redelivered command
 * carries the planner's number); a running attempt holds a lease it renews, and loses the job once another attempt
 * starts or the lease lapses.
 */
/** What a lease renewal found: still held, taken over or lapsed (fenced), or the export was cancelled. */
export type Renewal =
  | { readonly kind: "held" }
  | { readonly kind: "lost" }
  | { readonly kind: "cancelled"; readonly cancelledBy: string | null };

export interface UnloadJobs {
  /** Starts an attempt of the command's run (`run`: 0, or the retryExport run that planned it). */
  begin(key: JobKey, worker: string, leaseMs: number, run: number): Promise<JobStart>;
  /** Extends the attempt's lease, unless it no longer holds the job (fenced) or its export was cancelled. */
  renew(key: JobKey, attempt: number, leaseMs: number): Promise<Renewal>;
  /** Records that the attempt stopped because its export was cancelled; false when it no longer held the job. */
  finishCancelled(key: JobKey, attempt: number, outcome: JobOutcome): Promise<boolean>;
  /** Records the outcome if the attempt still holds the job; false when fenced (nothing may be published). */
  finish(key: JobKey, attempt: number, outcome: JobOutcome): Promise<boolean>;
  /** Records the stuck failure of a job whose lease lapsed; false when another delivery recorded an outcome first. */
  finishLapsed(key: JobKey, outcome: JobOutcome): Promise<boolean>;
  /**
   * Gives back an attempt that was interrupted (shutdown, lost partition) while it held its lease: the next delivery
   * starts at once, and the attempt does not count against the budget. A lapsed lease cannot be given back.
   */
  giveBack(key: JobKey, attempt: number): Promise<void>;
}
