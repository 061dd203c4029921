//! API keys: create (the plain key returned once; only its SHA-256 and a display prefix kept),
//! list, revoke, verify with scopes and a per-key rate limit (`docs/rules.md`, "API keys").

use crate::access;
use crate::list::ListParams;
use crate::{now, Actor};
use rand::distributions::Alphanumeric;
use rand::Rng;
use serde::{Deserialize, Serialize};

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use turbocat_domain::{new_id, validate::Checker, ApiKey, Error, ErrorCode, Page, Result, Timestamp, User, Uuid};
use turbocat_store::queries::{self, uuid_value, Filter};
use turbocat_store::row;

pub struct ApiKeys<'a>(pub(crate) Actor<'a>);

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct CreateApiKey {
    pub name: String,
    pub scopes: Option<Vec<String>>,
    pub expires_at: Option<Timestamp>,
    pub rate_limit_per_minute: Option<i64>,
}

/// What create returns: the row and, this once, the plain key.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CreatedApiKey {
    pub key: String,
    pub api_key: ApiKey,
}

/// Per key: its fixed one-minute rate window (window start in minutes, uses in it; a fixed
/// window resets at each minute boundary, the hosted counter kept sliding and never reset), and
/// its uses not yet written.
#[derive(Default)]
pub(crate) struct RateWindows {
    windows: HashMap<Uuid, (i64, i64)>,
    unwritten: HashMap<Uuid, Unwritten>,
}

/// Uses of a key counted but not yet in its row. A use is written at most a second after the
/// last write of that key's uses (and whenever keys are listed, and when the services close),
/// so a burst of requests is not a burst of commits: each commit would make every list
/// recount its total.
struct Unwritten {
    uses: i64,
    last_at: Timestamp,
    written_at_ms: i64,
}

/// Uses of one key are written at most this often (ms).
const USE_WRITE_INTERVAL_MS: i64 = 1000;

const KEY_PREFIX: &str = "tc_";
const PREFIX_LEN: usize = 12;

pub fn hash_key(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `*` grants all; a scope grants itself and, written without a colon, every `scope:action`.
pub fn scope_grants(granted: &[String], wanted: &str) -> bool {
    granted.iter().any(|g| {
        g == "*"
            || g == wanted
            || (!g.contains(':') && wanted.strip_prefix(g.as_str()).is_some_and(|r| r.starts_with(':')))
    })
}

fn check_scopes(c: &mut Checker, scopes: &[String]) {
    for s in scopes {
        let ok = !s.is_empty()
            && s.len() <= 100
            && s.chars().all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, ':' | '_' | '-' | '*'));
        if !ok {
            c.fail("scopes", format!("Invalid scope {s:?}"));
        }
    }
}

