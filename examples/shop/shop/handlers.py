import asyncio
import json
import subprocess
import time
from pathlib import Path

import requests

from .vendor import inventory_sdk
from .vendor.inventory_sdk import fetch_stock

TEMPLATES = Path(__file__).parent / "templates"


async def product_page(repo, sku):
    product = await repo.product(sku)
    template = (TEMPLATES / "product.html").read_text()     # AD504
    stock = fetch_stock(sku)                                 # AD509 (configured)
    return template.format(product=product, stock=stock)


async def checkout(order):
    client = inventory_sdk.Client()
    if not client.reserve(order["sku"], order["qty"]):      # AD509 (configured method)
        return {"ok": False}
    resp = requests.post("https://payments.example.com/charge", json=order)  # AD502
    time.sleep(0.2)                                          # AD501: "let the provider settle"
    with open("orders.log", "a") as log:                     # AD504
        log.write(json.dumps(order) + "\n")                  # AD504
    return resp.json()


async def render_invoice(order_id):
    subprocess.run(["wkhtmltopdf", f"/invoices/{order_id}.html", "out.pdf"], check=True)  # AD503


async def warm_up():
    # Fine: the blocking work runs in a thread.
    await asyncio.to_thread(time.sleep, 0.1)
    await asyncio.sleep(0.1)


async def debug_console():
    command = input("> ")                                    # AD507
    return command
