// Integration: the bad-input catalogue (issue 7). A table of malformed requests across every
// API service, each sent to the real server (real tokens, real RocksDB, the real theme model)
// with the right caller, and the code and field path it must get back. The store is seeded
// first, and a checksum over what the API returns (reports, incidents, aggregates with
// indicators, areas, the audit log and a device's feed) must be the same after the catalogue
// as before: no malformed request may harm what is stored.
//
// Also: no public (anonymous or resident) GetAggregates query returns a non-suppressed cell
// with 1-4 reports, whatever the selection.
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "gtest/gtest.h"
#include "s2/s2cell_id.h"
#include "storage/change_feed.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/alert.grpc.pb.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"
#include "wijkwacht/v1/map.grpc.pb.h"
#include "wijkwacht/v1/sync.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kPassword[] = "a long enough password";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
// Seconds of 0001-01-01 and 9999-12-31T23:59:59, the Timestamp range.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;

google::protobuf::Timestamp Ts(absl::Time t) {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}
google::protobuf::Timestamp RawTs(int64_t seconds, int32_t nanos) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(nanos);
  return ts;
}

// --- Hand-built wire format, for what a conforming encoder refuses to send. ---
std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}
// Field `number` as a length-delimited record (wire type 2).
std::string Len(int number, const std::string& bytes) {
  return Varint((uint64_t(number) << 3) | 2) + Varint(bytes.size()) + bytes;
}
// Field `number` as a varint record (wire type 0).
std::string VarintField(int number, uint64_t v) {
  return Varint(uint64_t(number) << 3) + Varint(v);
}
// Field `number` as a 64-bit record (wire type 1).
std::string Fixed64Field(int number, double v) {
  std::string out = Varint((uint64_t(number) << 3) | 1);
  char raw[8];
  std::memcpy(raw, &v, 8);
  out.append(raw, 8);
  return out;
}

