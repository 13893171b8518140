CREATE TABLE "lead_unlocks" (
	"workspace_id" text NOT NULL,
	"lead_id" text NOT NULL,
	"unlocked_at" timestamp with time zone NOT NULL,
	CONSTRAINT "lead_unlocks_workspace_id_lead_id_pk" PRIMARY KEY("workspace_id","lead_id")
);
--> statement-breakpoint
CREATE TABLE "leads_b2b" (
	"id" text PRIMARY KEY NOT NULL,
	"external_id" text NOT NULL,
	"first_name" text,
	"last_name" text,
	"title" text,
	"seniority" text,
	"department" text,
	"email" text,
	"phone" text,
	"linkedin_url" text,
	"city" text,
	"region" text,
	"country" text,
	"company_name" text,
	"company_domain" text,
	"industry" text,
	"company_size" integer,
	"revenue_range" text,
	"company_city" text,
	"company_country" text,
	"updated_at" timestamp with time zone NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(title, '') || ' ' || coalesce(company_name, ''))) STORED,
	"title_search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', coalesce(title, ''))) STORED,
	CONSTRAINT "leads_b2b_external_id_unique" UNIQUE("external_id")
);
--> statement-breakpoint
CREATE TABLE "leads_creator" (
	"id" text PRIMARY KEY NOT NULL,
	"external_id" text NOT NULL,
	"display_name" text,
	"handle" text NOT NULL,
	"platform" text NOT NULL,
	"profile_url" text,
	"followers" bigint NOT NULL,
	"engagement_rate" double precision,
	"niches" text[] DEFAULT '{}'::text[] NOT NULL,
	"country" text,
	"language" text,
	"email" text,
	"verified" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', coalesce(display_name, '') || ' ' || coalesce(handle, '')) || array_to_tsvector(niches)) STORED,
	CONSTRAINT "leads_creator_external_id_unique" UNIQUE("external_id")
);
--> statement-breakpoint
CREATE TABLE "leads_local" (
	"id" text PRIMARY KEY NOT NULL,
	"external_id" text NOT NULL,
	"name" text NOT NULL,
	"category" text,
	"address" text,
	"city" text,
	"region" text,
	"country" text,
	"postal_code" text,
	"latitude" double precision,
	"longitude" double precision,
	"phone" text,
	"website" text,
	"email" text,
	"rating" real,
	"review_count" integer,
	"updated_at" timestamp with time zone NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(category, '') || ' ' || coalesce(city, ''))) STORED,
	CONSTRAINT "leads_local_external_id_unique" UNIQUE("external_id")
);
--> statement-breakpoint
ALTER TABLE "lead_unlocks" ADD CONSTRAINT "lead_unlocks_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "leads_b2b_search_idx" ON "leads_b2b" USING gin ("search");--> statement-breakpoint
CREATE INDEX "leads_b2b_title_search_idx" ON "leads_b2b" USING gin ("title_search");--> statement-breakpoint
CREATE INDEX "leads_b2b_country_idx" ON "leads_b2b" USING btree (lower("country"));--> statement-breakpoint
CREATE INDEX "leads_b2b_city_idx" ON "leads_b2b" USING btree (lower("city"));--> statement-breakpoint
CREATE INDEX "leads_b2b_seniority_idx" ON "leads_b2b" USING btree ("seniority");--> statement-breakpoint
CREATE INDEX "leads_b2b_department_idx" ON "leads_b2b" USING btree (lower("department"));--> statement-breakpoint
CREATE INDEX "leads_b2b_industry_idx" ON "leads_b2b" USING btree (lower("industry"));--> statement-breakpoint
CREATE INDEX "leads_b2b_company_domain_idx" ON "leads_b2b" USING btree (lower("company_domain"));--> statement-breakpoint
CREATE INDEX "leads_b2b_company_size_idx" ON "leads_b2b" USING btree ("company_size");--> statement-breakpoint
CREATE INDEX "leads_creator_search_idx" ON "leads_creator" USING gin ("search");--> statement-breakpoint
CREATE INDEX "leads_creator_platform_idx" ON "leads_creator" USING btree ("platform");--> statement-breakpoint
CREATE INDEX "leads_creator_followers_idx" ON "leads_creator" USING btree ("followers");--> statement-breakpoint
CREATE INDEX "leads_creator_engagement_idx" ON "leads_creator" USING btree ("engagement_rate");--> statement-breakpoint
CREATE INDEX "leads_creator_niches_idx" ON "leads_creator" USING gin ("niches");--> statement-breakpoint
CREATE INDEX "leads_creator_country_idx" ON "leads_creator" USING btree (lower("country"));--> statement-breakpoint
CREATE INDEX "leads_creator_language_idx" ON "leads_creator" USING btree (lower("language"));--> statement-breakpoint
CREATE INDEX "leads_local_search_idx" ON "leads_local" USING gin ("search");--> statement-breakpoint
CREATE INDEX "leads_local_category_idx" ON "leads_local" USING btree (lower("category"));--> statement-breakpoint
CREATE INDEX "leads_local_country_idx" ON "leads_local" USING btree (lower("country"));--> statement-breakpoint
CREATE INDEX "leads_local_city_idx" ON "leads_local" USING btree (lower("city"));--> statement-breakpoint
CREATE INDEX "leads_local_position_idx" ON "leads_local" USING btree ("latitude","longitude");--> statement-breakpoint
CREATE INDEX "leads_local_rating_idx" ON "leads_local" USING btree ("rating");