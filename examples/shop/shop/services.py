"""Order services: where blocking code hides one helper away."""
import asyncio
import json
import signal
import threading

from .notifications import Mailer, audit_log, send_receipt


def load_pricing():
    # A sync helper that reads a file...
    with open("pricing.json") as f:
        return json.load(f)


def price_for(sku):
    # ...and one more level of indirection.
    return load_pricing()[sku]


async def quote(sku, qty):
    return price_for(sku) * qty                     # AD508: price_for() -> load_pricing() -> open()


def sync_total(order):
    # Called only from async code, yet starts its own loop.
    return asyncio.run(compute_total(order))        # AD101


async def compute_total(order):
    return sum(await asyncio.gather(*(quote(i["sku"], i["qty"]) for i in order["items"])))


async def place_order(order):
    total = sync_total(order)
    send_receipt(order, total)                      # AD201: coroutine never awaited
    await audit_log(order)                          # AD202: audit_log() is a plain def returning None
    async for line in order["items"]:               # (unknown iterable: not reported)
        print(line)
    async for sku in [i["sku"] for i in order["items"]]:   # AD204
        print(sku)
    async with Mailer() as mailer:                  # AD205: Mailer has __enter__, not __aenter__
        mailer.flush()
    return total


def refresh_stock_in_thread(loop: asyncio.AbstractEventLoop, stock: asyncio.Queue):
    # Runs in a worker thread (see start_refresher).
    loop.call_soon(stock.put_nowait, "refresh")     # AD103: use call_soon_threadsafe
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)   # AD104: signals only in the main thread


async def start_refresher(stock: asyncio.Queue):
    loop = asyncio.get_running_loop()
    threading.Thread(target=refresh_stock_in_thread, args=(loop, stock)).start()


def legacy_report(orders):
    total = await compute_total(orders)             # AD206: await in a plain def
    return total


async def send_with_retry(order, total):
    attempt = send_receipt(order, total)
    for _ in range(3):
        try:
            return await attempt                    # AD203: the second try awaits a spent coroutine
        except ConnectionError:
            await asyncio.sleep(1)
