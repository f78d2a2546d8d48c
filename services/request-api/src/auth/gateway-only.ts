import { useHmacSignatureValidation } from "@graphql-mesh/hmac-upstream-signature";
import { useForwardedJWT } from "@graphql-mesh/plugin-jwt-auth";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { signedContent } from "@data-exporter/gateway-auth";
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
  // Gateway plugins are yoga plugins with a wider context type.
  const validation = useHmacSignatureValidation({ secret, serializeParams: signedContent }) as unknown as Plugin;
  const onParams = validation.onParams;
  return [
    {
      ...validation,
      // The plugin throws a bare Error (a 500 without a code): the caller gets UNAUTHENTICATED instead.
      onParams: async (payload) => {
        try {
          await onParams?.(payload);
        } catch {
          throw unauthenticated();
        }
      },
    },
    useForwardedJWT({}),
  ];
}

/** The caller of a request the gateway signed, from the forwarded payload. */
export function forwardedCaller(context: { jwt?: { payload?: unknown } }, claims: CallerClaims): Caller | undefined {
  return callerFromClaims(context.jwt?.payload, claims);
}
