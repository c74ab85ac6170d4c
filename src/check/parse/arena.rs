//! A bump arena for each file's pass, behind the global allocator.
//!
//! Why: `ruff_python_parser` allocates every node through the global
//! allocator, and a checked file's tree was then freed node by node; our
//! semantic model and tree walk add many more short-lived allocations. On
//! the benchmark corpus, allocating and freeing these was about a fifth of
//! the CPU time of `check`. The parser takes no allocator argument, so the
//! arena sits behind `#[global_allocator]` (see `main.rs`): while a thread is
//! inside a [`Window`], its allocations are bumped from a region of its own;
//! freeing such memory is a no-op; the whole region is reused by the
//! thread's next outermost window once nothing built in it is alive. No
//! maintained crate offers a thread-scoped region behind the global
//! allocator (`bumpalo` needs an allocator-aware API).
//!
//! Safety rests on these rules:
//! - What runs inside a window allocates nothing that outlives the value it
//!   builds ([`build_in_region`]'s contract): lazily initialised statics
//!   are made before (`parse::warm_up`, `RunContext::new`), and results that
//!   must live on are copied out after the window closes
//!   (`check::FileResult::detached`). A panic hook leaves the window (only
//!   the panic message may have been formatted in the region by then;
//!   `catch_unwind`'s handler copies it before its thread opens a window
//!   again).
//! - A thread's region is reset only when nothing built in it is alive
//!   ([`TreeMemory`] counts that), and test builds overwrite it on reset so
//!   that a broken rule shows up as garbage in the tests.
//! - Pointers into the reservation are recognised by address, so freeing
//!   or growing them from any thread, inside a window or not, is sound.
//!
//! Without the reservation (mmap refused, more than `SLOTS` threads, a
//! file needing more than half of `SLOT_BYTES`) allocations go to the
//! inner allocator and values are freed normally.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Address space reserved per thread (committed as it is used).
const SLOT_BYTES: usize = 1 << 30;
/// Threads that can have a region; later ones parse on the inner allocator.
const SLOTS: usize = 32;
/// Pages are made writable in steps of this size.
const COMMIT_STEP: usize = 2 << 20;
/// After a large file, pages beyond this (half per lane) are handed back to
/// the system. Measured on the benchmark corpus: 4 MiB takes a quarter of
/// all page faults off 2 MiB at the same peak memory (the peak comes after
/// the per-file pass, which `trim` ends); 8 MiB raised the peak by 2 MiB.
const RETAINED_BYTES: usize = 4 << 20;

/// Start of the reservation; 0 when there is none (not yet made, or refused).
static BASE: AtomicUsize = AtomicUsize::new(0);
static RESERVE: Once = Once::new();
static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

/// Slot states besides a real start address.
const UNCLAIMED: usize = 0;
const NO_SLOT: usize = 1;

/// Allocations at least this large (the token list, long statement lists)
/// go to a lane of their own, where the one that grows is usually the
/// newest and so grows in place instead of being copied.
const LARGE_BYTES: usize = 2048;
/// Each lane is half a slot.
const LANE_BYTES: usize = SLOT_BYTES / 2;

/// One bump-allocated half of a slot.
struct Lane {
    start: Cell<usize>,
    next: Cell<usize>,
    writable_end: Cell<usize>,
    touched_end: Cell<usize>,
}

impl Lane {
    const fn new() -> Lane {
        Lane {
            start: Cell::new(0),
            next: Cell::new(0),
            writable_end: Cell::new(0),
            touched_end: Cell::new(0),
        }
    }

    fn place(&self, start: usize) {
        self.start.set(start);
        self.next.set(start);
        self.writable_end.set(start);
        self.touched_end.set(start);
    }

    fn bump(&self, layout: Layout) -> Option<*mut u8> {
        let at = self.next.get().checked_add(layout.align() - 1)? & !(layout.align() - 1);
        let end = at.checked_add(layout.size())?;
        self.extend_to(end)?;
        Some(at as *mut u8)
    }

