//! The active probes checks need beyond a snapshot: a container's logs, a file read
//! through the archive endpoint (cached, and journaled so the engine's `archive-path` event
//! is not taken for the learner's `docker cp`), and a command run inside a container.

use std::io::Read;
use std::time::Duration;

use bollard::errors::Error as BollardError;
use bollard::query_parameters as qp;
use futures_util::StreamExt;

use super::{
    CALL_TIMEOUT, Engine, EngineError, ExecOutput, FileEntry, OUTPUT_CAP, PROBE_MARK, api_err,
    is_gone, is_not_found, now_nano, timed,
};

impl Engine {
    /// What a container prints from now on, chunk by chunk, until it stops or is removed
    /// (any error ends the stream: a watcher following output has its other wakes). The
    /// chunks whose every line carries docklings' own probe mark (its requests in an access
    /// log) are left out, so that a probe never wakes the watcher that sent it.
    pub(crate) fn follow_output(
        &self,
        id: &str,
    ) -> impl futures_util::Stream<Item = Vec<u8>> + 'static {
        // From a second before now (the engine counts whole seconds), not from the moment
        // the stream is first polled: the request goes out lazily, after the judgement
        // that asked for it, and a line written in between would otherwise never wake
        // anyone. A replayed line costs one extra judgement.
        let opts = qp::LogsOptions {
            follow: true,
            stdout: true,
            stderr: true,
            since: i32::try_from(now_nano().div_euclid(1_000_000_000) - 1).unwrap_or(0),
            ..Default::default()
        };
        self.docker
            .logs(id, Some(opts))
            .take_while(|c| futures_util::future::ready(c.is_ok()))
            .filter_map(|c| {
                let bytes = c.map(|o| o.into_bytes().to_vec()).unwrap_or_default();
                let ours = bytes
                    .split(|b| *b == b'\n')
                    .filter(|l| !l.is_empty())
                    .all(|l| {
                        l.windows(PROBE_MARK.len())
                            .any(|w| w == PROBE_MARK.as_bytes())
                    });
                futures_util::future::ready((!ours).then_some(bytes))
            })
    }

    /// A container's output since `since_nanos` (Unix nanoseconds), line by line, each with
    /// the time the engine received it — how a server's access log proves that a request
    /// reached it, and when a shell printed what a step looks for.
    pub(crate) async fn log_lines(
        &self,
        id: &str,
        since_nanos: i64,
    ) -> Result<Vec<LogLine>, EngineError> {
        let opts = qp::LogsOptions {
            stdout: true,
            stderr: true,
            timestamps: true,
            // The engine takes whole seconds; the exact bound is applied below.
            since: i32::try_from(since_nanos.max(0).div_euclid(1_000_000_000)).unwrap_or(0),
            // Podman's `tail` counts a terminal's partial lines oddly and drops the start
            // of a shell session (its first prompt); its output is capped below all the same.
            tail: match self.kind {
                super::EngineKind::Docker => "2000",
                super::EngineKind::Podman => "all",
            }
            .to_owned(),
            ..Default::default()
        };
        let stream = self.docker.logs(id, Some(opts));
        let mut buf = Vec::new();
        timed("read logs", CALL_TIMEOUT, async {
            let mut stream = std::pin::pin!(stream);
            while let Some(chunk) = stream.next().await {
                match chunk {
                    Ok(out) => buf.extend_from_slice(&out.into_bytes()),
                    // Removed, or being removed, while we read: its output is gone with
                    // it, as if it had been removed a moment earlier.
                    Err(e) if is_gone(&e) => break,
                    Err(e) => return Err(api_err("read logs")(e)),
                }
            }
            Ok(())
        })
        .await?;
        Ok(timestamped_lines(&cap_text(&buf), since_nanos))
    }

    /// Read a path inside a container (running or not) through the archive endpoint.
    /// `Ok(None)` when the path does not exist.
    ///
    /// A `HEAD` on the archive endpoint answers in about a millisecond with the file's size,
    /// mode and modification time, while a `GET` costs tens of milliseconds (the engine
    /// mounts the container's filesystem). So a file whose stat is unchanged since we last
    /// read it comes from a small cache in docklings' data folder; `watch` and repeated
    /// `check`s pay the full read only when the file changed.
    pub(crate) async fn read_file(
        &self,
        id: &str,
        path: &str,
    ) -> Result<Option<FileEntry>, EngineError> {
        let opts = qp::ContainerArchiveInfoOptions {
            path: path.to_owned(),
        };
        let stat = match self.docker.get_container_archive_info(id, Some(opts)).await {
            Ok(s) => s,
            Err(e) if is_not_found(&e) => return Ok(None),
            // Some engines omit the stat header; fall back to reading the file.
            Err(BollardError::HttpHeaderNotFoundError(_)) => {
                return self.read_file_uncached(id, path).await;
            }
            Err(e) => return Err(api_err(format!("stat `{path}`"))(e)),
        };
        // Go's os.FileMode: bit 31 directory, bit 27 symlink.
        if stat.file_mode & (1 << 31) != 0 {
            return Ok(Some(FileEntry {
                kind: crate::lab::FileType::Dir,
                content: Vec::new(),
            }));
        }
        if stat.file_mode & (1 << 27) != 0 {
            return Ok(Some(FileEntry {
                kind: crate::lab::FileType::Symlink,
                content: Vec::new(),
            }));
        }
        let key = format!(
            "{} {} {} {}",
            stat.size,
            stat.file_mode,
            stat.modification_time.as_deref().unwrap_or("-"),
            stat.link_target
        );
        if let Some(content) = crate::store::journal::cached_file(id, path, &key) {
            return Ok(Some(FileEntry {
                kind: crate::lab::FileType::File,
                content,
            }));
        }
        let entry = self.read_file_uncached(id, path).await?;
        if let Some(e) = &entry
            && e.kind == crate::lab::FileType::File
        {
            crate::store::journal::cache_file(id, path, &key, &e.content);
        }
        Ok(entry)
    }

    async fn read_file_uncached(
        &self,
        id: &str,
        path: &str,
    ) -> Result<Option<FileEntry>, EngineError> {
        const MAX: usize = 4 * 1024 * 1024;
        let opts = qp::DownloadFromContainerOptions {
            path: path.to_owned(),
        };
        let start = now_nano();
        let stream = self.docker.download_from_container(id, Some(opts));
        let mut tarball = Vec::new();
        let res = timed("read a file", CALL_TIMEOUT, async {
            let mut stream = std::pin::pin!(stream);
            while let Some(chunk) = stream.next().await {
                match chunk {
                    Ok(b) => {
                        if tarball.len() + b.len() > MAX + 64 * 1024 {
                            break; // enough to compare; the rest would only cost memory
                        }
                        tarball.extend_from_slice(&b);
                    }
                    Err(e) if is_not_found(&e) => return Ok(false),
                    Err(e) => return Err(api_err(format!("read `{path}`"))(e)),
                }
            }
            Ok(true)
        })
        .await;
        // The engine logs our read as an `archive-path` event, like a learner's `docker cp`
        // out; remember when we did it so the event checks can tell them apart.
        crate::store::journal::record(id, start, now_nano());
        if !res? {
            return Ok(None);
        }
        let mut archive = tar::Archive::new(&tarball[..]);
        let entries = archive.entries().map_err(|e| EngineError::Api {
            what: format!("read `{path}`"),
            detail: e.to_string(),
        })?;
        if let Some(entry) = entries.flatten().next() {
            let et = entry.header().entry_type();
            let kind = if et.is_dir() {
                crate::lab::FileType::Dir
            } else if et.is_symlink() {
                crate::lab::FileType::Symlink
            } else {
                crate::lab::FileType::File
            };
            let mut content = Vec::new();
            if kind == crate::lab::FileType::File {
                let _ = entry.take(MAX as u64).read_to_end(&mut content);
            }
            return Ok(Some(FileEntry { kind, content }));
        }
        Ok(None)
    }

    /// Run a command inside a running container, marked as docklings' own, with a deadline.
    /// The command runs through `sh -c 'exec "$@"'` so the marker lands in the event's text;
    /// if the container has no shell, it runs bare.
    pub(crate) async fn exec(&self, id: &str, cmd: &[String]) -> Result<ExecOutput, EngineError> {
        let mut wrapped = vec![
            "sh".to_owned(),
            "-c".to_owned(),
            "exec \"$@\"".to_owned(),
            PROBE_MARK.to_owned(),
        ];
        wrapped.extend(cmd.iter().cloned());
        // On engines whose exec events carry no command (Podman), the time is the mark.
        let start = self.probe_started(id);
        let out = match self.exec_raw(id, wrapped).await {
            // 126/127: no `sh` in the image; try the command itself.
            Ok(out)
                if matches!(out.exit_code, Some(126) | Some(127)) && out.output.contains("sh") =>
            {
                self.exec_raw(id, cmd.to_vec()).await
            }
            other => other,
        };
        self.probe_ended(id, start);
        out
    }

    async fn exec_raw(&self, id: &str, cmd: Vec<String>) -> Result<ExecOutput, EngineError> {
        use bollard::exec::{CreateExecOptions, StartExecResults};
        timed(
            "run a probe inside the container",
            Duration::from_secs(10),
            async {
                let created = self
                    .docker
                    .create_exec(
                        id,
                        CreateExecOptions {
                            cmd: Some(cmd),
                            attach_stdout: Some(true),
                            attach_stderr: Some(true),
                            ..Default::default()
                        },
                    )
                    .await;
                let created = match created {
                    // Stopped or removed between the snapshot and the probe: the check
                    // sees a probe that could not run, not an engine failure.
                    Err(e) if is_gone(&e) => {
                        return Ok(ExecOutput {
                            exit_code: None,
                            output: String::new(),
                        });
                    }
                    other => other.map_err(api_err("start a probe"))?,
                };
                let mut buf = Vec::new();
                match self
                    .docker
                    .start_exec(&created.id, None)
                    .await
                    .map_err(api_err("start a probe"))?
                {
                    StartExecResults::Attached { mut output, .. } => {
                        while let Some(Ok(chunk)) = output.next().await {
                            if buf.len() < OUTPUT_CAP {
                                buf.extend_from_slice(&chunk.into_bytes());
                            }
                        }
                    }
                    StartExecResults::Detached => {}
                }
                let exit_code = self
                    .docker
                    .inspect_exec(&created.id)
                    .await
                    .map_err(api_err("inspect a probe"))?
                    .exit_code;
                Ok(ExecOutput {
                    exit_code,
                    output: cap_text(&buf),
                })
            },
        )
        .await
    }
}

