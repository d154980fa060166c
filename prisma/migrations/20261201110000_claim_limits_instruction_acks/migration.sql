-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN     "maxClaim" INTEGER,
ADD COLUMN     "maxDays" INTEGER;

-- CreateTable
CREATE TABLE "InstructionAck" (
    "datasetId" INTEGER NOT NULL,
    "userId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InstructionAck_pkey" PRIMARY KEY ("datasetId","userId","version")
);

-- AddForeignKey
ALTER TABLE "InstructionAck" ADD CONSTRAINT "InstructionAck_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;
