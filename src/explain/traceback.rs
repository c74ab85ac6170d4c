//! The traceback model and the streaming assembler that builds it.
//!
//! The [`Assembler`] takes normalised lines one at a time. Outside a
//! traceback every line is handed on as an [`Event::Line`] (asyncio's log
//! messages and warnings are single lines). A traceback header (`Traceback
//! (most recent call last):`, `+ Exception Group Traceback ...`, IPython's
//! `RuntimeError      Traceback (most recent call last)`) opens a *region*
//! that is collected (bounded, [`MAX_REGION_LINES`]) until it ends, then
//! parsed by [`parse_region`] into a [`Traceback`]: the chain of exceptions
//! (`During handling of the above exception...` / `The above exception was
//! the direct cause...`), each with frames (file, line, function, code line),
//! and for exception groups the members of the `+-+---- 1 ----` tree, parsed
//! recursively. A run of pytest `E` lines is a region too (pytest prints the
//! exception and group tree there); pytest's `path.py:12: TypeError`
//! location lines that follow are kept as frames, and a chain marker between
//! two `E` runs chains them.

use std::sync::LazyLock;

use regex::Regex;

use super::normalize::Line;

/// Lines kept per traceback; frames beyond are dropped (a RecursionError
/// prints ~1000), markers and exception lines are always kept.
pub const MAX_REGION_LINES: usize = 1000;
/// Chained parts kept per traceback.
const MAX_CHAIN: usize = 64;
/// Group trees nest by two columns per level; deeper ones are not parsed
/// (keeps the recursion bounded whatever the input).
const MAX_GROUP_INDENT: usize = 24;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub file: String,
    pub line: u32,
    pub function: Option<String>,
    pub code: Option<String>,
    /// Input line the frame was printed on.
    pub input_line: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// `The above exception was the direct cause of the following exception:`
    Cause,
    /// `During handling of the above exception, another exception occurred:`
    Context,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exception {
    /// As printed: `RuntimeError`, `asyncio.exceptions.CancelledError`.
    pub ty: String,
    /// Empty when the exception has no message.
    pub message: String,
    pub frames: Vec<Frame>,
    /// Input line of the `Type: message` line (0: not seen).
    pub input_line: u64,
    /// For an exception group: its members, each a traceback of its own.
    pub members: Vec<Traceback>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Traceback {
    /// In printed order; the last is the exception that surfaced.
    pub chain: Vec<Exception>,
    /// `links[i]` joins `chain[i]` to `chain[i + 1]`.
    pub links: Vec<Link>,
    pub first_line: u64,
    pub last_line: u64,
    /// Frames carry `^^^` range markers (3.11+ format).
    pub range_carets: bool,
}

impl Traceback {
    pub fn surfaced(&self) -> Option<&Exception> {
        self.chain.last()
    }

    /// Every frame of every exception, members included.
    pub fn all_frames(&self) -> Vec<&Frame> {
        let mut out = Vec::new();
        for e in &self.chain {
            out.extend(e.frames.iter());
            for m in &e.members {
                out.extend(m.all_frames());
            }
        }
        out
    }
}

#[derive(Debug)]
pub enum Event {
    Traceback(Traceback),
    Line(Line),
}

static FRAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*File "(.+)", line (\d+)(?:, in (.+))?$"#).expect("frame regex")
});
/// IPython 8: `File /usr/lib/python3.11/asyncio/runners.py:186, in run(main, debug)`,
/// `Cell In[3], line 1`; IPython 7: `<ipython-input-3-abc> in <module>`,
/// `/usr/lib/python3.8/asyncio/base_events.py in run_until_complete(self, future)`.
static IPY_FRAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^\s*(?:File (?P<f1>.+?):(?P<l1>\d+)(?:, in (?P<fn1>[\w.<>]+))?",
        r"|Cell (?P<cell>In\s?\[\d+\]), line (?P<l2>\d+)",
        r"|(?P<f3><ipython-input-[\w-]+>|\S+\.py) in (?P<fn3>[\w.<>]+)\(?)"
    ))
    .expect("ipython frame regex")
});
static IPY_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[A-Za-z_][\w.]*\s{2,}Traceback \(most recent call last\)").expect("ipy")
});
static EXC_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)(?::(?: (.*))?)?$").expect("exc line")
});
/// pytest's `tests/test_x.py:12: TimeoutError` / `/usr/lib/python3.10/asyncio/tasks.py:458: `.
static PYTEST_LOCATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\S+\.py):(\d+):(?: ([A-Za-z_][\w.]*))?$").expect("pytest location")
});

