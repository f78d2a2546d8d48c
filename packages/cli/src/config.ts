import { BadArgumentsError } from "./errors.js";

/** The environment the CLI reads, once, in main.ts. Flags override it. */
export interface CliEnv {
  /** DATA_EXPORTER_URL: the gateway's GraphQL endpoint. */
  readonly url: string;
  /** DATA_EXPORTER_TOKEN: a bearer token for the gateway. */
  readonly token: string | undefined;
  /** Everything, for the entry points trigger and dlq run (they validate their own variables). */
  readonly raw: Readonly<Record<string, string | undefined>>;
}

export const DEFAULT_URL = "http://127.0.0.1:4000/graphql";

export function loadCliEnv(env: Readonly<Record<string, string | undefined>>): CliEnv {
  const url = env["DATA_EXPORTER_URL"]?.trim() || DEFAULT_URL;
  const token = env["DATA_EXPORTER_TOKEN"]?.trim() || undefined;
  return Object.freeze({ url: checkedUrl(url, "DATA_EXPORTER_URL"), token, raw: Object.freeze({ ...env }) });
}

/** An http(s) URL, or a BadArgumentsError naming where it came from. */
export function checkedUrl(text: string, source: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BadArgumentsError(`${source} must be a URL such as ${DEFAULT_URL}, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new BadArgumentsError(`${source} must be an http(s) URL, got ${JSON.stringify(text)}`);
  }
  return url.toString();
}

/** Which token to send: --token, else DATA_EXPORTER_TOKEN, else the local token file npm start writes. */
export function chooseToken(
  flag: string | undefined,
  env: CliEnv,
  readTokenFile: () => string | undefined,
): string | undefined {
  return flag?.trim() || env.token || readTokenFile()?.trim() || undefined;
}