impl ApiKeys<'_> {
    pub fn create(&self, input: CreateApiKey) -> Result<CreatedApiKey> {
        let mut c = Checker::new();
        let name = c.name("name", &input.name, 255);
        let scopes = input.scopes.unwrap_or_default();
        check_scopes(&mut c, &scopes);
        if let Some(r) = input.rate_limit_per_minute {
            c.range("rateLimitPerMinute", r, 1, 100_000);
        }
        if input.expires_at.is_some_and(|e| e <= Timestamp::now()) {
            c.fail("expiresAt", "expiresAt must be in the future");
        }
        c.finish()?;
        let secret: String = rand::thread_rng().sample_iter(&Alphanumeric).take(40).map(char::from).collect();
        let key = format!("{KEY_PREFIX}{secret}");
        let t = now();
        let row_ = ApiKey {
            id: new_id(),
            user_id: self.0.user_id,
            name,
            key_hash: hash_key(&key),
            key_prefix: key[..PREFIX_LEN].to_string(),
            scopes: Some(scopes),
            is_active: true,
            expires_at: input.expires_at,
            last_used_at: None,
            usage_count: 0,
            rate_limit_per_minute: input.rate_limit_per_minute.unwrap_or(60),
            created_at: t,
            updated_at: t,
            deleted_at: None,
        };
        self.0.store().write(|tx| {
            row::insert(tx, &row_)?;
            // The audit row holds the serialized row, which never includes the hash.
            self.0.audit_row(tx, "api_key.create", "api_key", Some(row_.id), crate::snapshot(&row_, "after"))
        })?;
        Ok(CreatedApiKey { key, api_key: row_ })
    }

    pub fn list(&self, params: &ListParams) -> Result<Page<ApiKey>> {
        self.write_uses()?;
        let r = params.resolve(
            &["created_at", "updated_at", "name", "last_used_at", "expires_at", "usage_count"],
            "created_at",
        )?;
        let mut f = Filter::new();
        f.not_deleted().eq("user_id", uuid_value(self.0.user_id));
        if let Some(s) = params.search_term() {
            f.search(&["name", "key_prefix"], s);
        }
        r.fetch::<ApiKey>(self.0.store(), &f)
    }

    /// Deactivates a key; it is refused from then on and stays listed as revoked.
    pub fn revoke(&self, id: Uuid) -> Result<ApiKey> {
        self.0.store().write(|tx| {
            let before = access::owned::<ApiKey>(tx, self.0.user_id, id)?;
            if !before.is_active {
                return Err(Error::bad_request("This API key is already revoked"));
            }
            let mut k = before.clone();
            k.is_active = false;
            k.updated_at = now();
            row::update(tx, &k)?;
            self.0.audit_row(tx, "api_key.revoke", "api_key", Some(id), crate::changes(&before, &k))?;
            Ok(k)
        })
    }

    /// Writes every key's uses not yet in its row.
    pub fn write_uses(&self) -> Result<()> {
        let pending: Vec<(Uuid, i64, Timestamp)> = {
            let mut state = self.0.rate_windows.lock().unwrap_or_else(|p| p.into_inner());
            let now_ms = Timestamp::now().millis();
            state
                .unwritten
                .iter_mut()
                .filter(|(_, u)| u.uses > 0)
                .map(|(id, u)| {
                    let n = std::mem::take(&mut u.uses);
                    u.written_at_ms = now_ms;
                    (*id, n, u.last_at)
                })
                .collect()
        };
        if pending.is_empty() {
            return Ok(());
        }
        self.0.store().write(|tx| {
            for (id, n, at) in &pending {
                turbocat_store::queries::lookups::api_key_used(tx, *id, *at, *n)?;
            }
            Ok(())
        })
    }

    /// Checks a presented key (and, when given, a scope it must grant); counts the use.
    pub fn verify(&self, presented: Option<&str>, scope: Option<&str>) -> Result<ApiKey> {
        self.authorize(presented, scope).map(|u| u.key).map_err(Error::from)
    }

    /// [`ApiKeys::verify`] with what a server answers: the use and its rate window, or why the
    /// key was refused, told apart (not authenticated, not allowed, over the limit).
    pub fn authorize(&self, presented: Option<&str>, scope: Option<&str>) -> std::result::Result<KeyUse, KeyRefusal> {
        let refuse = |m: &str| KeyRefusal::NotAuthenticated(m.to_string());
        let key = presented.map(str::trim).filter(|k| !k.is_empty()).ok_or_else(|| refuse("API key is required"))?;
        let hash = hash_key(key);
        let t = now();
        let k = self
            .0
            .store()
            .read(|c| {
                let mut f = Filter::new();
                f.eq("key_hash", hash.as_str());
                let Some(k) = queries::all::<ApiKey>(c, &f, "id")?.into_iter().next() else {
                    return Ok(Err(refuse("Invalid API key")));
                };
                let user = row::get::<User>(c, k.user_id)?;
                Ok::<_, Error>(Ok((k, user)))
            })
            .map_err(KeyRefusal::Failed)??;
        let (k, user) = k;
        if k.deleted_at.is_some() {
            return Err(refuse("Invalid API key"));
        }
        if !k.is_active {
            return Err(refuse("API key has been revoked"));
        }
        if k.expires_at.is_some_and(|e| e <= t) {
            return Err(refuse("API key has expired"));
        }
        if !user.is_some_and(|u| u.is_active && u.deleted_at.is_none()) {
            return Err(refuse("The user of this API key is inactive or deleted"));
        }
        if let Some(s) = scope {
            if !scope_grants(k.scopes.as_deref().unwrap_or(&[]), s) {
                return Err(KeyRefusal::NoScope(format!("API key does not grant the scope \"{s}\"")));
            }
        }
        let minute = t.millis().div_euclid(60_000);
        let reset_at = Timestamp::from_millis((minute + 1) * 60_000);
        let (used, unwritten, write) = {
            let mut state = self.0.rate_windows.lock().unwrap_or_else(|p| p.into_inner());
            let w = state.windows.entry(k.id).or_insert((minute, 0));
            if w.0 != minute {
                *w = (minute, 0);
            }
            if w.1 >= k.rate_limit_per_minute {
                let retry = 60 - (t.millis().div_euclid(1000) % 60);
                return Err(KeyRefusal::RateLimited {
                    message: format!(
                        "Rate limit of {} requests per minute exceeded; retry in {retry} s",
                        k.rate_limit_per_minute
                    ),
                    limit: k.rate_limit_per_minute,
                    reset_at,
                });
            }
            w.1 += 1;
            let used = w.1;
            let u = state.unwritten.entry(k.id).or_insert(Unwritten { uses: 0, last_at: t, written_at_ms: 0 });
            u.uses += 1;
            u.last_at = t;
            let uses = u.uses;
            let write = t.millis() - u.written_at_ms >= USE_WRITE_INTERVAL_MS;
            if write {
                (u.uses, u.written_at_ms) = (0, t.millis());
            }
            (used, uses, write)
        };
        if write {
            self.0
                .store()
                .write(|tx| Ok::<_, Error>(turbocat_store::queries::lookups::api_key_used(tx, k.id, t, unwritten)?))
                .map_err(KeyRefusal::Failed)?;
        }
        let limit = k.rate_limit_per_minute;
        Ok(KeyUse {
            key: ApiKey { last_used_at: Some(t), usage_count: k.usage_count + unwritten, ..k },
            limit,
            remaining: (limit - used).max(0),
            reset_at,
        })
    }
}

