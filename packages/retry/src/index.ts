export { isRetryable } from "./retryable.js";
export { isNetworkError, networkErrorCodes } from "./network-errors.js";
export { backoffDelay, sleep, type BackoffOptions } from "./backoff.js";
export { retryWithin, type RetryWithinOptions } from "./retry-within.js";
export { deadline } from "./deadline.js";
