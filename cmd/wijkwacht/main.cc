// wijkwacht: command-line client for wijkwachtd, for people and scripts.
//
//   wijkwacht submit --lat 52.487 --lon 4.6578 --category CODE --description "..."
//   wijkwacht get reports/0f8c...        wijkwacht list --area BU03750003 --all --token T
//   wijkwacht login --username NAME      wijkwacht register
//
// Output is JSON (one object per line for lists) on stdout; errors go to stderr with the gRPC
// code, the message and every google.rpc detail. Exit codes: 0 ok, 1 error, 2 the server said
// INVALID_ARGUMENT, 64 bad command line.
//
// Access tokens: --token (default $WIJKWACHT_TOKEN) is sent as "authorization: Bearer ...".
// submit/preview/get without a token register a throw-away anonymous device first; list and
// the admin calls need a staff token (`wijkwacht login`). Passwords never come from a flag.
//
// Subcommands are rows of kCommands below: adding one is one function plus one row.
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "domain/classify/theme_classifier.h"
#include "absl/status/status.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "wijkwacht/v1/auth.grpc.pb.h"
#include "wijkwacht/v1/map.grpc.pb.h"
#include "wijkwacht/v1/operations.grpc.pb.h"
#include "wijkwacht/v1/report.grpc.pb.h"
#include "storage/dispatch_store.h"
#include "storage/aggregate_store.h"
#include "storage/backup.h"
#include "storage/engine.h"
#include "storage/identity_store.h"
#include "storage/notify_outbox.h"
#include "storage/sealed_identity_store.h"
#include "privacy/sealer.h"

// Common.
ABSL_FLAG(std::string, target, "localhost:50051", "wijkwachtd address (host:port)");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(10), "deadline of each RPC");
ABSL_FLAG(bool, pretty, false, "indent JSON output (not for list: that is JSON Lines)");
ABSL_FLAG(std::string, token, "",
          "access token (JWT) sent as `authorization: Bearer`; default $WIJKWACHT_TOKEN");
// TLS (any of the file flags turns TLS on too).
ABSL_FLAG(bool, tls, false, "connect with TLS (default: plaintext)");
ABSL_FLAG(std::string, tls_ca, "", "PEM root certificates to trust; default the system's roots");
ABSL_FLAG(std::string, tls_cert, "", "PEM client certificate chain for mTLS (with --tls_key)");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_server_name, "",
          "name to expect in the server certificate instead of the --target host");
// submit / preview.
ABSL_FLAG(std::optional<double>, lat, std::nullopt, "latitude, WGS84 degrees");
ABSL_FLAG(std::optional<double>, lon, std::nullopt, "longitude, WGS84 degrees");
ABSL_FLAG(std::string, category, "", "category code (see `wijkwacht categories`)");
ABSL_FLAG(std::string, description, "", "what happened (Dutch free text, 1-4000 bytes)");
ABSL_FLAG(std::string, id, "", "report UUID; generated (and printed to stderr) if empty");
ABSL_FLAG(std::string, role, "resident",
          "resident | entrepreneur | staff (with authentication the token's role wins)");
ABSL_FLAG(std::string, observed_time, "", "RFC 3339 time of observation; default now");
ABSL_FLAG(double, accuracy, 0, "location accuracy in metres; 0 = unknown");
// list.
ABSL_FLAG(std::string, area, "", "gemeente, wijk, buurt or focus-area code");
ABSL_FLAG(std::string, theme, "", "LIVEABILITY | YOUTH | SUBVERSION | PHYSICAL_BUSINESS | OTHER");
ABSL_FLAG(std::string, status, "",
          "RECEIVED | TRIAGED | IN_PROGRESS | RESOLVED | REJECTED | CLOSED");
ABSL_FLAG(std::string, since, "", "RFC 3339: only reports observed at or after this time");
ABSL_FLAG(std::string, until, "", "RFC 3339: only reports observed before this time");
ABSL_FLAG(int, page_size, 0, "reports per page (server default 50, max 1000)");
ABSL_FLAG(bool, all, false, "follow next_page_token to the last page");
// categories.
ABSL_FLAG(std::string, group, "", "person | group | vehicle | surroundings");
// register / login / refresh / verify-entrepreneur / revoke.
ABSL_FLAG(std::string, platform, "", "register: device platform, e.g. android, ios (optional)");
ABSL_FLAG(std::string, username, "", "login: staff account name");
ABSL_FLAG(std::string, password_file, "",
          "login: file whose first line is the password; default: read it from stdin "
          "(without echo on a terminal)");
ABSL_FLAG(std::string, refresh_token, "", "refresh: the refresh token from `register`");
ABSL_FLAG(std::string, device, "", "verify-entrepreneur, revoke: devices/ID");
ABSL_FLAG(std::string, master_key_file, "",
          "erase --data_dir: the master key file (default <data_dir>/keys/master.key)");
ABSL_FLAG(std::string, kvk, "", "verify-entrepreneur: 8-digit KvK number");
ABSL_FLAG(std::string, partner, "", "partners rotate: partners/ID (or ID)");
ABSL_FLAG(std::string, grace, "",
          "partners rotate: how long the old key is still accepted, e.g. 24h, 30m, 0s "
          "(default the server's, 24h; at most 720h)");
ABSL_FLAG(std::string, business_name, "", "verify-entrepreneur: the shop's name");
ABSL_FLAG(std::string, train_file, WIJKWACHT_CORPUS_DIR "/train.txt",
          "train: labelled training examples (fastText format, data/corpus/README.md)");
ABSL_FLAG(std::vector<std::string>, extra_train,
          absl::StrSplit(WIJKWACHT_EXTRA_TRAIN, ',', absl::SkipEmpty()),
          "train: further training files, comma-separated (default: the shipped model's weak "
          "labels and writers' texts)");
ABSL_FLAG(std::string, calibration, WIJKWACHT_CORPUS_DIR "/calibration.txt",
          "train: labelled examples that fit the confidence temperature only");
ABSL_FLAG(std::string, corrections, "", "train: extra labelled examples (dispatch corrections)");
// audit verify.
ABSL_FLAG(std::string, period, "", "report: half-year, e.g. 2026-H1");
ABSL_FLAG(std::string, data_dir, "",
          "audit/aggregates verify, corrections export, backup: wijkwachtd's --data_dir "
          "(server stopped); restore: the new data dir");
