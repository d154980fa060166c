/**
 * Free text as it arrives from Slack (a command's text, a modal's fields),
 * checked before anything reads it: C0 control characters other than tab,
 * line feed and carriage return are refused. PostgreSQL cannot store NUL
 * (error 22021), and none of the others belongs in a note or a reason.
 */
import { z } from "zod";

/** The first control character rangekeeper refuses in `s`, as its code, or null. */
export function firstControlCharacter(s: string): number | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return c;
  }
  return null;
}

/** The sentence that refuses a text with control character `code`. */
export const controlCharacterProblem = (code: number): string =>
  `Your text contains a control character (U+${code.toString(16).toUpperCase().padStart(4, "0")}), which rangekeeper cannot store; remove it and try again.`;

/** A string rangekeeper can store: refused, with the sentence above, when it holds a control character. */
export const storableText = z.string().superRefine((s, ctx) => {
  const c = firstControlCharacter(s);
  if (c !== null) ctx.addIssue({ code: "custom", message: controlCharacterProblem(c) });
});

/** Why `s` cannot be stored, or null when it can. */
export function unstorable(s: string): string | null {
  const r = storableText.safeParse(s);
  return r.success ? null : (r.error.issues[0]?.message ?? controlCharacterProblem(0));
}
