-- Custom SQL migration file, put your code below! ---- Records become per API key in the next migration, which adds a NOT NULL api_key_id that old
-- rows cannot fill. They are replay caches that expire within 24 h, so they are dropped.
DELETE FROM "idempotency_records";
