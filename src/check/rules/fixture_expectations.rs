//! Behaviour of the task/cancellation/version rules that one fixture file
//! cannot show: the configured target version, and file-wide facts. (The
//! fixtures themselves are checked by the shared harness in `mod.rs`.)

use std::path::Path;

use crate::check::check_source;
use crate::check::checker::RunContext;
use crate::config::{Overrides, Settings};

fn codes_for(source: &str, target: &str) -> Vec<(String, String)> {
    let overrides = Overrides {
        target_version: Some(target.to_string()),
        select: Some(vec!["ALL".into()]),
        ..Overrides::default()
    };
    let settings = Settings::resolve(None, &overrides, Path::new(".")).expect("settings");
    let run = RunContext::new(&settings);
    check_source(source, Some("example"), false, settings.rules, &run)
        .into_iter()
        .map(|d| (d.rule.code.to_string(), d.message))
        .collect()
}

#[test]
fn target_version_drives_ad307_ad403_and_ad102() {
    let source = "import asyncio\n\nasync def f(q: asyncio.Queue, conn):\n    async with asyncio.TaskGroup() as tg:\n        tg.create_task(conn.ping())\n    try:\n        await asyncio.wait_for(conn.ping(), 1)\n    except TimeoutError:\n        pass\n    q.shutdown()\n\ndef g():\n    return asyncio.get_event_loop()\n";
    let old = codes_for(source, "3.9");
    let codes = |v: &[(String, String)]| v.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>();
    assert_eq!(codes(&old), ["AD307", "AD403", "AD307", "AD102"]);
    assert!(old[3].1.contains("deprecated from 3.10"), "{}", old[3].1);

    let py311 = codes_for(source, "3.11");
    assert_eq!(
        codes(&py311),
        ["AD307", "AD102"],
        "only Queue.shutdown (3.13) is too new"
    );
    assert!(py311[1].1.contains("deprecated on your target version"));

    let py314 = codes_for(source, "3.14");
    assert_eq!(codes(&py314), ["AD102"]);
    assert!(
        py314[0]
            .1
            .contains("raises `RuntimeError` on your target version")
    );
}

#[test]
fn ad305_trusts_files_that_use_a_semaphore() {
    let unbounded = "import asyncio\n\nasync def f(redis):\n    keys = await redis.keys('*')\n    await asyncio.gather(*(redis.get(k) for k in keys))\n";
    assert!(
        codes_for(unbounded, "3.9")
            .iter()
            .any(|(c, _)| c == "AD305")
    );
    let with_semaphore = format!("{unbounded}\nLIMIT = asyncio.Semaphore(10)\n");
    assert!(
        !codes_for(&with_semaphore, "3.9")
            .iter()
            .any(|(c, _)| c == "AD305")
    );
}
