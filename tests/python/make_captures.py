#!/usr/bin/python3
"""Writes the small captures the Python plugin tests read (tests/python/captures/*.pcap).

usage: tests/python/make_captures.py [OUTDIR]   (default: the captures folder next to this file)
Deterministic: fixed addresses, ports, sequence numbers and times.
"""
import os
import sys

from scapy.all import IP, TCP, UDP, Ether, IPv6, Raw, wrpcap
from scapy.layers.sctp import SCTP, SCTPChunkData

T0 = 1700000000.0
A, B, C = "10.1.0.1", "10.1.0.2", "10.1.0.3"
MAC_A, MAC_B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"


def stamp(pkts, t0=T0, step=0.01):
    for i, p in enumerate(pkts):
        p.time = t0 + i * step
    return pkts


def tcp_session(cli, srv, sport, dport, exchanges, isn_c=1000, isn_s=5000):
    """Handshake, then (direction, bytes) exchanges, then FIN both ways."""
    e_c = Ether(src=MAC_A, dst=MAC_B)
    e_s = Ether(src=MAC_B, dst=MAC_A)
    out = [
        e_c / IP(src=cli, dst=srv) / TCP(sport=sport, dport=dport, flags="S", seq=isn_c),
        e_s / IP(src=srv, dst=cli) / TCP(sport=dport, dport=sport, flags="SA", seq=isn_s, ack=isn_c + 1),
        e_c / IP(src=cli, dst=srv) / TCP(sport=sport, dport=dport, flags="A", seq=isn_c + 1, ack=isn_s + 1),
    ]
    sc, ss = isn_c + 1, isn_s + 1
    for d, data in exchanges:
        if d == 0:
            out.append(e_c / IP(src=cli, dst=srv) / TCP(sport=sport, dport=dport, flags="PA", seq=sc, ack=ss) / Raw(data))
            sc += len(data)
        else:
            out.append(e_s / IP(src=srv, dst=cli) / TCP(sport=dport, dport=sport, flags="PA", seq=ss, ack=sc) / Raw(data))
            ss += len(data)
    out.append(e_c / IP(src=cli, dst=srv) / TCP(sport=sport, dport=dport, flags="FA", seq=sc, ack=ss))
    out.append(e_s / IP(src=srv, dst=cli) / TCP(sport=dport, dport=sport, flags="FA", seq=ss, ack=sc + 1))
    out.append(e_c / IP(src=cli, dst=srv) / TCP(sport=sport, dport=dport, flags="A", seq=sc + 1, ack=ss + 1))
    return out


def udp(src, dst, sport, dport, data):
    return Ether(src=MAC_A, dst=MAC_B) / IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(data)


def tcp_udp():
    """Session A (8080): HELLO world / OK / MORE. Session B (9999): xxABCD / Z (1 byte) / ZZ.
    UDP 5000->53: Q1 / R1xx. UDP 5001->7000: a single 1-byte datagram."""
    pkts = tcp_session(A, B, 40000, 8080, [(0, b"HELLO world"), (1, b"OK\r\n"), (0, b"MORE")])
    pkts += tcp_session(A, B, 40001, 9999, [(0, b"xxABCDEF"), (1, b"Z"), (1, b"ZZ")], 2000, 7000)
    pkts += [udp(A, C, 5000, 53, b"Q1"), udp(C, A, 53, 5000, b"R1xx")]
    pkts += [udp(A, C, 5001, 7000, b"a")]
    return stamp(pkts)


def sctp():
    """One SCTP association 10.1.0.1:3868 -> 10.1.0.2:2905, DATA chunks with PPID 46 on stream 3."""
    e_c, e_s = Ether(src=MAC_A, dst=MAC_B), Ether(src=MAC_B, dst=MAC_A)
    pkts = [
        e_c / IP(src=A, dst=B) / SCTP(sport=3868, dport=2905, tag=1)
        / SCTPChunkData(tsn=1, stream_id=3, proto_id=46, data=b"M3UAhello", beginning=1, ending=1),
        e_s / IP(src=B, dst=A) / SCTP(sport=2905, dport=3868, tag=2)
        / SCTPChunkData(tsn=1, stream_id=3, proto_id=46, data=b"M3UAreply", beginning=1, ending=1),
        e_c / IP(src=A, dst=B) / SCTP(sport=3868, dport=2905, tag=1)
        / SCTPChunkData(tsn=2, stream_id=3, proto_id=46, data=b"M3UAagain", beginning=1, ending=1),
    ]
    return stamp(pkts)


def wrapped():
    """Ethertype 0xff12: an 18-byte private header, then a whole Ethernet frame (TCP 10.2.0.1:41000 ->
    10.2.0.2:80). IPv4 protocol 253: a 4-byte private header, then an IPv4 packet (UDP 10.3.0.1:6000 ->
    10.3.0.2:6001)."""
    inner = tcp_session("10.2.0.1", "10.2.0.2", 41000, 80, [(0, b"GET / HTTP/1.0\r\n\r\n"), (1, b"HTTP/1.0 200 OK\r\n\r\n")])
    pkts = [Ether(src=MAC_A, dst=MAC_B, type=0xff12) / Raw(bytes(range(18)) + bytes(p)) for p in inner]
    for data in (b"ping", b"pong"):
        inner_ip = IP(src="10.3.0.1", dst="10.3.0.2") / UDP(sport=6000, dport=6001) / Raw(data)
        pkts.append(Ether(src=MAC_A, dst=MAC_B) / IP(src="192.0.2.1", dst="192.0.2.2", proto=253)
                    / Raw(b"\xca\xfe\x00\x04" + bytes(inner_ip)))
    return stamp(pkts)


def v6():
    """UDP over IPv6: 2001:db8::1:5353 -> 2001:db8::2:53, Q6 / R6xx."""
    pkts = [
        Ether(src=MAC_A, dst=MAC_B) / IPv6(src="2001:db8::1", dst="2001:db8::2") / UDP(sport=5353, dport=53) / Raw(b"Q6"),
        Ether(src=MAC_B, dst=MAC_A) / IPv6(src="2001:db8::2", dst="2001:db8::1") / UDP(sport=53, dport=5353) / Raw(b"R6xx"),
    ]
    return stamp(pkts)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "captures")
    os.makedirs(out, exist_ok=True)
    for name, pkts in (("tcp_udp", tcp_udp()), ("sctp", sctp()), ("wrapped", wrapped()), ("v6", v6())):
        wrpcap(os.path.join(out, name + ".pcap"), pkts)


if __name__ == "__main__":
    main()