ABSL_FLAG(std::string, to, "", "backup of a stopped server: the backup directory");
ABSL_FLAG(std::string, from, "", "restore: the backup directory");
ABSL_FLAG(uint32_t, backup_id, 0, "restore: which backup (default 0 = the newest)");
ABSL_FLAG(std::string, heldout, WIJKWACHT_CORPUS_DIR "/heldout.txt",
          "train: labelled test set to evaluate the new model on (never trained on)");
ABSL_FLAG(std::string, out, "",
          "train: model file to write (and <out>.calibration.json); report: folder");

namespace wijkwacht::cli {
namespace {

namespace v1 = ::wijkwacht::v1;
using google::protobuf::util::TimeUtil;

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitInvalidArgument = 2;
constexpr int kExitUsage = 64;

// A command-line mistake found before any RPC.
struct UsageError {
  std::string message;
};

int Usage(const UsageError& e) {
  std::cerr << "wijkwacht: " << e.message << "\n(run `wijkwacht help` for usage)\n";
  return kExitUsage;
}

// ---- Output ------------------------------------------------------------------------------

void PrintJson(const google::protobuf::Message& m, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  // Scripts see every field (false, 0, ""), not only the set ones.
  options.always_print_primitive_fields = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(m, &out, options).ok()) {
    out = "{}";  // cannot happen for our messages
  }
  // add_whitespace already ends with a newline.
  std::cout << out << (pretty ? "" : "\n");
}

// "INVALID_ARGUMENT", ...: gRPC and absl share the code numbers.
std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

// Prints `status` with every google.rpc detail to stderr, then `hint` (if any) or a general
// one for the authentication codes; returns the exit code.
int ReportRpcError(const grpc::Status& status, const std::string& hint = "") {
  std::cerr << "error: " << CodeName(status.error_code()) << ": " << status.error_message()
            << "\n";
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    for (const google::protobuf::Any& any : details.details()) {
      google::rpc::BadRequest bad_request;
      google::rpc::RetryInfo retry;
      google::rpc::ErrorInfo info;
      google::rpc::PreconditionFailure precondition;
      google::rpc::ResourceInfo resource;
      if (any.UnpackTo(&bad_request)) {
        for (const auto& v : bad_request.field_violations()) {
          std::cerr << "  field " << v.field() << ": " << v.description() << "\n";
        }
      } else if (any.UnpackTo(&retry)) {
        std::cerr << "  retry after " << TimeUtil::ToString(retry.retry_delay()) << "\n";
      } else if (any.UnpackTo(&info)) {
        std::cerr << "  reason " << info.reason() << " (" << info.domain() << ")";
        for (const auto& [k, v] : info.metadata()) std::cerr << " " << k << "=" << v;
        std::cerr << "\n";
      } else if (any.UnpackTo(&precondition)) {
        for (const auto& v : precondition.violations()) {
          std::cerr << "  precondition " << v.type() << " " << v.subject() << ": "
                    << v.description() << "\n";
        }
      } else if (any.UnpackTo(&resource)) {
        std::cerr << "  resource " << resource.resource_type() << " "
                  << resource.resource_name() << ": " << resource.description() << "\n";
      } else {
        std::cerr << "  detail " << any.type_url() << " (" << any.value().size()
                  << " bytes)\n";
      }
    }
  }
  if (!hint.empty()) {
    std::cerr << hint << "\n";
  } else if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    std::cerr << "not authenticated: pass a valid access token with --token (or "
                 "WIJKWACHT_TOKEN).\n  Staff: `wijkwacht login --username NAME`; a device: "
                 "`wijkwacht register`, later\n  `wijkwacht refresh --refresh_token T` "
                 "(access tokens expire after 15 minutes).\n";
  } else if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    std::cerr << "permission denied: the token's role may not make this call (see the message "
                 "above);\n  log in with an account that has the needed role.\n";
  }
  return status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ? kExitInvalidArgument
                                                                   : kExitError;
}

// ---- RPC plumbing ------------------------------------------------------------------------

std::string ReadFile(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  if (!in || !(buffer << in.rdbuf())) {
    throw UsageError{absl::StrCat("--", flag, ": cannot read ", path)};
  }
  return buffer.str();
}

// The channel to --target: plaintext, or TLS when --tls or any TLS file flag is given.
std::shared_ptr<grpc::Channel> Channel() {
  static std::shared_ptr<grpc::Channel> channel;
  if (channel) return channel;
  const std::string ca = absl::GetFlag(FLAGS_tls_ca);
  const std::string cert = absl::GetFlag(FLAGS_tls_cert);
  const std::string key = absl::GetFlag(FLAGS_tls_key);
  const std::string server_name = absl::GetFlag(FLAGS_tls_server_name);
  const bool tls = absl::GetFlag(FLAGS_tls) || !ca.empty() || !cert.empty() || !key.empty() ||
                   !server_name.empty();
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  grpc::ChannelArguments args;
  if (tls) {
    if (cert.empty() != key.empty()) {
      throw UsageError{"--tls_cert and --tls_key go together (client certificate for mTLS)"};
    }
    grpc::SslCredentialsOptions ssl;
    if (!ca.empty()) ssl.pem_root_certs = ReadFile("tls_ca", ca);  // empty: system roots
    if (!cert.empty()) {
      ssl.pem_cert_chain = ReadFile("tls_cert", cert);
      ssl.pem_private_key = ReadFile("tls_key", key);
    }
    credentials = grpc::SslCredentials(ssl);
    if (!server_name.empty()) args.SetSslTargetNameOverride(server_name);
  }
  channel = grpc::CreateCustomChannel(absl::GetFlag(FLAGS_target), credentials, args);
  return channel;
}

std::unique_ptr<v1::ReportService::Stub> ReportStub() {
  return v1::ReportService::NewStub(Channel());
}

std::unique_ptr<v1::AuthService::Stub> AuthStub() { return v1::AuthService::NewStub(Channel()); }

// --token, else $WIJKWACHT_TOKEN, else "". (Read here, not as the flag default, so that
// --help never prints a token.)
std::string GivenToken() {
  std::string token = absl::GetFlag(FLAGS_token);
  if (token.empty()) {
    if (const char* env = std::getenv("WIJKWACHT_TOKEN")) token = env;
  }
  return std::string(absl::StripAsciiWhitespace(token));
}

// A context whose deadline is --timeout from now, carrying `token` if not empty.
std::unique_ptr<grpc::ClientContext> NewContext(const std::string& token = "") {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_timeout)));
  if (!token.empty()) ctx->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  return ctx;
}

