// wijkwachtd: the wijkwacht gRPC server. Flags are documented in deploy/README.md and by
// `wijkwachtd --help`.
#include <csignal>
#include <cstdio>
#include <pthread.h>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_split.h"
#include "services/server.h"

ABSL_FLAG(std::string, listen, "localhost:50051", "gRPC listen address, host:port (port 0 = any)");
ABSL_FLAG(std::string, data_dir, "wijkwacht-data", "RocksDB data folder (created if missing)");
ABSL_FLAG(std::string, areas, WIJKWACHT_DEFAULT_DATA "/areas",
          "CBS wijk- en buurtkaart GeoJSON: files or folders, comma-separated");
ABSL_FLAG(std::string, focus_areas, WIJKWACHT_DEFAULT_DATA "/areas/focus_areas.geojson",
          "GeoJSON of the focus areas (empty = none)");
ABSL_FLAG(std::string, categories, WIJKWACHT_DEFAULT_DATA "/categories",
          "folder with the category tables");
ABSL_FLAG(absl::Duration, max_report_age, absl::Hours(24 * 30),
          "oldest observed_time accepted, e.g. 720h");
ABSL_FLAG(int, max_message_bytes, 4 << 20, "largest request message accepted");
ABSL_FLAG(absl::Duration, keepalive_min_time, absl::Seconds(10),
          "clients pinging more often than this are disconnected");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(5),
          "on SIGTERM/SIGINT, time in-flight calls get to finish");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("wijkwacht gRPC server: incident reports for the safety map");
  absl::ParseCommandLine(argc, argv);

  // Block the stop signals in every thread; a dedicated wait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  wijkwacht::services::ServerOptions options =
      wijkwacht::services::DefaultServerOptions(WIJKWACHT_DEFAULT_DATA);
  options.listen = absl::GetFlag(FLAGS_listen);
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.area_paths = absl::StrSplit(absl::GetFlag(FLAGS_areas), ',', absl::SkipEmpty());
  options.focus_areas_path = absl::GetFlag(FLAGS_focus_areas);
  options.categories_dir = absl::GetFlag(FLAGS_categories);
  options.limits.max_age = absl::GetFlag(FLAGS_max_report_age);
  options.max_receive_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.keepalive_min_time = absl::GetFlag(FLAGS_keepalive_min_time);

  auto server = wijkwacht::services::WijkwachtServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "wijkwachtd: cannot start: %s\n", server.status().ToString().c_str());
    return 1;
  }
  std::fprintf(stderr,
               "wijkwachtd: serving on port %d (data: %s)\n"
               "wijkwachtd: WARNING: PLAINTEXT gRPC, no TLS and no authentication; bind it to "
               "localhost only\n",
               (*server)->port(), options.data_dir.c_str());
  std::fflush(stderr);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::fprintf(stderr, "wijkwachtd: signal %d, draining in-flight calls\n", signal_number);
  (*server)->Shutdown(absl::GetFlag(FLAGS_shutdown_grace));
  std::fprintf(stderr, "wijkwachtd: stopped\n");
  return 0;
}
