//! The mapping between model structs and rows: a [`Table`] names its columns once, and the
//! generic insert/update/get below build their SQL from that list, so a column is never spelled
//! in two places. Values are bound from stack buffers where possible (ids, timestamps), because
//! the bulk paths (execution logs) bind millions of them.

use crate::error::{StoreError, StoreResult};
use rusqlite::{Connection, Row, Statement};
use serde_json::Value as Json;
use std::io::Write;
use turbocat_domain::{DbEnum, Hundredths, Timestamp, Uuid};

pub trait Table: Sized {
    const NAME: &'static str;
    const COLUMNS: &'static [&'static str];
    /// The kind of each column, in the order of `COLUMNS` (`uuid`, `text`, `int`, `boolean`,
    /// `ts`, `json`, `list`, `enumv`, `hundredths`, with an `opt_` prefix when nullable).
    const KINDS: &'static [&'static str];
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self>;
    fn bind(&self, b: &mut Binder<'_, '_>) -> rusqlite::Result<()>;
    fn id(&self) -> Uuid;
}

/// `col1, col2, …` of a table, for SELECTs.
pub fn columns<T: Table>() -> String {
    T::COLUMNS.join(", ")
}

pub fn insert_sql<T: Table>() -> String {
    let marks: Vec<String> = (1..=T::COLUMNS.len()).map(|i| format!("?{i}")).collect();
    format!("INSERT INTO {} ({}) VALUES ({})", T::NAME, columns::<T>(), marks.join(", "))
}

pub fn update_sql<T: Table>() -> String {
    let sets: Vec<String> = T::COLUMNS.iter().enumerate().skip(1).map(|(i, c)| format!("{c} = ?{}", i + 1)).collect();
    format!("UPDATE {} SET {} WHERE id = ?1", T::NAME, sets.join(", "))
}

pub fn insert<T: Table>(conn: &Connection, row: &T) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(&insert_sql::<T>())?;
    bind_row(&mut stmt, row)?;
    stmt.raw_execute()?;
    Ok(())
}

/// Inserts many rows with one prepared statement: the bulk path.
pub fn insert_many<'a, T: Table + 'a>(conn: &Connection, rows: impl IntoIterator<Item = &'a T>) -> StoreResult<usize> {
    let mut stmt = conn.prepare_cached(&insert_sql::<T>())?;
    let mut n = 0;
    for row in rows {
        bind_row(&mut stmt, row)?;
        stmt.raw_execute()?;
        n += 1;
    }
    Ok(n)
}

/// Writes every column of an existing row; fails with NotFound-like `QueryReturnedNoRows` if absent.
pub fn update<T: Table>(conn: &Connection, row: &T) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(&update_sql::<T>())?;
    bind_row(&mut stmt, row)?;
    if stmt.raw_execute()? == 0 {
        return Err(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows));
    }
    Ok(())
}

pub fn get<T: Table>(conn: &Connection, id: Uuid) -> StoreResult<Option<T>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {} FROM {} WHERE id = ?1", columns::<T>(), T::NAME))?;
    let mut rows = stmt.query([id_text(&id).as_str()])?;
    match rows.next()? {
        Some(r) => Ok(Some(T::from_row(r)?)),
        None => Ok(None),
    }
}

pub fn delete<T: Table>(conn: &Connection, id: Uuid) -> StoreResult<usize> {
    Ok(conn.execute(&format!("DELETE FROM {} WHERE id = ?1", T::NAME), [id_text(&id).as_str()])?)
}

/// Runs `SELECT <columns> FROM <table> <tail>` and maps every row.
pub fn select<T: Table>(conn: &Connection, tail: &str, params: &[&dyn rusqlite::ToSql]) -> StoreResult<Vec<T>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {} FROM {} {tail}", columns::<T>(), T::NAME))?;
    let rows = stmt.query_map(params, |r| T::from_row(r))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

fn bind_row<T: Table>(stmt: &mut Statement<'_>, row: &T) -> StoreResult<()> {
    let mut b = Binder { stmt, index: 1 };
    row.bind(&mut b)?;
    Ok(())
}

