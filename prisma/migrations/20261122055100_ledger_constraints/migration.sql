-- Ledger invariants that Prisma's schema language cannot express.
-- Prisma leaves these objects alone: its drift check does not model them.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Ranges are 1-based and non-empty; items done stay within the range's size.
ALTER TABLE "Assignment"
  ADD CONSTRAINT "Assignment_range_valid" CHECK ("first" >= 1 AND "last" >= "first"),
  ADD CONSTRAINT "Assignment_items_done_valid" CHECK ("itemsDone" >= 0 AND "itemsDone" <= "last" - "first" + 1);

-- No two live (non-released) assignments of a dataset overlap, whatever runs concurrently.
ALTER TABLE "Assignment"
  ADD CONSTRAINT "Assignment_no_overlap"
  EXCLUDE USING gist ("datasetId" WITH =, int4range("first", "last", '[]') WITH &&)
  WHERE ("status" <> 'RELEASED');

ALTER TABLE "Dataset"
  ADD CONSTRAINT "Dataset_slug_format" CHECK ("slug" ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
  ADD CONSTRAINT "Dataset_counts_valid" CHECK ("itemCount" >= 1 AND "batchSize" >= 1 AND "reviewFirstK" >= 0),
  ADD CONSTRAINT "Dataset_sample_rate_valid" CHECK ("reviewSampleRate" >= 0 AND "reviewSampleRate" <= 1);

ALTER TABLE "FreeSpan" ADD CONSTRAINT "FreeSpan_range_valid" CHECK ("first" >= 1 AND "last" >= "first");
ALTER TABLE "HandoffRequest" ADD CONSTRAINT "HandoffRequest_range_valid" CHECK ("first" >= 1 AND "last" >= "first");
ALTER TABLE "Member" ADD CONSTRAINT "Member_capacity_valid" CHECK ("capacityPerWeek" IS NULL OR "capacityPerWeek" >= 1);
ALTER TABLE "ReviewError" ADD CONSTRAINT "ReviewError_count_valid" CHECK ("count" >= 0);

-- One pending handoff request per assignment at a time.
CREATE UNIQUE INDEX "HandoffRequest_one_pending" ON "HandoffRequest" ("assignmentId") WHERE "status" = 'PENDING';

-- The audit trail is append-only.
CREATE FUNCTION rk_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "AuditEvent_append_only"
  BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION rk_audit_append_only();

CREATE TRIGGER "AuditEvent_no_truncate"
  BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION rk_audit_append_only();

-- FreeSpan holds the free items of each dataset as maximal spans:
-- always 1..itemCount minus the live assignments.
-- Writers on one dataset serialise on its row (FOR NO KEY UPDATE), so each
-- span lookup sees what the previous writer committed.

CREATE FUNCTION rk_free_span_give(ds integer, f integer, l integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  nf integer := f;
  nl integer := l;
  left_first integer;
  right_last integer;
BEGIN
  PERFORM 1 FROM "Dataset" WHERE "id" = ds FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN; -- the dataset itself is being deleted
  END IF;
  -- spans are disjoint, so only the last one starting at or before l can overlap f..l
  IF (SELECT "last" FROM "FreeSpan" WHERE "datasetId" = ds AND "first" <= l ORDER BY "first" DESC LIMIT 1) >= f THEN
    RAISE EXCEPTION 'items %-% of dataset % are already free', f, l, ds USING ERRCODE = 'data_exception';
  END IF;
  DELETE FROM "FreeSpan" WHERE "datasetId" = ds AND "last" = f - 1 RETURNING "first" INTO left_first;
  IF left_first IS NOT NULL THEN nf := left_first; END IF;
  DELETE FROM "FreeSpan" WHERE "datasetId" = ds AND "first" = l + 1 RETURNING "last" INTO right_last;
  IF right_last IS NOT NULL THEN nl := right_last; END IF;
  INSERT INTO "FreeSpan" ("datasetId", "first", "last") VALUES (ds, nf, nl);
END
$$;

CREATE FUNCTION rk_free_span_take(ds integer, f integer, l integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  s_first integer;
  s_last integer;
BEGIN
  PERFORM 1 FROM "Dataset" WHERE "id" = ds FOR NO KEY UPDATE;
  SELECT "first", "last" INTO s_first, s_last
    FROM "FreeSpan" WHERE "datasetId" = ds AND "first" <= f
    ORDER BY "first" DESC LIMIT 1;
  IF s_first IS NULL OR s_last < l THEN
    RAISE EXCEPTION 'items %-% of dataset % are not free', f, l, ds USING ERRCODE = 'exclusion_violation';
  END IF;
  DELETE FROM "FreeSpan" WHERE "datasetId" = ds AND "first" = s_first;
  IF s_first < f THEN
    INSERT INTO "FreeSpan" ("datasetId", "first", "last") VALUES (ds, s_first, f - 1);
  END IF;
  IF l < s_last THEN
    INSERT INTO "FreeSpan" ("datasetId", "first", "last") VALUES (ds, l + 1, s_last);
  END IF;
END
$$;

CREATE FUNCTION rk_assignment_free_spans() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_live boolean := TG_OP <> 'INSERT' AND OLD."status" <> 'RELEASED';
  new_live boolean := TG_OP <> 'DELETE' AND NEW."status" <> 'RELEASED';
BEGIN
  IF TG_OP = 'UPDATE' AND old_live AND new_live
     AND OLD."datasetId" = NEW."datasetId" AND OLD."first" = NEW."first" AND OLD."last" = NEW."last" THEN
    RETURN NULL;
  END IF;
  IF old_live THEN
    PERFORM rk_free_span_give(OLD."datasetId", OLD."first", OLD."last");
  END IF;
  IF new_live THEN
    PERFORM rk_free_span_take(NEW."datasetId", NEW."first", NEW."last");
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "Assignment_free_spans"
  AFTER INSERT OR DELETE OR UPDATE OF "status", "first", "last", "datasetId" ON "Assignment"
  FOR EACH ROW EXECUTE FUNCTION rk_assignment_free_spans();

CREATE FUNCTION rk_dataset_free_spans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "FreeSpan" ("datasetId", "first", "last") VALUES (NEW."id", 1, NEW."itemCount");
  ELSIF NEW."itemCount" > OLD."itemCount" THEN
    PERFORM rk_free_span_give(NEW."id", OLD."itemCount" + 1, NEW."itemCount");
  ELSIF NEW."itemCount" < OLD."itemCount" THEN
    PERFORM rk_free_span_take(NEW."id", NEW."itemCount" + 1, OLD."itemCount");
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "Dataset_free_spans"
  AFTER INSERT OR UPDATE OF "itemCount" ON "Dataset"
  FOR EACH ROW EXECUTE FUNCTION rk_dataset_free_spans();