const CAUSE: &str = "The above exception was the direct cause of the following exception:";
const CONTEXT: &str = "During handling of the above exception, another exception occurred:";

fn is_header(t: &str) -> bool {
    static HEADER: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("(most recent call last)"));
    if HEADER.find(t.as_bytes()).is_none() {
        return false;
    }
    t.contains("Traceback (most recent call last):")
        || IPY_HEADER.is_match(t)
        // asyncio debug mode: where a coroutine or a task was created.
        || t.contains("created at (most recent call last)")
}

fn chain_marker(t: &str) -> Option<Link> {
    let t = t.trim().trim_start_matches('|').trim();
    if t == CAUSE {
        Some(Link::Cause)
    } else if t == CONTEXT {
        Some(Link::Context)
    } else {
        None
    }
}

fn is_tree_line(line: &str) -> bool {
    let t = line.trim_start();
    t == "|" || t.starts_with("| ") || t.starts_with("+-") || t.starts_with("+ ")
}

/// An exception type as printed: a dotted name whose last part looks like
/// an exception class (CamelCase or a known lowercase alias such as
/// `socket.timeout`).
pub fn looks_like_type(ty: &str) -> bool {
    let last = ty.rsplit('.').next().unwrap_or(ty);
    let Some(first) = last.chars().next() else {
        return false;
    };
    (first.is_ascii_uppercase() && last.chars().any(|c| c.is_ascii_lowercase()))
        || matches!(last, "timeout" | "error" | "gaierror" | "herror")
}

/// Parses `Type: message` / `Type`.
pub fn parse_exception_line(t: &str) -> Option<(String, String)> {
    let c = EXC_LINE.captures(t)?;
    let ty = c.get(1)?.as_str();
    if !looks_like_type(ty) {
        return None;
    }
    Some((
        ty.to_string(),
        c.get(2).map_or("", |m| m.as_str()).trim().to_string(),
    ))
}

struct Region {
    lines: Vec<Line>,
    /// The exception line of the current chain part was seen.
    seen_exception: bool,
    blanks: usize,
    ipython: bool,
    pytest: bool,
    /// Text before the header on its line, stripped from following lines.
    prefix: String,
}

/// A pytest traceback waiting for its location lines and chained parts.
struct PendingPytest {
    tb: Traceback,
    lines_left: usize,
    link: Option<Link>,
}

#[derive(Default)]
pub struct Assembler {
    region: Option<Region>,
    pending: Option<PendingPytest>,
    /// An exception line printed without a traceback, held back one or two
    /// lines: a chain marker after it makes it the first part of a chain
    /// (`CancelledError` / direct cause / `TimeoutError` traceback), which
    /// must not be read as an exception that surfaced on its own.
    deferred: Option<(Line, Option<Line>)>,
}

impl Assembler {
    /// Whether every line must be read (not only trigger lines).
    pub fn wants_every_line(&self) -> bool {
        self.region.is_some() || self.pending.is_some() || self.deferred.is_some()
    }