    /// Moves the lane's end to `end` (growing or shrinking its newest block).
    fn extend_to(&self, end: usize) -> Option<()> {
        if end > self.start.get() + LANE_BYTES || !self.make_writable(end) {
            return None;
        }
        self.next.set(end);
        Some(())
    }

    fn make_writable(&self, end: usize) -> bool {
        let writable = self.writable_end.get();
        if end <= writable {
            return true;
        }
        let new_end = end
            .next_multiple_of(COMMIT_STEP)
            .min(self.start.get() + LANE_BYTES);
        // SAFETY: [writable, new_end) lies in this lane of the reservation.
        let ok = unsafe {
            libc::mprotect(
                writable as *mut libc::c_void,
                new_end - writable,
                libc::PROT_READ | libc::PROT_WRITE,
            )
        } == 0;
        if ok {
            self.writable_end.set(new_end);
        }
        ok
    }

    fn owns_newest(&self, addr: usize, size: usize) -> bool {
        addr >= self.start.get() && self.next.get() == addr + size
    }

    /// Frees everything; pages beyond `keep` bytes go back to the system.
    fn reset(&self, keep: usize) {
        let start = self.start.get();
        if cfg!(debug_assertions) {
            // Test builds overwrite freed region memory, so that anything
            // wrongly kept from an earlier file reads as garbage and fails.
            // SAFETY: bytes of this lane that no live tree uses.
            unsafe { std::ptr::write_bytes(start as *mut u8, 0xA5, self.high_water() - start) };
        }
        let keep = start + keep;
        let touched = self.high_water();
        if touched > keep {
            // SAFETY: whole pages of this lane that no live tree uses.
            unsafe {
                libc::madvise(
                    keep as *mut libc::c_void,
                    touched - keep,
                    libc::MADV_DONTNEED,
                )
            };
        }
        self.touched_end.set(touched.min(keep));
        self.next.set(start);
    }

    /// The end of the pages used since the last reset. `next` only moves
    /// back when the newest block shrinks, which records the old end first.
    fn high_water(&self) -> usize {
        self.touched_end.get().max(self.next.get())
    }
}

struct ThreadRegion {
    inside: Cell<bool>,
    /// A slot start, or [`UNCLAIMED`]/[`NO_SLOT`].
    slot: Cell<usize>,
    small: Lane,
    large: Lane,
    /// Values built in the region (trees, models, results) still alive.
    live_trees: Cell<u32>,
    used: Cell<bool>,
    fell_back: Cell<bool>,
}

thread_local! {
    // Const-initialised and without a destructor: safe to touch from the allocator.
    static REGION: ThreadRegion = const {
        ThreadRegion {
            inside: Cell::new(false),
            slot: Cell::new(UNCLAIMED),
            small: Lane::new(),
            large: Lane::new(),
            live_trees: Cell::new(0),
            used: Cell::new(false),
            fell_back: Cell::new(false),
        }
    };
}

fn in_reservation(ptr: *mut u8) -> bool {
    let base = BASE.load(Relaxed);
    let addr = ptr as usize;
    base != 0 && addr >= base && addr < base + SLOTS * SLOT_BYTES
}

fn reserve() {
    RESERVE.call_once(|| {
        // SAFETY: an anonymous, inaccessible mapping; pages become writable
        // with `mprotect` as the lanes grow.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                SLOTS * SLOT_BYTES,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if ptr != libc::MAP_FAILED {
            BASE.store(ptr as usize, Relaxed);
        }
    });
}

impl ThreadRegion {
    /// Whether this thread has a slot, claiming one on first use.
    fn claim(&self) -> bool {
        match self.slot.get() {
            NO_SLOT => false,
            UNCLAIMED => {
                reserve();
                let base = BASE.load(Relaxed);
                let slot = NEXT_SLOT.fetch_add(1, Relaxed);
                if base == 0 || slot >= SLOTS {
                    self.slot.set(NO_SLOT);
                    return false;
                }
                let start = base + slot * SLOT_BYTES;
                self.slot.set(start);
                self.small.place(start);
                self.large.place(start + LANE_BYTES);
                true
            }
            _ => true,
        }
    }

