//! The far password in the OS keychain (docs/sync.md: never in SQLite or a log): the macOS
//! Keychain, the Windows Credential Manager, or on Linux the Secret Service (GNOME Keyring,
//! KWallet). One entry per far login, named by [`account`]; the saved connection in SQLite
//! holds the URL without its password.

use crate::{Error, Result, SyncConfig};

/// The keychain service every entry of this app is filed under.
pub const SERVICE: &str = "turbocat-desktop";

/// The entry name of a far login: `user@host:port/database` ([`SyncConfig::login`]), what a
/// user recognises in their keychain's list.
pub fn account(cfg: &SyncConfig) -> String {
    cfg.login()
}

fn entry(account: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, account).map_err(unavailable)
}

fn unavailable(e: keyring::Error) -> Error {
    Error::Keychain(match e {
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
            format!("the OS keychain cannot be used ({inner})")
        }
        other => format!("the OS keychain refused the password ({other})"),
    })
}

/// Saves (or replaces) the password of `account`.
pub fn save(account: &str, password: &str) -> Result<()> {
    entry(account)?.set_password(password).map_err(unavailable)
}

/// The saved password of `account`, or `None` when there is none.
pub fn load(account: &str) -> Result<Option<String>> {
    match entry(account)?.get_password() {
        Ok(p) => Ok(Some(p)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(unavailable(e)),
    }
}

/// Removes the password of `account`; no entry is not an error.
pub fn forget(account: &str) -> Result<()> {
    match entry(account)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(unavailable(e)),
    }
}
