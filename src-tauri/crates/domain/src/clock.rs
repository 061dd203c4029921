//! The hybrid clock that stamps `updated_at` (docs/sync.md): the later of now plus the server
//! offset and the last stamp plus 1 ms. Stamps are monotonic in this process and, once a sync has measured
//! the far server's offset, comparable with the stamps the hosted project writes, so that last
//! writer wins by `updated_at` picks the edit that really came last.

use crate::Timestamp;
use std::sync::atomic::{AtomicI64, Ordering};

static SERVER_OFFSET_MS: AtomicI64 = AtomicI64::new(0);
static LAST_MS: AtomicI64 = AtomicI64::new(i64::MIN);

/// The next stamp: never earlier than the wall clock plus the server offset, always later than
/// the previous stamp.
pub fn stamp() -> Timestamp {
    let now = Timestamp::now().millis() + SERVER_OFFSET_MS.load(Ordering::Relaxed);
    let prev = LAST_MS
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |last| Some(now.max(last.saturating_add(1))))
        .unwrap_or(now);
    Timestamp::from_millis(now.max(prev.saturating_add(1)))
}

/// Far server time minus local time, as the last sync measured it.
pub fn set_server_offset(ms: i64) {
    SERVER_OFFSET_MS.store(ms, Ordering::Relaxed);
}

pub fn server_offset() -> i64 {
    SERVER_OFFSET_MS.load(Ordering::Relaxed)
}

/// Makes the next stamps later than `t` (a stamp seen from elsewhere, e.g. a pulled row).
pub fn observe(t: Timestamp) {
    LAST_MS.fetch_max(t.millis(), Ordering::AcqRel);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_strictly_increasing_even_within_one_millisecond() {
        let stamps: Vec<i64> = (0..1000).map(|_| stamp().millis()).collect();
        assert!(stamps.windows(2).all(|w| w[1] > w[0]));
        assert!(stamps[0] >= Timestamp::now().millis() - 1000);
    }

    #[test]
    fn observed_stamps_from_the_future_push_the_clock_forward() {
        let ahead = Timestamp::now().add_millis(3_600_000);
        observe(ahead);
        assert!(stamp() > ahead);
    }
}
