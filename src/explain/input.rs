//! Streaming input: lines out of any reader in bounded memory.
//!
//! The scanner owns one fixed buffer ([`BUFFER_BYTES`]) and never reads the
//! whole input. Lines longer than [`MAX_LINE_BYTES`] are cut for matching and
//! the rest of the line is skipped without being stored, so a 10 MB line of
//! minified JSON or binary garbage costs one buffer, not 10 MB.
//!
//! Speed: most of a production log is noise. In [`Mode::Candidate`] the scanner
//! does not split noise into lines at all: one Aho-Corasick search (the
//! `aho-corasick` crate, whose SIMD "Teddy" prefilter runs at several GB/s on
//! rare literals) jumps straight to the next line that contains one of the
//! trigger words every signature needs, and `memchr` counts the newlines in
//! between so line numbers stay exact.

use std::io::{self, Read};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// The read buffer. Lines up to this long are seen whole.
pub const BUFFER_BYTES: usize = 1 << 20;
/// What of a line is kept for matching.
pub const MAX_LINE_BYTES: usize = 8 * 1024;

/// Words at least one of which appears on every line that can start or be a
/// finding: traceback headers, exception lines, warnings and asyncio's log
/// messages. A line without any of them is skipped unless a traceback or a
/// pytest section is being read (then every line is read).
pub const TRIGGERS: &[&str] = &[
    "Traceback",
    "Error",
    "Exception",
    "exception",
    "Warning",
    "Timeout",
    "Cancelled",
    "Task was destroyed",
    "Executing <",
    "inside the event loop",
    "nclosed",
    "never awaited",
    "never yielded",
    "oo many",
    "Connector is closed",
    "__aenter__",
    "__enter__",
    "__aexit__",
    "__exit__",
    "Interrupt",
    "_____ ",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every line.
    Any,
    /// The next line that contains a trigger word.
    Candidate,
}

pub struct Scanner<R> {
    reader: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// Number of the last line handed out (1-based); lines skipped count too.
    line_no: u64,
    /// Inside an over-long line: discard until its newline.
    skipping: bool,
    triggers: AhoCorasick,
    pub bytes_read: u64,
}

pub fn triggers() -> AhoCorasick {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .kind(Some(AhoCorasickKind::DFA))
        .build(TRIGGERS)
        .expect("trigger automaton")
}

impl<R: Read> Scanner<R> {
    pub fn new(reader: R) -> Self {
        Scanner {
            reader,
            buf: vec![0; BUFFER_BYTES],
            start: 0,
            end: 0,
            eof: false,
            line_no: 0,
            skipping: false,
            triggers: triggers(),
            bytes_read: 0,
        }
    }

    /// Number of lines read so far.
    pub fn line_no(&self) -> u64 {
        self.line_no
    }

