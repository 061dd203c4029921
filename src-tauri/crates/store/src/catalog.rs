//! The table catalog: each of the ten tables' facts, declared once — its columns and their
//! kinds (from its `table!` declaration in `queries/mod.rs`), its JSON columns, foreign keys,
//! owner scope, natural key, whether it is append-only, and where sync pushes it. The data
//! browser, sync's codec and scopes, `db validate`'s JSON check and the tests read it from here.

use crate::row::Table;

/// One table's facts.
#[derive(Debug, Clone, Copy)]
pub struct TableFacts {
    pub name: &'static str,
    pub columns: &'static [&'static str],
    /// The kind of each column, in the order of `columns` (see [`Table::KINDS`]).
    pub kinds: &'static [&'static str],
    /// `(column, referenced table)`, every foreign key of the table.
    pub foreign_keys: &'static [(&'static str, &'static str)],
    /// The SQL condition that selects the rows belonging to the user bound as `?1`.
    pub owner_scope: &'static str,
    /// A unique key besides `id`, under which the hosted project may already hold the row.
    pub natural_key: &'static [&'static str],
    /// Rows are only ever added (no `updated_at`): execution logs and audit rows.
    pub append_only: bool,
    /// Sync pushes the tables in this order, parents first (deletes go the other way).
    pub push_rank: u8,
}

impl TableFacts {
    /// The columns that hold JSON text (objects, arrays, and the `TEXT[]` lists kept as arrays).
    pub fn json_columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns
            .iter()
            .zip(self.kinds)
            .filter(|(_, k)| matches!(k.trim_start_matches("opt_"), "json" | "list"))
            .map(|(c, _)| *c)
    }
}

const fn facts<T: Table>(
    foreign_keys: &'static [(&'static str, &'static str)],
    owner_scope: &'static str,
    natural_key: &'static [&'static str],
    append_only: bool,
    push_rank: u8,
) -> TableFacts {
    TableFacts {
        name: T::NAME,
        columns: T::COLUMNS,
        kinds: T::KINDS,
        foreign_keys,
        owner_scope,
        natural_key,
        append_only,
        push_rank,
    }
}

const OWN: &str = "user_id = ?1";

/// The ten tables, in the order the data browser lists them.
pub static TABLES: [TableFacts; 10] = [
    facts::<turbocat_domain::User>(&[], "id = ?1", &["email"], false, 0),
    facts::<turbocat_domain::Agent>(&[("parent_id", "agents"), ("user_id", "users")], OWN, &[], false, 1),
    facts::<turbocat_domain::Workflow>(&[("user_id", "users"), ("parent_id", "workflows")], OWN, &[], false, 5),
    facts::<turbocat_domain::WorkflowStep>(
        &[("workflow_id", "workflows"), ("agent_id", "agents")],
        "workflow_id IN (SELECT id FROM workflows WHERE user_id = ?1)",
        &["workflow_id", "step_key"],
        false,
        8,
    ),
    facts::<turbocat_domain::Execution>(&[("workflow_id", "workflows"), ("user_id", "users")], OWN, &[], false, 7),
    facts::<turbocat_domain::ExecutionLog>(
        &[("execution_id", "executions"), ("workflow_step_id", "workflow_steps")],
        "execution_id IN (SELECT id FROM executions WHERE user_id = ?1)",
        &[],
        true,
        9,
    ),
    facts::<turbocat_domain::Template>(&[("user_id", "users")], OWN, &[], false, 4),
    facts::<turbocat_domain::Deployment>(
        &[("user_id", "users"), ("workflow_id", "workflows"), ("agent_id", "agents")],
        OWN,
        &[],
        false,
        6,
    ),
    facts::<turbocat_domain::ApiKey>(&[("user_id", "users")], OWN, &["key_hash"], false, 2),
    facts::<turbocat_domain::AuditLog>(&[("user_id", "users")], OWN, &[], true, 3),
];

/// A table's facts by name.
pub fn table(name: &str) -> Option<&'static TableFacts> {
    TABLES.iter().find(|t| t.name == name)
}

/// The names of the ten tables, in the data browser's order.
pub fn names() -> impl Iterator<Item = &'static str> {
    TABLES.iter().map(|t| t.name)
}

/// The ten tables in sync's push order, parents first.
pub fn push_order() -> Vec<&'static TableFacts> {
    let mut v: Vec<&TableFacts> = TABLES.iter().collect();
    v.sort_by_key(|t| t.push_rank);
    v
}

/// Every JSON column of the file: the ten tables' and the local settings' `value`.
pub fn json_columns() -> impl Iterator<Item = (&'static str, &'static str)> {
    TABLES.iter().flat_map(|t| t.json_columns().map(move |c| (t.name, c))).chain([("app_settings", "value")])
}

/// Every foreign key: `(table, column, referenced table)`.
pub fn foreign_keys() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    TABLES.iter().flat_map(|t| t.foreign_keys.iter().map(move |(c, r)| (t.name, *c, *r)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The catalog against the schema itself: every foreign key the migrations declare is in
    /// it (and no other), every JSON CHECK column is a JSON column here, the push order puts
    /// every parent before its children, and append-only tables are those without `updated_at`.
    #[test]
    fn the_catalog_matches_the_migrated_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite");
        drop(crate::Store::open(&path).unwrap());
        let c = rusqlite::Connection::open(&path).unwrap();
        let (mut fks, mut json_checks) = (Vec::new(), Vec::new());
        for t in names() {
            let mut s = c.prepare(&format!("SELECT \"from\", \"table\" FROM pragma_foreign_key_list('{t}')")).unwrap();
            for r in s.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).unwrap() {
                let (col, parent) = r.unwrap();
                fks.push((t.to_string(), col, parent));
            }
            let sql: String = c
                .query_row("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1", [t], |r| r.get(0))
                .unwrap();
            for col in table(t).unwrap().columns {
                if sql.contains(&format!("json_valid({col})")) {
                    json_checks.push((t.to_string(), col.to_string()));
                }
            }
        }
        let mut declared: Vec<(String, String, String)> =
            foreign_keys().map(|(t, c, r)| (t.to_string(), c.to_string(), r.to_string())).collect();
        let mut found = fks.clone();
        declared.sort();
        found.sort();
        assert_eq!(declared, found, "foreign keys: catalog (left) and schema (right)");
        assert!(json_checks.len() >= 20, "the schema's JSON checks were not found: {json_checks:?}");
        let all_json: Vec<(String, String)> = json_columns().map(|(t, c)| (t.to_string(), c.to_string())).collect();
        for j in &json_checks {
            assert!(all_json.contains(j), "{j:?} is checked as JSON by the schema but not a JSON column here");
        }
        let order: Vec<&str> = push_order().iter().map(|t| t.name).collect();
        for (t, _, parent) in &found {
            if t != parent {
                let at = |n: &str| order.iter().position(|x| *x == n).unwrap();
                assert!(at(parent) < at(t), "{parent} must be pushed before {t}: {order:?}");
            }
        }
        for t in &TABLES {
            assert_eq!(t.append_only, !t.columns.contains(&"updated_at"), "{}", t.name);
        }
    }
}
