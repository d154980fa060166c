-- A review's sample is counted, not listed item by item, when it covers the whole range:
-- a full review of a range of millions of items kept millions of numbers in one row.
ALTER TABLE "Review" ADD COLUMN "sampleSize" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "sampleFull" BOOLEAN NOT NULL DEFAULT false;

-- Existing reviews: the size of their sample; a sample that lists every item of its range becomes a full review.
UPDATE "Review" r SET "sampleSize" = cardinality(r."sampleItems");
UPDATE "Review" r SET "sampleFull" = true, "sampleItems" = '{}'
FROM "Assignment" a
WHERE a."id" = r."assignmentId" AND r."sampleSize" = a."last" - a."first" + 1;
