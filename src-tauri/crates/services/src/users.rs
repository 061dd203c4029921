//! The local profile (the current user), its updates and preferences.

use crate::{changes, now, Actor};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};
use turbocat_domain::{new_id, validate::Checker, Error, Result, User, UserRole, Uuid};
use turbocat_store::row;

pub struct Users<'a>(pub(crate) Actor<'a>);

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct UpdateProfile {
    pub email: Option<String>,
    pub full_name: Option<Option<String>>,
    pub avatar_url: Option<Option<String>>,
}

pub(crate) fn create_local_profile(conn: &rusqlite::Connection) -> Result<Uuid> {
    let t = now();
    let user = User {
        id: new_id(),
        email: "me@turbocat.local".into(),
        password_hash: None,
        full_name: Some("Local User".into()),
        avatar_url: None,
        role: UserRole::Admin,
        is_active: true,
        email_verified: false,
        email_verified_at: None,
        last_login_at: None,
        preferences: json!({ "theme": "system" }),
        created_at: t,
        updated_at: t,
        deleted_at: None,
    };
    row::insert(conn, &user)?;
    turbocat_store::queries::audit::record(
        conn,
        Some(user.id),
        "user.create",
        "user",
        Some(user.id),
        crate::snapshot(&user, "after"),
        json!({ "reason": "local profile created on first start" }),
    )?;
    Ok(user.id)
}

impl Users<'_> {
    pub fn profile(&self) -> Result<User> {
        let id = self.0.user_id;
        self.0.store().read(|c| row::get::<User>(c, id)?.ok_or_else(|| Error::not_found("User")))
    }

    pub fn get(&self, id: Uuid) -> Result<User> {
        self.0.store().read(|c| {
            row::get::<User>(c, id)?.filter(|u| u.deleted_at.is_none()).ok_or_else(|| Error::not_found("User"))
        })
    }

    pub fn update_profile(&self, input: UpdateProfile) -> Result<User> {
        if input.email.is_none() && input.full_name.is_none() && input.avatar_url.is_none() {
            return Err(Error::validation("No fields to update"));
        }
        let mut c = Checker::new();
        if let Some(e) = &input.email {
            c.email(e.trim());
        }
        if let Some(Some(n)) = &input.full_name {
            c.max_len("fullName", Some(n), 255);
        }
        c.finish()?;
        self.0.store().write(|tx| {
            let before = row::get::<User>(tx, self.0.user_id)?.ok_or_else(|| Error::not_found("User"))?;
            let mut u = before.clone();
            if let Some(e) = input.email {
                u.email = e.trim().to_lowercase();
            }
            if let Some(n) = input.full_name {
                u.full_name = n.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
            }
            if let Some(a) = input.avatar_url {
                u.avatar_url = a;
            }
            u.updated_at = now();
            row::update(tx, &u).map_err(|e| match e.unique_violation() {
                Some(_) => Error::conflict(format!("Email {} is already in use", u.email)),
                None => e.into(),
            })?;
            self.0.audit_row(tx, "user.update", "user", Some(u.id), changes(&before, &u))?;
            Ok(u)
        })
    }

    pub fn preferences(&self) -> Result<Json> {
        Ok(self.profile()?.preferences)
    }

    /// Merges `patch` into the preferences (a key set to null is removed).
    pub fn update_preferences(&self, patch: Json) -> Result<Json> {
        let Json::Object(patch) = patch else {
            return Err(Error::validation_field("preferences", "preferences must be an object"));
        };
        if patch.is_empty() {
            return Err(Error::validation("No fields to update"));
        }
        self.0.store().write(|tx| {
            let before = row::get::<User>(tx, self.0.user_id)?.ok_or_else(|| Error::not_found("User"))?;
            let mut u = before.clone();
            let prefs = u.preferences.as_object_mut().ok_or_else(|| Error::internal("preferences is not an object"))?;
            for (k, v) in patch {
                if v.is_null() {
                    prefs.remove(&k);
                } else {
                    prefs.insert(k, v);
                }
            }
            u.updated_at = now();
            row::update(tx, &u)?;
            self.0.audit_row(tx, "user.update", "user", Some(u.id), changes(&before, &u))?;
            Ok(u.preferences)
        })
    }
}
