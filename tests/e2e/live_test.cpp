// Live capture end to end: `flowdex capture -i lo` as root, traffic the test makes on 127.0.0.1
// (a few UDP datagrams and one TCP connection), SIGINT, and the sessions in the NDJSON output.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "e2e/e2e_util.h"

namespace flowdex::e2e {
namespace live_test {

using Clock = std::chrono::steady_clock;

/// A child process running in the background, its output in files.
class Background {
  public:
    Background(std::vector<std::string> args, const std::string& outPath, const std::string& errPath) {
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            int in = ::open("/dev/null", O_RDONLY);
            int out = ::open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            int err = ::open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (in < 0 || out < 0 || err < 0) ::_exit(126);
            ::dup2(in, 0);
            ::dup2(out, 1);
            ::dup2(err, 2);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
    }
    ~Background() {
        if (running()) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    /// Reaps the child if it has ended; true while it runs.
    bool running() {
        if (done_) return false;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
        done_ = true;
        if (WIFEXITED(status)) exitCode_ = WEXITSTATUS(status);
        if (WIFSIGNALED(status)) signal_ = WTERMSIG(status);
        return false;
    }
    /// Waits up to `limit` for the child to end; false when it is still running.
    bool wait(std::chrono::milliseconds limit) {
        auto until = Clock::now() + limit;
        while (running()) {
            if (Clock::now() > until) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return true;
    }
    void signal(int sig) { ::kill(pid_, sig); }
    int exit_code() const { return exitCode_; }
    int term_signal() const { return signal_; }

  private:
    pid_t pid_ = -1;
    bool done_ = false;
    int exitCode_ = -1;
    int signal_ = 0;
};

/// A socket bound to 127.0.0.1 on a free port.
class Socket {
  public:
    explicit Socket(int type) : fd_(::socket(AF_INET, type | SOCK_CLOEXEC, 0)) {
        if (fd_ < 0) throw std::runtime_error("socket failed");
        sockaddr_in a = loopback(0);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind failed");
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
    }
    explicit Socket(int fd, uint16_t port) : fd_(fd), port_(port) {}
    ~Socket() {
        if (fd_ >= 0) ::close(fd_);
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    int fd() const { return fd_; }
    uint16_t port() const { return port_; }

    static sockaddr_in loopback(uint16_t port) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return a;
    }

  private:
    int fd_;
    uint16_t port_ = 0;
};

TEST(LiveCapture, LoopbackUdpAndTcpUntilSigint) {
    if (::geteuid() != 0) GTEST_SKIP() << "live capture needs root";
    TempDir dir;
    const std::string out = dir.file("live.ndjson");
    Background proc({kBinary, "capture", "-i", "lo", "--no-db", "--json", out, "-q"}, dir.file("stdout"),
                    dir.file("stderr"));

    // The output is written at the end only: give the capture a second to open `lo`.
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if (!proc.running()) {
        std::string err = read_file(dir.file("stderr"));
        if (proc.exit_code() != 0 && err.find("interface lo") != std::string::npos)
            GTEST_SKIP() << "cannot capture on lo: " << err;
        FAIL() << "flowdex ended before the traffic: exit " << proc.exit_code() << "; stderr:\n" << err;
    }

    // UDP: three datagrams from one socket to another.
    Socket udpServer(SOCK_DGRAM), udpClient(SOCK_DGRAM);
    sockaddr_in to = Socket::loopback(udpServer.port());
    for (int i = 0; i < 3; ++i) {
        std::string msg = "flowdex live udp " + std::to_string(i);
        ASSERT_EQ(::sendto(udpClient.fd(), msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
                  static_cast<ssize_t>(msg.size()));
    }
    char buf[256];
    for (int i = 0; i < 3; ++i)
        ASSERT_GT(::recv(udpServer.fd(), buf, sizeof buf, 0), 0);

    // TCP: connect, one request and one reply, close.
    Socket listener(SOCK_STREAM);
    ASSERT_EQ(::listen(listener.fd(), 4), 0);
    Socket client(SOCK_STREAM);
    sockaddr_in srv = Socket::loopback(listener.port());
    ASSERT_EQ(::connect(client.fd(), reinterpret_cast<sockaddr*>(&srv), sizeof srv), 0);
    {
        Socket conn(::accept(listener.fd(), nullptr, nullptr), listener.port());
        ASSERT_GE(conn.fd(), 0);
        ASSERT_EQ(::send(client.fd(), "ping", 4, 0), 4);
        ASSERT_EQ(::recv(conn.fd(), buf, 4, MSG_WAITALL), 4);
        ASSERT_EQ(::send(conn.fd(), "pong", 4, 0), 4);
        ASSERT_EQ(::recv(client.fd(), buf, 4, MSG_WAITALL), 4);
    }
    ::shutdown(client.fd(), SHUT_RDWR);

    // Let the kernel hand the last packets to the capture, then stop it.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ASSERT_TRUE(proc.running()) << "flowdex ended early: exit " << proc.exit_code() << "; stderr:\n"
                                << read_file(dir.file("stderr"));
    auto sigint = Clock::now();
    proc.signal(SIGINT);
    bool ended = proc.wait(std::chrono::seconds(10));
    double secs = std::chrono::duration<double>(Clock::now() - sigint).count();
    ASSERT_TRUE(ended) << "flowdex still running 10 s after SIGINT (killed); stderr:\n"
                       << read_file(dir.file("stderr"));
    EXPECT_LT(secs, 10.0);
    std::string err = read_file(dir.file("stderr"));
    ASSERT_EQ(proc.exit_code(), 0) << "signal " << proc.term_signal() << "; stderr:\n" << err;

    bool udp = false, tcp = false;
    std::string text = read_file(out);
    for (const std::string& line : split_lines(text)) {
        auto j = nlohmann::json::parse(line);
        if (j["source"]["ip"] != "127.0.0.1" || j["destination"]["ip"] != "127.0.0.1") continue;
        int sport = j["source"]["port"].get<int>(), dport = j["destination"]["port"].get<int>();
        if (j["ipProtocol"] == 17 && sport == udpClient.port() && dport == udpServer.port()) {
            udp = true;
            EXPECT_EQ(j["network"]["packets"], 3) << line;
            EXPECT_EQ(j["source"]["packets"], 3) << line;
        }
        if (j["ipProtocol"] == 6 && sport == client.port() && dport == listener.port()) {
            tcp = true;
            EXPECT_GE(j["network"]["packets"].get<int>(), 6) << line;  // handshake, data both ways, close
            EXPECT_GE(j["source"]["packets"].get<int>(), 3) << line;
            EXPECT_GE(j["destination"]["packets"].get<int>(), 3) << line;
        }
    }
    EXPECT_TRUE(udp) << "no UDP session 127.0.0.1:" << udpClient.port() << " -> 127.0.0.1:" << udpServer.port()
                     << " in:\n"
                     << text;
    EXPECT_TRUE(tcp) << "no TCP session to 127.0.0.1:" << listener.port() << " in:\n" << text;
}

}  // namespace live_test
}  // namespace flowdex::e2e
