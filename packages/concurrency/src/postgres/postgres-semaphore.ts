import { createHash } from "node:crypto";
import { ConcurrencyError, SlotLostError } from "../errors.js";
import type { AcquireHooks, Semaphore, SemaphoreLease } from "../semaphore.js";

/** The part of a pooled pg client the semaphore needs. */
export interface SemaphoreClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  /** pg's PoolClient.release: a truthy argument destroys the connection instead of returning it to the pool. */
  release(destroy?: boolean | Error): void;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "end", listener: () => void): unknown;
  off(event: "error", listener: (error: Error) => void): unknown;
  off(event: "end", listener: () => void): unknown;
}

/** The part of pg's Pool the semaphore needs. */
export interface SemaphorePool {
  connect(): Promise<SemaphoreClient>;
}

export interface PostgresSemaphoreOptions {
  readonly pool: SemaphorePool;
  /** Processes naming the same semaphore (in the same database) share its slots. */
  readonly name: string;
  /** How many holders at most, across every process. */
  readonly slots: number;
  /** First polling delay while every slot is taken; it doubles up to `pollMaxMs`, jittered (default 100). */
  readonly pollMinMs?: number | undefined;
  readonly pollMaxMs?: number | undefined;
  /** How often a held lease checks its connection, so a lost slot is noticed while idle (default 10 000). */
  readonly checkIntervalMs?: number | undefined;
  readonly random?: (() => number) | undefined;
}

/**
 * The advisory-lock class of a semaphore name: the first 31 bits of its SHA-256, so it is a non-negative int4 that
 * shows up unchanged as `pg_locks.classid` (an oid), with the slot number as `objid`.
 */
export function semaphoreLockClass(name: string): number {
  return createHash("sha256").update(name).digest().readUInt32BE(0) & 0x7fffffff;
}

/**
 * A counting semaphore on PostgreSQL session-level advisory locks: slot `s` of semaphore `name` is the lock
 * `(semaphoreLockClass(name), s)`, taken with `pg_try_advisory_lock` on a pooled connection that is kept for as long
 * as the lease is held. PostgreSQL releases a session lock when its connection ends, so a crashed or partitioned
 * holder frees its slot by itself: nothing needs cleaning up. Waiting is polling with jittered backoff (no queue, so
 * no fairness guarantee under heavy contention).
 */
export class PostgresSemaphore implements Semaphore {
  readonly #pool: SemaphorePool;
  readonly #name: string;
  readonly #slots: number;
  readonly #lockClass: number;
  readonly #pollMinMs: number;
  readonly #pollMaxMs: number;
  readonly #checkIntervalMs: number;
  readonly #random: () => number;

  constructor(options: PostgresSemaphoreOptions) {
    const positive = (value: number, what: string): number => {
      if (!Number.isInteger(value) || value < 1) {
        throw new ConcurrencyError("INVALID_OPTION", `${what} must be a positive integer, got ${value}`);
      }
      return value;
    };
    if (options.name.length === 0) throw new ConcurrencyError("INVALID_OPTION", "a semaphore needs a name");
    this.#pool = options.pool;
    this.#name = options.name;
    this.#slots = positive(options.slots, "slots");
    this.#lockClass = semaphoreLockClass(options.name);
    this.#pollMinMs = positive(options.pollMinMs ?? 100, "pollMinMs");
    this.#pollMaxMs = Math.max(this.#pollMinMs, positive(options.pollMaxMs ?? 1000, "pollMaxMs"));
    this.#checkIntervalMs = positive(options.checkIntervalMs ?? 10_000, "checkIntervalMs");
    this.#random = options.random ?? Math.random;
  }

  get slots(): number {
    return this.#slots;
  }

  get lockClass(): number {
    return this.#lockClass;
  }

  async acquire(signal?: AbortSignal, hooks: AcquireHooks = {}): Promise<SemaphoreLease> {
    let waiting = false;
    let cap = this.#pollMinMs;
    for (;;) {
      signal?.throwIfAborted();
      try {
        const lease = await this.#tryOnce();
        if (lease !== undefined) {
          if (signal?.aborted) {
            await lease.release();
            signal.throwIfAborted();
          }
          return lease;
        }
        if (!waiting) {
          waiting = true;
          hooks.onWait?.();
        }
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        hooks.onError?.(error);
      }
      // Between cap/2 and cap: spread out so waiters that gave up together do not all retry together.
      await abortableSleep(cap * (0.5 + this.#random() / 2), signal);
      cap = Math.min(cap * 2, this.#pollMaxMs);
    }
  }

  /** One pass over the slots, starting at a random one so that concurrent tries rarely collide. */
  async #tryOnce(): Promise<SemaphoreLease | undefined> {
    let client: SemaphoreClient;
    try {
      client = await this.#pool.connect();
    } catch (cause) {
      throw this.#unavailable(cause);
    }
    const start = Math.floor(this.#random() * this.#slots);
    try {
      for (let i = 0; i < this.#slots; i++) {
        const slot = (start + i) % this.#slots;
        const { rows } = await client.query("SELECT pg_try_advisory_lock($1, $2) AS locked", [this.#lockClass, slot]);
        if ((rows[0] as { locked?: unknown } | undefined)?.locked === true) return this.#lease(client, slot);
      }
    } catch (cause) {
      // The session may or may not hold a lock now: ending the connection is the only way to be sure it does not.
      destroy(client);
      throw this.#unavailable(cause);
    }
    client.release();
    return undefined;
  }

  #lease(client: SemaphoreClient, slot: number): SemaphoreLease {
    const lost = new AbortController();
    let released = false;
    const onLost = (cause?: unknown): void => {
      if (!released && !lost.signal.aborted) lost.abort(new SlotLostError(this.#name, slot, cause));
    };
    const onError = (error: Error): void => onLost(error);
    const onEnd = (): void => onLost();
    // A checked-out pg client has no error listener: without this one a dropped connection would crash the process.
    client.on("error", onError);
    client.on("end", onEnd);
    const check = setInterval(() => {
      client.query("SELECT 1").catch(onLost);
    }, this.#checkIntervalMs);
    check.unref();
    const lockClass = this.#lockClass;
    return {
      slot,
      lost: lost.signal,
      async release(): Promise<void> {
        if (released) return;
        released = true;
        clearInterval(check);
        let unlocked = false;
        if (!lost.signal.aborted) {
          try {
            const { rows } = await client.query("SELECT pg_advisory_unlock($1, $2) AS unlocked", [lockClass, slot]);
            unlocked = (rows[0] as { unlocked?: unknown } | undefined)?.unlocked === true;
          } catch {
            // The connection is gone, and the lock with it.
          }
        }
        client.off("error", onError);
        client.off("end", onEnd);
        if (unlocked) client.release();
        else destroy(client);
      },
    };
  }

  #unavailable(cause: unknown): ConcurrencyError {
    const detail = cause instanceof Error ? `: ${cause.message}` : "";
    return new ConcurrencyError("DATABASE_UNAVAILABLE", `semaphore ${this.#name} cannot reach its database${detail}`, {
      cause,
      retryable: true,
      context: { semaphore: this.#name },
    });
  }
}

/** Ends a connection whose lock state is unknown; errors while it closes are expected and ignored. */
function destroy(client: SemaphoreClient): void {
  client.on("error", () => undefined);
  client.release(true);
}

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
