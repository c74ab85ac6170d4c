//! The pipeline: scanner → normaliser → traceback assembler → signatures →
//! findings aggregated by (id, subject), in bounded memory.

use std::io::{self, Read};

use super::input::{Mode, Scanner};
use super::normalize::{Line, Normalizer};
use super::signatures::{self, CodeRef, Ctx, Hit, Role};
use super::traceback::{Assembler, Event, Exception, Frame, Traceback};
use super::versions::{self, PyVersion};

/// Distinct findings (different subjects) kept per id; more are merged into
/// the first of that id, so every id found is always reported.
const MAX_PER_ID: usize = 20;
/// Input line numbers kept per finding (the count is exact).
const MAX_INPUT_LINES: usize = 20;
/// Frames and code references kept per finding.
const MAX_FRAMES: usize = 40;
const MAX_REFS: usize = 20;
/// Lines after an asyncio log message that may carry its task repr or the
/// creation traceback.
const LOOKAHEAD: u64 = 4;

#[derive(Debug, Clone)]
pub struct Finding {
    pub id: &'static str,
    pub diagnosis: String,
    pub subject: Option<String>,
    pub input_lines: Vec<u64>,
    pub occurrences: u64,
    /// Frames of the tracebacks it was found in (innermost last).
    pub frames: Vec<Frame>,
    /// Places the input names outright (task reprs, warning locations).
    pub refs: Vec<CodeRef>,
    pub python: PyVersion,
    /// Where `python` came from when not from the input itself.
    pub python_source: Option<&'static str>,
}

#[derive(Debug, Default)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    /// The version printed anywhere in the input.
    pub python: PyVersion,
    pub lines: u64,
    pub bytes: u64,
    pub tracebacks: u64,
}

struct Pending {
    hits: Vec<Hit>,
    line: u64,
    python: PyVersion,
    frames: Vec<Frame>,
}

#[derive(Default)]
struct Aggregator {
    analysis: Analysis,
    pending: Option<Pending>,
    /// (id, subject) → index into findings; id → findings of that id.
    index: rustc_hash::FxHashMap<(&'static str, Option<String>), usize>,
    per_id: rustc_hash::FxHashMap<&'static str, (usize, usize)>,
}

impl Aggregator {
    fn add(&mut self, hit: Hit, lines: &[u64], frames: &[Frame], python: PyVersion) {
        let findings = &mut self.analysis.findings;
        let key = (hit.id, hit.subject.clone());
        let idx = self.index.get(&key).copied().or_else(|| {
            self.per_id
                .get(hit.id)
                .filter(|(count, _)| *count >= MAX_PER_ID)
                .map(|(_, first)| *first)
        });
        let f = match idx {
            Some(i) => &mut findings[i],
            None => {
                let i = findings.len();
                self.index.insert(key, i);
                let e = self.per_id.entry(hit.id).or_insert((0, i));
                e.0 += 1;
                findings.push(Finding {
                    id: hit.id,
                    diagnosis: hit.diagnosis,
                    subject: hit.subject,
                    input_lines: Vec::new(),
                    occurrences: 0,
                    frames: Vec::new(),
                    refs: Vec::new(),
                    python: PyVersion::default(),
                    python_source: None,
                });
                findings.last_mut().expect("just pushed")
            }
        };
        f.occurrences += 1;
        for l in lines {
            if f.input_lines.len() < MAX_INPUT_LINES && !f.input_lines.contains(l) && *l > 0 {
                f.input_lines.push(*l);
            }
        }
        for fr in frames {
            if f.frames.len() < MAX_FRAMES && !f.frames.contains(fr) {
                f.frames.push(fr.clone());
            }
        }
        for r in hit.refs {
            if f.refs.len() < MAX_REFS && !f.refs.contains(&r) {
                f.refs.push(r);
            }
        }
        f.python.merge(python);
    }

    fn flush_pending(&mut self) {
        if let Some(p) = self.pending.take() {
            for h in p.hits {
                self.add(h, &[p.line], &p.frames, p.python);
            }
        }
    }

