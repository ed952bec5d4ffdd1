#include "store/queued_writer.h"

namespace flowdex::store {

QueuedWriter::QueuedWriter(std::unique_ptr<Writer> inner, Options options)
    : inner_(std::move(inner)), options_(options) {
    if (options_.maxQueuedRecords == 0) options_.maxQueuedRecords = 1;
    worker_ = std::thread([this] { run(); });
}

QueuedWriter::~QueuedWriter() {
    {
        std::lock_guard lk(mu_);
        stop_ = true;
    }
    workCv_.notify_all();
    worker_.join();
}

void QueuedWriter::rethrow_locked() {
    if (error_) std::rethrow_exception(error_);
}

void QueuedWriter::write(SessionRecord&& record) {
    bool wake;
    {
        std::unique_lock lk(mu_);
        spaceCv_.wait(lk, [&] { return queued_ < options_.maxQueuedRecords || error_; });
        rethrow_locked();
        wake = ops_.empty();  // the worker only sleeps on an empty queue
        if (ops_.empty() || ops_.back().kind != Op::Kind::Records) ops_.emplace_back();
        ops_.back().records.push_back(std::move(record));
        ++queued_;
    }
    if (wake) workCv_.notify_one();
}

void QueuedWriter::write_batch(std::vector<SessionRecord>&& records) {
    if (records.empty()) return;
    bool wake;
    {
        std::unique_lock lk(mu_);
        spaceCv_.wait(lk, [&] { return queued_ < options_.maxQueuedRecords || error_; });
        rethrow_locked();
        wake = ops_.empty();
        queued_ += records.size();
        if (ops_.empty() || ops_.back().kind != Op::Kind::Records) {
            ops_.emplace_back().records = std::move(records);
        } else {
            auto& dst = ops_.back().records;
            dst.insert(dst.end(), std::make_move_iterator(records.begin()), std::make_move_iterator(records.end()));
        }
    }
    records.clear();
    if (wake) workCv_.notify_one();
}

void QueuedWriter::end_file(const InputFile& file) {
    {
        std::lock_guard lk(mu_);
        rethrow_locked();
        ops_.emplace_back();
        ops_.back().kind = Op::Kind::End;
        ops_.back().file = file;
    }
    workCv_.notify_one();
}

FileSeen QueuedWriter::call_sync(Op&& op) {
    Sync sync;
    op.sync = &sync;
    std::unique_lock lk(mu_);
    rethrow_locked();
    ops_.push_back(std::move(op));
    workCv_.notify_one();
    doneCv_.wait(lk, [&] { return sync.done; });
    rethrow_locked();
    return sync.seen;
}

void QueuedWriter::define_fields(const fields::FieldRegistry& registry) {
    Op op;
    op.kind = Op::Kind::Fields;
    op.registry = &registry;
    call_sync(std::move(op));
}

FileSeen QueuedWriter::begin_file(InputFile& file) {
    Op op;
    op.kind = Op::Kind::Begin;
    op.target = &file;
    return call_sync(std::move(op));
}

void QueuedWriter::flush() {
    Op op;
    op.kind = Op::Kind::Flush;
    call_sync(std::move(op));
}

void QueuedWriter::apply(Op& op) {
    switch (op.kind) {
        case Op::Kind::Records:
            for (auto& r : op.records)
                inner_->write(std::move(r));
            break;
        case Op::Kind::Fields:
            inner_->define_fields(*op.registry);
            break;
        case Op::Kind::Begin:
            op.sync->seen = inner_->begin_file(*op.target);
            break;
        case Op::Kind::End:
            inner_->end_file(op.file);
            break;
        case Op::Kind::Flush:
            inner_->flush();
            break;
    }
}

void QueuedWriter::run() {
    bool failed = false;
    std::deque<Op> batch;
    for (;;) {
        {
            std::unique_lock lk(mu_);
            workCv_.wait(lk, [&] { return !ops_.empty() || stop_; });
            if (ops_.empty()) return;
            batch.swap(ops_);
            queued_ = 0;
        }
        spaceCv_.notify_all();
        for (auto& op : batch) {
            if (!failed) {
                try {
                    apply(op);
                } catch (...) {
                    failed = true;
                    std::lock_guard lk(mu_);
                    error_ = std::current_exception();
                }
                if (failed) spaceCv_.notify_all();
            }
            if (op.sync) {
                {
                    std::lock_guard lk(mu_);
                    op.sync->done = true;
                }
                doneCv_.notify_all();
            }
        }
        batch.clear();
    }
}

}  // namespace flowdex::store
