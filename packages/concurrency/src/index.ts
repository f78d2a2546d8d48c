export type { AcquireHooks, Semaphore, SemaphoreLease } from "./semaphore.js";
export {
  ConcurrencyError,
  SlotLostError,
  concurrencyErrorCodes,
  isConcurrencyError,
  type ConcurrencyErrorCode,
  type ConcurrencyErrorOptions,
} from "./errors.js";
export {
  PostgresSemaphore,
  semaphoreLockClass,
  type PostgresSemaphoreOptions,
  type SemaphoreClient,
  type SemaphorePool,
} from "./postgres/postgres-semaphore.js";
export { ReacquiringSemaphore, type ReacquireOptions } from "./reacquiring-semaphore.js";
