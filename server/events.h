// EventHub: wakes live WatchJob streams when a job's event log grows. The store is the
// source of truth; the hub carries no events, only "look again" signals, so a missed or
// spurious signal costs at most one extra store read and never loses an event. It also
// tells them when a job is held up because the store cannot write (Trouble); that is not
// stored anywhere: only the watchers of that moment hear it.
//
// Listeners are held weakly: a listener that is gone is skipped and forgotten. Callbacks
// run on the notifying thread without any hub lock held, so they may call back into gRPC
// (which can run reactions inline) and may even unsubscribe.
//
// Thread-safety: all methods may be called concurrently.
#ifndef QGRAD_SERVER_EVENTS_H_
#define QGRAD_SERVER_EVENTS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace qgrad::server {

class EventListener {
 public:
  virtual ~EventListener() = default;
  // The job's log may have grown, or the hub is shutting down (EventHub::closed()).
  virtual void OnEvents() = 0;
  // The job is held up: its store writes fail (`status` says why and what happens next).
  virtual void OnTrouble(const absl::Status& status) = 0;
};

class EventHub {
 public:
  // Returns an id for Unsubscribe. After Close(), the listener is called once at once.
  uint64_t Subscribe(const std::string& job_id, std::weak_ptr<EventListener> listener);
  void Unsubscribe(uint64_t id);
  // Wakes every listener of the job.
  void Notify(const std::string& job_id);
  // Wakes every listener (the store may have changed in ways no one was told of).
  void NotifyAll();
  // Tells every listener of the job that it is held up.
  void Trouble(const std::string& job_id, const absl::Status& status);
  // Shutdown: wakes every listener; closed() is true from now on.
  void Close();
  bool closed() const;
  int num_listeners() const;

 private:
  std::vector<std::shared_ptr<EventListener>> ListenersOf(const std::string& job_id) const;
  std::vector<std::shared_ptr<EventListener>> AllListeners() const;

  struct Subscription {
    std::string job_id;
    std::weak_ptr<EventListener> listener;
  };

  mutable absl::Mutex mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::map<uint64_t, Subscription> subscriptions_ ABSL_GUARDED_BY(mu_);
  std::multimap<std::string, uint64_t> by_job_ ABSL_GUARDED_BY(mu_);
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_EVENTS_H_