// The token for submit/preview/get: the given one, else a freshly registered anonymous
// device's (printed to stderr so it can be reused). `anonymous` says which. An old server or
// one started with --auth=false answers RegisterDevice with UNIMPLEMENTED: then no token.
struct CallToken {
  std::string token;
  bool anonymous = false;
};

std::optional<CallToken> TokenOrAnonymousDevice(int* exit_code) {
  CallToken out;
  out.token = GivenToken();
  if (!out.token.empty()) return out;
  v1::RegisterDeviceRequest request;
  request.set_platform("cli");
  v1::RegisterDeviceResponse response;
  auto ctx = NewContext();
  grpc::Status s = AuthStub()->RegisterDevice(ctx.get(), request, &response);
  if (s.error_code() == grpc::StatusCode::UNIMPLEMENTED) return out;  // no auth on the server
  if (!s.ok()) {
    std::cerr << "no --token: registering an anonymous device failed\n";
    *exit_code = ReportRpcError(s);
    return std::nullopt;
  }
  out.token = response.access().access_token();
  out.anonymous = true;
  std::cerr << "note: no --token given, so this call runs as a new anonymous device\n"
            << "  device: " << response.device() << "\n"
            << "  refresh token: " << response.refresh_token() << "\n"
            << "  to act as this device again (e.g. to `get` what it submitted), pass --token\n"
            << "  (or WIJKWACHT_TOKEN) with the accessToken printed by\n"
            << "    wijkwacht refresh --refresh_token " << response.refresh_token() << "\n";
  return out;
}

// ---- Parsing helpers ---------------------------------------------------------------------

