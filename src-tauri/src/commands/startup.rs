//! How long the app takes to show data: the UI reports its first painted frame with data, and
//! when `scripts/measure-app.sh` launched the app (it sets [`LAUNCHED_AT_ENV`]), the time from
//! launch to that frame is printed on stdout as one JSON line. Without the variable this does
//! nothing, so normal runs pay nothing for it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The Unix time, in milliseconds, at which a measuring script started the process.
pub const LAUNCHED_AT_ENV: &str = "TURBOCAT_LAUNCHED_AT_MS";

static REPORTED: AtomicBool = AtomicBool::new(false);

/// Milliseconds from `launched_at_ms` to `now_ms`; `None` for a clock that went backwards.
pub fn elapsed_ms(launched_at_ms: u128, now_ms: u128) -> Option<u128> {
    now_ms.checked_sub(launched_at_ms)
}

/// Called by the UI once, after the first frame that shows data has been painted.
#[tauri::command]
pub async fn startup_painted() {
    let Some(launched) = std::env::var(LAUNCHED_AT_ENV).ok().and_then(|v| v.parse::<u128>().ok()) else {
        return;
    };
    if REPORTED.swap(true, Ordering::Relaxed) {
        return;
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    if let Some(ms) = elapsed_ms(launched, now) {
        println!("{{\"firstPaintWithDataMs\":{ms}}}");
    }
}

#[cfg(test)]
mod tests {
    use super::elapsed_ms;

    #[test]
    fn elapsed_is_the_difference_and_refuses_a_backwards_clock() {
        assert_eq!(elapsed_ms(1_000, 1_750), Some(750));
        assert_eq!(elapsed_ms(2_000, 1_000), None);
    }
}
