//! Bounds on what a run holds in memory and writes (`docs/engine.md`, "What is recorded").
//!
//! - A step's resolved inputs and its output are at most the engine's `EngineConfig::value_limit` bytes as
//!   compact JSON text (measured by walking the value, without writing the text) and nested at
//!   most [`MAX_DEPTH`] arrays or objects deep; beyond either the step fails. The depth keeps
//!   every row a run writes readable: `serde_json` refuses text nested deeper than 128.
//! - What is logged or kept in `output_data` beyond its size limit is a preview of its text
//!   ([`bounded`]), made by writing at most the preview's bytes.
//! - Error messages are cut at [`MAX_ERROR_BYTES`], the error stack at [`MAX_ERROR_STACK_BYTES`],
//!   with a marker saying how much was cut ([`cut_text`]).

use serde_json::{json, Value as Json};
use std::fmt::Write as _;

/// How deep a step's inputs or output may nest arrays and objects. What is stored wraps them in
/// a level or two (`output_data.<step>`, a log row's `metadata.output`), well under
/// `serde_json`'s limit of 128.
pub const MAX_DEPTH: usize = 100;

/// An error message (of a step, an attempt, a run) is cut beyond this many bytes.
pub const MAX_ERROR_BYTES: usize = 8 * 1024;

/// The error stack of a run (every failed step's message) is cut beyond this many bytes.
pub const MAX_ERROR_STACK_BYTES: usize = 64 * 1024;

/// Why a value is out of bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    /// Its JSON text is longer than the limit.
    Size,
    /// It nests arrays or objects deeper than the limit.
    Depth,
}

/// A running measure of JSON text: the bytes so far, and the limits.
#[derive(Debug, Clone)]
pub struct Meter {
    pub bytes: usize,
    pub limit: usize,
    pub max_depth: usize,
}

impl Meter {
    pub fn new(limit: usize, max_depth: usize) -> Meter {
        Meter { bytes: 0, limit, max_depth }
    }

    /// Adds `v`'s text, nested `depth` levels below the root of what is measured; stops at the
    /// first limit passed.
    pub fn add(&mut self, v: &Json, depth: usize) -> Result<(), Over> {
        match v {
            Json::Null | Json::Bool(true) => self.bytes += 4,
            Json::Bool(false) => self.bytes += 5,
            Json::Number(n) => {
                let mut c = Count(0);
                let _ = write!(c, "{n}");
                self.bytes += c.0;
            }
            Json::String(s) => self.bytes += string_len(s),
            Json::Array(a) => {
                if depth + 1 > self.max_depth {
                    return Err(Over::Depth);
                }
                self.bytes += 2 + a.len().saturating_sub(1);
                for x in a {
                    self.check()?;
                    self.add(x, depth + 1)?;
                }
            }
            Json::Object(m) => {
                if depth + 1 > self.max_depth {
                    return Err(Over::Depth);
                }
                self.bytes += 2 + m.len().saturating_sub(1);
                for (k, x) in m {
                    self.bytes += string_len(k) + 1;
                    self.check()?;
                    self.add(x, depth + 1)?;
                }
            }
        }
        self.check()
    }

    fn check(&self) -> Result<(), Over> {
        if self.bytes > self.limit {
            Err(Over::Size)
        } else {
            Ok(())
        }
    }
}

/// The length of `v` as compact JSON text (what `v.to_string()` would write), when it is at
/// most `limit` bytes long and nested at most `max_depth` levels.
pub fn measure(v: &Json, limit: usize, max_depth: usize) -> Result<usize, Over> {
    let mut m = Meter::new(limit, max_depth);
    m.add(v, 0)?;
    Ok(m.bytes)
}

/// Nested levels of arrays and objects in `v`, when at most `max_depth`.
pub fn depth_within(v: &Json, max_depth: usize) -> bool {
    measure(v, usize::MAX, max_depth).is_ok()
}

/// The length of a string as JSON text: quotes and escapes (serde_json escapes `"`, `\` and
/// control characters; `\b \f \n \r \t` in two bytes, the others as `\u00XX`).
pub(crate) fn string_len(s: &str) -> usize {
    let mut n = s.len() + 2;
    for b in s.bytes() {
        match b {
            b'"' | b'\\' | 0x08 | 0x0c | b'\n' | b'\r' | b'\t' => n += 1,
            0..=0x1f => n += 5,
            _ => {}
        }
    }
    n
}

struct Count(usize);

impl std::fmt::Write for Count {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

/// Keeps the first `keep` bytes written and counts them all.
struct Capture {
    kept: Vec<u8>,
    keep: usize,
    total: usize,
}

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = self.keep.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&buf[..room.min(buf.len())]);
        self.total += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The first `limit` bytes of `v`'s JSON text (cut at a character boundary), and the length of
