ALTER TABLE "request_logs" ADD COLUMN "counted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "cost" integer DEFAULT 0 NOT NULL;