pub fn id_text(id: &Uuid) -> String {
    id.hyphenated().to_string()
}

/// Binds the columns of one row in order.
pub struct Binder<'s, 'c> {
    stmt: &'s mut Statement<'c>,
    index: usize,
}

impl Binder<'_, '_> {
    fn put<V: rusqlite::ToSql>(&mut self, v: V) -> rusqlite::Result<()> {
        self.stmt.raw_bind_parameter(self.index, v)?;
        self.index += 1;
        Ok(())
    }
    pub fn uuid(&mut self, v: &Uuid) -> rusqlite::Result<()> {
        let mut buf = [0u8; 36];
        let s: &str = v.hyphenated().encode_lower(&mut buf);
        self.put(s)
    }
    pub fn opt_uuid(&mut self, v: &Option<Uuid>) -> rusqlite::Result<()> {
        match v {
            Some(v) => self.uuid(v),
            None => self.put(rusqlite::types::Null),
        }
    }
    pub fn text(&mut self, v: &str) -> rusqlite::Result<()> {
        self.put(v)
    }
    pub fn opt_text(&mut self, v: &Option<String>) -> rusqlite::Result<()> {
        self.put(v.as_deref())
    }
    pub fn int(&mut self, v: &i64) -> rusqlite::Result<()> {
        self.put(*v)
    }
    pub fn opt_int(&mut self, v: &Option<i64>) -> rusqlite::Result<()> {
        self.put(*v)
    }
    pub fn boolean(&mut self, v: &bool) -> rusqlite::Result<()> {
        self.put(*v as i64)
    }
    pub fn ts(&mut self, v: &Timestamp) -> rusqlite::Result<()> {
        let mut buf = [0u8; 32];
        let mut cur = std::io::Cursor::new(&mut buf[..]);
        write!(cur, "{v}").map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let n = cur.position() as usize;
        self.put(std::str::from_utf8(&buf[..n]).unwrap_or_default())
    }
    pub fn opt_ts(&mut self, v: &Option<Timestamp>) -> rusqlite::Result<()> {
        match v {
            Some(v) => self.ts(v),
            None => self.put(rusqlite::types::Null),
        }
    }
    pub fn json(&mut self, v: &Json) -> rusqlite::Result<()> {
        self.put(v.to_string())
    }
    pub fn list(&mut self, v: &Option<Vec<String>>) -> rusqlite::Result<()> {
        match v {
            Some(v) => self.put(serde_json::to_string(v).unwrap_or_else(|_| "[]".into())),
            None => self.put(rusqlite::types::Null),
        }
    }
    pub fn enumv<E: DbEnum>(&mut self, v: &E) -> rusqlite::Result<()> {
        self.put(v.db_str())
    }
    pub fn opt_enumv<E: DbEnum>(&mut self, v: &Option<E>) -> rusqlite::Result<()> {
        self.put(v.map(|e| e.db_str()))
    }
    pub fn hundredths(&mut self, v: &Hundredths) -> rusqlite::Result<()> {
        self.put(v.0)
    }
}

/// Reads the columns of one row in order.
pub struct RowReader<'r, 's> {
    row: &'r Row<'s>,
    index: usize,
}

