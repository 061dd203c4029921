//! The compatibility check of docs/sync.md, run before every sync: the far catalog (columns, types,
//! lengths, precision, nullability, defaults, enum labels) compared with what the app writes.
//! Blocking: a missing table or column, a different type, a missing enum label, a NOT NULL column
//! where the app may write NULL, an extra NOT NULL column without a default. Allowed with a
//! warning: extra nullable or defaulted columns, extra tables, extra enum labels. It only reads.

use crate::schema::{self, normalize_type};
use crate::Result;
use serde::Serialize;
use std::collections::BTreeMap;
use tokio_postgres::types::Type;
use tokio_postgres::Client;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FindingKind {
    MissingTable,
    /// No primary key or unique index on `id` alone: the push's `ON CONFLICT (id)` needs one.
    MissingKey,
    MissingColumn,
    TypeMismatch,
    MissingEnumLabel,
    NotNullMismatch,
    ExtraRequiredColumn,
    ExtraColumn,
    ExtraTable,
    ExtraEnumLabel,
    /// No index leads with the column a pull's cursor walks (`updated_at`, or `created_at` for
    /// the append-only tables): each pull reads the whole table.
    MissingPullIndex,
}

impl FindingKind {
    /// Whether this finding stops a sync.
    pub fn blocking(self) -> bool {
        !matches!(
            self,
            FindingKind::ExtraColumn
                | FindingKind::ExtraTable
                | FindingKind::ExtraEnumLabel
                | FindingKind::MissingPullIndex
        )
    }
}

/// One difference, with a sentence saying what it means and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Finding {
    pub kind: FindingKind,
    pub table: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub column: Option<String>,
    pub message: String,
}

/// The outcome of a check: `problems` block a sync, `warnings` do not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export, rename = "CompatibilityReport")]
pub struct Report {
    pub schema: String,
    pub compatible: bool,
    pub problems: Vec<Finding>,
    pub warnings: Vec<Finding>,
}

impl Report {
    /// The report as lines a user can act on.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if self.compatible {
            out.push_str(&format!("Schema \"{}\" is compatible with Turbocat sync.\n", self.schema));
        } else {
            out.push_str(&format!(
                "Schema \"{}\" is NOT compatible with Turbocat sync: {} problem(s) must be fixed on the far \
                 database first.\n",
                self.schema,
                self.problems.len()
            ));
            for f in &self.problems {
                out.push_str(&format!("  problem: {}\n", f.message));
            }
        }
        for f in &self.warnings {
            out.push_str(&format!("  note: {}\n", f.message));
        }
        out
    }
}

struct FarColumn {
    ty: String,
    not_null: bool,
    has_default: bool,
    labels: Option<Vec<String>>,
}

/// Reads the far catalog of `schema` and compares it with the app's tables.
pub async fn check(client: &Client, schema_name: &str) -> Result<Report> {
    let rows = client
        .query_typed(
            "SELECT c.relname::text, a.attname::text, a.attnotnull, \
                    (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> ''), \
                    CASE WHEN t.typtype = 'e' THEN t.typname::text \
                         ELSE pg_catalog.format_type(a.atttypid, a.atttypmod) END, \
                    CASE WHEN t.typtype = 'e' THEN (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) \
                         FROM pg_enum e WHERE e.enumtypid = t.oid) END \
             FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
             JOIN pg_type t ON t.oid = a.atttypid \
             WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') \
             ORDER BY c.relname, a.attnum",
            &[(&schema_name, Type::TEXT)],
        )
        .await?;
    let mut far: BTreeMap<String, Vec<(String, FarColumn)>> = BTreeMap::new();
    for r in rows {
        far.entry(r.get(0)).or_default().push((
            r.get(1),
            FarColumn {
                not_null: r.get(2),
                has_default: r.get(3),
                ty: normalize_type(&r.get::<_, String>(4)),
                labels: r.get(5),
            },
        ));
    }
    let mut report = compare(schema_name, &far);
    // Every index of the schema's tables: its leading column, and whether it is a unique index
    // on that column alone (a primary key is one).
    let indexes = client
        .query_typed(
            "SELECT c.relname::text, a.attname::text, \
                    (i.indisunique AND i.indnkeyatts = 1 AND i.indpred IS NULL AND i.indexprs IS NULL) \
             FROM pg_index i \
             JOIN pg_class c ON c.oid = i.indrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] \
             WHERE n.nspname = $1",
            &[(&schema_name, Type::TEXT)],
        )
        .await?;
    let indexes: Vec<FarIndex> =
        indexes.iter().map(|r| FarIndex { table: r.get(0), first: r.get(1), unique_alone: r.get(2) }).collect();
    let (problems, warnings): (Vec<_>, Vec<_>) =
        index_findings(schema_name, &far, &indexes).into_iter().partition(|f| f.kind.blocking());
    report.compatible &= problems.is_empty();
    report.problems.extend(problems);
    report.warnings.extend(warnings);
    Ok(report)
}

