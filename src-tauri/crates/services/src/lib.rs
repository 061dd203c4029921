//! The service layer: the one set of functions the desktop UI, the CLI and any local API call.
//! Every rule of `docs/rules.md` is enforced here, once, and reaches the caller as a coded
//! [`Error`]. Every write is one store transaction that also writes its audit row.

pub(crate) mod access;
pub mod agents;
pub mod api_keys;
pub mod audit;
pub mod bundle;
pub mod data;
pub mod deployments;
pub mod executions;
pub mod list;
pub mod llm_settings;
pub mod runs;
pub mod seed;
pub mod stats;
pub mod templates;
pub mod users;
pub mod workflows;

pub use turbocat_store::secrets;

use serde_json::{json, Map, Value as Json};
use std::path::Path;
use std::sync::Mutex;
use turbocat_domain::{Error, Result, Timestamp, Uuid};
use turbocat_store::queries::settings;
use turbocat_store::Store;

pub use list::ListParams;

#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Seed the demo content when the database is new (the desktop app's first start).
    pub seed_on_first_start: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions { seed_on_first_start: true }
    }
}

/// The open database plus who is acting. `Send + Sync`: share it in an `Arc`.
pub struct Services {
    store: Store,
    user_id: Uuid,
    secrets: secrets::SecretBox,
    rate_windows: Mutex<api_keys::RateWindows>,
    /// What the first-start seed wrote, when this open was the database's first start.
    pub first_start_seed: Option<seed::SeedReport>,
}

pub use turbocat_store::queries::settings::{CLOCK_OFFSET_KEY, CURRENT_USER_KEY};

impl Services {
    /// Opens (and migrates) the database, makes sure the local profile exists, and seeds the
    /// demo content on first start when asked.
    pub fn open(path: &Path, opts: OpenOptions) -> Result<Services> {
        let store = Store::open(path)?;
        let secrets = secrets::SecretBox::open(path)?;
        let (user_id, first_start_seed) = store.write(|tx| -> Result<(Uuid, Option<seed::SeedReport>)> {
            deployments::seal_plain_vars(tx, &secrets)?;
            if let Some(ms) = settings::get(tx, CLOCK_OFFSET_KEY)?.and_then(|v| v.as_i64()) {
                turbocat_domain::clock::set_server_offset(ms);
            }
            if let Some(id) = settings::get(tx, CURRENT_USER_KEY)?.and_then(|v| v.as_str().and_then(|s| s.parse().ok()))
            {
                if turbocat_store::row::get::<turbocat_domain::User>(tx, id)?.is_some() {
                    return Ok((id, None));
                }
            }
            // First start. With the demo seed, the local profile is the seed's admin, so the
            // demo content is the user's own and fully editable; without it, a fresh profile.
            let (id, report) = if opts.seed_on_first_start {
                let report = seed::apply(tx)?;
                (seed::ADMIN_ID, Some(report))
            } else {
                (users::create_local_profile(tx)?, None)
            };
            settings::set(tx, CURRENT_USER_KEY, &json!(id.to_string()))?;
            Ok((id, report))
        })?;
        Ok(Services { store, user_id, secrets, rate_windows: Mutex::new(Default::default()), first_start_seed })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The local profile: the user every service acts as.
    pub fn current_user_id(&self) -> Uuid {
        self.user_id
    }

    pub fn users(&self) -> users::Users<'_> {
        self.local().users()
    }
    pub fn agents(&self) -> agents::Agents<'_> {
        self.local().agents()
    }
    pub fn workflows(&self) -> workflows::Workflows<'_> {
        self.local().workflows()
    }
    pub fn templates(&self) -> templates::Templates<'_> {
        self.local().templates()
    }
    pub fn deployments(&self) -> deployments::Deployments<'_> {
        self.local().deployments()
    }
    pub fn api_keys(&self) -> api_keys::ApiKeys<'_> {
        self.local().api_keys()
    }
    pub fn executions(&self) -> executions::Executions<'_> {
        self.local().executions()
    }
    /// What the workflow engine records (start, logs, finish, recovery at open).
    pub fn runs(&self) -> runs::Runs<'_> {
        self.local().runs()
    }
    pub fn audit(&self) -> audit::Audit<'_> {
        self.local().audit()
    }
    pub fn data(&self) -> data::Data<'_> {
        self.local().data()
    }
    pub fn stats(&self) -> stats::Stats<'_> {
        self.local().stats()
    }
    pub fn llm_settings(&self) -> llm_settings::LlmSettingsService<'_> {
        self.local().llm_settings()
    }

    /// A bundle of the local profile's rows (`bundle`).
    pub fn export(&self, sel: &bundle::ExportSelection) -> Result<bundle::Bundle> {
        self.local().export(sel)
    }
    pub fn import_json(&self, text: &str, opts: &bundle::ImportOptions) -> Result<bundle::ImportReport> {
        self.local().import_json(text, opts)
    }
    pub fn import(&self, b: bundle::Bundle, opts: &bundle::ImportOptions) -> Result<bundle::ImportReport> {
        self.local().import(b, opts)
    }

    /// The services acting as the local profile (what the app and the CLI do).
    pub fn local(&self) -> Actor<'_> {
        Actor { svc: self, user_id: self.user_id, caller: None }
    }

    /// The services acting as `user_id` for one request of the local server: every rule of
    /// ownership and every audit row is theirs, with the request's `caller` (IP, user agent).
    pub fn acting_as<'a>(&'a self, user_id: Uuid, caller: Option<&'a Caller>) -> Actor<'a> {
        Actor { svc: self, user_id, caller }
    }
}

