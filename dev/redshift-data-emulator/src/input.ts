import { ApiError, validation } from "./errors.js";

/** A decoded request body: the AWS JSON protocol's top-level object. */
export type Input = Readonly<Record<string, unknown>>;

const wrongType = (name: string, expected: string): ApiError =>
  new ApiError("SerializationException", `${name} must be ${expected}`);

export function asInput(body: unknown): Input {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw wrongType("the request body", "an object");
  return body as Input;
}

export function optionalString(input: Input, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw wrongType(name, "a string");
  return value;
}

export function requiredString(input: Input, name: string): string {
  const value = optionalString(input, name);
  if (value === undefined)
    throw validation(
      `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
    );
  return value;
}

export function optionalBoolean(input: Input, name: string): boolean | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw wrongType(name, "a boolean");
  return value;
}

/** An integer within [min, max] (the model's range), or undefined. */
export function optionalInteger(input: Input, name: string, min: number, max: number): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) throw wrongType(name, "an integer");
  if (value < min || value > max) {
    throw validation(
      `1 validation error detected: Value '${value}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must have value ${value < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`,
    );
  }
  return value;
}

export function optionalStringList(input: Input, name: string): string[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw wrongType(name, "a list of strings");
  return value as string[];
}

export function optionalObjectList(input: Input, name: string): Input[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw wrongType(name, "a list");
  return value.map((v) => asInput(v));
}

/** The model's constraint messages name members in camelCase, as AWS's validation messages do. */
function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** A length constraint of the model. */
export function checkLength(name: string, value: string | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (value.length < min || value.length > max) {
    throw validation(
      `1 validation error detected: Value at '${lowerFirst(name)}' failed to satisfy constraint: Member must have length ${value.length < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`,
    );
  }
}
