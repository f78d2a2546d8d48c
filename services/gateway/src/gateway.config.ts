/**
 * The platform gateway as this repository runs it (npm start, tests) and documents it for production:
 * `hive-gateway supergraph <file> -c services/gateway/src/gateway.config.ts`. Callers authenticate with a JWT
 * (verified here, not hand-written: @graphql-yoga/plugin-jwt through Hive's `jwt` option); the verified payload is
 * forwarded to subgraphs, and every subgraph request is HMAC-signed over the operation, variables and payload, so
 * request-api trusts only what came through here.
 */
import { serializeExecutionRequest } from "@graphql-tools/executor-common";
import {
  createInlineSigningKeyProvider,
  createRemoteJwksSigningKeyProvider,
  defineConfig,
  extractFromHeader,
  type GatewayPlugin,
} from "@graphql-hive/gateway";
import { useHmacUpstreamSignature } from "@graphql-mesh/hmac-upstream-signature";
import { signedContent } from "@data-exporter/gateway-auth";
import { useBodyLimit } from "./body-limit.js";
import { useStableErrorCodes } from "./error-codes.js";
import { loadGatewayEnv, publicKeyOf } from "./gateway-env.js";
import { useStatusPage } from "./status-page.js";

const env = loadGatewayEnv(process.env);
const publicKey = publicKeyOf(env);

export const gatewayConfig = defineConfig({
  jwt: {
    signingKeyProviders: [
      publicKey !== undefined
        ? createInlineSigningKeyProvider(publicKey)
        : createRemoteJwksSigningKeyProvider({ jwksUri: env.JWT_JWKS_URL ?? "" }),
    ],
    tokenLookupLocations: [extractFromHeader({ name: "authorization", prefix: "Bearer" })],
    tokenVerification: {
      algorithms: env.JWT_ALGORITHMS as ["RS256"],
      ...(env.JWT_ISSUER === undefined ? {} : { issuer: env.JWT_ISSUER }),
      ...(env.JWT_AUDIENCE === undefined ? {} : { audience: env.JWT_AUDIENCE }),
    },
    reject: { missingToken: true, invalidToken: true },
    forward: { payload: true },
  },
  // Signing is a plugin here rather than the `hmacSignature` option: that one runs before the JWT plugin has added
  // the payload to the subgraph request, so the payload would go unsigned.
  plugins: () => [
    // The plugin's package declares its own copy of the gateway's plugin type.
    useHmacUpstreamSignature({
      secret: env.GATEWAY_HMAC_SECRET,
      serializeExecutionRequest: (executionRequest) => signedContent(serializeExecutionRequest({ executionRequest })),
    }) as unknown as GatewayPlugin,
    useStableErrorCodes(),
    useBodyLimit(),
    // Before the JWT check reaches GraphQL: the page itself is public, what it shows needs the caller's token.
    useStatusPage(env.STATUS_PAGE_URL),
  ],
  graphiql: env.GATEWAY_DEV_TOOLS,
  disableIntrospection: { disableIf: () => !env.GATEWAY_DEV_TOOLS },
  blockFieldSuggestions: !env.GATEWAY_DEV_TOOLS,
  cors: env.GATEWAY_CORS_ORIGINS.length === 0 ? false : { origin: env.GATEWAY_CORS_ORIGINS, credentials: false },
  // A browser's simple request (form post, GET without a custom header) is refused: no cross-site request forgery.
  csrfPrevention: { requestHeaders: ["x-graphql-csrf-token", "apollo-require-preflight"] },
  maxTokens: 1000,
  maxDepth: 8,
  maskedErrors: true,
});
