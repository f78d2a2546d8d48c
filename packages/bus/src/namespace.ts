import { BusError } from "./errors.js";

// Kafka's legal topic characters; the namespace becomes part of every topic name.
const legalNamespace = /^[a-zA-Z0-9._-]*$/;

/** Checks a topic namespace prefix such as `t-3f9a.` and returns it (empty means no prefix). */
export function checkNamespace(namespace: string | undefined): string {
  const value = namespace ?? "";
  if (!legalNamespace.test(value) || value.length > 100) {
    throw new BusError("INVALID_NAMESPACE", `topic namespace ${JSON.stringify(value)} is not a legal topic prefix`, {
      context: { namespace: value },
    });
  }
  return value;
}

/** The real topic name of a definition name under a namespace. */
export function namespacedTopic(namespace: string, name: string): string {
  return `${namespace}${name}`;
}