/// the whole text. Only the kept bytes are held in memory.
pub fn preview_text(v: &Json, limit: usize) -> (String, usize) {
    let mut c = Capture { kept: Vec::with_capacity(limit.min(1 << 20)), keep: limit, total: 0 };
    let _ = serde_json::to_writer(&mut c, v);
    let mut cut = c.kept.len();
    // The kept bytes are valid UTF-8 up to the last whole character.
    let text = loop {
        match std::str::from_utf8(&c.kept[..cut]) {
            Ok(t) => break t.to_string(),
            Err(e) => cut = e.valid_up_to(),
        }
    };
    (text, c.total)
}

/// The start of `s`, at most `limit` bytes, cut at a character boundary.
pub fn cut_at(s: &str, limit: usize) -> &str {
    if s.len() <= limit {
        return s;
    }
    let mut cut = limit;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    &s[..cut]
}

/// JSON bounded in size and depth: small values as they are; larger (or too deeply nested)
/// ones as `{truncated: true, bytes, preview}`, a preview of their text.
pub fn bounded(v: &Json, limit: usize) -> Json {
    bounded_sized(v, limit).0
}

/// [`bounded`], with the length of what it returns as JSON text (at most about `limit`).
pub fn bounded_sized(v: &Json, limit: usize) -> (Json, usize) {
    match measure(v, limit, MAX_DEPTH) {
        Ok(n) => (v.clone(), n),
        Err(_) => {
            let (preview, bytes) = preview_text(v, limit);
            let len = preview.len();
            (json!({ "truncated": true, "bytes": bytes, "preview": preview }), len)
        }
    }
}

/// A text cut at `limit` bytes (at a character boundary), with a marker saying how much was
/// cut; shorter texts as they are.
pub fn cut_text(s: &str, limit: usize) -> String {
    if s.len() <= limit {
        return s.to_string();
    }
    let mut cut = limit;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}… [cut: {} more bytes]", &s[..cut], s.len() - cut)
}

/// [`cut_text`] in place, for a text that is usually short.
pub fn cut_string(s: String, limit: usize) -> String {
    if s.len() <= limit {
        s
    } else {
        cut_text(&s, limit)
    }
}

/// A size in bytes for messages: `64 MiB`, `8 KiB`, `100 bytes`.
pub fn size_text(n: usize) -> String {
    if n >= 1 << 20 && n & ((1 << 20) - 1) == 0 {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n & ((1 << 10) - 1) == 0 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn arb_json() -> impl Strategy<Value = Json> {
        let leaf = prop_oneof![
            Just(Json::Null),
            any::<bool>().prop_map(Json::from),
            any::<i64>().prop_map(Json::from),
            any::<u64>().prop_map(Json::from),
            any::<f64>().prop_map(Json::from),
            ".{0,12}".prop_map(Json::from),
            "[\"\\\\\u{0}-\u{1f}\u{7f}é€😀]{0,6}".prop_map(Json::from),
        ];
        leaf.prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Json::Array),
                proptest::collection::btree_map(".{0,4}", inner, 0..5)
                    .prop_map(|m| Json::Object(m.into_iter().collect())),
            ]
        })
    }

    fn depth(v: &Json) -> usize {
        match v {
            Json::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
            Json::Object(m) => 1 + m.values().map(depth).max().unwrap_or(0),
            _ => 0,
        }
    }

    proptest! {
        /// The measure is the length of the text serde_json writes, and the limits hold exactly.
        #[test]
        fn measure_is_the_text_length(v in arb_json()) {
            let text = v.to_string();
            prop_assert_eq!(measure(&v, usize::MAX, usize::MAX), Ok(text.len()));
            prop_assert_eq!(measure(&v, text.len(), usize::MAX), Ok(text.len()));
            if !text.is_empty() {
                prop_assert_eq!(measure(&v, text.len() - 1, usize::MAX), Err(Over::Size));
            }
            let d = depth(&v);
            prop_assert!(depth_within(&v, d));
            if d > 0 {
                prop_assert!(!depth_within(&v, d - 1));
            }
        }

        /// A preview is the start of the text, and counts all of it.
        #[test]
        fn previews_are_prefixes(v in arb_json(), limit in 0usize..60) {
            let text = v.to_string();
            let (p, n) = preview_text(&v, limit);
            prop_assert_eq!(n, text.len());
            prop_assert!(text.starts_with(&p) && p.len() <= limit && p.len() + 4 > limit.min(text.len()));
        }
    }

    #[test]
    fn deep_values_become_previews_and_texts_are_cut() {
        let mut v = json!(1);
        for _ in 0..150 {
            v = json!({ "w": v });
        }
        assert_eq!(measure(&v, usize::MAX, MAX_DEPTH), Err(Over::Depth));
        let b = bounded(&v, 16 * 1024);
        assert_eq!(b["truncated"], json!(true));
        assert!(b["preview"].as_str().unwrap().starts_with("{\"w\":{\"w\":"));
        assert_eq!(cut_text("abc", 3), "abc");
        assert_eq!(cut_text("abcdef", 3), "abc… [cut: 3 more bytes]");
        assert_eq!(cut_text("ééé", 3), "é… [cut: 4 more bytes]");
        assert_eq!(
            (size_text(64 << 20), size_text(8 << 10), size_text(100)),
            ("64 MiB".into(), "8 KiB".into(), "100 bytes".into())
        );
    }
}
