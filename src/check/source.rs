//! Reading a file into text the way Python would: UTF-8 (with or without a
//! BOM), or the encoding named by a PEP 263 coding cookie. Everything else is
//! an AD002 with a reason, never a panic.

use std::path::Path;

/// Files larger than this are not parsed (generated data, not source).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug)]
pub enum SourceError {
    Io(std::io::Error),
    TooLarge(u64),
    Binary {
        offset: usize,
    },
    NotUtf8 {
        line: usize,
        byte: u8,
    },
    UnknownEncoding(String),
    BadEncoding {
        encoding: String,
    },
    /// A UTF-8 BOM with a cookie that names another encoding (Python:
    /// "encoding problem: latin-1 with BOM").
    BomMismatch {
        encoding: String,
    },
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceError::Io(e) => write!(f, "cannot read the file: {e}"),
            SourceError::TooLarge(n) => write!(
                f,
                "the file is {:.1} MiB, over the {} MiB limit for source files",
                *n as f64 / 1048576.0,
                MAX_FILE_BYTES / 1048576
            ),
            SourceError::Binary { offset } => {
                write!(
                    f,
                    "the file holds binary data (a NUL byte at offset {offset}), not Python source"
                )
            }
            SourceError::NotUtf8 { line, byte } => write!(
                f,
                "the file is not valid UTF-8 (byte 0x{byte:02X} on line {line}) and has no coding cookie that explains it"
            ),
            SourceError::UnknownEncoding(name) => {
                write!(f, "the coding cookie names an unknown encoding `{name}`")
            }
            SourceError::BomMismatch { encoding } => write!(
                f,
                "the file starts with a UTF-8 byte order mark but its coding cookie declares `{encoding}`"
            ),
            SourceError::BadEncoding { encoding } => {
                write!(
                    f,
                    "the file is not valid `{encoding}` as its coding cookie declares"
                )
            }
        }
    }
}

/// Opens files through a descriptor of their directory, kept per thread
/// (Linux): files of one directory are checked one after another, and the
/// kernel then looks up one name instead of walking the whole path for each
/// file. Same flags and errors as `File::open`, which it falls back to.
#[cfg(target_os = "linux")]
mod by_directory {
    use std::cell::RefCell;
    use std::fs::File;
    use std::os::fd::{FromRawFd, RawFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    const MAX_DIR: usize = 1024;
    const MAX_NAME: usize = 255;

    /// The last directory opened on this thread. Kept inline, not on the
    /// heap: files are read inside the parse region, whose memory must not
    /// be held past a file.
    struct Directory {
        path: [u8; MAX_DIR],
        len: usize,
        /// -1 when none is open.
        fd: RawFd,
    }

    impl Drop for Directory {
        fn drop(&mut self) {
            if self.fd >= 0 {
                // SAFETY: a descriptor this thread opened and still owns.
                unsafe { libc::close(self.fd) };
            }
        }
    }

    thread_local! {
        static LAST: RefCell<Directory> = const {
            RefCell::new(Directory { path: [0; MAX_DIR], len: 0, fd: -1 })
        };
    }

    /// Makes this thread's record (registering its destructor, which may
    /// allocate): to be called outside the parse region, before the first
    /// file a thread reads inside it.
    pub fn prepare_thread() {
        LAST.with(|_| {});
    }

    pub fn open(path: &Path) -> std::io::Result<File> {
        let bytes = path.as_os_str().as_bytes();
        let Some(slash) = memchr::memrchr(b'/', bytes) else {
            return File::open(path);
        };
        // `/x.py` lives in `/`.
        let (dir, name) = (&bytes[..slash.max(1)], &bytes[slash + 1..]);
        if name.is_empty() || name.len() > MAX_NAME || dir.len() >= MAX_DIR || bytes.contains(&0) {
            return File::open(path);
        }
        LAST.with(|last| {
            let mut last = last.borrow_mut();
            if last.fd < 0 || last.path[..last.len] != *dir {
                if last.fd >= 0 {
                    // SAFETY: the descriptor is ours and forgotten right after.
                    unsafe { libc::close(last.fd) };
                    last.fd = -1;
                }
                let mut c_dir = [0u8; MAX_DIR + 1];
                c_dir[..dir.len()].copy_from_slice(dir);
                // SAFETY: a NUL-terminated path (no NUL inside: checked above).
                let fd = unsafe {
                    libc::open(
                        c_dir.as_ptr().cast(),
                        libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC,
                    )
                };
                if fd < 0 {
                    return File::open(path);
                }
                last.path[..dir.len()].copy_from_slice(dir);
                last.len = dir.len();
                last.fd = fd;
            }
            let mut c_name = [0u8; MAX_NAME + 1];
            c_name[..name.len()].copy_from_slice(name);
            // SAFETY: an open directory descriptor and a NUL-terminated name.
            let fd = unsafe {
                libc::openat(
                    last.fd,
                    c_name.as_ptr().cast(),
                    libc::O_RDONLY | libc::O_CLOEXEC,
                )
            };
            if fd < 0 {
                return Err(std::io::Error::last_os_error());
            }
            // SAFETY: a descriptor just opened, owned by nothing else.
            Ok(unsafe { File::from_raw_fd(fd) })
        })
    }
}

#[cfg(not(target_os = "linux"))]
mod by_directory {
    pub fn prepare_thread() {}

