DROP INDEX "request_logs_key_at_idx";--> statement-breakpoint
CREATE INDEX "request_logs_key_at_counted_idx" ON "request_logs" USING btree ("key_id","at","counted");