    pub fn push(&mut self, line: Line, out: &mut Vec<Event>) {
        if let Some(region) = &mut self.region {
            if region.pytest {
                if line.pytest_e {
                    if region.lines.len() < MAX_REGION_LINES * 4 {
                        region.lines.push(line);
                    }
                    return;
                }
                self.close(out);
            } else {
                match region.accept(line) {
                    None => return,
                    Some(rejected) => {
                        self.close(out);
                        return self.push(rejected, out);
                    }
                }
            }
        }
        // No region open.
        if let Some((exc, blank)) = self.deferred.take() {
            if chain_marker(&line.text).is_some() {
                let mut region = Region::new(exc, false, false, String::new());
                if let Some(b) = blank {
                    region.keep(b, false);
                }
                region.keep(line, true);
                self.region = Some(region);
                return;
            }
            if line.text.trim().is_empty() && blank.is_none() {
                self.deferred = Some((exc, Some(line)));
                return;
            }
            out.push(Event::Line(exc));
            if let Some(b) = blank {
                out.push(Event::Line(b));
            }
        }
        if line.pytest_e {
            self.region = Some(Region::new(line, false, true, String::new()));
            return;
        }
        if let Some(p) = &mut self.pending {
            if let Some(link) = chain_marker(&line.text) {
                p.link = Some(link);
                p.lines_left = 40;
                return;
            }
            if let Some(c) = PYTEST_LOCATION.captures(line.text.trim())
                && let Some(last) = p.tb.chain.last_mut()
            {
                let file = c[1].to_string();
                let ln = c[2].parse().unwrap_or(0);
                last.frames.push(Frame {
                    file,
                    line: ln,
                    function: None,
                    code: None,
                    input_line: line.no,
                });
                p.tb.last_line = line.no;
            }
            let t = line.text.trim_start();
            if t.starts_with("____") || t.starts_with("====") || p.lines_left == 0 {
                self.flush_pending(out);
            } else {
                p.lines_left -= 1;
            }
        }
        if is_header(&line.text) {
            let t = &line.text;
            let at = t
                .find("Traceback (most recent call last)")
                .or_else(|| t.find("Coroutine created at"))
                .or_else(|| t.find("Object created at"))
                .or_else(|| t.find(|c: char| !c.is_whitespace()))
                .unwrap_or(0);
            let before = &t[..at];
            let ipython = IPY_HEADER.is_match(t);
            // `  + Exception Group Traceback`, IPython's type column and
            // plain indentation are part of the traceback; anything else
            // before the header (a logger's message) is a prefix.
            let prefix = if ipython
                || before.trim().is_empty()
                || before.trim_end().ends_with('+')
                || before.trim_end().ends_with("Exception Group")
            {
                String::new()
            } else {
                before.to_string()
            };
            self.region = Some(Region::new(line, ipython, false, prefix));
            return;
        }
        if !line.text.starts_with([' ', '\t']) && parse_exception_line(&line.text).is_some() {
            self.deferred = Some((line, None));
            return;
        }
        out.push(Event::Line(line));
    }

    pub fn finish(&mut self, out: &mut Vec<Event>) {
        self.close(out);
        self.flush_pending(out);
        if let Some((exc, blank)) = self.deferred.take() {
            out.push(Event::Line(exc));
            if let Some(b) = blank {
                out.push(Event::Line(b));
            }
        }
    }

    fn flush_pending(&mut self, out: &mut Vec<Event>) {
        if let Some(p) = self.pending.take() {
            out.push(Event::Traceback(p.tb));
        }
    }

    fn close(&mut self, out: &mut Vec<Event>) {
        let Some(region) = self.region.take() else {
            return;
        };
        let tb = parse_region(&region.lines);
        if region.pytest {
            match self.pending.take() {
                Some(mut p) if p.link.is_some() && p.tb.chain.len() < MAX_CHAIN => {
                    // `E` run, marker, `E` run: one chained traceback.
                    p.tb.links.push(p.link.unwrap_or(Link::Context));
                    p.tb.chain.extend(tb.chain);
                    p.tb.last_line = tb.last_line;
                    p.link = None;
                    p.lines_left = 40;
                    self.pending = Some(p);
                }
                previous => {
                    if let Some(p) = previous {
                        out.push(Event::Traceback(p.tb));
                    }
                    self.pending = Some(PendingPytest {
                        tb,
                        lines_left: 40,
                        link: None,
                    });
                }
            }
        } else if !tb.chain.is_empty() {
            out.push(Event::Traceback(tb));
        }
    }
}

impl Region {
    fn new(line: Line, ipython: bool, pytest: bool, prefix: String) -> Region {
        let mut line = line;
        if !prefix.is_empty() {
            line.text = line.text[prefix.len()..].to_string();
        }
        Region {
            lines: vec![line],
            seen_exception: false,
            blanks: 0,
            ipython,
            pytest,
            prefix,
        }
    }

    fn keep(&mut self, line: Line, essential: bool) {
        let limit = if essential {
            MAX_REGION_LINES * 4
        } else {
            MAX_REGION_LINES
        };
        if self.lines.len() < limit {
            self.lines.push(line);
        }
    }

