import type { GatewayPlugin } from "@graphql-hive/gateway";

/** The largest legitimate request is a few kB (request-api refuses over 1 MiB too); yoga's default is 25 MB. */
export const MAX_BODY_BYTES = 1_048_576;

/** Refuses a body declared larger than `maxBytes` (413) before it is read. */
export function useBodyLimit(maxBytes = MAX_BODY_BYTES): GatewayPlugin {
  return {
    onRequest(payload) {
      const { request, fetchAPI } = payload;
      const declared = Number(request.headers.get("content-length") ?? "0");
      if (declared > maxBytes)
        payload.endResponse(
          new fetchAPI.Response(
            JSON.stringify({
              errors: [{ message: `request body over ${maxBytes} bytes`, extensions: { code: "BAD_USER_INPUT" } }],
            }),
            { status: 413, headers: { "content-type": "application/json" } },
          ),
        );
    },
  };
}
