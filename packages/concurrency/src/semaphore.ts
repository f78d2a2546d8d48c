/** A held slot of a semaphore. */
export interface SemaphoreLease {
  readonly slot: number;
  /**
   * Aborts (with a `SlotLostError`) if the slot is lost while held, e.g. its database connection dropped: the guarded
   * work should stop, since another holder may have the slot now.
   */
  readonly lost: AbortSignal;
  /** Gives the slot back. Never throws; calling it again does nothing. */
  release(): Promise<void>;
}

export interface AcquireHooks {
  /** Called once, when the first try finds every slot taken and the caller starts waiting. */
  readonly onWait?: (() => void) | undefined;
  /** Called when a try could not reach the store; acquire keeps trying until the signal aborts. */
  readonly onError?: ((error: Error) => void) | undefined;
}

/** Port: a counting semaphore shared by every process that names it. */
export interface Semaphore {
  /** Resolves once a slot is held; rejects with `signal.reason` if the signal aborts first. */
  acquire(signal?: AbortSignal, hooks?: AcquireHooks): Promise<SemaphoreLease>;
}