std::string NewUuidV4() {
  unsigned char b[16];
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  if (!urandom.read(reinterpret_cast<char*>(b), sizeof(b))) {
    std::random_device rd;
    for (unsigned char& c : b) c = static_cast<unsigned char>(rd());
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // variant 10xx
  char out[37];
  std::snprintf(out, sizeof(out),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
                b[13], b[14], b[15]);
  return out;
}

google::protobuf::Timestamp ParseTime(const std::string& flag,
                                                     const std::string& value) {
  google::protobuf::Timestamp ts;
  if (!TimeUtil::FromString(value, &ts)) {
    throw UsageError{absl::StrCat("--", flag, "=", value,
                                  " is not an RFC 3339 time (e.g. 2024-05-01T21:30:00+02:00)")};
  }
  return ts;
}

// Parses an enum flag by its proto value name (case-insensitive); `parse` is the generated
// Foo_Parse.
template <typename Enum>
Enum ParseEnum(const std::string& flag, const std::string& value,
               bool (*parse)(const std::string&, Enum*), const char* allowed) {
  Enum e{};
  if (!parse(absl::AsciiStrToUpper(value), &e) || static_cast<int>(e) == 0) {
    throw UsageError{absl::StrCat("--", flag, "=", value, ": expected ", allowed)};
  }
  return e;
}

std::string ReportName(const std::string& id_or_name) {
  return absl::StartsWith(id_or_name, "reports/") ? id_or_name
                                                  : absl::StrCat("reports/", id_or_name);
}

// The report described by the submit/preview flags.
v1::Report ReportFromFlags() {
  const std::optional<double> lat = absl::GetFlag(FLAGS_lat);
  const std::optional<double> lon = absl::GetFlag(FLAGS_lon);
  if (!lat || !lon) throw UsageError{"--lat and --lon are required"};
  if (absl::GetFlag(FLAGS_category).empty()) {
    throw UsageError{"--category is required (see `wijkwacht categories`)"};
  }
  v1::Report r;
  r.set_id(absl::GetFlag(FLAGS_id));
  r.set_reporter_role(ParseEnum<v1::ReporterRole>("role", absl::GetFlag(FLAGS_role),
                                                  v1::ReporterRole_Parse,
                                                  "resident, entrepreneur or staff"));
  const std::string observed = absl::GetFlag(FLAGS_observed_time);
  *r.mutable_observed_time() =
      observed.empty() ? TimeUtil::GetCurrentTime() : ParseTime("observed_time", observed);
  r.mutable_location()->set_latitude(*lat);
  r.mutable_location()->set_longitude(*lon);
  r.set_accuracy_meters(absl::GetFlag(FLAGS_accuracy));
  r.set_category(absl::GetFlag(FLAGS_category));
  // An empty description is sent as is: the server's error names the field.
  r.set_description(absl::GetFlag(FLAGS_description));
  return r;
}

using Args = std::vector<std::string>;  // positional arguments after the subcommand

void ExpectArgs(const Args& args, size_t n, const char* what) {
  if (args.size() != n) {
    throw UsageError{n == 0 ? "this subcommand takes no positional arguments"
                            : absl::StrCat("expected ", what)};
  }
}

// ---- Subcommands -------------------------------------------------------------------------

int Submit(const Args& args) {
  ExpectArgs(args, 0, "");
  v1::SubmitReportRequest request;
  *request.mutable_report() = ReportFromFlags();
  if (request.report().id().empty()) {
    request.mutable_report()->set_id(NewUuidV4());
    // Retrying with the same id is safe: SubmitReport is idempotent on it.
    std::cerr << "id: " << request.report().id() << "\n";
  }
  int exit_code = kExitError;
  std::optional<CallToken> token = TokenOrAnonymousDevice(&exit_code);
  if (!token) return exit_code;
  v1::Report response;
  auto ctx = NewContext(token->token);
  grpc::Status s = ReportStub()->SubmitReport(ctx.get(), request, &response);
  if (!s.ok()) return ReportRpcError(s);
  PrintJson(response, absl::GetFlag(FLAGS_pretty));
  return kExitOk;
}

int Preview(const Args& args) {
  ExpectArgs(args, 0, "");
  v1::PreviewReportRequest request;
  *request.mutable_report() = ReportFromFlags();
  if (request.report().id().empty()) request.mutable_report()->set_id(NewUuidV4());
  int exit_code = kExitError;
  std::optional<CallToken> token = TokenOrAnonymousDevice(&exit_code);
  if (!token) return exit_code;
  v1::PreviewReportResponse response;
  auto ctx = NewContext(token->token);
  grpc::Status s = ReportStub()->PreviewReport(ctx.get(), request, &response);
  if (!s.ok()) return ReportRpcError(s);
  PrintJson(response, absl::GetFlag(FLAGS_pretty));
  return kExitOk;
}

int Get(const Args& args) {
  ExpectArgs(args, 1, "one report id or name: wijkwacht get ID_OR_NAME");
  v1::GetReportRequest request;
  request.set_name(ReportName(args[0]));
  int exit_code = kExitError;
  std::optional<CallToken> token = TokenOrAnonymousDevice(&exit_code);
  if (!token) return exit_code;
  v1::Report response;
  auto ctx = NewContext(token->token);
  grpc::Status s = ReportStub()->GetReport(ctx.get(), request, &response);
  if (!s.ok()) {
    return ReportRpcError(
        s, token->anonymous && s.error_code() == grpc::StatusCode::NOT_FOUND
               ? "a device sees only its own reports, and a new anonymous one has none: pass "
                 "--token of\n  the device that submitted it, or a staff token (`wijkwacht "
                 "login --username NAME`)"
               : "");
  }
  PrintJson(response, absl::GetFlag(FLAGS_pretty));
  return kExitOk;
}

int List(const Args& args) {
  ExpectArgs(args, 0, "");
  v1::ListReportsRequest request;
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_area_code(absl::GetFlag(FLAGS_area));
  if (const std::string t = absl::GetFlag(FLAGS_theme); !t.empty()) {
    request.set_theme(ParseEnum<v1::Theme>(
        "theme", t, v1::Theme_Parse, "LIVEABILITY, YOUTH, SUBVERSION, PHYSICAL_BUSINESS or OTHER"));
  }
  if (const std::string st = absl::GetFlag(FLAGS_status); !st.empty()) {
    request.set_status(ParseEnum<v1::ReportStatus>(
        "status", st, v1::ReportStatus_Parse,
        "RECEIVED, TRIAGED, IN_PROGRESS, RESOLVED, REJECTED or CLOSED"));
  }
  if (const std::string v = absl::GetFlag(FLAGS_since); !v.empty()) {
    *request.mutable_start_time() = ParseTime("since", v);
  }
  if (const std::string v = absl::GetFlag(FLAGS_until); !v.empty()) {
    *request.mutable_end_time() = ParseTime("until", v);
  }
  // No token: tried anyway (a server with --auth=false answers), with a hint if refused.
  const std::string token = GivenToken();
  const std::string hint =
      token.empty()
          ? "list needs a staff token (dispatcher, analyst or admin) and none was given:\n"
            "  TOKEN=$(wijkwacht login --username NAME | jq -r .accessToken)\n"
            "  wijkwacht list --token \"$TOKEN\" ...   (or export WIJKWACHT_TOKEN)"
          : "list needs a staff token (dispatcher, analyst or admin): get one with\n"
            "  `wijkwacht login --username NAME` (device tokens cannot list reports)";
  auto stub = ReportStub();
  const bool all = absl::GetFlag(FLAGS_all);
  while (true) {
    v1::ListReportsResponse response;
    auto ctx = NewContext(token);
    grpc::Status s = stub->ListReports(ctx.get(), request, &response);
    if (!s.ok()) {
      const bool auth_error = s.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
                              s.error_code() == grpc::StatusCode::PERMISSION_DENIED;
      return ReportRpcError(s, auth_error && (token.empty() || s.error_code() ==
                                                   grpc::StatusCode::PERMISSION_DENIED)
                                   ? hint
                                   : "");
    }
    for (const v1::Report& r : response.reports()) PrintJson(r, /*pretty=*/false);
    if (response.next_page_token().empty()) break;
    if (!all) {
      std::cerr << "more: pass --all to follow next_page_token\n";
      break;
    }
    request.set_page_token(response.next_page_token());
  }
  return kExitOk;
}

int Categories(const Args& args) {
  ExpectArgs(args, 0, "");
  v1::ListCategoriesRequest request;
  request.set_page_size(1000);
  if (const std::string g = absl::GetFlag(FLAGS_group); !g.empty()) {
    request.set_group(ParseEnum<v1::CategoryGroup>("group", g, v1::CategoryGroup_Parse,
                                                   "person, group, vehicle or surroundings"));
  }
  auto stub = ReportStub();
  while (true) {
    v1::ListCategoriesResponse response;
    auto ctx = NewContext();  // anonymous: a stale token would only get it refused
    grpc::Status s = stub->ListCategories(ctx.get(), request, &response);
    if (!s.ok()) return ReportRpcError(s);
    for (const v1::Category& c : response.categories()) {
      std::cout << c.code() << "\t" << v1::CategoryGroup_Name(c.group()) << "\t"
                << v1::Theme_Name(c.theme_hint()) << "\t" << c.display_name() << "\n";
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  return kExitOk;
}

// ---- Accounts and tokens -----------------------------------------------------------------

std::string RequiredFlag(const std::string& name, const std::string& value, const char* what) {
  if (value.empty()) throw UsageError{absl::StrCat("--", name, " is required (", what, ")")};
  return value;
}

std::string DeviceName(const std::string& value) {
  RequiredFlag("device", value, "devices/ID as printed by `wijkwacht register`");
  return absl::StartsWith(value, "devices/") ? value : absl::StrCat("devices/", value);
}

// Terminal settings to restore if the user interrupts the password prompt.
struct termios saved_terminal;

void RestoreTerminalAndExit(int signal_number) {
  tcsetattr(STDIN_FILENO, TCSANOW, &saved_terminal);
  const char newline = '\n';
  (void)!write(STDERR_FILENO, &newline, 1);
  _exit(128 + signal_number);
}

// The password: first line of --password_file, else of stdin (prompted, without echo, when
// stdin is a terminal). Never from a flag value: that would end up in shell history and ps.
std::string ReadPassword(const std::string& username) {
  std::string password;
  if (const std::string file = absl::GetFlag(FLAGS_password_file); !file.empty()) {
    std::ifstream in(file);
    if (!in) throw UsageError{absl::StrCat("--password_file: cannot read ", file)};
    std::getline(in, password);
  } else if (isatty(STDIN_FILENO)) {
    std::cerr << "password for " << username << ": " << std::flush;
    struct termios no_echo;
    const bool terminal = tcgetattr(STDIN_FILENO, &saved_terminal) == 0;
    if (terminal) {
      no_echo = saved_terminal;
      no_echo.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      std::signal(SIGINT, RestoreTerminalAndExit);
      std::signal(SIGTERM, RestoreTerminalAndExit);
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &no_echo);
    }
    std::getline(std::cin, password);
    if (terminal) {
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_terminal);
      std::signal(SIGINT, SIG_DFL);
      std::signal(SIGTERM, SIG_DFL);
    }
    std::cerr << "\n";
  } else {
    std::getline(std::cin, password);
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty()) {
    throw UsageError{"empty password (give it with --password_file FILE or on stdin)"};
  }
  return password;
}

// For AuthService calls answered UNIMPLEMENTED.
constexpr char kNoAuthServiceHint[] =
    "the server has no AuthService: it runs with --auth=false (no tokens needed) or is older";

int Register(const Args& args) {
  ExpectArgs(args, 0, "");
  v1::RegisterDeviceRequest request;
  request.set_platform(absl::GetFlag(FLAGS_platform));
  v1::RegisterDeviceResponse response;
  auto ctx = NewContext();
  grpc::Status s = AuthStub()->RegisterDevice(ctx.get(), request, &response);
  if (s.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    return ReportRpcError(s, kNoAuthServiceHint);
  }
  if (!s.ok()) return ReportRpcError(s);
  PrintJson(response, absl::GetFlag(FLAGS_pretty));
  return kExitOk;
}

int Login(const Args& args) {
  ExpectArgs(args, 0, "");
  v1::LoginRequest request;
  request.set_username(
      RequiredFlag("username", absl::GetFlag(FLAGS_username), "the staff account"));
  request.set_password(ReadPassword(request.username()));
  v1::TokenResponse response;
  auto ctx = NewContext();
  grpc::Status s = AuthStub()->Login(ctx.get(), request, &response);
  request.mutable_password()->assign(request.password().size(), '\0');
  if (s.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    return ReportRpcError(s, kNoAuthServiceHint);
  }
  if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    return ReportRpcError(s, "check the username and password (repeated failures lock the "
                             "account for a while)");
  }
  if (!s.ok()) return ReportRpcError(s);
  PrintJson(response, absl::GetFlag(FLAGS_pretty));
  return kExitOk;
}

