/** Who is asking, as the gateway verified it (a JWT's subject and roles). */
export interface Caller {
  readonly id: string;
  /** Sees and acts on every export, scheduled ones included. */
  readonly admin: boolean;
}

export interface CallerClaims {
  /** The claim holding the caller's roles (an array of strings, or one space-separated string). */
  readonly rolesClaim: string;
  readonly adminRole: string;
}

/** The caller a verified JWT payload names; undefined without a usable subject. */
export function callerFromClaims(payload: unknown, claims: CallerClaims): Caller | undefined {
  if (typeof payload !== "object" || payload === null) return undefined;
  const record = payload as Record<string, unknown>;
  const sub = record["sub"];
  if (typeof sub !== "string" || sub.trim() === "" || sub.length > 256) return undefined;
  const raw = record[claims.rolesClaim];
  const roles = Array.isArray(raw)
    ? raw.filter((role): role is string => typeof role === "string")
    : typeof raw === "string"
      ? raw.split(/\s+/)
      : [];
  return { id: sub, admin: roles.includes(claims.adminRole) };
}

/**
 * Whether the caller may see an export: its own (the caller recorded with the request), or any when an admin.
 * Scheduled exports have no caller: only admins see them.
 */
export function mayAccess(caller: Caller, owner: string | null): boolean {
  return caller.admin || (owner !== null && owner === caller.id);
}
