/**
 * The core's errors (src/core/errors.ts): each refusal's code and sentence,
 * and a database refusal the core did not anticipate turned into the sentence
 * a person should see, with nothing else rewritten.
 */
import { describe, expect, it } from "vitest";
import {
  conflict,
  DomainError,
  forbidden,
  illegalTransition,
  invalid,
  isDomainError,
  notFound,
  toDomainError,
} from "../../src/core/errors.ts";
import { person, text } from "../../src/core/text.ts";
import { ConstraintViolation } from "../../src/db/errors.ts";

describe("domain errors", () => {
  it("carries its code, its sentence as parts and as plain text, and its details", () => {
    const e = conflict(text`A3 belongs to ${person("UANA")}`, { ref: "A3" });
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("DomainError");
    expect(e.code).toBe("conflict");
    expect(e.text).toEqual(["A3 belongs to ", { kind: "person", userId: "UANA" }]);
    expect(e.message).toBe("A3 belongs to @UANA");
    expect(e.details).toEqual({ ref: "A3" });
  });

  it("makes each code with its factory, a plain string as one part, no details as none", () => {
    const made = [invalid, notFound, forbidden, conflict, illegalTransition].map((f) => f("no"));
    expect(made.map((e) => e.code)).toEqual(["invalid", "not_found", "forbidden", "conflict", "illegal_transition"]);
    for (const e of made) {
      expect(e.text).toEqual(["no"]);
      expect(e.message).toBe("no");
      expect(e.details).toEqual({});
    }
    expect(made.every(isDomainError)).toBe(true);
    expect(isDomainError(new Error("no"))).toBe(false);
    expect(isDomainError({ code: "conflict", message: "no" })).toBe(false);
  });
});

describe("a database refusal, as a person reads it", () => {
  it.each([
    ["overlap", "conflict", "those items were taken by someone else a moment ago; nothing was changed"],
    ["unique", "conflict", "that was just created by someone else; nothing was changed"],
    ["check", "invalid", "the ledger refused a value outside its allowed bounds; nothing was changed"],
    ["busy", "conflict", "the ledger is busy; nothing was changed, please try again"],
  ] as const)("%s: %s, %s", (kind, code, sentence) => {
    const e = toDomainError(new ConstraintViolation(kind, "23P01"));
    expect(isDomainError(e)).toBe(true);
    expect(e).toMatchObject({ code, message: sentence });
  });

  it("leaves every other error as it was, the same object", () => {
    const others = [new Error("socket hang up"), notFound("there is no assignment A9"), "a string", undefined];
    for (const e of others) expect(toDomainError(e)).toBe(e);
  });
});
