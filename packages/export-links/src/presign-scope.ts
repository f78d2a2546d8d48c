/**
 * Makes a time-limited download URL for an object of the export bucket, pinned to the version the export wrote (so a
 * later export of the same folder never changes what it serves; unpinned when the version is unknown, null), signed
 * as at `signedAt`: the same grant gives the same link on every read. Says when the link really expires; undefined
 * when the object is outside the export bucket and prefix (no link is made: confinedPresign).
 */
export type Presign = (
  bucket: string,
  key: string,
  versionId: string | null,
  signedAt: number,
) => Promise<{ url: string; expiresAt: number } | undefined>;

/** Where this deployment's exports live: links are only ever made inside it. */
export interface ExportScope {
  /** EXPORT_BUCKET. */
  readonly bucket: string;
  /** The deployment's key prefix, `${EXPORT_ENV}/`: every object the planner names starts with it. */
  readonly prefix: string;
}

/**
 * Why a link to `bucket`/`key` must not be made, or undefined when it is inside the export scope. The read model is
 * the only input, but a tampered or corrupt row must not turn a service that makes links into a signer for any object its
 * credentials can read.
 */
export function presignRefusal(scope: ExportScope, bucket: string, key: string): string | undefined {
  if (bucket !== scope.bucket) return `bucket ${JSON.stringify(bucket)} is not the export bucket`;
  if (!key.startsWith(scope.prefix) || key.length === scope.prefix.length)
    return `key is not under the export prefix ${JSON.stringify(scope.prefix)}`;
  const segments = key.split("/");
  if (segments.some((segment) => segment === ".." || segment === "."))
    return "key has a relative path segment (. or ..)";
  if (segments.some((segment) => segment === "")) return "key has an empty path segment";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(key)) return "key has a control character or a backslash";
  return undefined;
}

/** What a refused presign reports (logged as a security event by the composition root). */
export interface PresignRefused {
  readonly bucket: string;
  readonly key: string;
  readonly reason: string;
}

/** `presign` confined to the export scope: outside it, no link (undefined) and `onRefused` is told. */
export function confinedPresign(
  presign: Presign,
  scope: ExportScope,
  onRefused: (refused: PresignRefused) => void,
): Presign {
  return async (bucket, key, versionId, signedAt) => {
    const reason = presignRefusal(scope, bucket, key);
    if (reason === undefined) return presign(bucket, key, versionId, signedAt);
    onRefused({ bucket, key, reason });
    return undefined;
  };
}
