//! Image archives for offline classrooms: every image the labs need in one tar file
//! (`docker save` format), written and loaded through the Engine API with progress.

use std::path::Path;

use futures_util::StreamExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{Engine, EngineError, api_err};

impl Engine {
    /// Write `refs` into one archive at `path` (written next to it, then renamed, so a
    /// half-written archive never looks complete). `on_bytes` gets the running total.
    pub(crate) async fn save_images(
        &self,
        refs: &[String],
        path: &Path,
        mut on_bytes: impl FnMut(u64),
    ) -> Result<u64, EngineError> {
        let io_err = |e: std::io::Error| EngineError::Api {
            what: format!("write `{}`", path.display()),
            detail: e.to_string(),
        };
        // Dropped on any early return, which removes the half-written file.
        let (staged, file) = crate::store::atomic::Staged::beside(path).map_err(io_err)?;
        let mut file = tokio::fs::File::from_std(file);
        let names: Vec<&str> = refs.iter().map(String::as_str).collect();
        let mut stream = std::pin::pin!(self.docker.export_images(&names));
        let mut total = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => return Err(api_err("save images")(e)),
            };
            file.write_all(&chunk).await.map_err(io_err)?;
            total += chunk.len() as u64;
            on_bytes(total);
        }
        file.sync_all().await.map_err(io_err)?;
        drop(file);
        staged.commit().map_err(io_err)?;
        Ok(total)
    }

    /// Load an archive made by `save_images` (or `docker save`). `read` counts the bytes
    /// sent so far, for a progress bar. Returns the engine's messages
    /// ("Loaded image: nginx:latest").
    pub(crate) async fn load_images(
        &self,
        path: &Path,
        read: Arc<AtomicU64>,
    ) -> Result<Vec<String>, EngineError> {
        let mut file = tokio::fs::File::open(path)
            .await
            .map_err(|e| EngineError::Api {
                what: format!("read `{}`", path.display()),
                detail: e.to_string(),
            })?;
        // Stream the file in chunks rather than holding gigabytes in memory.
        let (tx, rx) = tokio::sync::mpsc::channel::<bytes::Bytes>(8);
        let pump = tokio::spawn(async move {
            let mut buf = vec![0u8; 256 * 1024];
            loop {
                match file.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        read.fetch_add(n as u64, Ordering::Relaxed);
                        if tx
                            .send(bytes::Bytes::copy_from_slice(&buf[..n]))
                            .await
                            .is_err()
                        {
                            break;
                        }
                    }
                }
            }
        });
        let body =
            futures_util::stream::unfold(
                rx,
                |mut rx| async move { rx.recv().await.map(|b| (b, rx)) },
            );
        let mut messages = Vec::new();
        let mut stream = std::pin::pin!(self.docker.import_image(
            bollard::query_parameters::ImportImageOptions {
                quiet: false,
                ..Default::default()
            },
            bollard::body_stream(body),
            None
        ));
        while let Some(item) = stream.next().await {
            let info = item.map_err(api_err(format!("load `{}`", path.display())))?;
            if let Some(s) = info.stream {
                let s = s.trim();
                if !s.is_empty() {
                    messages.push(s.to_owned());
                }
            }
        }
        let _ = pump.await;
        Ok(messages)
    }
}
