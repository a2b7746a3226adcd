// StateVector: allocation (with the memory check that runs before allocating), copies,
// basis states, norms. Thread-safety: a StateVector is not synchronized.
#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/str_format.h"
#include "backends/statevector/parallel.h"
#include "backends/statevector/statevector.h"
#include "base/memory.h"

namespace qgrad::sv {
namespace {

constexpr size_t kAlignment = 64;
constexpr size_t kHugePage = size_t{2} << 20;
// States from this size on are 2 MiB aligned with huge pages, and checked against the
// available memory first. Smaller ones (≤ 20 qubits) are allocated thousands of times per
// second by the synthesis' gradient evaluations: reading /proc and madvise() for each cost
// more than the evaluation at 16 qubits, and they fit in the heap's free lists.
constexpr size_t kLargeState = size_t{32} << 20;

// 64-byte aligned; large states are 2 MiB aligned and asked to use transparent huge pages
// (the cache-blocked passes gather short runs spread over the whole state, and 4 KiB pages
// would cost a TLB miss per run). Before first touch, so the page faults take huge pages.
Amplitude* AllocateAmplitudes(size_t bytes) {
  const size_t align = bytes >= kLargeState ? kHugePage : kAlignment;
  const size_t rounded = (std::max(bytes, align) + align - 1) / align * align;
  void* raw = std::aligned_alloc(align, rounded);
  if (raw != nullptr && align == kHugePage) madvise(raw, rounded, MADV_HUGEPAGE);
  return static_cast<Amplitude*>(raw);
}

std::string GiB(double bytes) {
  return absl::StrFormat("%.1f GiB", bytes / double(uint64_t{1} << 30));
}

}  // namespace

void StateVector::FreeDeleter::operator()(Amplitude* p) const { std::free(p); }

size_t StateVector::BytesFor(int num_qubits) {
  return sizeof(Amplitude) << num_qubits;
}

absl::StatusOr<StateVector> StateVector::Create(int num_qubits) {
  absl::StatusOr<StateVector> state = CreateForOverwrite(num_qubits);
  if (state.ok()) state->SetBasisState(0);
  return state;
}

absl::StatusOr<StateVector> StateVector::CreateForOverwrite(int num_qubits) {
  if (num_qubits < 0 || num_qubits > kMaxQubits) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "qubit count %d is outside [0, %d]", num_qubits, kMaxQubits));
  }
  const uint64_t need = BytesFor(num_qubits);
  const uint64_t available = need < kLargeState ? need : base::AvailableMemoryBytes();
  if (need > available) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "%d qubits need %s of state vector; %s available", num_qubits, GiB(double(need)),
        GiB(double(available))));
  }
  Amplitude* raw = AllocateAmplitudes(need);
  if (raw == nullptr) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "allocating %s for %d qubits failed", GiB(double(need)), num_qubits));
  }
  StateVector state;
  state.num_qubits_ = num_qubits;
  state.data_.reset(raw);
  return state;
}

StateVector StateVector::Copy() const {
  StateVector copy;
  copy.num_qubits_ = num_qubits_;
  if (data_ != nullptr) {
    copy.data_.reset(AllocateAmplitudes(BytesFor(num_qubits_)));
    copy.CopyFrom(*this);
  }
  return copy;
}

void StateVector::CopyFrom(const StateVector& other) {
  const Amplitude* src = other.data();
  Amplitude* dst = data();
  ParallelFor(size(), ThreadsFor(num_qubits_), [&](uint64_t begin, uint64_t end) {
    std::memcpy(dst + begin, src + begin, (end - begin) * sizeof(Amplitude));
  });
}

void StateVector::SetBasisState(uint64_t index) {
  Amplitude* dst = data();
  ParallelFor(size(), ThreadsFor(num_qubits_), [&](uint64_t begin, uint64_t end) {
    std::memset(static_cast<void*>(dst + begin), 0, (end - begin) * sizeof(Amplitude));
  });
  dst[index] = 1.0;
}

absl::Status StateVector::SetAmplitudes(absl::Span<const Amplitude> amplitudes,
                                        bool normalize) {
  if (amplitudes.size() != size()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%d amplitudes given for a state of %d qubits (%d amplitudes)", amplitudes.size(),
        num_qubits_, size()));
  }
  double norm2 = 0.0;
  for (const Amplitude& a : amplitudes) norm2 += std::norm(a);
  if (!(norm2 > 0.0)) return absl::InvalidArgumentError("the amplitude vector is zero");
  const double factor = normalize ? 1.0 / std::sqrt(norm2) : 1.0;
  for (size_t i = 0; i < size(); ++i) data_[i] = amplitudes[i] * factor;
  return absl::OkStatus();
}

double StateVector::NormSquared() const {
  const Amplitude* src = data();
  return ParallelSum(size(), ThreadsFor(num_qubits_), [&](uint64_t begin, uint64_t end) {
    double s = 0.0;
    for (uint64_t i = begin; i < end; ++i) s += std::norm(src[i]);
    return s;
  });
}

void StateVector::Scale(Amplitude factor) {
  Amplitude* dst = data();
  ParallelFor(size(), ThreadsFor(num_qubits_), [&](uint64_t begin, uint64_t end) {
    for (uint64_t i = begin; i < end; ++i) dst[i] *= factor;
  });
}

}  // namespace qgrad::sv
