import socket
from concurrent.futures import ThreadPoolExecutor

_pool = ThreadPoolExecutor(4)


async def ping_backend(host, port):
    addr = socket.gethostbyname(host)                        # AD506: blocking DNS
    sock = socket.create_connection((addr, port))            # AD506
    sock.sendall(b"PING\r\n")                                # AD506
    return sock.recv(16)                                     # AD506


async def checksum(path):
    fut = _pool.submit(open(path, "rb").read)                # AD504: open() runs on the loop
    return fut.result()                                      # AD507: waits on the loop thread
