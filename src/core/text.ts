/**
 * Sentences the domain says to people (refusals, mostly), as structured
 * parts rather than markup: plain words, people, and hints at what to do
 * next. Each surface renders them its own way (src/ui turns people into
 * Slack mentions and hints into the command to type); `plainText` is the
 * rendering for logs and machine clients.
 *
 *   text`${ref} belongs to ${person(userId)}; only they or a lead can update it`
 */

/** A person, by Slack user id. */
export interface PersonPart {
  kind: "person";
  userId: string;
}

/** What someone could do about it; a surface says how (e.g. the command to type), or nothing. */
export type Hint = { kind: "add-dataset" } | { kind: "reopen-dataset"; dataset: string };

export interface HintPart {
  kind: "hint";
  hint: Hint;
}

export type TextPart = string | PersonPart | HintPart;
export type Text = readonly TextPart[];

/**
 * The core's one order of strings (ids, labels, error kinds): by UTF-16 code
 * unit, the same on every machine, where `localeCompare` would follow the
 * process's locale.
 */
export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const person = (userId: string): PersonPart => ({ kind: "person", userId });
export const hint = (h: Hint): HintPart => ({ kind: "hint", hint: h });

/** Builds a Text from a template: strings and numbers become words, parts stay parts. */
export function text(
  strings: TemplateStringsArray,
  ...values: (string | number | PersonPart | HintPart | Text)[]
): Text {
  const out: TextPart[] = [];
  const push = (p: TextPart) => {
    if (typeof p === "string") {
      if (p === "") return;
      const last = out.at(-1);
      if (typeof last === "string") out[out.length - 1] = last + p;
      else out.push(p);
    } else out.push(p);
  };
  strings.forEach((s, i) => {
    push(s);
    if (i < values.length) {
      const v = values[i]!;
      if (Array.isArray(v)) (v as Text).forEach(push);
      else push(typeof v === "number" ? String(v) : (v as TextPart));
    }
  });
  return out;
}

/** The people a text names, in order, each once. */
export function peopleIn(t: Text): string[] {
  return [...new Set(t.flatMap((p) => (typeof p === "object" && p.kind === "person" ? [p.userId] : [])))];
}

/** Plain rendering: people as @<user id>, hints left out. */
export function plainText(t: Text): string {
  return t.map((p) => (typeof p === "string" ? p : p.kind === "person" ? `@${p.userId}` : "")).join("");
}

/**
 * What someone typed, quoted back in a sentence: at most `max` characters
 * (whole code points), cut with an ellipsis, so an answer never grows with
 * its input.
 */
export function excerpt(s: string, max = 50): string {
  if (s.length <= max) return s;
  // A code point is one or two UTF-16 units: the first 2·max units hold at least the first max code points.
  const chars = Array.from(s.slice(0, 2 * max));
  if (chars.length <= max && s.length <= 2 * max) return s;
  return `${chars.slice(0, max - 1).join("")}…`;
}
