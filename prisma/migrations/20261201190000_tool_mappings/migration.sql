-- Gold answers, and where a dataset's items and people are in annotation tools.
CREATE TABLE "GoldAnswer" (
    "datasetId" INTEGER NOT NULL,
    "item" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GoldAnswer_pkey" PRIMARY KEY ("datasetId","item")
);

CREATE TABLE "ToolProject" (
    "teamId" TEXT NOT NULL,
    "tool" TEXT NOT NULL,
    "externalId" INTEGER NOT NULL,
    "datasetId" INTEGER NOT NULL,
    "offset" INTEGER NOT NULL,

    CONSTRAINT "ToolProject_pkey" PRIMARY KEY ("teamId","tool","externalId")
);

CREATE TABLE "ToolUser" (
    "datasetId" INTEGER NOT NULL,
    "tool" TEXT NOT NULL,
    "externalUser" TEXT NOT NULL,
    "userId" TEXT NOT NULL,

    CONSTRAINT "ToolUser_pkey" PRIMARY KEY ("datasetId","tool","externalUser")
);

CREATE INDEX "ToolProject_datasetId_idx" ON "ToolProject"("datasetId");

ALTER TABLE "GoldAnswer" ADD CONSTRAINT "GoldAnswer_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "ToolProject" ADD CONSTRAINT "ToolProject_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "ToolUser" ADD CONSTRAINT "ToolUser_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;
