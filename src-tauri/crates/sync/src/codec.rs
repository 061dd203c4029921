//! How each column travels between the local SQLite file and the far Postgres.
//!
//! Every value crosses as text (or NULL) with an explicit cast on the far side, so one statement
//! shape serves every table, enum columns need no client-side type (docs/sync.md: enums travel as text
//! with a cast), and every statement works through a transaction pooler. Local storage follows
//! the store: booleans as 0/1, the rating as hundredths, arrays as JSON text, timestamps as
//! `YYYY-MM-DDTHH:MM:SS.sssZ`.

use crate::quote_ident;
use crate::schema::{self, Column};
use rusqlite::types::{Value, ValueRef};

/// What a column holds, from its far type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Uuid,
    Text,
    Int,
    Bool,
    Json,
    Timestamp,
    /// `DECIMAL(3,2)`, stored locally as hundredths.
    Hundredths,
    TextArray,
    /// A Postgres enum type of that name.
    Enum(&'static str),
}

impl Kind {
    fn of(ty: &'static str) -> Kind {
        match ty {
            "uuid" => Kind::Uuid,
            "int" => Kind::Int,
            "bool" => Kind::Bool,
            "jsonb" => Kind::Json,
            "text[]" => Kind::TextArray,
            "decimal(3,2)" => Kind::Hundredths,
            t if t.starts_with("timestamp") => Kind::Timestamp,
            t if t == "text" || t.starts_with("varchar") => Kind::Text,
            t => Kind::Enum(t),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Col {
    pub name: &'static str,
    pub kind: Kind,
}

/// One of the ten tables as sync sees it.
#[derive(Debug, Clone)]
pub struct SyncTable {
    pub name: &'static str,
    pub cols: Vec<Col>,
    /// execution_logs and audit_logs: no `updated_at`, rows are never edited.
    pub append_only: bool,
    /// A unique key besides `id` that may already exist on the far side under another id.
    pub natural_key: &'static [&'static str],
    /// The local rows that belong to the user `?1`: what a push may send.
    pub owner_scope: &'static str,
}

/// Push order, parents first (the store's catalog; docs/sync.md); deletes go in the reverse order.
pub fn push_order() -> Vec<&'static str> {
    turbocat_store::catalog::push_order().into_iter().map(|t| t.name).collect()
}

/// Far-side counters a push never lowers.
const COUNTERS: &[&str] = &[
    "total_executions",
    "successful_executions",
    "failed_executions",
    "usage_count",
    "rating_count",
    "total_requests",
    "total_errors",
];

/// Far-side columns a push never overwrites (the hosted project's own: the password).
const FAR_OWNED: &[(&str, &str)] = &[("users", "password_hash")];

impl SyncTable {
    pub fn all() -> Vec<SyncTable> {
        let tables = schema::tables();
        turbocat_store::catalog::push_order()
            .into_iter()
            .map(|facts| {
                let t = tables.iter().find(|t| t.name == facts.name).expect("known table");
                let cols: Vec<Col> =
                    t.columns.iter().map(|c: &Column| Col { name: c.name, kind: Kind::of(c.ty) }).collect();
                SyncTable {
                    name: t.name,
                    cols,
                    append_only: facts.append_only,
                    natural_key: facts.natural_key,
                    owner_scope: facts.owner_scope,
                }
            })
            .collect()
    }

    /// The column the pull cursor follows.
    pub fn stamp_col(&self) -> &'static str {
        if self.append_only {
            "created_at"
        } else {
            "updated_at"
        }
    }

    pub fn col_index(&self, name: &str) -> usize {
        self.cols.iter().position(|c| c.name == name).expect("known column")
    }

    /// `"a", "b", …` for SQL on either side.
    pub fn col_list(&self) -> String {
        self.cols.iter().map(|c| quote_ident(c.name)).collect::<Vec<_>>().join(", ")
    }

    /// The batch upsert (docs/sync.md): one `text[]` parameter per column, cast on the far side;
    /// last writer wins by `updated_at`, counters never lowered, the far side's own columns
    /// never overwritten. Returns the ids it inserted or updated; a missing id lost to a newer
    /// far row. Append-only tables return nothing: their push needs no answer per row, and
    /// returning 2,000 ids per batch cost about 6% of a bulk upload (benches/sync.rs).
    pub fn upsert_sql(&self, schema: &str) -> String {
        let params: Vec<String> = (1..=self.cols.len()).map(|i| format!("${i}::text[]")).collect();
        let aliases: Vec<String> = (0..self.cols.len()).map(|i| format!("c{i}")).collect();
        let selects: Vec<String> =
            self.cols.iter().enumerate().map(|(i, c)| cast(&format!("u.c{i}"), c.kind, schema)).collect();
        let source = format!(
            "SELECT {sel} FROM unnest({params}) AS u({aliases})",
            sel = selects.join(", "),
            params = params.join(", "),
            aliases = aliases.join(", "),
        );
        self.upsert_from(schema, &source)
    }