fn conversion(index: usize, e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Invalid(String);

impl<'r, 's> RowReader<'r, 's> {
    pub fn new(row: &'r Row<'s>) -> Self {
        RowReader { row, index: 0 }
    }
    fn next<V: rusqlite::types::FromSql>(&mut self) -> rusqlite::Result<V> {
        let v = self.row.get(self.index)?;
        self.index += 1;
        Ok(v)
    }
    fn parse_with<V>(&mut self, f: impl FnOnce(&str) -> Result<V, String>) -> rusqlite::Result<Option<V>> {
        let i = self.index;
        let raw: Option<rusqlite::types::ValueRef<'_>> = Some(self.row.get_ref(i)?);
        self.index += 1;
        match raw {
            Some(rusqlite::types::ValueRef::Null) | None => Ok(None),
            Some(rusqlite::types::ValueRef::Text(t)) => {
                let s = std::str::from_utf8(t).map_err(|e| conversion(i, e))?;
                f(s).map(Some).map_err(|m| conversion(i, Invalid(m)))
            }
            Some(other) => Err(conversion(i, Invalid(format!("expected text, found {:?}", other.data_type())))),
        }
    }
    fn required<V>(&self, v: Option<V>) -> rusqlite::Result<V> {
        v.ok_or(rusqlite::Error::InvalidColumnType(self.index - 1, "NULL".into(), rusqlite::types::Type::Null))
    }
    pub fn uuid(&mut self) -> rusqlite::Result<Uuid> {
        let v = self.opt_uuid()?;
        self.required(v)
    }
    pub fn opt_uuid(&mut self) -> rusqlite::Result<Option<Uuid>> {
        self.parse_with(|s| Uuid::parse_str(s).map_err(|e| e.to_string()))
    }
    pub fn text(&mut self) -> rusqlite::Result<String> {
        self.next()
    }
    pub fn opt_text(&mut self) -> rusqlite::Result<Option<String>> {
        self.next()
    }
    pub fn int(&mut self) -> rusqlite::Result<i64> {
        self.next()
    }
    pub fn opt_int(&mut self) -> rusqlite::Result<Option<i64>> {
        self.next()
    }
    pub fn boolean(&mut self) -> rusqlite::Result<bool> {
        Ok(self.next::<i64>()? != 0)
    }
    pub fn ts(&mut self) -> rusqlite::Result<Timestamp> {
        let v = self.opt_ts()?;
        self.required(v)
    }
    pub fn opt_ts(&mut self) -> rusqlite::Result<Option<Timestamp>> {
        self.parse_with(|s| s.parse::<Timestamp>().map_err(|e| e.to_string()))
    }
    pub fn json(&mut self) -> rusqlite::Result<Json> {
        let v = self.parse_with(|s| serde_json::from_str(s).map_err(|e| e.to_string()))?;
        self.required(v)
    }
    pub fn list(&mut self) -> rusqlite::Result<Option<Vec<String>>> {
        self.parse_with(|s| serde_json::from_str(s).map_err(|e| e.to_string()))
    }
    pub fn enumv<E: DbEnum>(&mut self) -> rusqlite::Result<E> {
        let v = self.opt_enumv()?;
        self.required(v)
    }
    pub fn opt_enumv<E: DbEnum>(&mut self) -> rusqlite::Result<Option<E>> {
        self.parse_with(|s| s.parse::<E>().map_err(|e| e.message))
    }
    pub fn hundredths(&mut self) -> rusqlite::Result<Hundredths> {
        Ok(Hundredths(self.next()?))
    }
}

/// Declares a model's table: its name and, in order, each field with its column (when the
/// column is not the field's name) and its kind (a method of [`Binder`] and [`RowReader`]).
#[macro_export]
macro_rules! table {
    ($ty:ty, $name:literal, [$($field:ident $(as $col:literal)? : $kind:ident),+ $(,)?]) => {
        impl $crate::row::Table for $ty {
            const NAME: &'static str = $name;
            const COLUMNS: &'static [&'static str] = &[$($crate::table!(@col $field $($col)?)),+];
            const KINDS: &'static [&'static str] = &[$(stringify!($kind)),+];
            fn from_row(row: &$crate::rusqlite::Row<'_>) -> $crate::rusqlite::Result<Self> {
                let mut r = $crate::row::RowReader::new(row);
                Ok(Self { $($field: r.$kind()?),+ })
            }
            fn bind(&self, b: &mut $crate::row::Binder<'_, '_>) -> $crate::rusqlite::Result<()> {
                $(b.$kind(&self.$field)?;)+
                Ok(())
            }
            fn id(&self) -> turbocat_domain::Uuid {
                self.id
            }
        }
    };
    (@col $field:ident) => { stringify!($field) };
    (@col $field:ident $col:literal) => { $col };
}
