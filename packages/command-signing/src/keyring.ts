import { signMessage, type SignableMessage, type SigningKey } from "./signature.js";

/** The versions of the signing secret in use: AWSCURRENT signs, AWSCURRENT and AWSPREVIOUS verify. */
export interface SigningKeys {
  readonly current: SigningKey;
  readonly previous?: SigningKey | undefined;
}

export interface KeyringOptions {
  /** Reads the secret store (the Secrets Manager adapter). */
  readonly load: () => Promise<SigningKeys>;
  /** Keys older than this are read again before use, so a rotation reaches every process within it. */
  readonly refreshMs: number;
  /**
   * Least time between two reads of the store: a stream of commands naming unknown versions (forged ones) costs one
   * read per interval, not one each.
   */
  readonly minReloadIntervalMs?: number | undefined;
  readonly now?: (() => number) | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Told when a read found a different current version (a rotation), including the first read. */
  readonly onRotated?: ((keys: SigningKeys) => void) | undefined;
  /** Told when a periodic read failed and the keys already held stay in use. */
  readonly onReloadError?: ((error: unknown) => void) | undefined;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The signing keys of one process, read from the store on first use, again when older than `refreshMs`, and at once
 * (but at most every `minReloadIntervalMs`) when a message names a version it does not hold: a rotation needs no
 * restart, and a message signed just after one verifies. Concurrent callers share one read.
 */
export class SigningKeyring {
  readonly #options: KeyringOptions;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  #keys: SigningKeys | undefined;
  #loadedAt = Number.NEGATIVE_INFINITY;
  #attemptedAt = Number.NEGATIVE_INFINITY;
  #failedAt = Number.NEGATIVE_INFINITY;
  #loading: Promise<SigningKeys> | undefined;

  constructor(options: KeyringOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? defaultSleep;
  }

  /** The key to sign with (AWSCURRENT). */
  async current(): Promise<SigningKey> {
    return (await this.#fresh()).current;
  }

  /** The key of `versionId` if it is AWSCURRENT or AWSPREVIOUS (read again once when it is not among those held). */
  async accepted(versionId: string): Promise<SigningKey | undefined> {
    const held = find(await this.#fresh(), versionId);
    if (held) return held;
    return find(await this.#reload(), versionId);
  }

  /** The versions held now, for logs (no secrets). */
  versions(): { current: string; previous: string | null } | undefined {
    const keys = this.#keys;
    return keys && { current: keys.current.versionId, previous: keys.previous?.versionId ?? null };
  }

  async #fresh(): Promise<SigningKeys> {
    const now = this.#now();
    const minInterval = this.#options.minReloadIntervalMs ?? 0;
    if (this.#keys && (now - this.#loadedAt < this.#options.refreshMs || now - this.#failedAt < minInterval))
      return this.#keys;
    try {
      return await this.#reload();
    } catch (error) {
      // A store outage must not stop signing or verifying with keys that were valid a refresh ago.
      if (!this.#keys) throw error;
      this.#failedAt = this.#now();
      this.#options.onReloadError?.(error);
      return this.#keys;
    }
  }

  #reload(): Promise<SigningKeys> {
    this.#loading ??= (async () => {
      const wait = this.#attemptedAt + (this.#options.minReloadIntervalMs ?? 0) - this.#now();
      if (wait > 0) await this.#sleep(wait);
      this.#attemptedAt = this.#now();
      const keys = await this.#options.load();
      const rotated = keys.current.versionId !== this.#keys?.current.versionId;
      this.#keys = keys;
      this.#loadedAt = this.#now();
      if (rotated) this.#options.onRotated?.(keys);
      return keys;
    })().finally(() => (this.#loading = undefined));
    return this.#loading;
  }
}

function find(keys: SigningKeys, versionId: string): SigningKey | undefined {
  if (keys.current.versionId === versionId) return keys.current;
  return keys.previous?.versionId === versionId ? keys.previous : undefined;
}

/** Signs each message with the keyring's current key: the headers to add to it. */
export function messageSigner(keyring: SigningKeyring): (message: SignableMessage) => Promise<Record<string, string>> {
  return async (message) => signMessage(await keyring.current(), message);
}
