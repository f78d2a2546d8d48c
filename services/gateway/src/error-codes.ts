import type { GatewayPlugin } from "@graphql-hive/gateway";

interface CodedError {
  readonly message: string;
  readonly extensions: Record<string, unknown>;
}

/**
 * Every error a caller gets from the gateway carries a stable `extensions.code`. The JWT plugin's refusals have
 * only an HTTP status (401 for a missing or unverifiable token, 400 for one that does not decode): both mean
 * UNAUTHENTICATED. Codes the subgraphs set pass through untouched.
 */
export function codeFor(error: CodedError): string | undefined {
  if (typeof error.extensions["code"] === "string") return undefined;
  const status = (error.extensions["http"] as { status?: unknown } | undefined)?.status;
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 400 && /token/i.test(error.message)) return "UNAUTHENTICATED";
  return undefined;
}

export function useStableErrorCodes(): GatewayPlugin {
  return {
    onResultProcess({ result }) {
      if (result === null || typeof result !== "object" || Symbol.asyncIterator in result) return;
      for (const single of Array.isArray(result) ? result : [result]) {
        for (const error of (single as unknown as { errors?: CodedError[] }).errors ?? []) {
          const code = codeFor(error);
          if (code !== undefined) error.extensions["code"] = code;
        }
      }
    },
  };
}
