"""Autobahn|Python (Debian's python3-autobahn, the Autobahn project's own WebSocket library) as a client of /echo.

Usage: python3 echo_client.py WS_URL plain|deflate

Autobahn's protocol implementation checks every frame the server sends (masking, reserved bits, UTF-8, close codes)
and fails the connection on any violation. This script echoes text and binary messages across every length encoding,
multi-byte UTF-8 in fragments, 1 MiB at the limit, a ping, then closes with 1000. Prints "ok" and exits 0, or prints
the failure and exits 1.
"""
import asyncio
import sys

from autobahn.asyncio.websocket import WebSocketClientFactory, WebSocketClientProtocol
from autobahn.websocket.compress import PerMessageDeflateOffer, PerMessageDeflateResponse, PerMessageDeflateResponseAccept

TEXT = "héllo wörld — 你好 🌍 κόσμε"
SIZES = [0, 125, 126, 127, 128, 65535, 65536, 1 << 20]


class CheckFailed(Exception):
    pass


def check(condition, message):
    """A check that holds under python -O too (bare assert statements are stripped by PYTHONOPTIMIZE)."""
    if not condition:
        raise CheckFailed(message)


def payload(size):
    return bytes((i * 31 + 7) & 0xFF for i in range(size))


class EchoCheck(WebSocketClientProtocol):
    def onConnect(self, response):
        self.extensions = response.extensions

    def onOpen(self):
        self.received = asyncio.Queue()
        self.pongs = asyncio.Queue()
        asyncio.ensure_future(self.run())

    def onMessage(self, data, is_binary):
        self.received.put_nowait((data, is_binary))

    def onPong(self, data):
        self.pongs.put_nowait(data)

    def onClose(self, was_clean, code, reason):
        if not self.factory.closed.done():  # a failed check has already ended the run
            self.factory.closed.set_result((was_clean, code))

    async def expect(self, sent, is_binary, what):
        data, binary = await self.received.get()
        check(binary == is_binary, f"{what}: binary={binary}")
        check(data == sent, f"{what}: echo differs ({len(data)} of {len(sent)} bytes)")

    async def run(self):
        try:
            deflate = self.factory.mode == "deflate"
            negotiated = [e.EXTENSION_NAME for e in self.extensions]
            check(negotiated == (["permessage-deflate"] if deflate else []), f"negotiated: {negotiated}")
            for size in SIZES:
                data = payload(size)
                self.sendMessage(data, isBinary=True)
                await self.expect(data, True, f"binary {size}")
            text = (TEXT * 1000).encode("utf-8")
            self.sendMessage(text, isBinary=False)
            await self.expect(text, False, "text")
            # Fragments split inside multi-byte code points: the server must join them before validating.
            self.beginMessage(isBinary=False)
            for i in range(0, len(text), 7):
                self.sendMessageFrame(text[i:i + 7])
            self.endMessage()
            await self.expect(text, False, "text in 7-byte fragments")
            self.sendPing(b"are you there")
            check(await self.pongs.get() == b"are you there", "pong payload")
            self.sendClose(code=1000)
        except Exception as error:  # report any failed check and end the run
            self.factory.closed.set_exception(error)
            self.dropConnection(abort=True)


async def main(url, mode):
    loop = asyncio.get_running_loop()
    factory = WebSocketClientFactory(url)
    factory.protocol = EchoCheck
    factory.mode = mode
    factory.closed = loop.create_future()
    if mode == "deflate":
        factory.setProtocolOptions(
            perMessageCompressionOffers=[PerMessageDeflateOffer(accept_max_window_bits=True)],
            perMessageCompressionAccept=lambda response: PerMessageDeflateResponseAccept(response)
            if isinstance(response, PerMessageDeflateResponse) else None)
    factory.setProtocolOptions(maxMessagePayloadSize=2 << 20, maxFramePayloadSize=2 << 20)
    await loop.create_connection(factory, factory.host, factory.port)
    was_clean, code = await asyncio.wait_for(factory.closed, 60)
    check(was_clean and code == 1000, f"close: clean={was_clean} code={code}")
    print("ok")


if __name__ == "__main__":
    try:
        asyncio.run(main(*sys.argv[1:3]))
    except Exception as error:
        print(f"FAILED: {error!r}", file=sys.stderr)
        sys.exit(1)
