// Checkpointer: signs the log's checkpoints (docs/event-format.md, "Checkpoints") — while the log
// grows, at most once per interval (one second by default), and on demand. Each is the C2SP
// checkpoint of the tree at the head, signed with the log's Ed25519 key as a C2SP signed note,
// checked against the previous one by a consistency proof before it is signed, and stored by
// the log (EventLog::StoreCheckpoint) as the latest; the first of each hour (UTC), and the first a
// checkpointer signs (so the one after a key change), also join the series, kept forever.
//
// Thread-safety: SignNow() may be called from any thread; one signs at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "ledger/base/clock.h"
#include "ledger/base/signed_note.h"
#include "ledger/log/event_log.h"

namespace ledger {

class Checkpointer {
 public:
  // `log` and `clock` are not owned and must outlive the checkpointer. The checkpoints' origin
  // is the signer's key name.
  Checkpointer(EventLog* log, note::NoteSigner signer, Clock* clock,
               std::chrono::milliseconds interval = std::chrono::seconds(1));
  ~Checkpointer();  // Stop()
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Signs in the background from now on: whenever the head has grown past the latest
  // checkpoint, at most once per interval. Problems go to stderr and are retried.
  void Start();
  void Stop();

  // Signs the head now, unless the latest checkpoint already states it (then returns that one).
  Result<StoredCheckpoint> SignNow();

  // During a key rotation (docs/operations.md, "Rotating the key"): `previous`, the key being
  // replaced, signs every checkpoint too, after the new key, so that readers who trust only the
  // old key still verify them. Call before Start(). InvalidArgument when its name (the origin)
  // differs.
  Status CosignWith(note::NoteSigner previous);

  const note::NoteSigner& signer() const { return signer_; }

 private:
  void Loop();

  EventLog* const log_;
  const note::NoteSigner signer_;
  std::optional<note::NoteSigner> previous_;  // co-signs during a rotation
  Clock* const clock_;
  const std::chrono::milliseconds interval_;
  std::mutex sign_mu_;  // one signature at a time
  // The hour of the series' last checkpoint (read once; guarded by sign_mu_).
  std::optional<std::chrono::sys_time<std::chrono::hours>> series_hour_;
  bool series_read_ = false;
  bool signed_any_ = false;  // the first checkpoint it signs joins the series

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ledger
