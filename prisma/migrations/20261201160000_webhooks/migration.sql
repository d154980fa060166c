-- Outgoing webhooks: receivers an admin registers, the dispatcher's cursor
-- over the audit trail, and outbox rows that the webhook sender delivers.

-- Each audit event names the transaction that wrote it: the dispatcher reads
-- the trail by transaction, so an event committed late (a lower id after a
-- higher one) is never skipped. Events written before this migration have
-- none (no webhook existed to receive them); the column is added first and
-- its default set afterwards, so the table is not rewritten.
ALTER TABLE "AuditEvent" ADD COLUMN "txid" BIGINT;
ALTER TABLE "AuditEvent" ALTER COLUMN "txid" SET DEFAULT (pg_current_xact_id())::text::bigint;
CREATE INDEX "AuditEvent_txid_idx" ON "AuditEvent"("txid");

-- Which sender delivers a row, and the rows delivered one after another.
ALTER TABLE "Notification" ADD COLUMN "orderKey" TEXT,
ADD COLUMN "sender" TEXT NOT NULL DEFAULT 'slack';
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_sender_check" CHECK ("sender" IN ('slack', 'webhook'));
CREATE INDEX "Notification_orderKey_id_idx" ON "Notification"("orderKey", "id");

CREATE TABLE "Webhook" (
    "id" SERIAL NOT NULL,
    "teamId" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "events" TEXT[],
    "secret" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabledAt" TIMESTAMP(3),
    "disabledReason" TEXT,
    "removedAt" TIMESTAMP(3),

    CONSTRAINT "Webhook_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "Webhook_teamId_idx" ON "Webhook"("teamId");

ALTER TABLE "Webhook" ADD CONSTRAINT "Webhook_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "WebhookCursor" (
    "name" TEXT NOT NULL,
    "txid" BIGINT NOT NULL DEFAULT 0,
    "afterId" BIGINT NOT NULL DEFAULT 0,
    "afterXmin" BIGINT NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookCursor_pkey" PRIMARY KEY ("name")
);

-- The one cursor, from the start: no event written after this migration is before it.
INSERT INTO "WebhookCursor" ("name") VALUES ('audit');
