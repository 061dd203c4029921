//! The error type of every command: a `turbocat_domain::Error` as the UI receives it,
//! `{code, message, fields?}`, plus the conversions from failures of the shell itself.

use serde::Serialize;
use turbocat_domain::Error;

/// What a command rejects with. It serializes exactly like the domain error, so the UI branches
/// on `code` and never has to match message strings.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct CommandError(Error);

pub type CommandResult<T> = Result<T, CommandError>;

impl CommandError {
    pub fn inner(&self) -> &Error {
        &self.0
    }
}

impl From<Error> for CommandError {
    fn from(error: Error) -> Self {
        CommandError(error)
    }
}

/// A failure of Tauri itself (for example a blocking task that panicked) is never the user's
/// doing, so it is reported as INTERNAL with Tauri's own wording.
impl From<tauri::Error> for CommandError {
    fn from(error: tauri::Error) -> Self {
        CommandError(Error::internal(format!("desktop shell error: {error}")))
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for CommandError {}

#[cfg(test)]
mod tests {
    use super::*;
    use turbocat_domain::FieldError;

    #[test]
    fn serializes_like_the_domain_error() {
        let error = CommandError::from(Error::validation_field("name", "Name is required"));
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "VALIDATION_ERROR",
                "message": "Name is required",
                "fields": [{"field": "name", "message": "Name is required"}],
            })
        );
        assert_eq!(error.inner().fields, vec![FieldError { field: "name".into(), message: "Name is required".into() }]);
    }

    #[test]
    fn omits_fields_when_there_are_none() {
        let json = serde_json::to_value(CommandError::from(Error::not_found("Agent"))).unwrap();
        assert_eq!(json, serde_json::json!({"code": "NOT_FOUND", "message": "Agent not found"}));
    }
}
