//! The web app's modules depend on each other one way only. This reads every file of `web/src`,
//! finds the top-level module each `crate::…` (or `super::…` reaching the crate root) path names —
//! grouped `use crate::{a, b}` included, comments and string literals skipped — and fails on an
//! import cycle, or on a module using one that is not below it in [`LAYERS`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules of `web/src`, lowest first: each may use only those before it. The crate
/// root (`lib.rs`) sits above them all; `main.rs` and `bin/` are the bundles, other crates.
const LAYERS: &[&str] = &[
    // Leaves: text, JSON, clock, paths.
    "i18n",
    "json",
    "time",
    "route",
    // Pure rules.
    "error",
    "validate",
    "access",
    // The session, bottom up: raw fetch and the photo upload, the tokens and their refresh, the typed endpoints.
    "http",
    "upload",
    "session",
    "api",
    // Live updates, then the app-wide state built on all of the above.
    "live",
    "state",
    // The UI.
    "components",
    "pages",
    "app",
];

/// One use of another top-level module: where it is written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Use {
    from: String,
    to: String,
    at: String,
}

/// A token of Rust source with comments and literals gone: an identifier, `::`, or one
/// punctuation character; with its line.
#[derive(Debug, Clone, PartialEq)]
struct Token {
    text: String,
    line: usize,
}

/// Skips a string literal starting at `chars[i]` (`"`, after any `r`/`b`/`#` prefix handled by
/// the caller via `hashes`); returns the index after it and counts its newlines into `line`.
fn skip_string(chars: &[char], mut i: usize, raw: bool, hashes: usize, line: &mut usize) -> usize {
    i += 1; // the opening quote
    while i < chars.len() {
        match chars[i] {
            '\\' if !raw => i += 2,
            '"' => {
                let closes = (1..=hashes).all(|k| chars.get(i + k) == Some(&'#'));
                if closes {
                    return i + 1 + hashes;
                }
                i += 1;
            }
            c => {
                if c == '\n' {
                    *line += 1;
                }
                i += 1;
            }
        }
    }
    i
}

/// The tokens of `source`, without comments, string, byte-string and character literals.
fn tokens(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if c == '"' {
            i = skip_string(&chars, i, false, 0, &mut line);
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1F600}') or a lifetime ('a).
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else if is_ident(c) {
            let start = i;
            while i < chars.len() && is_ident(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // A string prefix: r"…", r#"…"#, b"…", br#"…"#, c"…".
            let mut hashes = 0;
            while chars.get(i + hashes) == Some(&'#') {
                hashes += 1;
            }
            let quote = chars.get(i + hashes) == Some(&'"');
            let raw = word == "r" || word == "br" || word == "cr";
            if quote && (raw || (hashes == 0 && (word == "b" || word == "c"))) {
                i = skip_string(&chars, i + hashes, raw, hashes, &mut line);
            } else if word == "b" && chars.get(i) == Some(&'\'') {
                // A byte literal: let the next round skip the character literal.
            } else {
                out.push(Token { text: word, line });
            }
        } else if c == ':' && next == Some(':') {
            out.push(Token { text: "::".into(), line });
            i += 2;
        } else {
            out.push(Token { text: c.to_string(), line });
            i += 1;
        }
    }
    out
}