    fn lane_for(&self, size: usize) -> &Lane {
        if size >= LARGE_BYTES {
            &self.large
        } else {
            &self.small
        }
    }

    /// [`arena_alloc`] when the lane has no writable room left (or the
    /// thread has no slot yet).
    #[cold]
    fn bump_slow(&self, layout: Layout) -> Option<*mut u8> {
        if !self.claim() {
            return None;
        }
        let Some(ptr) = self.lane_for(layout.size()).bump(layout) else {
            self.fell_back.set(true);
            return None;
        };
        self.used.set(true);
        Some(ptr)
    }

    /// Makes the whole region free again; only when no tree lives in it.
    fn reset(&self) {
        if self.slot.get() <= NO_SLOT || self.live_trees.get() != 0 {
            return;
        }
        self.small.reset(RETAINED_BYTES / 2);
        self.large.reset(RETAINED_BYTES / 2);
    }
}

/// The global allocator: the parse arena in front of `inner`.
pub struct ParseArena<A> {
    inner: A,
}

impl<A> ParseArena<A> {
    pub const fn new(inner: A) -> Self {
        ParseArena { inner }
    }
}

/// Bump-allocates when this thread is inside a window.
#[inline]
fn arena_alloc(layout: Layout) -> Option<*mut u8> {
    REGION.with(|r| {
        if !r.inside.get() {
            return None;
        }
        // The common case: room in the lane's writable pages. (A thread
        // without a slot has empty lanes at address 0 and takes the slow
        // path; addresses and sizes are far from overflowing.)
        let lane = r.lane_for(layout.size());
        let at = (lane.next.get() + layout.align() - 1) & !(layout.align() - 1);
        let end = at + layout.size();
        if end <= lane.writable_end.get() {
            lane.next.set(end);
            r.used.set(true);
            return Some(at as *mut u8);
        }
        r.bump_slow(layout)
    })
}

// SAFETY: every pointer handed out is either from `inner` (and given back to
// it) or from a thread's region (never given to `inner`); the region is only
// reused when no tree allocated in it is alive (see the module comment).
unsafe impl<A: GlobalAlloc> GlobalAlloc for ParseArena<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match arena_alloc(layout) {
            Some(ptr) => ptr,
            // SAFETY: forwarded with the caller's layout.
            None => unsafe { self.inner.alloc(layout) },
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if !in_reservation(ptr) {
            // SAFETY: `ptr` came from `inner`.
            unsafe { self.inner.dealloc(ptr, layout) }
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !in_reservation(ptr) {
            // SAFETY: `ptr` came from `inner`.
            return unsafe { self.inner.realloc(ptr, layout, new_size) };
        }
        if new_size <= layout.size() {
            // Shrinking (the token list at the end of a parse): the block
            // keeps its place; the newest block of a lane gives its tail back.
            REGION.with(|r| {
                let addr = ptr as usize;
                let lane = r.lane_for(layout.size());
                if r.inside.get() && lane.owns_newest(addr, layout.size()) {
                    lane.touched_end.set(lane.high_water());
                    lane.next.set(addr + new_size);
                }
            });
            return ptr;
        }
        // The newest block of a lane grows in place.
        let grown = REGION.with(|r| {
            let addr = ptr as usize;
            let lane = r.lane_for(layout.size());
            if r.inside.get() && lane.owns_newest(addr, layout.size()) {
                lane.extend_to(addr.checked_add(new_size)?)?;
                return Some(ptr);
            }
            None
        });
        if let Some(ptr) = grown {
            return ptr;
        }
        // SAFETY: a valid layout (same alignment as the caller's, size checked
        // by the caller); the old block stays readable until the copy is done.
        unsafe {
            let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
            let new = self.alloc(new_layout);
            if !new.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            }
            new
        }
    }
}

/// Work in progress on this thread (a parse, a semantic model, a file's
/// whole pass) whose allocations go to the thread's region.
/// Windows nest: only the outermost one starts the region afresh and, when
/// it ends, leaves it.
pub struct Window {
    outermost: bool,
    _not_send: std::marker::PhantomData<*const ()>,
}