    /// Moves the unread bytes to the front and reads more. `Ok(false)` at
    /// end of input with nothing new.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            return Ok(false);
        }
        loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    self.bytes_read += n as u64;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Finishes skipping an over-long line. `Ok(false)`: input ended.
    fn skip_rest_of_long_line(&mut self) -> io::Result<bool> {
        while self.skipping {
            if let Some(i) = memchr::memchr(b'\n', &self.buf[self.start..self.end]) {
                self.start += i + 1;
                self.skipping = false;
            } else {
                self.start = self.end;
                if !self.fill()? {
                    self.skipping = false;
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// The next line (without its `\n`, cut at [`MAX_LINE_BYTES`]) and its
    /// 1-based number, or `None` at the end of the input.
    pub fn next_line(&mut self, mode: Mode) -> io::Result<Option<(u64, &[u8])>> {
        if self.skipping && !self.skip_rest_of_long_line()? && self.start == self.end {
            return Ok(None);
        }
        if mode == Mode::Candidate {
            self.seek_candidate()?;
        }
        loop {
            let avail = &self.buf[self.start..self.end];
            if let Some(i) = memchr::memchr(b'\n', avail) {
                let s = self.start;
                self.start += i + 1;
                self.line_no += 1;
                let len = i.min(MAX_LINE_BYTES);
                return Ok(Some((self.line_no, &self.buf[s..s + len])));
            }
            if self.end - self.start >= self.buf.len() || (self.eof && self.start < self.end) {
                // A line longer than the buffer, or the last line without `\n`.
                let s = self.start;
                let len = (self.end - s).min(MAX_LINE_BYTES);
                self.line_no += 1;
                if self.eof {
                    self.start = self.end;
                } else {
                    self.start = self.end;
                    self.skipping = true;
                }
                return Ok(Some((self.line_no, &self.buf[s..s + len])));
            }
            if !self.fill()? && self.start == self.end {
                return Ok(None);
            }
        }
    }

    /// Skips whole lines that hold no trigger word, counting them.
    fn seek_candidate(&mut self) -> io::Result<()> {
        loop {
            let avail = &self.buf[self.start..self.end];
            if let Some(m) = self.triggers.find(avail) {
                let line_start = memchr::memrchr(b'\n', &avail[..m.start()]).map_or(0, |i| i + 1);
                self.line_no += memchr::memchr_iter(b'\n', &avail[..line_start]).count() as u64;
                self.start += line_start;
                return Ok(());
            }
            // No trigger in the complete lines: skip them, keep the partial
            // last line (a trigger may straddle the buffer's end).
            match memchr::memrchr(b'\n', avail) {
                Some(last) => {
                    self.line_no += memchr::memchr_iter(b'\n', &avail[..=last]).count() as u64;
                    self.start += last + 1;
                }
                None if self.end - self.start >= self.buf.len() => {
                    // One huge line with no trigger in its first buffer: let
                    // next_line cut it.
                    return Ok(());
                }
                None => {}
            }
            if !self.fill()? {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], mode: Mode) -> Vec<(u64, String)> {
        let mut s = Scanner::new(input);
        let mut out = Vec::new();
        while let Some((n, l)) = s.next_line(mode).unwrap() {
            out.push((n, String::from_utf8_lossy(l).into_owned()));
        }
        out
    }

    #[test]
    fn any_mode_returns_every_line_with_numbers() {
        let got = lines(b"a\nb\n\nc", Mode::Any);
        assert_eq!(
            got,
            vec![
                (1, "a".into()),
                (2, "b".into()),
                (3, "".into()),
                (4, "c".into())
            ]
        );
    }

    #[test]
    fn candidate_mode_skips_noise_but_keeps_line_numbers() {
        let got = lines(
            b"noise\nmore noise\nRuntimeError: x\nnoise\nTask was destroyed but it is pending!\n",
            Mode::Candidate,
        );
        assert_eq!(
            got,
            vec![
                (3, "RuntimeError: x".into()),
                (5, "Task was destroyed but it is pending!".into())
            ]
        );
    }

    #[test]
    fn long_lines_are_cut_and_the_next_line_is_intact() {
        let mut input = vec![b'x'; 3 * BUFFER_BYTES + 17];
        input.extend_from_slice(b"\nRuntimeError: after\n");
        let got = lines(&input, Mode::Any);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].1.len(), MAX_LINE_BYTES);
        assert_eq!(got[1], (2, "RuntimeError: after".into()));
        let got = lines(&input, Mode::Candidate);
        assert_eq!(got.last().unwrap(), &(2, "RuntimeError: after".into()));
    }

    #[test]
    fn trigger_straddling_buffer_end_is_found() {
        // Reader that returns tiny chunks.
        struct Slow<'a>(&'a [u8]);
        impl Read for Slow<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(3).min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut s = Scanner::new(Slow(b"abc\ndef RuntimeError: y\nzz\n"));
        let (n, l) = s.next_line(Mode::Candidate).unwrap().unwrap();
        assert_eq!((n, l), (2, &b"def RuntimeError: y"[..]));
        assert!(s.next_line(Mode::Candidate).unwrap().is_none());
    }
}