    /// Lines right after an asyncio log message: `task: <Task ...>` names
    /// the coroutine and where it was.
    fn enrich(&mut self, line: &Line) {
        let Some(p) = &mut self.pending else { return };
        let t = line.text.trim_start();
        let is_repr = [
            "task: <",
            "future: <",
            "handle: <",
            "transport: <",
            "client_session: <",
        ]
        .iter()
        .any(|k| t.starts_with(k));
        if !is_repr {
            return;
        }
        let refs = signatures::repr_refs(t, line.no, "task");
        for h in &mut p.hits {
            if matches!(h.id, "task-destroyed-pending" | "exception-never-retrieved") {
                if h.subject.is_none() {
                    h.subject = refs
                        .first()
                        .and_then(|r| r.function.as_ref().map(|f| format!("{f}()")));
                }
                h.refs.extend(refs.iter().cloned());
            }
        }
    }

    fn line(&mut self, line: &Line) {
        let hits = signatures::line_hits(&line.text, line.no);
        if hits.is_empty() {
            return;
        }
        self.flush_pending();
        let python = versions::version_in(&line.text)
            .map(PyVersion::exact)
            .unwrap_or_default();
        self.pending = Some(Pending {
            hits,
            line: line.no,
            python,
            frames: Vec::new(),
        });
    }

    fn traceback(&mut self, tb: &Traceback) {
        self.analysis.tracebacks += 1;
        let frames_all = tb.all_frames();
        let types: Vec<&str> = tb.chain.iter().map(|e| e.ty.as_str()).collect();
        let files: Vec<&str> = frames_all.iter().map(|f| f.file.as_str()).collect();
        let python = versions::implied_by(&types, &files, tb.range_carets);
        // A traceback right after an asyncio log message belongs to it (the
        // failed task's traceback, or where the coroutine was created).
        if let Some(p) = &mut self.pending {
            let owns_traceback = p.hits.iter().any(|h| {
                matches!(
                    h.id,
                    "exception-never-retrieved"
                        | "coroutine-never-awaited"
                        | "task-destroyed-pending"
                )
            });
            if owns_traceback && tb.first_line <= p.line + LOOKAHEAD + 2 {
                for f in &frames_all {
                    if p.frames.len() < MAX_FRAMES {
                        p.frames.push((*f).clone());
                    }
                }
                p.python.merge(python);
            }
        }
        self.traceback_part(tb, Role::Surfaced, &frames_all, python);
    }

