import type { GatewayPlugin } from "@graphql-hive/gateway";

/** request-api serves the page and its files under this path. */
export const STATUS_PAGE_PATH = "/exports";

/** Headers of request-api's answer the browser needs; anything else (its server, its cookies) stays behind. */
const forwardedHeaders = [
  "content-type",
  "content-length",
  "content-security-policy",
  "x-content-type-options",
  "referrer-policy",
  "cache-control",
];

/** Whether a request is for the status page: GET or HEAD of /exports or a file under it. */
export function isStatusPageRequest(method: string, pathname: string): boolean {
  return (
    (method === "GET" || method === "HEAD") &&
    (pathname === STATUS_PAGE_PATH || pathname.startsWith(`${STATUS_PAGE_PATH}/`))
  );
}

/**
 * Serves request-api's /exports page from the gateway's own origin, so the page's GraphQL calls are same-origin
 * (CORS stays off, CSRF prevention stays on). Only the path is forwarded: no query, no cookie, no authorization;
 * the page is static and asks /graphql, here, for everything it shows. Without `upstream` nothing is served.
 */
export function useStatusPage(upstream: string | undefined): GatewayPlugin {
  return {
    async onRequest(payload) {
      const { request, url, fetchAPI } = payload;
      if (upstream === undefined || !isStatusPageRequest(request.method, url.pathname)) return;
      const answer = await fetchAPI.fetch(new URL(url.pathname, upstream), {
        method: request.method,
        redirect: "manual",
      });
      const headers = new fetchAPI.Headers();
      for (const name of forwardedHeaders) {
        const value = answer.headers.get(name);
        if (value !== null) headers.set(name, value);
      }
      payload.endResponse(new fetchAPI.Response(answer.body, { status: answer.status, headers }));
    },
  };
}
