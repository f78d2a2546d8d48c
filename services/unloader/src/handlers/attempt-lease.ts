import type { JobKey, Renewal, UnloadJobs } from "./unload-job-store.js";

/** The attempt no longer holds its table job: another attempt started, or its lease lapsed while it was stalled. */
export class FencedError extends Error {
  readonly code = "FENCED";
  readonly retryable = false;
  constructor(key: JobKey, attempt: number) {
    super(`attempt ${attempt} of ${key.requestId}/${key.table} lost its lease; a later run owns the table`);
    this.name = "FencedError";
  }
}

/** The attempt's export was cancelled (cancelExport): it stops, and reports its table CANCELLED. */
export class ExportCancelledError extends Error {
  readonly code = "EXPORT_CANCELLED";
  readonly retryable = false;
  constructor(
    key: JobKey,
    readonly attempt: number,
    readonly cancelledBy: string | null,
  ) {
    super(`export ${key.requestId} was cancelled${cancelledBy === null ? "" : ` by ${cancelledBy}`}`);
    this.name = "ExportCancelledError";
  }
}

export interface LeaseDeps {
  readonly jobs: Pick<UnloadJobs, "renew">;
  /** How long a renewal holds the job (the status tracker fails a table whose lease lapsed: STUCK_AFTER_MS). */
  readonly leaseMs: number;
  /** How often the lease is renewed and a heartbeat published; well inside leaseMs. */
  readonly heartbeatMs: number;
  readonly now: () => number;
  /** Publishes the heartbeat event; failures are reported, not fatal (the lease in the database is what fences). */
  readonly onRenewed: (attempt: number) => Promise<void>;
  readonly onRenewError: (error: unknown) => void;
}

/**
 * Keeps a table job's lease while one command works on it (attempts, backoffs between them), renewing it every
 * heartbeat. `fenced` aborts when a renewal finds the job taken over, or when no renewal succeeded for a whole lease
 * (the database was unreachable: the job can no longer be assumed held), with a FencedError; or when the export
 * was cancelled, with an ExportCancelledError.
 */
export class AttemptLease {
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setInterval>;
  #attempt: number;
  #renewedAt: number;
  #settled = false;

  constructor(
    private readonly key: JobKey,
    attempt: number,
    private readonly deps: LeaseDeps,
  ) {
    this.#attempt = attempt;
    this.#renewedAt = deps.now();
    this.#timer = setInterval(() => void this.renew().catch(() => undefined), deps.heartbeatMs);
    this.#timer.unref();
  }

  get fenced(): AbortSignal {
    return this.#controller.signal;
  }

  /** The attempt the lease is held for now. */
  get attempt(): number {
    return this.#attempt;
  }

  /** Renews at once instead of at the next heartbeat (a cancellation arrived): a fence takes effect now. */
  renewNow(): Promise<void> {
    return this.renew().catch(() => undefined);
  }

  /** The command's next attempt began (its lease was granted by begin). */
  switchTo(attempt: number): void {
    this.#attempt = attempt;
    this.#renewedAt = this.deps.now();
  }

  /** Renews now; throws FencedError when the job is no longer held. Run before anything becomes visible. */
  async check(): Promise<void> {
    await this.renew();
    if (this.fenced.aborted) throw this.fenced.reason as Error;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /**
   * The attempt's outcome is recorded: the job is no longer RUNNING, so there is nothing left to hold. Renewals stop
   * and can no longer fence, so a failure to publish that outcome is an error to retry (the redelivered command
   * publishes the recorded outcome), not a superseded run.
   */
  settle(): void {
    this.#settled = true;
    this.stop();
  }

  private async renew(): Promise<void> {
    if (this.fenced.aborted || this.#settled) return;
    const attempt = this.#attempt;
    let renewal: Renewal;
    try {
      renewal = await this.deps.jobs.renew(this.key, attempt, this.deps.leaseMs);
    } catch (error) {
      this.deps.onRenewError(error);
      if (attempt === this.#attempt && this.deps.now() - this.#renewedAt >= this.deps.leaseMs) this.fence(attempt);
      return;
    }
    // The next attempt began while this renewal was in flight: its answer is about a lease no one holds any more.
    if (attempt !== this.#attempt) return;
    if (renewal.kind === "cancelled")
      return this.abort(new ExportCancelledError(this.key, attempt, renewal.cancelledBy));
    if (renewal.kind === "lost") return this.fence(attempt);
    this.#renewedAt = this.deps.now();
    await this.deps.onRenewed(attempt).catch((error: unknown) => this.deps.onRenewError(error));
  }

  private fence(attempt: number): void {
    this.abort(new FencedError(this.key, attempt));
  }

  private abort(reason: Error): void {
    if (!this.fenced.aborted && !this.#settled) this.#controller.abort(reason);
  }
}
