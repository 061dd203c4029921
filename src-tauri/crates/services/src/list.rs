//! Paging, sorting, search and tag parameters shared by every list (`docs/rules.md`, "Lists").

use serde::{Deserialize, Serialize};
use turbocat_domain::{validate::Checker, Page, Result};
use turbocat_store::queries::Filter;
use turbocat_store::{Store, Table};

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct ListParams {
    pub page: Option<u32>,
    pub page_size: Option<u32>,
    /// A whitelisted field, in API (`createdAt`) or column (`created_at`) spelling.
    pub sort_by: Option<String>,
    /// `asc` or `desc` (default `desc`).
    pub sort_order: Option<String>,
    pub search: Option<String>,
    pub tags: Option<Vec<String>>,
}

/// Checked paging and ordering, ready for the store.
pub struct Resolved {
    pub page: u32,
    pub page_size: u32,
    pub order: String,
}

impl Resolved {
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.page_size)
    }

    /// Runs the filter: this page of rows and the filter's total.
    pub fn fetch<T: Table>(&self, store: &Store, f: &Filter) -> Result<Page<T>> {
        let (items, total) = store.page::<T>(f, &self.order, self.page_size, self.offset())?;
        Ok(Page::new(items, total, self.page, self.page_size))
    }
}

/// `createdAt` → `created_at`: an API field name as its column.
pub fn snake(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

impl ListParams {
    /// Validates paging and resolves the sort against the list's whitelist of columns.
    pub fn resolve(&self, sortable: &[&str], default_sort: &str) -> Result<Resolved> {
        let mut c = Checker::new();
        let page = self.page.unwrap_or(1);
        let page_size = self.page_size.unwrap_or(20);
        if page < 1 {
            c.fail("page", "page must be at least 1");
        }
        if !(1..=100).contains(&page_size) {
            c.fail("pageSize", "pageSize must be between 1 and 100");
        }
        let column = match &self.sort_by {
            None => default_sort.to_string(),
            Some(s) => {
                let col = snake(s.trim());
                if !sortable.contains(&col.as_str()) {
                    c.fail("sortBy", format!("Cannot sort by {s:?}; allowed: {}", sortable.join(", ")));
                }
                col
            }
        };
        let dir = match self.sort_order.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("desc") => "DESC",
            Some("asc") => "ASC",
            Some(other) => {
                c.fail("sortOrder", format!("sortOrder must be asc or desc, not {other:?}"));
                "DESC"
            }
        };
        c.finish()?;
        Ok(Resolved { page, page_size, order: format!("{column} {dir}") })
    }

    pub fn search_term(&self) -> Option<&str> {
        self.search.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }

    /// Adds the search (over `columns`) and the tags filter, when given.
    pub fn search_and_tags(&self, f: &mut Filter, columns: &[&str]) {
        if let Some(s) = self.search_term() {
            f.search(columns, s);
        }
        if let Some(tags) = &self.tags {
            f.any_of("tags", tags);
        }
    }
}

/// For update inputs: a missing field is `None` (leave as is), `null` is `Some(None)` (clear).
pub fn nullable<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
