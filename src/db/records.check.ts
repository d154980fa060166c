/**
 * Compile-time proof that the records of ./records.ts match the generated
 * Prisma schema: a column added, renamed or retyped in prisma/schema.prisma
 * and not here (or the other way round) fails the type-check. No runtime code.
 */
import type * as Prisma from "../generated/prisma/client.ts";
import type * as R from "./records.ts";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** Every field of the record is a column of the row, with the same type. */
type Columns<Row, Record> = [Exclude<keyof Record, keyof Row>] extends [never]
  ? Same<Pick<Row, keyof Record & keyof Row>, Pick<Record, keyof Record & keyof Row>>
  : false;

export type RecordsMatchTheSchema = [
  Assert<Same<Prisma.AssignmentStatus, R.AssignmentStatus>>,
  Assert<Same<Prisma.Role, R.Role>>,
  Assert<Same<Prisma.HandoffStatus, R.HandoffStatus>>,
  Assert<Same<Prisma.ReviewStatus, R.ReviewStatus>>,
  Assert<Columns<Prisma.Member, R.MemberRecord>>,
  Assert<Columns<Prisma.Dataset, R.DatasetRecord>>,
  Assert<Columns<Prisma.DatasetInstruction, R.InstructionRecord>>,
  Assert<Columns<Prisma.Assignment, R.AssignmentRecord>>,
  Assert<Columns<Prisma.HandoffRequest, R.HandoffRecord>>,
  Assert<Columns<Prisma.Review, Omit<R.ReviewRecord, "errors">>>,
  Assert<Columns<Prisma.Workspace, R.WorkspaceRecord>>,
  Assert<Same<Prisma.OutboxStatus, R.OutboxStatus>>,
  Assert<Same<Prisma.JobRunStatus, R.JobRunStatus>>,
  Assert<Columns<Prisma.Notification, Omit<R.OutboxRecord, "key" | "message" | "sender">>>,
  Assert<Columns<Prisma.JobRun, Omit<R.JobRunRecord, "detail">>>,
  Assert<Columns<Prisma.Webhook, R.WebhookRecord>>,
  Assert<Columns<Prisma.WebhookCursor, R.DispatchCursor>>,
];
