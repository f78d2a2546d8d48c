import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { pageOf, type Page, type PageRequest } from "../../src/domain/pagination.js";
import { refusal } from "../support/refusal.js";

const request = (maxResults: string | null, pageToken: string | null = null): PageRequest => ({
  maxResults,
  pageToken,
});
const key = (s: string) => s;

/** Every page from the first, following tokens (bounded, so a token that never ends fails the test). */
function allPages(items: readonly string[], maxResults: string | null, maxPage: number): string[][] {
  const pages: string[][] = [];
  let token: string | null = null;
  for (let i = 0; i <= items.length + 2; i += 1) {
    const page: Page<string> = pageOf(items, key, request(maxResults, token), maxPage);
    pages.push([...page.items]);
    if (page.nextPageToken === undefined) return pages;
    token = page.nextPageToken;
  }
  throw new Error("paging did not end");
}

describe("pageOf", () => {
  it("covers every item exactly once, in key order, for any page size (property)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        (items, size, maxPage) => {
          const pages = allPages(items, String(size), maxPage);
          const sorted = [...items].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          expect(pages.flat()).toEqual(sorted);
          for (const page of pages) expect(page.length).toBeLessThanOrEqual(Math.min(size, maxPage));
          // Only the last page may be short, and only an empty list has an empty page.
          for (const page of pages.slice(0, -1)) expect(page.length).toBe(Math.min(size, maxPage));
          if (items.length > 0) expect(pages.at(-1)?.length).toBeGreaterThan(0);
        },
      ),
    );
  });

  it("caps a page at maxPage, also without maxResults", () => {
    const items = ["a", "b", "c", "d", "e"];
    expect(pageOf(items, key, request("1000"), 2).items).toEqual(["a", "b"]);
    expect(pageOf(items, key, request(null), 3).items).toEqual(["a", "b", "c"]);
    expect(pageOf(items, key, request(""), 3).items).toEqual(["a", "b", "c"]);
    expect(allPages(items, null, 2)).toEqual([["a", "b"], ["c", "d"], ["e"]]);
  });

  it("gives no token on the last page, nor for an empty list", () => {
    expect(pageOf(["a", "b"], key, request("2"), 10)).toEqual({ items: ["a", "b"] });
    expect(pageOf([], key, request(null), 10)).toEqual({ items: [] });
    expect(pageOf([], key, request("0"), 10)).toEqual({ items: [] });
  });

  it("maxResults=0 returns no item and a token that starts where the request did", () => {
    const items = ["c", "a", "b"];
    const zero = pageOf(items, key, request("0"), 10);
    expect(zero.items).toEqual([]);
    expect(zero.nextPageToken).toBeDefined();
    expect(pageOf(items, key, request(null, zero.nextPageToken ?? null), 10).items).toEqual(["a", "b", "c"]);
    const first = pageOf(items, key, request("1"), 10);
    const zeroAfter = pageOf(items, key, request("0", first.nextPageToken ?? null), 10);
    expect(zeroAfter.items).toEqual([]);
    expect(pageOf(items, key, request(null, zeroAfter.nextPageToken ?? null), 10).items).toEqual(["b", "c"]);
  });

  it("neither repeats nor skips when an item is added between pages (tokens are keys)", () => {
    const first = pageOf(["b", "d", "f"], key, request("2"), 10);
    expect(first.items).toEqual(["b", "d"]);
    const next = pageOf(["a", "b", "c", "d", "e", "f"], key, request("2", first.nextPageToken ?? null), 10);
    expect(next.items).toEqual(["e", "f"]);
  });

  it.each(["-1", "abc", "1.5", "1e3", " 2", "2147483648", "99999999999999999999"])(
    "maxResults=%j is INVALID_PARAMETER_VALUE",
    (maxResults) => {
      const error = refusal(() => pageOf(["a"], key, request(maxResults), 10));
      expect(error.code).toBe("INVALID_PARAMETER_VALUE");
      expect(error.status).toBe(400);
    },
  );

  it("accepts the largest 32-bit maxResults", () => {
    expect(pageOf(["a"], key, request("2147483647"), 10).items).toEqual(["a"]);
  });

  it.each([
    ["not base64 JSON", "%%%"],
    ["base64 of non-JSON", Buffer.from("hello").toString("base64url")],
    ["JSON null", Buffer.from("null").toString("base64url")],
    ["a number after", Buffer.from(JSON.stringify({ after: 3 })).toString("base64url")],
    ["an array", Buffer.from("[]").toString("base64url")],
  ])("a token that is %s is INVALID_PARAMETER_VALUE", (_, token) => {
    const error = refusal(() => pageOf(["a"], key, request(null, token), 10));
    expect(error.code).toBe("INVALID_PARAMETER_VALUE");
  });

  it("an empty pageToken is the first page", () => {
    expect(pageOf(["b", "a"], key, request(null, ""), 10).items).toEqual(["a", "b"]);
  });
});
