//! One file per rule. Each declares its metadata with
//! [`declare_rule!`](crate::declare_rule) (the doc comment is the user
//! documentation) and, for blocking calls, the patterns it reports. Rules never
//! walk the tree: the checker dispatches to them.

pub mod ad001_syntax_error;
pub mod ad002_unreadable_file;
pub mod ad102_get_event_loop;
pub mod ad301_dangling_task;
pub mod ad302_task_never_joined;
pub mod ad303_gather_exceptions_unchecked;
pub mod ad304_gather_orphans_siblings;
pub mod ad305_unbounded_gather;
pub mod ad306_taskgroup_plain_except;
pub mod ad307_requires_newer_python;
pub mod ad401_cancellation_swallowed;
pub mod ad402_timeout_unhandled;
pub mod ad403_timeout_error_mismatch;
pub mod ad404_cancel_not_awaited;
pub mod ad501_blocking_sleep;
pub mod ad502_blocking_http_call;
pub mod ad503_blocking_subprocess;
pub mod ad504_blocking_file_io;
pub mod ad505_blocking_database_call;
pub mod ad506_blocking_socket_call;
pub mod ad507_blocking_wait;
pub mod ad509_blocking_configured_call;
pub mod ad601_async_resource_leak;
pub mod ad602_client_per_request;
pub mod ad701_loop_closed_with_pending_tasks;
pub mod ad702_shutdown_gather_raises;
#[cfg(test)]
mod fixture_expectations;

use crate::check::blocking::BlockingPattern;
use crate::registry::RuleMeta;

/// The blocking rules and their patterns, for the classifier.
pub fn blocking_rule_patterns() -> [(&'static RuleMeta, &'static [BlockingPattern]); 7] {
    [
        (
            &ad501_blocking_sleep::BLOCKING_SLEEP,
            ad501_blocking_sleep::PATTERNS,
        ),
        (
            &ad502_blocking_http_call::BLOCKING_HTTP_CALL,
            ad502_blocking_http_call::PATTERNS,
        ),
        (
            &ad503_blocking_subprocess::BLOCKING_SUBPROCESS,
            ad503_blocking_subprocess::PATTERNS,
        ),
        (
            &ad504_blocking_file_io::BLOCKING_FILE_IO,
            ad504_blocking_file_io::PATTERNS,
        ),
        (
            &ad505_blocking_database_call::BLOCKING_DATABASE_CALL,
            ad505_blocking_database_call::patterns(),
        ),
        (
            &ad506_blocking_socket_call::BLOCKING_SOCKET_CALL,
            ad506_blocking_socket_call::PATTERNS,
        ),
        (
            &ad507_blocking_wait::BLOCKING_WAIT,
            ad507_blocking_wait::PATTERNS,
        ),
    ]
}