/// What the value built in a closed window (a tree, a model, a file's
/// result) needs when it is dropped.
pub struct TreeMemory {
    /// The value holds region memory: the region must not be reset while it lives.
    holds_region: bool,
    /// Every allocation came from the region: dropping the value is a no-op.
    pub all_in_region: bool,
    _not_send: std::marker::PhantomData<*const ()>,
}

impl Window {
    pub fn open() -> Window {
        let outermost = REGION.with(|r| {
            let outermost = !r.inside.get();
            if outermost {
                r.reset();
                r.used.set(false);
                r.fell_back.set(false);
                r.inside.set(true);
            }
            outermost
        });
        Window {
            outermost,
            _not_send: std::marker::PhantomData,
        }
    }

    pub fn close(self) -> TreeMemory {
        // `Drop` leaves the window.
        let (used, fell_back) = REGION.with(|r| {
            let used = r.used.get();
            if used {
                r.live_trees.set(r.live_trees.get() + 1);
            }
            (used, r.fell_back.get())
        });
        TreeMemory {
            holds_region: used,
            all_in_region: used && !fell_back,
            _not_send: std::marker::PhantomData,
        }
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        if self.outermost {
            leave();
        }
    }
}

impl Drop for TreeMemory {
    fn drop(&mut self) {
        if self.holds_region {
            REGION.with(|r| r.live_trees.set(r.live_trees.get() - 1));
        }
    }
}

/// A value built in this thread's region (see [`build_in_region`]): it is
/// never dropped field by field when all of it is there, and the region is
/// not reused while it lives.
pub struct InRegion<T> {
    value: std::mem::ManuallyDrop<T>,
    memory: TreeMemory,
}

impl<T> std::ops::Deref for InRegion<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> Drop for InRegion<T> {
    fn drop(&mut self) {
        if !self.memory.all_in_region {
            // SAFETY: dropped once, here; never used after.
            unsafe { std::mem::ManuallyDrop::drop(&mut self.value) }
        }
    }
}

/// Runs `build` with this thread's allocations going to its region.
///
/// # Safety
/// Nothing `build` allocates may outlive the returned value: it must only
/// build data owned by the value (no lazily initialised statics, no
/// thread-locals, nothing handed to other values), and the value must not
/// hand out owned copies of region memory (clones are fine: they are made
/// outside the window).
pub unsafe fn build_in_region<T>(build: impl FnOnce() -> T) -> InRegion<T> {
    let window = Window::open();
    let value = build();
    InRegion {
        value: std::mem::ManuallyDrop::new(value),
        memory: window.close(),
    }
}

/// Hands this thread's region pages back to the system, when no tree from
/// it is alive: for the end of a parallel pass, so that the memory of the
/// last trees parsed is not kept through the rest of the run.
pub fn trim() {
    REGION.with(|r| {
        if r.slot.get() <= NO_SLOT || r.live_trees.get() != 0 || r.inside.get() {
            return;
        }
        r.small.reset(0);
        r.large.reset(0);
    });
}

/// Whether `ptr` points into a parse region (for tests).
pub fn is_region_memory<T: ?Sized>(ptr: *const T) -> bool {
    in_reservation(ptr as *const u8 as *mut u8)
}

/// Bytes of this thread's region in use since its last reset (for tests).
pub fn region_bytes_in_use() -> usize {
    REGION.with(|r| {
        if r.slot.get() <= NO_SLOT {
            return 0;
        }
        [&r.small, &r.large]
            .iter()
            .map(|lane| lane.next.get() - lane.start.get())
            .sum()
    })
}

/// Leaves the window (if any): from here allocations go to the inner allocator.
pub fn leave() {
    REGION.with(|r| r.inside.set(false));
}

/// Makes a panic leave the window before the panic hook runs, so that what
/// the hook and the unwinding allocate is not put in the region.
pub fn leave_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave();
        previous(info);
    }));
}
