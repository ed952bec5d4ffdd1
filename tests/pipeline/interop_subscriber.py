#!/usr/bin/python3
"""Stands in for a Malcolm processor (zeek/suricata/arkime's pcap_processor): a ZeroMQ SUB socket
that connects to a monitor, subscribes to everything and prints each message it receives as one
line `PARTS<TAB>FRAME` (PARTS is the number of frames; the contract says 1).

usage: interop_subscriber.py ENDPOINT COUNT TIMEOUT_SECONDS
"""
import json
import sys

import zmq


def main():
    endpoint, count, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.connect(endpoint)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    poller = zmq.Poller()
    poller.register(sub, zmq.POLLIN)
    got = 0
    while got < count:
        if not poller.poll(int(timeout * 1000)):
            print("timeout after %d message(s)" % got, file=sys.stderr)
            return 1
        frames = sub.recv_multipart()
        text = frames[0].decode("utf-8")
        json.loads(text)  # must be JSON, as Malcolm's json.loads would read it
        print("%d\t%s" % (len(frames), text), flush=True)
        got += 1
    sub.close(linger=0)
    ctx.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
