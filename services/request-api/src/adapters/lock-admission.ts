/**
 * Admission of requestData's window lock within one replica. The lock is a PostgreSQL advisory lock held by a pooled
 * connection while the holder's queries run on other connections of the same pool. Without admission, as many
 * requests of one caller as the pool has connections each took one to wait for the lock, and the holder waited for a
 * connection that none of them would give back until the pool's connect timeout failed them all. Here, within a
 * replica, requests of one key queue in memory (only the first takes a connection to the advisory lock, which still
 * orders replicas), and at most `maxHolders` keys hold a connection at once, so the pool always keeps connections
 * for the holders' own queries.
 */
export class LockAdmission {
  readonly #maxHolders: number;
  /** The tail of each key's queue: resolves when the last admitted run of that key has finished. */
  readonly #tails = new Map<string, Promise<void>>();
  #holders = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(maxHolders: number) {
    if (!Number.isInteger(maxHolders) || maxHolders < 1)
      throw new RangeError(`maxHolders must be a positive integer, got ${maxHolders}`);
    this.#maxHolders = maxHolders;
  }

  /** Runs `run` after every earlier run of `key` (in this replica) finished, and while fewer than maxHolders run. */
  async run<T>(key: string, run: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.#tails.set(key, tail);
    try {
      await previous;
      await this.#enter();
      try {
        return await run();
      } finally {
        this.#leave();
      }
    } finally {
      release();
      // The last of its queue forgets the key, so the map holds only keys with requests in flight.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /** Keys holding or waiting for a place right now (for tests and metrics). */
  get inFlightKeys(): number {
    return this.#tails.size;
  }

  async #enter(): Promise<void> {
    if (this.#holders < this.#maxHolders) {
      this.#holders++;
      return;
    }
    // The leaving holder hands its place over directly, so the count never drops between them.
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #leave(): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next();
    else this.#holders--;
  }
}
