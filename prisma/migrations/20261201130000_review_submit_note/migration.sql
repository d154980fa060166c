-- AlterTable
ALTER TABLE "Review" ADD COLUMN     "submitNote" TEXT;
