-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "responseUntil" TIMESTAMP(3),
ADD COLUMN     "responseUrl" TEXT;

-- CreateTable
CREATE TABLE "InboxRequest" (
    "id" SERIAL NOT NULL,
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "signature" TEXT,
    "payload" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heldBy" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "doneAt" TIMESTAMP(3),
    "outcome" TEXT,

    CONSTRAINT "InboxRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "InboxRequest_signature_key" ON "InboxRequest"("signature");

-- CreateIndex
CREATE INDEX "InboxRequest_doneAt_receivedAt_idx" ON "InboxRequest"("doneAt", "receivedAt");

