// Micro-benchmarks for session-record JSON building (src/core/json.h).
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json.h"

namespace {

using flowdex::DocBuilder;
using flowdex::json_append_string;

// Appends `["a","b",...]` as one raw value.
void add_string_array(DocBuilder& doc, std::string_view path, std::initializer_list<std::string_view> items) {
    std::string& v = doc.begin(path);
    v.push_back('[');
    bool first = true;
    for (std::string_view s : items) {
        if (!first) v.push_back(',');
        first = false;
        json_append_string(v, s);
    }
    v.push_back(']');
}

// A typical HTTP session record: 40 fields, nested objects, a few arrays, varying numbers.
void build_session(DocBuilder& doc, uint64_t i) {
    doc.add_uint("firstPacket", 1704067200000 + i);
    doc.add_uint("lastPacket", 1704067201234 + i);
    doc.add_uint("length", 1234);
    doc.add_uint("ipProtocol", 6);
    doc.add_string("node", "flowdex");
    add_string_array(doc, "protocol", {"http", "tcp"});
    doc.add_string("source.ip", "10.0.0.10");
    doc.add_uint("source.port", 49152 + (i & 0x3FFF));
    doc.add_uint("source.bytes", 1830 + (i & 0xFF));
    doc.add_uint("source.packets", 9);
    add_string_array(doc, "source.mac", {"02:00:00:00:00:10"});
    doc.add_string("destination.ip", "192.0.2.80");
    doc.add_uint("destination.port", 80);
    doc.add_uint("destination.bytes", 8497 + (i & 0xFFF));
    doc.add_uint("destination.packets", 11);
    add_string_array(doc, "destination.mac", {"02:00:00:00:00:01"});
    doc.add_uint("network.packets", 20);
    doc.add_uint("network.bytes", 10327 + (i & 0xFFF));
    doc.add_string("network.community_id", "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
    doc.add_uint("totDataBytes", 7800);
    doc.add_uint("client.bytes", 160);
    doc.add_uint("server.bytes", 7640);
    doc.add_uint("tcpflags.syn", 1);
    doc.add_uint("tcpflags.syn-ack", 1);
    doc.add_uint("tcpflags.ack", 12);
    doc.add_uint("tcpflags.psh", 6);
    doc.add_uint("tcpflags.fin", 2);
    doc.add_uint("tcpflags.rst", 0);
    doc.add_uint("tcpflags.urg", 0);
    doc.add_int("initRTT", 20);
    doc.add_uint("segmentCnt", 1);
    doc.add_uint("packetPos.count", 20);
    add_string_array(doc, "http.host", {"www.example.com"});
    add_string_array(doc, "http.uri", {"www.example.com/index.html?q=flow%20index&page=2"});
    add_string_array(
        doc, "http.useragent",
        {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"});
    add_string_array(doc, "http.method", {"GET"});
    doc.add_raw("http.statuscode", "[200]");
    add_string_array(doc, "http.requestHeader", {"host", "user-agent", "accept", "accept-encoding", "connection"});
    add_string_array(doc, "http.responseHeader", {"date", "server", "content-type", "content-length"});
    add_string_array(doc, "http.bodyMagic", {"text/html"});
}

void BM_DocBuilderSessionRecord(benchmark::State& state) {
    DocBuilder doc;
    std::string out;
    uint64_t i = 0;
    size_t bytes = 0;
    for (auto _ : state) {
        doc.clear();
        out.clear();
        build_session(doc, i++);
        doc.finish(out);
        bytes += out.size();
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
    state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_DocBuilderSessionRecord);

void BM_JsonAppendString(benchmark::State& state, std::string_view s) {
    std::string out;
    for (auto _ : state) {
        out.clear();
        json_append_string(out, s);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * s.size()));
}
BENCHMARK_CAPTURE(BM_JsonAppendString, ascii_uri,
                  std::string_view("www.example.com/static/js/app.3f2a9c.min.js?v=20240101&lang=en-US"));
BENCHMARK_CAPTURE(BM_JsonAppendString, utf8_text,
                  std::string_view("Grüße aus Zürich — 東京 • naïve café résumé, ça va? Ωμέγα"));
BENCHMARK_CAPTURE(BM_JsonAppendString, escapes_and_binary,
                  std::string_view("say \"hi\"\\path\r\n\t\x01\x02\xff\xfe tail"));

}  // namespace
