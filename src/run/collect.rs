//! The listening end of the harness channel: a Unix socket in the private
//! temp dir; one reader thread per Python process.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::protocol::{self, Message};

#[derive(Default)]
pub struct Collected {
    pub messages: Vec<Message>,
    /// What was wrong with each malformed line (first few kept).
    pub malformed: Vec<String>,
    pub malformed_count: usize,
    pub connections: usize,
}

pub struct Collector {
    shared: Arc<Mutex<Collected>>,
    open: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl Collector {
    pub fn start(path: &Path) -> std::io::Result<Collector> {
        let listener = UnixListener::bind(path)?;
        listener.set_nonblocking(true)?;
        let shared = Arc::new(Mutex::new(Collected::default()));
        let open = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let acceptor = {
            let (shared, open, stop) = (shared.clone(), open.clone(), stop.clone());
            std::thread::Builder::new()
                .name("asyncdoctor-accept".into())
                .spawn(move || accept_loop(listener, shared, open, stop))?
        };
        Ok(Collector {
            shared,
            open,
            stop,
            acceptor: Some(acceptor),
        })
    }

    /// After the program ended: take the connections still queued, then wait
    /// (up to `grace`) for every process to close its end.
    pub fn finish(mut self, grace: Duration) -> Collected {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(a) = self.acceptor.take() {
            let _ = a.join();
        }
        let deadline = Instant::now() + grace;
        while self.open.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        let mut guard = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut *guard)
    }
}

fn accept_loop(
    listener: UnixListener,
    shared: Arc<Mutex<Collected>>,
    open: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
) {
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                open.fetch_add(1, Ordering::SeqCst);
                let (shared, open) = (shared.clone(), open.clone());
                let spawned = std::thread::Builder::new()
                    .name("asyncdoctor-conn".into())
                    .spawn({
                        let open = open.clone();
                        move || {
                            read_connection(stream, &shared);
                            open.fetch_sub(1, Ordering::SeqCst);
                        }
                    });
                if spawned.is_err() {
                    open.fetch_sub(1, Ordering::SeqCst);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                // Stop only once the queue is empty: a process that connected
                // just before the program ended is still read.
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

fn peer_pid(stream: &UnixStream) -> Option<u32> {
    use nix::sys::socket::{getsockopt, sockopt::PeerCredentials};
    let cred = getsockopt(stream, PeerCredentials).ok()?;
    if cred.uid() != nix::unistd::getuid().as_raw() {
        return None;
    }
    u32::try_from(cred.pid()).ok()
}

fn read_connection(stream: UnixStream, shared: &Mutex<Collected>) {
    let _ = stream.set_nonblocking(false);
    let peer = peer_pid(&stream);
    {
        let mut c = shared.lock().unwrap_or_else(|e| e.into_inner());
        c.connections += 1;
        if peer.is_none() {
            c.malformed_count += 1;
            c.malformed
                .push("a connection from another user or of unknown origin was refused".into());
            return;
        }
    }
    let mut reader = BufReader::new(stream);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = match (&mut reader)
            .take(protocol::MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
        {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let result = if n > protocol::MAX_LINE {
            // Skip the rest of the oversized line.
            let mut rest = Vec::new();
            let _ = reader.read_until(b'\n', &mut rest);
            Err(format!("line longer than {} bytes", protocol::MAX_LINE))
        } else {
            match std::str::from_utf8(&buf) {
                Ok(text) => protocol::parse_line(text.trim_end()).and_then(|m| {
                    if Some(m.pid) == peer {
                        Ok(m)
                    } else {
                        Err(format!(
                            "event claims pid {} but came from pid {}",
                            m.pid,
                            peer.unwrap_or(0)
                        ))
                    }
                }),
                Err(_) => Err("not UTF-8".into()),
            }
        };
        let mut c = shared.lock().unwrap_or_else(|e| e.into_inner());
        match result {
            Ok(m) => c.messages.push(m),
            Err(e) => {
                c.malformed_count += 1;
                if c.malformed.len() < 5 {
                    c.malformed.push(e);
                }
            }
        }
    }
}
