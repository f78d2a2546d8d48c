import { deadline } from "@data-exporter/retry";
import type { AcquireHooks, Semaphore, SemaphoreLease } from "./semaphore.js";

export interface ReacquireOptions {
  /** How long a holder may try to get a slot back after losing it before its work is stopped. */
  readonly graceMs: number;
  /** Told when a lost slot was held again (`slot` is the one held now), or given up on. */
  readonly onReacquired?: ((slot: number) => void) | undefined;
  readonly onGivenUp?: ((reason: unknown) => void) | undefined;
}

/**
 * A semaphore whose leases survive a restart of the database that holds the slots. The store drops every lock
 * with its connections, so a plain lease is lost and the guarded work stopped; here the holder instead tries to get
 * a slot back for `graceMs`, and only if it cannot does its lease report the loss. The limit still holds once the
 * database is back: every holder must win a slot again.
 */
export class ReacquiringSemaphore implements Semaphore {
  constructor(
    private readonly inner: Semaphore,
    private readonly options: ReacquireOptions,
  ) {}

  async acquire(signal?: AbortSignal, hooks?: AcquireHooks): Promise<SemaphoreLease> {
    let current = await this.inner.acquire(signal, hooks);
    const lost = new AbortController();
    const released = new AbortController();
    const watch = (lease: SemaphoreLease): void => {
      lease.lost.addEventListener(
        "abort",
        () => {
          if (released.signal.aborted) return;
          void lease.release();
          const grace = deadline(this.options.graceMs, "holding the slot again");
          const within = AbortSignal.any([released.signal, grace.signal]);
          this.inner
            .acquire(within, hooks)
            .finally(() => grace.clear())
            .then(
              (again) => {
                if (released.signal.aborted) return void again.release();
                current = again;
                this.options.onReacquired?.(again.slot);
                watch(again);
              },
              (error: unknown) => {
                if (released.signal.aborted) return;
                this.options.onGivenUp?.(error);
                lost.abort(lease.lost.reason);
              },
            );
        },
        { once: true },
      );
    };
    watch(current);
    return {
      get slot() {
        return current.slot;
      },
      lost: lost.signal,
      release: async () => {
        if (released.signal.aborted) return;
        released.abort();
        await current.release();
      },
    };
  }
}
