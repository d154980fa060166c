/**
 * The one way into the database: the repositories (./repositories), either
 * each statement on its own (`read`) or together in one transaction
 * (`transaction`). Database refusals come out as ConstraintViolation (./errors).
 */
import type { PrismaClient } from "../generated/prisma/client.ts";
import { classify } from "./errors.ts";
import { type Repositories, repositories } from "./repositories/index.ts";

/** How long a transaction may wait to start, and run. */
const TX_OPTIONS = { maxWait: 15_000, timeout: 20_000 } as const;

export class Store {
  /** The repositories outside any transaction: for reads, and for single statements. */
  readonly read: Repositories;
  private readonly knownWorkspaces = new Set<string>();

  private readonly prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.prisma = prisma;
    this.read = repositories(prisma);
  }

  /** Runs `fn` in one interactive transaction: everything it writes commits together, or nothing does. */
  async transaction<T>(fn: (r: Repositories) => Promise<T>): Promise<T> {
    try {
      return await this.prisma.$transaction((tx) => fn(repositories(tx)), TX_OPTIONS);
    } catch (e) {
      throw classify(e);
    }
  }

  /** Registers a workspace the first time this process sees it. */
  async ensureWorkspace(teamId: string): Promise<void> {
    if (this.knownWorkspaces.has(teamId)) return;
    await this.read.workspaces.ensure(teamId);
    this.knownWorkspaces.add(teamId);
  }

  /** Resolves when the database answers a trivial query (liveness; rejects otherwise). */
  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }
}

export type * from "./repositories/index.ts";
