// The server's options as an operator meets them: every flag of wijkwachtd is documented in
// deploy/README.md with its real default (the flag's, which is ServerOptions'), and every
// invalid setting stops the real binary at start with a message naming the flag, before the
// data dir is touched.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "cmd/wijkwachtd/flags.h"
#include "gtest/gtest.h"
#include "services/server.h"
#include "storage/test_util.h"
#include "tests/server_process.h"

namespace wijkwacht::testing {
namespace {

// `--flag` -> the default column of deploy/README.md's flags table.
std::map<std::string, std::string> DocumentedDefaults() {
  std::ifstream in(WIJKWACHT_SOURCE_DIR "/deploy/README.md");
  std::map<std::string, std::string> out;
  const std::regex row(R"(^\| `--([a-z0-9_]+)` \| (.*?) \| )");
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, row)) out[m[1]] = m[2];
  }
  return out;
}

// A default cell as the value it documents: "empty ..." is "", otherwise the first
// `quoted` value, with <source> and <build> the trees the binary was built from and in.
std::string DocumentedValue(absl::string_view cell) {
  if (absl::StartsWith(cell, "empty")) return "";
  const size_t open = cell.find('`');
  const size_t close = open == absl::string_view::npos ? open : cell.find('`', open + 1);
  if (close == absl::string_view::npos) return absl::StrCat("<no `value` in \"", cell, "\">");
  return absl::StrReplaceAll(cell.substr(open + 1, close - open - 1),
                             {{"<source>", WIJKWACHT_SOURCE_DIR}, {"<build>", WIJKWACHT_BINARY_DIR}});
}

// The flags cmd/wijkwachtd/flags.cc defines, by name.
std::map<std::string, const absl::CommandLineFlag*> DaemonFlags() {
  (void)wijkwachtd::Defaults();  // links the flags in
  std::map<std::string, const absl::CommandLineFlag*> out;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (absl::StrContains(flag->Filename(), "cmd/wijkwachtd/")) out[std::string(name)] = flag;
  }
  return out;
}

TEST(ServerOptionsTest, TheReadmeDocumentsEveryFlagWithItsRealDefault) {
  const std::map<std::string, std::string> documented = DocumentedDefaults();
  const std::map<std::string, const absl::CommandLineFlag*> flags = DaemonFlags();
  ASSERT_GT(flags.size(), 80u);
  for (const auto& [name, flag] : flags) {
    auto it = documented.find(name);
    if (it == documented.end()) {
      ADD_FAILURE() << "--" << name << " is not in deploy/README.md's flags table";
      continue;
    }
    EXPECT_EQ(DocumentedValue(it->second), flag->DefaultValue())
        << "--" << name << ": deploy/README.md says " << it->second;
  }
  for (const auto& [name, cell] : documented) {
    EXPECT_TRUE(flags.count(name)) << "deploy/README.md documents --" << name
                                   << ", which wijkwachtd does not have";
  }
}

TEST(ServerOptionsTest, TheDefaultsAreValid) {
  EXPECT_TRUE(services::ValidateServerOptions(wijkwachtd::Defaults()).ok())
      << services::ValidateServerOptions(wijkwachtd::Defaults());
  EXPECT_TRUE(services::ValidateServerOptions(services::DefaultServerOptions(WIJKWACHT_DATA_DIR)).ok());
  absl::StatusOr<services::ServerOptions> from_flags = wijkwachtd::ServerOptionsFromFlags();
  ASSERT_TRUE(from_flags.ok()) << from_flags.status();
  EXPECT_TRUE(services::ValidateServerOptions(*from_flags).ok());
}