pub use turbocat_store::queries::audit::Caller;

impl Drop for Services {
    /// The API keys' uses counted since their last write are written when the services close.
    fn drop(&mut self) {
        let _ = self.api_keys().write_uses();
    }
}

/// Who a service call acts for: the local profile, or the local server's authenticated caller
/// ([`Services::acting_as`]). Each service (`actor.agents()`, …) reads the user from here, never
/// from [`Services`], so one request's user cannot leak into another's.
#[derive(Clone, Copy)]
pub struct Actor<'a> {
    svc: &'a Services,
    pub(crate) user_id: Uuid,
    caller: Option<&'a Caller>,
}

impl std::ops::Deref for Actor<'_> {
    type Target = Services;
    fn deref(&self) -> &Services {
        self.svc
    }
}

impl<'a> Actor<'a> {
    /// The user this call acts for.
    pub fn current_user_id(&self) -> Uuid {
        self.user_id
    }

    pub fn users(self) -> users::Users<'a> {
        users::Users(self)
    }
    pub fn agents(self) -> agents::Agents<'a> {
        agents::Agents(self)
    }
    pub fn workflows(self) -> workflows::Workflows<'a> {
        workflows::Workflows(self)
    }
    pub fn templates(self) -> templates::Templates<'a> {
        templates::Templates(self)
    }
    pub fn deployments(self) -> deployments::Deployments<'a> {
        deployments::Deployments(self)
    }
    pub fn api_keys(self) -> api_keys::ApiKeys<'a> {
        api_keys::ApiKeys(self)
    }
    pub fn executions(self) -> executions::Executions<'a> {
        executions::Executions(self)
    }
    pub fn runs(self) -> runs::Runs<'a> {
        runs::Runs(self)
    }
    pub fn audit(self) -> audit::Audit<'a> {
        audit::Audit(self)
    }
    pub fn data(self) -> data::Data<'a> {
        data::Data(self)
    }
    pub fn stats(self) -> stats::Stats<'a> {
        stats::Stats(self)
    }
    pub fn llm_settings(self) -> llm_settings::LlmSettingsService<'a> {
        llm_settings::LlmSettingsService(self)
    }

    /// Writes an audit row for an action of this call's user (with the request's caller, for
    /// the local server), inside the caller's transaction.
    pub(crate) fn audit_row(
        &self,
        conn: &rusqlite::Connection,
        action: &str,
        resource_type: &str,
        resource_id: Option<Uuid>,
        changes: Json,
    ) -> Result<()> {
        turbocat_store::queries::audit::record_from(
            conn,
            self.caller,
            Some(self.user_id),
            action,
            resource_type,
            resource_id,
            changes,
            json!({}),
        )?;
        Ok(())
    }
}

/// Now, for `updated_at` and friends: the hybrid clock (monotonic, with the far server's offset
/// once a sync has measured it).
pub(crate) fn now() -> Timestamp {
    turbocat_domain::clock::stamp()
}

/// The fields that differ between two serialized rows, as `{field: {before, after}}`;
/// `updatedAt` is left out (it always changes). Used for audit rows.
pub(crate) fn changes<T: serde::Serialize>(before: &T, after: &T) -> Json {
    let (Ok(Json::Object(b)), Ok(Json::Object(a))) = (serde_json::to_value(before), serde_json::to_value(after)) else {
        return json!({});
    };
    let mut out = Map::new();
    for (k, av) in &a {
        if k == "updatedAt" {
            continue;
        }
        let bv = b.get(k).unwrap_or(&Json::Null);
        if bv != av {
            out.insert(k.clone(), json!({ "before": bv, "after": av }));
        }
    }
    Json::Object(out)
}

/// The whole row as the "after" of a create (or "before" of a delete).
pub(crate) fn snapshot<T: serde::Serialize>(row: &T, key: &str) -> Json {
    json!({ key: serde_json::to_value(row).unwrap_or(Json::Null) })
}

pub(crate) fn not_found(what: &str) -> Error {
    Error::not_found(what)
}

impl Services {
    /// Writes what is missing of the demo seed; a second run writes nothing.
    pub fn seed(&self) -> Result<seed::SeedReport> {
        self.store.write(|tx| seed::apply(tx))
    }
}
