//! The index folder: where it lives by default, opening it safely (schema and
//! version checks, every segment file present, analysers registered), opening
//! it for reading while a writer may be swapping it, and creating it.

use std::path::{Path, PathBuf};

use tantivy::directory::MmapDirectory;
use tantivy::Index;

use std::time::Duration;

use super::errors::classify_open_error;
use super::lock::{leftovers, resolve};
use super::{register_analyzers, IndexManifest, NewsSchema, SCHEMA_VERSION};
use crate::Error;

/// `$XDG_DATA_HOME/newsdex/index` (`~/.local/share/newsdex/index` on Linux),
/// or `.newsdex-index` in the current folder when there is no home.
pub fn default_index_dir() -> PathBuf {
    dirs::data_dir()
        .map(|d| d.join("newsdex").join("index"))
        .unwrap_or_else(|| PathBuf::from(".newsdex-index"))
}

pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// Opens an existing index for reading or writing.
pub fn open(dir: &Path) -> Result<(Index, NewsSchema), Error> {
    if !exists(dir) {
        return Err(Error::NoIndex(dir.to_path_buf()));
    }
    if let Some(manifest) = IndexManifest::read(dir)? {
        if manifest.schema_version != SCHEMA_VERSION {
            return Err(Error::IncompatibleIndex(format!(
                "schema version {} from newsdex {}, this is schema version {SCHEMA_VERSION}",
                manifest.schema_version, manifest.newsdex_version
            )));
        }
    }
    let index = Index::open_in_dir(dir).map_err(|e| classify_open_error(dir, e))?;
    check_files(dir, &index)?;
    let schema = NewsSchema::from_schema(&index.schema())?;
    register_analyzers(&index);
    Ok((index, schema))
}

/// How new indexes store documents: zstd level 3 in 256 KB blocks. On the
/// 1x bench corpus the document store takes 97.0 MB (index 0.695x the text)
/// against 92.3 MB at level 6 (0.675x), and indexing spends about 3 fewer
/// CPU-seconds compressing (user time 18.8 s against 21.8 s, two alternated
/// pairs). Blocks stay at 256 KB because a cold hit decompresses a whole
/// block: 512 KB blocks at level 3 made the store 2 MB smaller but a one-off
/// `newsdex search --json` 2.6 ms slower at the median. Indexes built with
/// other settings stay readable.
fn index_settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_compression: tantivy::store::Compressor::Zstd(tantivy::store::ZstdCompressor {
            compression_level: Some(DOCSTORE_ZSTD_LEVEL),
        }),
        docstore_blocksize: DOCSTORE_BLOCK_BYTES,
        ..Default::default()
    }
}

const DOCSTORE_ZSTD_LEVEL: i32 = 3;
const DOCSTORE_BLOCK_BYTES: usize = 256 * 1024;

/// Opens the index at `dir`, creating an empty one (and the folder) if there is none.
pub fn open_or_create(dir: &Path) -> Result<(Index, NewsSchema), Error> {
    if exists(dir) {
        return open(dir);
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let schema = NewsSchema::build();
    let directory = MmapDirectory::open(dir).map_err(|e| Error::Io {
        path: dir.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let index = Index::create(directory, schema.schema.clone(), index_settings())?;
    register_analyzers(&index);
    Ok((index, schema))
}

/// Every file the committed segments need is there (a few `stat`s; tantivy
/// opens some files only when a query needs them).
fn check_files(dir: &Path, index: &Index) -> Result<(), Error> {
    let metas = index
        .searchable_segment_metas()
        .map_err(|e| classify_open_error(dir, e))?;
    for meta in &metas {
        for file in segment_files(meta) {
            if !dir.join(&file).is_file() {
                return Err(Error::CorruptIndex(format!("{} is missing", file.display())));
            }
        }
    }
    Ok(())
}

/// The files a committed segment is read from, relative to its folder.
pub(crate) fn segment_files(meta: &tantivy::index::SegmentMeta) -> impl Iterator<Item = PathBuf> + '_ {
    use tantivy::index::SegmentComponent as C;
    let deletes = meta.has_deletes().then_some(C::Delete);
    [
        C::Postings,
        C::Positions,
        C::FastFields,
        C::FieldNorms,
        C::Terms,
        C::Store,
    ]
    .into_iter()
    .chain(deletes)
    .map(|component| meta.relative_path(component))
}

/// Opens the index for reading, with a reader on its latest commit. If a
/// writer is swapping a new index in at that moment (its `.building-`/`.old-`
/// folder is beside the index), a failed open is retried so that the reader
/// sees the new index instead of an error.
pub fn open_for_reading(dir: &Path) -> Result<(Index, NewsSchema, tantivy::IndexReader), Error> {
    open_for_reading_cached(dir, None)
}

/// [`open_for_reading`], keeping up to `cached_blocks` decompressed
/// document-store blocks (of 256 KB) per segment instead of tantivy's 100:
/// a long-running server reads the same popular articles again and again.
pub fn open_for_reading_cached(
    dir: &Path,
    cached_blocks: Option<usize>,
) -> Result<(Index, NewsSchema, tantivy::IndexReader), Error> {
    let open = || -> Result<_, Error> {
        let (index, schema) = open(dir)?;
        let mut builder = index.reader_builder();
        if let Some(blocks) = cached_blocks {
            builder = builder.doc_store_cache_num_blocks(blocks);
        }
        let reader = builder.try_into().map_err(|e| classify_open_error(dir, e))?;
        Ok((index, schema, reader))
    };
    let mut attempt = 0;
    loop {
        match open() {
            Ok(opened) => return Ok(opened),
            Err(Error::IncompatibleIndex(e)) => return Err(Error::IncompatibleIndex(e)),
            Err(err) => {
                // A file missing right after `meta.json` was read is also what
                // a swap that has just finished (its old folder already gone)
                // looks like: open again, once.
                let swapped = attempt == 0 && matches!(&err, Error::CorruptIndex(m) if m.ends_with("is missing"));
                let swapping = swapped || resolve(dir).is_ok_and(|d| !leftovers(&d).is_empty());
                attempt += 1;
                if !swapping || attempt > 5 {
                    return Err(err);
                }
                std::thread::sleep(Duration::from_millis(40));
            }
        }
    }
}

/// Total size of the files in the index folder, in bytes.
pub fn size_on_disk(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}
