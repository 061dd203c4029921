//! Commands of the Dashboard page: its numbers in one call (counts, recent runs, runs per day,
//! top workflows and agents), all computed by the stats service.

use std::sync::Arc;

use tauri::State;
use turbocat_services::stats::{DashboardStats, StatsQuery};

use super::with_services;
use crate::{CommandResult, Database};

#[tauri::command]
pub async fn dashboard_stats(
    database: State<'_, Arc<Database>>,
    query: Option<StatsQuery>,
) -> CommandResult<DashboardStats> {
    let query = query.unwrap_or_default();
    with_services(&database, move |services| services.stats().dashboard(&query)).await
}
