ALTER TABLE "api_keys" ALTER COLUMN "last4" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "foreign_format" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "api_keys_foreign_format_idx" ON "api_keys" USING btree ("id") WHERE "api_keys"."foreign_format";