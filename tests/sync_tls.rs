//! Sync's TLS against a real Postgres that only accepts TLS (tests/support/tls.rs: a certificate
//! for localhost and 127.0.0.1 signed by a throw-away CA). A loopback host is plain TCP unless the
//! URL asks for TLS (`sslmode=require` or `verify-full`); then the certificate is verified
//! against the OS's CAs plus `sslrootcert=`: unknown CA refused, wrong host name refused, never
//! a fallback to plain TCP.

use crate::support::postgres::block_on;
use crate::support::tls::tls_server;
use turbocat_sync::{connect, Error, SyncConfig, TlsMode};

fn connect_err(url: &str) -> Error {
    let cfg = SyncConfig::parse(url).unwrap();
    assert_eq!(cfg.tls, TlsMode::Verify, "{url}");
    block_on(connect(&cfg)).expect_err("the connection should be refused")
}

#[test]
fn a_certificate_from_an_unknown_ca_is_refused() {
    let s = tls_server();
    for params in ["sslmode=require", "sslmode=verify-full"] {
        let url = s.url("localhost", params);
        match connect_err(&url) {
            Error::Connect { message, .. } => {
                assert!(message.contains("certificate") && message.contains("UnknownIssuer"), "{url}: {message}")
            }
            // A machine without any OS CA certificate says so before connecting.
            Error::Tls(m) => assert!(m.contains("certificate"), "{url}: {m}"),
            e => panic!("{url}: {e:?}"),
        }
    }
}

#[test]
fn sslrootcert_trusts_the_servers_ca_for_localhost_and_127_0_0_1() {
    let s = tls_server();
    let ca = s.ca_file();
    for (host, mode) in [("localhost", "require"), ("localhost", "verify-full"), ("127.0.0.1", "require")] {
        let url = s.url(host, &format!("sslmode={mode}&sslrootcert={}", ca.display()));
        let cfg = SyncConfig::parse(&url).unwrap();
        assert_eq!(cfg.tls, TlsMode::Verify);
        assert_eq!(cfg.ca_file.as_deref(), Some(ca.as_path()));
        block_on(async {
            let c = connect(&cfg).await.unwrap_or_else(|e| panic!("{url}: {e}"));
            let row = c
                .query_typed("SELECT 1::int4, (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid())", &[])
                .await
                .unwrap();
            assert_eq!(row[0].get::<_, i32>(0), 1);
            assert!(row[0].get::<_, bool>(1), "the session is encrypted");
        });
    }
}

#[test]
fn a_certificate_for_another_name_is_refused() {
    let s = tls_server();
    // The server's address, but TLS checks the name `other.invalid`, which its certificate
    // (localhost, 127.0.0.1) does not cover; the CA is trusted, so only the name is wrong.
    let url = format!(
        "postgres://postgres@other.invalid:{}/postgres?hostaddr=127.0.0.1&sslrootcert={}",
        s.port,
        s.ca_file().display()
    );
    match connect_err(&url) {
        Error::Connect { message, .. } => {
            assert!(message.contains("certificate not valid for name \"other.invalid\""), "{message}")
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn a_loopback_host_without_sslmode_is_plain_tcp_and_this_server_refuses_it() {
    let s = tls_server();
    let cfg = SyncConfig::parse(&s.url("127.0.0.1", "")).unwrap();
    assert_eq!(cfg.tls, TlsMode::Off);
    match block_on(connect(&cfg)).expect_err("plain TCP is refused by a hostssl-only server") {
        Error::Connect { message, .. } => assert!(message.contains("no encryption"), "{message}"),
        e => panic!("{e:?}"),
    }
}
