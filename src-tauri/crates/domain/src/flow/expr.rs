//! Condition expressions (`docs/engine.md`, condition steps): comparisons, `&&`/`||`/`!` (also
//! `and`/`or`/`not`), parentheses, literals (numbers, quoted strings, true, false, null) and
//! references over the same names as templates (`inputs.count > 0 && fetch.statusCode == 200`;
//! a reference may also be written `{{ fetch.statusCode }}`).
//!
//! Comparisons: `==`/`!=` (also `===`/`!==`) compare JSON values, numbers by value; `<`, `<=`,
//! `>`, `>=` compare two numbers or two strings and are false otherwise. Truthiness is
//! JavaScript's: false, null, 0, "" are false; everything else is true.

use crate::flow::template::{lookup, Scope};
use serde_json::Value as Json;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ref(String),
    True,
    False,
    Null,
    Op(&'static str),
    LParen,
    RParen,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Lit(Json),
    Ref(String),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(&'static str, Box<Expr>, Box<Expr>),
}

fn tokenize(src: &str) -> Result<Vec<Tok>, String> {
    let b = src.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.' || c == b'[' || c == b']';
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let three = src.get(i..i + 3).unwrap_or("");
        let two = src.get(i..i + 2).unwrap_or("");
        if three == "===" || three == "!==" {
            out.push(Tok::Op(if three == "===" { "==" } else { "!=" }));
            i += 3;
            continue;
        }
        if two == "{{" {
            let end = src[i + 2..].find("}}").ok_or_else(|| format!("Unclosed {{{{ in condition {src:?}"))?;
            out.push(Tok::Ref(src[i + 2..i + 2 + end].trim().to_string()));
            i += end + 4;
            continue;
        }
        let op2 = ["==", "!=", "<=", ">=", "&&", "||"].into_iter().find(|o| *o == two);
        if let Some(o) = op2 {
            out.push(Tok::Op(o));
            i += 2;
            continue;
        }
        match c {
            b'<' => out.push(Tok::Op("<")),
            b'>' => out.push(Tok::Op(">")),
            b'!' => out.push(Tok::Op("!")),
            b'(' => out.push(Tok::LParen),
            b')' => out.push(Tok::RParen),
            b'"' | b'\'' => {
                let mut s = String::new();
                let mut j = i + 1;
                let mut closed = false;
                let chars: Vec<char> = src[j..].chars().collect();
                let mut k = 0;
                while k < chars.len() {
                    let ch = chars[k];
                    if ch == '\\' && k + 1 < chars.len() {
                        s.push(chars[k + 1]);
                        j += chars[k].len_utf8() + chars[k + 1].len_utf8();
                        k += 2;
                        continue;
                    }
                    j += ch.len_utf8();
                    k += 1;
                    if ch as u32 == c as u32 {
                        closed = true;
                        break;
                    }
                    s.push(ch);
                }
                if !closed {
                    return Err(format!("Unclosed string in condition {src:?}"));
                }
                out.push(Tok::Str(s));
                i = j;
                continue;
            }
            c if c.is_ascii_digit() || (c == b'-' && b.get(i + 1).is_some_and(|d| d.is_ascii_digit())) => {
                let start = i;
                i += 1;
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b'e' || b[i] == b'E') {
                    i += 1;
                }
                let n: f64 = src[start..i].parse().map_err(|_| format!("Invalid number {:?}", &src[start..i]))?;
                out.push(Tok::Num(n));
                continue;
            }
            c if is_ident(c) => {
                let start = i;
                while i < b.len() && is_ident(b[i]) {
                    i += 1;
                }
                let word = &src[start..i];
                out.push(match word {
                    "true" => Tok::True,
                    "false" => Tok::False,
                    "null" | "undefined" => Tok::Null,
                    "and" => Tok::Op("&&"),
                    "or" => Tok::Op("||"),
                    "not" => Tok::Op("!"),
                    _ => Tok::Ref(word.to_string()),
                });
                continue;
            }
            _ => return Err(format!("Unexpected {:?} in condition {src:?}", c as char)),
        }
        i += 1;
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn or(&mut self) -> Result<Expr, String> {
        let mut l = self.and()?;
        while self.peek() == Some(&Tok::Op("||")) {
            self.pos += 1;
            l = Expr::Or(Box::new(l), Box::new(self.and()?));
        }
        Ok(l)
    }
    fn and(&mut self) -> Result<Expr, String> {
        let mut l = self.cmp()?;
        while self.peek() == Some(&Tok::Op("&&")) {
            self.pos += 1;
            l = Expr::And(Box::new(l), Box::new(self.cmp()?));
        }
        Ok(l)
    }
    fn cmp(&mut self) -> Result<Expr, String> {
        let l = self.unary()?;
        if let Some(Tok::Op(op)) = self.peek() {
            let op = *op;
            if ["==", "!=", "<", "<=", ">", ">="].contains(&op) {
                self.pos += 1;
                let r = self.unary()?;
                return Ok(Expr::Cmp(op, Box::new(l), Box::new(r)));
            }
        }
        Ok(l)
    }
    fn unary(&mut self) -> Result<Expr, String> {
        if self.peek() == Some(&Tok::Op("!")) {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.atom()
    }
    fn atom(&mut self) -> Result<Expr, String> {
        match self.next() {
            Some(Tok::Num(n)) => Ok(Expr::Lit(num(n))),
            Some(Tok::Str(s)) => Ok(Expr::Lit(Json::String(s))),
            Some(Tok::True) => Ok(Expr::Lit(Json::Bool(true))),
            Some(Tok::False) => Ok(Expr::Lit(Json::Bool(false))),
            Some(Tok::Null) => Ok(Expr::Lit(Json::Null)),
            Some(Tok::Ref(r)) => Ok(Expr::Ref(r)),
            Some(Tok::LParen) => {
                let e = self.or()?;
                match self.next() {
                    Some(Tok::RParen) => Ok(e),
                    _ => Err("Missing ) in condition".into()),
                }
            }
            Some(t) => Err(format!("Unexpected {t:?} in condition")),
            None => Err("Condition ends too early".into()),
        }
    }
}

fn num(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Json::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map(Json::Number).unwrap_or(Json::Null)
    }
}

