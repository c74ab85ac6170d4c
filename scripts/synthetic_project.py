#!/usr/bin/env python3
"""Generate a synthetic Python project for scale benchmarks of `asyncdoctor check`.

N modules in packages of 100; every module imports the previous one (a deep
import chain), defines sync helpers that call into it (call chains thousands of
steps long), a small call cycle, a class hierarchy across modules, and an async
entry point; every 50th module ends a chain with a blocking call.

usage: synthetic_project.py N OUTDIR
"""
import os
import sys


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    root = os.path.join(out, "synth")
    for i in range(n):
        pkg = os.path.join(root, f"p{i // 100}")
        os.makedirs(pkg, exist_ok=True)
        init = os.path.join(pkg, "__init__.py")
        if not os.path.exists(init):
            open(init, "w").close()
        prev = f"synth.p{(i - 1) // 100}.m{i - 1}" if i else None
        lines = ["import time", "import asyncio"]
        if prev:
            lines.append(f"from {prev} import helper_a as prev_helper, Base{i - 1} as Parent")
        else:
            lines.append("Parent = object")
            lines.append("def prev_helper():\n    return 0")
        lines.append(
            f"""

def helper_a():
    return helper_b() + prev_helper()


def helper_b():
    if False:
        return helper_a()
    {"time.sleep(0)" if i % 50 == 0 else "pass"}
    return 1


class Base{i}(Parent):
    def work(self):
        return helper_a()


async def entry_{i}():
    helper_a()
    Base{i}().work()
    await asyncio.sleep(0)
"""
        )
        with open(os.path.join(pkg, f"m{i}.py"), "w") as f:
            f.write("\n".join(lines))
    open(os.path.join(root, "__init__.py"), "w").close()
    print(root)


if __name__ == "__main__":
    main()
