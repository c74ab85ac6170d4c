"""Background workers: where tasks, cancellation and shutdown go wrong."""
import asyncio
import logging

import aiohttp

log = logging.getLogger(__name__)


async def sync_inventory(item):
    await asyncio.sleep(0.1)


async def warm_cache():
    asyncio.create_task(sync_inventory("all"))           # AD301: no reference kept
    audit = asyncio.create_task(sync_inventory("audit"))  # AD302: never awaited or cancelled
    await asyncio.sleep(0)


async def refresh_all(items):
    await asyncio.gather(*(sync_inventory(i) for i in items), return_exceptions=True)  # AD303


async def fetch_prices(urls):
    prices = []
    for url in urls:
        async with aiohttp.ClientSession() as session:   # AD602: a session per request
            async with session.get(url) as response:
                prices.append(await response.json())
    return prices


async def download(url):
    session = aiohttp.ClientSession()                    # AD601: never closed
    response = await session.get(url)
    return await response.read()


async def crawl(urls):
    try:
        async with asyncio.TaskGroup() as tg:            # AD307: TaskGroup needs 3.11 (requires-python >=3.10)
            for url in urls:
                tg.create_task(download(url))
    except aiohttp.ClientError:                          # AD306: child errors arrive as an ExceptionGroup
        log.warning("crawl failed")


async def heartbeat(conn):
    while True:
        try:
            await asyncio.wait_for(conn.ping(), timeout=5)
        except TimeoutError:                             # AD403: on 3.10, asyncio.TimeoutError is another class
            log.warning("ping timed out")
        except asyncio.CancelledError:                   # AD401: swallowed: the worker can never be stopped
            log.info("heartbeat cancelled")
        await asyncio.sleep(10)


async def serve(conn):
    keepalive = asyncio.create_task(heartbeat(conn))
    await conn.wait_closed()
    keepalive.cancel()                                   # AD404: not awaited: its cleanup never runs


async def stop_workers(workers):
    for worker in workers:
        worker.cancel()
    await asyncio.gather(*workers)                       # AD702: the first CancelledError aborts the shutdown


def run_worker_forever():
    loop = asyncio.get_event_loop()                      # AD102: deprecated without a running loop
    try:
        loop.run_until_complete(warm_cache())
    finally:
        loop.close()                                     # AD701: pending tasks are never cancelled and awaited


async def load_skus():
    await asyncio.sleep(0)
    return ["a", "b"]


async def refresh_catalogue():
    skus = await load_skus()
    try:
        # AD305: one coroutine per SKU at once; AD304 (opt-in): on the first
        # error the other refreshes keep running unsupervised.
        await asyncio.gather(*(sync_inventory(sku) for sku in skus))
    except ConnectionError:
        log.warning("catalogue refresh failed")


async def ping_supplier(conn):
    await asyncio.wait_for(conn.ping(), timeout=2)      # AD402 (opt-in): nothing handles the timeout
