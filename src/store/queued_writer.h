#pragma once
/// Moves storage work to a thread of its own so packet threads never wait on the store.
///
/// Calls are queued in order and replayed on the inner writer from one worker thread:
/// - write() is thread-safe (several packet threads may call it at once). Records are appended
///   to the batch at the tail of the queue; the worker takes the whole queue under one lock.
///   When `maxQueuedRecords` records wait, write() blocks until the worker takes them
///   (back-pressure instead of unbounded memory).
/// - begin_file, define_fields and flush wait until the worker has done them (begin_file needs
///   the inner writer's FileSeen; flush needs the data durable). end_file does not wait.
/// - An exception thrown by the inner writer is kept; from then on the worker discards queued
///   work and every later call (write, begin_file, end_file, flush, define_fields) rethrows it.
/// - The destructor finishes the queued work, joins the thread and then destroys the inner
///   writer (which commits); it reports nothing, so call flush() first to see failures.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/writer.h"

namespace flowdex::store {

class QueuedWriter final : public Writer {
  public:
    struct Options {
        size_t maxQueuedRecords = 16384;  ///< write() blocks beyond this
    };

    explicit QueuedWriter(std::unique_ptr<Writer> inner) : QueuedWriter(std::move(inner), Options()) {}
    QueuedWriter(std::unique_ptr<Writer> inner, Options options);
    ~QueuedWriter() override;
    QueuedWriter(const QueuedWriter&) = delete;
    QueuedWriter& operator=(const QueuedWriter&) = delete;

    /// Waits; the registry must stay alive until this returns.
    void define_fields(const fields::FieldRegistry& registry) override;
    /// Waits for the inner writer's answer (which may set file.id).
    FileSeen begin_file(InputFile& file) override;
    /// Thread-safe; blocks while the queue is full.
    void write(SessionRecord&& record) override;
    /// Several records under one lock (thread-safe; may exceed the bound by one batch).
    void write_batch(std::vector<SessionRecord>&& records) override;
    /// Queued with a copy of `file`; does not wait.
    void end_file(const InputFile& file) override;
    /// Waits until everything queued before it is written and the inner writer has flushed.
    void flush() override;

  private:
    struct Sync {
        bool done = false;
        FileSeen seen = FileSeen::New;
    };
    struct Op {
        enum class Kind : uint8_t { Records, Fields, Begin, End, Flush } kind = Kind::Records;
        std::vector<SessionRecord> records;
        InputFile file;                                   ///< End
        InputFile* target = nullptr;                      ///< Begin (the caller waits)
        const fields::FieldRegistry* registry = nullptr;  ///< Fields (the caller waits)
        Sync* sync = nullptr;
    };

    void run();
    void apply(Op& op);
    /// Queues a call the caller waits for; rethrows a worker failure.
    FileSeen call_sync(Op&& op);
    void rethrow_locked();

    std::unique_ptr<Writer> inner_;
    Options options_;
    std::mutex mu_;
    std::condition_variable workCv_, spaceCv_, doneCv_;
    std::deque<Op> ops_;
    size_t queued_ = 0;  ///< records in ops_
    bool stop_ = false;
    std::exception_ptr error_;
    std::thread worker_;  ///< last: starts after everything above exists
};

}  // namespace flowdex::store
