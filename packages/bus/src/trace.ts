import { randomBytes } from "node:crypto";

const traceparentPattern = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Whether a string is a version-00 W3C traceparent. */
export function isTraceparent(value: string): boolean {
  return traceparentPattern.test(value);
}

/** A new sampled W3C traceparent starting a trace (the message is its root span). */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`;
}
