//! `/api/v1/users/me`: the caller's profile (never a password hash), and its update (scopes
//! `users:read`, `users:write`).

use super::{Auth, Ctx, UsersRead, UsersWrite};
use crate::http::{ok, resource, ApiResult, Body};
use crate::AppState;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::Value as Json;
use std::sync::Arc;
use turbocat_services::users::UpdateProfile;

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/api/v1/users/me", get(me).patch(update_me))
}

async fn me(cx: Ctx, Auth(a, _): Auth<UsersRead>) -> ApiResult {
    cx.answer(&a, move |s| s.users().profile(), |u| ok(resource("user", &u))).await
}

/// The hosted PATCH: `fullName`, `avatarUrl` (null clears), `preferences` (merged).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Patch {
    #[serde(flatten)]
    profile: UpdateProfile,
    preferences: Option<Json>,
}

async fn update_me(cx: Ctx, Auth(a, _): Auth<UsersWrite>, Body(patch): Body<Patch>) -> ApiResult {
    cx.answer(
        &a,
        move |s| {
            let Patch { profile, preferences } = patch;
            let touches_profile =
                profile.email.is_some() || profile.full_name.is_some() || profile.avatar_url.is_some();
            if let Some(p) = preferences {
                s.users().update_preferences(p)?;
                if !touches_profile {
                    return s.users().profile();
                }
            }
            s.users().update_profile(profile)
        },
        |u| ok(resource("user", &u)),
    )
    .await
}