    /// The same upsert from a staging table with the far table's column types (filled by COPY
    /// on a session connection: no text casts, no parameter arrays).
    pub fn upsert_from_staged_sql(&self, schema: &str, staged: &str) -> String {
        self.upsert_from(schema, &format!("SELECT {} FROM {}", self.col_list(), quote_ident(staged)))
    }

    /// A temporary staging table shaped like the far table's synced columns, emptied at each
    /// commit.
    pub fn create_staged_sql(&self, schema: &str, staged: &str) -> String {
        format!(
            "CREATE TEMP TABLE IF NOT EXISTS {} ON COMMIT DELETE ROWS AS SELECT {} FROM {}.{} WITH NO DATA",
            quote_ident(staged),
            self.col_list(),
            quote_ident(schema),
            quote_ident(self.name)
        )
    }

    fn upsert_from(&self, schema: &str, source: &str) -> String {
        let mut sql = format!(
            "INSERT INTO {s}.{t} AS t ({cols}) {source} ",
            s = quote_ident(schema),
            t = quote_ident(self.name),
            cols = self.col_list(),
        );
        if self.append_only {
            sql.push_str("ON CONFLICT (id) DO NOTHING");
            return sql;
        }
        let sets: Vec<String> = self
            .cols
            .iter()
            .filter(|c| c.name != "id" && !FAR_OWNED.contains(&(self.name, c.name)))
            .map(|c| {
                let n = quote_ident(c.name);
                if COUNTERS.contains(&c.name) {
                    format!("{n} = GREATEST(t.{n}, excluded.{n})")
                } else {
                    format!("{n} = excluded.{n}")
                }
            })
            .collect();
        sql.push_str(&format!(
            "ON CONFLICT (id) DO UPDATE SET {} WHERE t.\"updated_at\" < excluded.\"updated_at\" RETURNING t.id::text",
            sets.join(", ")
        ));
        sql
    }

    /// The columns as text expressions for reading far rows (decoded by [`decode`]).
    pub fn select_list(&self) -> String {
        self.cols.iter().map(|c| far_text(&format!("t.{}", quote_ident(c.name)), c.kind)).collect::<Vec<_>>().join(", ")
    }
}

/// Appends one row in COPY's text format: values as the upsert's text parameters carry them,
/// tab-separated, `\N` for NULL, with backslash, tab, newline and carriage return escaped.
pub fn copy_text_row(buf: &mut Vec<u8>, values: &[Option<String>]) {
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            buf.push(b'\t');
        }
        let Some(v) = v else {
            buf.extend_from_slice(b"\\N");
            continue;
        };
        for &b in v.as_bytes() {
            match b {
                b'\\' => buf.extend_from_slice(b"\\\\"),
                b'\t' => buf.extend_from_slice(b"\\t"),
                b'\n' => buf.extend_from_slice(b"\\n"),
                b'\r' => buf.extend_from_slice(b"\\r"),
                _ => buf.push(b),
            }
        }
    }
    buf.push(b'\n');
}

/// The far cast of a text parameter to the column's type.
fn cast(expr: &str, kind: Kind, schema: &str) -> String {
    match kind {
        Kind::Uuid => format!("{expr}::uuid"),
        Kind::Text => expr.to_string(),
        Kind::Int => format!("{expr}::int"),
        Kind::Bool => format!("{expr}::boolean"),
        Kind::Json => format!("{expr}::jsonb"),
        Kind::Timestamp => format!("{expr}::timestamp(3)"),
        Kind::Hundredths => format!("{expr}::numeric(3,2)"),
        Kind::TextArray => format!("{expr}::text[]"),
        Kind::Enum(ty) => format!("{expr}::{}.{}", quote_ident(schema), quote_ident(ty)),
    }
}

/// A far column as the text [`decode`] reads.
fn far_text(expr: &str, kind: Kind) -> String {
    match kind {
        Kind::Timestamp => format!("to_char({expr}, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"),
        Kind::Bool => format!("{expr}::int::text"),
        Kind::Hundredths => format!("round({expr} * 100)::int::text"),
        Kind::TextArray => format!("array_to_json({expr})::text"),
        _ => format!("{expr}::text"),
    }
}

/// Why a value could not be carried.
#[derive(Debug, thiserror::Error)]
#[error("{table}.{column}: {message}")]
pub struct CodecError {
    pub table: &'static str,
    pub column: &'static str,
    pub message: String,
}

