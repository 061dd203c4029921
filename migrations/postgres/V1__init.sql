-- The ten tables of a hosted Turbocat project, as its Prisma `init` migration makes them
-- (../shared/spec/turbocat-schema.md): enum types with lowercase values, UUID ids without a
-- default, TIMESTAMP(3) UTC, JSONB with defaults, TEXT[] lists, Prisma's constraint and index
-- names. `turbocat sync init` runs it with search_path set to the chosen schema.

CREATE TYPE "UserRole" AS ENUM ('admin', 'user', 'agent');
CREATE TYPE "AgentType" AS ENUM ('code', 'api', 'llm', 'data', 'workflow');
CREATE TYPE "AgentStatus" AS ENUM ('draft', 'active', 'inactive', 'archived');
CREATE TYPE "WorkflowStatus" AS ENUM ('draft', 'active', 'inactive', 'archived');
CREATE TYPE "WorkflowStepType" AS ENUM ('agent', 'condition', 'loop', 'parallel', 'wait');
CREATE TYPE "ErrorHandling" AS ENUM ('fail', 'continue', 'retry');
CREATE TYPE "ExecutionStatus" AS ENUM ('pending', 'running', 'completed', 'failed', 'cancelled', 'timeout');
CREATE TYPE "TriggerType" AS ENUM ('manual', 'scheduled', 'api', 'webhook', 'event');
CREATE TYPE "LogLevel" AS ENUM ('debug', 'info', 'warn', 'error', 'fatal');
CREATE TYPE "StepStatus" AS ENUM ('pending', 'running', 'completed', 'failed', 'skipped');
CREATE TYPE "TemplateType" AS ENUM ('agent', 'workflow', 'step');
CREATE TYPE "Environment" AS ENUM ('development', 'staging', 'production');
CREATE TYPE "DeploymentStatus" AS ENUM ('stopped', 'starting', 'running', 'stopping', 'failed', 'maintenance');
CREATE TYPE "HealthStatus" AS ENUM ('unknown', 'healthy', 'unhealthy', 'degraded');

CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" VARCHAR(255) NOT NULL,
    "password_hash" VARCHAR(255),
    "full_name" VARCHAR(255),
    "avatar_url" TEXT,
    "role" "UserRole" NOT NULL DEFAULT 'user',
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "email_verified" BOOLEAN NOT NULL DEFAULT false,
    "email_verified_at" TIMESTAMP(3),
    "last_login_at" TIMESTAMP(3),
    "preferences" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "agents" (
    "id" UUID NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "description" TEXT,
    "type" "AgentType" NOT NULL,
    "status" "AgentStatus" NOT NULL DEFAULT 'draft',
    "version" INTEGER NOT NULL DEFAULT 1,
    "parent_id" UUID,
    "user_id" UUID NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "capabilities" JSONB NOT NULL DEFAULT '[]',
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "max_execution_time" INTEGER DEFAULT 300,
    "max_memory_mb" INTEGER DEFAULT 512,
    "max_concurrent_executions" INTEGER DEFAULT 1,
    "total_executions" INTEGER NOT NULL DEFAULT 0,
    "successful_executions" INTEGER NOT NULL DEFAULT 0,
    "failed_executions" INTEGER NOT NULL DEFAULT 0,
    "avg_execution_time_ms" INTEGER NOT NULL DEFAULT 0,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "is_public" BOOLEAN NOT NULL DEFAULT false,
    "is_template" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),
    CONSTRAINT "agents_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "workflows" (
    "id" UUID NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "description" TEXT,
    "user_id" UUID NOT NULL,
    "status" "WorkflowStatus" NOT NULL DEFAULT 'draft',
    "version" INTEGER NOT NULL DEFAULT 1,
    "parent_id" UUID,
    "definition" JSONB NOT NULL DEFAULT '{}',
    "trigger_config" JSONB NOT NULL DEFAULT '{}',
    "schedule_enabled" BOOLEAN NOT NULL DEFAULT false,
    "schedule_cron" VARCHAR(100),
    "schedule_timezone" VARCHAR(50) NOT NULL DEFAULT 'UTC',
    "total_executions" INTEGER NOT NULL DEFAULT 0,
    "successful_executions" INTEGER NOT NULL DEFAULT 0,
    "failed_executions" INTEGER NOT NULL DEFAULT 0,
    "avg_execution_time_ms" INTEGER NOT NULL DEFAULT 0,
    "last_execution_at" TIMESTAMP(3),
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "is_public" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),
    CONSTRAINT "workflows_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "workflow_steps" (
    "id" UUID NOT NULL,
    "workflow_id" UUID NOT NULL,
    "agent_id" UUID,
    "step_key" VARCHAR(100) NOT NULL,
    "step_name" VARCHAR(255) NOT NULL,
    "step_type" "WorkflowStepType" NOT NULL,
    "position" INTEGER NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "inputs" JSONB NOT NULL DEFAULT '{}',
    "outputs" JSONB NOT NULL DEFAULT '{}',
    "depends_on" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "retry_count" INTEGER NOT NULL DEFAULT 0,
    "retry_delay_ms" INTEGER NOT NULL DEFAULT 1000,
    "timeout_ms" INTEGER NOT NULL DEFAULT 30000,
    "on_error" "ErrorHandling" NOT NULL DEFAULT 'fail',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "workflow_steps_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "executions" (
    "id" UUID NOT NULL,
    "workflow_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "status" "ExecutionStatus" NOT NULL DEFAULT 'pending',
    "trigger_type" "TriggerType" NOT NULL,
    "trigger_data" JSONB NOT NULL DEFAULT '{}',
    "started_at" TIMESTAMP(3),
    "completed_at" TIMESTAMP(3),
    "duration_ms" INTEGER,
    "input_data" JSONB NOT NULL DEFAULT '{}',
    "output_data" JSONB NOT NULL DEFAULT '{}',
    "steps_completed" INTEGER NOT NULL DEFAULT 0,
    "steps_failed" INTEGER NOT NULL DEFAULT 0,
    "steps_total" INTEGER NOT NULL DEFAULT 0,
    "error_message" TEXT,
    "error_stack" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "executions_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "execution_logs" (
    "id" UUID NOT NULL,
    "execution_id" UUID NOT NULL,
    "workflow_step_id" UUID,
    "level" "LogLevel" NOT NULL DEFAULT 'info',
    "message" TEXT NOT NULL,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "step_key" VARCHAR(100),
    "step_status" "StepStatus",
    "step_started_at" TIMESTAMP(3),
    "step_completed_at" TIMESTAMP(3),
    "step_duration_ms" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "execution_logs_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "templates" (
    "id" UUID NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "description" TEXT,
    "category" VARCHAR(100) NOT NULL,
    "type" "TemplateType" NOT NULL,
    "user_id" UUID,
    "template_data" JSONB NOT NULL,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "is_official" BOOLEAN NOT NULL DEFAULT false,
    "is_public" BOOLEAN NOT NULL DEFAULT false,
    "usage_count" INTEGER NOT NULL DEFAULT 0,
    "rating_average" DECIMAL(3,2) NOT NULL DEFAULT 0,
    "rating_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),
    CONSTRAINT "templates_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "deployments" (
    "id" UUID NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "description" TEXT,
    "user_id" UUID NOT NULL,
    "workflow_id" UUID,
    "agent_id" UUID,
    "environment" "Environment" NOT NULL DEFAULT 'production',
    "status" "DeploymentStatus" NOT NULL DEFAULT 'stopped',
    "config" JSONB NOT NULL DEFAULT '{}',
    "environment_vars" JSONB NOT NULL DEFAULT '{}',
    "endpoint_url" TEXT,
    "api_key_hash" VARCHAR(255),
    "allocated_memory_mb" INTEGER NOT NULL DEFAULT 512,
    "allocated_cpu_shares" INTEGER NOT NULL DEFAULT 1024,
    "deployed_at" TIMESTAMP(3),
    "last_health_check_at" TIMESTAMP(3),
    "health_status" "HealthStatus" NOT NULL DEFAULT 'unknown',
    "total_requests" INTEGER NOT NULL DEFAULT 0,
    "total_errors" INTEGER NOT NULL DEFAULT 0,
    "avg_response_time_ms" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),
    CONSTRAINT "deployments_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "key_hash" VARCHAR(255) NOT NULL,
    "key_prefix" VARCHAR(20) NOT NULL,
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "expires_at" TIMESTAMP(3),
    "last_used_at" TIMESTAMP(3),
    "usage_count" INTEGER NOT NULL DEFAULT 0,
    "rate_limit_per_minute" INTEGER NOT NULL DEFAULT 60,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),
    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "audit_logs" (
    "id" UUID NOT NULL,
    "user_id" UUID,
    "action" VARCHAR(100) NOT NULL,
    "resource_type" VARCHAR(50) NOT NULL,
    "resource_id" UUID,
    "changes" JSONB NOT NULL DEFAULT '{}',
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "ip_address" TEXT,
    "user_agent" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_logs_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
CREATE INDEX "users_email_idx" ON "users"("email");
CREATE INDEX "users_role_idx" ON "users"("role");
CREATE INDEX "users_created_at_idx" ON "users"("created_at" DESC);

CREATE INDEX "agents_user_id_idx" ON "agents"("user_id");
CREATE INDEX "agents_type_idx" ON "agents"("type");
CREATE INDEX "agents_status_idx" ON "agents"("status");
CREATE INDEX "agents_is_public_idx" ON "agents"("is_public");
CREATE INDEX "agents_tags_idx" ON "agents"("tags");
CREATE INDEX "agents_created_at_idx" ON "agents"("created_at" DESC);

CREATE INDEX "workflows_user_id_idx" ON "workflows"("user_id");
CREATE INDEX "workflows_status_idx" ON "workflows"("status");
CREATE INDEX "workflows_schedule_enabled_idx" ON "workflows"("schedule_enabled");
CREATE INDEX "workflows_tags_idx" ON "workflows"("tags");
CREATE INDEX "workflows_created_at_idx" ON "workflows"("created_at" DESC);

CREATE INDEX "workflow_steps_workflow_id_idx" ON "workflow_steps"("workflow_id");
CREATE INDEX "workflow_steps_agent_id_idx" ON "workflow_steps"("agent_id");
CREATE INDEX "workflow_steps_workflow_id_position_idx" ON "workflow_steps"("workflow_id", "position");
CREATE UNIQUE INDEX "workflow_steps_workflow_id_step_key_key" ON "workflow_steps"("workflow_id", "step_key");

CREATE INDEX "executions_workflow_id_idx" ON "executions"("workflow_id");
CREATE INDEX "executions_user_id_idx" ON "executions"("user_id");
CREATE INDEX "executions_status_idx" ON "executions"("status");
CREATE INDEX "executions_created_at_idx" ON "executions"("created_at" DESC);
CREATE INDEX "executions_completed_at_idx" ON "executions"("completed_at" DESC);

CREATE INDEX "execution_logs_execution_id_created_at_idx" ON "execution_logs"("execution_id", "created_at");
CREATE INDEX "execution_logs_level_idx" ON "execution_logs"("level");
CREATE INDEX "execution_logs_created_at_idx" ON "execution_logs"("created_at" DESC);

CREATE INDEX "templates_category_idx" ON "templates"("category");
CREATE INDEX "templates_type_idx" ON "templates"("type");
CREATE INDEX "templates_is_official_idx" ON "templates"("is_official");
CREATE INDEX "templates_is_public_idx" ON "templates"("is_public");
CREATE INDEX "templates_tags_idx" ON "templates"("tags");
CREATE INDEX "templates_usage_count_idx" ON "templates"("usage_count" DESC);

CREATE INDEX "deployments_user_id_idx" ON "deployments"("user_id");
CREATE INDEX "deployments_workflow_id_idx" ON "deployments"("workflow_id");
CREATE INDEX "deployments_agent_id_idx" ON "deployments"("agent_id");
CREATE INDEX "deployments_status_idx" ON "deployments"("status");
CREATE INDEX "deployments_environment_idx" ON "deployments"("environment");

CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");
CREATE INDEX "api_keys_user_id_idx" ON "api_keys"("user_id");
CREATE INDEX "api_keys_key_hash_idx" ON "api_keys"("key_hash");
CREATE INDEX "api_keys_key_prefix_idx" ON "api_keys"("key_prefix");
CREATE INDEX "api_keys_expires_at_idx" ON "api_keys"("expires_at");

CREATE INDEX "audit_logs_user_id_idx" ON "audit_logs"("user_id");
CREATE INDEX "audit_logs_resource_type_resource_id_idx" ON "audit_logs"("resource_type", "resource_id");
CREATE INDEX "audit_logs_action_idx" ON "audit_logs"("action");
CREATE INDEX "audit_logs_created_at_idx" ON "audit_logs"("created_at" DESC);

ALTER TABLE "agents" ADD CONSTRAINT "agents_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "agents" ADD CONSTRAINT "agents_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "workflows" ADD CONSTRAINT "workflows_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "workflows" ADD CONSTRAINT "workflows_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "workflows"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "workflow_steps" ADD CONSTRAINT "workflow_steps_workflow_id_fkey" FOREIGN KEY ("workflow_id") REFERENCES "workflows"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "workflow_steps" ADD CONSTRAINT "workflow_steps_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "executions" ADD CONSTRAINT "executions_workflow_id_fkey" FOREIGN KEY ("workflow_id") REFERENCES "workflows"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "executions" ADD CONSTRAINT "executions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "execution_logs" ADD CONSTRAINT "execution_logs_execution_id_fkey" FOREIGN KEY ("execution_id") REFERENCES "executions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "execution_logs" ADD CONSTRAINT "execution_logs_workflow_step_id_fkey" FOREIGN KEY ("workflow_step_id") REFERENCES "workflow_steps"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "templates" ADD CONSTRAINT "templates_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_workflow_id_fkey" FOREIGN KEY ("workflow_id") REFERENCES "workflows"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "audit_logs" ADD CONSTRAINT "audit_logs_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