int Refresh(const Args& args) {
  ExpectArgs(args, 0, "");
  v1::RefreshTokenRequest request;
  request.set_refresh_token(RequiredFlag("refresh_token", absl::GetFlag(FLAGS_refresh_token),
                                         "as printed by `wijkwacht register`"));
  v1::TokenResponse response;
  auto ctx = NewContext();
  grpc::Status s = AuthStub()->RefreshToken(ctx.get(), request, &response);
  if (s.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    return ReportRpcError(s, kNoAuthServiceHint);
  }
  if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    return ReportRpcError(s, "the refresh token is unknown, malformed or its device revoked: "
                             "`wijkwacht register` a new device");
  }
  if (!s.ok()) return ReportRpcError(s);
  PrintJson(response, absl::GetFlag(FLAGS_pretty));
  return kExitOk;
}

int VerifyEntrepreneur(const Args& args) {
  ExpectArgs(args, 0, "");
  v1::VerifyEntrepreneurRequest request;
  request.set_device(DeviceName(absl::GetFlag(FLAGS_device)));
  request.set_kvk_number(RequiredFlag("kvk", absl::GetFlag(FLAGS_kvk), "8-digit KvK number"));
  request.set_business_name(
      RequiredFlag("business_name", absl::GetFlag(FLAGS_business_name), "the shop's name"));
  v1::VerifyEntrepreneurResponse response;
  auto ctx = NewContext(GivenToken());
  grpc::Status s = AuthStub()->VerifyEntrepreneur(ctx.get(), request, &response);
  if (!s.ok()) return ReportRpcError(s);
  PrintJson(response, absl::GetFlag(FLAGS_pretty));
  return kExitOk;
}

// Partner accounts (admin token): list them (key ids, never secrets), or rotate one's key.
int Partners(const Args& args) {
  ExpectArgs(args, 1, "`list` or `rotate`");
  auto ctx = NewContext(GivenToken());
  if (args[0] == "list") {
    v1::ListPartnersResponse response;
    grpc::Status s = AuthStub()->ListPartners(ctx.get(), v1::ListPartnersRequest(), &response);
    if (!s.ok()) return ReportRpcError(s);
    PrintJson(response, absl::GetFlag(FLAGS_pretty));
    return kExitOk;
  }
  if (args[0] != "rotate") throw UsageError{"partners: the actions are `list` and `rotate`"};
  std::string name = RequiredFlag("partner", absl::GetFlag(FLAGS_partner), "partners/ID");
  if (!absl::StartsWith(name, "partners/")) name = absl::StrCat("partners/", name);
  v1::RotatePartnerKeyRequest request;
  request.set_name(name);
  if (const std::string grace = absl::GetFlag(FLAGS_grace); !grace.empty()) {
    absl::Duration d;
    if (!absl::ParseDuration(grace, &d) || d < absl::ZeroDuration()) {
      throw UsageError{absl::StrCat("--grace=", grace, ": expected a duration such as 24h or 0s")};
    }
    request.mutable_grace_period()->set_seconds(absl::ToInt64Seconds(d));
  }
  v1::RotatePartnerKeyResponse response;
  grpc::Status s = AuthStub()->RotatePartnerKey(ctx.get(), request, &response);
  if (!s.ok()) return ReportRpcError(s);
  PrintJson(response, absl::GetFlag(FLAGS_pretty));
  return kExitOk;
}

int Revoke(const Args& args) {
  ExpectArgs(args, 0, "");
  v1::RevokeDeviceRequest request;
  request.set_device(DeviceName(absl::GetFlag(FLAGS_device)));
  v1::RevokeDeviceResponse response;
  auto ctx = NewContext(GivenToken());
  grpc::Status s = AuthStub()->RevokeDevice(ctx.get(), request, &response);
  if (!s.ok()) return ReportRpcError(s);
  PrintJson(response, absl::GetFlag(FLAGS_pretty));
  return kExitOk;
}