    /// Takes the line into the region, or gives it back when the region
    /// has ended before it.
    fn accept(&mut self, mut line: Line) -> Option<Line> {
        if !self.prefix.is_empty() && line.text.starts_with(&self.prefix) {
            line.text = line.text[self.prefix.len()..].to_string();
        }
        let text = line.text.as_str();
        if text.trim().is_empty() {
            self.blanks += 1;
            let limit = if self.ipython { 3 } else { 2 };
            if self.blanks > limit {
                return Some(line);
            }
            self.keep(line, false);
            return None;
        }
        let after_blank = std::mem::take(&mut self.blanks) > 0;
        if chain_marker(text).is_some() {
            self.seen_exception = false;
            self.keep(line, true);
            return None;
        }
        if is_tree_line(text) {
            self.keep(line, true);
            return None;
        }
        if is_header(text) {
            let last_was_marker = self
                .lines
                .iter()
                .rev()
                .find(|l| !l.text.trim().is_empty())
                .is_some_and(|l| chain_marker(&l.text).is_some());
            if self.seen_exception && !last_was_marker {
                return Some(line);
            }
            self.keep(line, true);
            return None;
        }
        if self.seen_exception {
            return Some(line);
        }
        if FRAME.is_match(text) {
            // A frame whose indentation a log prefix ate.
            self.keep(line, self.lines.len() < MAX_REGION_LINES);
            return None;
        }
        let indented = text.starts_with([' ', '\t']);
        if indented && !after_blank || self.ipython && (indented || is_ipython_line(text)) {
            if self.ipython && !indented && parse_exception_line(text).is_some() {
                self.seen_exception = true;
                self.keep(line, true);
                return None;
            }
            let is_frame = FRAME.is_match(text);
            self.keep(line, is_frame && self.lines.len() < MAX_REGION_LINES);
            return None;
        }
        if parse_exception_line(text).is_some() || !indented && self.last_is_frame_or_code() {
            self.seen_exception = true;
            self.keep(line, true);
            return None;
        }
        Some(line)
    }

    fn last_is_frame_or_code(&self) -> bool {
        self.lines.last().is_some_and(|l| {
            !is_tree_line(&l.text)
                && (l.text.starts_with([' ', '\t']) || l.text.contains("Traceback (most recent"))
        })
    }
}

fn is_ipython_line(t: &str) -> bool {
    is_ipython_arrow(t) || IPY_FRAME.is_match(t)
}

/// IPython's `----> 1 code` / `--> 186 code` current-line markers.
fn is_ipython_arrow(t: &str) -> bool {
    t.starts_with("--") && t.trim_start_matches('-').starts_with('>')
}

/// Parses a collected region (lines of one traceback, possibly chained,
/// possibly with a group tree).
pub fn parse_region(lines: &[Line]) -> Traceback {
    let mut tb = Traceback {
        first_line: lines.first().map_or(0, |l| l.no),
        last_line: lines.last().map_or(0, |l| l.no),
        ..Traceback::default()
    };
    let mut i = 0;
    let mut linear: Vec<&Line> = Vec::new();
    while i < lines.len() {
        if is_tree_line(&lines[i].text) {
            let start = i;
            while i < lines.len()
                && (is_tree_line(&lines[i].text) || lines[i].text.trim().is_empty())
            {
                i += 1;
            }
            parse_linear(&linear, &mut tb);
            linear.clear();
            let block: Vec<&Line> = lines[start..i].iter().collect();
            if let Some(group) = parse_group(&block) {
                attach(&mut tb, group);
            }
        } else {
            linear.push(&lines[i]);
            i += 1;
        }
    }
    parse_linear(&linear, &mut tb);
    tb
}

/// Adds a group (parsed from a tree) as the next part of the chain, or as
/// the members of the exception line just before it (pytest prints the
/// group's exception line, then its tree).
fn attach(tb: &mut Traceback, group: Traceback) {
    if let Some(last) = tb.chain.last_mut() {
        if is_group_type(&last.ty) && last.members.is_empty() && group.chain.len() == 1 {
            let g = group.chain.into_iter().next().unwrap_or_default();
            if g.ty.is_empty() || g.ty == last.ty {
                last.members = g.members;
                last.frames.extend(g.frames);
                return;
            }
            tb.links.push(Link::Context);
            tb.chain.push(g);
            return;
        }
        if tb.links.len() < tb.chain.len() {
            tb.links.push(Link::Context);
        }
    }
    tb.chain.extend(group.chain);
    tb.links.extend(group.links);
}

