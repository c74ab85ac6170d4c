"""asyncio workload for the `asyncdoctor run` overhead benchmark.

Three bounded parts: many short tasks, a queue ping-pong, a TCP echo over
127.0.0.1 only. Prints one JSON line with the wall time of each part and, under "cpu", the
CPU time of the process (all threads) for each part (seconds, measured inside
the program, so interpreter start-up is not counted).
"""
import asyncio
import json
import sys
import time

SCALE = int(sys.argv[1]) if len(sys.argv) > 1 else 1


async def short_tasks(n):
    async def work(i):
        await asyncio.sleep(0)
        return i * 2

    for _ in range(10):
        total = sum(await asyncio.gather(*(work(i) for i in range(n // 10))))
    return total


async def ping_pong(n):
    a, b = asyncio.Queue(), asyncio.Queue()

    async def ponger():
        while True:
            item = await a.get()
            if item is None:
                return
            await b.put(item)

    task = asyncio.create_task(ponger())
    for i in range(n):
        await a.put(i)
        await b.get()
    await a.put(None)
    await task


async def tcp_echo(n):
    finished = asyncio.Event()

    async def handle(reader, writer):
        while data := await reader.read(1024):
            writer.write(data)
            await writer.drain()
        writer.close()
        finished.set()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for i in range(n):
        writer.write(b"x" * 64)
        await writer.drain()
        await reader.readexactly(64)
    writer.close()
    await writer.wait_closed()
    await finished.wait()
    server.close()
    await server.wait_closed()


async def main():
    # glibc raises its mmap threshold the first time a large mmapped block is
    # freed. Until then each 256 KiB recv buffer that asyncio's transports
    # allocate is mmapped and unmapped again (page faults: about twice the
    # tcp_echo CPU time, mostly system time), and whether a process got there
    # earlier depends on what it happened to import before (reading a big
    # .pyc does it), harness or not. Freeing 1 MiB first puts every
    # configuration in the same state, so the ratios measure harness work.
    warm = bytearray(1 << 20)
    del warm
    out = {}
    cpu = {}
    for name, fn, n in (
        ("short_tasks", short_tasks, 50_000 * SCALE),
        ("queue_ping_pong", ping_pong, 50_000 * SCALE),
        ("tcp_echo", tcp_echo, 5_000 * SCALE),
    ):
        t0 = time.perf_counter()
        c0 = time.process_time()
        await fn(n)
        out[name] = time.perf_counter() - t0
        cpu[name] = time.process_time() - c0
    out["total"] = sum(out.values())
    cpu["total"] = sum(cpu.values())
    out["cpu"] = cpu
    print(json.dumps(out))


asyncio.run(main())