/// One line of a container's output and when the engine received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LogLine {
    /// Unix nanoseconds: the earliest moment the line can have been written.
    pub(crate) at: i64,
    /// The latest such moment: `at`, unless the engine stamps whole seconds (Podman).
    pub(crate) latest: i64,
    pub(crate) text: String,
}

/// `2026-12-02T18:00:00.123456789Z text` lines (as `timestamps=true` gives them), those at
/// or after `since_nanos`. Podman stamps whole seconds (`2026-12-02T18:00:00Z`): such a
/// line was written at some moment of that second. It counts when that second reaches
/// `since_nanos`, and is dated as early as it can be — not before `since_nanos` — so that
/// a line printed just after a step passed is not put before it, nor a learner's next act
/// (in the same second) before the line.
fn timestamped_lines(text: &str, since_nanos: i64) -> Vec<LogLine> {
    text.lines()
        .filter_map(|l| {
            let (ts, rest) = l.split_once(' ').unwrap_or((l, ""));
            let stamp =
                time::OffsetDateTime::parse(ts, &time::format_description::well_known::Rfc3339)
                    .ok()?
                    .unix_timestamp_nanos() as i64;
            let (at, latest, text) = if ts.contains('.') {
                (stamp, stamp, rest.to_owned())
            } else {
                // Podman stamps each piece a terminal wrote, not each line: the stamps of
                // the pieces after the first are inside the line, and are not its text.
                let text = inner_stamps().map_or_else(
                    || rest.to_owned(),
                    |re| re.replace_all(rest, "").into_owned(),
                );
                (stamp.max(since_nanos), stamp + 999_999_999, text)
            };
            (latest >= since_nanos).then(|| LogLine {
                at,
                latest,
                text: text.trim_end_matches('\r').to_owned(),
            })
        })
        .collect()
}

