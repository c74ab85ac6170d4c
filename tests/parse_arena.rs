//! The parse arena as the binary uses it: installed as this test binary's
//! global allocator (over the system allocator), driven through the parser
//! wrapper.

use asyncdoctor::check::parse::{arena, parse_python};

#[global_allocator]
static ALLOCATOR: arena::ParseArena<std::alloc::System> =
    arena::ParseArena::new(std::alloc::System);

const SAMPLE: &str = "import asyncio\n\nasync def main(x):\n    await asyncio.sleep(x)\n    return [i * 2 for i in range(10) if i]\n";

fn describe(module: &asyncdoctor::check::parse::ParsedModule) -> String {
    format!("{:?}", module.body())
}

#[test]
fn trees_are_made_in_the_region_and_walks_allocate_outside_it() {
    let module = parse_python(SAMPLE);
    assert!(arena::is_region_memory(module.body().as_ptr()));
    assert!(arena::region_bytes_in_use() > 0);
    // What the checker builds from the tree lives on the normal heap.
    let text = describe(&module);
    assert!(!arena::is_region_memory(text.as_ptr()));
    assert!(text.contains("main"));
}

#[test]
fn a_live_tree_is_not_overwritten_by_the_next_parse_on_its_thread() {
    let first = parse_python(SAMPLE);
    let before = describe(&first);
    let used_by_first = arena::region_bytes_in_use();
    let second = parse_python("def other(y):\n    return {'k': [y, y, y]}\n");
    assert!(
        arena::region_bytes_in_use() > used_by_first,
        "the second tree was put on top of the first"
    );
    assert_eq!(describe(&first), before);
    assert!(describe(&second).contains("other"));
    drop(first);
    drop(second);
    // Nothing alive: the next parse starts the region again from the beginning.
    let third = parse_python(SAMPLE);
    assert_eq!(arena::region_bytes_in_use(), used_by_first);
    drop(third);
}

#[test]
fn a_tree_can_outlive_another_thread_parsing() {
    let here = parse_python(SAMPLE);
    let before = describe(&here);
    let there = std::thread::spawn(|| {
        let module = parse_python("class C:\n    def m(self):\n        pass\n");
        describe(&module)
    })
    .join()
    .unwrap();
    assert!(there.contains("ClassDef"));
    assert_eq!(describe(&here), before);
}

#[test]
fn a_panic_inside_a_window_leaves_it() {
    arena::leave_on_panic();
    let window = arena::Window::open();
    let caught =
        std::panic::catch_unwind(|| -> Vec<u8> { panic!("inside {}", std::hint::black_box(1)) });
    // The hook left the window: what the handler allocates is on the normal heap.
    let after = std::hint::black_box(Box::new([1u8; 16]));
    assert!(!arena::is_region_memory(after.as_ptr()));
    // The message may have been formatted in the region before the hook ran;
    // it stays readable until this thread parses again.
    let message = caught.unwrap_err();
    assert_eq!(
        message.downcast_ref::<String>().map(String::as_str),
        Some("inside 1")
    );
    drop(window);
}

#[test]
fn region_memory_grows_and_is_copied_out_correctly() {
    let window = arena::Window::open();
    let mut inside: Vec<u64> = Vec::with_capacity(1);
    for i in 0..10_000 {
        inside.push(i);
    }
    assert!(arena::is_region_memory(inside.as_ptr()));
    let memory = window.close();
    // Grown outside the window: moved to the normal heap, contents kept.
    inside.extend(10_000..20_000);
    assert!(!arena::is_region_memory(inside.as_ptr()));
    assert!(inside.iter().copied().eq(0..20_000));
    drop(memory);
}

#[test]
fn syntax_errors_and_large_inputs_parse_in_the_region() {
    let broken = parse_python("def f(:\n    pass\n");
    assert!(broken.first_syntax_error().is_some());
    let big: String = (0..20_000)
        .map(|i| format!("x{i} = [{i}, '{i}']\n"))
        .collect();
    let module = parse_python(&big);
    assert_eq!(module.body().len(), 20_000);
    assert!(arena::region_bytes_in_use() > 1 << 20);
}

#[test]
fn the_newest_large_block_grows_and_shrinks_in_place() {
    let window = arena::Window::open();
    let mut growing: Vec<u8> = Vec::with_capacity(4096);
    let at = growing.as_ptr();
    growing.resize(1 << 20, 7);
    assert_eq!(growing.as_ptr(), at, "the newest block was copied to grow");
    // Another block in between: the first must now move to grow, intact.
    let other: Vec<u8> = vec![9; 8192];
    growing.resize(2 << 20, 8);
    assert_ne!(growing.as_ptr(), at);
    assert!(
        growing[..1 << 20].iter().all(|&b| b == 7) && growing[1 << 20..].iter().all(|&b| b == 8)
    );
    assert!(other.iter().all(|&b| b == 9));
    let moved_to = growing.as_ptr();
    growing.truncate(10);
    growing.shrink_to_fit();
    assert_eq!(growing.as_ptr(), moved_to, "shrinking moved the block");
    assert_eq!(growing, [7u8; 10]);
    let memory = window.close();
    drop((growing, other, memory));
}
