/** References as people see and type them: A17 (assignment), H3 (handoff), R9 (review). */
import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/core/errors.ts";
import {
  assignmentRef,
  handoffRef,
  parseAssignmentRef,
  parseHandoffRef,
  parseReviewRef,
  reviewRef,
} from "../../src/core/refs.ts";
import { thrown } from "../support/thrown.ts";

describe("references", () => {
  it("are a letter and the row's id", () => {
    expect([assignmentRef(17), handoffRef(3), reviewRef(9)]).toEqual(["A17", "H3", "R9"]);
  });

  it("are read back whatever the case and the spaces around them", () => {
    expect(parseAssignmentRef("A17")).toBe(17);
    expect(parseAssignmentRef(" a17\t")).toBe(17);
    expect(parseHandoffRef("h3")).toBe(3);
    expect(parseReviewRef(" R9 ")).toBe(9);
    expect(parseAssignmentRef("A007")).toBe(7);
    expect(parseAssignmentRef("A123456789")).toBe(123_456_789);
    for (const n of [1, 42, 999_999_999]) {
      expect(parseAssignmentRef(assignmentRef(n))).toBe(n);
      expect(parseHandoffRef(handoffRef(n))).toBe(n);
      expect(parseReviewRef(reviewRef(n))).toBe(n);
    }
  });

  it("refuse another kind's reference, naming the kind asked for and its form", () => {
    const e = thrown(DomainError, () => parseAssignmentRef("H17"));
    expect(e.code).toBe("invalid");
    expect(e.message).toBe('"H17" is not an assignment reference; references look like A17');
    expect(thrown(DomainError, () => parseHandoffRef("A5")).message).toBe(
      '"A5" is not a handoff reference; references look like H17',
    );
    expect(thrown(DomainError, () => parseReviewRef("h5")).message).toBe(
      '"h5" is not a review reference; references look like R17',
    );
  });

  it("refuse what is not a reference at all", () => {
    for (const text of ["", "A", "17", "A-1", "A1.5", "A1x", "xA1", "AA1", "A 1", "A1234567890", "B17"])
      expect(thrown(DomainError, () => parseAssignmentRef(text)).message, text).toBe(
        `"${text}" is not an assignment reference; references look like A17`,
      );
  });
});
