import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  type ASTVisitor,
  type FieldNode,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";

/**
 * What keeps a caller's mistake a 4xx with a code, and a hostile request cheap. Each rule was found by
 * test/graphql/server.fuzz.test.ts failing without it.
 */

/** The largest legitimate request is a few kB; yoga's default would buffer 25 MB per request. */
export const maxRequestBodySize = 1_048_576;

/**
 * graphql-armor's limits are validation rules that by default throw their error, which skips yoga's validation
 * handling (no code). Reported to the validation context, they are ordinary GRAPHQL_VALIDATION_FAILED errors.
 */
const reportAsValidationError = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError): void => context?.reportError(error)],
};

/**
 * Documents are bounded before they run: without this, 10k aliases of requestStatus ran 10k read-model lookups
 * (and 400 of requestData published 400 events), and a deeply nested literal overflowed the stack (a 500). graphql-armor's defaults: at most 15 aliases,
 * depth 6, 1000 tokens (checked while parsing, so nesting never gets deep), cost 5000, 50 directives; field
 * suggestions are hidden.
 */
const limits = (): Plugin =>
  EnvelopArmorPlugin({
    maxAliases: reportAsValidationError,
    maxDepth: reportAsValidationError,
    costLimit: reportAsValidationError,
    maxDirectives: reportAsValidationError,
  });

/** The root fields an operation selects, through inline fragments and fragment spreads (each fragment once). */
function rootFields(selectionSet: SelectionSetNode, context: ValidationContext, seen: Set<string>): FieldNode[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFields(selection.selectionSet, context, seen);
    const name = selection.name.value;
    const fragment = seen.has(name) ? undefined : context.getFragment(name);
    seen.add(name);
    return fragment === undefined || fragment === null ? [] : rootFields(fragment.selectionSet, context, seen);
  });
}

/**
 * requestData is the only field of its mutation (`__typename` aside). Its result is non-null, so when another root
 * field fails after it (a second requestData with a bad window, a failed publish, an invalid requestStatus id),
 * GraphQL nulls the whole `data`: the caller lost the id of an export that runs anyway, and its retry made a
 * second one. One request, one export, one id.
 */
function requestDataAlone(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(operation) {
      if (operation.operation !== OperationTypeNode.MUTATION) return;
      const names = rootFields(operation.selectionSet, context, new Set())
        .map((field) => field.name.value)
        .filter((name) => name !== "__typename");
      if (names.includes("requestData") && names.length > 1) {
        context.reportError(
          new GraphQLError(
            "requestData must be the only field of its mutation: send one request per export, so its id cannot be lost to another field's error",
            { nodes: operation },
          ),
        );
      }
    },
  };
}

const oneExportPerRequest = (): Plugin => ({
  onValidate({ addValidationRule }) {
    addValidationRule(requestDataAlone);
  },
});

/** The media types yoga can answer in (its result processors). */
const answerable = ["application/graphql-response+json", "application/json", "text/event-stream", "multipart/mixed"];

/** Whether yoga can answer a request with this Accept header: the same reading as its content negotiation. */
export function acceptsAnAnswer(accept: string | null): boolean {
  for (const range of (accept || "*/*").replace(/\s/g, "").toLowerCase().split(",")) {
    const [mediaType = "", ...params] = range.split(";");
    // yoga answers in UTF-8 only and skips a range that asks for another charset.
    if ((params.find((param) => param.includes("charset=")) ?? "charset=utf-8") !== "charset=utf-8") continue;
    const [type, subtype] = mediaType.split("/");
    if (
      answerable.some((answer) => {
        const [answerType, answerSubtype] = answer.split("/");
        return (type === "*" || type === answerType) && (subtype === "*" || subtype === answerSubtype);
      })
    ) {
      return true;
    }
  }
  return false;
}

const requestError = (message: string, code: string, status: number): GraphQLError =>
  new GraphQLError(message, { extensions: { code, http: { status } } });

/**
 * - An Accept header yoga cannot answer is refused before the operation runs: yoga negotiates only once the result
 *   is there, so requestData published its event and then answered 406 without the id (an export nobody can follow).
 * - yoga reads the `variables` and `extensions` of a GET or form-encoded POST with a bare JSON.parse: malformed JSON
 *   there was an unexpected error, a 500. It is a BAD_REQUEST, as in a JSON body.
 * - graphql-js and yoga raise some request errors without a code (variables of the wrong type, an operation type
 *   the schema lacks); they are the caller's mistake, so they get BAD_USER_INPUT, as Apollo Server names them.
 *   Resolver errors get theirs at the boundary in resolvers.ts; what yoga masked (INTERNAL_SERVER_ERROR) is
 *   INTERNAL, the one code for our own failures.
 */
const requestErrors = (): Plugin => ({
  onRequestParse({ request, requestParser, setRequestParser }) {
    if (!acceptsAnAnswer(request.headers.get("accept"))) {
      throw requestError("the Accept header admits no media type this API answers in", "NOT_ACCEPTABLE", 406);
    }
    if (requestParser === undefined) return;
    setRequestParser(async (parsed) => {
      try {
        return await requestParser(parsed);
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
        throw requestError("the variables or extensions parameter is not valid JSON", "BAD_REQUEST", 400);
      }
    });
  },
  onResultProcess({ result }) {
    if (isAsyncIterable(result)) return;
    for (const { errors } of Array.isArray(result) ? result : [result]) {
      // In place, as yoga itself adds GRAPHQL_VALIDATION_FAILED: the errors keep their HTTP status and locations.
      for (const error of errors ?? []) {
        const extensions = error.extensions as Record<string, unknown>;
        extensions["code"] ??= "BAD_USER_INPUT";
        if (extensions["code"] === "INTERNAL_SERVER_ERROR") extensions["code"] = "INTERNAL";
      }
    }
  },
});

/** The yoga plugins of request-api's hardening, in order. */
export function hardeningPlugins(): Plugin[] {
  return [limits(), oneExportPerRequest(), requestErrors()];
}
