// wijkwacht: command-line client for wijkwachtd, for people and scripts.
//
//   wijkwacht submit --lat 52.487 --lon 4.6578 --category CODE --description "..."
//   wijkwacht get reports/0f8c...        wijkwacht list --area BU03750003 --all
//
// Output is JSON (one object per line for lists) on stdout; errors go to stderr with the gRPC
// code, the message and every google.rpc detail. Exit codes: 0 ok, 1 error, 2 the server said
// INVALID_ARGUMENT, 64 bad command line.
//
// Subcommands are rows of kCommands below: adding one is one function plus one row.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "wijkwacht/v1/report.grpc.pb.h"

// Common.
ABSL_FLAG(std::string, target, "localhost:50051", "wijkwachtd address (host:port)");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(10), "deadline of each RPC");
ABSL_FLAG(bool, pretty, false, "indent JSON output (not for list: that is JSON Lines)");
// submit / preview.
ABSL_FLAG(std::optional<double>, lat, std::nullopt, "latitude, WGS84 degrees");
ABSL_FLAG(std::optional<double>, lon, std::nullopt, "longitude, WGS84 degrees");
ABSL_FLAG(std::string, category, "", "category code (see `wijkwacht categories`)");
ABSL_FLAG(std::string, description, "", "what happened (Dutch free text, 1-4000 bytes)");
ABSL_FLAG(std::string, id, "", "report UUID; generated (and printed to stderr) if empty");
ABSL_FLAG(std::string, role, "resident", "resident | entrepreneur | staff");
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

// Prints `status` with every google.rpc detail to stderr; returns the exit code.
int ReportRpcError(const grpc::Status& status) {
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
  return status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ? kExitInvalidArgument
                                                                   : kExitError;
}

// ---- RPC plumbing ------------------------------------------------------------------------

std::unique_ptr<v1::ReportService::Stub> ReportStub() {
  return v1::ReportService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials()));
}

// A context whose deadline is --timeout from now.
std::unique_ptr<grpc::ClientContext> NewContext() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_timeout)));
  return ctx;
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
  v1::Report response;
  auto ctx = NewContext();
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
  v1::PreviewReportResponse response;
  auto ctx = NewContext();
  grpc::Status s = ReportStub()->PreviewReport(ctx.get(), request, &response);
  if (!s.ok()) return ReportRpcError(s);
  PrintJson(response, absl::GetFlag(FLAGS_pretty));
  return kExitOk;
}

int Get(const Args& args) {
  ExpectArgs(args, 1, "one report id or name: wijkwacht get ID_OR_NAME");
  v1::GetReportRequest request;
  request.set_name(ReportName(args[0]));
  v1::Report response;
  auto ctx = NewContext();
  grpc::Status s = ReportStub()->GetReport(ctx.get(), request, &response);
  if (!s.ok()) return ReportRpcError(s);
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
  auto stub = ReportStub();
  const bool all = absl::GetFlag(FLAGS_all);
  while (true) {
    v1::ListReportsResponse response;
    auto ctx = NewContext();
    grpc::Status s = stub->ListReports(ctx.get(), request, &response);
    if (!s.ok()) return ReportRpcError(s);
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
    auto ctx = NewContext();
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
     "          printed to stderr as `id: UUID` (resubmitting the same id is safe).",
     Submit},
    {"preview", kReportFlags,
     "Validate and classify a report without storing it; prints the PreviewReport\n"
     "          response (derived area, theme, matching open incidents) as JSON.",
     Preview},
    {"get", "ID_OR_NAME", "Print one report (UUID or reports/UUID) as JSON.", Get},
    {"list",
     "[--area CODE] [--theme THEME] [--status STATUS] [--since RFC3339]\n"
     "          [--until RFC3339] [--page_size N] [--all]",
     "Print reports, newest observed first, one JSON object per line; --all\n"
     "          follows next_page_token to the end.",
     List},
    {"categories", "[--group person|group|vehicle|surroundings]",
     "Print the published categories: code, group, theme hint, name (tab-separated).",
     Categories},
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
      "  --pretty             indent JSON output (submit, preview, get)\n"
      "\nexit status: 0 ok, 1 RPC error, 2 the server rejected the input (INVALID_ARGUMENT;\n"
      "every field violation is printed to stderr), 64 bad command line.\n"
      "\nexamples:\n"
      "  wijkwacht categories --group person\n"
      "  wijkwacht submit --lat 52.4870 --lon 4.6578 --category CODE \\\n"
      "      --description \"Winkeldief gesignaleerd in de Breestraat, rende richting station\"\n"
      "  wijkwacht list --area GM0375 --since 2024-05-01T00:00:00Z --all | jq .id\n");
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
