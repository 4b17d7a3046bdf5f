//! The manifest, `newsdex.json` beside tantivy's files: what built the index
//! (newsdex and schema versions, dictionaries and their checksum), when, and
//! from which corpus files. Every writing command stamps it the same way.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::SCHEMA_VERSION;
use crate::tag::DictionarySource;
use crate::Error;

/// What built an index, kept beside tantivy's files as `newsdex.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexManifest {
    pub schema_version: u32,
    pub newsdex_version: String,
    pub dictionaries: String,
    pub dictionary_checksum: String,
    /// When the index was first built (a rebuild starts a new index).
    pub created: String,
    /// When it last changed: an index run, a delete or a retag.
    pub updated: String,
    /// When the articles were last re-tagged with `newsdex retag`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retagged: Option<String>,
    /// The corpus files read into the index, newest run last; a file read
    /// again replaces its entry.
    #[serde(default)]
    pub corpus: Vec<CorpusFile>,
}

/// One corpus file as it was when it was indexed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorpusFile {
    /// The path as given, made absolute.
    pub path: String,
    pub size: u64,
    /// xxh3-64 of the file's bytes (as stored, compressed if it is), in hex.
    pub xxh3: String,
    /// When this file was read.
    pub indexed: String,
}

pub const MANIFEST_FILE: &str = "newsdex.json";

impl IndexManifest {
    pub fn read(dir: &Path) -> Result<Option<IndexManifest>, Error> {
        let path = dir.join(MANIFEST_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| Error::CorruptIndex(format!("{} is not valid: {e}", path.display()))),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::Io { path, source }),
        }
    }

    pub fn write(&self, dir: &Path) -> Result<(), Error> {
        let path = dir.join(MANIFEST_FILE);
        let tmp = dir.join(format!("{MANIFEST_FILE}.tmp"));
        let text = serde_json::to_string_pretty(self).expect("manifest serialises");
        let written = std::fs::File::create(&tmp).and_then(|mut file| {
            std::io::Write::write_all(&mut file, text.as_bytes())?;
            file.sync_all()
        });
        written.map_err(|source| Error::Io {
            path: tmp.clone(),
            source,
        })?;
        std::fs::rename(&tmp, &path).map_err(|source| Error::Io { path, source })
    }
}

impl IndexManifest {
    /// A manifest for an index first built at `now`.
    fn new(now: &str) -> IndexManifest {
        IndexManifest {
            schema_version: SCHEMA_VERSION,
            newsdex_version: env!("CARGO_PKG_VERSION").to_string(),
            dictionaries: String::new(),
            dictionary_checksum: String::new(),
            created: now.to_string(),
            updated: now.to_string(),
            retagged: None,
            corpus: Vec::new(),
        }
    }

    /// The manifest after this newsdex wrote the index at `now`, tagging with
    /// `dictionaries`: what `previous` said of its creation, re-tagging and
    /// corpus, and the rest stamped anew.
    pub(crate) fn stamped(
        previous: Option<IndexManifest>,
        dictionaries: &DictionarySource,
        now: &str,
    ) -> Result<IndexManifest, Error> {
        let mut manifest = previous.unwrap_or_else(|| IndexManifest::new(now));
        manifest.schema_version = SCHEMA_VERSION;
        manifest.newsdex_version = env!("CARGO_PKG_VERSION").to_string();
        manifest.dictionaries = dictionaries.describe();
        manifest.dictionary_checksum = dictionaries.checksum()?;
        manifest.updated = now.to_string();
        Ok(manifest)
    }

    /// Rewrites the manifest in `dir`, if there is one, with a new `updated`
    /// time and whatever `change` does.
    pub(crate) fn touch(dir: &Path, change: impl FnOnce(&mut IndexManifest)) -> Result<(), Error> {
        if let Some(mut manifest) = IndexManifest::read(dir)? {
            manifest.updated = chrono::Utc::now().to_rfc3339();
            change(&mut manifest);
            manifest.write(dir)?;
        }
        Ok(())
    }
}

impl CorpusFile {
    /// A corpus file's path (absolute), size and xxh3 hash, for the manifest.
    pub(crate) fn describe(path: &Path) -> Option<CorpusFile> {
        use std::io::Read;
        let mut file = std::fs::File::open(path).ok()?;
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let mut buffer = vec![0; 256 * 1024];
        let mut size = 0u64;
        loop {
            match file.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => {
                    hasher.update(&buffer[..n]);
                    size += n as u64;
                }
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        Some(CorpusFile {
            path: path.display().to_string(),
            size,
            xxh3: format!("{:016x}", hasher.digest()),
            indexed: String::new(),
        })
    }
}
