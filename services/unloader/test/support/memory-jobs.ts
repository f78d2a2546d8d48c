import type { JobKey, JobOutcome, JobStart, Renewal, UnloadJobs } from "../../src/handlers/unload-job-store.js";

interface Row {
  attempts: number;
  interrupted: number;
  baseAttempts: number;
  run: number;
  state: "RUNNING" | "COMPLETED" | "FAILED" | "CANCELLED";
  leaseUntil: number | null;
  worker: string;
  outcome: JobOutcome | null;
}

/** unload_jobs in memory, with the same rules as PostgresUnloadJobs (its SQL is tested against PostgreSQL). */
export class MemoryUnloadJobs implements UnloadJobs {
  readonly rows = new Map<string, Row>();
  /** export_cancellations: request id → the latest cancelled run and who cancelled it. */
  readonly cancellations = new Map<string, { run: number; by: string | null }>();
  constructor(private readonly now: () => number) {}

  row(key: JobKey): Row | undefined {
    return this.rows.get(`${key.requestId}/${key.table}`);
  }

  cancel(requestId: string, run: number, by: string | null): void {
    const current = this.cancellations.get(requestId);
    if (current === undefined || run > current.run) this.cancellations.set(requestId, { run, by });
  }

  begin(key: JobKey, worker: string, leaseMs: number, run: number): Promise<JobStart> {
    const id = `${key.requestId}/${key.table}`;
    const existing = this.rows.get(id);
    if (existing && existing.run > run) return Promise.resolve({ kind: "stale", run: existing.run });
    const fence = this.fenceOf(key.requestId, run);
    if (fence) return Promise.resolve({ kind: "cancelled", attempts: existing?.attempts ?? 0, cancelledBy: fence.by });
    const row = existing ?? {
      attempts: 0,
      interrupted: 0,
      baseAttempts: 0,
      run,
      state: "RUNNING",
      leaseUntil: null,
      worker,
      outcome: null,
    };
    if (run > row.run && row.state !== "COMPLETED") {
      Object.assign(row, { run, state: "RUNNING", outcome: null, interrupted: 0, baseAttempts: row.attempts });
      row.leaseUntil = null;
    }
    if (row.state !== "RUNNING" && row.outcome)
      return Promise.resolve({ kind: "finished", attempts: row.attempts, outcome: row.outcome });
    if (row.leaseUntil !== null && row.leaseUntil <= this.now())
      return Promise.resolve({
        kind: "lapsed",
        attempts: row.attempts,
        worker: row.worker,
        leaseUntil: row.leaseUntil,
      });
    row.attempts++;
    row.worker = worker;
    row.leaseUntil = this.now() + leaseMs;
    this.rows.set(id, row);
    return Promise.resolve({
      kind: "started",
      attempt: row.attempts,
      interrupted: row.interrupted,
      runStartedAfter: row.baseAttempts,
    });
  }

  renew(key: JobKey, attempt: number, leaseMs: number): Promise<Renewal> {
    const row = this.row(key);
    const fence = this.fenceOf(key.requestId, row?.run ?? 0);
    if (fence && row?.attempts === attempt && row.state === "RUNNING")
      return Promise.resolve({ kind: "cancelled", cancelledBy: fence.by });
    if (!this.holds(row, attempt)) return Promise.resolve({ kind: "lost" });
    row!.leaseUntil = this.now() + leaseMs;
    return Promise.resolve({ kind: "held" });
  }

  finish(key: JobKey, attempt: number, outcome: JobOutcome): Promise<boolean> {
    const row = this.row(key);
    if (!this.holds(row, attempt)) return Promise.resolve(false);
    row!.state = outcome.type === "TableUnloadCompleted" ? "COMPLETED" : "FAILED";
    row!.outcome = outcome;
    return Promise.resolve(true);
  }

  finishCancelled(key: JobKey, attempt: number, outcome: JobOutcome): Promise<boolean> {
    const row = this.row(key);
    if (!row || row.attempts !== attempt || row.state !== "RUNNING") return Promise.resolve(false);
    Object.assign(row, { state: "CANCELLED", outcome, leaseUntil: null });
    return Promise.resolve(true);
  }

  finishLapsed(key: JobKey, outcome: JobOutcome): Promise<boolean> {
    const row = this.row(key);
    if (!row || row.state !== "RUNNING" || row.leaseUntil === null || row.leaseUntil > this.now())
      return Promise.resolve(false);
    row.state = "FAILED";
    row.outcome = outcome;
    return Promise.resolve(true);
  }

  private fenceOf(requestId: string, run: number): { by: string | null } | undefined {
    const fence = this.cancellations.get(requestId);
    return fence !== undefined && fence.run >= run ? fence : undefined;
  }

  private holds(row: Row | undefined, attempt: number): boolean {
    return (
      row !== undefined &&
      row.attempts === attempt &&
      row.state === "RUNNING" &&
      row.leaseUntil !== null &&
      row.leaseUntil > this.now()
    );
  }

  giveBack(key: JobKey, attempt: number): Promise<void> {
    const row = this.row(key);
    if (this.holds(row, attempt)) {
      row!.interrupted++;
      row!.leaseUntil = null;
    }
    return Promise.resolve();
  }
}
