-- What `turbocat sync init` adds to the hosted project's schema (V1): an index per table on the
-- column sync's pull cursor walks — (updated_at, id), or (created_at, id) for the append-only
-- tables — so an incremental pull reads only the rows after its cursor instead of the whole
-- table. The hosted Prisma schema has none on updated_at; `turbocat sync check` suggests these
-- statements for an existing project. Extra indexes do not change what the hosted backend sees.
CREATE INDEX "turbocat_sync_users_pull_idx" ON "users"("updated_at", "id");
CREATE INDEX "turbocat_sync_agents_pull_idx" ON "agents"("updated_at", "id");
CREATE INDEX "turbocat_sync_workflows_pull_idx" ON "workflows"("updated_at", "id");
CREATE INDEX "turbocat_sync_workflow_steps_pull_idx" ON "workflow_steps"("updated_at", "id");
CREATE INDEX "turbocat_sync_executions_pull_idx" ON "executions"("updated_at", "id");
CREATE INDEX "turbocat_sync_execution_logs_pull_idx" ON "execution_logs"("created_at", "id");
CREATE INDEX "turbocat_sync_templates_pull_idx" ON "templates"("updated_at", "id");
CREATE INDEX "turbocat_sync_deployments_pull_idx" ON "deployments"("updated_at", "id");
CREATE INDEX "turbocat_sync_api_keys_pull_idx" ON "api_keys"("updated_at", "id");
CREATE INDEX "turbocat_sync_audit_logs_pull_idx" ON "audit_logs"("created_at", "id");
