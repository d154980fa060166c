-- AlterTable
ALTER TABLE "HandoffRequest" ADD COLUMN     "doneMoved" INTEGER;
