/**
 * A transaction that commits late: it writes on a connection of its own and
 * stays open until released, so that later transactions commit first (their
 * ids are higher, yet they become visible earlier). PostgreSQL only.
 */
import type { Repositories } from "../../src/db/store.ts";
import { Store } from "../../src/db/store.ts";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";

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
