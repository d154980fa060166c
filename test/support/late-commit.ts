/**
 * A transaction that commits late: it writes on a connection of its own and
 * stays open until released, so that later transactions commit first (their
 * ids are higher, yet they become visible earlier). PostgreSQL only.
 */
import { vi } from "vitest";
import type { Repositories } from "../../src/db/store.ts";
import { Store } from "../../src/db/store.ts";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import type { TestDatabase } from "./db.ts";

/** Runs `write` in a transaction on `client` and keeps it open; `commit()` ends it and waits. */
export async function openLateTransaction(
  client: PrismaClient,
  write: (r: Repositories) => Promise<void>,
): Promise<{ commit(): Promise<void> }> {
  let release!: () => void;
  const held = new Promise<void>((r) => {
    release = r;
  });
  let written!: () => void;
  const wrote = new Promise<void>((r) => {
    written = r;
  });
  const done = new Store(client).transaction(async (r) => {
    await write(r);
    written();
    await held;
  });
  await Promise.race([wrote, done]);
  return {
    commit: async () => {
      release();
      await done;
    },
  };
}

/** Waits until a statement on the test database waits for a lock (a row or key another transaction holds). */
export async function untilWaitingForLock(client: PrismaClient): Promise<void> {
  await vi.waitFor(
    async () => {
      const [waiting] = await client.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`;
      if (!waiting || waiting.n === 0) throw new Error("nothing waits for a lock yet");
    },
    { timeout: 20_000, interval: 20 },
  );
}

/**
 * Runs `operation` while another transaction, on a connection of its own, holds what `write`
 * locked or wrote: once the operation waits for that lock, the other transaction commits. Answers
 * what the operation answers, or throws what it throws.
 */
export async function whileAnotherHolds<T>(
  db: TestDatabase,
  write: (r: Repositories) => Promise<void>,
  operation: () => Promise<T>,
): Promise<T> {
  const [other] = db.openConnections(1, { poolSize: 1 });
  try {
    const late = await openLateTransaction(other!, write);
    const running = operation();
    running.catch(() => {});
    await untilWaitingForLock(db.prisma);
    await late.commit();
    return await running;
  } finally {
    await other!.$disconnect();
  }
}
