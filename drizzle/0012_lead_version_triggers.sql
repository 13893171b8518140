-- A lead kind's version rises with every statement that changes its rows, in that statement's
-- transaction: the search index compares versions to know its rows are still the table's.
INSERT INTO "lead_versions" ("kind", "version") VALUES ('b2b', 0), ('local', 0), ('creators', 0) ON CONFLICT DO NOTHING;--> statement-breakpoint
CREATE FUNCTION "lead_versions_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- An upsert that changed nothing (every row unchanged) leaves the version, and the index, alone.
  IF TG_OP = 'TRUNCATE' OR EXISTS (SELECT 1 FROM changed) THEN
    UPDATE "lead_versions" SET "version" = "version" + 1 WHERE "kind" = TG_ARGV[0];
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE FUNCTION "lead_versions_bump_always"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "lead_versions" SET "version" = "version" + 1 WHERE "kind" = TG_ARGV[0];
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "leads_b2b_inserted" AFTER INSERT ON "leads_b2b" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "lead_versions_bump"('b2b');--> statement-breakpoint
CREATE TRIGGER "leads_b2b_updated" AFTER UPDATE ON "leads_b2b" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "lead_versions_bump"('b2b');--> statement-breakpoint
CREATE TRIGGER "leads_b2b_deleted" AFTER DELETE ON "leads_b2b" REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "lead_versions_bump"('b2b');--> statement-breakpoint
CREATE TRIGGER "leads_b2b_truncated" AFTER TRUNCATE ON "leads_b2b" FOR EACH STATEMENT EXECUTE FUNCTION "lead_versions_bump_always"('b2b');--> statement-breakpoint
CREATE TRIGGER "leads_local_inserted" AFTER INSERT ON "leads_local" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "lead_versions_bump"('local');--> statement-breakpoint
CREATE TRIGGER "leads_local_updated" AFTER UPDATE ON "leads_local" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "lead_versions_bump"('local');--> statement-breakpoint
CREATE TRIGGER "leads_local_deleted" AFTER DELETE ON "leads_local" REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "lead_versions_bump"('local');--> statement-breakpoint
CREATE TRIGGER "leads_local_truncated" AFTER TRUNCATE ON "leads_local" FOR EACH STATEMENT EXECUTE FUNCTION "lead_versions_bump_always"('local');--> statement-breakpoint
CREATE TRIGGER "leads_creator_inserted" AFTER INSERT ON "leads_creator" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "lead_versions_bump"('creators');--> statement-breakpoint
CREATE TRIGGER "leads_creator_updated" AFTER UPDATE ON "leads_creator" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "lead_versions_bump"('creators');--> statement-breakpoint
CREATE TRIGGER "leads_creator_deleted" AFTER DELETE ON "leads_creator" REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "lead_versions_bump"('creators');--> statement-breakpoint
CREATE TRIGGER "leads_creator_truncated" AFTER TRUNCATE ON "leads_creator" FOR EACH STATEMENT EXECUTE FUNCTION "lead_versions_bump_always"('creators');
