/** What a repository runs its queries on: the client itself (one statement each) or an open transaction. */
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";

export type Client = PrismaClient | Prisma.TransactionClient;

/** A value for a JSON column (plain data, as JSON.stringify would write it). */
export const toJson = (v: unknown): Prisma.InputJsonValue => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;
