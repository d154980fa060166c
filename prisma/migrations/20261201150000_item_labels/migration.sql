-- Per-item labels, what inter-annotator agreement compares.
CREATE TABLE "ItemLabel" (
    "datasetId" INTEGER NOT NULL,
    "item" INTEGER NOT NULL,
    "annotatorId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ItemLabel_pkey" PRIMARY KEY ("datasetId","item","annotatorId"),
    CONSTRAINT "ItemLabel_item_check" CHECK ("item" >= 1),
    CONSTRAINT "ItemLabel_label_check" CHECK (length("label") BETWEEN 1 AND 200)
);

CREATE INDEX "ItemLabel_datasetId_at_idx" ON "ItemLabel"("datasetId", "at");

ALTER TABLE "ItemLabel" ADD CONSTRAINT "ItemLabel_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;
