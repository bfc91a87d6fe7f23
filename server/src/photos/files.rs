//! Where photo bytes live: content-addressed objects (`ab/abcdef…`, the SHA-256 in hex) in a local
//! folder under the data directory (the default), or in S3-compatible object storage shared by
//! several instances (`HAOLIN_FILES_URL=s3://bucket/prefix`, with the usual `AWS_*` variables for
//! the endpoint, region and keys). Both go through the `object_store` crate; a local write lands
//! in a staging file renamed into place, so a crash never leaves half a file under its name.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

/// The configured object store.
#[derive(Clone)]
pub struct Files {
    store: Arc<dyn ObjectStore>,
    /// What it is, for logs and `/readyz`.
    pub describe: String,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe)
    }
}

/// The object key of a SHA-256 (hex).
fn key(sha256: &str) -> Path {
    Path::from(format!("{}/{sha256}", &sha256[..2.min(sha256.len())]))
}

impl Files {
    /// Opens the store: `url` (`s3://bucket[/prefix]` or `file:///abs/dir`), else `default_dir`.
    pub fn open(url: Option<&str>, default_dir: &std::path::Path) -> Result<Self, String> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Self::local(default_dir),
            Some(url) if url.starts_with("file://") => Self::local(std::path::Path::new(&url["file://".len()..])),
            Some(url) if url.starts_with("s3://") => {
                let rest = &url["s3://".len()..];
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                if bucket.is_empty() {
                    return Err("HAOLIN_FILES_URL: s3://BUCKET/prefix needs a bucket".into());
                }
                let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
                // A plain-HTTP endpoint (a store on the same host or network) needs no second flag.
                let endpoint = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_ENDPOINT"]
                    .iter()
                    .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()));
                if endpoint.is_some_and(|e| e.starts_with("http://")) && std::env::var("AWS_ALLOW_HTTP").is_err() {
                    builder = builder.with_allow_http(true);
                }
                let s3 = builder.build().map_err(|e| format!("HAOLIN_FILES_URL: {e}"))?;
                let prefix = prefix.trim_matches('/');
                let store: Arc<dyn ObjectStore> =
                    if prefix.is_empty() { Arc::new(s3) } else { Arc::new(PrefixStore::new(s3, prefix)) };
                Ok(Self { store, describe: format!("s3://{bucket}/{prefix}") })
            }
            Some(other) => Err(format!("HAOLIN_FILES_URL: unsupported store {other:?} (s3:// or file://)")),
        }
    }

    fn local(dir: &std::path::Path) -> Result<Self, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("files folder {}: {e}", dir.display()))?;
        let fs = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| format!("files folder {}: {e}", dir.display()))?
            .with_fsync(true);
        Ok(Self { store: Arc::new(fs), describe: format!("folder {}", dir.display()) })
    }

    /// Stores bytes under their SHA-256 (writing the same bytes again is harmless).
    pub async fn put(&self, sha256: &str, bytes: Vec<u8>) -> Result<(), object_store::Error> {
        self.store.put(&key(sha256), PutPayload::from(bytes)).await.map(|_| ())
    }

    /// The bytes stored under a SHA-256, as a stream; `None` when absent.
    pub async fn get(
        &self,
        sha256: &str,
    ) -> Result<Option<BoxStream<'static, Result<Bytes, object_store::Error>>>, object_store::Error> {
        match self.store.get(&key(sha256)).await {
            Ok(found) => Ok(Some(found.into_stream())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Deletes the object under a SHA-256 (absent is fine).
    pub async fn delete(&self, sha256: &str) -> Result<(), object_store::Error> {
        match self.store.delete(&key(sha256)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }
}