pub fn is_group_type(ty: &str) -> bool {
    ty.ends_with("ExceptionGroup") || ty.ends_with("MultiError")
}

/// Splits `|`/`+` tree lines into (column, kind, content).
fn tree_parts(line: &str) -> (usize, char, &str) {
    let lead = line.len() - line.trim_start().len();
    let rest = &line[lead..];
    if let Some(c) = rest.strip_prefix("| ") {
        (lead, '|', c)
    } else if rest == "|" {
        (lead, '|', "")
    } else if let Some(c) = rest.strip_prefix("+ ") {
        (lead, '|', c)
    } else if rest.starts_with("+-+") {
        (lead, 'o', rest)
    } else if rest.starts_with("+-") {
        (lead, 's', rest)
    } else {
        (usize::MAX, ' ', rest)
    }
}

fn separator_has_number(s: &str) -> bool {
    s.trim_matches(|c| c == '+' || c == '-' || c == ' ')
        .chars()
        .any(|c| c.is_ascii_digit())
}

/// Parses one group tree whose own lines are at the first line's column.
fn parse_group(block: &[&Line]) -> Option<Traceback> {
    let first = block.iter().find(|l| !l.text.trim().is_empty())?;
    let (d0, _, _) = tree_parts(&first.text);
    if d0 > MAX_GROUP_INDENT {
        // Nested deeper than any real program prints: do not recurse on.
        return None;
    }
    let mut own: Vec<Line> = Vec::new();
    let mut members: Vec<Vec<&Line>> = Vec::new();
    let mut current: Option<Vec<&Line>> = None;
    for line in block {
        let (col, kind, content) = tree_parts(&line.text);
        if col == d0 && kind == '|' && current.is_none() {
            own.push(Line {
                no: line.no,
                text: content.to_string(),
                pytest_e: false,
            });
        } else if col == d0 && kind == 'o' && current.is_none() {
            current = Some(Vec::new());
        } else if col == d0 + 2 && kind == 's' {
            if let Some(m) = current.take() {
                members.push(m);
            }
            if separator_has_number(content) {
                current = Some(Vec::new());
            }
        } else if let Some(m) = &mut current
            && col != usize::MAX
            && col >= d0 + 2
        {
            m.push(line);
        }
    }
    if let Some(m) = current.take() {
        members.push(m);
    }
    let mut tb = Traceback {
        first_line: block.first().map_or(0, |l| l.no),
        last_line: block.last().map_or(0, |l| l.no),
        ..Traceback::default()
    };
    let own_refs: Vec<&Line> = own.iter().collect();
    parse_linear(&own_refs, &mut tb);
    let parsed_members: Vec<Traceback> = members
        .iter()
        .filter_map(|m| {
            // A member's lines: its own `| ...` at d0+2 plus nested trees.
            let own: Vec<Line> = m
                .iter()
                .map(|l| {
                    let (col, kind, content) = tree_parts(&l.text);
                    let text = if col == d0 + 2 && kind == '|' {
                        content.to_string()
                    } else {
                        l.text.clone()
                    };
                    Line {
                        no: l.no,
                        text,
                        pytest_e: false,
                    }
                })
                .collect();
            let mut tb = parse_region(&own);
            if tb.chain.is_empty() {
                return None;
            }
            tb.first_line = m.first().map_or(0, |l| l.no);
            tb.last_line = m.last().map_or(0, |l| l.no);
            Some(tb)
        })
        .collect();
    if tb.chain.is_empty() {
        // A tree without its own exception line (pytest prints it first).
        tb.chain.push(Exception::default());
    }
    if let Some(last) = tb.chain.last_mut() {
        last.members = parsed_members;
    }
    Some(tb)
}

