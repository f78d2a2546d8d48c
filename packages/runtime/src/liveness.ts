/** Liveness checks registered by what a service starts (its consumers); /healthz fails when one does. */
export const livenessChecks = new Map<string, () => boolean>();
