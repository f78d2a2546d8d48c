import { createHmac, timingSafeEqual } from "node:crypto";
import { useForwardedJWT } from "@graphql-mesh/plugin-jwt-auth";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { signedContent, type SignedParams } from "@data-exporter/gateway-auth";
import { callerFromClaims, type Caller, type CallerClaims } from "./caller.js";

const unauthenticated = (): GraphQLError =>
  new GraphQLError("requests must come through the gateway with a valid token", {
    extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
  });

/**
 * The subgraph answers only requests the gateway signed (HMAC with a secret they share) and takes the caller from
 * the JWT payload the gateway verified and forwarded. A request without a valid signature is UNAUTHENTICATED
 * whatever it claims.
 */
export function gatewayOnlyPlugins(secret: string): Plugin[] {
  return [
    {
      onParams: ({ params }) => {
        if (!signedByGateway(secret, params)) throw unauthenticated();
      },
    },
    useForwardedJWT({}),
  ];
}

/** The extension the gateway's useHmacUpstreamSignature puts its signature in (the plugin's default name). */
export const HMAC_EXTENSION = "hmac-signature";

/**
 * Whether the request carries the gateway's signature of its content: the base64 HMAC-SHA256 of `signedContent`,
 * as @graphql-mesh/hmac-upstream-signature makes it. Checked here synchronously with node:crypto rather than by
 * that package's validation plugin, whose WebCrypto `subtle.verify` (an async job per request) was about a tenth of
 * request-api's CPU under load (the bench's profile).
 */
export function signedByGateway(secret: string, params: SignedParams): boolean {
  const signature = params.extensions?.[HMAC_EXTENSION];
  if (typeof signature !== "string") return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(signedContent(params)).digest("base64"));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The caller of a request the gateway signed, from the forwarded payload. */
export function forwardedCaller(context: { jwt?: { payload?: unknown } }, claims: CallerClaims): Caller | undefined {
  return callerFromClaims(context.jwt?.payload, claims);
}