// Crypto-shredding of a reporter (a person's erasure request): online through
// RevokeDevice with erase (admin token), or with --data_dir on a stopped server's data dir
// (master key from --master_key_file, default <data_dir>/keys/master.key).
int Erase(const Args& args) {
  ExpectArgs(args, 0, "");
  const std::string device = DeviceName(absl::GetFlag(FLAGS_device));
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (data_dir.empty()) {
    v1::RevokeDeviceRequest request;
    request.set_device(device);
    request.set_erase(true);
    v1::RevokeDeviceResponse response;
    auto ctx = NewContext(GivenToken());
    grpc::Status s = AuthStub()->RevokeDevice(ctx.get(), request, &response);
    if (!s.ok()) return ReportRpcError(s);
    std::cout << "erased " << device << "\n";
    return kExitOk;
  }
  const std::string device_id = device.substr(std::string("devices/").size());
  std::string key_file = absl::GetFlag(FLAGS_master_key_file);
  if (key_file.empty()) key_file = data_dir + "/keys/master.key";
  absl::StatusOr<std::string> master = wijkwacht::privacy::ReadMasterKeyFile(key_file);
  if (!master.ok()) {
    std::cerr << "erase: " << master.status() << "\n";
    return 1;
  }
  absl::StatusOr<std::unique_ptr<wijkwacht::privacy::IdentitySealer>> sealer =
      wijkwacht::privacy::IdentitySealer::Create({*std::move(master), nullptr});
  if (!sealer.ok()) {
    std::cerr << "erase: " << sealer.status() << "\n";
    return 1;
  }
  wijkwacht::storage::EngineOptions options;
  options.data_dir = data_dir;
  absl::StatusOr<std::unique_ptr<wijkwacht::storage::Engine>> engine =
      wijkwacht::storage::Engine::Open(options);
  if (!engine.ok()) {
    std::cerr << "erase: cannot open " << data_dir << " (is wijkwachtd still running?): "
              << engine.status() << "\n";
    return 1;
  }
  wijkwacht::storage::SealedIdentityStore sealed(engine->get(), sealer->get());
  // The webhook's outbox and dead letters go with the device's erasure, as in the server.
  wijkwacht::storage::NotifyOutbox outbox(engine->get(), wijkwacht::auth::SystemRandom());
  if (absl::Status loaded = outbox.Load(); !loaded.ok()) {
    std::cerr << "erase: " << loaded << "\n";
    (*engine)->Shutdown();
    return 1;
  }
  sealed.set_notify_outbox(&outbox);
  wijkwacht::storage::IdentityStore identities(engine->get(), &sealed);
  auto record = identities.GetDevice(device_id);
  absl::Status erased = record.ok() ? sealed.Erase(record->pseudonym(), device_id) : record.status();
  (*engine)->Shutdown();
  if (!erased.ok()) {
    std::cerr << "erase: " << erased << "\n";
    return 1;
  }
  std::cout << "erased " << device
            << ": data key, sealed identity, contact details and undelivered notifications "
               "destroyed and purged from the "
               "data dir; its reports stay, pseudonymous\n";
  return kExitOk;
}

// Trains the theme classifier offline (no server needed), with the shipped corpus as default.
int Train(const Args& args) {
  ExpectArgs(args, 0, "");
  classify::TrainOptions options;
  options.train_path = absl::GetFlag(FLAGS_train_file);
  options.extra_train_paths = absl::GetFlag(FLAGS_extra_train);
  options.corrections_path = absl::GetFlag(FLAGS_corrections);
  options.calibration_path = absl::GetFlag(FLAGS_calibration);
  options.output_path = absl::GetFlag(FLAGS_out);
  if (options.output_path.empty()) {
    std::cerr << "train: --out MODEL is required\n";
    return kExitUsage;
  }
  absl::Status status = classify::TrainAndReport(options, absl::GetFlag(FLAGS_heldout), std::cout);
  if (!status.ok()) {
    std::cerr << "train: " << status << "\n";
    return 1;
  }
  return kExitOk;
}

// Verifies the dispatch audit log's hash chain offline. Opens the RocksDB data dir itself,
// so wijkwachtd must be stopped (RocksDB's lock refuses a second opener).
int Audit(const Args& args) {
  ExpectArgs(args, 1, "`verify`");
  if (args[0] != "verify") throw UsageError{"audit: the only action is `verify`"};
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (data_dir.empty()) throw UsageError{"audit verify: --data_dir DIR is required"};
  wijkwacht::storage::EngineOptions options;
  options.data_dir = data_dir;
  absl::StatusOr<std::unique_ptr<wijkwacht::storage::Engine>> engine =
      wijkwacht::storage::Engine::Open(options);
  if (!engine.ok()) {
    std::cerr << "audit verify: cannot open " << data_dir << " (is wijkwachtd still running?): "
              << engine.status() << "\n";
    return 1;
  }
  absl::StatusOr<int64_t> verified = wijkwacht::storage::VerifyAuditLog(**engine);
  (*engine)->Shutdown();
  if (!verified.ok()) {
    std::cout << "BROKEN: " << verified.status().message() << "\n";
    return 1;
  }
  std::cout << "OK: " << *verified << " audit entries, hash chain intact\n";
  return kExitOk;
}

int Aggregates(const Args& args) {
  ExpectArgs(args, 1, "`verify`");
  if (args[0] != "verify") throw UsageError{"aggregates: the only action is `verify`"};
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (data_dir.empty()) throw UsageError{"aggregates verify: --data_dir DIR is required"};
  wijkwacht::storage::EngineOptions options;
  options.data_dir = data_dir;
  absl::StatusOr<std::unique_ptr<wijkwacht::storage::Engine>> engine =
      wijkwacht::storage::Engine::Open(options);
  if (!engine.ok()) {
    std::cerr << "aggregates verify: cannot open " << data_dir
              << " (is wijkwachtd still running?): " << engine.status() << "\n";
    return 1;
  }
  absl::StatusOr<std::vector<std::string>> differences =
      wijkwacht::storage::VerifyAggregates(**engine);
  (*engine)->Shutdown();
  if (!differences.ok()) {
    std::cout << "ERROR: " << differences.status() << "\n";
    return 1;
  }
  for (const std::string& d : *differences) std::cout << "DIFFERENT: " << d << "\n";
  if (!differences->empty()) return 1;
  std::cout << "OK: every map counter equals its recomputation from the stored reports\n";
  return kExitOk;
}

int Corrections(const Args& args) {
  ExpectArgs(args, 1, "`export`");
  if (args[0] != "export") throw UsageError{"corrections: the only action is `export`"};
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (data_dir.empty()) throw UsageError{"corrections export: --data_dir DIR is required"};
  const std::string out = RequiredFlag("out", absl::GetFlag(FLAGS_out), "the file to write");
  wijkwacht::storage::EngineOptions options;
  options.data_dir = data_dir;
  absl::StatusOr<std::unique_ptr<wijkwacht::storage::Engine>> engine =
      wijkwacht::storage::Engine::Open(options);
  if (!engine.ok()) {
    std::cerr << "corrections export: cannot open " << data_dir
              << " (is wijkwachtd still running?): " << engine.status() << "\n";
    return 1;
  }
  std::string text;
  absl::StatusOr<int64_t> lines = wijkwacht::storage::ExportCorrections(**engine, &text);
  (*engine)->Shutdown();
  if (!lines.ok()) {
    std::cerr << "corrections export: " << lines.status() << "\n";
    return 1;
  }
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file << text;
  if (!file.flush()) {
    std::cerr << "corrections export: cannot write " << out << "\n";
    return 1;
  }
  std::cout << *lines << " dispatch corrections written to " << out
            << "; train with: wijkwacht train --out MODEL --corrections " << out << "\n";
  return kExitOk;
}

