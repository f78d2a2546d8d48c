import type { ClassificationPolicy } from "./types.js";

/**
 * Defence in depth against a column classified nr by mistake. Plain substrings, matched case-insensitively anywhere
 * in the name, so `customer_email`, `EmailAddress` and `mobile_phone_no` are all caught. False positives (e.g.
 * `template_id` matches `plate`) are accepted: such a column can still be exported as hwc with keyed_hash or null,
 * or a deployment can pass its own policy.
 */
export const defaultPolicy: ClassificationPolicy = Object.freeze({
  denyColumnPatterns: Object.freeze([
    "e_?mail",
    "phone",
    "mobile",
    "plate",
    "rego",
    "driver",
    "licen[cs]e",
    "passport",
    "address",
    "birth",
    "dob",
  ]),
  defaultHwcTreatment: Object.freeze({ kind: "keyed_hash" }),
});

/** The default policy with a deployment's extra deny patterns (PII_DENY_PATTERNS) after the default ones. */
export function deploymentPolicy(extraDenyPatterns: readonly string[]): ClassificationPolicy {
  return { ...defaultPolicy, denyColumnPatterns: [...defaultPolicy.denyColumnPatterns, ...extraDenyPatterns] };
}
