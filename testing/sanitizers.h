// Whether this test binary was built with AddressSanitizer, and how much more time its
// tests give work whose speed they bound or wait for: the sanitizer build runs the same
// code several times slower, and its suite runs on loaded CI machines.
//
// Thread-safety: constants only.
#ifndef QGRAD_TESTING_SANITIZERS_H_
#define QGRAD_TESTING_SANITIZERS_H_

namespace qgrad::testing {

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define QGRAD_TESTING_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define QGRAD_TESTING_UNDER_ASAN 1
#endif

#ifdef QGRAD_TESTING_UNDER_ASAN
inline constexpr bool kUnderSanitizer = true;
#else
inline constexpr bool kUnderSanitizer = false;
#endif

// The factor for time bounds on work the sanitizers slow down.
inline constexpr int kSanitizerSlowdown = kUnderSanitizer ? 3 : 1;

}  // namespace qgrad::testing

#endif  // QGRAD_TESTING_SANITIZERS_H_