/// One index of a far table, as [`index_findings`] needs it.
#[derive(Debug, Clone)]
struct FarIndex {
    table: String,
    /// Its first column.
    first: String,
    /// Unique on that column alone, for every row (a primary key is such an index).
    unique_alone: bool,
}

/// What the far indexes mean for sync. Blocking: a synced table with no unique index on `id`
/// alone (the upsert's `ON CONFLICT (id)` is refused without one). A warning: a table whose pull
/// cursor column leads no index, so each pull scans the whole table and syncs slow down as it
/// grows; `sync init` creates these indexes ([`schema::PULL_INDEXES_SQL`]), and for an existing
/// project the message gives the statement.
fn index_findings(
    schema_name: &str,
    far: &BTreeMap<String, Vec<(String, FarColumn)>>,
    indexes: &[FarIndex],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for t in crate::codec::SyncTable::all().iter().filter(|t| far.contains_key(t.name)) {
        let on = |col: &str, unique: bool| {
            indexes.iter().any(|i| i.table == t.name && i.first == col && (i.unique_alone || !unique))
        };
        if !on("id", true) {
            out.push(Finding {
                kind: FindingKind::MissingKey,
                table: t.name.into(),
                column: Some("id".into()),
                message: format!(
                    "table {schema_name}.{name} has no primary key on id, which sync's upserts need: \
                     ALTER TABLE \"{schema_name}\".\"{name}\" ADD PRIMARY KEY (\"id\");",
                    name = t.name
                ),
            });
        }
        let stamp = if t.append_only { "created_at" } else { "updated_at" };
        if !on(stamp, false) {
            out.push(Finding {
                kind: FindingKind::MissingPullIndex,
                table: t.name.into(),
                column: Some(stamp.into()),
                message: format!(
                    "no index on {name}.{stamp}: every sync reads the whole table to find what changed, so it \
                     slows down as the table grows. To keep syncs fast: CREATE INDEX ON \"{schema_name}\".\"{name}\" \
                     (\"{stamp}\", \"id\");",
                    name = t.name
                ),
            });
        }
    }
    out
}

