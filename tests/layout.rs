//! The layout the README's Architecture section describes, checked: the
//! stages of `src/` import each other one way only (no cycle between
//! folders), and reading and tagging know nothing of tantivy.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The stage a file belongs to: its folder under `src/`, or its file stem.
fn stage_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("under src/");
    let first = relative.components().next().expect("a component");
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_string()
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// Every `crate::<stage>` a file names, outside comments.
fn imported_stages(text: &str) -> BTreeSet<String> {
    let mut stages = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for (at, _) in code.match_indices("crate::") {
            let before = code[..at].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // `newsdex_crate::`, not ours
            }
            let rest = &code[at + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                stages.insert(name);
            }
        }
    }
    stages
}

/// The library's stages and, for each, the stages it imports.
fn library_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(&src) {
        let stage = stage_of(&src, &file);
        // The binary (main.rs, cli/) uses the library as `newsdex::`; lib.rs declares the stages.
        if ["main", "cli", "lib"].contains(&stage.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable");
        let imports = graph.entry(stage.clone()).or_default();
        for imported in imported_stages(&text) {
            // `Error` and the test helpers live in lib.rs and error.rs, beneath every stage.
            if imported != stage && !["Error", "test_support", "error"].contains(&imported.as_str()) {
                imports.insert(imported);
            }
        }
    }
    graph
}

/// The first cycle found, as the stages along it.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        stage: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if done.contains(stage) {
            return None;
        }
        if let Some(at) = path.iter().position(|s| s == stage) {
            let mut cycle = path[at..].to_vec();
            cycle.push(stage.to_string());
            return Some(cycle);
        }
        path.push(stage.to_string());
        for next in graph.get(stage).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(stage.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|stage| visit(stage, graph, &mut Vec::new(), &mut done))
}

#[test]
fn stages_import_each_other_one_way_only() {
    let graph = library_graph();
    for stage in ["ingest", "tag", "store", "ops", "search", "render", "words"] {
        assert!(graph.contains_key(stage), "no stage `{stage}` in src/: {graph:?}");
    }
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle between folders: {}", cycle.join(" -> "));
    }
}

#[test]
fn reading_and_tagging_do_not_know_tantivy_or_later_stages() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = library_graph();
    for (stage, allowed) in [("ingest", &[][..]), ("tag", &["ingest", "words"][..])] {
        for file in rust_files(&src.join(stage)) {
            let text = std::fs::read_to_string(&file).expect("readable");
            assert!(
                !text
                    .lines()
                    .any(|l| l.split("//").next().unwrap_or("").contains("tantivy")),
                "{} uses tantivy",
                file.display()
            );
        }
        let imports = &graph[stage];
        assert!(
            imports.iter().all(|i| allowed.contains(&i.as_str())),
            "{stage}/ imports {imports:?}; it may import only {allowed:?}"
        );
    }
}

#[test]
fn the_checks_can_fail() {
    // Paths in code count; paths in comments do not.
    let found = imported_stages(
        "use crate::store::{self, fields};\n// crate::ops is only mentioned\nlet x = crate::tag::Tags::default();",
    );
    assert_eq!(found, BTreeSet::from(["store".to_string(), "tag".to_string()]));
    let edges = |pairs: &[(&str, &str)]| {
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in pairs {
            graph.entry(from.to_string()).or_default().insert(to.to_string());
        }
        graph
    };
    assert_eq!(find_cycle(&edges(&[("ops", "store"), ("store", "tag")])), None);
    assert_eq!(
        find_cycle(&edges(&[("ops", "store"), ("store", "search"), ("search", "store")])),
        Some(vec!["store".to_string(), "search".to_string(), "store".to_string()])
    );
}
