//! The harness → asyncdoctor channel: JSON lines, `"v": 1`. Every line is
//! validated here; anything malformed is counted and shown in the report,
//! never trusted.

use serde::Deserialize;

/// The protocol version this binary speaks (the harness sends it on every line).
pub const VERSION: u64 = 1;
/// Longest accepted line: a stack of 48 frames with long paths fits easily.
pub const MAX_LINE: usize = 1 << 20;

/// A source position reported by the harness.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Frame {
    pub file: String,
    pub line: u32,
    #[serde(default)]
    pub func: String,
    /// The harness's judgement: the program's own code (not asyncio, the
    /// standard library, site-packages or the harness).
    #[serde(default)]
    pub user: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TaskInfo {
    pub name: String,
    #[serde(default)]
    pub coro: String,
    pub site: Option<Frame>,
    #[serde(default)]
    pub defined: Option<Frame>,
    #[serde(default)]
    pub chain: Vec<Frame>,
    #[serde(default)]
    pub age_ms: Option<u64>,
    #[serde(default)]
    pub waits_on: Option<WaitsOn>,
    #[serde(default)]
    pub in_cycle: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WaitsOn {
    pub kind: String,
    #[serde(default)]
    pub what: String,
    #[serde(default)]
    pub holder: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Hello {
        #[serde(default)]
        ppid: u32,
        python: String,
        #[serde(default)]
        executable: String,
        #[serde(default)]
        argv: Vec<String>,
    },
    Loop {
        impl_: Option<String>,
    },
    Stall {
        duration_ms: f64,
        blame: Option<Frame>,
        #[serde(default)]
        callee: Option<Frame>,
        #[serde(default)]
        frames: Vec<Frame>,
        #[serde(default)]
        samples: u32,
    },
    NeverAwaited {
        coro: String,
        defined: Option<Frame>,
        site: Option<Frame>,
        #[serde(default)]
        origin_tracked: bool,
    },
    TaskDestroyed(TaskInfo),
    ExceptionNeverRetrieved {
        task: String,
        #[serde(default)]
        coro: String,
        exception: String,
        site: Option<Frame>,
        #[serde(default)]
        defined: Option<Frame>,
        #[serde(default)]
        raised: Option<Frame>,
    },
    ResourceWarning {
        message: String,
        site: Option<Frame>,
        #[serde(default)]
        alloc: Option<Frame>,
        #[serde(default)]
        warned_at: Option<Frame>,
    },
    PendingAtExit {
        reason: String,
        tasks: Vec<TaskInfo>,
    },
    Hang {
        idle_ms: u64,
        #[serde(default)]
        deadlock: bool,
        tasks: Vec<TaskInfo>,
    },
    ThreadUnsafe {
        method: String,
        #[serde(default)]
        thread: String,
        site: Option<Frame>,
        #[serde(default)]
        frames: Vec<Frame>,
    },
    CancelSwallowed {
        task: String,
        #[serde(default)]
        coro: String,
        site: Option<Frame>,
        #[serde(default)]
        defined: Option<Frame>,
    },
    Stats {
        created: u64,
        finished: u64,
        /// Task churn made the harness skip some tasks (counts are lower bounds).
        #[serde(default)]
        sampled: bool,
    },
    HarnessError {
        #[serde(rename = "where")]
        place: String,
        error: String,
    },
}

/// One validated line: which process sent what.
#[derive(Debug, Clone)]
pub struct Message {
    pub pid: u32,
    pub event: Event,
}

/// Parses and validates one line. The error says what was wrong (for the report).
pub fn parse_line(line: &str) -> Result<Message, String> {
    if line.len() > MAX_LINE {
        return Err(format!("line of {} bytes is too long", line.len()));
    }
    let mut value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let obj = value
        .as_object_mut()
        .ok_or_else(|| "not a JSON object".to_string())?;
    match obj.get("v").and_then(|v| v.as_u64()) {
        Some(VERSION) => {}
        Some(v) => return Err(format!("protocol version {v}, expected {VERSION}")),
        None => return Err("no protocol version".into()),
    }
    let pid = obj
        .get("pid")
        .and_then(|p| p.as_u64())
        .filter(|p| *p > 0 && *p <= u32::MAX as u64)
        .ok_or_else(|| "no valid pid".to_string())? as u32;
    // `impl` is a Rust keyword; the loop event names its implementation so.
    if let Some(i) = obj.remove("impl") {
        obj.insert("impl_".into(), i);
    }
    let event: Event = serde_json::from_value(value).map_err(|e| format!("invalid event: {e}"))?;
    validate(&event)?;
    Ok(Message { pid, event })
}

fn check_frame(f: &Option<Frame>) -> Result<(), String> {
    match f {
        Some(f) => check_frame_ref(f),
        None => Ok(()),
    }
}

fn check_frame_ref(f: &Frame) -> Result<(), String> {
    if f.file.is_empty() || f.file.len() > 4096 || f.file.contains('\0') {
        return Err("frame with an invalid file name".into());
    }
    if f.line == 0 {
        return Err(format!("frame {} with line 0", f.file));
    }
    Ok(())
}

fn check_task(t: &TaskInfo) -> Result<(), String> {
    check_frame(&t.site)?;
    check_frame(&t.defined)?;
    t.chain.iter().try_for_each(check_frame_ref)
}

fn validate(event: &Event) -> Result<(), String> {
    match event {
        Event::Stall {
            duration_ms,
            blame,
            callee,
            frames,
            ..
        } => {
            if !duration_ms.is_finite() || *duration_ms < 0.0 {
                return Err("stall with an invalid duration".into());
            }
            check_frame(blame)?;
            check_frame(callee)?;
            frames.iter().try_for_each(check_frame_ref)
        }
        Event::NeverAwaited { defined, site, .. } => {
            check_frame(defined)?;
            check_frame(site)
        }
        Event::TaskDestroyed(t) => check_task(t),
        Event::ExceptionNeverRetrieved {
            site,
            defined,
            raised,
            ..
        } => {
            check_frame(site)?;
            check_frame(defined)?;
            check_frame(raised)
        }
        Event::ResourceWarning {
            site,
            alloc,
            warned_at,
            ..
        } => {
            check_frame(site)?;
            check_frame(alloc)?;
            check_frame(warned_at)
        }
        Event::PendingAtExit { tasks, .. } | Event::Hang { tasks, .. } => {
            tasks.iter().try_for_each(check_task)
        }
        Event::ThreadUnsafe { site, frames, .. } => {
            check_frame(site)?;
            frames.iter().try_for_each(check_frame_ref)
        }
        Event::CancelSwallowed { site, defined, .. } => {
            check_frame(site)?;
            check_frame(defined)
        }
        Event::Stats { .. } => Ok(()),
        Event::Hello { .. } | Event::Loop { .. } | Event::HarnessError { .. } => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_stall() {
        let m = parse_line(
            r#"{"v":1,"pid":42,"type":"stall","duration_ms":120.5,"blame":{"file":"/a.py","line":3,"func":"f"},"frames":[],"samples":2}"#,
        )
        .unwrap();
        assert_eq!(m.pid, 42);
        assert!(matches!(m.event, Event::Stall { .. }));
    }

    #[test]
    fn rejects_malformed() {
        assert!(parse_line("nope").is_err());
        assert!(parse_line(r#"{"v":2,"pid":1,"type":"stats","created":1,"finished":1}"#).is_err());
        assert!(parse_line(r#"{"v":1,"type":"stats","created":1,"finished":1}"#).is_err());
        assert!(parse_line(r#"{"v":1,"pid":1,"type":"launch_missiles"}"#).is_err());
        assert!(parse_line(r#"{"v":1,"pid":1,"type":"stall","duration_ms":"slow"}"#).is_err());
        assert!(
            parse_line(
                r#"{"v":1,"pid":1,"type":"stall","duration_ms":5,"blame":{"file":"a.py","line":0}}"#
            )
            .is_err()
        );
        assert!(parse_line(r#"{"v":1,"pid":1,"type":"loop","impl":"x.Loop"}"#).is_ok());
    }
}
