/** Socket and DNS failures (Node's `error.code`): the peer was unreachable or dropped the connection. */
export const networkErrorCodes: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

const codeInMessage = new RegExp(`\\b(${[...networkErrorCodes].join("|")})\\b`);

/**
 * Whether an error is a network failure: its `code`, or that of any error in its `cause` chain, is a network code.
 * SDKs wrap socket errors (the code sits on a cause) and some re-wrap errors from another realm keeping only the
 * message, so a network code named in a message counts too.
 */
export function isNetworkError(error: unknown): boolean {
  for (let current = error, depth = 0; current !== null && typeof current === "object" && depth < 5; depth++) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string" && networkErrorCodes.has(code)) return true;
    if (typeof message === "string" && codeInMessage.test(message)) return true;
    if (cause === current) break;
    current = cause;
  }
  return false;
}
