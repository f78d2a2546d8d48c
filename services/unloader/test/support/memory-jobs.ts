import type { JobKey, JobOutcome, JobStart, UnloadJobs } from "../../src/handlers/unload-job-store.js";

interface Row {
  attempts: number;
  interrupted: number;
  state: "RUNNING" | "COMPLETED" | "FAILED";
  leaseUntil: number | null;
  worker: string;
  outcome: JobOutcome | null;
}

/** unload_jobs in memory, with the same rules as PostgresUnloadJobs (its SQL is tested against PostgreSQL). */
export class MemoryUnloadJobs implements UnloadJobs {
  readonly rows = new Map<string, Row>();
  constructor(private readonly now: () => number) {}

  row(key: JobKey): Row | undefined {
    return this.rows.get(`${key.requestId}/${key.table}`);
  }

  begin(key: JobKey, worker: string, leaseMs: number): Promise<JobStart> {
    const id = `${key.requestId}/${key.table}`;
    const row = this.rows.get(id) ?? {
      attempts: 0,
      interrupted: 0,
      state: "RUNNING",
      leaseUntil: null,
      worker,
      outcome: null,
    };
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
    return Promise.resolve({ kind: "started", attempt: row.attempts, interrupted: row.interrupted });
  }

  renew(key: JobKey, attempt: number, leaseMs: number): Promise<boolean> {
    const row = this.row(key);
    if (!this.holds(row, attempt)) return Promise.resolve(false);
    row!.leaseUntil = this.now() + leaseMs;
    return Promise.resolve(true);
  }

  finish(key: JobKey, attempt: number, outcome: JobOutcome): Promise<boolean> {
    const row = this.row(key);
    if (!this.holds(row, attempt)) return Promise.resolve(false);
    row!.state = outcome.type === "TableUnloadCompleted" ? "COMPLETED" : "FAILED";
    row!.outcome = outcome;
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