/// A local value as the text the far cast reads.
pub fn encode(table: &'static str, col: &Col, v: ValueRef<'_>) -> Result<Option<String>, CodecError> {
    let bad = |m: String| CodecError { table, column: col.name, message: m };
    Ok(match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(match col.kind {
            Kind::Hundredths => format!("{}{}.{:02}", if i < 0 { "-" } else { "" }, i.abs() / 100, i.abs() % 100),
            _ => i.to_string(),
        }),
        ValueRef::Real(f) => Some(f.to_string()),
        ValueRef::Text(t) => {
            let t = std::str::from_utf8(t).map_err(|e| bad(e.to_string()))?;
            Some(match col.kind {
                Kind::TextArray => {
                    let items: Vec<String> =
                        serde_json::from_str(t).map_err(|e| bad(format!("not a JSON array of text: {e}")))?;
                    pg_array(&items)
                }
                _ => t.to_string(),
            })
        }
        ValueRef::Blob(_) => return Err(bad("a blob cannot be synced".into())),
    })
}

/// A far text value as the local stored value.
pub fn decode(table: &'static str, col: &Col, v: Option<String>) -> Result<Value, CodecError> {
    let Some(t) = v else { return Ok(Value::Null) };
    let bad = |m: String| CodecError { table, column: col.name, message: m };
    Ok(match col.kind {
        Kind::Int | Kind::Bool | Kind::Hundredths => Value::Integer(t.parse().map_err(|e| bad(format!("{t:?}: {e}")))?),
        Kind::Json => {
            // Compact, as the store writes JSON (jsonb's text has spaces after separators).
            let j: serde_json::Value = serde_json::from_str(&t).map_err(|e| bad(e.to_string()))?;
            Value::Text(j.to_string())
        }
        _ => Value::Text(t),
    })
}

/// `{"a","b\"c"}`: a Postgres array literal of text.
fn pg_array(items: &[String]) -> String {
    let mut out = String::from("{");
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        for ch in s.chars() {
            if ch == '"' || ch == '\\' {
                out.push('\\');
            }
            out.push(ch);
        }
        out.push('"');
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_tables_in_push_order_with_their_kinds() {
        let t = SyncTable::all();
        assert_eq!(t.iter().map(|t| t.name).collect::<Vec<_>>(), push_order());
        let logs = t.iter().find(|t| t.name == "execution_logs").unwrap();
        assert!(logs.append_only && logs.stamp_col() == "created_at");
        let tpl = t.iter().find(|t| t.name == "templates").unwrap();
        assert_eq!(tpl.cols[tpl.col_index("rating_average")].kind, Kind::Hundredths);
        assert_eq!(tpl.cols[tpl.col_index("type")].kind, Kind::Enum("TemplateType"));
    }

    #[test]
    fn upsert_keeps_far_counters_and_password_and_compares_stamps() {
        let t = SyncTable::all();
        let users = t.iter().find(|t| t.name == "users").unwrap().upsert_sql("backend");
        assert!(!users.contains("\"password_hash\" = excluded"), "{users}");
        assert!(users.contains("u.c5::\"backend\".\"UserRole\""), "{users}");
        let agents = t.iter().find(|t| t.name == "agents").unwrap().upsert_sql("public");
        assert!(
            agents.contains("\"total_executions\" = GREATEST(t.\"total_executions\", excluded.\"total_executions\")")
        );
        assert!(agents.contains("WHERE t.\"updated_at\" < excluded.\"updated_at\""));
        let logs = t.iter().find(|t| t.name == "audit_logs").unwrap().upsert_sql("public");
        assert!(logs.contains("DO NOTHING"));
    }

    #[test]
    fn values_encode_for_the_far_casts() {
        let col = |kind| Col { name: "c", kind };
        assert_eq!(encode("t", &col(Kind::Hundredths), ValueRef::Integer(450)).unwrap().unwrap(), "4.50");
        assert_eq!(encode("t", &col(Kind::Hundredths), ValueRef::Integer(7)).unwrap().unwrap(), "0.07");
        assert_eq!(
            encode("t", &col(Kind::TextArray), ValueRef::Text(r#"["a","b\"c","d\\e","","é ✓"]"#.as_bytes()))
                .unwrap()
                .unwrap(),
            r#"{"a","b\"c","d\\e","","é ✓"}"#
        );
        assert_eq!(encode("t", &col(Kind::TextArray), ValueRef::Text(b"[]")).unwrap().unwrap(), "{}");
        assert!(encode("t", &col(Kind::TextArray), ValueRef::Text(b"{}")).is_err());
        assert_eq!(encode("t", &col(Kind::Bool), ValueRef::Null).unwrap(), None);
        assert_eq!(
            decode("t", &col(Kind::Json), Some(r#"{"a": [1, {"b": null}]}"#.into())).unwrap(),
            Value::Text(r#"{"a":[1,{"b":null}]}"#.into())
        );
        assert_eq!(decode("t", &col(Kind::Bool), Some("1".into())).unwrap(), Value::Integer(1));
        assert!(decode("t", &col(Kind::Int), Some("x".into())).is_err());
    }
}
