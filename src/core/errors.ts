/**
 * Typed domain errors. Every refusal of the ledger is one of these, carrying
 * a sentence a person understands (as structured text, see ./text.ts); raw
 * database errors never leave the core.
 */
import { ConstraintViolation } from "../db/errors.ts";
import { plainText, type Text } from "./text.ts";

export type DomainErrorCode =
  | "invalid" // the request itself is malformed or out of bounds
  | "not_found" // it names something that does not exist
  | "forbidden" // the actor's role does not allow it
  | "conflict" // it collides with the ledger's current state (items held, already decided…)
  | "illegal_transition"; // the status does not allow it

export class DomainError extends Error {
  override readonly name = "DomainError";
  /** the sentence, with people and hints as parts; `message` is its plain rendering */
  readonly text: Text;
  readonly code: DomainErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: DomainErrorCode, text: Text | string, details: Record<string, unknown> = {}) {
    const t = typeof text === "string" ? [text] : text;
    super(plainText(t));
    this.code = code;
    this.details = details;
    this.text = t;
  }
}

type Factory = (text: Text | string, details?: Record<string, unknown>) => DomainError;

export const invalid: Factory = (text, details) => new DomainError("invalid", text, details);
export const notFound: Factory = (text, details) => new DomainError("not_found", text, details);
export const forbidden: Factory = (text, details) => new DomainError("forbidden", text, details);
export const conflict: Factory = (text, details) => new DomainError("conflict", text, details);
export const illegalTransition: Factory = (text, details) => new DomainError("illegal_transition", text, details);

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

/**
 * A database refusal the core did not anticipate (a race lost to another
 * request, usually) as the domain error a person should see; anything else
 * is returned unchanged.
 */
export function toDomainError(e: unknown): unknown {
  if (!(e instanceof ConstraintViolation)) return e;
  switch (e.kind) {
    case "overlap":
      return conflict("those items were taken by someone else a moment ago; nothing was changed");
    case "unique":
      return conflict("that was just created by someone else; nothing was changed");
    case "check":
      return invalid("the ledger refused a value outside its allowed bounds; nothing was changed");
    case "busy":
      return conflict("the ledger is busy; nothing was changed, please try again");
  }
}
