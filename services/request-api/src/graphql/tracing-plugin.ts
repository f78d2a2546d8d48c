import { getOperationAST, type DocumentNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import { activeSpan, withSpan } from "@data-exporter/runtime";

/**
 * A server span per GraphQL operation, continuing the caller's W3C `traceparent` header when the gateway sends one,
 * so the export a `requestData` starts is one trace from here to the notifier (the bus carries it on).
 */
export function tracingPlugin(): Plugin {
  return {
    instrumentation: {
      operation: ({ request }, wrapped) =>
        withSpan(
          "graphql operation",
          {
            kind: "server",
            attributes: { "http.request.method": request.method, "url.path": new URL(request.url).pathname },
            traceparent: request.headers.get("traceparent") ?? undefined,
          },
          () => wrapped(),
        ),
    },
    onExecute: ({ args }) => {
      // yoga types the execution arguments loosely; these two are graphql-js's.
      const operation = getOperationAST(args.document as DocumentNode, args.operationName as string | undefined);
      if (!operation) return;
      const name = operation.name?.value;
      activeSpan()?.updateName(name === undefined ? operation.operation : `${operation.operation} ${name}`);
      activeSpan()?.setAttributes({
        "graphql.operation.type": operation.operation,
        ...(name === undefined ? {} : { "graphql.operation.name": name }),
      });
    },
  };
}
