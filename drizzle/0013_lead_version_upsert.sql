-- A kind whose version row went missing would take no more raises, and an index of it would
-- look current for ever: a raise makes the row when it is not there.
CREATE OR REPLACE FUNCTION "lead_versions_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- An upsert that changed nothing (every row unchanged) leaves the version, and the index, alone.
  IF TG_OP = 'TRUNCATE' OR EXISTS (SELECT 1 FROM changed) THEN
    INSERT INTO "lead_versions" ("kind", "version") VALUES (TG_ARGV[0], 1)
    ON CONFLICT ("kind") DO UPDATE SET "version" = "lead_versions"."version" + 1;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "lead_versions_bump_always"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "lead_versions" ("kind", "version") VALUES (TG_ARGV[0], 1)
  ON CONFLICT ("kind") DO UPDATE SET "version" = "lead_versions"."version" + 1;
  RETURN NULL;
END
$$;
