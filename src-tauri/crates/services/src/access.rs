//! Who may see and change a row (docs/rules.md, "Ownership"): the one home of "visible to me"
//! and "owned by me", both as a check of a loaded row and as the filter of a list.
//!
//! A row is visible to its owner and, when it is shared (a public agent or workflow, an official
//! or public template), to everyone; a deleted row to no one. A row that is not visible is
//! NOT_FOUND, never FORBIDDEN, so ids of others' private rows are not confirmed. Changing a row
//! needs it to be owned: a visible row of someone else's is FORBIDDEN.

use crate::not_found;
use turbocat_domain::{Agent, ApiKey, Deployment, Error, Execution, Result, Template, Uuid, Workflow};
use turbocat_store::queries::{uuid_value, Filter};
use turbocat_store::row::{self, Table};

/// A model with an owner.
pub(crate) trait Owned: Table {
    /// Its name in a NOT_FOUND message (`Agent not found`).
    const NOUN: &'static str;
    /// The SQL condition of a shared row, for lists (none: only the owner's rows are listed).
    const SHARED_SQL: Option<&'static str>;
    fn owner(&self) -> Option<Uuid>;
    fn deleted(&self) -> bool;
    /// Visible to everyone.
    fn shared(&self) -> bool;
}

macro_rules! owned {
    ($t:ty, $noun:expr, $sql:expr, |$r:ident| owner: $owner:expr, deleted: $deleted:expr, shared: $shared:expr) => {
        impl Owned for $t {
            const NOUN: &'static str = $noun;
            const SHARED_SQL: Option<&'static str> = $sql;
            #[allow(unused_variables)]
            fn owner(&self) -> Option<Uuid> {
                let $r = self;
                $owner
            }
            #[allow(unused_variables)]
            fn deleted(&self) -> bool {
                let $r = self;
                $deleted
            }
            #[allow(unused_variables)]
            fn shared(&self) -> bool {
                let $r = self;
                $shared
            }
        }
    };
}

owned!(Agent, "Agent", Some("is_public = 1"), |a| owner: Some(a.user_id), deleted: a.deleted_at.is_some(), shared: a.is_public);
owned!(Workflow, "Workflow", Some("is_public = 1"), |w| owner: Some(w.user_id), deleted: w.deleted_at.is_some(), shared: w.is_public);
owned!(Template, "Template", Some("is_official = 1 OR is_public = 1"), |t| owner: t.user_id, deleted: t.deleted_at.is_some(), shared: t.is_official || t.is_public);
owned!(Deployment, "Deployment", None, |d| owner: Some(d.user_id), deleted: d.deleted_at.is_some(), shared: false);
owned!(ApiKey, "API key", None, |k| owner: Some(k.user_id), deleted: k.deleted_at.is_some(), shared: false);
owned!(Execution, "Execution", None, |e| owner: Some(e.user_id), deleted: false, shared: false);

/// Whether `me` owns `r` or it is shared, deleted or not (an agent's version history lists
/// deleted versions).
pub(crate) fn readable<T: Owned>(r: &T, me: Uuid) -> bool {
    r.owner() == Some(me) || r.shared()
}

/// Whether `r` is visible to `me`: not deleted, and theirs or shared.
pub(crate) fn can_see<T: Owned>(r: &T, me: Uuid) -> bool {
    !r.deleted() && readable(r, me)
}

/// Loads a row visible to `me`, or NOT_FOUND.
pub(crate) fn visible<T: Owned>(conn: &rusqlite::Connection, me: Uuid, id: Uuid) -> Result<T> {
    row::get::<T>(conn, id)?.filter(|r| can_see(r, me)).ok_or_else(|| not_found(T::NOUN))
}

/// Loads a row `me` owns: NOT_FOUND when it is not visible, FORBIDDEN when it is someone
/// else's shared row ("This agent belongs to another user").
pub(crate) fn owned<T: Owned>(conn: &rusqlite::Connection, me: Uuid, id: Uuid) -> Result<T> {
    let r = visible::<T>(conn, me, id)?;
    if r.owner() != Some(me) {
        return Err(Error::forbidden(format!("This {} belongs to another user", T::NOUN.to_lowercase())));
    }
    Ok(r)
}

/// Loads an execution visible to `me`: theirs, or a run of a workflow visible to them (a
/// public workflow's runs); NOT_FOUND otherwise.
pub(crate) fn visible_execution(conn: &rusqlite::Connection, me: Uuid, id: Uuid) -> Result<Execution> {
    let e = row::get::<Execution>(conn, id)?.ok_or_else(|| not_found(Execution::NOUN))?;
    if e.user_id != me {
        visible::<Workflow>(conn, me, e.workflow_id).map_err(|_| not_found(Execution::NOUN))?;
    }
    Ok(e)
}

/// Restricts a list of `T` to the rows visible to `me` (not deleted is the caller's), or to
/// theirs alone with `mine_only`.
pub(crate) fn filter<T: Owned>(f: &mut Filter, me: Uuid, mine_only: bool) {
    match T::SHARED_SQL {
        Some(shared) if !mine_only => {
            f.and(&format!("user_id = ? OR {shared}"), [uuid_value(me)]);
        }
        _ => {
            f.eq("user_id", uuid_value(me));
        }
    }
}