    pub fn open(path: &std::path::Path) -> std::io::Result<std::fs::File> {
        std::fs::File::open(path)
    }
}

/// To call on a thread before it first reads a file inside the parse region.
pub fn prepare_thread() {
    by_directory::prepare_thread();
}

pub fn read_source(path: &Path) -> Result<String, SourceError> {
    use std::io::Read;
    // One path lookup: the size comes from the open file.
    let mut file = by_directory::open(path).map_err(SourceError::Io)?;
    let len = file.metadata().map_err(SourceError::Io)?.len();
    if len > MAX_FILE_BYTES {
        return Err(SourceError::TooLarge(len));
    }
    let mut bytes = Vec::with_capacity(len as usize + 1);
    // `take` bounds a file that grows while it is read.
    (&mut file)
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(SourceError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(SourceError::TooLarge(bytes.len() as u64));
    }
    decode(bytes)
}

pub fn decode(bytes: Vec<u8>) -> Result<String, SourceError> {
    if let Some(offset) = memchr_nul(&bytes) {
        return Err(SourceError::Binary { offset });
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let has_bom = body.len() < bytes.len();
    if let Some(name) = coding_cookie(body) {
        let normalized = name.to_ascii_lowercase().replace('_', "-");
        // CPython accepts a BOM only with a cookie that normalizes to exactly
        // `utf-8` (`utf-8`, `UTF_8`, `utf-8-sig`); even `utf8` is an error.
        if has_bom && normalized != "utf-8" && !normalized.starts_with("utf-8-") {
            return Err(SourceError::BomMismatch { encoding: name });
        }
        if !matches!(normalized.as_str(), "utf-8" | "utf8" | "utf-8-sig") {
            let encoding =
                encoding_rs::Encoding::for_label(python_codec_alias(&normalized).as_bytes())
                    .ok_or_else(|| SourceError::UnknownEncoding(name.clone()))?;
            let (text, _, had_errors) = encoding.decode(body);
            if had_errors {
                return Err(SourceError::BadEncoding { encoding: name });
            }
            return Ok(text.into_owned());
        }
    }
    let bom = bytes.len() - body.len();
    let mut bytes = bytes;
    bytes.drain(..bom);
    // Validated once, while becoming the `String`.
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let body = e.as_bytes();
            let line = body[..at].iter().filter(|b| **b == b'\n').count() + 1;
            Err(SourceError::NotUtf8 {
                line,
                byte: body[at],
            })
        }
    }
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(0, bytes)
}

/// PEP 263: `coding[:=]\s*([-\w.]+)` in a comment on line 1 or 2 (line 2 only
/// when line 1 is a comment or blank).
fn coding_cookie(bytes: &[u8]) -> Option<String> {
    let mut lines = bytes.split(|b| *b == b'\n').take(2);
    let first = lines.next()?;
    if let Some(name) = cookie_in_line(first) {
        return Some(name);
    }
    let first_is_comment_or_blank = {
        let t = trim_ascii(first);
        t.is_empty() || t.starts_with(b"#")
    };
    if first_is_comment_or_blank {
        return lines.next().and_then(cookie_in_line);
    }
    None
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end.max(start)]
}

