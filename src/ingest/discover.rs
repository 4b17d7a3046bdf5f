//! Finding the files to read: walks the paths a user gives, in a stable
//! order, skipping hidden entries and the documentation beside the articles,
//! and turns paths it cannot read into rejections.

use std::path::{Path, PathBuf};

use super::{describe_io, Inputs, Location, Rejection};

/// Collects the files under `paths` (directories recursively, following
/// symlinks, skipping hidden entries), sorted so runs are reproducible.
/// Paths that cannot be read become rejections rather than aborting the run.
pub fn collect_files(paths: &[PathBuf]) -> Inputs {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for root in paths {
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            match entry {
                // Documentation beside the articles (a folder's README.md) is not news.
                Ok(entry) if entry.file_type().is_file() && entry.depth() > 0 && is_documentation(entry.path()) => {}
                Ok(entry) if entry.file_type().is_file() => files.push(entry.into_path()),
                Ok(_) => {}
                Err(err) => {
                    let path = err.path().unwrap_or(root).to_path_buf();
                    let reason = if err.loop_ancestor().is_some() {
                        "symlink loop; skipped this directory".to_string()
                    } else if let Some(io) = err.io_error() {
                        describe_io(io)
                    } else {
                        err.to_string()
                    };
                    problems.push(Rejection {
                        location: Location::file(&path),
                        reason,
                    });
                }
            }
        }
    }
    Inputs {
        files,
        unreadable: problems,
    }
}

/// Documentation and schemas that sit beside the articles of a corpus: a
/// Markdown or reStructuredText file, a README, LICENSE or NOTICE file
/// whatever its extension (`README_LEWIS.txt`), a DTD or an XML schema.
fn is_documentation(path: &Path) -> bool {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let first_word = name.split(['.', '_', '-']).next().unwrap_or("");
    matches!(extension.as_str(), "md" | "markdown" | "rst" | "dtd" | "xsd")
        || matches!(first_word, "readme" | "license" | "licence" | "copying" | "notice")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documentation_beside_articles_is_known_by_name() {
        for doc in [
            "README.md",
            "README_LEWIS.txt",
            "LICENSE",
            "notice.txt",
            "lewis.dtd",
            "guide.rst",
        ] {
            assert!(is_documentation(Path::new(doc)), "{doc}");
        }
        for news in [
            "notices.jsonl",
            "readmes-of-the-week.txt",
            "reut2-000.xml",
            "licensing-deal.txt",
        ] {
            assert!(!is_documentation(Path::new(news)), "{news}");
        }
    }
}
