//! Field rules shared by every service (`docs/rules.md`, "Common fields" and per-model limits).
//! A [`Checker`] collects every field problem of one request, so the caller sees them all at once.

use crate::error::{Error, FieldError, Result};
use std::str::FromStr;

#[derive(Default)]
pub struct Checker {
    fields: Vec<FieldError>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.fields.push(FieldError { field: field.to_string(), message: message.into() });
    }

    /// A required name: trimmed first, then 1–`max` characters (the hosted service checked length
    /// before trimming; we do it after).
    pub fn name(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        let n = v.chars().count();
        if n == 0 {
            self.fail(field, format!("{field} is required"));
        } else if n > max {
            self.fail(field, format!("{field} must be at most {max} characters"));
        }
        v.to_string()
    }

    pub fn max_len(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(v) = value {
            if v.chars().count() > max {
                self.fail(field, format!("{field} must be at most {max} characters"));
            }
        }
    }

    pub fn description(&mut self, value: Option<&str>) {
        self.max_len("description", value, 2000);
    }

    pub fn range(&mut self, field: &str, value: i64, min: i64, max: i64) {
        if value < min || value > max {
            self.fail(field, format!("{field} must be between {min} and {max}"));
        }
    }

    pub fn tags(&mut self, tags: &[String]) {
        if tags.len() > 20 {
            self.fail("tags", "At most 20 tags are allowed");
        }
        for t in tags {
            let n = t.chars().count();
            if n == 0 || n > 50 {
                self.fail("tags", format!("Each tag must be 1-50 characters (got {t:?})"));
            }
        }
    }

    pub fn object(&mut self, field: &str, value: &serde_json::Value) {
        if !value.is_object() {
            self.fail(field, format!("{field} must be an object"));
        }
    }

    pub fn array(&mut self, field: &str, value: &serde_json::Value) {
        if !value.is_array() {
            self.fail(field, format!("{field} must be an array"));
        }
    }

    pub fn step_key(&mut self, field: &str, key: &str) {
        let ok = !key.is_empty()
            && key.len() <= 100
            && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !ok {
            self.fail(field, format!("Step key {key:?} must be 1-100 characters of letters, digits, _ or -"));
        }
    }

    /// The schedule must parse as cron and name a real IANA zone (the hosted service only
    /// checked the length).
    pub fn schedule(&mut self, cron: Option<&str>, timezone: &str) {
        if let Some(c) = cron {
            if c.chars().count() > 100 {
                self.fail("scheduleCron", "scheduleCron must be at most 100 characters");
            } else if let Err(e) = croner::Cron::from_str(c) {
                self.fail("scheduleCron", format!("Invalid cron expression {c:?}: {e}"));
            }
        }
        if timezone.parse::<chrono_tz::Tz>().is_err() {
            self.fail(
                "scheduleTimezone",
                format!("Unknown time zone {timezone:?} (use an IANA name like Europe/Paris)"),
            );
        } else if timezone.chars().count() > 50 {
            self.fail("scheduleTimezone", "scheduleTimezone must be at most 50 characters");
        }
    }

    pub fn email(&mut self, email: &str) {
        let ok = email.len() <= 255
            && email.split_once('@').is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !b.starts_with('.'))
            && !email.contains(char::is_whitespace);
        if !ok {
            self.fail("email", format!("Invalid email address {email:?}"));
        }
    }

    /// VALIDATION_ERROR listing every field, or Ok.
    pub fn finish(self) -> Result<()> {
        if self.fields.is_empty() {
            return Ok(());
        }
        let message = self.fields.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("; ");
        Err(Error { code: crate::ErrorCode::ValidationError, message, fields: self.fields })
    }
}

/// Next run times of a schedule, for display. Errors only when the schedule is invalid.
pub fn next_runs(cron: &str, timezone: &str, after: crate::Timestamp, count: usize) -> Result<Vec<crate::Timestamp>> {
    let c = croner::Cron::from_str(cron).map_err(|e| Error::validation(format!("Invalid cron expression: {e}")))?;
    let tz: chrono_tz::Tz =
        timezone.parse().map_err(|_| Error::validation(format!("Unknown time zone {timezone:?}")))?;
    let start = after.to_datetime().with_timezone(&tz);
    Ok(c.iter_after(start).take(count).map(|t| crate::Timestamp::from_millis(t.timestamp_millis())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_field() {
        let mut c = Checker::new();
        assert_eq!(c.name("name", "  ok  ", 255), "ok");
        c.name("name", "   ", 255);
        c.tags(&["x".repeat(51)]);
        c.schedule(Some("not cron"), "Mars/Base");
        let e = c.finish().unwrap_err();
        assert_eq!(e.fields.len(), 4, "{e:?}");
        assert_eq!(e.fields[0].message, "name is required");
    }

    #[test]
    fn next_runs_respects_timezone() {
        let after: crate::Timestamp = "2026-01-05T00:00:00.000Z".parse().unwrap();
        let runs = next_runs("0 9 * * 1", "Europe/Paris", after, 2).unwrap();
        assert_eq!(runs[0].to_string(), "2026-01-05T08:00:00.000Z");
        assert_eq!(runs[1].to_string(), "2026-01-12T08:00:00.000Z");
    }
}