fn compare(schema_name: &str, far: &BTreeMap<String, Vec<(String, FarColumn)>>) -> Report {
    let mut findings = Vec::new();
    let mut push = |kind, table: &str, column: Option<&str>, message: String| {
        findings.push(Finding { kind, table: table.into(), column: column.map(Into::into), message })
    };
    let tables = schema::tables();
    let mut seen_enums = BTreeMap::new();
    for t in &tables {
        let Some(cols) = far.get(t.name) else {
            push(
                FindingKind::MissingTable,
                t.name,
                None,
                format!(
                    "table {schema_name}.{} is missing: create it as the hosted project has it (or run \
                     `turbocat sync init` on an empty schema)",
                    t.name
                ),
            );
            continue;
        };
        for c in &t.columns {
            let Some((_, f)) = cols.iter().find(|(n, _)| n == c.name) else {
                push(
                    FindingKind::MissingColumn,
                    t.name,
                    Some(c.name),
                    format!("column {}.{} ({}) is missing: add it on the far database", t.name, c.name, c.ty),
                );
                continue;
            };
            if f.ty != c.ty {
                push(
                    FindingKind::TypeMismatch,
                    t.name,
                    Some(c.name),
                    format!(
                        "column {}.{} is {} there but Turbocat writes {}: change its type",
                        t.name, c.name, f.ty, c.ty
                    ),
                );
            } else if let (Some(expected), Some(labels)) = (schema::enum_labels(c.ty), &f.labels) {
                if seen_enums.insert(c.ty, ()).is_none() {
                    for l in expected.iter().filter(|l| !labels.iter().any(|x| x == *l)) {
                        push(
                            FindingKind::MissingEnumLabel,
                            t.name,
                            Some(c.name),
                            format!(
                                "enum {} lacks the value '{l}' (used by {}.{}): add it with ALTER TYPE … ADD VALUE",
                                c.ty, t.name, c.name
                            ),
                        );
                    }
                    for l in labels.iter().filter(|l| !expected.contains(&l.as_str())) {
                        push(
                            FindingKind::ExtraEnumLabel,
                            t.name,
                            Some(c.name),
                            format!(
                                "enum {} has a value '{l}' Turbocat does not know; rows with it are kept as they are",
                                c.ty
                            ),
                        );
                    }
                }
            }
            if f.not_null && !c.not_null {
                push(
                    FindingKind::NotNullMismatch,
                    t.name,
                    Some(c.name),
                    format!(
                        "column {}.{} is NOT NULL there but may be empty in Turbocat: drop its NOT NULL constraint",
                        t.name, c.name
                    ),
                );
            }
        }
        for (name, f) in cols.iter().filter(|(n, _)| !t.columns.iter().any(|c| c.name == n)) {
            if f.not_null && !f.has_default {
                push(
                    FindingKind::ExtraRequiredColumn,
                    t.name,
                    Some(name),
                    format!(
                        "column {}.{name} is NOT NULL without a default and Turbocat does not write it, so \
                         inserts would fail: give it a default or make it nullable",
                        t.name
                    ),
                );
            } else {
                push(
                    FindingKind::ExtraColumn,
                    t.name,
                    Some(name),
                    format!("column {}.{name} is not Turbocat's; it is left untouched", t.name),
                );
            }
        }
    }
    for name in far.keys().filter(|n| !tables.iter().any(|t| t.name == n.as_str())) {
        push(
            FindingKind::ExtraTable,
            name,
            None,
            format!("table {schema_name}.{name} is not Turbocat's; it is left untouched"),
        );
    }
    let (problems, warnings): (Vec<_>, Vec<_>) = findings.into_iter().partition(|f| f.kind.blocking());
    Report { schema: schema_name.into(), compatible: problems.is_empty(), problems, warnings }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_a_key_missing_blocks_and_a_pull_index_missing_warns_with_the_fix() {
        let far = far_from_app();
        let index =
            |t: &str, first: &str, unique_alone: bool| FarIndex { table: t.into(), first: first.into(), unique_alone };
        let mut all: Vec<FarIndex> = Vec::new();
        for t in crate::codec::SyncTable::all() {
            all.push(index(t.name, "id", true));
            all.push(index(t.name, if t.append_only { "created_at" } else { "updated_at" }, false));
        }
        assert!(index_findings("public", &far, &all).is_empty());

        let mut some = all.clone();
        let dropped = [("agents", "updated_at"), ("execution_logs", "created_at"), ("workflows", "id")];
        some.retain(|i| !dropped.contains(&(i.table.as_str(), i.first.as_str())));
        // A unique index on (id, something) or a plain index on id is not a key.
        some.push(index("workflows", "id", false));
        let found = index_findings("public", &far, &some);
        let mut kinds: Vec<(&str, FindingKind)> = found.iter().map(|f| (f.table.as_str(), f.kind)).collect();
        kinds.sort_by_key(|k| k.0);
        assert_eq!(
            kinds,
            [
                ("agents", FindingKind::MissingPullIndex),
                ("execution_logs", FindingKind::MissingPullIndex),
                ("workflows", FindingKind::MissingKey)
            ]
        );
        assert!(FindingKind::MissingKey.blocking() && !FindingKind::MissingPullIndex.blocking());
        let agents = found.iter().find(|f| f.table == "agents").unwrap();
        assert!(
            agents.message.contains(r#"CREATE INDEX ON "public"."agents" ("updated_at", "id");"#),
            "{}",
            agents.message
        );
        let workflows = found.iter().find(|f| f.table == "workflows").unwrap();
        assert!(workflows.message.contains(r#"ALTER TABLE "public"."workflows" ADD PRIMARY KEY ("id");"#));
        let logs = found.iter().find(|f| f.table == "execution_logs").unwrap();
        assert_eq!(logs.column.as_deref(), Some("created_at"));
        // A table the far side lacks is reported as missing, not as unindexed.
        let mut partial = far_from_app();
        partial.remove("agents");
        assert!(index_findings("public", &partial, &some).iter().all(|f| f.table != "agents"));
    }

    fn far_from_app() -> BTreeMap<String, Vec<(String, FarColumn)>> {
        schema::tables()
            .into_iter()
            .map(|t| {
                let cols = t
                    .columns
                    .iter()
                    .map(|c| {
                        let labels = schema::enum_labels(c.ty).map(|l| l.iter().map(|s| s.to_string()).collect());
                        (
                            c.name.to_string(),
                            FarColumn { ty: c.ty.into(), not_null: c.not_null, has_default: false, labels },
                        )
                    })
                    .collect();
                (t.name.to_string(), cols)
            })
            .collect()
    }

    #[test]
    fn identical_is_compatible_without_notes() {
        let r = compare("public", &far_from_app());
        assert!(r.compatible && r.problems.is_empty() && r.warnings.is_empty(), "{r:?}");
    }

    #[test]
    fn each_kind_of_difference() {
        let mut far = far_from_app();
        far.remove("audit_logs");
        let users = far.get_mut("users").unwrap();
        users.retain(|(n, _)| n != "full_name");
        users.iter_mut().find(|(n, _)| n == "email").unwrap().1.ty = "text".into();
        users.iter_mut().find(|(n, _)| n == "avatar_url").unwrap().1.not_null = true;
        let role = &mut users.iter_mut().find(|(n, _)| n == "role").unwrap().1;
        role.labels = Some(vec!["admin".into(), "user".into(), "owner".into()]);
        users
            .push(("tenant".into(), FarColumn { ty: "uuid".into(), not_null: true, has_default: false, labels: None }));
        users.push((
            "oauth_id".into(),
            FarColumn { ty: "varchar(255)".into(), not_null: false, has_default: false, labels: None },
        ));
        users.push(("plan".into(), FarColumn { ty: "text".into(), not_null: true, has_default: true, labels: None }));
        far.insert("projects".into(), vec![]);
        let r = compare("backend", &far);
        assert!(!r.compatible);
        let kinds = |v: &[Finding]| v.iter().map(|f| f.kind).collect::<Vec<_>>();
        use FindingKind::*;
        assert_eq!(
            kinds(&r.problems),
            vec![TypeMismatch, MissingColumn, NotNullMismatch, MissingEnumLabel, ExtraRequiredColumn, MissingTable],
            "{r:#?}"
        );
        assert_eq!(kinds(&r.warnings), vec![ExtraEnumLabel, ExtraColumn, ExtraColumn, ExtraTable]);
        let text = r.to_text();
        assert!(text.contains("users.tenant is NOT NULL without a default"), "{text}");
        assert!(text.contains("table backend.audit_logs is missing"), "{text}");
        assert!(text.contains("lacks the value 'agent'"), "{text}");
    }
}
