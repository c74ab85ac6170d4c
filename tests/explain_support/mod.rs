//! What the explain tests share: the problem ids `shared/spec/explain.md`
//! requires (kept here, apart from the code, as the spec's side of the check).

pub const SPEC_IDS: &[&str] = &[
    "loop-already-running",
    "no-current-event-loop",
    "task-destroyed-pending",
    "coroutine-never-awaited",
    "not-awaitable",
    "coroutine-reused",
    "timeout",
    "cancelled",
    "loop-blocked",
    "gather-swallowed",
    "pool-exhausted",
    "exception-never-retrieved",
    "unclosed-resource",
    "exception-group",
    "async-for-sync-iterable",
    "context-manager-mismatch",
    "await-outside-async",
    "different-loop",
    "loop-closed",
    "thread-unsafe-call",
    "signal-off-main-thread",
    "task-reentered",
    "timeout-outside-task",
];