/// The top-level modules that the file of module `path` (e.g. `["pages", "wish"]`, `[]` for the
/// crate root) refers to, each with its line, keeping track of inline `mod x { … }` blocks.
fn references(source: &str, path: &[String]) -> Vec<(String, usize)> {
    let tokens = tokens(source);
    let text = |i: usize| tokens.get(i).map_or("", |t| t.text.as_str());
    let mut found = Vec::new();
    // Inline modules open here: (name, brace depth inside it).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < tokens.len() {
        match text(i) {
            "{" => depth += 1,
            "}" => {
                depth -= 1;
                while inline.last().is_some_and(|(_, d)| *d > depth) {
                    inline.pop();
                }
            }
            "mod" if text(i + 2) == "{" => inline.push((text(i + 1).to_owned(), depth + 1)),
            "crate" | "super"
                if text(i + 1) == "::" && text(i.wrapping_sub(1)) != "::" && text(i.wrapping_sub(1)) != "$" =>
            {
                // Where the path starts: the crate root, or up from the current module.
                let mut here: Vec<String> = path.iter().cloned().chain(inline.iter().map(|(n, _)| n.clone())).collect();
                let mut j = i;
                if text(j) == "crate" {
                    here.clear();
                    j += 2;
                } else {
                    while text(j) == "super" && text(j + 1) == "::" {
                        here.pop();
                        j += 2;
                    }
                }
                if here.is_empty() {
                    if text(j) == "{" {
                        // A group: the first name of each item at its top level.
                        let mut level = 0;
                        let mut item_start = true;
                        let mut k = j;
                        while k < tokens.len() {
                            match text(k) {
                                "{" => {
                                    level += 1;
                                    if level == 1 {
                                        item_start = true;
                                    }
                                }
                                "}" => {
                                    level -= 1;
                                    if level == 0 {
                                        break;
                                    }
                                }
                                "," if level == 1 => item_start = true,
                                name if level == 1 && item_start => {
                                    item_start = false;
                                    found.push((name.to_owned(), tokens[k].line));
                                }
                                _ => {}
                            }
                            k += 1;
                        }
                    } else {
                        found.push((text(j).to_owned(), tokens[j.min(tokens.len() - 1)].line));
                    }
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// The module path of a file below `src` (`pages/wish.rs` → `["pages", "wish"]`, `api/mod.rs` →
/// `["api"]`, `lib.rs` → `[]`).
fn module_path(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs");
        if stem != "mod" && stem != "lib" {
            parts.push(stem.to_owned());
        }
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The crate's sources by path relative to `src`, without the bundles (`main.rs`, `bin/`).
fn sources(src: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files
        .into_iter()
        .filter_map(|f| {
            let relative = f.strip_prefix(src).ok()?.to_path_buf();
            if relative == Path::new("main.rs") || relative.starts_with("bin") {
                return None;
            }
            Some((relative, std::fs::read_to_string(&f).ok()?))
        })
        .collect()
}

/// Every use of one top-level module by another (the crate root's own uses left out).
fn uses(sources: &[(PathBuf, String)]) -> (BTreeSet<String>, Vec<Use>) {
    let modules: BTreeSet<String> = sources.iter().filter_map(|(p, _)| module_path(p).first().cloned()).collect();
    let mut uses = Vec::new();
    for (relative, source) in sources {
        let path = module_path(relative);
        let Some(from) = path.first() else { continue };
        for (to, line) in references(source, &path) {
            if &to != from && modules.contains(&to) {
                let at = format!("web/src/{}:{line}", relative.display());
                uses.push(Use { from: from.clone(), to, at });
            }
        }
    }
    (modules, uses)
}

/// A cycle in the graph of `uses`, as the modules along it (first = last), if there is one.
fn find_cycle(modules: &BTreeSet<String>, uses: &[Use]) -> Option<Vec<String>> {
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for u in uses {
        graph.entry(u.from.as_str()).or_default().insert(u.to.as_str());
    }
    // 0: not seen, 1: on the current path, 2: done.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    fn visit<'a>(
        node: &'a str,
        graph: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        state: &mut BTreeMap<&'a str, u8>,
        stack: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        state.insert(node, 1);
        stack.push(node);
        for &next in graph.get(node).into_iter().flatten() {
            match state.get(next).copied().unwrap_or(0) {
                1 => {
                    let start = stack.iter().position(|n| *n == next).unwrap_or(0);
                    let mut cycle: Vec<String> = stack[start..].iter().map(|s| (*s).to_owned()).collect();
                    cycle.push(next.to_owned());
                    return Some(cycle);
                }
                0 => {
                    if let Some(cycle) = visit(next, graph, state, stack) {
                        return Some(cycle);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node, 2);
        None
    }
    modules.iter().find_map(|m| {
        if state.get(m.as_str()).copied().unwrap_or(0) == 0 {
            visit(m, &graph, &mut state, &mut Vec::new())
        } else {
            None
        }
    })
}

/// What is wrong with `uses` against [`LAYERS`]: a cycle, a module missing from the list, or a
/// use of a module that is not below the user.
fn problems(modules: &BTreeSet<String>, uses: &[Use]) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(cycle) = find_cycle(modules, uses) {
        let evidence: Vec<&str> = cycle
            .windows(2)
            .filter_map(|w| uses.iter().find(|u| u.from == w[0] && u.to == w[1]).map(|u| u.at.as_str()))
            .collect();
        problems.push(format!("import cycle: {} (at {})", cycle.join(" → "), evidence.join(", ")));
    }
    let rank = |m: &str| LAYERS.iter().position(|l| *l == m);
    for m in modules {
        if rank(m).is_none() {
            problems.push(format!("module `{m}` is not in LAYERS (web/tests/layers.rs): give it its place"));
        }
    }
    for l in LAYERS {
        if !modules.contains(*l) {
            problems.push(format!("LAYERS names `{l}`, which is not a module of web/src"));
        }
    }
    let mut seen = BTreeSet::new();
    for u in uses {
        if let (Some(from), Some(to)) = (rank(&u.from), rank(&u.to))
            && to >= from
            && seen.insert((u.from.clone(), u.to.clone()))
        {
            problems.push(format!("`{}` uses `{}`, which is not below it in LAYERS (at {})", u.from, u.to, u.at));
        }
    }
    problems
}

#[test]
fn the_web_modules_depend_on_each_other_one_way_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let sources = sources(&src);
    assert!(sources.len() > 20, "found only {} files in {}", sources.len(), src.display());
    let (modules, uses) = uses(&sources);
    // The reader really sees the known dependencies.
    for (from, to) in [("api", "session"), ("session", "http"), ("pages", "api"), ("state", "live")] {
        assert!(uses.iter().any(|u| u.from == from && u.to == to), "expected `{from}` to use `{to}`");
    }
    let problems = problems(&modules, &uses);
    assert!(problems.is_empty(), "layering of web/src is broken:\n{}", problems.join("\n"));
}

fn synthetic(files: &[(&str, &str)]) -> (BTreeSet<String>, Vec<Use>) {
    let sources: Vec<(PathBuf, String)> = files.iter().map(|(p, s)| (PathBuf::from(p), (*s).to_owned())).collect();
    uses(&sources)
}

#[test]
fn a_back_edge_is_reported_as_a_cycle() {
    let (modules, uses) = synthetic(&[
        ("http.rs", "use crate::error::ApiError;"),
        ("session.rs", "use crate::{error, http};"),
        ("error.rs", "fn f() { crate::session::access_token(); }"),
    ]);
    let problems = problems(&modules, &uses);
    assert!(problems.iter().any(|p| p.starts_with("import cycle: ") && p.contains("session")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("`error` uses `session`")), "{problems:?}");
}

#[test]
fn groups_nested_paths_and_super_to_the_root_count_but_comments_and_strings_do_not() {
    let source = r##"
        //! Uses crate::state in a comment only.
        use crate::{api::{self, wishes}, live,
            time};
        use super::super::route::Route;
        /* crate::app */
        const S: &str = "crate::components";
        const R: &str = r#"crate::pages"#;
        const C: char = '"';
        fn f<'a>(x: &'a str) { crate::error::f(x); }
        mod inner { use super::super::super::validate; use super::super::wish_card; }
        pub(crate) fn g() {}
    "##;
    let found: BTreeSet<String> =
        references(source, &["pages".into(), "wish".into()]).into_iter().map(|(m, _)| m).collect();
    let expected: BTreeSet<String> =
        ["api", "live", "time", "route", "error", "validate"].into_iter().map(str::to_owned).collect();
    assert_eq!(found, expected);
}

#[test]
fn super_within_a_module_stays_in_it() {
    let found =
        references("use super::home::on_path; use super::go;", &["pages".into(), "resident".into(), "x".into()]);
    assert!(found.is_empty(), "{found:?}");
}
