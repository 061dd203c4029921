//! The audit log, read side: a filtered list (action, resource, time range). Rows are written
//! by every service in the same transaction as its change.

use crate::list::ListParams;
use crate::Actor;
use serde::{Deserialize, Serialize};
use turbocat_domain::{AuditLog, Page, Result, Timestamp, Uuid};
use turbocat_store::queries::{ts_value, uuid_value, Filter};

pub struct Audit<'a>(pub(crate) Actor<'a>);

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct AuditQuery {
    #[serde(flatten)]
    pub list: ListParams,
    /// Exact action (`agent.update`) or a prefix ending in a dot (`agent.`).
    pub action: Option<String>,
    pub resource_type: Option<String>,
    pub resource_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
}

impl Audit<'_> {
    pub fn list(&self, q: &AuditQuery) -> Result<Page<AuditLog>> {
        let r = q.list.resolve(&["created_at", "action", "resource_type"], "created_at")?;
        let mut f = Filter::new();
        if let Some(a) = &q.action {
            if a.ends_with('.') {
                f.and("action LIKE ? ESCAPE '\\'", [format!("{}%", a.replace('_', "\\_")).into()]);
            } else {
                f.eq("action", a.as_str());
            }
        }
        if let Some(t) = &q.resource_type {
            f.eq("resource_type", t.as_str());
        }
        if let Some(id) = q.resource_id {
            f.eq("resource_id", uuid_value(id));
        }
        if let Some(u) = q.user_id {
            f.eq("user_id", uuid_value(u));
        }
        if let Some(t) = q.from {
            f.and("created_at >= ?", [ts_value(t)]);
        }
        if let Some(t) = q.to {
            f.and("created_at <= ?", [ts_value(t)]);
        }
        if let Some(s) = q.list.search_term() {
            f.search(&["action", "resource_type"], s);
        }
        r.fetch::<AuditLog>(self.0.store(), &f)
    }
}
