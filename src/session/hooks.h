#pragma once
/// Save hooks, run at every save of a session in this order:
/// the session's parsers' save functions → pre-save hooks → (the final save waits here while the
/// session's hold count is above zero) → save hooks → the record is written.
/// `final` is false for the intermediate saves of a long session that is split.
#include <vector>

namespace flowdex::session {

struct Session;

using SaveHookFn = void (*)(void* ctx, Session& s, bool final);
/// Called when a session is freed (after its last save), e.g. to release per-session plugin state.
using FreeHookFn = void (*)(void* ctx, Session& s);

class HookRegistry {
  public:
    struct Entry {
        SaveHookFn fn;
        void* ctx;
    };
    struct FreeEntry {
        FreeHookFn fn;
        void* ctx;
    };
    void add_pre_save(SaveHookFn fn, void* ctx) { preSave_.push_back({fn, ctx}); }
    void add_save(SaveHookFn fn, void* ctx) { save_.push_back({fn, ctx}); }
    void add_free(FreeHookFn fn, void* ctx) { free_.push_back({fn, ctx}); }
    const std::vector<Entry>& pre_save() const { return preSave_; }
    const std::vector<Entry>& save() const { return save_; }
    const std::vector<FreeEntry>& on_free() const { return free_; }

  private:
    std::vector<Entry> preSave_;
    std::vector<Entry> save_;
    std::vector<FreeEntry> free_;
};

}  // namespace flowdex::session
