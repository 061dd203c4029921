//! Errors of the store, and their mapping onto the domain's coded errors.

use turbocat_domain::{Error, ErrorCode};

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration failed: {0}")]
    Migration(String),
    /// The file cannot be used by this build (newer schema, changed migration, not a Turbocat
    /// database); the message says what to do.
    #[error("{0}")]
    Refused(String),
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
    #[error("stored value in {column} is not valid: {message}")]
    Corrupt { column: String, message: String },
}

impl StoreError {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        StoreError::Io { context: context.into(), source }
    }

    /// The name of the violated UNIQUE index or columns, when that is what failed.
    pub fn unique_violation(&self) -> Option<&str> {
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, Some(msg)))
                if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
            {
                Some(msg.as_str())
            }
            _ => None,
        }
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        if let Some(what) = e.unique_violation() {
            let what = what.trim_start_matches("UNIQUE constraint failed: ");
            return Error::new(ErrorCode::Conflict, format!("A row with the same {what} already exists"));
        }
        match e {
            StoreError::Refused(m) => Error::new(ErrorCode::BadRequest, m),
            other => Error::new(ErrorCode::Internal, other.to_string()),
        }
    }
}