/// Parses a condition.
pub fn parse(src: &str) -> Result<Expr, String> {
    let toks = tokenize(src)?;
    if toks.is_empty() {
        return Err("The condition is empty".into());
    }
    let mut p = Parser { toks, pos: 0 };
    let e = p.or()?;
    if p.pos < p.toks.len() {
        return Err(format!("Unexpected {:?} in condition {src:?}", p.toks[p.pos]));
    }
    Ok(e)
}

/// Every reference a condition reads (for the static check).
pub fn references(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Lit(_) => {}
        Expr::Ref(r) => out.push(r.clone()),
        Expr::Not(x) => references(x, out),
        Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(_, a, b) => {
            references(a, out);
            references(b, out);
        }
    }
}

/// JavaScript truthiness.
pub fn truthy(v: &Json) -> bool {
    match v {
        Json::Null => false,
        Json::Bool(b) => *b,
        Json::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Json::String(s) => !s.is_empty(),
        _ => true,
    }
}

/// Equality of JSON values with numbers compared by value (1 == 1.0).
pub fn json_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q)),
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

fn order(a: &Json, b: &Json) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Json::String(x), Json::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Evaluates a condition to a value (a boolean for comparisons and logic).
pub fn eval<S: Scope + ?Sized>(e: &Expr, scope: &S) -> Result<Json, String> {
    Ok(match e {
        Expr::Lit(v) => v.clone(),
        Expr::Ref(r) => lookup(scope, r)?.into_owned(),
        Expr::Not(x) => Json::Bool(!truthy(&eval(x, scope)?)),
        Expr::And(a, b) => Json::Bool(truthy(&eval(a, scope)?) && truthy(&eval(b, scope)?)),
        Expr::Or(a, b) => Json::Bool(truthy(&eval(a, scope)?) || truthy(&eval(b, scope)?)),
        Expr::Cmp(op, a, b) => {
            let (x, y) = (eval(a, scope)?, eval(b, scope)?);
            use std::cmp::Ordering::*;
            Json::Bool(match *op {
                "==" => json_eq(&x, &y),
                "!=" => !json_eq(&x, &y),
                "<" => order(&x, &y) == Some(Less),
                "<=" => matches!(order(&x, &y), Some(Less | Equal)),
                ">" => order(&x, &y) == Some(Greater),
                ">=" => matches!(order(&x, &y), Some(Greater | Equal)),
                _ => false,
            })
        }
    })
}

/// Parses and evaluates a condition to a boolean.
pub fn evaluate<S: Scope + ?Sized>(src: &str, scope: &S) -> Result<bool, String> {
    let e = parse(src)?;
    eval(&e, scope).map(|v| truthy(&v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::template::{MapScope, Root};
    use serde_json::json;

    #[test]
    fn conditions() {
        let inputs = json!({"count": 3, "name": "ada", "tags": ["a"], "zero": 0});
        let fetch = json!({"statusCode": 200});
        let s = MapScope { values: vec![("inputs", Root::Value(&inputs)), ("fetch", Root::Step(&fetch))] };
        let t = |src: &str| evaluate(src, &s).unwrap_or_else(|e| panic!("{src}: {e}"));
        assert!(t("inputs.count > 0 && fetch.statusCode == 200"));
        assert!(!t("inputs.count > 3"));
        assert!(t("inputs.count >= 3 and not (inputs.name == 'bob')"));
        assert!(t("{{ inputs.name }} === \"ada\" || false"));
        assert!(t("inputs.tags.length == 1"));
        assert!(!t("inputs.zero"));
        assert!(t("!inputs.zero"));
        assert!(t("-1.5 < inputs.zero"));
        assert!(t("inputs.name != null"));
        assert!(!t("inputs.name > 5"), "mixed kinds do not order");
        assert!(evaluate("inputs.nope == 1", &s).unwrap_err().contains("{{inputs.nope}}"));
        assert!(parse("inputs.count >").is_err());
        assert!(parse("(true").is_err());
        assert!(parse("").is_err());
        let mut refs = Vec::new();
        references(&parse("a.b > 1 && !{{ c.d }}").unwrap(), &mut refs);
        assert_eq!(refs, ["a.b", "c.d"]);
    }
}