// Deterministic serialization, for the store checksum.
std::string Det(const google::protobuf::Message& m) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    m.SerializeToCodedStream(&coded);
  }
  return out;
}
uint64_t Fnv1a(const std::string& s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// What a row's call came back with: the status, and the field paths it named (the
// google.rpc.BadRequest paths, or for Push the per-item error_field of rejected items).
// `problem` is set when the call "succeeded" in a way it must not have.
struct Outcome {
  grpc::Status status;
  std::vector<std::string> fields;
  std::string problem;
};
Outcome FromStatus(grpc::Status status) {
  Outcome o;
  o.fields = ViolatedFields(status);
  o.status = std::move(status);
  return o;
}

// A typed server stream that must be refused: the status it ends with, or OK (after
// cancelling) when the server accepted it and sent a message.
template <typename Response>
grpc::Status RefusedStream(grpc::ClientContext& context,
                           std::unique_ptr<grpc::ClientReader<Response>> reader) {
  Response first;
  if (reader->Read(&first)) {
    context.TryCancel();
    while (reader->Read(&first)) {
    }
    reader->Finish().ok();
    return grpc::Status::OK;
  }
  return reader->Finish();
}

struct Row {
  std::string name;
  std::function<Outcome()> call;
  grpc::StatusCode code;
  // For INVALID_ARGUMENT: must be among the violated field paths ("" = the status names
  // none, e.g. broken wire format). For OK: must be among Outcome::fields (Push items).
  // Otherwise, when not empty: must occur in the error message.
  std::string field;
};

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.options().device_write_burst = 1e6;
    server_.options().peer_write_burst = 1e6;
    absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
    channel_ = server_.channel();
    map_ = v1::MapService::NewStub(channel_);
    sync_ = v1::SyncService::NewStub(channel_);
    alerts_ = v1::AlertService::NewStub(channel_);
    dispatch_ = v1::DispatchService::NewStub(channel_);
    resident_ = server_.resident_token();
    admin_ = server_.admin_token();
    absl::StatusOr<std::string> other = server_.RegisterDevice();
    ASSERT_TRUE(other.ok()) << other.status();
    resident2_ = *other;
    dispatcher_ = Dispatcher("dora");
    shop_ = Entrepreneur("34567890", "Bakkerij De Breestraat");
    ASSERT_FALSE(dispatcher_.empty());
    ASSERT_FALSE(shop_.empty());
    // A fixed aggregate range for the checksum, so it does not move while the test runs.
    checksum_start_ = absl::Now() - absl::Hours(24 * 40);
    checksum_end_ = absl::Now() + absl::Hours(24);
  }

  std::string Dispatcher(const std::string& name) {
    grpc::ClientContext context;
    WithToken(context, admin_);
    v1::CreateAccountRequest request;
    request.set_username(name);
    request.set_role(v1::ROLE_DISPATCHER);
    request.set_password(kPassword);
    v1::Account account;
    grpc::Status status = server_.auth().CreateAccount(&context, request, &account);
    EXPECT_TRUE(status.ok()) << status.error_message();
    absl::StatusOr<std::string> token = server_.Login(name, kPassword);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.value_or("");
  }

  // A device verified as a shopkeeper by the admin, with a token carrying the new role.
  std::string Entrepreneur(const std::string& kvk, const std::string& name) {
    std::string refresh;
    absl::StatusOr<std::string> token = server_.RegisterDevice(&shop_device_, &refresh);
    EXPECT_TRUE(token.ok()) << token.status();
    {
      grpc::ClientContext context;
      WithToken(context, admin_);
      v1::VerifyEntrepreneurRequest request;
      request.set_device(shop_device_);
      request.set_kvk_number(kvk);
      request.set_business_name(name);
      v1::VerifyEntrepreneurResponse response;
      grpc::Status status = server_.auth().VerifyEntrepreneur(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    grpc::ClientContext context;
    v1::RefreshTokenRequest request;
    request.set_refresh_token(refresh);
    v1::TokenResponse response;
    grpc::Status status = server_.auth().RefreshToken(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.role(), v1::ROLE_ENTREPRENEUR);
    return response.access_token();
  }

  // A valid report, `east_m` metres east of the Breestraat, observed `hours_ago` back.
  v1::Report ValidReport(const std::string& text, double east_m = 0, double hours_ago = 0.1,
                         const std::string& category = "winkeldiefstal") {
    v1::Report r = BreestraatReport(NewUuid(rng_), text);
    r.mutable_location()->set_longitude(r.location().longitude() + east_m / 67700);
    *r.mutable_observed_time() = Ts(absl::Now() - absl::Minutes(hours_ago * 60));
    r.set_category(category);
    return r;
  }

  v1::Report MustSubmit(const v1::Report& report, const std::string& token) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::SubmitReportRequest request;
    *request.mutable_report() = report;
    v1::Report out;
    grpc::Status status = server_.reports().SubmitReport(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  v1::Incident GetIncident(const std::string& name) {
    grpc::ClientContext context;
    WithToken(context, dispatcher_);
    v1::GetIncidentRequest request;
    request.set_name(name);
    v1::Incident incident;
    grpc::Status status = dispatch_->GetIncident(&context, request, &incident);
    EXPECT_TRUE(status.ok()) << name << ": " << status.error_message();
    return incident;
  }

  // Seeds reports from two devices in two gemeenten, an alert, a dispatch action and
  // feedback, and an indicator import.
  void Seed() {
    r1_ = MustSubmit(ValidReport("Winkeldief bij de drogist, rent weg met een tas vol spullen", 0, 1),
                     resident_);
    r2_ = MustSubmit(ValidReport("jongen steelt bij de drogist en rent weg", 15, 0.9), resident_);
    v1::Report heemskerk = ValidReport("Groep jongeren hangt bij de supermarkt en maakt herrie",
                                       0, 2, "hangjongeren");
    heemskerk.mutable_location()->set_latitude(52.5115);
    heemskerk.mutable_location()->set_longitude(4.6700);
    r3_ = MustSubmit(heemskerk, resident_);
    r4_ = MustSubmit(ValidReport("Fiets gestolen bij de ingang van de winkel", 300, 3,
                                 "fietsdiefstal"),
                     resident2_);
    ASSERT_FALSE(r1_.incident_id().empty());
    ASSERT_FALSE(r3_.incident_id().empty());
    ASSERT_NE(r1_.incident_id(), r3_.incident_id());

    // An alert from the shopkeeper.
    {
      grpc::ClientContext context;
      WithToken(context, shop_);
      seeded_alert_.set_alert_id(NewUuid(rng_));
      seeded_alert_.set_type(v1::SHOPLIFTER);
      seeded_alert_.set_description("Winkeldief gezien, grijze jas, richting station");
      seeded_alert_.mutable_location()->set_latitude(52.4870);
      seeded_alert_.mutable_location()->set_longitude(4.6578);
      grpc::Status status = alerts_->PublishAlert(&context, seeded_alert_, &alert_);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    // Dispatch: claim, triage, feedback.
    {
      const v1::Incident incident = GetIncident(r1_.incident_id());
      grpc::ClientContext context;
      WithToken(context, dispatcher_);
      v1::ClaimIncidentRequest request;
      request.set_name(incident.name());
      request.set_version(incident.version());
      v1::Incident out;
      grpc::Status status = dispatch_->ClaimIncident(&context, request, &out);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    {
      const v1::Incident incident = GetIncident(r1_.incident_id());
      grpc::ClientContext context;
      WithToken(context, dispatcher_);
      v1::TransitionIncidentRequest request;
      request.set_name(incident.name());
      request.set_version(incident.version());
      request.set_target_status(v1::INCIDENT_TRIAGED);
      request.set_comment("bekeken");
      v1::Incident out;
      grpc::Status status = dispatch_->TransitionIncident(&context, request, &out);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    {
      grpc::ClientContext context;
      WithToken(context, dispatcher_);
      v1::SendFeedbackRequest request;
      request.set_name(r1_.incident_id());
      request.set_message("Bedankt voor uw melding, handhaving gaat erheen.");
      v1::SendFeedbackResponse out;
      grpc::Status status = dispatch_->SendFeedback(&context, request, &out);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    // Indicators.
    {
      grpc::ClientContext context;
      WithToken(context, admin_);
      v1::ImportIndicatorsRequest request;
      request.set_csv(
          "area_code,indicator,period,value,unit,source\n"
          "GM0375,voelt_zich_wel_eens_onveilig,2025,31.5,percent,Veiligheidsmonitor\n");
      v1::ImportIndicatorsResponse out;
      grpc::Status status = map_->ImportIndicators(&context, request, &out);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ASSERT_EQ(out.imported_rows(), 1);
    }
  }

  // --- The store checksum: what the API shows of the stored data, serialized. ---
  struct Checksum {
    std::vector<std::pair<std::string, uint64_t>> parts;
    size_t reports = 0, incidents = 0, cells = 0, audit = 0, feed = 0;
    uint64_t Total() const {
      uint64_t h = 1469598103934665603ull;
      for (const auto& [name, part] : parts) h = Fnv1a(absl::StrCat(name, "=", part, ";"), h);
      return h;
    }
    std::string Describe() const {
      std::vector<std::string> out;
      for (const auto& [name, part] : parts) out.push_back(absl::StrFormat("%s:%016x", name, part));
      return absl::StrJoin(out, " ");
    }
  };

  Checksum StoreChecksum() {
    Checksum sum;
    {  // Every report, all pages, as the admin sees them.
      std::string bytes;
      v1::ListReportsRequest request;
      request.set_page_size(7);
      do {
        grpc::ClientContext context;
        WithToken(context, admin_);
        v1::ListReportsResponse response;
        grpc::Status status = server_.reports().ListReports(&context, request, &response);
        EXPECT_TRUE(status.ok()) << status.error_message();
        if (!status.ok()) break;
        for (const v1::Report& r : response.reports()) bytes += Det(r);
        sum.reports += response.reports_size();
        request.set_page_token(response.next_page_token());
      } while (!request.page_token().empty());
      sum.parts.emplace_back("reports", Fnv1a(bytes));
    }
    {  // Every incident (priority depends on the incident's age, so it is left out).
      std::string bytes;
      v1::ListIncidentsRequest request;
      request.set_page_size(2);
      do {
        grpc::ClientContext context;
        WithToken(context, dispatcher_);
        v1::ListIncidentsResponse response;
        grpc::Status status = dispatch_->ListIncidents(&context, request, &response);
        EXPECT_TRUE(status.ok()) << status.error_message();
        if (!status.ok()) break;
        for (v1::Incident i : response.incidents()) {
          i.clear_priority();
          bytes += Det(i);
        }
        sum.incidents += response.incidents_size();
        request.set_page_token(response.next_page_token());
      } while (!request.page_token().empty());
      sum.parts.emplace_back("incidents", Fnv1a(bytes));
    }
    {  // Counts at gemeente level per day, exact (staff), with the imported indicators.
      std::string bytes;
      for (v1::AggregationPeriod period : {v1::DAY, v1::HALF_YEAR}) {
        grpc::ClientContext context;
        WithToken(context, admin_);
        v1::GetAggregatesRequest request;
        v1::AggregateSelection& s = *request.mutable_selection();
        s.set_level(v1::GEMEENTE);
        s.set_period(period);
        *s.mutable_start_time() = Ts(checksum_start_);
        *s.mutable_end_time() = Ts(checksum_end_);
        s.set_include_indicators(true);
        v1::GetAggregatesResponse response;
        grpc::Status status = map_->GetAggregates(&context, request, &response);
        EXPECT_TRUE(status.ok()) << status.error_message();
        bytes += Det(response);
        sum.cells += response.cells_size();
      }
      sum.parts.emplace_back("aggregates", Fnv1a(bytes));
    }
    {  // The areas, all pages.
      std::string bytes;
      v1::ListAreasRequest request;
      request.set_page_size(100);
      do {
        grpc::ClientContext context;
        v1::ListAreasResponse response;
        grpc::Status status = map_->ListAreas(&context, request, &response);
        EXPECT_TRUE(status.ok()) << status.error_message();
        if (!status.ok()) break;
        bytes += Det(response);
        request.set_page_token(response.next_page_token());
      } while (!request.page_token().empty());
      sum.parts.emplace_back("areas", Fnv1a(bytes));
    }
    {  // The audit log: no refused request may add an entry.
      std::string bytes;
      v1::GetAuditLogRequest request;
      request.set_page_size(3);
      do {
        grpc::ClientContext context;
        WithToken(context, admin_);
        v1::GetAuditLogResponse response;
        grpc::Status status = dispatch_->GetAuditLog(&context, request, &response);
        EXPECT_TRUE(status.ok()) << status.error_message();
        if (!status.ok()) break;
        for (const v1::AuditEntry& e : response.entries()) bytes += Det(e);
        sum.audit += response.entries_size();
        request.set_page_token(response.next_page_token());
      } while (!request.page_token().empty());
      sum.parts.emplace_back("audit", Fnv1a(bytes));
    }
    {  // The seeding resident's feed (own reports, the alert in its buurt, the feedback).
      std::string bytes;
      v1::PullRequest request;
      request.set_page_size(2);
      for (int pages = 0; pages < 100; ++pages) {
        grpc::ClientContext context;
        WithToken(context, resident_);
        v1::PullResponse response;
        grpc::Status status = sync_->Pull(&context, request, &response);
        EXPECT_TRUE(status.ok()) << status.error_message();
        if (!status.ok() || response.changes_size() == 0) break;
        for (v1::FeedChange c : response.changes()) {
          c.clear_cursor();  // sealed afresh on every read (services/public_cursor.h)
          bytes += Det(c);
        }
        sum.feed += response.changes_size();
        request.set_cursor(response.next_cursor());
      }
      sum.parts.emplace_back("feed", Fnv1a(bytes));
    }
    return sum;
  }

  // --- Callers for the rows. ---
  Outcome Raw(const std::string& method, const std::string& bytes, const std::string& token) {
    return FromStatus(RawUnaryCall(channel_, method, bytes, nullptr, token));
  }
  // Opens the server stream `method` with `bytes` sent as-is as its request.
  Outcome RawStream(const std::string& method, const std::string& bytes,
                    const std::string& token) {
    grpc::ClientContext context;
    WithToken(context, token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::internal::RpcMethod rpc(method.c_str(), grpc::internal::RpcMethod::SERVER_STREAMING,
                                  channel_);
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
        grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(channel_.get(), rpc,
                                                                      &context, request));
    return FromStatus(RefusedStream(context, std::move(reader)));
  }
  template <typename Request, typename Response, typename Method>
  Outcome Call(Method method, const std::string& token, const Request& request) {
    grpc::ClientContext context;
    WithToken(context, token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    Response response;
    return FromStatus(method(&context, request, &response));
  }
  Outcome Submit(const std::function<void(v1::Report&)>& mutate) {
    v1::SubmitReportRequest request;
    *request.mutable_report() = ValidReport("Winkeldief rent weg met spullen");
    mutate(*request.mutable_report());
    return Call<v1::SubmitReportRequest, v1::Report>(
        [&](auto* c, const auto& r, auto* o) { return server_.reports().SubmitReport(c, r, o); },
        resident_, request);
  }
  Outcome Preview(const std::function<void(v1::Report&)>& mutate) {
    v1::PreviewReportRequest request;
    *request.mutable_report() = ValidReport("Winkeldief rent weg met spullen");
    mutate(*request.mutable_report());
    return Call<v1::PreviewReportRequest, v1::PreviewReportResponse>(
        [&](auto* c, const auto& r, auto* o) { return server_.reports().PreviewReport(c, r, o); },
        resident_, request);
  }
  Outcome GetReport(const std::string& name, const std::string& token) {
    v1::GetReportRequest request;
    request.set_name(name);
    return Call<v1::GetReportRequest, v1::Report>(
        [&](auto* c, const auto& r, auto* o) { return server_.reports().GetReport(c, r, o); },
        token, request);
  }
  Outcome ListReports(const v1::ListReportsRequest& request, v1::ListReportsResponse* out = nullptr) {
    grpc::ClientContext context;
    WithToken(context, admin_);
    v1::ListReportsResponse response;
    Outcome o = FromStatus(server_.reports().ListReports(&context, request, &response));
    if (out != nullptr) *out = response;
    return o;
  }
  Outcome Categories(const v1::ListCategoriesRequest& request) {
    return Call<v1::ListCategoriesRequest, v1::ListCategoriesResponse>(
        [&](auto* c, const auto& r, auto* o) { return server_.reports().ListCategories(c, r, o); },
        "", request);
  }
  // A valid public selection, changed by `mutate`.
  static v1::AggregateSelection GoodSelection() {
    v1::AggregateSelection s;
    s.set_level(v1::BUURT);
    s.set_period(v1::WEEK);
    *s.mutable_start_time() = Ts(absl::Now() - absl::Hours(24 * 14));
    *s.mutable_end_time() = Ts(absl::Now() + absl::Hours(1));
    return s;
  }
  Outcome Aggregates(const std::function<void(v1::AggregateSelection&)>& mutate,
                     const std::string& token = "") {
    v1::GetAggregatesRequest request;
    *request.mutable_selection() = GoodSelection();
    mutate(*request.mutable_selection());
    return Call<v1::GetAggregatesRequest, v1::GetAggregatesResponse>(
        [&](auto* c, const auto& r, auto* o) { return map_->GetAggregates(c, r, o); }, token,
        request);
  }
  Outcome Areas(const v1::ListAreasRequest& request) {
    return Call<v1::ListAreasRequest, v1::ListAreasResponse>(
        [&](auto* c, const auto& r, auto* o) { return map_->ListAreas(c, r, o); }, "", request);
  }
  Outcome StreamAggregates(const v1::StreamAggregatesRequest& request) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return FromStatus(RefusedStream(context, map_->StreamAggregates(&context, request)));
  }
  Outcome Import(const std::string& csv) {
    v1::ImportIndicatorsRequest request;
    request.set_csv(csv);
    return Call<v1::ImportIndicatorsRequest, v1::ImportIndicatorsResponse>(
        [&](auto* c, const auto& r, auto* o) { return map_->ImportIndicators(c, r, o); }, admin_,
        request);
  }
  Outcome Progress(const std::string& period) {
    v1::GetProgressReportRequest request;
    request.set_period(period);
    return Call<v1::GetProgressReportRequest, v1::ProgressReport>(
        [&](auto* c, const auto& r, auto* o) { return map_->GetProgressReport(c, r, o); }, admin_,
        request);
  }
  // Push: a call error gives the status' fields; otherwise every item must be REJECTED, and
  // the fields are the items' error_field.
  Outcome Push(const std::vector<v1::Report>& reports) {
    v1::PushRequest request;
    for (const v1::Report& r : reports) *request.add_reports() = r;
    grpc::ClientContext context;
    WithToken(context, resident_);
    v1::PushResponse response;
    Outcome o = FromStatus(sync_->Push(&context, request, &response));
    if (!o.status.ok()) return o;
    for (const v1::PushResult& result : response.results()) {
      if (result.outcome() != v1::PushResult::REJECTED) {
        o.problem = absl::StrCat("item ", result.id(), " was not rejected");
      }
      o.fields.push_back(result.error_field());
    }
    return o;
  }
  Outcome Pull(const std::string& cursor, int page_size = 0) {
    v1::PullRequest request;
    request.set_cursor(cursor);
    request.set_page_size(page_size);
    return Call<v1::PullRequest, v1::PullResponse>(
        [&](auto* c, const auto& r, auto* o) { return sync_->Pull(c, r, o); }, resident_, request);
  }
  Outcome Subscribe(const std::string& cursor) {
    grpc::ClientContext context;
    WithToken(context, resident_);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::SubscribeRequest request;
    request.set_cursor(cursor);
    return FromStatus(RefusedStream(context, sync_->Subscribe(&context, request)));
  }
  Outcome Amend(const std::string& name, const std::string& photo, const std::string& note,
                const std::string& token = "") {
    v1::AmendReportRequest request;
    request.set_name(name);
    request.set_photo_ref(photo);
    request.set_note(note);
    return Call<v1::AmendReportRequest, v1::Report>(
        [&](auto* c, const auto& r, auto* o) { return sync_->AmendReport(c, r, o); },
        token.empty() ? resident_ : token, request);
  }
  v1::PublishAlertRequest GoodAlert() {
    v1::PublishAlertRequest r;
    r.set_alert_id(NewUuid(rng_));
    r.set_type(v1::PICKPOCKET);
    r.set_description("Zakkenroller bij de markt");
    r.mutable_location()->set_latitude(52.4870);
    r.mutable_location()->set_longitude(4.6578);
    return r;
  }
  Outcome Publish(const std::function<void(v1::PublishAlertRequest&)>& mutate) {
    v1::PublishAlertRequest request = GoodAlert();
    mutate(request);
    return Call<v1::PublishAlertRequest, v1::Alert>(
        [&](auto* c, const auto& r, auto* o) { return alerts_->PublishAlert(c, r, o); }, shop_,
        request);
  }
  Outcome SubscribeAlerts(const std::function<void(v1::SubscribeAlertsRequest&)>& mutate) {
    v1::SubscribeAlertsRequest request;
    request.mutable_geofence()->mutable_areas()->add_codes("FA037501");
    mutate(request);
    grpc::ClientContext context;
    WithToken(context, shop_);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return FromStatus(RefusedStream(context, alerts_->SubscribeAlerts(&context, request)));
  }
  Outcome Ack(const std::string& name, int kind) {
    v1::AckAlertRequest request;
    request.set_name(name);
    request.set_kind(static_cast<v1::AckAlertRequest::Kind>(kind));
    return Call<v1::AckAlertRequest, v1::AckAlertResponse>(
        [&](auto* c, const auto& r, auto* o) { return alerts_->AckAlert(c, r, o); }, shop_,
        request);
  }
  Outcome Resolve(const std::string& name, const std::string& outcome) {
    v1::ResolveAlertRequest request;
    request.set_name(name);
    request.set_outcome(outcome);
    return Call<v1::ResolveAlertRequest, v1::Alert>(
        [&](auto* c, const auto& r, auto* o) { return alerts_->ResolveAlert(c, r, o); }, shop_,
        request);
  }
  Outcome Retract(const std::string& name, const std::string& reason) {
    v1::RetractAlertRequest request;
    request.set_name(name);
    request.set_reason(reason);
    return Call<v1::RetractAlertRequest, v1::Alert>(
        [&](auto* c, const auto& r, auto* o) { return alerts_->RetractAlert(c, r, o); },
        dispatcher_, request);
  }
  template <typename Request, typename Response, typename Method>
  Outcome Desk(Method method, const Request& request) {
    return Call<Request, Response>(method, dispatcher_, request);
  }
  Outcome GetIncidentCall(const std::string& name) {
    v1::GetIncidentRequest request;
    request.set_name(name);
    return Desk<v1::GetIncidentRequest, v1::Incident>(
        [&](auto* c, const auto& r, auto* o) { return dispatch_->GetIncident(c, r, o); }, request);
  }
  Outcome ListIncidents(const v1::ListIncidentsRequest& request) {
    return Desk<v1::ListIncidentsRequest, v1::ListIncidentsResponse>(
        [&](auto* c, const auto& r, auto* o) { return dispatch_->ListIncidents(c, r, o); }, request);
  }
  Outcome Claim(const std::string& name, int64_t version) {
    v1::ClaimIncidentRequest request;
    request.set_name(name);
    request.set_version(version);
    return Desk<v1::ClaimIncidentRequest, v1::Incident>(
        [&](auto* c, const auto& r, auto* o) { return dispatch_->ClaimIncident(c, r, o); }, request);
  }
  Outcome Transition(const std::string& name, int target, const std::string& comment,
                     int64_t version = -1) {
    v1::TransitionIncidentRequest request;
    request.set_name(name);
    request.set_version(version >= 0 ? version : GetIncident(name).version());
    request.set_target_status(static_cast<v1::IncidentStatus>(target));
    request.set_comment(comment);
    return Desk<v1::TransitionIncidentRequest, v1::Incident>(
        [&](auto* c, const auto& r, auto* o) { return dispatch_->TransitionIncident(c, r, o); },
        request);
  }
  Outcome Merge(const std::string& name, const std::vector<std::string>& merged) {
    v1::MergeIncidentsRequest request;
    request.set_name(name);
    request.set_version(absl::StartsWith(name, "incidents/") && name.size() > 10
                            ? GetIncident(name).version()
                            : 1);
    for (const std::string& m : merged) request.add_merged(m);
    return Desk<v1::MergeIncidentsRequest, v1::Incident>(
        [&](auto* c, const auto& r, auto* o) { return dispatch_->MergeIncidents(c, r, o); },
        request);
  }
  Outcome Split(const std::string& incident, int64_t version, const std::string& report) {
    v1::SplitReportRequest request;
    request.set_incident(incident);
    request.set_version(version);
    request.set_report(report);
    return Desk<v1::SplitReportRequest, v1::Incident>(
        [&](auto* c, const auto& r, auto* o) { return dispatch_->SplitReport(c, r, o); }, request);
  }
  Outcome Reclassify(const std::string& name, int theme, const std::string& category) {
    v1::ReclassifyIncidentRequest request;
    request.set_name(name);
    request.set_version(GetIncident(r1_.incident_id()).version());
    request.set_theme(static_cast<v1::Theme>(theme));
    request.set_category(category);
    return Desk<v1::ReclassifyIncidentRequest, v1::Incident>(
        [&](auto* c, const auto& r, auto* o) { return dispatch_->ReclassifyIncident(c, r, o); },
        request);
  }
  Outcome Feedback(const std::string& name, const std::string& message) {
    v1::SendFeedbackRequest request;
    request.set_name(name);
    request.set_message(message);
    return Desk<v1::SendFeedbackRequest, v1::SendFeedbackResponse>(
        [&](auto* c, const auto& r, auto* o) { return dispatch_->SendFeedback(c, r, o); }, request);
  }
  Outcome AuditLog(int page_size, const std::string& token) {
    v1::GetAuditLogRequest request;
    request.set_page_size(page_size);
    request.set_page_token(token);
    return Call<v1::GetAuditLogRequest, v1::GetAuditLogResponse>(
        [&](auto* c, const auto& r, auto* o) { return dispatch_->GetAuditLog(c, r, o); }, admin_,
        request);
  }
  Outcome WatchQueue(const std::string& cursor) {
    grpc::ClientContext context;
    WithToken(context, dispatcher_);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::WatchQueueRequest request;
    request.set_resume_cursor(cursor);
    return FromStatus(RefusedStream(context, dispatch_->WatchQueue(&context, request)));
  }
  template <typename Request, typename Response, typename Method>
  Outcome Auth(Method method, const std::string& token, const Request& request) {
    return Call<Request, Response>(method, token, request);
  }

  // A SubmitReportRequest around a report whose bytes are `report_bytes`.
  static std::string SubmitBytes(const std::string& report_bytes) { return Len(1, report_bytes); }
  // `message` serialized with the text `placeholder` replaced by `bytes` of the same length.
  static std::string Spliced(const google::protobuf::Message& message, const std::string& placeholder,
                             const std::string& bytes) {
    std::string out = message.SerializeAsString();
    const size_t at = out.find(placeholder);
    EXPECT_NE(at, std::string::npos);
    EXPECT_EQ(placeholder.size(), bytes.size());
    if (at != std::string::npos) out.replace(at, placeholder.size(), bytes);
    return out;
  }

  std::vector<Row> Catalogue();

  std::mt19937_64 rng_{7};
  TempDir dir_;
  ServerFixture server_{dir_.path()};
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::MapService::Stub> map_;
  std::unique_ptr<v1::SyncService::Stub> sync_;
  std::unique_ptr<v1::AlertService::Stub> alerts_;
  std::unique_ptr<v1::DispatchService::Stub> dispatch_;
  std::string resident_, resident2_, dispatcher_, shop_, admin_, shop_device_;
  absl::Time checksum_start_, checksum_end_;
  v1::Report r1_, r2_, r3_, r4_;
  v1::PublishAlertRequest seeded_alert_;
  v1::Alert alert_;
  std::string unknown_uuid_, inc1_, inc3_, beyond_, bad_utf8_, huge_, header_;
};

using Code = grpc::StatusCode;

std::vector<Row> BadInputTest::Catalogue() {
  // The rows run after this function returns: what they use lives in the fixture (a lambda
  // capturing one of these references by reference uses the member it is bound to).
  unknown_uuid_ = "0f0e0d0c-0b0a-4908-8706-050403020100";
  inc1_ = r1_.incident_id();
  inc3_ = r3_.incident_id();
  beyond_ = storage::EncodeCursor(uint64_t{1} << 60);
  bad_utf8_ = "\xc3\x28xxxxxxxxx";  // 11 bytes, like "PLACEHOLDER"
  huge_.assign(5 << 20, 'x');        // over the 4 MiB request limit
  header_ = "area_code,indicator,period,value,unit,source\n";
  const std::string& unknown_uuid = unknown_uuid_;
  const std::string& inc1 = inc1_;
  const std::string& inc3 = inc3_;
  const std::string& beyond = beyond_;
  const std::string& bad_utf8 = bad_utf8_;
  const std::string& huge = huge_;
  const std::string& header = header_;
  std::vector<Row> rows;
  auto add = [&](std::string name, std::function<Outcome()> call, Code code, std::string field) {
    rows.push_back({std::move(name), std::move(call), code, std::move(field)});
  };
  using R = v1::Report;

  // ---------------------------------------------------------------- ReportService.SubmitReport
  add("Submit: no report", [&] {
    return Call<v1::SubmitReportRequest, v1::Report>(
        [&](auto* c, const auto& r, auto* o) { return server_.reports().SubmitReport(c, r, o); },
        resident_, v1::SubmitReportRequest());
  }, Code::INVALID_ARGUMENT, "report");
  add("Submit: empty id", [&] { return Submit([](R& r) { r.clear_id(); }); },
      Code::INVALID_ARGUMENT, "report.id");
  add("Submit: id not a UUID", [&] { return Submit([](R& r) { r.set_id("melding-42"); }); },
      Code::INVALID_ARGUMENT, "report.id");
  add("Submit: UUID with an extra digit", [&] {
    return Submit([&](R& r) { r.set_id(unknown_uuid + "0"); });
  }, Code::INVALID_ARGUMENT, "report.id");
  add("Submit: UUID with non-hex digits", [&] {
    return Submit([](R& r) { r.set_id("0f0e0d0c-0b0a-4908-8706-05040302010g"); });
  }, Code::INVALID_ARGUMENT, "report.id");
  add("Submit: no observed_time", [&] { return Submit([](R& r) { r.clear_observed_time(); }); },
      Code::INVALID_ARGUMENT, "report.observed_time");
  add("Submit: observed in year 1", [&] {
    return Submit([](R& r) { *r.mutable_observed_time() = RawTs(kMinSeconds, 0); });
  }, Code::INVALID_ARGUMENT, "report.observed_time");
  add("Submit: observed in year 9999", [&] {
    return Submit([](R& r) { *r.mutable_observed_time() = RawTs(kMaxSeconds, 0); });
  }, Code::INVALID_ARGUMENT, "report.observed_time");
  add("Submit: observed before year 1 (invalid Timestamp)", [&] {
    return Submit([](R& r) { *r.mutable_observed_time() = RawTs(kMinSeconds - 1, 0); });
  }, Code::INVALID_ARGUMENT, "report.observed_time");
  add("Submit: observed after year 9999 (invalid Timestamp)", [&] {
    return Submit([](R& r) { *r.mutable_observed_time() = RawTs(kMaxSeconds + 1, 0); });
  }, Code::INVALID_ARGUMENT, "report.observed_time");
  add("Submit: observed_time with INT64_MIN seconds", [&] {
    return Submit([](R& r) {
      *r.mutable_observed_time() = RawTs(std::numeric_limits<int64_t>::min(), 0);
    });
  }, Code::INVALID_ARGUMENT, "report.observed_time");
  add("Submit: observed_time nanos = 1e9", [&] {
    return Submit([](R& r) { r.mutable_observed_time()->set_nanos(1000000000); });
  }, Code::INVALID_ARGUMENT, "report.observed_time");
  add("Submit: observed_time nanos = -1", [&] {
    return Submit([](R& r) { r.mutable_observed_time()->set_nanos(-1); });
  }, Code::INVALID_ARGUMENT, "report.observed_time");
  add("Submit: observed a day ahead", [&] {
    return Submit([](R& r) { *r.mutable_observed_time() = Ts(absl::Now() + absl::Hours(24)); });
  }, Code::INVALID_ARGUMENT, "report.observed_time");
  add("Submit: observed 31 days ago", [&] {
    return Submit([](R& r) { *r.mutable_observed_time() = Ts(absl::Now() - absl::Hours(24 * 31)); });
  }, Code::INVALID_ARGUMENT, "report.observed_time");
  add("Submit: no location", [&] { return Submit([](R& r) { r.clear_location(); }); },
      Code::INVALID_ARGUMENT, "report.location");
  add("Submit: latitude NaN", [&] {
    return Submit([](R& r) { r.mutable_location()->set_latitude(kNaN); });
  }, Code::INVALID_ARGUMENT, "report.location.latitude");
  add("Submit: latitude +inf", [&] {
    return Submit([](R& r) { r.mutable_location()->set_latitude(kInf); });
  }, Code::INVALID_ARGUMENT, "report.location.latitude");
  add("Submit: longitude -inf", [&] {
    return Submit([](R& r) { r.mutable_location()->set_longitude(-kInf); });
  }, Code::INVALID_ARGUMENT, "report.location.longitude");
  add("Submit: longitude NaN", [&] {
    return Submit([](R& r) { r.mutable_location()->set_longitude(kNaN); });
  }, Code::INVALID_ARGUMENT, "report.location.longitude");
  add("Submit: latitude 90.0001", [&] {
    return Submit([](R& r) { r.mutable_location()->set_latitude(90.0001); });
  }, Code::INVALID_ARGUMENT, "report.location.latitude");
  add("Submit: latitude -1e308", [&] {
    return Submit([](R& r) { r.mutable_location()->set_latitude(-1e308); });
  }, Code::INVALID_ARGUMENT, "report.location.latitude");
  add("Submit: longitude 180.5", [&] {
    return Submit([](R& r) { r.mutable_location()->set_longitude(180.5); });
  }, Code::INVALID_ARGUMENT, "report.location.longitude");
  add("Submit: null island (0, 0)", [&] {
    return Submit([](R& r) {
      r.mutable_location()->set_latitude(0);
      r.mutable_location()->set_longitude(0);
    });
  }, Code::INVALID_ARGUMENT, "report.location");
  add("Submit: in the North Sea", [&] {
    return Submit([](R& r) {
      r.mutable_location()->set_latitude(52.49);
      r.mutable_location()->set_longitude(4.50);
    });
  }, Code::INVALID_ARGUMENT, "report.location");
  add("Submit: accuracy -1", [&] { return Submit([](R& r) { r.set_accuracy_meters(-1); }); },
      Code::INVALID_ARGUMENT, "report.accuracy_meters");
  add("Submit: accuracy 5000.1", [&] { return Submit([](R& r) { r.set_accuracy_meters(5000.1); }); },
      Code::INVALID_ARGUMENT, "report.accuracy_meters");
  add("Submit: accuracy NaN", [&] { return Submit([](R& r) { r.set_accuracy_meters(kNaN); }); },
      Code::INVALID_ARGUMENT, "report.accuracy_meters");
  add("Submit: accuracy +inf", [&] { return Submit([](R& r) { r.set_accuracy_meters(kInf); }); },
      Code::INVALID_ARGUMENT, "report.accuracy_meters");
  add("Submit: no category", [&] { return Submit([](R& r) { r.clear_category(); }); },
      Code::INVALID_ARGUMENT, "report.category");
  add("Submit: unknown category", [&] { return Submit([](R& r) { r.set_category("ufo"); }); },
      Code::INVALID_ARGUMENT, "report.category");
  add("Submit: 64 KiB category", [&] {
    return Submit([](R& r) { r.set_category(std::string(64 << 10, 'a')); });
  }, Code::INVALID_ARGUMENT, "report.category");
  add("Submit: empty description", [&] { return Submit([](R& r) { r.clear_description(); }); },
      Code::INVALID_ARGUMENT, "report.description");
  add("Submit: 4001-byte description", [&] {
    return Submit([](R& r) { r.set_description(std::string(4001, 'a')); });
  }, Code::INVALID_ARGUMENT, "report.description");
  add("Submit: 1 MiB description", [&] {
    return Submit([](R& r) { r.set_description(std::string(1 << 20, 'a')); });
  }, Code::INVALID_ARGUMENT, "report.description");
  add("Submit: NUL in description", [&] {
    return Submit([](R& r) { r.set_description(std::string("dief\0weg", 8)); });
  }, Code::INVALID_ARGUMENT, "report.description");
  add("Submit: escape character in description", [&] {
    return Submit([](R& r) { r.set_description("dief \x1b[31mrood"); });
  }, Code::INVALID_ARGUMENT, "report.description");
  add("Submit: C1 control U+0085 in description", [&] {
    return Submit([](R& r) { r.set_description("dief \xc2\x85 weg"); });
  }, Code::INVALID_ARGUMENT, "report.description");
  add("Submit: whitespace-only description", [&] {
    return Submit([](R& r) { r.set_description("  \n\t  "); });
  }, Code::INVALID_ARGUMENT, "report.description");
  add("Submit: punctuation-only description", [&] {
    return Submit([](R& r) { r.set_description("?!... --"); });
  }, Code::INVALID_ARGUMENT, "report.description");
  add("Submit: emoji-only description", [&] {
    return Submit([](R& r) { r.set_description("\xf0\x9f\x9a\xb2\xf0\x9f\x9a\xa8"); });
  }, Code::INVALID_ARGUMENT, "report.description");
  add("Submit: two bad fields at once", [&] {
    return Submit([](R& r) {
      r.set_description("");
      r.set_accuracy_meters(-3);
    });
  }, Code::INVALID_ARGUMENT, "report.accuracy_meters");
  add("Submit: invalid UTF-8 in description (wire)", [&] {
    v1::SubmitReportRequest request;
    *request.mutable_report() = ValidReport("PLACEHOLDER");
    return Raw("/wijkwacht.v1.ReportService/SubmitReport", Spliced(request, "PLACEHOLDER", bad_utf8),
               resident_);
  }, Code::INVALID_ARGUMENT, "report.description");
  add("Submit: overlong UTF-8 '/' in description (wire)", [&] {
    v1::SubmitReportRequest request;
    *request.mutable_report() = ValidReport("PLACEHOLDER");
    return Raw("/wijkwacht.v1.ReportService/SubmitReport",
               Spliced(request, "PLACEHOLDER", "\xc0\xafxxxxxxxxx"), resident_);
  }, Code::INVALID_ARGUMENT, "report.description");
  add("Submit: UTF-16 surrogate in category (wire)", [&] {
    v1::SubmitReportRequest request;
    *request.mutable_report() = ValidReport("Winkeldief");
    request.mutable_report()->set_category("PLACEHOLDER");
    return Raw("/wijkwacht.v1.ReportService/SubmitReport",
               Spliced(request, "PLACEHOLDER", "\xed\xa0\x80xxxxxxxx"), resident_);
  }, Code::INVALID_ARGUMENT, "report.category");
  add("Submit: invalid UTF-8 in id (wire)", [&] {
    v1::SubmitReportRequest request;
    *request.mutable_report() = ValidReport("Winkeldief");
    request.mutable_report()->set_id("PLACEHOLDER");
    return Raw("/wijkwacht.v1.ReportService/SubmitReport", Spliced(request, "PLACEHOLDER", bad_utf8),
               resident_);
  }, Code::INVALID_ARGUMENT, "report.id");
  add("Submit: garbage bytes (wire)", [&] {
    return Raw("/wijkwacht.v1.ReportService/SubmitReport", "\xff\xff\xff", resident_);
  }, Code::INVALID_ARGUMENT, "");
  add("Submit: truncated message (wire)", [&] {
    v1::SubmitReportRequest request;
    *request.mutable_report() = ValidReport("Winkeldief rent weg");
    const std::string bytes = request.SerializeAsString();
    return Raw("/wijkwacht.v1.ReportService/SubmitReport", bytes.substr(0, bytes.size() - 5),
               resident_);
  }, Code::INVALID_ARGUMENT, "");
  add("Submit: report length prefix beyond the end (wire)", [&] {
    return Raw("/wijkwacht.v1.ReportService/SubmitReport", "\x0a\xff\xff\xff\x0f" "abc", resident_);
  }, Code::INVALID_ARGUMENT, "");
  add("Submit: latitude sent as a string (wire)", [&] {
    R report = ValidReport("Winkeldief rent weg");
    report.clear_location();
    const std::string latlng = Len(1, "52.4870") + Fixed64Field(2, 4.6578);
    return Raw("/wijkwacht.v1.ReportService/SubmitReport",
               SubmitBytes(report.SerializeAsString() + Len(5, latlng)), resident_);
  }, Code::INVALID_ARGUMENT, "report.location.latitude");
  add("Submit: accuracy sent as a varint (wire)", [&] {
    R report = ValidReport("Winkeldief rent weg");
    report.clear_accuracy_meters();
    return Raw("/wijkwacht.v1.ReportService/SubmitReport",
               SubmitBytes(report.SerializeAsString() + VarintField(6, 10)), resident_);
  }, Code::INVALID_ARGUMENT, "report.accuracy_meters");
  add("Submit: report sent as a varint (wire)", [&] {
    return Raw("/wijkwacht.v1.ReportService/SubmitReport", VarintField(1, 42), resident_);
  }, Code::INVALID_ARGUMENT, "report");
  add("Submit: over the 4 MiB request limit", [&] {
    return Submit([&](R& r) { r.set_description(huge); });
  }, Code::RESOURCE_EXHAUSTED, "");
  add("Submit: seeded id with other content", [&] {
    return Submit([&](R& r) {
      r.set_id(r1_.id());
      r.set_description("Iets heel anders");
    });
  }, Code::ALREADY_EXISTS, "report.id");
  add("Submit: seeded id in upper case with other content", [&] {
    return Submit([&](R& r) {
      r.set_id(absl::AsciiStrToUpper(r1_.id()));
      r.set_description("Iets heel anders");
    });
  }, Code::ALREADY_EXISTS, "report.id");

  // --------------------------------------------------------------- ReportService.PreviewReport
  add("Preview: no report", [&] {
    return Call<v1::PreviewReportRequest, v1::PreviewReportResponse>(
        [&](auto* c, const auto& r, auto* o) { return server_.reports().PreviewReport(c, r, o); },
        resident_, v1::PreviewReportRequest());
  }, Code::INVALID_ARGUMENT, "report");
  add("Preview: latitude -inf", [&] {
    return Preview([](R& r) { r.mutable_location()->set_latitude(-kInf); });
  }, Code::INVALID_ARGUMENT, "report.location.latitude");
  add("Preview: observed_time nanos 2e9", [&] {
    return Preview([](R& r) { r.mutable_observed_time()->set_nanos(2000000000); });
  }, Code::INVALID_ARGUMENT, "report.observed_time");
  add("Preview: retired or unknown category", [&] {
    return Preview([](R& r) { r.set_category("WINKELDIEFSTAL"); });
  }, Code::INVALID_ARGUMENT, "report.category");
  add("Preview: invalid UTF-8 in description (wire)", [&] {
    v1::PreviewReportRequest request;
    *request.mutable_report() = ValidReport("PLACEHOLDER");
    return Raw("/wijkwacht.v1.ReportService/PreviewReport",
               Spliced(request, "PLACEHOLDER", bad_utf8), resident_);
  }, Code::INVALID_ARGUMENT, "report.description");

  // ------------------------------------------------------------------- ReportService.GetReport
  add("GetReport: empty name", [&] { return GetReport("", resident_); }, Code::INVALID_ARGUMENT,
      "name");
  add("GetReport: bare UUID without collection", [&] { return GetReport(r1_.id(), resident_); },
      Code::INVALID_ARGUMENT, "name");
  add("GetReport: wrong collection", [&] {
    return GetReport("incidents/" + r1_.id(), resident_);
  }, Code::INVALID_ARGUMENT, "name");
  add("GetReport: trailing path segment", [&] {
    return GetReport(r1_.name() + "/photos", resident_);
  }, Code::INVALID_ARGUMENT, "name");
  add("GetReport: path traversal", [&] { return GetReport("reports/../devices", resident_); },
      Code::INVALID_ARGUMENT, "name");
  add("GetReport: id not a UUID", [&] { return GetReport("reports/42", resident_); },
      Code::INVALID_ARGUMENT, "name");
  add("GetReport: unknown report", [&] { return GetReport("reports/" + unknown_uuid, resident_); },
      Code::NOT_FOUND, "");
  add("GetReport: another device's report", [&] { return GetReport(r1_.name(), resident2_); },
      Code::NOT_FOUND, "");
  add("GetReport: invalid UTF-8 in name (wire)", [&] {
    return Raw("/wijkwacht.v1.ReportService/GetReport", Len(1, "reports/\xff\xfe"), resident_);
  }, Code::INVALID_ARGUMENT, "name");
  add("GetReport: name sent as a varint (wire)", [&] {
    return Raw("/wijkwacht.v1.ReportService/GetReport", VarintField(1, 42), resident_);
  }, Code::INVALID_ARGUMENT, "name");

  // ----------------------------------------------------------------- ReportService.ListReports
  add("ListReports: page_size -1", [&] {
    v1::ListReportsRequest r;
    r.set_page_size(-1);
    return ListReports(r);
  }, Code::INVALID_ARGUMENT, "page_size");
  add("ListReports: page_size INT32_MIN", [&] {
    v1::ListReportsRequest r;
    r.set_page_size(std::numeric_limits<int32_t>::min());
    return ListReports(r);
  }, Code::INVALID_ARGUMENT, "page_size");
  add("ListReports: page_token not base64", [&] {
    v1::ListReportsRequest r;
    r.set_page_token("garbage!");
    return ListReports(r);
  }, Code::INVALID_ARGUMENT, "page_token");
  add("ListReports: page_token base64 of junk", [&] {
    v1::ListReportsRequest r;
    r.set_page_token("AAAAAAAAAAAAAAAAAAAA");
    return ListReports(r);
  }, Code::INVALID_ARGUMENT, "page_token");
  add("ListReports: page_token of other filters", [&] {
    v1::ListReportsRequest first;
    first.set_page_size(1);
    v1::ListReportsResponse page;
    ListReports(first, &page);
    v1::ListReportsRequest r;
    r.set_page_size(1);
    r.set_page_token(page.next_page_token());
    r.set_theme(v1::YOUTH);
    return ListReports(r);
  }, Code::INVALID_ARGUMENT, "page_token");
  add("ListReports: theme 99", [&] {
    v1::ListReportsRequest r;
    r.set_theme(static_cast<v1::Theme>(99));
    return ListReports(r);
  }, Code::INVALID_ARGUMENT, "theme");
  add("ListReports: status -5", [&] {
    v1::ListReportsRequest r;
    r.set_status(static_cast<v1::ReportStatus>(-5));
    return ListReports(r);
  }, Code::INVALID_ARGUMENT, "status");
  add("ListReports: start_time nanos -1", [&] {
    v1::ListReportsRequest r;
    *r.mutable_start_time() = RawTs(1700000000, -1);
    return ListReports(r);
  }, Code::INVALID_ARGUMENT, "start_time");
  add("ListReports: end_time after year 9999", [&] {
    v1::ListReportsRequest r;
    *r.mutable_end_time() = RawTs(kMaxSeconds + 1, 0);
    return ListReports(r);
  }, Code::INVALID_ARGUMENT, "end_time");
  add("ListReports: end_time before start_time", [&] {
    v1::ListReportsRequest r;
    *r.mutable_start_time() = Ts(absl::Now());
    *r.mutable_end_time() = Ts(absl::Now() - absl::Hours(1));
    return ListReports(r);
  }, Code::INVALID_ARGUMENT, "end_time");
  add("ListReports: end_time at the epoch lists nothing", [&] {
    v1::ListReportsRequest r;
    *r.mutable_end_time() = RawTs(0, 0);
    v1::ListReportsResponse page;
    Outcome o = ListReports(r, &page);
    if (page.reports_size() > 0) {
      o.problem = absl::StrCat(page.reports_size(), " reports observed after end_time 1970-01-01");
    }
    return o;
  }, Code::OK, "");
  add("ListReports: range in year 1 lists nothing", [&] {
    v1::ListReportsRequest r;
    *r.mutable_start_time() = RawTs(kMinSeconds, 0);
    *r.mutable_end_time() = RawTs(kMinSeconds + 86400, 0);
    v1::ListReportsResponse page;
    Outcome o = ListReports(r, &page);
    if (page.reports_size() > 0) {
      o.problem = absl::StrCat(page.reports_size(), " reports observed outside [0001-01-01, +1d)");
    }
    return o;
  }, Code::OK, "");
  add("ListReports: page_size sent as a string (wire)", [&] {
    return Raw("/wijkwacht.v1.ReportService/ListReports", Len(1, "abc"), admin_);
  }, Code::INVALID_ARGUMENT, "page_size");
  add("ListReports: theme sent as fixed64 (wire)", [&] {
    return Raw("/wijkwacht.v1.ReportService/ListReports", Fixed64Field(4, 1.0), admin_);
  }, Code::INVALID_ARGUMENT, "theme");
  add("ListReports: invalid UTF-8 in area_code (wire)", [&] {
    return Raw("/wijkwacht.v1.ReportService/ListReports", Len(3, "GM\xff\x30"), admin_);
  }, Code::INVALID_ARGUMENT, "area_code");

  // -------------------------------------------------------------- ReportService.ListCategories
  add("ListCategories: page_size -7", [&] {
    v1::ListCategoriesRequest r;
    r.set_page_size(-7);
    return Categories(r);
  }, Code::INVALID_ARGUMENT, "page_size");
  add("ListCategories: group 42", [&] {
    v1::ListCategoriesRequest r;
    r.set_group(static_cast<v1::CategoryGroup>(42));
    return Categories(r);
  }, Code::INVALID_ARGUMENT, "group");
  add("ListCategories: page_token garbage", [&] {
    v1::ListCategoriesRequest r;
    r.set_page_token("%%%");
    return Categories(r);
  }, Code::INVALID_ARGUMENT, "page_token");
  add("ListCategories: page_token of another group", [&] {
    v1::ListCategoriesRequest r;
    r.set_group(v1::VEHICLE);
    r.set_page_token(absl::WebSafeBase64Escape("1:5"));
    return Categories(r);
  }, Code::INVALID_ARGUMENT, "page_token");
  add("ListCategories: page_token with a negative offset", [&] {
    v1::ListCategoriesRequest r;
    r.set_page_token(absl::WebSafeBase64Escape("0:-5"));
    return Categories(r);
  }, Code::INVALID_ARGUMENT, "page_token");

  // ------------------------------------------------------------------ MapService.GetAggregates
  add("GetAggregates: no selection", [&] {
    return Call<v1::GetAggregatesRequest, v1::GetAggregatesResponse>(
        [&](auto* c, const auto& r, auto* o) { return map_->GetAggregates(c, r, o); }, "",
        v1::GetAggregatesRequest());
  }, Code::INVALID_ARGUMENT, "selection");
  add("GetAggregates: level unspecified", [&] {
    return Aggregates([](auto& s) { s.clear_level(); });
  }, Code::INVALID_ARGUMENT, "selection.level");
  add("GetAggregates: level 99", [&] {
    return Aggregates([](auto& s) { s.set_level(static_cast<v1::AreaLevel>(99)); });
  }, Code::INVALID_ARGUMENT, "selection.level");
  add("GetAggregates: period unspecified", [&] {
    return Aggregates([](auto& s) { s.clear_period(); });
  }, Code::INVALID_ARGUMENT, "selection.period");
  add("GetAggregates: period -1", [&] {
    return Aggregates([](auto& s) { s.set_period(static_cast<v1::AggregationPeriod>(-1)); });
  }, Code::INVALID_ARGUMENT, "selection.period");
  add("GetAggregates: theme THEME_UNSPECIFIED", [&] {
    return Aggregates([](auto& s) { s.add_themes(v1::THEME_UNSPECIFIED); });
  }, Code::INVALID_ARGUMENT, "selection.themes[0]");
  add("GetAggregates: second theme out of range", [&] {
    return Aggregates([](auto& s) {
      s.add_themes(v1::YOUTH);
      s.add_themes(static_cast<v1::Theme>(6));
    });
  }, Code::INVALID_ARGUMENT, "selection.themes[1]");
  add("GetAggregates: no start_time", [&] {
    return Aggregates([](auto& s) { s.clear_start_time(); });
  }, Code::INVALID_ARGUMENT, "selection.start_time");
  add("GetAggregates: no end_time", [&] {
    return Aggregates([](auto& s) { s.clear_end_time(); });
  }, Code::INVALID_ARGUMENT, "selection.end_time");
  add("GetAggregates: start_time before year 1", [&] {
    return Aggregates([](auto& s) { *s.mutable_start_time() = RawTs(kMinSeconds - 1, 0); });
  }, Code::INVALID_ARGUMENT, "selection.start_time");
  add("GetAggregates: end_time nanos 1e9", [&] {
    return Aggregates([](auto& s) { s.mutable_end_time()->set_nanos(1000000000); });
  }, Code::INVALID_ARGUMENT, "selection.end_time");
  add("GetAggregates: end_time equal to start_time", [&] {
    return Aggregates([](auto& s) { *s.mutable_end_time() = s.start_time(); });
  }, Code::INVALID_ARGUMENT, "selection.end_time");
  add("GetAggregates: days from year 1 to 9999", [&] {
    return Aggregates([](auto& s) {
      s.set_period(v1::DAY);
      *s.mutable_start_time() = RawTs(kMinSeconds, 0);
      *s.mutable_end_time() = RawTs(kMaxSeconds, 0);
    });
  }, Code::INVALID_ARGUMENT, "selection.end_time");
  add("GetAggregates: unknown area code", [&] {
    return Aggregates([](auto& s) { s.add_area_codes("BU99999999"); });
  }, Code::INVALID_ARGUMENT, "selection.area_codes[0]");
  add("GetAggregates: gemeente code at buurt level", [&] {
    return Aggregates([](auto& s) {
      s.add_area_codes("GM0375");
    });
  }, Code::INVALID_ARGUMENT, "selection.area_codes[0]");
  add("GetAggregates: empty area code", [&] {
    return Aggregates([](auto& s) { s.add_area_codes(""); });
  }, Code::INVALID_ARGUMENT, "selection.area_codes[0]");
  add("GetAggregates: s2_cell_level 31", [&] {
    return Aggregates([](auto& s) { s.set_s2_cell_level(31); });
  }, Code::INVALID_ARGUMENT, "selection.s2_cell_level");
  add("GetAggregates: s2_cell_level -1", [&] {
    return Aggregates([](auto& s) { s.set_s2_cell_level(-1); });
  }, Code::INVALID_ARGUMENT, "selection.s2_cell_level");
  add("GetAggregates: invalid UTF-8 in area code (wire)", [&] {
    v1::GetAggregatesRequest request;
    *request.mutable_selection() = GoodSelection();
    request.mutable_selection()->add_area_codes("PLACEHOLDER");
    return Raw("/wijkwacht.v1.MapService/GetAggregates", Spliced(request, "PLACEHOLDER", bad_utf8),
               "");
  }, Code::INVALID_ARGUMENT, "selection.area_codes");
  add("GetAggregates: level sent as a string (wire)", [&] {
    v1::GetAggregatesRequest request;
    v1::AggregateSelection s = GoodSelection();
    s.clear_level();
    return Raw("/wijkwacht.v1.MapService/GetAggregates",
               Len(1, s.SerializeAsString() + Len(1, "BUURT")), "");
  }, Code::INVALID_ARGUMENT, "selection.level");

  // ---------------------------------------------------------------------- MapService.ListAreas
  add("ListAreas: page_size -1", [&] {
    v1::ListAreasRequest r;
    r.set_page_size(-1);
    return Areas(r);
  }, Code::INVALID_ARGUMENT, "page_size");
  add("ListAreas: level 17", [&] {
    v1::ListAreasRequest r;
    r.set_level(static_cast<v1::AreaLevel>(17));
    return Areas(r);
  }, Code::INVALID_ARGUMENT, "level");
  add("ListAreas: page_token garbage", [&] {
    v1::ListAreasRequest r;
    r.set_page_token("not a token");
    return Areas(r);
  }, Code::INVALID_ARGUMENT, "page_token");
  add("ListAreas: page_token with a negative offset", [&] {
    v1::ListAreasRequest r;
    r.set_page_token(absl::WebSafeBase64Escape("-5"));
    return Areas(r);
  }, Code::INVALID_ARGUMENT, "page_token");
  add("ListAreas: page_token with an overflowing offset", [&] {
    v1::ListAreasRequest r;
    r.set_page_token(absl::WebSafeBase64Escape("99999999999999999999999"));
    return Areas(r);
  }, Code::INVALID_ARGUMENT, "page_token");
  add("ListAreas: invalid UTF-8 in parent_code (wire)", [&] {
    return Raw("/wijkwacht.v1.MapService/ListAreas", Len(4, "WK\x80\x80"), "");
  }, Code::INVALID_ARGUMENT, "parent_code");

  // --------------------------------------------------------------- MapService.StreamAggregates
  // The server streams parse their requests themselves (services/stream_call.h), so a request
  // that does not parse (e.g. invalid UTF-8 in a cursor) names its field like a unary one.
  add("StreamAggregates: no selection", [&] {
    return StreamAggregates(v1::StreamAggregatesRequest());
  }, Code::INVALID_ARGUMENT, "selection");
  add("StreamAggregates: level unspecified", [&] {
    v1::StreamAggregatesRequest r;
    *r.mutable_selection() = GoodSelection();
    r.mutable_selection()->clear_level();
    return StreamAggregates(r);
  }, Code::INVALID_ARGUMENT, "selection.level");
  add("StreamAggregates: resume_cursor garbage", [&] {
    v1::StreamAggregatesRequest r;
    *r.mutable_selection() = GoodSelection();
    r.set_resume_cursor("c1.!!!");
    return StreamAggregates(r);
  }, Code::INVALID_ARGUMENT, "resume_cursor");
  add("StreamAggregates: resume_cursor beyond the newest change", [&] {
    v1::StreamAggregatesRequest r;
    *r.mutable_selection() = GoodSelection();
    r.set_resume_cursor(beyond);
    return StreamAggregates(r);
  }, Code::INVALID_ARGUMENT, "resume_cursor");
  add("StreamAggregates: invalid UTF-8 in resume_cursor (wire)", [&] {
    v1::StreamAggregatesRequest r;
    *r.mutable_selection() = GoodSelection();
    return RawStream("/wijkwacht.v1.MapService/StreamAggregates",
                     r.SerializeAsString() + Len(2, "c1.\xff"), "");
  }, Code::INVALID_ARGUMENT, "resume_cursor");
  add("StreamAggregates: broken wire format", [&] {
    return RawStream("/wijkwacht.v1.MapService/StreamAggregates", "\xff\xff\xff", "");
  }, Code::INVALID_ARGUMENT, "");

  // --------------------------------------------------------------- MapService.ImportIndicators
  add("ImportIndicators: empty csv", [&] { return Import(""); }, Code::INVALID_ARGUMENT, "csv");
  add("ImportIndicators: unknown header", [&] {
    return Import("code,name,value\nGM0375,x,1.0\n");
  }, Code::INVALID_ARGUMENT, "csv.line[1]");
  add("ImportIndicators: value not a number", [&] {
    return Import(header + "GM0375,onveilig,2025,abc,percent,monitor\n");
  }, Code::INVALID_ARGUMENT, "csv.line[2].value");
  add("ImportIndicators: value NaN", [&] {
    return Import(header + "GM0375,onveilig,2025,NaN,percent,monitor\n");
  }, Code::INVALID_ARGUMENT, "csv.line[2].value");
  add("ImportIndicators: value 1e999", [&] {
    return Import(header + "GM0375,onveilig,2025,1e999,percent,monitor\n");
  }, Code::INVALID_ARGUMENT, "csv.line[2].value");
  add("ImportIndicators: unknown area code", [&] {
    return Import(header + "GM9999,onveilig,2025,1.5,percent,monitor\n");
  }, Code::INVALID_ARGUMENT, "csv.line[2].area_code");
  add("ImportIndicators: period 2026-H3", [&] {
    return Import(header + "GM0375,onveilig,2026-H3,1.5,percent,monitor\n");
  }, Code::INVALID_ARGUMENT, "csv.line[2].period");
  add("ImportIndicators: too few fields", [&] {
    return Import(header + "GM0375,onveilig,2025\n");
  }, Code::INVALID_ARGUMENT, "csv.line[2]");
  add("ImportIndicators: unclosed quote", [&] {
    return Import(header + "GM0375,\"onveilig,2025,1.5,percent,monitor\n");
  }, Code::INVALID_ARGUMENT, "csv.line[2]");
  add("ImportIndicators: duplicate key on line 3", [&] {
    return Import(header + "GM0375,onveilig,2025,1.5,percent,monitor\n"
                           "GM0375,onveilig,2025,2.5,percent,monitor\n");
  }, Code::INVALID_ARGUMENT, "csv.line[3]");
  add("ImportIndicators: control character in a field", [&] {
    return Import(header + "GM0375,onv\x01veilig,2025,1.5,percent,monitor\n");
  }, Code::INVALID_ARGUMENT, "csv.line[2].indicator");
  add("ImportIndicators: good line then a bad line stores nothing", [&] {
    return Import(header + "GM0375,nieuw_cijfer,2025,1.5,percent,monitor\n"
                           "GM0375,nieuw_cijfer,2026,abc,percent,monitor\n");
  }, Code::INVALID_ARGUMENT, "csv.line[3].value");
  add("ImportIndicators: invalid UTF-8 in csv (wire)", [&] {
    return Raw("/wijkwacht.v1.MapService/ImportIndicators",
               Len(1, header + "GM0375,onveilig\xff,2025,1.5,percent,monitor\n"), admin_);
  }, Code::INVALID_ARGUMENT, "csv");

  // -------------------------------------------------------------- MapService.GetProgressReport
  add("GetProgressReport: empty period", [&] { return Progress(""); }, Code::INVALID_ARGUMENT,
      "period");
  add("GetProgressReport: period 2026-H3", [&] { return Progress("2026-H3"); },
      Code::INVALID_ARGUMENT, "period");
  add("GetProgressReport: period of a month", [&] { return Progress("2026-03"); },
      Code::INVALID_ARGUMENT, "period");
  add("GetProgressReport: period in year 99999", [&] { return Progress("99999-H1"); },
      Code::INVALID_ARGUMENT, "period");

  // ------------------------------------------------------------------------- SyncService.Push
  add("Push: no reports", [&] { return Push({}); }, Code::INVALID_ARGUMENT, "reports");
  add("Push: 101 reports", [&] {
    std::vector<v1::Report> reports;
    for (int i = 0; i < 101; ++i) reports.push_back(ValidReport(absl::StrCat("melding ", i)));
    return Push(reports);
  }, Code::INVALID_ARGUMENT, "reports");
  add("Push: item with NaN latitude is rejected", [&] {
    R r = ValidReport("Winkeldief");
    r.mutable_location()->set_latitude(kNaN);
    return Push({r});
  }, Code::OK, "reports[0].location.latitude");
  add("Push: second item observed in year 9999 is rejected", [&] {
    R a = ValidReport("Winkeldief");
    a.clear_description();
    R b = ValidReport("Winkeldief");
    *b.mutable_observed_time() = RawTs(kMaxSeconds, 999999999);
    return Push({a, b});
  }, Code::OK, "reports[1].observed_time");
  add("Push: item replaying a seeded id with other content is rejected", [&] {
    R r = ValidReport("Iets heel anders");
    r.set_id(r1_.id());
    return Push({r});
  }, Code::OK, "reports[0].id");
  add("Push: invalid UTF-8 in an item (wire)", [&] {
    v1::PushRequest request;
    *request.add_reports() = ValidReport("PLACEHOLDER");
    return Raw("/wijkwacht.v1.SyncService/Push", Spliced(request, "PLACEHOLDER", bad_utf8),
               resident_);
  }, Code::INVALID_ARGUMENT, "reports.description");

  // ------------------------------------------------------------------------- SyncService.Pull
  add("Pull: cursor garbage", [&] { return Pull("garbage"); }, Code::INVALID_ARGUMENT, "cursor");
  add("Pull: cursor with the right prefix, wrong length", [&] {
    return Pull("c1." + absl::WebSafeBase64Escape("1234"));
  }, Code::INVALID_ARGUMENT, "cursor");
  add("Pull: cursor beyond the newest change", [&] { return Pull(beyond); },
      Code::INVALID_ARGUMENT, "cursor");
  add("Pull: page_size -1", [&] { return Pull("", -1); }, Code::INVALID_ARGUMENT, "page_size");
  add("Pull: invalid UTF-8 in cursor (wire)", [&] {
    return Raw("/wijkwacht.v1.SyncService/Pull", Len(1, "c1.\xff"), resident_);
  }, Code::INVALID_ARGUMENT, "cursor");

  // -------------------------------------------------------------------- SyncService.Subscribe
  add("Subscribe: cursor garbage", [&] { return Subscribe("garbage"); }, Code::INVALID_ARGUMENT,
      "cursor");
  add("Subscribe: cursor beyond the newest change", [&] { return Subscribe(beyond); },
      Code::INVALID_ARGUMENT, "cursor");
  add("Subscribe: invalid UTF-8 in cursor (wire)", [&] {
    return RawStream("/wijkwacht.v1.SyncService/Subscribe", Len(1, "c1.\xff"), resident_);
  }, Code::INVALID_ARGUMENT, "cursor");
  add("Subscribe: cursor with another wire type (wire)", [&] {
    return RawStream("/wijkwacht.v1.SyncService/Subscribe", VarintField(1, 42), resident_);
  }, Code::INVALID_ARGUMENT, "cursor");

  // ------------------------------------------------------------------ SyncService.AmendReport
  add("AmendReport: empty name", [&] { return Amend("", "", "nog een opmerking"); },
      Code::INVALID_ARGUMENT, "name");
  add("AmendReport: malformed name", [&] { return Amend("reports/abc", "", "opmerking"); },
      Code::INVALID_ARGUMENT, "name");
  add("AmendReport: neither photo_ref nor note", [&] { return Amend(r1_.name(), "", ""); },
      Code::INVALID_ARGUMENT, "note");
  add("AmendReport: 2001-byte note", [&] {
    return Amend(r1_.name(), "", std::string(2001, 'n'));
  }, Code::INVALID_ARGUMENT, "note");
  add("AmendReport: bell character in note", [&] { return Amend(r1_.name(), "", "ding\x07"); },
      Code::INVALID_ARGUMENT, "note");
  add("AmendReport: photo_ref not photos/{uuid}", [&] {
    return Amend(r1_.name(), "https://example.org/x.jpg", "");
  }, Code::INVALID_ARGUMENT, "photo_ref");
  add("AmendReport: another device's report", [&] {
    return Amend(r1_.name(), "", "niet mijn melding", resident2_);
  }, Code::NOT_FOUND, "");
  add("AmendReport: unknown report", [&] {
    return Amend("reports/" + unknown_uuid, "", "opmerking");
  }, Code::NOT_FOUND, "");
  add("AmendReport: invalid UTF-8 in note (wire)", [&] {
    v1::AmendReportRequest request;
    request.set_name(r1_.name());
    request.set_note("PLACEHOLDER");
    return Raw("/wijkwacht.v1.SyncService/AmendReport", Spliced(request, "PLACEHOLDER", bad_utf8),
               resident_);
  }, Code::INVALID_ARGUMENT, "note");

  // ---------------------------------------------------------------- AlertService.PublishAlert
  using P = v1::PublishAlertRequest;
  add("PublishAlert: empty alert_id", [&] { return Publish([](P& r) { r.clear_alert_id(); }); },
      Code::INVALID_ARGUMENT, "alert_id");
  add("PublishAlert: alert_id not a UUID", [&] {
    return Publish([](P& r) { r.set_alert_id("alert-1"); });
  }, Code::INVALID_ARGUMENT, "alert_id");
  add("PublishAlert: type unspecified", [&] { return Publish([](P& r) { r.clear_type(); }); },
      Code::INVALID_ARGUMENT, "type");
  add("PublishAlert: type 99", [&] {
    return Publish([](P& r) { r.set_type(static_cast<v1::AlertType>(99)); });
  }, Code::INVALID_ARGUMENT, "type");
  add("PublishAlert: empty description", [&] {
    return Publish([](P& r) { r.clear_description(); });
  }, Code::INVALID_ARGUMENT, "description");
  add("PublishAlert: 501-byte description", [&] {
    return Publish([](P& r) { r.set_description(std::string(501, 'd')); });
  }, Code::INVALID_ARGUMENT, "description");
  add("PublishAlert: no location", [&] { return Publish([](P& r) { r.clear_location(); }); },
      Code::INVALID_ARGUMENT, "location");
  add("PublishAlert: latitude NaN", [&] {
    return Publish([](P& r) { r.mutable_location()->set_latitude(kNaN); });
  }, Code::INVALID_ARGUMENT, "location.latitude");
  add("PublishAlert: longitude 1e300", [&] {
    return Publish([](P& r) { r.mutable_location()->set_longitude(1e300); });
  }, Code::INVALID_ARGUMENT, "location.longitude");
  add("PublishAlert: in Amsterdam", [&] {
    return Publish([](P& r) {
      r.mutable_location()->set_latitude(52.3731);
      r.mutable_location()->set_longitude(4.8926);
    });
  }, Code::INVALID_ARGUMENT, "location");
  add("PublishAlert: photo_ref not photos/{uuid}", [&] {
    return Publish([](P& r) { r.set_photo_ref("photos/../../etc/passwd"); });
  }, Code::INVALID_ARGUMENT, "photo_ref");
  add("PublishAlert: ttl 30 seconds", [&] {
    return Publish([](P& r) { r.mutable_ttl()->set_seconds(30); });
  }, Code::INVALID_ARGUMENT, "ttl");
  add("PublishAlert: ttl 25 hours", [&] {
    return Publish([](P& r) { r.mutable_ttl()->set_seconds(25 * 3600); });
  }, Code::INVALID_ARGUMENT, "ttl");
  add("PublishAlert: ttl negative", [&] {
    return Publish([](P& r) { r.mutable_ttl()->set_seconds(-600); });
  }, Code::INVALID_ARGUMENT, "ttl");
  add("PublishAlert: ttl with nanos of the wrong sign", [&] {
    return Publish([](P& r) {
      r.mutable_ttl()->set_seconds(600);
      r.mutable_ttl()->set_nanos(-5);
    });
  }, Code::INVALID_ARGUMENT, "ttl");
  add("PublishAlert: ttl INT64_MAX seconds", [&] {
    return Publish([](P& r) { r.mutable_ttl()->set_seconds(std::numeric_limits<int64_t>::max()); });
  }, Code::INVALID_ARGUMENT, "ttl");
  add("PublishAlert: seeded alert_id with other content", [&] {
    return Publish([&](P& r) { r.set_alert_id(seeded_alert_.alert_id()); });
  }, Code::ALREADY_EXISTS, "");
  add("PublishAlert: invalid UTF-8 in description (wire)", [&] {
    P request = GoodAlert();
    request.set_description("PLACEHOLDER");
    return Raw("/wijkwacht.v1.AlertService/PublishAlert", Spliced(request, "PLACEHOLDER", bad_utf8),
               shop_);
  }, Code::INVALID_ARGUMENT, "description");

  // ------------------------------------------------------------- AlertService.SubscribeAlerts
  using S = v1::SubscribeAlertsRequest;
  add("SubscribeAlerts: no geofence", [&] {
    return SubscribeAlerts([](S& r) { r.clear_geofence(); });
  }, Code::INVALID_ARGUMENT, "geofence");
  add("SubscribeAlerts: circle of radius 0", [&] {
    return SubscribeAlerts([](S& r) {
      auto* c = r.mutable_geofence()->mutable_circle();
      c->mutable_center()->set_latitude(52.487);
      c->mutable_center()->set_longitude(4.6578);
    });
  }, Code::INVALID_ARGUMENT, "geofence.circle.radius_meters");
  add("SubscribeAlerts: circle radius NaN", [&] {
    return SubscribeAlerts([](S& r) {
      auto* c = r.mutable_geofence()->mutable_circle();
      c->mutable_center()->set_latitude(52.487);
      c->mutable_center()->set_longitude(4.6578);
      c->set_radius_meters(kNaN);
    });
  }, Code::INVALID_ARGUMENT, "geofence.circle.radius_meters");
  add("SubscribeAlerts: circle radius 50001 m", [&] {
    return SubscribeAlerts([](S& r) {
      auto* c = r.mutable_geofence()->mutable_circle();
      c->mutable_center()->set_latitude(52.487);
      c->mutable_center()->set_longitude(4.6578);
      c->set_radius_meters(50001);
    });
  }, Code::INVALID_ARGUMENT, "geofence.circle.radius_meters");
  add("SubscribeAlerts: circle without center", [&] {
    return SubscribeAlerts([](S& r) { r.mutable_geofence()->mutable_circle()->set_radius_meters(500); });
  }, Code::INVALID_ARGUMENT, "geofence.circle.center");
  add("SubscribeAlerts: circle center latitude 91", [&] {
    return SubscribeAlerts([](S& r) {
      auto* c = r.mutable_geofence()->mutable_circle();
      c->mutable_center()->set_latitude(91);
      c->mutable_center()->set_longitude(4.6578);
      c->set_radius_meters(500);
    });
  }, Code::INVALID_ARGUMENT, "geofence.circle.center");
  add("SubscribeAlerts: no area codes", [&] {
    return SubscribeAlerts([](S& r) { r.mutable_geofence()->mutable_areas()->clear_codes(); });
  }, Code::INVALID_ARGUMENT, "geofence.areas.codes");
  add("SubscribeAlerts: 51 area codes", [&] {
    return SubscribeAlerts([](S& r) {
      for (int i = 0; i < 50; ++i) r.mutable_geofence()->mutable_areas()->add_codes("GM0375");
    });
  }, Code::INVALID_ARGUMENT, "geofence.areas.codes");
  add("SubscribeAlerts: unknown area code", [&] {
    return SubscribeAlerts([](S& r) { r.mutable_geofence()->mutable_areas()->add_codes("XX1"); });
  }, Code::INVALID_ARGUMENT, "geofence.areas.codes[1]");
  add("SubscribeAlerts: type unspecified", [&] {
    return SubscribeAlerts([](S& r) { r.add_types(v1::ALERT_TYPE_UNSPECIFIED); });
  }, Code::INVALID_ARGUMENT, "types[0]");
  add("SubscribeAlerts: resume_cursor garbage", [&] {
    return SubscribeAlerts([](S& r) { r.set_resume_cursor("c2.AAAA"); });
  }, Code::INVALID_ARGUMENT, "resume_cursor");
  add("SubscribeAlerts: resume_cursor beyond the newest change", [&] {
    return SubscribeAlerts([&](S& r) { r.set_resume_cursor(beyond); });
  }, Code::INVALID_ARGUMENT, "resume_cursor");
  add("SubscribeAlerts: invalid UTF-8 in an area code (wire)", [&] {
    v1::SubscribeAlertsRequest r;
    r.mutable_geofence()->mutable_areas()->add_codes("PLACEHOLDER");
    return RawStream("/wijkwacht.v1.AlertService/SubscribeAlerts",
                     Spliced(r, "PLACEHOLDER", bad_utf8), shop_);
  }, Code::INVALID_ARGUMENT, "geofence.areas.codes");
  add("SubscribeAlerts: invalid UTF-8 in resume_cursor (wire)", [&] {
    v1::SubscribeAlertsRequest r;
    r.mutable_geofence()->mutable_areas()->add_codes("FA037501");
    return RawStream("/wijkwacht.v1.AlertService/SubscribeAlerts",
                     r.SerializeAsString() + Len(3, "c1.\xff"), shop_);
  }, Code::INVALID_ARGUMENT, "resume_cursor");

  // -------------------------------------------------- AlertService.AckAlert/ResolveAlert/Retract
  add("AckAlert: empty name", [&] { return Ack("", 1); }, Code::INVALID_ARGUMENT, "name");
  add("AckAlert: name not alerts/{uuid}", [&] { return Ack("alerts/1", 1); },
      Code::INVALID_ARGUMENT, "name");
  add("AckAlert: kind unspecified", [&] { return Ack(alert_.name(), 0); }, Code::INVALID_ARGUMENT,
      "kind");
  add("AckAlert: kind 9", [&] { return Ack(alert_.name(), 9); }, Code::INVALID_ARGUMENT, "kind");
  add("AckAlert: unknown alert", [&] { return Ack("alerts/" + unknown_uuid, 1); },
      Code::NOT_FOUND, "");
  add("ResolveAlert: name of a report", [&] { return Resolve(r1_.name(), "opgelost"); },
      Code::INVALID_ARGUMENT, "name");
  add("ResolveAlert: empty outcome", [&] { return Resolve(alert_.name(), ""); },
      Code::INVALID_ARGUMENT, "outcome");
  add("ResolveAlert: 501-byte outcome", [&] {
    return Resolve(alert_.name(), std::string(501, 'o'));
  }, Code::INVALID_ARGUMENT, "outcome");
  add("ResolveAlert: control character in outcome", [&] {
    return Resolve(alert_.name(), "klaar\x7f");
  }, Code::INVALID_ARGUMENT, "outcome");
  add("ResolveAlert: unknown alert", [&] { return Resolve("alerts/" + unknown_uuid, "opgelost"); },
      Code::NOT_FOUND, "");
  add("RetractAlert: 501-byte reason", [&] { return Retract(alert_.name(), std::string(501, 'r')); },
      Code::INVALID_ARGUMENT, "reason");
  add("RetractAlert: malformed name", [&] { return Retract("alerts/", "fout"); },
      Code::INVALID_ARGUMENT, "name");

  // ------------------------------------------------------------------------- DispatchService
  add("GetIncident: empty name", [&] { return GetIncidentCall(""); }, Code::INVALID_ARGUMENT,
      "name");
  add("GetIncident: upper-case id", [&] { return GetIncidentCall("incidents/ABC"); },
      Code::INVALID_ARGUMENT, "name");
  add("GetIncident: 101-character id", [&] {
    return GetIncidentCall("incidents/" + std::string(101, 'a'));
  }, Code::INVALID_ARGUMENT, "name");
  add("GetIncident: path traversal", [&] { return GetIncidentCall("incidents/../reports"); },
      Code::INVALID_ARGUMENT, "name");
  add("GetIncident: name of a report", [&] { return GetIncidentCall(r1_.name()); },
      Code::INVALID_ARGUMENT, "name");
  add("GetIncident: unknown incident", [&] { return GetIncidentCall("incidents/bestaat-niet"); },
      Code::NOT_FOUND, "");
  add("GetIncident: name sent as a varint (wire)", [&] {
    return Raw("/wijkwacht.v1.DispatchService/GetIncident", VarintField(1, 7), dispatcher_);
  }, Code::INVALID_ARGUMENT, "name");
  add("ListIncidents: page_size -1", [&] {
    v1::ListIncidentsRequest r;
    r.set_page_size(-1);
    return ListIncidents(r);
  }, Code::INVALID_ARGUMENT, "page_size");
  add("ListIncidents: status 99", [&] {
    v1::ListIncidentsRequest r;
    r.set_status(static_cast<v1::IncidentStatus>(99));
    return ListIncidents(r);
  }, Code::INVALID_ARGUMENT, "status");
  add("ListIncidents: theme -1", [&] {
    v1::ListIncidentsRequest r;
    r.set_theme(static_cast<v1::Theme>(-1));
    return ListIncidents(r);
  }, Code::INVALID_ARGUMENT, "theme");
  add("ListIncidents: page_token garbage", [&] {
    v1::ListIncidentsRequest r;
    r.set_page_token("AAAAAAAAAAAAAAAA");
    return ListIncidents(r);
  }, Code::INVALID_ARGUMENT, "page_token");
  add("ListIncidents: page_token of other filters", [&] {
    v1::ListIncidentsRequest first;
    first.set_page_size(1);
    v1::ListIncidentsResponse page;
    {
      grpc::ClientContext context;
      WithToken(context, dispatcher_);
      dispatch_->ListIncidents(&context, first, &page).ok();
    }
    v1::ListIncidentsRequest r;
    r.set_page_size(1);
    r.set_page_token(page.next_page_token());
    r.set_area_code("GM0396");
    return ListIncidents(r);
  }, Code::INVALID_ARGUMENT, "page_token");
  add("ClaimIncident: version 0", [&] { return Claim(inc3, 0); }, Code::INVALID_ARGUMENT,
      "version");
  add("ClaimIncident: version -1", [&] { return Claim(inc3, -1); }, Code::INVALID_ARGUMENT,
      "version");
  add("ClaimIncident: stale version", [&] { return Claim(inc1, 1); }, Code::ABORTED, "version");
  add("ClaimIncident: malformed name", [&] { return Claim("incidents/a b", 1); },
      Code::INVALID_ARGUMENT, "name");
  add("ClaimIncident: unknown incident", [&] { return Claim("incidents/onbekend", 1); },
      Code::NOT_FOUND, "");
  add("ClaimIncident: version sent as a string (wire)", [&] {
    return Raw("/wijkwacht.v1.DispatchService/ClaimIncident", Len(1, inc3) + Len(2, "1"),
               dispatcher_);
  }, Code::INVALID_ARGUMENT, "version");
  add("TransitionIncident: target_status 99", [&] { return Transition(inc1, 99, ""); },
      Code::INVALID_ARGUMENT, "target_status");
  add("TransitionIncident: target_status unspecified", [&] { return Transition(inc1, 0, ""); },
      Code::INVALID_ARGUMENT, "target_status");
  add("TransitionIncident: 2001-byte comment", [&] {
    return Transition(inc1, v1::INCIDENT_IN_PROGRESS, std::string(2001, 'c'));
  }, Code::INVALID_ARGUMENT, "comment");
  add("TransitionIncident: TRIAGED back to NEW", [&] {
    return Transition(inc1, v1::INCIDENT_NEW, "");
  }, Code::FAILED_PRECONDITION, "");
  add("TransitionIncident: reject without a comment", [&] {
    return Transition(inc1, v1::INCIDENT_REJECTED, "   ");
  }, Code::INVALID_ARGUMENT, "comment");
  add("TransitionIncident: stale version", [&] {
    return Transition(inc1, v1::INCIDENT_IN_PROGRESS, "", 1);
  }, Code::ABORTED, "");
  add("MergeIncidents: nothing to merge", [&] { return Merge(inc1, {}); }, Code::INVALID_ARGUMENT,
      "merged");
  add("MergeIncidents: malformed merged[0]", [&] { return Merge(inc1, {"incidents/X"}); },
      Code::INVALID_ARGUMENT, "merged[0]");
  add("MergeIncidents: 101 incidents", [&] {
    return Merge(inc1, std::vector<std::string>(101, inc3));
  }, Code::INVALID_ARGUMENT, "merged");
  add("MergeIncidents: merging into itself", [&] { return Merge(inc1, {inc1}); },
      Code::INVALID_ARGUMENT, "merged[0]");
  add("MergeIncidents: the same incident twice", [&] { return Merge(inc1, {inc3, inc3}); },
      Code::INVALID_ARGUMENT, "merged[1]");
  add("MergeIncidents: malformed surviving name", [&] { return Merge("incident/x", {inc3}); },
      Code::INVALID_ARGUMENT, "name");
  add("SplitReport: malformed report", [&] { return Split(inc1, 1, "reports/xyz"); },
      Code::INVALID_ARGUMENT, "report");
  add("SplitReport: malformed incident", [&] { return Split("", 1, r1_.name()); },
      Code::INVALID_ARGUMENT, "incident");
  add("SplitReport: report of another incident", [&] {
    return Split(inc3, GetIncident(inc3).version(), r1_.name());
  }, Code::FAILED_PRECONDITION, "");
  add("ReclassifyIncident: theme unspecified", [&] { return Reclassify(inc1, 0, ""); },
      Code::INVALID_ARGUMENT, "theme");
  add("ReclassifyIncident: theme 42", [&] { return Reclassify(inc1, 42, ""); },
      Code::INVALID_ARGUMENT, "theme");
  add("ReclassifyIncident: unknown category", [&] {
    return Reclassify(inc1, v1::YOUTH, "bestaat-niet");
  }, Code::INVALID_ARGUMENT, "category");
  add("SendFeedback: empty message", [&] { return Feedback(inc1, ""); }, Code::INVALID_ARGUMENT,
      "message");
  add("SendFeedback: 2001-byte message", [&] { return Feedback(inc1, std::string(2001, 'm')); },
      Code::INVALID_ARGUMENT, "message");
  add("SendFeedback: malformed name", [&] { return Feedback("incidents/", "hallo"); },
      Code::INVALID_ARGUMENT, "name");
  add("SendFeedback: unknown incident", [&] { return Feedback("incidents/onbekend", "hallo"); },
      Code::NOT_FOUND, "");
  add("SendFeedback: invalid UTF-8 in message (wire)", [&] {
    v1::SendFeedbackRequest request;
    request.set_name(inc1);
    request.set_message("PLACEHOLDER");
    return Raw("/wijkwacht.v1.DispatchService/SendFeedback",
               Spliced(request, "PLACEHOLDER", bad_utf8), dispatcher_);
  }, Code::INVALID_ARGUMENT, "message");
  add("GetAuditLog: page_size -1", [&] { return AuditLog(-1, ""); }, Code::INVALID_ARGUMENT,
      "page_size");
  add("GetAuditLog: page_token garbage", [&] { return AuditLog(10, "xyz"); },
      Code::INVALID_ARGUMENT, "page_token");
  add("WatchQueue: resume_cursor garbage", [&] { return WatchQueue("c1.@@"); },
      Code::INVALID_ARGUMENT, "resume_cursor");
  add("WatchQueue: resume_cursor beyond the newest change", [&] { return WatchQueue(beyond); },
      Code::INVALID_ARGUMENT, "resume_cursor");
  add("WatchQueue: invalid UTF-8 in resume_cursor (wire)", [&] {
    return RawStream("/wijkwacht.v1.DispatchService/WatchQueue", Len(1, "c1.\xfe"), dispatcher_);
  }, Code::INVALID_ARGUMENT, "resume_cursor");

  // ----------------------------------------------------------------------------- AuthService
  add("RegisterDevice: 33-byte platform", [&] {
    v1::RegisterDeviceRequest r;
    r.set_platform(std::string(33, 'p'));
    return Auth<v1::RegisterDeviceRequest, v1::RegisterDeviceResponse>(
        [&](auto* c, const auto& q, auto* o) { return server_.auth().RegisterDevice(c, q, o); }, "",
        r);
  }, Code::INVALID_ARGUMENT, "platform");
  auto login = [&](const std::string& user, const std::string& password) {
    v1::LoginRequest r;
    r.set_username(user);
    r.set_password(password);
    return Auth<v1::LoginRequest, v1::TokenResponse>(
        [&](auto* c, const auto& q, auto* o) { return server_.auth().Login(c, q, o); }, "", r);
  };
  add("Login: empty username", [=, this] { return login("", "wachtwoord123"); }, Code::INVALID_ARGUMENT,
      "username");
  add("Login: empty password", [=, this] { return login("iemand", ""); }, Code::INVALID_ARGUMENT,
      "password");
  add("Login: 1025-byte password", [=, this] { return login("iemand", std::string(1025, 'w')); },
      Code::INVALID_ARGUMENT, "password");
  add("Login: unknown user", [=, this] { return login("niemand", "wachtwoord123"); },
      Code::UNAUTHENTICATED, "");
  add("Login: invalid UTF-8 in username (wire)", [&] {
    return Raw("/wijkwacht.v1.AuthService/Login", Len(1, "be\xff") + Len(2, "wachtwoord123"), "");
  }, Code::INVALID_ARGUMENT, "username");
  auto refresh = [&](const std::string& token) {
    v1::RefreshTokenRequest r;
    r.set_refresh_token(token);
    return Auth<v1::RefreshTokenRequest, v1::TokenResponse>(
        [&](auto* c, const auto& q, auto* o) { return server_.auth().RefreshToken(c, q, o); }, "",
        r);
  };
  add("RefreshToken: empty", [=, this] { return refresh(""); }, Code::INVALID_ARGUMENT,
      "refresh_token");
  add("RefreshToken: garbage", [=, this] { return refresh("not.a.token"); }, Code::UNAUTHENTICATED, "");
  add("RefreshToken: unknown device", [=, this] {
    return refresh(std::string(32, 'a') + "." + std::string(43, 'b'));
  }, Code::UNAUTHENTICATED, "");
  add("RevokeDevice: malformed device", [&] {
    v1::RevokeDeviceRequest r;
    r.set_device("devices/../../admin");
    return Auth<v1::RevokeDeviceRequest, v1::RevokeDeviceResponse>(
        [&](auto* c, const auto& q, auto* o) { return server_.auth().RevokeDevice(c, q, o); },
        admin_, r);
  }, Code::INVALID_ARGUMENT, "device");
  auto verify = [&](const std::string& device, const std::string& kvk, const std::string& name) {
    v1::VerifyEntrepreneurRequest r;
    r.set_device(device);
    r.set_kvk_number(kvk);
    r.set_business_name(name);
    return Auth<v1::VerifyEntrepreneurRequest, v1::VerifyEntrepreneurResponse>(
        [&](auto* c, const auto& q, auto* o) {
          return server_.auth().VerifyEntrepreneur(c, q, o);
        },
        admin_, r);
  };
  add("VerifyEntrepreneur: malformed device", [=, this] {
    return verify("devices/xyz", "12345678", "Bakker");
  }, Code::INVALID_ARGUMENT, "device");
  add("VerifyEntrepreneur: 7-digit KvK number", [=, this] {
    return verify(shop_device_, "1234567", "Bakker");
  }, Code::INVALID_ARGUMENT, "kvk_number");
  add("VerifyEntrepreneur: KvK number with letters", [=, this] {
    return verify(shop_device_, "1234567a", "Bakker");
  }, Code::INVALID_ARGUMENT, "kvk_number");
  add("VerifyEntrepreneur: empty business name", [=, this] {
    return verify(shop_device_, "12345678", "");
  }, Code::INVALID_ARGUMENT, "business_name");
  add("VerifyEntrepreneur: unknown device", [=, this] {
    return verify("devices/" + std::string(32, '0'), "12345678", "Bakker");
  }, Code::NOT_FOUND, "");
  auto create = [&](const std::string& user, int role, const std::string& password) {
    v1::CreateAccountRequest r;
    r.set_username(user);
    r.set_role(static_cast<v1::Role>(role));
    r.set_password(password);
    return Auth<v1::CreateAccountRequest, v1::Account>(
        [&](auto* c, const auto& q, auto* o) { return server_.auth().CreateAccount(c, q, o); },
        admin_, r);
  };
  add("CreateAccount: upper-case username", [=, this] {
    return create("Kees", v1::ROLE_DISPATCHER, kPassword);
  }, Code::INVALID_ARGUMENT, "username");
  add("CreateAccount: 65-character username", [=, this] {
    return create(std::string(65, 'k'), v1::ROLE_DISPATCHER, kPassword);
  }, Code::INVALID_ARGUMENT, "username");
  add("CreateAccount: resident role", [=, this] { return create("kees", v1::ROLE_RESIDENT, kPassword); },
      Code::INVALID_ARGUMENT, "role");
  add("CreateAccount: role 99", [=, this] { return create("kees", 99, kPassword); },
      Code::INVALID_ARGUMENT, "role");
  add("CreateAccount: 11-byte password", [=, this] {
    return create("kees", v1::ROLE_ANALYST, "kort-wacht1");
  }, Code::INVALID_ARGUMENT, "password");
  add("CreateAccount: existing username", [=, this] {
    return create("dora", v1::ROLE_ANALYST, kPassword);
  }, Code::ALREADY_EXISTS, "username");
  return rows;
}

TEST_F(BadInputTest, CatalogueOfMalformedRequestsHarmsNothing) {
  ASSERT_NO_FATAL_FAILURE(Seed());
  const Checksum before = StoreChecksum();
  EXPECT_EQ(before.reports, 4u);
  EXPECT_GE(before.incidents, 3u);
  EXPECT_GT(before.cells, 0u);
  EXPECT_GE(before.audit, 3u);
  EXPECT_GE(before.feed, 3u);

  const std::vector<Row> rows = Catalogue();
  EXPECT_GE(rows.size(), 50u);
  std::set<std::string> names;
  for (const Row& row : rows) {
    EXPECT_TRUE(names.insert(row.name).second) << "duplicate row name " << row.name;
    const Outcome out = row.call();
    const std::string actual = absl::StrCat(
        "code ", out.status.error_code(), " message \"", out.status.error_message().substr(0, 200),
        "\" fields [", absl::StrJoin(out.fields, ", "), "]");
    EXPECT_EQ(out.status.error_code(), row.code) << row.name << ": " << actual;
    EXPECT_TRUE(out.problem.empty()) << row.name << ": " << out.problem;
    if (row.code == Code::INVALID_ARGUMENT || row.code == Code::OK) {
      if (!row.field.empty()) {
        EXPECT_NE(std::find(out.fields.begin(), out.fields.end(), row.field), out.fields.end())
            << row.name << ": expected field " << row.field << "; " << actual;
      } else if (row.code == Code::INVALID_ARGUMENT) {
        EXPECT_TRUE(out.fields.empty()) << row.name << ": " << actual;
      }
    } else if (!row.field.empty()) {
      EXPECT_NE(out.status.error_message().find(row.field), std::string::npos)
          << row.name << ": expected \"" << row.field << "\" in the message; " << actual;
    }
    // Never an internal error, whatever the input.
    EXPECT_NE(out.status.error_code(), Code::INTERNAL) << row.name;
    EXPECT_NE(out.status.error_code(), Code::UNKNOWN) << row.name;
  }

  const Checksum after = StoreChecksum();
  EXPECT_EQ(after.Total(), before.Total())
      << "before: " << before.Describe() << "\nafter:  " << after.Describe();
  EXPECT_EQ(after.reports, before.reports);
  EXPECT_EQ(after.incidents, before.incidents);
  EXPECT_EQ(after.audit, before.audit);
  EXPECT_EQ(after.feed, before.feed);
  // And the server still serves.
  EXPECT_TRUE(GetReport(r1_.name(), resident_).status.ok());
}

// No public GetAggregates answer shows a count of 1-4 (reports or incidents) or a heatmap cell
// finer than the public level, whatever the selection.
TEST_F(BadInputTest, PublicAggregatesNeverShowSmallCounts) {
  // Ten reports in one buurt: eight shopliftings eight hours apart (eight incidents), each
  // from a device of its own (past k plus its margin of distinct reporters), and two groups of
  // youths, so some selections reach five reports and incidents and others do not.
  std::string buurt;
  for (int i = 0; i < 8; ++i) {
    absl::StatusOr<std::string> device = server_.RegisterDevice();
    ASSERT_TRUE(device.ok()) << device.status();
    const v1::Report r = MustSubmit(
        ValidReport(absl::StrCat("Winkeldief ", i, " bij de drogist"), 10 * i, 1 + 8 * i),
        *device);
    buurt = r.area().buurt_code();
  }
  for (int i = 0; i < 2; ++i) {
    MustSubmit(ValidReport(absl::StrCat("Groep jongeren hangt rond ", i), 5 * i, 2 + 30 * i,
                           "hangjongeren"),
               resident_);
  }
  ASSERT_FALSE(buurt.empty());

  const absl::Time now = absl::Now();
  const std::vector<std::pair<absl::Time, absl::Time>> ranges = {
      {now - absl::Hours(12), now + absl::Hours(1)},
      {now - absl::Hours(36), now + absl::Hours(1)},
      {now - absl::Hours(24 * 4), now + absl::Hours(1)},
      {now - absl::Hours(24 * 31), now + absl::Hours(24)},
      {now - absl::Hours(24 * 3), now - absl::Hours(24)},
      {now - absl::Hours(24 * 365), now + absl::Hours(24 * 30)},
      {now - absl::Minutes(90), now - absl::Minutes(30)},
  };
  const std::vector<std::vector<v1::Theme>> theme_sets = {
      {},
      {v1::PHYSICAL_BUSINESS},
      {v1::YOUTH},
      {v1::LIVEABILITY, v1::YOUTH},
      {v1::PHYSICAL_BUSINESS, v1::YOUTH, v1::OTHER},
      {v1::LIVEABILITY, v1::YOUTH, v1::SUBVERSION, v1::PHYSICAL_BUSINESS, v1::OTHER},
  };
  int queries = 0, shown = 0, suppressed = 0;
  for (const std::string& token : {std::string(), resident_}) {
    for (v1::AreaLevel level : {v1::GEMEENTE, v1::WIJK, v1::BUURT, v1::FOCUS_AREA}) {
      for (v1::AggregationPeriod period : {v1::DAY, v1::WEEK, v1::MONTH, v1::HALF_YEAR}) {
        for (const auto& themes : theme_sets) {
          for (const auto& [start, end] : ranges) {
            for (bool only_buurt : {false, true}) {
             for (int cell_level : {0, 16}) {
              if (only_buurt && level != v1::BUURT) continue;
              v1::GetAggregatesRequest request;
              v1::AggregateSelection& s = *request.mutable_selection();
              s.set_level(level);
              s.set_period(period);
              for (v1::Theme t : themes) s.add_themes(t);
              *s.mutable_start_time() = Ts(start);
              *s.mutable_end_time() = Ts(end);
              if (only_buurt) s.add_area_codes(buurt);
              s.set_s2_cell_level(cell_level);
              grpc::ClientContext context;
              WithToken(context, token);
              v1::GetAggregatesResponse response;
              grpc::Status status = map_->GetAggregates(&context, request, &response);
              if (!status.ok() && period == v1::DAY && end - start > absl::Hours(24 * 100)) {
                // A public answer lists every selected area, theme and day (empty ones
                // withheld): a year of days over every buurt is more cells than one answer
                // holds, and the refusal names the field.
                EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
                EXPECT_TRUE(absl::StrContains(status.error_message(), "selection"));
                continue;
              }
              ASSERT_TRUE(status.ok()) << status.error_message() << " " << s.ShortDebugString();
              ++queries;
              EXPECT_EQ(response.suppression_threshold(), 5);
              for (const v1::AggregateCell& c : response.cells()) {
                // Never finer than the public heatmap level, whatever was asked.
                EXPECT_EQ(c.s2_cell().empty(), cell_level == 0) << c.ShortDebugString();
                if (!c.s2_cell().empty()) {
                  EXPECT_LE(S2CellId::FromToken(c.s2_cell()).level(), 14) << c.ShortDebugString();
                }
                if (c.suppressed()) {
                  ++suppressed;
                  EXPECT_EQ(c.report_count(), 0) << s.ShortDebugString();
                  EXPECT_EQ(c.incident_count(), 0) << s.ShortDebugString();
                } else {
                  ++shown;
                  EXPECT_FALSE(c.report_count() > 0 && c.report_count() < 5)
                      << c.ShortDebugString() << " for " << s.ShortDebugString();
                  EXPECT_FALSE(c.incident_count() > 0 && c.incident_count() < 5)
                      << c.ShortDebugString() << " for " << s.ShortDebugString();
                  EXPECT_GE(c.report_count(), 5) << c.ShortDebugString();
                }
              }
             }
            }
          }
        }
      }
    }
  }
  // The loop saw both kinds of cells, so it tested something.
  EXPECT_GT(shown, 0);
  EXPECT_GT(suppressed, 0);
  EXPECT_GT(queries, 300);
}

}  // namespace
}  // namespace wijkwacht::testing
