// qgrad-device-emulator: serves the three REST dialects (IonQ, Amazon Braket, IBM Qiskit
// Runtime) on one address and runs the programs on the simulator with noise and injected
// faults; see README.md. Flags: --listen=HOST:PORT (port 0: any free port),
// --port_file=PATH (the bound port is written there), --config=FILE (JSON options),
// --tls_cert=PEM --tls_key=PEM, --help. SIGTERM or SIGINT stops it cleanly.
//
// Thread-safety: the signals are blocked in every thread and taken with sigwait here.
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "backends/emulator/emulator.h"
#include "base/file.h"

namespace {

using qgrad::backends::emulator::Emulator;
using qgrad::backends::emulator::EmulatorOptions;

constexpr char kUsage[] =
    "usage: qgrad-device-emulator [flags]\n"
    "  --listen=HOST:PORT   address (default 127.0.0.1:0; port 0 = any free port)\n"
    "  --port_file=PATH     write the bound port (a decimal number and a newline) there\n"
    "  --config=FILE        JSON options: credentials, limits, timing, noise, faults, seed\n"
    "                       (backends/emulator/README.md)\n"
    "  --tls_cert=PEM       certificate chain (with --tls_key: HTTPS)\n"
    "  --tls_key=PEM        private key\n"
    "  --help               this text\n";

int Usage(const std::string& error) {
  absl::FPrintF(stderr, "qgrad-device-emulator: %s\n%s", error, kUsage);
  return 2;
}

bool SplitHostPort(const std::string& s, std::string& host, int& port) {
  const size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = s.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return absl::SimpleAtoi(s.substr(colon + 1), &port) && port >= 0 && port <= 65535;
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen, port_file, config, tls_cert, tls_key;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    const size_t eq = arg.find('=');
    if (!absl::StartsWith(arg, "--") || eq == std::string::npos) {
      return Usage(absl::StrCat("unknown argument '", arg, "' (flags are --name=value)"));
    }
    const std::string name = arg.substr(2, eq - 2), value = arg.substr(eq + 1);
    if (name == "listen") listen = value;
    else if (name == "port_file") port_file = value;
    else if (name == "config") config = value;
    else if (name == "tls_cert") tls_cert = value;
    else if (name == "tls_key") tls_key = value;
    else return Usage(absl::StrCat("unknown flag --", name));
  }
  EmulatorOptions options;
  if (!config.empty()) {
    absl::StatusOr<std::string> text = qgrad::base::ReadFile(config, 16 << 20);
    if (!text.ok()) return Usage(std::string(text.status().message()));
    absl::StatusOr<EmulatorOptions> parsed =
        qgrad::backends::emulator::ParseOptionsJson(*text);
    if (!parsed.ok()) return Usage(absl::StrCat(config, ": ", parsed.status().message()));
    options = *std::move(parsed);
  }
  // Flags override the config file.
  if (!listen.empty() && !SplitHostPort(listen, options.host, options.port)) {
    return Usage("--listen must be HOST:PORT with a port in [0, 65535]");
  }
  if (!tls_cert.empty()) options.tls_cert = tls_cert;
  if (!tls_key.empty()) options.tls_key = tls_key;
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return Usage("--tls_cert and --tls_key go together");
  }

  // Blocked before any thread exists, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  absl::StatusOr<std::unique_ptr<Emulator>> emulator = Emulator::Start(options);
  if (!emulator.ok()) {
    absl::FPrintF(stderr, "qgrad-device-emulator: %s\n", emulator.status().ToString());
    return 1;
  }
  if (!port_file.empty()) {
    // Written to a temporary name and renamed, so a reader never sees a partial number.
    const std::string tmp = port_file + ".tmp";
    std::ofstream(tmp) << (*emulator)->port() << "\n";
    if (std::rename(tmp.c_str(), port_file.c_str()) != 0) {
      absl::FPrintF(stderr, "qgrad-device-emulator: cannot write %s\n", port_file);
      return 1;
    }
  }
  absl::FPrintF(stderr, "qgrad-device-emulator: serving on %s\n", (*emulator)->base_url());
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  absl::FPrintF(stderr, "qgrad-device-emulator: %s, stopping\n",
                signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  (*emulator)->Stop();
  emulator->reset();
  return 0;
}