// Each invalid setting: wijkwachtd refuses to start, names the flag, and has not created its
// data dir.
TEST(ServerOptionsTest, EveryInvalidOptionIsRefusedNamingTheFlag) {
  TempDir dir;
  const struct {
    std::vector<std::string> flags;
    const char* named;
  } cases[] = {
      {{"--review_threshold=1.5"}, "review_threshold"},
      {{"--dedup_radius_meters=0"}, "dedup_radius_meters"},
      {{"--dedup_threshold=2"}, "dedup_threshold"},
      {{"--dedup_windows=YOUTH=0s"}, "dedup_windows"},
      {{"--dedup_windows=YOUTH"}, "dedup_windows"},
      {{"--max_report_age=0s"}, "max_report_age"},
      {{"--map_suppression_k=0"}, "map_suppression_k"},
      {{"--map_theme_k=NOPE=3"}, "map_theme_k"},
      {{"--map_theme_k=SUBVERSION=0"}, "map_theme_k"},
      {{"--map_established_device_age=-1s"}, "map_established_device_age"},
      {{"--poll_min_respondents=0"}, "poll_min_respondents"},
      {{"--map_public_max_cell_level=17"}, "map_public_max_cell_level"},
      {{"--map_public_max_cell_level=-1"}, "map_public_max_cell_level"},
      {{"--map_memory_days=-1"}, "map_memory_days"},
      {{"--map_stream_interval=-1s"}, "map_stream_interval"},
      {{"--map_public_stream_interval=-1s"}, "map_public_stream_interval"},
      {{"--http_event_streams_per_address=0"}, "http_event_streams_per_address"},
      {{"--http_max_event_streams=0"}, "http_max_event_streams"},
      {{"--max_message_bytes=0"}, "max_message_bytes"},
      {{"--keepalive_min_time=-1s"}, "keepalive_min_time"},
      {{"--shutdown_grace=-1s"}, "shutdown_grace"},
      {{"--backup_keep=-1"}, "backup_keep"},
      {{"--max_pending_writes=0"}, "max_pending_writes"},
      {{"--max_write_queue_delay=0s"}, "max_write_queue_delay"},
      {{"--write_admission_delay=0s"}, "write_admission_delay"},
      {{"--grpc_memory_mb=0"}, "grpc_memory_mb"},
      {{"--grpc_memory_mb=9223372036854775807"}, "grpc_memory_mb"},
      {{"--min_free_disk_mb=-1"}, "min_free_disk_mb"},
      {{"--retain_contact_details=0s"}, "retain_contact_details"},
      {{"--retain_free_text=0s"}, "retain_free_text"},
      {{"--retain_photos=-1h"}, "retain_photos"},
      {{"--retain_audit_entries=0s"}, "retain_audit_entries"},
      {{"--retain_change_log=0s"}, "retain_change_log"},
      {{"--retain_alerts=0s"}, "retain_alerts"},
      {{"--retain_incidents=OPEN=1h"}, "retain_incidents"},
      {{"--retain_incidents=RESOLVED=0s"}, "retain_incidents"},
      {{"--retain_incidents=RESOLVED=1h,RESOLVED=2h"}, "retain_incidents"},
      {{"--retention_sweep_interval=-1s"}, "retention_sweep_interval"},
      {{"--device_writes_per_second=0"}, "device_writes_per_second"},
      {{"--device_write_burst=0.5"}, "device_write_burst"},
      {{"--peer_writes_per_second=inf"}, "peer_writes_per_second"},
      {{"--peer_write_burst=0"}, "peer_write_burst"},
      {{"--device_registrations_per_hour=0"}, "device_registrations_per_hour"},
      {{"--device_registration_burst=0"}, "device_registration_burst"},
      {{"--partner_last_use_interval=0s"}, "partner_last_use_interval"},
      {{"--max_streams_per_caller=-1"}, "max_streams_per_caller"},
      {{"--max_streams_per_address=-1"}, "max_streams_per_address"},
      {{"--max_anonymous_streams=-1"}, "max_anonymous_streams"},
      {{"--max_anonymous_streams_per_address=-1"}, "max_anonymous_streams_per_address"},
      {{"--max_pending_unknown_logins=-1"}, "max_pending_unknown_logins"},
      {{"--max_pending_logins_per_address=0"}, "max_pending_logins_per_address"},
      {{"--refresh_token_lifetime=0s"}, "refresh_token_lifetime"},
      {{"--max_amendments_per_report=-1"}, "max_amendments_per_report"},
      {{"--liberation_day=sometimes"}, "liberation_day"},
      {{"--local_closing_days=2026-13-01"}, "local_closing_days"},
      {{"--deadline_check_interval=0s"}, "deadline_check_interval"},
      {{"--tls_cert=/nonexistent/cert.pem"}, "tls_key"},
      {{"--tls_key=/nonexistent/key.pem"}, "tls_cert"},
      {{"--tls_client_ca=/nonexistent/ca.pem"}, "tls_client_ca"},
      {{"--tls_client_certs=require"}, "tls_client_certs"},
      {{"--tls_client_certs=sometimes"}, "tls_client_certs"},
      {{"--tls_cert=/nonexistent/cert.pem", "--tls_key=/nonexistent/key.pem",
        "--tls_client_certs=optional"},
       "tls_client_ca"},
      {{"--bootstrap_admin_password_file=/nonexistent/password"}, "bootstrap_admin_password_file"},
      {{"--notify_webhook_url=ftp://127.0.0.1/hook"}, "notify_webhook_url"},
      {{"--public_base_url=meldingen.example.nl"}, "public_base_url"},
      {{"--public_base_url=https://meldingen.example.nl/?x=1"}, "public_base_url"},
      {{"--public_base_url=https://user@meldingen.example.nl"}, "public_base_url"},
  };
  const std::string data_dir = dir.path() + "/data";
  for (const auto& c : cases) {
    ServerProcess server;
    EXPECT_FALSE(server.Start(WIJKWACHTD_BINARY, data_dir, c.flags)) << c.flags[0];
    EXPECT_TRUE(absl::StrContains(server.output(), c.named))
        << c.flags[0] << " should name " << c.named << ": " << server.output();
    EXPECT_FALSE(std::filesystem::exists(data_dir)) << c.flags[0] << " touched the data dir";
  }
}

}  // namespace
}  // namespace wijkwacht::testing
