//! Starting the program with its own stdin/stdout/stderr (inherited file
//! descriptors, never piped through us), forwarding signals sent to us, and
//! turning its end into an exit code.

use std::io::Read;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, ExitStatus};
use std::sync::atomic::{AtomicI32, Ordering};

use nix::sys::signal::{self, SaFlags, SigAction, SigHandler, SigSet, Signal};
use nix::unistd::Pid;

/// The signals a user or a supervisor sends to stop or poke a program.
const FORWARDED: &[Signal] = &[
    Signal::SIGINT,
    Signal::SIGTERM,
    Signal::SIGHUP,
    Signal::SIGQUIT,
    Signal::SIGUSR1,
    Signal::SIGUSR2,
];

/// Write end of the self-pipe the signal handler reports to (-1: none).
static SIGNAL_PIPE: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_signal(sig: libc::c_int, info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    // Async-signal-safe: read two fields, write two bytes.
    // A signal the kernel generated for the terminal (Ctrl-C, Ctrl-\, hangup)
    // already reached the whole foreground process group, the program
    // included: forwarding it would deliver it twice.
    let from_kernel = if info.is_null() {
        false
    } else {
        // SAFETY: the kernel passes a valid siginfo_t with SA_SIGINFO.
        unsafe { (*info).si_code == libc::SI_KERNEL }
    };
    let msg = [sig as u8, u8::from(from_kernel)];
    let fd = SIGNAL_PIPE.load(Ordering::Relaxed);
    if fd >= 0 {
        // SAFETY: write(2) is async-signal-safe; a failed write only loses a forward.
        unsafe {
            libc::write(fd, msg.as_ptr().cast(), 2);
        }
    }
}

/// Installs the forwarding handlers. Returns the read end of the self-pipe.
pub fn install_signal_forwarding() -> std::io::Result<OwnedFd> {
    let (read, write) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?;
    SIGNAL_PIPE.store(write.as_raw_fd(), Ordering::Relaxed);
    std::mem::forget(write); // lives as long as the process
    let action = SigAction::new(
        SigHandler::SigAction(on_signal),
        SaFlags::SA_SIGINFO | SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    for sig in FORWARDED {
        // SAFETY: the handler only does async-signal-safe work.
        unsafe { signal::sigaction(*sig, &action) }?;
    }
    Ok(read)
}

/// Forwards every signal read from the self-pipe to `pid` (a thread's loop).
pub fn forward_signals(read: OwnedFd, pid: u32) {
    let mut file = std::fs::File::from(read);
    let mut msg = [0u8; 2];
    while file.read_exact(&mut msg).is_ok() {
        let Ok(sig) = Signal::try_from(i32::from(msg[0])) else {
            continue;
        };
        if msg[1] == 1 {
            continue;
        }
        let _ = signal::kill(Pid::from_raw(pid as i32), sig);
    }
}

pub fn spawn(cmd: &mut Command) -> std::io::Result<Child> {
    cmd.spawn()
}

/// How the program ended.
#[derive(Debug, Clone, Copy)]
pub enum Ending {
    Exited(i32),
    Signaled(i32),
}

impl Ending {
    pub fn from_status(status: ExitStatus) -> Ending {
        match (status.code(), status.signal()) {
            (Some(code), _) => Ending::Exited(code),
            (None, Some(sig)) => Ending::Signaled(sig),
            (None, None) => Ending::Exited(1),
        }
    }

    /// The exit code to return: the program's own, or 128+N for signal N
    /// (as shells report it).
    pub fn exit_code(self) -> u8 {
        match self {
            Ending::Exited(code) => (code & 0xff) as u8,
            Ending::Signaled(sig) => (128 + sig).clamp(0, 255) as u8,
        }
    }

    pub fn describe(self) -> String {
        match self {
            Ending::Exited(code) => format!("exited with code {code}"),
            Ending::Signaled(sig) => {
                let name = Signal::try_from(sig)
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_else(|_| format!("signal {sig}"));
                format!("was killed by {name} (exit code {})", 128 + sig)
            }
        }
    }
}
