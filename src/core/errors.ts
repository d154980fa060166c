/**
 * Typed domain errors. Every refusal of the ledger is one of these, carrying a
 * message a person understands; raw database errors never leave the core.
 */
export type DomainErrorCode =
  | "invalid" // the request itself is malformed or out of bounds
  | "not_found" // it names something that does not exist
  | "forbidden" // the actor's role does not allow it
  | "conflict" // it collides with the ledger's current state (items held, already decided…)
  | "illegal_transition"; // the status does not allow it

export class DomainError extends Error {
  override readonly name = "DomainError";
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const invalid = (message: string, details?: Record<string, unknown>) =>
  new DomainError("invalid", message, details);
export const notFound = (message: string, details?: Record<string, unknown>) =>
  new DomainError("not_found", message, details);
export const forbidden = (message: string, details?: Record<string, unknown>) =>
  new DomainError("forbidden", message, details);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new DomainError("conflict", message, details);
export const illegalTransition = (message: string, details?: Record<string, unknown>) =>
  new DomainError("illegal_transition", message, details);

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
