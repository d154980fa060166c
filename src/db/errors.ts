/**
 * Database refusals in the ledger's terms. The repositories and the store
 * turn the errors of Prisma and its driver adapters into a ConstraintViolation
 * naming which kind of rule the database enforced; everything else passes
 * through unchanged.
 */
import { Prisma } from "../generated/prisma/client.ts";

export type ConstraintKind =
  /** two live ranges of a dataset would overlap (the exclusion constraint) */
  | "overlap"
  /** a unique key is already taken */
  | "unique"
  /** a CHECK constraint refused a value */
  | "check"
  /** the transaction could not start in time (the database is busy) */
  | "busy";

export class ConstraintViolation extends Error {
  override readonly name = "ConstraintViolation";
  readonly kind: ConstraintKind;
  readonly sqlState: string | undefined;

  constructor(kind: ConstraintKind, sqlState: string | undefined, options?: { cause?: unknown }) {
    super(`the database refused the change (${kind}${sqlState ? `, SQLSTATE ${sqlState}` : ""})`, options);
    this.kind = kind;
    this.sqlState = sqlState;
  }
}

/** PostgreSQL SQLSTATE of a failed query, wherever Prisma's driver adapter put it. */
export function sqlState(e: unknown): string | undefined {
  if (!(e instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
  const meta = e.meta as
    | { driverAdapterError?: { cause?: { originalCode?: string; code?: string; kind?: string } } }
    | undefined;
  const cause = meta?.driverAdapterError?.cause;
  if (cause?.originalCode) return cause.originalCode;
  if (e.code === "P2002") return "23505";
  if (e.code === "P2004" || cause?.kind === "ExclusionConstraintViolation") return "23P01";
  return cause?.code;
}

/** The ConstraintViolation a database error stands for, or the error itself. */
export function classify(e: unknown): unknown {
  if (e instanceof ConstraintViolation) return e;
  const state = sqlState(e);
  if (state === "23P01") return new ConstraintViolation("overlap", state, { cause: e });
  if (state === "23505") return new ConstraintViolation("unique", state, { cause: e });
  if (state === "23514") return new ConstraintViolation("check", state, { cause: e });
  if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2028") {
    return new ConstraintViolation("busy", undefined, { cause: e });
  }
  return e;
}
