// EventHub; see events.h.
//
// Thread-safety: mu_ guards the subscription maps; callbacks run outside it.
#include "server/events.h"

#include <utility>
#include <vector>

namespace qgrad::server {
namespace {

void WakeAll(const std::vector<std::shared_ptr<EventListener>>& listeners) {
  for (const std::shared_ptr<EventListener>& listener : listeners) listener->OnEvents();
}

}  // namespace

uint64_t EventHub::Subscribe(const std::string& job_id, std::weak_ptr<EventListener> listener) {
  std::shared_ptr<EventListener> wake_now;
  uint64_t id = 0;
  {
    absl::MutexLock lock(&mu_);
    id = next_id_++;
    if (closed_) {
      wake_now = listener.lock();
    } else {
      subscriptions_.emplace(id, Subscription{job_id, std::move(listener)});
      by_job_.emplace(job_id, id);
    }
  }
  if (wake_now) wake_now->OnEvents();
  return id;
}

void EventHub::Unsubscribe(uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = subscriptions_.find(id);
  if (it == subscriptions_.end()) return;
  auto [begin, end] = by_job_.equal_range(it->second.job_id);
  for (auto j = begin; j != end; ++j) {
    if (j->second == id) {
      by_job_.erase(j);
      break;
    }
  }
  subscriptions_.erase(it);
}

std::vector<std::shared_ptr<EventListener>> EventHub::ListenersOf(
    const std::string& job_id) const {
  std::vector<std::shared_ptr<EventListener>> listeners;
  absl::MutexLock lock(&mu_);
  auto [begin, end] = by_job_.equal_range(job_id);
  for (auto it = begin; it != end; ++it) {
    if (auto listener = subscriptions_.at(it->second).listener.lock()) {
      listeners.push_back(std::move(listener));
    }
  }
  return listeners;
}

void EventHub::Notify(const std::string& job_id) { WakeAll(ListenersOf(job_id)); }

void EventHub::Trouble(const std::string& job_id, const absl::Status& status) {
  for (const std::shared_ptr<EventListener>& listener : ListenersOf(job_id)) {
    listener->OnTrouble(status);
  }
}

std::vector<std::shared_ptr<EventListener>> EventHub::AllListeners() const {
  std::vector<std::shared_ptr<EventListener>> listeners;
  absl::MutexLock lock(&mu_);
  for (const auto& [id, subscription] : subscriptions_) {
    if (auto listener = subscription.listener.lock()) listeners.push_back(std::move(listener));
  }
  return listeners;
}

void EventHub::NotifyAll() { WakeAll(AllListeners()); }

void EventHub::Close() {
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }
  WakeAll(AllListeners());
}

bool EventHub::closed() const {
  absl::MutexLock lock(&mu_);
  return closed_;
}

int EventHub::num_listeners() const {
  absl::MutexLock lock(&mu_);
  return int(subscriptions_.size());
}

}  // namespace qgrad::server
