import { invalid } from "./errors.ts";
import { excerpt } from "./text.ts";

/** Every assignment is shown and accepted as "A<number>". */
export const assignmentRef = (id: number): string => `A${id}`;
export const handoffRef = (id: number): string => `H${id}`;
export const reviewRef = (id: number): string => `R${id}`;

const REF = /^([AHR])(\d{1,9})$/i;

function parseRef(prefix: "A" | "H" | "R", text: string, noun: string): number {
  const m = REF.exec(text.trim());
  if (!m || m[1]!.toUpperCase() !== prefix) {
    throw invalid(`"${excerpt(text)}" is not ${noun} reference; references look like ${prefix}17`);
  }
  return Number(m[2]);
}

export const parseAssignmentRef = (text: string) => parseRef("A", text, "an assignment");
export const parseHandoffRef = (text: string) => parseRef("H", text, "a handoff");
export const parseReviewRef = (text: string) => parseRef("R", text, "a review");
