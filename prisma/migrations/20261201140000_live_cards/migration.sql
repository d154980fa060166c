-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "subject" INTEGER;

-- CreateIndex
CREATE INDEX "Notification_teamId_subject_idx" ON "Notification"("teamId", "subject");
