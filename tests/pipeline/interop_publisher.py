#!/usr/bin/python3
"""Stands in for Malcolm's pcap-monitor: binds a ZeroMQ publisher and sends each message given on
the command line as one frame, in Malcolm's format (no `node`, no `live`). Each message is sent
twice, as a monitor restart would republish it.

Malcolm binds a PUB socket; this script binds an XPUB (the same to a subscriber) only so it can
wait for the subscription before sending instead of sleeping and hoping.

usage: interop_publisher.py ENDPOINT TIMEOUT_SECONDS JSON...
"""
import sys
import time

import zmq


def main():
    endpoint, timeout, messages = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    ctx = zmq.Context()
    pub = ctx.socket(zmq.XPUB)
    pub.bind(endpoint)
    if not pub.poll(int(timeout * 1000), zmq.POLLIN):
        print("no subscriber", file=sys.stderr)
        return 1
    pub.recv()  # the subscription
    for _ in range(2):
        for m in messages:
            pub.send(m.encode("utf-8"))
    time.sleep(0.5)
    pub.close(linger=2000)
    ctx.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