/// Parses plain traceback lines: headers, frames, code lines, chain
/// markers and exception lines.
fn parse_linear(lines: &[&Line], tb: &mut Traceback) {
    let mut current = Exception::default();
    let mut started = false;
    let mut last_was_frame = false;
    let finish = |current: &mut Exception, started: &mut bool, tb: &mut Traceback| {
        if *started {
            if tb.links.len() < tb.chain.len() {
                tb.links.push(Link::Context);
            }
            tb.chain.push(std::mem::take(current));
            *started = false;
        }
    };
    for line in lines {
        let text = line.text.as_str();
        let t = text.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(link) = chain_marker(t) {
            finish(&mut current, &mut started, tb);
            if !tb.chain.is_empty() && tb.links.len() < tb.chain.len() {
                tb.links.push(link);
            }
            last_was_frame = false;
            continue;
        }
        if is_header(t) {
            if started && !current.ty.is_empty() {
                finish(&mut current, &mut started, tb);
            }
            started = true;
            last_was_frame = false;
            continue;
        }
        if let Some(c) = FRAME.captures(text) {
            started = true;
            current.frames.push(Frame {
                file: c[1].to_string(),
                line: c[2].parse().unwrap_or(0),
                function: c.get(3).map(|m| m.as_str().to_string()),
                code: None,
                input_line: line.no,
            });
            last_was_frame = true;
            continue;
        }
        if let Some(c) = IPY_FRAME.captures(t)
            && (!t.contains(':') || t.starts_with("File ") || t.starts_with("Cell "))
        {
            started = true;
            let file = c
                .name("f1")
                .or(c.name("cell"))
                .or(c.name("f3"))
                .map_or("", |m| m.as_str());
            let ln = c
                .name("l1")
                .or(c.name("l2"))
                .and_then(|m| m.as_str().parse().ok())
                .unwrap_or(0);
            current.frames.push(Frame {
                file: file.to_string(),
                line: ln,
                function: c
                    .name("fn1")
                    .or(c.name("fn3"))
                    .map(|m| m.as_str().to_string()),
                code: None,
                input_line: line.no,
            });
            last_was_frame = true;
            continue;
        }
        if is_ipython_arrow(t) {
            let code = t.trim_start_matches('-').trim_start_matches('>');
            if let Some(f) = current.frames.last_mut() {
                let code = code.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ');
                f.code = Some(code.to_string());
            }
            continue;
        }
        if text.starts_with([' ', '\t']) && !current.frames.is_empty() {
            // 3.11+ underlines the failing expression of every frame
            // (`~~~^^^`); before, only SyntaxErrors had carets.
            if !last_was_frame && t.contains('^') && t.chars().all(|c| matches!(c, '^' | '~' | ' '))
            {
                tb.range_carets = true;
            }
            if last_was_frame
                && !t.chars().all(|c| matches!(c, '^' | '~' | ' '))
                && let Some(f) = current.frames.last_mut()
            {
                f.code = Some(t.to_string());
            }
            last_was_frame = false;
            continue;
        }
        if t.starts_with("[Previous line repeated") || t == "..." {
            continue;
        }
        if current.ty.is_empty() {
            if let Some((ty, msg)) = parse_exception_line(t) {
                current.ty = ty;
                current.message = msg;
                current.input_line = line.no;
                started = true;
            } else if started && !current.frames.is_empty() && !text.starts_with([' ', '\t']) {
                // An exception line we cannot split (odd type names).
                current.ty = t.to_string();
                current.input_line = line.no;
            }
        } else if current.message.len() < 2048 {
            // A message continued over several lines.
            current.message.push('\n');
            current.message.push_str(t);
        }
        last_was_frame = false;
    }
    if started || !current.ty.is_empty() {
        started = true;
        finish(&mut current, &mut started, tb);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(text: &str) -> Vec<Event> {
        let mut n = super::super::normalize::Normalizer::default();
        let mut a = Assembler::default();
        let mut out = Vec::new();
        for (i, l) in text.lines().enumerate() {
            a.push(n.line(i as u64 + 1, l.as_bytes()), &mut out);
        }
        a.finish(&mut out);
        out
    }

    fn tracebacks(text: &str) -> Vec<Traceback> {
        events(text)
            .into_iter()
            .filter_map(|e| match e {
                Event::Traceback(t) => Some(t),
                Event::Line(_) => None,
            })
            .collect()
    }

    #[test]
    fn simple_traceback() {
        let tbs = tracebacks(
            "before\nTraceback (most recent call last):\n  File \"/app/x.py\", line 3, in <module>\n    asyncio.run(main())\n    ~~~~~~~^^^^^^^^\nRuntimeError: Event loop is closed\nafter\n",
        );
        assert_eq!(tbs.len(), 1);
        let e = tbs[0].surfaced().unwrap();
        assert_eq!(e.ty, "RuntimeError");
        assert_eq!(e.message, "Event loop is closed");
        assert_eq!(e.input_line, 6);
        assert_eq!(e.frames.len(), 1);
        assert_eq!(e.frames[0].file, "/app/x.py");
        assert_eq!(e.frames[0].line, 3);
        assert_eq!(e.frames[0].code.as_deref(), Some("asyncio.run(main())"));
        assert_eq!((tbs[0].first_line, tbs[0].last_line), (2, 6));
    }

    #[test]
    fn chained_traceback() {
        let tbs = tracebacks(concat!(
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
            "INFO next\n",
        ));
        assert_eq!(tbs.len(), 1);
        let tb = &tbs[0];
        assert_eq!(tb.chain.len(), 2);
        assert_eq!(tb.links, vec![Link::Cause]);
        assert_eq!(tb.chain[0].ty, "asyncio.exceptions.CancelledError");
        assert_eq!(tb.chain[1].ty, "TimeoutError");
        assert_eq!(tb.chain[1].message, "");
    }

    #[test]
    fn chain_whose_first_part_has_no_traceback() {
        let evs = events(concat!(
            "asyncio.exceptions.CancelledError\n",
            "\n",
            "The above exception was the direct cause of the following exception:\n",
            "\n",
            "Traceback (most recent call last):\n",
            "  File \"/app/x.py\", line 9, in main\n",
            "TimeoutError\n",
        ));
        assert_eq!(evs.len(), 1, "{evs:?}");
        let Event::Traceback(tb) = &evs[0] else {
            panic!("{evs:?}")
        };
        assert_eq!(tb.chain.len(), 2);
        assert_eq!(tb.links, vec![Link::Cause]);
        assert_eq!(tb.chain[0].ty, "asyncio.exceptions.CancelledError");
        // A lone exception line is still a line of its own.
        let evs = events("RuntimeError: Event loop is closed\nINFO bye\n");
        assert!(matches!(&evs[0], Event::Line(l) if l.no == 1));
        assert!(matches!(&evs[1], Event::Line(l) if l.no == 2));
    }

    #[test]
    fn two_tracebacks_in_a_row_are_separate() {
        let tbs = tracebacks(concat!(
            "Traceback (most recent call last):\n",
            "  File \"a.py\", line 1, in <module>\n",
            "KeyError: 'x'\n",
            "Traceback (most recent call last):\n",
            "  File \"b.py\", line 2, in <module>\n",
            "ValueError: y\n",
        ));
        assert_eq!(tbs.len(), 2);
        assert_eq!(tbs[1].surfaced().unwrap().ty, "ValueError");
    }

    #[test]
    fn exception_group_tree() {
        let tbs = tracebacks(concat!(
            "  + Exception Group Traceback (most recent call last):\n",
            "  |   File \"/app/t.py\", line 9, in <module>\n",
            "  |     asyncio.run(main())\n",
            "  | ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)\n",
            "  +-+---------------- 1 ----------------\n",
            "    | Traceback (most recent call last):\n",
            "    |   File \"/app/t.py\", line 4, in boom\n",
            "    |     raise ValueError(\"boom\")\n",
            "    | ValueError: boom\n",
            "    +---------------- 2 ----------------\n",
            "    | Exception Group Traceback (most recent call last):\n",
            "    |   File \"/app/t.py\", line 6, in inner\n",
            "    | ExceptionGroup: nested (1 sub-exception)\n",
            "    +-+---------------- 1 ----------------\n",
            "      | RuntimeError: Event loop is closed\n",
            "      +------------------------------------\n",
            "    +------------------------------------\n",
            "done\n",
        ));
        assert_eq!(tbs.len(), 1);
        let g = tbs[0].surfaced().unwrap();
        assert_eq!(g.ty, "ExceptionGroup");
        assert_eq!(g.frames.len(), 1);
        assert_eq!(g.members.len(), 2);
        assert_eq!(g.members[0].surfaced().unwrap().ty, "ValueError");
        assert_eq!(g.members[0].surfaced().unwrap().frames[0].line, 4);
        let nested = g.members[1].surfaced().unwrap();
        assert_eq!(nested.ty, "ExceptionGroup");
        assert_eq!(nested.members.len(), 1);
        assert_eq!(
            nested.members[0].surfaced().unwrap().message,
            "Event loop is closed"
        );
    }

    #[test]
    fn pytest_e_lines_and_locations() {
        let tbs = tracebacks(concat!(
            ">       await asyncio.wait_for(slow(), 0.01)\n",
            "E       asyncio.exceptions.CancelledError\n",
            "\n",
            "/usr/lib/python3.10/asyncio/tasks.py:456: CancelledError\n",
            "\n",
            "The above exception was the direct cause of the following exception:\n",
            "\n",
            ">               raise exceptions.TimeoutError() from exc\n",
            "E               asyncio.exceptions.TimeoutError\n",
            "\n",
            "/usr/lib/python3.10/asyncio/tasks.py:458: TimeoutError\n",
            "=========================== short test summary info ============================\n",
        ));
        assert_eq!(tbs.len(), 1);
        let tb = &tbs[0];
        assert_eq!(tb.chain.len(), 2);
        assert_eq!(tb.links, vec![Link::Cause]);
        assert_eq!(tb.chain[1].ty, "asyncio.exceptions.TimeoutError");
        assert_eq!(tb.chain[1].frames[0].line, 458);
    }

    #[test]
    fn ipython_traceback() {
        let tbs = tracebacks(concat!(
            "---------------------------------------------------------------------------\n",
            "RuntimeError                              Traceback (most recent call last)\n",
            "Cell In[3], line 1\n",
            "----> 1 asyncio.run(main())\n",
            "\n",
            "File /usr/lib/python3.11/asyncio/runners.py:186, in run(main, debug)\n",
            "    183     raise RuntimeError(\n",
            "--> 186         \"asyncio.run() cannot be called from a running event loop\")\n",
            "\n",
            "RuntimeError: asyncio.run() cannot be called from a running event loop\n",
        ));
        assert_eq!(tbs.len(), 1);
        let e = tbs[0].surfaced().unwrap();
        assert_eq!(e.ty, "RuntimeError");
        assert_eq!(e.frames.len(), 2);
        assert_eq!(e.frames[1].file, "/usr/lib/python3.11/asyncio/runners.py");
        assert_eq!(e.frames[0].code.as_deref(), Some("asyncio.run(main())"));
    }

    #[test]
    fn pathological_nesting_and_length_stay_bounded() {
        let mut text = String::from("  + Exception Group Traceback (most recent call last):\n");
        for d in 0..300 {
            let pad = " ".repeat(2 + 2 * d);
            text.push_str(&format!(
                "{pad}| ExceptionGroup: g (1 sub-exception)\n{pad}+-+---- 1 ----\n"
            ));
        }
        let tbs = tracebacks(&text);
        assert!(tbs.len() <= 1);
        let mut long = String::from("Traceback (most recent call last):\n");
        for i in 0..100_000 {
            long.push_str(&format!("  File \"a.py\", line {i}, in f\n    f()\n"));
        }
        long.push_str("RecursionError: maximum recursion depth exceeded\n");
        let tbs = tracebacks(&long);
        assert_eq!(tbs.len(), 1);
        assert!(tbs[0].surfaced().unwrap().frames.len() <= MAX_REGION_LINES * 4);
    }

    #[test]
    fn prefixed_header_strips_prefix_from_following_lines() {
        let tbs = tracebacks(concat!(
            "worker-3: Traceback (most recent call last):\n",
            "worker-3:   File \"/app/x.py\", line 3, in f\n",
            "worker-3:     g()\n",
            "worker-3: RuntimeError: Event loop is closed\n",
        ));
        assert_eq!(tbs.len(), 1);
        assert_eq!(tbs[0].surfaced().unwrap().message, "Event loop is closed");
    }
}
