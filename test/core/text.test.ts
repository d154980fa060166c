/**
 * The core's sentences (src/core/text.ts): built from templates with people
 * and hints kept as parts for the Slack layer to render, read as plain text
 * where Slack markup has no place, and quoting what someone typed without
 * letting it grow the answer.
 */
import { describe, expect, it } from "vitest";
import { byCodePoint, excerpt, hint, peopleIn, person, plainText, text } from "../../src/core/text.ts";

const ana = person("UANA");
const bob = person("UBOB");

describe("text", () => {
  it("joins the template's strings and numbers into one string", () => {
    expect(text`claimed ${5} of ${50} items in ${"cats"}`).toEqual(["claimed 5 of 50 items in cats"]);
    expect(text`${0} left`).toEqual(["0 left"]);
  });

  it("keeps people and hints as parts between the strings, and leaves out empty strings", () => {
    expect(text`${ana} handed A3 to ${bob}`).toEqual([ana, " handed A3 to ", bob]);
    expect(text`${ana}${bob}`).toEqual([ana, bob]);
    expect(text`${""}`).toEqual([]);
    const h = hint({ kind: "reopen-dataset", dataset: "cats" });
    expect(h).toEqual({ kind: "hint", hint: { kind: "reopen-dataset", dataset: "cats" } });
    expect(ana).toEqual({ kind: "person", userId: "UANA" });
    expect(text`closed. ${h}`).toEqual(["closed. ", h]);
  });

  it("flattens a text given as a value, merging its strings with the ones around it", () => {
    const inner = text`held by ${ana} since`;
    expect(text`A3 is ${inner} Monday`).toEqual(["A3 is held by ", ana, " since Monday"]);
    expect(text`${text`a`}${text`b`}`).toEqual(["ab"]);
  });
});

describe("peopleIn", () => {
  it("names each person once, in the order they first appear, and nothing else", () => {
    const t = text`${bob} asked ${ana} and ${bob} again ${hint({ kind: "add-dataset" })}`;
    expect(peopleIn(t)).toEqual(["UBOB", "UANA"]);
    expect(peopleIn(text`nobody here`)).toEqual([]);
  });
});

describe("plainText", () => {
  it("writes people as @<user id> and leaves hints out", () => {
    const t = text`${ana} handed A3 to ${bob}.${hint({ kind: "add-dataset" })} Done`;
    expect(plainText(t)).toBe("@UANA handed A3 to @UBOB. Done");
    expect(plainText([])).toBe("");
  });
});

describe("excerpt", () => {
  it("keeps a text of at most max characters whole", () => {
    expect(excerpt("abcd", 4)).toBe("abcd");
    expect(excerpt("", 4)).toBe("");
  });

  it("cuts a longer one to max characters, the last an ellipsis", () => {
    expect(excerpt("abcde", 4)).toBe("abc…");
    expect(excerpt("abcdefgh", 4)).toBe("abc…");
    expect(excerpt("abcdefghijk", 4)).toBe("abc…");
  });

  it("counts characters, not UTF-16 units, on both sides of twice max", () => {
    // four units, two characters: whole
    expect(excerpt("🐈🐈", 2)).toBe("🐈🐈");
    // five units, three characters: cut
    expect(excerpt("🐈🐈x", 2)).toBe("🐈…");
    // eight units, four characters at max 4: whole, though longer than max in units
    expect(excerpt("🐈🐈🐈🐈", 4)).toBe("🐈🐈🐈🐈");
    // nine units, five characters
    expect(excerpt("🐈🐈🐈🐈x", 4)).toBe("🐈🐈🐈…");
  });
});

describe("byCodePoint", () => {
  it("orders strings by code unit, the same in every locale, and finds equal ones equal", () => {
    expect(byCodePoint("UANA", "UBOB")).toBe(-1);
    expect(byCodePoint("UBOB", "UANA")).toBe(1);
    expect(byCodePoint("UANA", "UANA")).toBe(0);
    // Upper case before lower case, and "é" after "z": not a dictionary's order.
    expect(["b", "é", "a", "Z", "z"].sort(byCodePoint)).toEqual(["Z", "a", "b", "z", "é"]);
  });
});
