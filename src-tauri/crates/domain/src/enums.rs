//! The fourteen enums of the hosted schema. Stored lowercase (as Postgres holds them), shown
//! and serialized upper case (as the Prisma client and the API spell them), accepted in either.

use crate::error::Error;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// What the store needs of an enum: its stored text, and parsing it back.
pub trait DbEnum: Copy + FromStr<Err = Error> {
    fn db_str(self) -> &'static str;
}

macro_rules! db_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ts_rs::TS)]
        #[ts(export, rename_all = "UPPERCASE")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stored (lowercase) value.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            /// The API and UI spelling.
            pub fn as_upper(self) -> String {
                self.as_str().to_ascii_uppercase()
            }
            /// The SQL list of stored values, for CHECK constraints and docs.
            pub fn values() -> Vec<&'static str> {
                Self::ALL.iter().map(|v| v.as_str()).collect()
            }
        }

        impl DbEnum for $name {
            fn db_str(self) -> &'static str {
                self.as_str()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.as_upper())
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(Error::validation(format!(
                        "Invalid {} {:?}: expected one of {}",
                        stringify!($name),
                        s,
                        Self::ALL.iter().map(|v| v.as_upper()).collect::<Vec<_>>().join(", ")
                    ))),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.as_upper())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<str>::deserialize(d)?;
                s.parse().map_err(|e: Error| serde::de::Error::custom(e.message))
            }
        }
    };
}

db_enum!(UserRole { Admin = "admin", User = "user", Agent = "agent" });
db_enum!(AgentType { Code = "code", Api = "api", Llm = "llm", Data = "data", Workflow = "workflow" });
db_enum!(AgentStatus { Draft = "draft", Active = "active", Inactive = "inactive", Archived = "archived" });
db_enum!(WorkflowStatus { Draft = "draft", Active = "active", Inactive = "inactive", Archived = "archived" });
db_enum!(WorkflowStepType { Agent = "agent", Condition = "condition", Loop = "loop", Parallel = "parallel", Wait = "wait" });
db_enum!(ErrorHandling { Fail = "fail", Continue = "continue", Retry = "retry" });
db_enum!(ExecutionStatus {
    Pending = "pending", Running = "running", Completed = "completed",
    Failed = "failed", Cancelled = "cancelled", Timeout = "timeout",
});
db_enum!(TriggerType { Manual = "manual", Scheduled = "scheduled", Api = "api", Webhook = "webhook", Event = "event" });
db_enum!(LogLevel { Debug = "debug", Info = "info", Warn = "warn", Error = "error", Fatal = "fatal" });
db_enum!(StepStatus { Pending = "pending", Running = "running", Completed = "completed", Failed = "failed", Skipped = "skipped" });
db_enum!(TemplateType { Agent = "agent", Workflow = "workflow", Step = "step" });
db_enum!(Environment { Development = "development", Staging = "staging", Production = "production" });
db_enum!(DeploymentStatus {
    Stopped = "stopped", Starting = "starting", Running = "running",
    Stopping = "stopping", Failed = "failed", Maintenance = "maintenance",
});
db_enum!(HealthStatus { Unknown = "unknown", Healthy = "healthy", Unhealthy = "unhealthy", Degraded = "degraded" });

impl ExecutionStatus {
    pub fn is_terminal(self) -> bool {
        !matches!(self, ExecutionStatus::Pending | ExecutionStatus::Running)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_either_case_and_serializes_upper() {
        assert_eq!("ACTIVE".parse::<AgentStatus>().unwrap(), AgentStatus::Active);
        assert_eq!("active".parse::<AgentStatus>().unwrap(), AgentStatus::Active);
        assert_eq!(serde_json::to_string(&AgentType::Llm).unwrap(), "\"LLM\"");
        assert_eq!(serde_json::from_str::<AgentType>("\"llm\"").unwrap(), AgentType::Llm);
        let err = "bogus".parse::<AgentType>().unwrap_err();
        assert!(err.message.contains("CODE, API, LLM, DATA, WORKFLOW"), "{}", err.message);
    }
}
