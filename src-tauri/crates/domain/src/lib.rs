//! The Turbocat domain: the ten models, their enums, ids, timestamps, errors and the pure
//! validation rules of `docs/rules.md`. No I/O lives here, so every layer above can share it.

pub mod clock;
pub mod enums;
pub mod error;
pub mod flow;
pub mod graph;
pub mod models;
pub mod time;
pub mod validate;

pub use enums::*;
pub use error::{Error, ErrorCode, FieldError, Result};
pub use models::*;
pub use time::Timestamp;
pub use uuid::Uuid;

use serde::{Deserialize, Serialize};

/// A new primary key: UUIDv7, so ids made on one device sort by creation time.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// Parses an id given by a caller; anything but a UUID is `Invalid id format`.
pub fn parse_id(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| Error::validation_field("id", "Invalid id format"))
}

/// One page of a list, with what a pager needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u32,
    pub page_size: u32,
    pub total_pages: u32,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: u64, page: u32, page_size: u32) -> Self {
        let total_pages = total.div_ceil(u64::from(page_size.max(1))) as u32;
        Page { items, total, page, page_size, total_pages }
    }
}
