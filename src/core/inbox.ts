/**
 * The inbox: what people asked of rangekeeper (slash commands, clicks,
 * shortcuts), written down before Slack is told it arrived. A request stays
 * open until it is handled; one left open by a process that died, or stopped
 * before it got to it, is taken over and handled again. Handling is
 * idempotent (each request carries its key), so a request handled twice
 * changes the ledger once.
 */
import type { InboxRecord, NewInboxRecord } from "../db/records.ts";
import type { LedgerContext } from "./ledger/context.ts";

export type { InboxRecord, NewInboxRecord };

/** How long a process holds a request before another host may take it over (same host: at once when the process is gone). */
export const INBOX_LEASE_MS = 10 * 60_000;

/** Handled requests are kept this long (well past the 5 minutes in which a replay of one is refused). */
const KEEP_HANDLED_MS = 24 * 3_600_000;

export class Inbox {
  private readonly ctx: LedgerContext;

  constructor(ctx: LedgerContext) {
    this.ctx = ctx;
  }

  private get now(): Date {
    return this.ctx.config.clock();
  }

  /** Writes a request down for `holder`; null when the same signed request came before (a replay). */
  record(r: Omit<NewInboxRecord, "receivedAt">, holder: string): Promise<{ id: number; receivedAt: Date } | null> {
    const receivedAt = this.now;
    return this.ctx.store.read.inbox
      .record({ ...r, receivedAt }, holder, new Date(receivedAt.getTime() + INBOX_LEASE_MS))
      .then((id) => (id === null ? null : { id, receivedAt }));
  }

  /** The request is handled (or given up: `outcome` says why). */
  finish(id: number, outcome = "done"): Promise<void> {
    return this.ctx.store.read.inbox.finish(id, outcome, this.now);
  }

  /** Takes over open requests of dead holders or with a lapsed lease, for `holder`. */
  takeOver(holder: string, deadHolders: readonly string[], limit = 50): Promise<InboxRecord[]> {
    const now = this.now;
    return this.ctx.store.transaction((r) =>
      r.inbox.takeOver(now, holder, new Date(now.getTime() + INBOX_LEASE_MS), deadHolders, limit),
    );
  }

  holders(): Promise<string[]> {
    return this.ctx.store.read.inbox.holders();
  }

  /** Leaves the open requests of `holder` to the next process that looks. */
  release(holder: string): Promise<number> {
    return this.ctx.store.read.inbox.release(holder);
  }

  open(): Promise<number> {
    return this.ctx.store.read.inbox.open();
  }

  /** Forgets requests handled long ago. */
  purge(): Promise<number> {
    return this.ctx.store.read.inbox.purge(new Date(this.now.getTime() - KEEP_HANDLED_MS));
  }
}
