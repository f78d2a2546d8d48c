import type { SpanOptions } from "./spans.js";
import { withSpan } from "./spans.js";

/** The span of one call, or undefined for a call not worth a span (a getter, `close`). */
export type CallSpan = { readonly name: string } & SpanOptions;

/** Describes a call of a port's method by its name and arguments. */
export type DescribeCall = (method: string, args: readonly unknown[]) => CallSpan | undefined;

/**
 * Wraps a port (object store, warehouse, configuration store) so each call `describe` names runs in a span of its
 * own: adapters stay free of tracing, and main.ts decides what is traced. Methods run on the original object, so
 * private fields keep working; what `describe` skips is passed through untouched.
 */
export function traceCalls<T extends object>(target: T, describe: DescribeCall): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== "function" || typeof property !== "string") return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        const span = describe(property, args);
        if (span === undefined) return method.apply(object, args);
        return withSpan(span.name, span, () => method.apply(object, args));
      };
    },
  });
}
