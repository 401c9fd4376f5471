#!/usr/bin/env python3
# greetbench's asyncio peer: the seed's concurrency model (one asyncio event loop, one
# coroutine per connection), Python 3 standard library only, so `greetbench compare` can put
# the original model beside the Java ones.  It keeps the seed's shape and adds only what the
# greetbench servers do differently on purpose (PROTOCOL.md): it never decodes the request,
# it sends FIN right after the reply and drains input before closing (no RST), it closes idle
# clients, and it stops gracefully on SIGTERM/SIGINT.  It has no connection cap: asyncio's
# server cannot pause its listener, so a cap would accept connections and leave them unserved.
#
# Usage: python3 asyncio_peer.py [PORT] [--host ADDR] [--handler none|cpu:US|sleep:MS|tail:PCT:MS]
#                                [--idle-timeout S] [--linger-timeout S] [--backlog N]
#                                [--shutdown-grace S] [--stop-on-stdin-eof]
import argparse
import asyncio
import random
import re
import signal
import socket
import sys
import time

MAX_REQUEST_BYTES = 100


def parse_handler(text):
    """none, cpu:<microseconds>, sleep:<milliseconds> or tail:<percent>:<milliseconds>, as the
    Java servers take it (HandlerWork.parse): (kind, seconds, percent)."""
    if text == 'none':
        return ('none', 0.0, 0.0)
    tail = re.fullmatch(r'tail:(\d{1,3}(?:\.\d{1,6})?):(\d{1,9})', text)
    if tail and 0 < float(tail.group(1)) <= 100 and 1 <= int(tail.group(2)) <= 60000:
        return ('tail', int(tail.group(2)) / 1e3, float(tail.group(1)))
    kind, _, amount = text.partition(':')
    if kind in ('cpu', 'sleep') and amount.isdigit() and int(amount) > 0:
        return (kind, int(amount) / (1e6 if kind == 'cpu' else 1e3), 0.0)
    raise argparse.ArgumentTypeError(
        f"--handler must be none, cpu:<microseconds>, sleep:<milliseconds> or "
        f"tail:<percent>:<milliseconds> (percent in (0, 100], milliseconds 1..60000), got '{text}'")


def parse_args():
    p = argparse.ArgumentParser(description='asyncio greeting server (greetbench peer)')
    p.add_argument('port', nargs='?', type=int, default=8888)
    p.add_argument('--host', default='127.0.0.1')
    p.add_argument('--handler', type=parse_handler, default=('none', 0.0, 0.0))
    p.add_argument('--idle-timeout', type=float, default=60.0, help='seconds, 0 = never')
    p.add_argument('--linger-timeout', type=float, default=5.0, help='seconds')
    p.add_argument('--backlog', type=int, default=socket.SOMAXCONN)
    p.add_argument('--shutdown-grace', type=float, default=5.0, help='seconds')
    p.add_argument('--stop-on-stdin-eof', action='store_true',
                   help='exit when stdin closes, so a parent that dies leaves no orphan')
    return p.parse_args()


def python_repr(addr):
    # What the seed prints with f"{addr}": the peer tuple's repr.
    return repr(tuple(addr))


async def do_work(handler):
    kind, seconds, percent = handler
    if kind == 'cpu':
        # Spins on the event loop, as CPU-bound code in a coroutine does: it stalls every
        # other connection for that long, which is the point of the comparison.
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            pass
    elif kind == 'sleep':
        # The asyncio way to wait on a slow dependency is to await it; the loop serves other
        # connections meanwhile, as a reactor that moves blocking work off its loop does.
        await asyncio.sleep(seconds)
    elif kind == 'tail' and random.random() * 100 < percent:
        # A delayed share of exchanges awaits too, so only that exchange waits; one event loop
        # thread draws, so the module's generator is uncontended.
        await asyncio.sleep(seconds)


async def drain(reader, deadline):
    """Discards input until end of stream or the deadline, so close() sends FIN, not RST."""
    loop = asyncio.get_running_loop()
    while True:
        left = deadline - loop.time()
        if left <= 0:
            return
        try:
            chunk = await asyncio.wait_for(reader.read(65536), left)
        except asyncio.TimeoutError:
            return
        if not chunk:
            return


def make_handler(args, in_flight):
    idle = args.idle_timeout if args.idle_timeout > 0 else None

    async def handle_client(reader, writer):
        task = asyncio.current_task()
        in_flight.add(task)
        try:
            try:
                data = await asyncio.wait_for(reader.read(MAX_REQUEST_BYTES), idle)
            except asyncio.TimeoutError:
                return  # idle client: closed with FIN below, no greeting
            del data  # the content is never interpreted, so it is never decoded either
            await do_work(args.handler)
            addr = writer.get_extra_info('peername')
            writer.write(f"Hello, {python_repr(addr)}!\n".encode('ascii'))
            await writer.drain()
            if writer.can_write_eof():
                writer.write_eof()
            await drain(reader, asyncio.get_running_loop().time() + args.linger_timeout)
        except (ConnectionError, OSError):
            pass  # the client went away: nothing to report above debug level
        finally:
            in_flight.discard(task)
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, OSError):
                pass

    return handle_client


async def main():
    args = parse_args()
    loop = asyncio.get_running_loop()
    in_flight = set()
    server = await asyncio.start_server(make_handler(args, in_flight),
                                        args.host, args.port, backlog=args.backlog)
    addr = server.sockets[0].getsockname()
    print(f'Serving on {python_repr(addr)}', flush=True)

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if args.stop_on_stdin_eof:
        loop.add_reader(sys.stdin.fileno(), lambda: sys.stdin.buffer.raw.read(4096) or stop.set())

    await stop.wait()
    server.close()  # stop accepting; in-flight clients get the grace period
    if in_flight:
        await asyncio.wait(set(in_flight), timeout=args.shutdown_grace)
    for task in list(in_flight):
        task.cancel()


if __name__ == '__main__':
    try:
        asyncio.run(main())
    except OSError as e:
        print(f'asyncio_peer: cannot listen: {e}', file=sys.stderr)
        sys.exit(8)
