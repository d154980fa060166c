-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('PENDING', 'SENDING', 'SENT', 'FAILED');

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "failedAt" TIMESTAMP(3),
ADD COLUMN     "inDoubt" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "lastError" TEXT,
ADD COLUMN     "leaseUntil" TIMESTAMP(3),
ADD COLUMN     "leasedBy" TEXT,
ADD COLUMN     "message" JSONB,
ADD COLUMN     "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "notBefore" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "status" "OutboxStatus" NOT NULL DEFAULT 'PENDING',
ADD COLUMN     "toUser" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "workdayEnd" INTEGER NOT NULL DEFAULT 1080,
ADD COLUMN     "workdayStart" INTEGER NOT NULL DEFAULT 540,
ADD COLUMN     "workdays" INTEGER[] DEFAULT ARRAY[1, 2, 3, 4, 5]::INTEGER[],
ALTER COLUMN "timezone" DROP NOT NULL,
ALTER COLUMN "timezone" DROP DEFAULT;

-- CreateTable
CREATE TABLE "Announcement" (
    "teamId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "detail" JSONB,

    CONSTRAINT "Announcement_pkey" PRIMARY KEY ("teamId","key")
);

-- CreateIndex
CREATE INDEX "Notification_status_nextAttemptAt_idx" ON "Notification"("status", "nextAttemptAt");

-- AddForeignKey
ALTER TABLE "Announcement" ADD CONSTRAINT "Announcement_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Rows written before the outbox held content: a sent one is SENT; an unsent
-- one was the reservation of a send under way, which the old code gave back on
-- failure, so it is given back here too (it has nothing to deliver).
UPDATE "Notification" SET "status" = 'SENT' WHERE "sentAt" IS NOT NULL;
DELETE FROM "Notification" WHERE "sentAt" IS NULL;

-- No command ever set a workspace's zone before: "UTC" was the column's
-- default, so it becomes "not set" (DEFAULT_TIMEZONE) like new workspaces.
UPDATE "Workspace" SET "timezone" = NULL WHERE "timezone" = 'UTC';

ALTER TABLE "Workspace" ADD CONSTRAINT "Workspace_working_hours_check"
  CHECK ("workdayStart" >= 0 AND "workdayStart" < "workdayEnd" AND "workdayEnd" <= 1440
    AND "workdays" <@ ARRAY[1, 2, 3, 4, 5, 6, 7] AND cardinality("workdays") >= 1);
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_attempts_check" CHECK ("attempts" >= 0);