// Opens a stopped server's data dir (RocksDB's lock refuses a second opener), or prints why not.
std::unique_ptr<wijkwacht::storage::Engine> OpenStoppedDataDir(const std::string& data_dir,
                                                              absl::string_view command) {
  wijkwacht::storage::EngineOptions options;
  options.data_dir = data_dir;
  absl::StatusOr<std::unique_ptr<wijkwacht::storage::Engine>> engine =
      wijkwacht::storage::Engine::Open(options);
  if (!engine.ok()) {
    std::cerr << command << ": cannot open " << data_dir
              << " (is wijkwachtd still running?): "
              << engine.status() << "\n";
    return nullptr;
  }
  return *std::move(engine);
}

void PrintBackup(const wijkwacht::storage::BackupInfo& info) {
  v1::Backup backup;
  backup.set_backup_id(info.id);
  *backup.mutable_create_time() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(info.time));
  backup.set_size_bytes(info.size_bytes);
  backup.set_file_count(info.files);
  PrintJson(backup, absl::GetFlag(FLAGS_pretty));
}

// Online: asks the running server for a backup into its --backup_dir (admin token). Offline
// (--data_dir): backs up a stopped server's data dir into --to.
int Backup(const Args& args) {
  ExpectArgs(args, 0, "");
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (data_dir.empty()) {
    v1::Backup response;
    auto ctx = NewContext(GivenToken());
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::hours(1));
    grpc::Status s = v1::OperationsService::NewStub(Channel())->CreateBackup(
        ctx.get(), v1::CreateBackupRequest(), &response);
    if (!s.ok()) return ReportRpcError(s);
    PrintJson(response, absl::GetFlag(FLAGS_pretty));
    return kExitOk;
  }
  const std::string to = RequiredFlag("to", absl::GetFlag(FLAGS_to), "the backup directory");
  std::unique_ptr<wijkwacht::storage::Engine> engine = OpenStoppedDataDir(data_dir, "backup");
  if (engine == nullptr) return kExitError;
  absl::StatusOr<wijkwacht::storage::BackupInfo> info = engine->CreateBackup(to, 0);
  engine->Shutdown();
  if (!info.ok()) {
    std::cerr << "backup: " << info.status() << "\n";
    return kExitError;
  }
  PrintBackup(*info);
  return kExitOk;
}

int Restore(const Args& args) {
  ExpectArgs(args, 0, "");
  const std::string from = RequiredFlag("from", absl::GetFlag(FLAGS_from), "the backup directory");
  const std::string data_dir =
      RequiredFlag("data_dir", absl::GetFlag(FLAGS_data_dir), "a new, empty data dir");
  absl::Status restored =
      wijkwacht::storage::RestoreBackup(from, absl::GetFlag(FLAGS_backup_id), data_dir);
  if (!restored.ok()) {
    std::cerr << "restore: " << restored << "\n";
    return kExitError;
  }
  std::cout << "OK: restored into " << data_dir << "; start wijkwachtd --data_dir " << data_dir
            << " (new signing keys: clients refresh their tokens)\n";
  return kExitOk;
}

int ProgressReport(const Args& args) {
  ExpectArgs(args, 0, "");
  const std::string period = RequiredFlag("period", absl::GetFlag(FLAGS_period), "e.g. 2026-H1");
  const std::string out = RequiredFlag("out", absl::GetFlag(FLAGS_out), "a folder");
  const std::string token = absl::GetFlag(FLAGS_token);
  if (token.empty()) throw UsageError{"report needs a staff token: --token or WIJKWACHT_TOKEN"};
  v1::GetProgressReportRequest request;
  request.set_period(period);
  v1::ProgressReport response;
  auto ctx = NewContext(token);
  grpc::Status s = v1::MapService::NewStub(Channel())->GetProgressReport(ctx.get(), request,
                                                                          &response);
  if (!s.ok()) return ReportRpcError(s);
  std::error_code ignored;
  std::filesystem::create_directories(out, ignored);
  for (const auto& [name, text] :
       {std::pair<std::string, const std::string*>{"tussenstand-" + period + ".html",
                                                   &response.html()},
        {"tussenstand-" + period + ".md", &response.markdown()}}) {
    const std::string path = (std::filesystem::path(out) / name).string();
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << *text;
    if (!file.flush()) {
      std::cerr << "report: cannot write " << path << "\n";
      return 1;
    }
    std::cout << path << "\n";
  }
  return kExitOk;
}

int Help(const Args& args);

struct Command {
  const char* name;
  const char* synopsis;  // arguments and flags after the name
  const char* summary;
  int (*run)(const Args& args);
};

constexpr char kReportFlags[] =
    "--lat DEG --lon DEG --category CODE --description TEXT\n"
    "          [--id UUID] [--role resident|entrepreneur|staff] [--observed_time RFC3339]\n"
    "          [--accuracy METRES]";

