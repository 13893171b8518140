CREATE TABLE "operator_audit" (
	"id" text PRIMARY KEY NOT NULL,
	"actor" text NOT NULL,
	"workspace_id" text NOT NULL,
	"action" text NOT NULL,
	"before" jsonb NOT NULL,
	"after" jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "override_multiplier" double precision;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "override_requests_per_second" integer;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "override_requests_per_minute" integer;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "override_requests_per_day" integer;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "override_ai_requests_per_minute" integer;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "override_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "override_reason" text;--> statement-breakpoint
ALTER TABLE "operator_audit" ADD CONSTRAINT "operator_audit_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "operator_audit_workspace_idx" ON "operator_audit" USING btree ("workspace_id","id");