fn cookie_in_line(line: &[u8]) -> Option<String> {
    let text = trim_ascii(line);
    if !text.starts_with(b"#") {
        return None;
    }
    let pos = text.windows(6).position(|w| w == b"coding")?;
    let rest = &text[pos + 6..];
    let rest = rest
        .strip_prefix(b":")
        .or_else(|| rest.strip_prefix(b"="))?;
    let rest = rest
        .iter()
        .skip_while(|c| **c == b' ' || **c == b'\t')
        .copied();
    let name: Vec<u8> = rest
        .take_while(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_' || *c == b'.')
        .collect();
    if name.is_empty() {
        None
    } else {
        Some(String::from_utf8_lossy(&name).into_owned())
    }
}

/// Python codec names that WHATWG labels spell differently.
fn python_codec_alias(name: &str) -> String {
    match name {
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" => "iso-8859-1".into(),
        "cp1252" => "windows-1252".into(),
        "ascii" | "us-ascii" => "windows-1252".into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Opening through the remembered directory gives each file's own text,
    /// across directories and back, and the same errors as `File::open`.
    #[test]
    fn files_open_through_their_directory() {
        let root = tempfile::tempdir().unwrap();
        let (a, b) = (root.path().join("a"), root.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        for (dir, name) in [(&a, "x.py"), (&a, "y.py"), (&b, "x.py")] {
            let text = format!("{}/{name}", dir.display());
            std::fs::write(dir.join(name), &text).unwrap();
        }
        for (dir, name) in [(&a, "x.py"), (&a, "y.py"), (&b, "x.py"), (&a, "x.py")] {
            let path = dir.join(name);
            assert_eq!(
                read_source(&path).unwrap(),
                format!("{}/{name}", dir.display())
            );
        }
        let missing = a.join("missing.py");
        let ours = by_directory::open(&missing).unwrap_err();
        let std = std::fs::File::open(&missing).unwrap_err();
        assert_eq!(ours.kind(), std::io::ErrorKind::NotFound);
        assert_eq!(ours.to_string(), std.to_string());
        // A directory that does not exist: the same error too.
        let nowhere = root.path().join("nowhere/x.py");
        assert_eq!(
            by_directory::open(&nowhere).unwrap_err().to_string(),
            std::fs::File::open(&nowhere).unwrap_err().to_string()
        );
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(b"x = 1\n".to_vec()).unwrap(), "x = 1\n");
        assert_eq!(decode(b"\xEF\xBB\xBFx = 1\n".to_vec()).unwrap(), "x = 1\n");
    }

    #[test]
    fn latin1_cookie_decodes() {
        let src = b"# -*- coding: latin-1 -*-\nx = 'h\xe9'\n".to_vec();
        assert!(decode(src).unwrap().contains('é'));
        let second_line =
            b"#!/usr/bin/env python\n# vim: set fileencoding=latin-1 :\nx = '\xe9'\n".to_vec();
        assert!(decode(second_line).unwrap().contains('é'));
    }

    #[test]
    fn bad_bytes_are_reported_with_line() {
        match decode(b"a = 1\nb = '\xe9'\n".to_vec()) {
            Err(SourceError::NotUtf8 {
                line: 2,
                byte: 0xE9,
            }) => {}
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            decode(b"\0\0\0".to_vec()),
            Err(SourceError::Binary { offset: 0 })
        ));
        assert!(matches!(
            decode(b"# coding: klingon\n".to_vec()),
            Err(SourceError::UnknownEncoding(_))
        ));
    }

    #[test]
    fn bom_with_a_cookie_must_say_utf_8() {
        // As CPython: `SyntaxError: encoding problem: utf8 with BOM`.
        for cookie in ["latin-1", "utf8", "cp1252"] {
            let src = format!("\u{feff}# coding: {cookie}\nx = 1\n").into_bytes();
            assert!(
                matches!(decode(src), Err(SourceError::BomMismatch { .. })),
                "{cookie}"
            );
        }
        for cookie in ["utf-8", "UTF-8", "utf_8", "utf-8-sig"] {
            let src = format!("\u{feff}# coding: {cookie}\nx = 'é'\n").into_bytes();
            assert_eq!(
                decode(src).unwrap(),
                "# coding: ".to_string() + cookie + "\nx = 'é'\n"
            );
        }
        // Without a BOM, `utf8` is a fine cookie.
        assert!(decode(b"# coding: utf8\nx = 1\n".to_vec()).is_ok());
    }
}
