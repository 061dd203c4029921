//! The ten models, one struct per table with every column of the hosted schema
//! (`docs/schema.md`). Field names serialize as the Prisma/API camelCase names.
//! Nullable columns are `Option`, including the nullable `TEXT[]` lists, so that a row pulled
//! from the hosted side round-trips without loss.

use crate::enums::*;
use crate::time::Timestamp;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value as Json;
use std::fmt;
use uuid::Uuid;

/// `DECIMAL(3,2)` kept exactly as hundredths (0..=999); shown as `"4.25"`, like Prisma's Decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, ts_rs::TS)]
#[ts(export)]
pub struct Hundredths(#[ts(type = "string")] pub i64);

impl fmt::Display for Hundredths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl std::str::FromStr for Hundredths {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("Invalid decimal {s:?}: expected a value like 4.25");
        let (int, frac) = s.trim().split_once('.').unwrap_or((s.trim(), "0"));
        if frac.len() > 2 || int.is_empty() {
            return Err(bad());
        }
        let int: i64 = int.parse().map_err(|_| bad())?;
        let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        Ok(Hundredths(int * 100 + frac))
    }
}

impl Serialize for Hundredths {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Hundredths {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Json::deserialize(d)? {
            Json::String(s) => s.parse().map_err(serde::de::Error::custom),
            Json::Number(n) => format!("{n}").parse().map_err(serde::de::Error::custom),
            other => Err(serde::de::Error::custom(format!("Invalid decimal {other}"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    /// Never serialized: a hash of the hosted password, which the desktop app does not use.
    #[serde(skip_serializing, default)]
    #[ts(skip)]
    pub password_hash: Option<String>,
    pub full_name: Option<String>,
    pub avatar_url: Option<String>,
    pub role: UserRole,
    pub is_active: bool,
    pub email_verified: bool,
    pub email_verified_at: Option<Timestamp>,
    pub last_login_at: Option<Timestamp>,
    pub preferences: Json,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub deleted_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Agent {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub agent_type: AgentType,
    pub status: AgentStatus,
    pub version: i64,
    pub parent_id: Option<Uuid>,
    pub user_id: Uuid,
    pub config: Json,
    pub capabilities: Json,
    pub parameters: Json,
    pub max_execution_time: Option<i64>,
    pub max_memory_mb: Option<i64>,
    pub max_concurrent_executions: Option<i64>,
    pub total_executions: i64,
    pub successful_executions: i64,
    pub failed_executions: i64,
    pub avg_execution_time_ms: i64,
    pub tags: Option<Vec<String>>,
    pub is_public: bool,
    pub is_template: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub deleted_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Workflow {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub user_id: Uuid,
    pub status: WorkflowStatus,
    pub version: i64,
    pub parent_id: Option<Uuid>,
    pub definition: Json,
    pub trigger_config: Json,
    pub schedule_enabled: bool,
    pub schedule_cron: Option<String>,
    pub schedule_timezone: String,
    pub total_executions: i64,
    pub successful_executions: i64,
    pub failed_executions: i64,
    pub avg_execution_time_ms: i64,
    pub last_execution_at: Option<Timestamp>,
    pub tags: Option<Vec<String>>,
    pub is_public: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub deleted_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WorkflowStep {
    pub id: Uuid,
    pub workflow_id: Uuid,
    pub agent_id: Option<Uuid>,
    pub step_key: String,
    pub step_name: String,
    pub step_type: WorkflowStepType,
    pub position: i64,
    pub config: Json,
    pub inputs: Json,
    pub outputs: Json,
    pub depends_on: Option<Vec<String>>,
    pub retry_count: i64,
    pub retry_delay_ms: i64,
    pub timeout_ms: i64,
    pub on_error: ErrorHandling,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl WorkflowStep {
    pub fn deps(&self) -> &[String] {
        self.depends_on.as_deref().unwrap_or(&[])
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Execution {
    pub id: Uuid,
    pub workflow_id: Uuid,
    pub user_id: Uuid,
    pub status: ExecutionStatus,
    pub trigger_type: TriggerType,
    pub trigger_data: Json,
    pub started_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub duration_ms: Option<i64>,
    pub input_data: Json,
    pub output_data: Json,
    pub steps_completed: i64,
    pub steps_failed: i64,
    pub steps_total: i64,
    pub error_message: Option<String>,
    pub error_stack: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExecutionLog {
    pub id: Uuid,
    pub execution_id: Uuid,
    pub workflow_step_id: Option<Uuid>,
    pub level: LogLevel,
    pub message: String,
    pub metadata: Json,
    pub step_key: Option<String>,
    pub step_status: Option<StepStatus>,
    pub step_started_at: Option<Timestamp>,
    pub step_completed_at: Option<Timestamp>,
    pub step_duration_ms: Option<i64>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Template {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub category: String,
    #[serde(rename = "type")]
    pub template_type: TemplateType,
    pub user_id: Option<Uuid>,
    pub template_data: Json,
    pub tags: Option<Vec<String>>,
    pub is_official: bool,
    pub is_public: bool,
    pub usage_count: i64,
    pub rating_average: Hundredths,
    pub rating_count: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub deleted_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Deployment {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub user_id: Uuid,
    pub workflow_id: Option<Uuid>,
    pub agent_id: Option<Uuid>,
    pub environment: Environment,
    pub status: DeploymentStatus,
    pub config: Json,
    /// At rest: `{name: sealed value}`; the services replace the values by masks on read.
    pub environment_vars: Json,
    pub endpoint_url: Option<String>,
    #[serde(skip_serializing, default)]
    #[ts(skip)]
    pub api_key_hash: Option<String>,
    pub allocated_memory_mb: i64,
    pub allocated_cpu_shares: i64,
    pub deployed_at: Option<Timestamp>,
    pub last_health_check_at: Option<Timestamp>,
    pub health_status: HealthStatus,
    pub total_requests: i64,
    pub total_errors: i64,
    pub avg_response_time_ms: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub deleted_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApiKey {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    /// Never serialized: the SHA-256 of the key is a secret of the verifier.
    #[serde(skip_serializing, default)]
    #[ts(skip)]
    pub key_hash: String,
    pub key_prefix: String,
    pub scopes: Option<Vec<String>>,
    pub is_active: bool,
    pub expires_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
    pub usage_count: i64,
    pub rate_limit_per_minute: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub deleted_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AuditLog {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<Uuid>,
    pub changes: Json,
    pub metadata: Json,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hundredths_parse_and_print() {
        assert_eq!("4.5".parse::<Hundredths>().unwrap(), Hundredths(450));
        assert_eq!("0.07".parse::<Hundredths>().unwrap().to_string(), "0.07");
        assert_eq!(Hundredths(999).to_string(), "9.99");
        assert!("4.567".parse::<Hundredths>().is_err());
        assert_eq!(serde_json::from_str::<Hundredths>("3.25").unwrap(), Hundredths(325));
    }
}
