//! The runtime rules (AD8xx): metadata and documentation only; the
//! findings are built in `super::report` from the harness's events.

pub mod ad801_loop_blocked;
pub mod ad802_coroutine_never_awaited;
pub mod ad803_task_destroyed_pending;
pub mod ad804_task_exception_never_retrieved;
pub mod ad805_resource_unclosed;
pub mod ad806_tasks_pending_at_exit;
pub mod ad807_hang;
pub mod ad808_thread_unsafe_loop_call;
pub mod ad809_cancellation_swallowed_at_runtime;