const Command kCommands[] = {
    {"submit", kReportFlags,
     "Store a report; prints it as JSON. Without --id a UUID is generated and\n"
     "          printed to stderr as `id: UUID` (resubmitting the same id is safe).\n"
     "          Without --token a throw-away anonymous device is registered first\n"
     "          (its id and refresh token go to stderr).",
     Submit},
    {"preview", kReportFlags,
     "Validate and classify a report without storing it; prints the PreviewReport\n"
     "          response (derived area, theme, matching open incidents) as JSON.\n"
     "          Without --token: as submit.",
     Preview},
    {"get", "ID_OR_NAME",
     "Print one report (UUID or reports/UUID) as JSON. A device token sees only\n"
     "          the device's own reports, a staff token all. Without --token: as submit.",
     Get},
    {"list",
     "[--area CODE] [--theme THEME] [--status STATUS] [--since RFC3339]\n"
     "          [--until RFC3339] [--page_size N] [--all]",
     "Print reports, newest observed first, one JSON object per line; --all\n"
     "          follows next_page_token to the end. Needs a staff token (see login).",
     List},
    {"categories", "[--group person|group|vehicle|surroundings]",
     "Print the published categories: code, group, theme hint, name (tab-separated).",
     Categories},
    {"register", "[--platform NAME]",
     "Register an anonymous device (RegisterDevice); prints device, refresh_token\n"
     "          and access {access_token, expire_time, role} as JSON.",
     Register},
    {"login", "--username NAME [--password_file FILE]",
     "Staff login; prints the access token response as JSON. The password is the\n"
     "          first line of FILE, else read from stdin (no echo on a terminal).",
     Login},
    {"refresh", "--refresh_token TOKEN",
     "Get a new access token for a registered device; prints it as JSON.", Refresh},
    {"verify-entrepreneur", "--device devices/ID --kvk NUMBER --business_name NAME",
     "Admin: mark a device as a verified shopkeeper (role ENTREPRENEUR).",
     VerifyEntrepreneur},
    {"revoke", "--device devices/ID",
     "Revoke a device (admin, or the device's own token); its tokens stop working.",
     Revoke},
    {"partners", "list | rotate --partner partners/ID [--grace 24h]",
     "Admin: list the partner accounts (key id, made, last used, rate limit; never a\n"
     "          secret), or rotate one's api_key: prints the new key once; the old one is\n"
     "          accepted for --grace (default 24h), then refused.",
     Partners},
    {"erase", "--device devices/ID [--data_dir DIR [--master_key_file FILE]]",
     "Erase a reporter (crypto-shredding): destroy the device's data key, sealed\n"
     "          identity and contact details; its reports stay, pseudonymous. Online with an\n"
     "          admin token, or on a stopped server's data dir with --data_dir.",
     Erase},
    {"train", "--out MODEL [--train_file FILE] [--calibration FILE] [--corrections FILE] [--heldout FILE]",
     "Train the theme classifier reproducibly (fixed seed, one thread) from the corpus\n"
     "          (default data/corpus) plus dispatch corrections; prints its evaluation.\n"
     "          Start wijkwachtd with --theme_model MODEL to use it.",
     Train},
    {"aggregates", "verify --data_dir DIR",
     "Recompute every map counter from the stored reports in a stopped server's data\n"
     "          dir and compare; prints OK, or each difference (exit 1).",
     Aggregates},
    {"corrections", "export --data_dir DIR --out FILE",
     "Write the dispatch desk's reclassifications (labelled examples) from a stopped\n"
     "          server's data dir to FILE, for `train --corrections FILE`.",
     Corrections},
    {"report", "--period 2026-H1 --out DIR",
     "Fetch the council's half-year progress report (staff token) and write\n"
     "          DIR/tussenstand-PERIOD.html and .md.",
     ProgressReport},
    {"audit", "verify --data_dir DIR",
     "Check the dispatch audit log's hash chain in a stopped server's data dir;\n"
     "          prints OK, or BROKEN with the first bad sequence (exit 1).",
     Audit},
    {"backup", "[--data_dir DIR --to DIR]",
     "Online (default): the running server at --target takes a consistent backup\n"
     "          into its --backup_dir while serving (admin token); prints it as JSON.\n"
     "          With --data_dir: back up a stopped server's data dir into --to.",
     Backup},
    {"restore", "--from DIR --data_dir NEWDIR [--backup_id N]",
     "Verify a backup's checksums and restore it (default the newest) into an empty\n"
     "          data dir; then start wijkwachtd on it.",
     Restore},
    {"help", "", "Print this text.", Help},
};

std::string UsageText() {
  std::string out =
      "wijkwacht: command-line client for the wijkwacht report service (wijkwachtd).\n\n"
      "usage: wijkwacht SUBCOMMAND [ARGS] [FLAGS]\n\nsubcommands:\n";
  for (const Command& c : kCommands) {
    absl::StrAppend(&out, "  ", c.name, *c.synopsis ? " " : "", c.synopsis, "\n          ",
                    c.summary, "\n");
  }
  absl::StrAppend(
      &out,
      "\ncommon flags:\n"
      "  --target HOST:PORT   server address (default localhost:50051, plaintext)\n"
      "  --timeout DURATION   deadline of each RPC (default 10s)\n"
      "  --pretty             indent JSON output (submit, preview, get, tokens)\n"
      "  --token JWT          access token, sent as `authorization: Bearer JWT`\n"
      "                       (default $WIJKWACHT_TOKEN; tokens expire after 15 minutes)\n"
      "  --tls                connect with TLS; also implied by any flag below\n"
      "  --tls_ca FILE        PEM roots to trust (default: the system's roots)\n"
      "  --tls_cert FILE --tls_key FILE   client certificate and key (mTLS)\n"
      "  --tls_server_name NAME   expect NAME in the server certificate, not the host\n"
      "\nexit status: 0 ok, 1 RPC error (UNAUTHENTICATED and PERMISSION_DENIED come with a\n"
      "hint), 2 the server rejected the input (INVALID_ARGUMENT; every field violation is\n"
      "printed to stderr), 64 bad command line.\n"
      "\nexamples:\n"
      "  wijkwacht categories --group person\n"
      "  wijkwacht submit --lat 52.4870 --lon 4.6578 --category CODE \\\n"
      "      --description \"Winkeldief gesignaleerd in de Breestraat, rende richting station\"\n"
      "  export WIJKWACHT_TOKEN=$(wijkwacht login --username NAME | jq -r .accessToken)\n"
      "  wijkwacht list --area GM0375 --since 2024-05-01T00:00:00Z --all | jq .id\n"
      "  wijkwacht register | jq -r .refreshToken        # keep it; later:\n"
      "  wijkwacht refresh --refresh_token T | jq -r .accessToken\n");
  return out;
}

int Help(const Args&) {
  std::cout << UsageText();
  return kExitOk;
}

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(UsageText());
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() < 2) return Help({});
  const std::string name = positional[1];
  const Args args(positional.begin() + 2, positional.end());
  for (const Command& c : kCommands) {
    if (name != c.name) continue;
    try {
      return c.run(args);
    } catch (const UsageError& e) {
      return Usage(e);
    }
  }
  return Usage({absl::StrCat("unknown subcommand \"", name, "\"")});
}

}  // namespace
}  // namespace wijkwacht::cli

int main(int argc, char** argv) { return wijkwacht::cli::Run(argc, argv); }
