import asyncio


async def send_receipt(order, total):
    await asyncio.sleep(0)


def audit_log(order):
    print("order", order["id"])


class Mailer:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def flush(self):
        pass