    fn traceback_part(
        &mut self,
        tb: &Traceback,
        surfaced: Role,
        frames_all: &[&Frame],
        python: PyVersion,
    ) {
        let n = tb.chain.len();
        for (i, exc) in tb.chain.iter().enumerate() {
            let role = if i + 1 == n { surfaced } else { Role::Chained };
            let previous: Option<&Exception> = i.checked_sub(1).map(|j| &tb.chain[j]);
            let ctx = Ctx {
                role,
                frames: frames_all,
                previous,
                input_line: exc.input_line,
            };
            let hits = signatures::exception_hits(exc, &ctx);
            if !hits.is_empty() {
                let mut lines = vec![tb.first_line];
                if exc.input_line > 0 {
                    lines.push(exc.input_line);
                }
                let frames: Vec<Frame> = if exc.frames.is_empty() {
                    frames_all.iter().map(|f| (*f).clone()).collect()
                } else {
                    exc.frames.clone()
                };
                for h in hits {
                    self.add(h, &lines, &frames, python);
                }
            }
            for m in &exc.members {
                let member_frames = m.all_frames();
                self.traceback_part(m, Role::Member, &member_frames, python);
            }
        }
    }
}

/// Reads all of `reader` and returns what was found.
pub fn analyze<R: Read>(reader: R) -> io::Result<Analysis> {
    let mut scanner = Scanner::new(reader);
    let mut norm = Normalizer::default();
    let mut asm = Assembler::default();
    let mut agg = Aggregator::default();
    let mut events = Vec::new();
    let mut global = PyVersion::default();
    loop {
        // While a log message's lookahead window is open, or a traceback is
        // being read, every line counts; otherwise jump to trigger lines.
        let every = asm.wants_every_line() || agg.pending.is_some();
        let mode = if every { Mode::Any } else { Mode::Candidate };
        let Some((no, raw)) = scanner.next_line(mode)? else {
            break;
        };
        let line = norm.line(no, raw);
        if global.minor.is_none()
            && let Some(m) = versions::version_in(&line.text)
        {
            global.minor = Some(m);
        }
        if agg
            .pending
            .as_ref()
            .is_some_and(|p| no > p.line + LOOKAHEAD)
            && !asm.wants_every_line()
        {
            agg.flush_pending();
        }
        for line in expand_escaped(line) {
            agg.enrich(&line);
            asm.push(line, &mut events);
            for ev in events.drain(..) {
                match ev {
                    Event::Traceback(tb) => agg.traceback(&tb),
                    Event::Line(l) => agg.line(&l),
                }
            }
        }
    }
    asm.finish(&mut events);
    for ev in events.drain(..) {
        match ev {
            Event::Traceback(tb) => agg.traceback(&tb),
            Event::Line(l) => agg.line(&l),
        }
    }
    agg.flush_pending();
    let mut analysis = agg.analysis;
    analysis.lines = scanner.line_no();
    analysis.bytes = scanner.bytes_read;
    for f in &mut analysis.findings {
        f.python.merge(global);
    }
    analysis
        .findings
        .sort_by_key(|f| f.input_lines.iter().copied().min().unwrap_or(u64::MAX));
    analysis.python = global;
    Ok(analysis)
}

/// A traceback inside one JSON log record (`"exc_info": "Traceback (most
/// recent call last):\\n  File ..."`) is unescaped into its lines, all
/// numbered with the record's line.
fn expand_escaped(line: Line) -> Vec<Line> {
    const HEADER: &str = "Traceback (most recent call last):\\n";
    let Some(at) = line.text.find(HEADER) else {
        return vec![line];
    };
    let start = if line.text[..at].ends_with("Exception Group ") {
        at - "Exception Group ".len()
    } else {
        at
    };
    let rest = &line.text[start..];
    // The string ends at the first quote not escaped by a backslash.
    let bytes = rest.as_bytes();
    let mut end = rest.len();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => {
                end = i;
                break;
            }
            _ => i += 1,
        }
    }
    let mut out = Vec::new();
    let before = line.text[..start].trim_end_matches('"');
    if !before.trim().is_empty() {
        out.push(Line {
            no: line.no,
            text: before.to_string(),
            pytest_e: false,
        });
    }
    for piece in rest[..end.min(rest.len())].split("\\n") {
        out.push(Line {
            no: line.no,
            text: piece.replace("\\\"", "\"").replace("\\\\", "\\"),
            pytest_e: false,
        });
    }
    // What follows the string (more JSON) ends the traceback.
    out.push(Line {
        no: line.no,
        text: String::new(),
        pytest_e: false,
    });
    out.push(Line {
        no: line.no,
        text: String::new(),
        pytest_e: false,
    });
    out.push(Line {
        no: line.no,
        text: String::new(),
        pytest_e: false,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<&'static str> {
        let mut v: Vec<_> = analyze(text.as_bytes())
            .unwrap()
            .findings
            .iter()
            .map(|f| f.id)
            .collect();
        v.sort();
        v.dedup();
        v
    }

    #[test]
    fn task_destroyed_with_repr_on_next_line() {
        let a = analyze(
            &b"noise\n2024-05-01 12:00:01,123 ERROR asyncio: Task was destroyed but it is pending!\ntask: <Task pending name='Task-4' coro=<poll() running at /srv/app/poller.py:31> wait_for=<Future pending cb=[Task.task_wakeup()]>>\nnoise\n"[..],
        )
        .unwrap();
        assert_eq!(a.findings.len(), 1);
        let f = &a.findings[0];
        assert_eq!(f.id, "task-destroyed-pending");
        assert_eq!(f.subject.as_deref(), Some("poll()"));
        assert_eq!(f.input_lines, vec![2]);
        assert_eq!(f.refs[0].file, "/srv/app/poller.py");
        assert_eq!(f.refs[0].line, 31);
    }

    #[test]
    fn chained_cancelled_into_timeout_is_only_timeout() {
        assert_eq!(
            ids(concat!(
                "Traceback (most recent call last):\n",
                "  File \"/usr/lib/python3.12/asyncio/tasks.py\", line 520, in wait_for\n",
                "    return await fut\n",
                "asyncio.exceptions.CancelledError\n",
                "\n",
                "The above exception was the direct cause of the following exception:\n",
                "\n",
                "Traceback (most recent call last):\n",
                "  File \"/app/x.py\", line 9, in main\n",
                "    await asyncio.wait_for(f(), 1)\n",
                "TimeoutError\n",
            )),
            ["timeout"]
        );
    }

    #[test]
    fn plain_key_error_from_async_handler_is_nothing() {
        assert!(
            ids(concat!(
                "Traceback (most recent call last):\n",
                "  File \"/usr/lib/python3.11/asyncio/runners.py\", line 118, in run\n",
                "    return self._loop.run_until_complete(task)\n",
                "  File \"/app/handler.py\", line 7, in handle\n",
                "    user = payload[\"user\"]\n",
                "KeyError: 'user'\n",
            ))
            .is_empty()
        );
    }

    #[test]
    fn traceback_inside_a_json_record() {
        let rec = r#"{"level": "error", "event": "request failed", "exception": "Traceback (most recent call last):\n  File \"/app/db.py\", line 9, in q\n    await pool.acquire()\nRuntimeError: Task <Task pending name='Task-1'> got Future <Future pending> attached to a different loop", "ts": 1}"#;
        let a = analyze(rec.as_bytes()).unwrap();
        assert_eq!(a.findings.len(), 1);
        assert_eq!(a.findings[0].id, "different-loop");
        assert_eq!(a.findings[0].frames[0].file, "/app/db.py");
        assert_eq!(a.findings[0].input_lines, vec![1]);
    }

    #[test]
    fn debug_mode_creation_traceback_gives_the_frames() {
        let a = analyze(
            &b"/srv/api/cache.py:33: RuntimeWarning: coroutine 'Cache.invalidate' was never awaited\nCoroutine created at (most recent call last)\n  File \"/srv/api/routes.py\", line 88, in update_item\n    cache.invalidate(item_id)\nINFO done\n"[..],
        )
        .unwrap();
        assert_eq!(a.findings.len(), 1);
        let f = &a.findings[0];
        assert_eq!(f.subject.as_deref(), Some("Cache.invalidate"));
        assert_eq!(f.frames.len(), 1);
        assert_eq!(f.frames[0].file, "/srv/api/routes.py");
        assert_eq!(f.frames[0].line, 88);
        assert_eq!(f.refs[0].line, 33);
    }

    #[test]
    fn findings_per_id_are_bounded_and_no_id_is_crowded_out() {
        let mut text = String::new();
        for i in 0..5000 {
            text.push_str(&format!(
                "x.py:1: RuntimeWarning: coroutine 'c{i}' was never awaited\n"
            ));
        }
        text.push_str("RuntimeError: Event loop is closed\n");
        let a = analyze(text.as_bytes()).unwrap();
        let never: Vec<_> = a
            .findings
            .iter()
            .filter(|f| f.id == "coroutine-never-awaited")
            .collect();
        assert_eq!(never.len(), MAX_PER_ID);
        assert_eq!(never.iter().map(|f| f.occurrences).sum::<u64>(), 5000);
        assert!(a.findings.iter().any(|f| f.id == "loop-closed"));
    }

    #[test]
    fn version_is_read_for_findings() {
        let a = analyze(
            &b"Traceback (most recent call last):\n  File \"/usr/lib/python3.9/asyncio/tasks.py\", line 494, in wait_for\n    raise exceptions.TimeoutError() from exc\nasyncio.exceptions.TimeoutError\n"[..],
        )
        .unwrap();
        assert_eq!(a.findings[0].python.minor, Some(9));
    }
}
