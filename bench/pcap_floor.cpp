// The libpcap read-loop floor: how fast can a program merely read every packet of a capture?
// Usage: pcap_floor FILE   -> prints "packets N seconds S packets/s P"
#include <pcap/pcap.h>

#include <chrono>
#include <cstdint>
#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CAPTURE\n", argv[0]);
        return 2;
    }
    char err[PCAP_ERRBUF_SIZE] = {};
    auto start = std::chrono::steady_clock::now();
    pcap_t* p = pcap_open_offline(argv[1], err);
    if (p == nullptr) {
        std::fprintf(stderr, "pcap_floor: %s\n", err);
        return 1;
    }
    uint64_t packets = 0;
    uint64_t bytes = 0;
    unsigned sum = 0;  // touch the first byte of every packet so the data is really read
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    int rc;
    while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
        ++packets;
        bytes += hdr->caplen;
        if (hdr->caplen > 0) sum += data[0];
    }
    if (rc == PCAP_ERROR) {
        std::fprintf(stderr, "pcap_floor: %s\n", pcap_geterr(p));
        pcap_close(p);
        return 1;
    }
    pcap_close(p);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("packets %llu bytes %llu seconds %.3f packets/s %.0f checksum %u\n",
                static_cast<unsigned long long>(packets), static_cast<unsigned long long>(bytes), secs,
                secs > 0 ? packets / secs : 0.0, sum);
    return 0;
}