/// An accepted key's use: the key (its counters updated) and its rate window.
#[derive(Debug, Clone)]
pub struct KeyUse {
    pub key: ApiKey,
    /// Requests per minute the key may make.
    pub limit: i64,
    /// Left in this minute's window after this one.
    pub remaining: i64,
    /// When the window starts again.
    pub reset_at: Timestamp,
}

/// Why a key was refused (`docs/rules.md`, "API keys"), in the order the checks run.
#[derive(Debug, Clone)]
pub enum KeyRefusal {
    /// Missing, unknown, deleted, revoked, expired, or its user inactive.
    NotAuthenticated(String),
    /// Valid, but without the scope asked for.
    NoScope(String),
    RateLimited {
        message: String,
        limit: i64,
        reset_at: Timestamp,
    },
    /// The check itself failed (the database).
    Failed(Error),
}

impl From<KeyRefusal> for Error {
    fn from(r: KeyRefusal) -> Error {
        match r {
            KeyRefusal::NotAuthenticated(m) | KeyRefusal::NoScope(m) => Error::new(ErrorCode::Forbidden, m),
            KeyRefusal::RateLimited { message, .. } => Error::new(ErrorCode::RateLimited, message),
            KeyRefusal::Failed(e) => e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_prefix_rule() {
        let g = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(scope_grants(&g(&["*"]), "agents:write"));
        assert!(scope_grants(&g(&["agents"]), "agents:read"));
        assert!(scope_grants(&g(&["agents"]), "agents"));
        assert!(!scope_grants(&g(&["agents"]), "agentsx:read"));
        assert!(!scope_grants(&g(&["agents:read"]), "agents:write"));
        assert!(!scope_grants(&g(&["agents:read"]), "agents"));
        assert!(!scope_grants(&g(&[]), "agents:read"));
    }
}
