// wijkwachtd: the wijkwacht gRPC server. Flags are documented in deploy/README.md and by
// `wijkwachtd --help`.
#include <csignal>
#include <cstdio>
#include <pthread.h>
#include <string>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "cmd/wijkwachtd/flags.h"
#include "domain/lexicon/event_lexicon.h"
#include "services/server.h"

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("wijkwacht gRPC server: incident reports for the safety map");
  absl::ParseCommandLine(argc, argv);

  // Block the stop signals in every thread; a dedicated wait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  absl::StatusOr<wijkwacht::services::ServerOptions> parsed =
      wijkwacht::wijkwachtd::ServerOptionsFromFlags();
  if (!parsed.ok()) {
    std::fprintf(stderr, "wijkwachtd: --%s\n", std::string(parsed.status().message()).c_str());
    return 2;
  }
  const wijkwacht::services::ServerOptions& options = *parsed;
  if (absl::Status s = wijkwacht::lexicon::InstallLexicon(options.event_lexicon_path); !s.ok()) {
    std::fprintf(stderr, "wijkwachtd: --event_lexicon: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  // Start validates the options first (services::ValidateServerOptions); errors name the flag.
  auto server = wijkwacht::services::WijkwachtServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "wijkwachtd: cannot start: %s: %s\n",
                 absl::StatusCodeToString(server.status().code()).c_str(),
                 std::string(server.status().message()).c_str());
    return 1;
  }
  std::fprintf(stderr, "wijkwachtd: serving on port %d (data: %s)\n", (*server)->port(),
               options.data_dir.c_str());
  if ((*server)->http_port() != 0) {
    std::fprintf(stderr, "wijkwachtd: map page and /healthz on http port %d\n",
                 (*server)->http_port());
  }
  if ((*server)->ops_http_port() != 0) {
    std::fprintf(stderr, "wijkwachtd: /healthz and /metrics on ops http port %d\n",
                 (*server)->ops_http_port());
  }
  if (!(*server)->tls()) {
    std::fprintf(stderr,
                 "wijkwachtd: WARNING: ****************************************************\n"
                 "wijkwachtd: WARNING: PLAINTEXT gRPC (no TLS): tokens and reports travel\n"
                 "wijkwachtd: WARNING: unencrypted. Bind to localhost only, or pass\n"
                 "wijkwachtd: WARNING: --tls_cert and --tls_key.\n"
                 "wijkwachtd: WARNING: ****************************************************\n");
  }
  if (!options.auth_enabled) {
    std::fprintf(stderr,
                 "wijkwachtd: WARNING: AUTHENTICATION IS OFF (--auth=false): every caller is "
                 "trusted with every RPC\n");
  }
  std::fflush(stderr);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::fprintf(stderr, "wijkwachtd: signal %d, draining in-flight calls\n", signal_number);
  (*server)->Shutdown(options.shutdown_grace);
  std::fprintf(stderr, "wijkwachtd: stopped\n");
  return 0;
}
