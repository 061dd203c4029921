//! Commands of the Workflows pages: list, get with steps, create, update (fields and a step set
//! or step diff), delete, validate a step set without saving, a workflow's executions, and the
//! next run times of a schedule being edited.

use std::sync::Arc;

use tauri::State;
use turbocat_domain::{validate, Error, Execution, Page, Timestamp, Uuid, Workflow};
use turbocat_services::executions::ExecutionQuery;
use turbocat_services::workflows::{CreateWorkflow, StepInput, UpdateWorkflow, WorkflowQuery, WorkflowWithSteps};

use super::with_services;
use crate::{CommandResult, Database};

#[tauri::command]
pub async fn workflows_list(
    database: State<'_, Arc<Database>>,
    query: Option<WorkflowQuery>,
) -> CommandResult<Page<Workflow>> {
    let query = query.unwrap_or_default();
    with_services(&database, move |services| services.workflows().list(&query)).await
}

#[tauri::command]
pub async fn workflows_get(database: State<'_, Arc<Database>>, id: Uuid) -> CommandResult<WorkflowWithSteps> {
    with_services(&database, move |services| services.workflows().get(id)).await
}

#[tauri::command]
pub async fn workflows_create(
    database: State<'_, Arc<Database>>,
    input: CreateWorkflow,
) -> CommandResult<WorkflowWithSteps> {
    with_services(&database, move |services| services.workflows().create(input)).await
}

#[tauri::command]
pub async fn workflows_update(
    database: State<'_, Arc<Database>>,
    id: Uuid,
    input: UpdateWorkflow,
) -> CommandResult<WorkflowWithSteps> {
    with_services(&database, move |services| services.workflows().update(id, input)).await
}

#[tauri::command]
pub async fn workflows_delete(database: State<'_, Arc<Database>>, id: Uuid) -> CommandResult<()> {
    with_services(&database, move |services| services.workflows().delete(id)).await
}

/// The field, graph and reference checks of a save, without saving: the canvas validates as
/// you edit. `definition` gives the declared inputs the references are checked against.
#[tauri::command]
pub async fn workflows_validate(
    database: State<'_, Arc<Database>>,
    steps: Vec<StepInput>,
    definition: Option<serde_json::Value>,
) -> CommandResult<()> {
    with_services(&database, move |services| services.workflows().validate(steps, definition)).await
}

#[tauri::command]
pub async fn workflows_executions(
    database: State<'_, Arc<Database>>,
    id: Uuid,
    query: Option<ExecutionQuery>,
) -> CommandResult<Page<Execution>> {
    let query = query.unwrap_or_default();
    with_services(&database, move |services| services.workflows().executions(id, &query)).await
}

/// At most this many run times per request: the schedule editor shows a handful.
const MAX_NEXT_RUNS: usize = 20;

/// The next `count` (1–20, default 5) run times after now of a cron schedule in an IANA time
/// zone, for the schedule editor; VALIDATION_ERROR when the cron or the zone is not valid. No
/// database work, but a cron that rarely matches makes croner search far ahead, so it still
/// runs on the blocking pool.
#[tauri::command]
pub async fn workflows_next_runs(
    cron: String,
    timezone: String,
    count: Option<usize>,
) -> CommandResult<Vec<Timestamp>> {
    let runs = tauri::async_runtime::spawn_blocking(move || next_runs_after(&cron, &timezone, Timestamp::now(), count))
        .await?;
    Ok(runs?)
}

/// [`workflows_next_runs`] from a given instant; a missing or out-of-range count is clamped.
fn next_runs_after(
    cron: &str,
    timezone: &str,
    after: Timestamp,
    count: Option<usize>,
) -> Result<Vec<Timestamp>, Error> {
    let count = count.unwrap_or(5).clamp(1, MAX_NEXT_RUNS);
    validate::next_runs(cron.trim(), timezone.trim(), after, count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use turbocat_domain::ErrorCode;

    fn at(iso: &str) -> Timestamp {
        iso.parse().unwrap()
    }

    #[test]
    fn next_runs_follow_the_zone_and_the_count() {
        // Mondays at 09:00 in Paris: 08:00 UTC in winter.
        let runs = next_runs_after(" 0 9 * * 1 ", "Europe/Paris", at("2026-01-05T00:00:00.000Z"), Some(3)).unwrap();
        let shown: Vec<String> = runs.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["2026-01-05T08:00:00.000Z", "2026-01-12T08:00:00.000Z", "2026-01-19T08:00:00.000Z"]);
    }

    #[test]
    fn count_is_clamped() {
        let after = at("2026-01-01T00:00:00.000Z");
        assert_eq!(next_runs_after("* * * * *", "UTC", after, None).unwrap().len(), 5);
        assert_eq!(next_runs_after("* * * * *", "UTC", after, Some(0)).unwrap().len(), 1);
        assert_eq!(next_runs_after("* * * * *", "UTC", after, Some(500)).unwrap().len(), MAX_NEXT_RUNS);
    }

    #[test]
    fn bad_schedules_are_validation_errors() {
        let after = at("2026-01-01T00:00:00.000Z");
        let error = next_runs_after("not cron", "UTC", after, None).unwrap_err();
        assert_eq!(error.code, ErrorCode::ValidationError);
        let error = next_runs_after("0 9 * * *", "Mars/Olympus", after, None).unwrap_err();
        assert_eq!(error.code, ErrorCode::ValidationError);
        assert!(error.message.contains("Mars/Olympus"), "{}", error.message);
    }
}
