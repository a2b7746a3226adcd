// Test helper: a job spec from its JSON text, for the JobManager's tests (which do not
// link the gRPC test utilities of the qgradd tests).
//
// Thread-safety: a pure function.
#ifndef QGRAD_SERVER_JOB_SPEC_FOR_TESTING_H_
#define QGRAD_SERVER_JOB_SPEC_FOR_TESTING_H_

#include <string>

#include "gtest/gtest.h"
#include "qgrad/v1/job.pb.h"
#include "runner/json_io.h"

namespace qgrad::server {

// The spec, or an empty one and a test failure when the text does not parse.
inline v1::JobSpec ParseSpecForTest(const std::string& json) {
  absl::StatusOr<v1::JobSpec> spec = runner::ParseJobSpecJson(json);
  EXPECT_TRUE(spec.ok()) << spec.status();
  return spec.ok() ? *spec : v1::JobSpec();
}

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_JOB_SPEC_FOR_TESTING_H_
