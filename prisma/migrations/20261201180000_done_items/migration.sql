-- Items reported done by annotation tools, per range.
CREATE TABLE "DoneItem" (
    "assignmentId" INTEGER NOT NULL,
    "item" INTEGER NOT NULL,

    CONSTRAINT "DoneItem_pkey" PRIMARY KEY ("assignmentId","item")
);

ALTER TABLE "DoneItem" ADD CONSTRAINT "DoneItem_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "Assignment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