/// A whole-second stamp and its space, as Podman puts one before each piece of output.
fn inner_stamps() -> Option<&'static regex::Regex> {
    static RE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d) ").ok())
        .as_ref()
}

fn cap_text(buf: &[u8]) -> String {
    let slice = if buf.len() > OUTPUT_CAP {
        &buf[buf.len() - OUTPUT_CAP..]
    } else {
        buf
    };
    String::from_utf8_lossy(slice).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_second_stamps_count_when_their_second_reaches_the_bound() {
        // Docker's stamps are exact; Podman's (`…:05Z`) say only the second.
        let lines = timestamped_lines(
            "1970-01-01T00:00:05.250000000Z docker\n1970-01-01T00:00:05Z podman\n",
            5_500_000_000,
        );
        assert_eq!(
            lines,
            vec![LogLine {
                at: 5_500_000_000,
                latest: 5_999_999_999,
                text: "podman".into()
            }]
        );
        let all = timestamped_lines("1970-01-01T00:00:05.250000000Z docker\n", 0);
        assert_eq!(all[0].at, 5_250_000_000);
    }

    #[test]
    fn podman_stamps_inside_a_terminal_line_are_not_its_text() {
        let lines = timestamped_lines(
            "2026-12-03T14:14:47Z bash-4.4# 2026-12-03T14:14:47Z ec2026-12-03T14:14:48Z ho hi\r\n",
            0,
        );
        assert_eq!(lines[0].text, "bash-4.4# echo hi");
    }

    #[test]
    fn capped_output_keeps_the_tail() {
        let big = vec![b'a'; OUTPUT_CAP + 10];
        assert_eq!(cap_text(&big).len(), OUTPUT_CAP);
    }
}
