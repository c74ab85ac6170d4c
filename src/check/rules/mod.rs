//! One file per rule. Each declares its metadata with
//! [`declare_rule!`](crate::declare_rule) (the doc comment is the user
//! documentation) and, for blocking calls, the patterns it reports. Rules never
//! walk the tree: the checker dispatches to them.

pub mod ad001_syntax_error;
pub mod ad002_unreadable_file;
pub mod ad101_run_in_running_loop;
pub mod ad103_loop_api_from_thread;
pub mod ad104_signal_handler_off_main_thread;
pub mod ad201_unawaited_coroutine;
pub mod ad202_await_non_awaitable;
pub mod ad204_async_for_over_sync_iterable;
pub mod ad205_context_manager_mismatch;
pub mod ad206_await_outside_async;
pub mod ad501_blocking_sleep;
pub mod ad502_blocking_http_call;
pub mod ad503_blocking_subprocess;
pub mod ad504_blocking_file_io;
pub mod ad505_blocking_database_call;
pub mod ad506_blocking_socket_call;
pub mod ad507_blocking_wait;
pub mod ad508_blocking_via_helper;
pub mod ad509_blocking_configured_call;
pub mod hooks;

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
