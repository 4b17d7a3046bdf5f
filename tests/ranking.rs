//! Ranking quality on relevance-judged test collections from `../shared/ir`
//! (BEIR layout), scored as `trec_eval -c -m ndcg_cut.10 -m recall.100` does.
//! Opt-in: `cargo test --release --test ranking -- --ignored --nocapture`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

mod common;

fn shared_ir(name: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/ir").join(name);
    if dir.join("corpus.jsonl").is_file() {
        Some(dir)
    } else {
        eprintln!("skipping: {} is absent", dir.display());
        None
    }
}

struct Scores {
    ndcg_at_10: f64,
    recall_at_100: f64,
    queries: usize,
}

fn evaluate(collection: &Path) -> Scores {
    let index = tempfile::tempdir().unwrap();
    Command::cargo_bin("newsdex")
        .unwrap()
        .env_clear()
        .args(["--index", index.path().to_str().unwrap(), "index", "--quiet"])
        .arg(collection.join("corpus.jsonl"))
        .assert()
        .success();

    let mut qrels: HashMap<String, HashMap<String, f64>> = HashMap::new();
    let judged = std::fs::read_to_string(collection.join("qrels/test.tsv")).unwrap();
    for line in judged.lines().skip(1) {
        let cells: Vec<&str> = line.split('\t').collect();
        let relevance: f64 = cells[2].parse().unwrap();
        qrels
            .entry(cells[0].to_string())
            .or_default()
            .insert(cells[1].to_string(), relevance);
    }

    let (mut ndcg_sum, mut recall_sum, mut queries) = (0.0, 0.0, 0);
    let topics = std::fs::read_to_string(collection.join("queries.jsonl")).unwrap();
    for line in topics.lines() {
        let topic: serde_json::Value = serde_json::from_str(line).unwrap();
        let Some(judgments) = qrels.get(topic["_id"].as_str().unwrap()) else {
            continue;
        };
        let output = Command::cargo_bin("newsdex")
            .unwrap()
            .env_clear()
            .args([
                "--index",
                index.path().to_str().unwrap(),
                "search",
                "--any",
                "--json",
                "--limit",
                "100",
            ])
            .args(["--facet-limit", "0", "--snippet", "20"])
            .arg(topic["text"].as_str().unwrap())
            .output()
            .unwrap();
        common::assert_no_panic(&topic["_id"], &String::from_utf8_lossy(&output.stderr));
        let ranked: Vec<String> = if output.stdout.is_empty() {
            Vec::new()
        } else {
            let results: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
            results["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["id"].as_str().unwrap().to_string())
                .collect()
        };
        let gain = |id: &String| judgments.get(id).copied().unwrap_or(0.0);
        let dcg: f64 = ranked
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, id)| gain(id) / (i as f64 + 2.0).log2())
            .sum();
        let mut ideal: Vec<f64> = judgments.values().copied().filter(|g| *g > 0.0).collect();
        ideal.sort_by(|a, b| b.partial_cmp(a).unwrap());
        let idcg: f64 = ideal
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, g)| g / (i as f64 + 2.0).log2())
            .sum();
        let relevant = ideal.len() as f64;
        let found = ranked.iter().take(100).filter(|id| gain(id) > 0.0).count() as f64;
        ndcg_sum += if idcg > 0.0 { dcg / idcg } else { 0.0 };
        recall_sum += if relevant > 0.0 { found / relevant } else { 0.0 };
        queries += 1;
    }
    Scores {
        ndcg_at_10: ndcg_sum / queries as f64,
        recall_at_100: recall_sum / queries as f64,
        queries,
    }
}

#[test]
#[ignore = "uses ../shared/ir; run in release with --ignored"]
fn vaswani_beats_lucene_bm25() {
    let Some(collection) = shared_ir("vaswani") else {
        return;
    };
    let scores = evaluate(&collection);
    eprintln!(
        "vaswani: {} queries, nDCG@10 {:.4}, R@100 {:.4} (Lucene BM25: 0.4368, 0.6186)",
        scores.queries, scores.ndcg_at_10, scores.recall_at_100
    );
    assert_eq!(scores.queries, 93);
    assert!(
        scores.ndcg_at_10 >= 0.4368,
        "nDCG@10 {:.4} is below Lucene's 0.4368",
        scores.ndcg_at_10
    );
    assert!(
        scores.recall_at_100 >= 0.6186,
        "R@100 {:.4} is below Lucene's 0.6186",
        scores.recall_at_100
    );
}

#[test]
#[ignore = "uses ../shared/ir; run in release with --ignored"]
fn time_magazine_smoke() {
    let Some(collection) = shared_ir("time") else {
        return;
    };
    let scores = evaluate(&collection);
    eprintln!(
        "time: {} queries, nDCG@10 {:.4}, R@100 {:.4} (Lucene BM25: 0.7068, 0.9669)",
        scores.queries, scores.ndcg_at_10, scores.recall_at_100
    );
    assert!(scores.ndcg_at_10 >= 0.65, "nDCG@10 {:.4}", scores.ndcg_at_10);
}
