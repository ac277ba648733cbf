// Integration: the write rate limits of the call gate, per device and per client address, and
// partner accounts' keys (listed, rotated with a grace period).
// The server runs on a FakeClock, so buckets refill only when the test says so and the
// outcomes do not depend on how fast this machine is.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/auth.grpc.pb.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"
#include "wijkwacht/v1/report.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

constexpr auto kCallDeadline = std::chrono::seconds(10);

std::string Describe(const grpc::Status& s) {
  return absl::StrCat(s.error_code(), " ", s.error_message());
}

class RateLimitTest : public ::testing::Test {
 protected:
  grpc::Status Submit(const std::string& token, v1::Report* out = nullptr) {
    grpc::ClientContext context;
    WithToken(context, token);
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    v1::SubmitReportRequest request;
    *request.mutable_report() =
        BreestraatReport(NewUuid(rng_), absl::StrCat("Fietsendief bij de Breestraat ", ++sent_));
    v1::Report ignored;
    return server_.reports().SubmitReport(&context, request, out != nullptr ? out : &ignored);
  }
  grpc::Status Get(const std::string& token, const std::string& name) {
    grpc::ClientContext context;
    WithToken(context, token);
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    v1::GetReportRequest request;
    request.set_name(name);
    v1::Report report;
    return server_.reports().GetReport(&context, request, &report);
  }
  grpc::Status ListCategories(const std::string& token) {
    grpc::ClientContext context;
    WithToken(context, token);
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    v1::ListCategoriesResponse response;
    return server_.reports().ListCategories(&context, v1::ListCategoriesRequest(), &response);
  }
  // CreatePartner "meldformulier" (10 writes/s, burst 100) by `admin`.
  grpc::Status CreatePartner(const std::string& admin, v1::CreatePartnerResponse* created) {
    grpc::ClientContext context;
    WithToken(context, admin);
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    v1::CreatePartnerRequest create;
    create.set_partner_id("meldformulier");
    create.set_display_name("Meldformulier beverwijk.nl");
    create.set_writes_per_second(10);
    create.set_write_burst(100);
    return server_.auth().CreatePartner(&context, create, created);
  }
  std::string NewDevice() {
    absl::StatusOr<std::string> token = server_.RegisterDevice();
    EXPECT_TRUE(token.ok()) << token.status();
    return token.value_or("");
  }

  // Reports are dated by absl::Now() and the server checks them against its (fake) clock,
  // which starts at the real time and moves only a few seconds in these tests.
  FakeClock clock_{absl::Now()};
  std::mt19937_64 rng_{7};
  int sent_ = 0;
  TempDir dir_;
  ServerFixture server_{dir_.path()};
};

TEST_F(RateLimitTest, DeviceBurstThenRefusedWithRetryInfoOthersUnaffected) {
  server_.options().clock = &clock_;
  server_.options().device_writes_per_second = 1;
  server_.options().device_write_burst = 5;
  ASSERT_TRUE(server_.Start().ok());
  const std::string device_a = server_.resident_token();
  const std::string device_b = NewDevice();

  v1::Report first;
  for (int i = 0; i < 5; ++i) {
    grpc::Status status = Submit(device_a, i == 0 ? &first : nullptr);
    ASSERT_TRUE(status.ok()) << "write " << i + 1 << " of the burst: " << Describe(status);
  }

  grpc::Status refused = Submit(device_a);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(refused);
  std::optional<absl::Duration> delay = RetryDelay(refused);
  ASSERT_TRUE(delay.has_value()) << "RESOURCE_EXHAUSTED without google.rpc.RetryInfo";
  EXPECT_GT(*delay, absl::ZeroDuration());
  EXPECT_LE(*delay, absl::Seconds(1));

  // At the same moment: another device writes, and device A still reads.
  grpc::Status other = Submit(device_b);
  EXPECT_TRUE(other.ok()) << "device B: " << Describe(other);
  grpc::Status get = Get(device_a, first.name());
  EXPECT_TRUE(get.ok()) << "GetReport by the limited device: " << Describe(get);
  grpc::Status categories = ListCategories(device_a);
  EXPECT_TRUE(categories.ok()) << "ListCategories by the limited device: " << Describe(categories);
  // Refused writes cost nothing extra: still refused, still within a second.
  grpc::Status again = Submit(device_a);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(again);

  // After the advertised delay, exactly one more write fits (1 per second).
  clock_.Advance(*delay);
  grpc::Status after = Submit(device_a);
  EXPECT_TRUE(after.ok()) << "after waiting the retry delay: " << Describe(after);
  grpc::Status next = Submit(device_a);
  EXPECT_EQ(next.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(next);
}

TEST_F(RateLimitTest, PeerBurstIsSharedByAllDevicesFromOneAddress) {
  server_.options().clock = &clock_;
  server_.options().device_writes_per_second = 100;
  server_.options().device_write_burst = 100;
  server_.options().peer_writes_per_second = 1;
  server_.options().peer_write_burst = 8;
  ASSERT_TRUE(server_.Start().ok());
  // Registering is a write from this address too; let the address's bucket refill after
  // registering the devices so that the count below is about reports only.
  std::vector<std::string> devices = {server_.resident_token(), NewDevice(), NewDevice(),
                                      NewDevice()};
  clock_.Advance(absl::Seconds(30));

  for (int i = 0; i < 8; ++i) {
    grpc::Status status = Submit(devices[i % devices.size()]);
    ASSERT_TRUE(status.ok()) << "write " << i + 1 << " from this address: " << Describe(status);
  }
  // The 9th write, from a device that used only 2 of its 100 own tokens.
  grpc::Status refused = Submit(devices[8 % devices.size()]);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(refused);
  std::optional<absl::Duration> delay = RetryDelay(refused);
  ASSERT_TRUE(delay.has_value()) << "RESOURCE_EXHAUSTED without google.rpc.RetryInfo";
  EXPECT_GT(*delay, absl::ZeroDuration());
  EXPECT_LE(*delay, absl::Seconds(1));
  // A brand-new device from the same address is refused as well: the limit is the address's.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  v1::RegisterDeviceResponse response;
  grpc::Status registered =
      server_.auth().RegisterDevice(&context, v1::RegisterDeviceRequest(), &response);
  EXPECT_EQ(registered.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << Describe(registered);
  // Reads from this address are not limited.
  grpc::Status categories = ListCategories(devices[0]);
  EXPECT_TRUE(categories.ok()) << Describe(categories);
}

// Partner accounts (another channel's api_key): an admin lists them — the key's id, never its
// secret; when it was made and last used; the rate limit — and rotates a key: the new one is
// shown once, the old one keeps working for the grace period and is refused after it (the
// server's clock moves, no waiting); a grace of 0 refuses it at once. Listing and rotating
// are audited; only admins may do either.
TEST_F(RateLimitTest, PartnerKeysAreListedAndRotatedWithAGracePeriod) {
  server_.options().clock = &clock_;
  server_.options().http_listen = "127.0.0.1:0";
  TempDir assets;
  server_.options().http_assets_dir = assets.path();
  ASSERT_TRUE(server_.Start().ok());
  std::string admin = server_.admin_token();
  const auto call = [&](auto method, const std::string& token, const auto& request, auto* out) {
    grpc::ClientContext context;
    WithToken(context, token);
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    return (server_.auth().*method)(&context, request, out);
  };
  const auto list = [&](const std::string& token, v1::ListPartnersResponse* out) {
    return call(&v1::AuthService::Stub::ListPartners, token, v1::ListPartnersRequest(), out);
  };
  const auto rotate = [&](const std::string& name, std::optional<absl::Duration> grace,
                          v1::RotatePartnerKeyResponse* out) {
    v1::RotatePartnerKeyRequest request;
    request.set_name(name);
    if (grace) request.mutable_grace_period()->set_seconds(absl::ToInt64Seconds(*grace));
    return call(&v1::AuthService::Stub::RotatePartnerKey, admin, request, out);
  };
  v1::CreatePartnerResponse created;
  grpc::Status status = CreatePartner(admin, &created);
  ASSERT_TRUE(status.ok()) << Describe(status);
  const std::string first_key = created.api_key();
  const std::string secret = first_key.substr(first_key.rfind('.') + 1);
  ASSERT_TRUE(Submit(first_key).ok());

  // Listed: the key's id (a short prefix of it), times, limit; nothing of the secret beyond it.
  v1::ListPartnersResponse listed;
  status = list(admin, &listed);
  ASSERT_TRUE(status.ok()) << Describe(status);
  ASSERT_EQ(listed.partners_size(), 1);
  v1::Partner partner = listed.partners(0);
  EXPECT_EQ(partner.name(), "partners/meldformulier");
  EXPECT_TRUE(absl::StartsWith(first_key, partner.key_id())) << partner.key_id();
  EXPECT_EQ(partner.key_id().size(), std::string("wwp.meldformulier.").size() + 6) << partner.key_id();
  EXPECT_FALSE(absl::StrContains(listed.SerializeAsString(), secret.substr(6)));
  EXPECT_EQ(partner.writes_per_second(), 10);
  EXPECT_EQ(partner.write_burst(), 100);
  EXPECT_TRUE(partner.has_key_create_time());
  EXPECT_EQ(partner.last_use_time().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_TRUE(partner.previous_key_id().empty());
  {  // Admins only.
    v1::ListPartnersResponse out;
    EXPECT_EQ(list(server_.resident_token(), &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(list(first_key, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }

  // Rotated with an hour's grace: both keys work for that hour.
  v1::RotatePartnerKeyResponse rotated;
  status = rotate("partners/meldformulier", absl::Hours(1), &rotated);
  ASSERT_TRUE(status.ok()) << Describe(status);
  const std::string second_key = rotated.api_key();
  ASSERT_TRUE(absl::StartsWith(second_key, "wwp.meldformulier."));
  ASSERT_NE(second_key, first_key);
  EXPECT_TRUE(absl::StartsWith(second_key, rotated.partner().key_id()));
  EXPECT_EQ(rotated.partner().previous_key_id(), partner.key_id());
  EXPECT_EQ(rotated.partner().previous_key_expire_time().seconds(),
            absl::ToUnixSeconds(clock_.Now() + absl::Hours(1)));
  EXPECT_TRUE(Submit(second_key).ok());
  clock_.Advance(absl::Minutes(59));
  grpc::Status old_in_grace = Submit(first_key);
  EXPECT_TRUE(old_in_grace.ok()) << "the old key within its grace: " << Describe(old_in_grace);
  absl::StatusOr<std::string> relogin = server_.Login(kAdminName, kAdminPassword);
  ASSERT_TRUE(relogin.ok());
  admin = *relogin;
  status = list(admin, &listed);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(listed.partners(0).previous_key_last_use_time().seconds(),
            absl::ToUnixSeconds(clock_.Now()));

  // After the grace period the old key is refused like a wrong one; the new one works on.
  clock_.Advance(absl::Minutes(2));
  grpc::Status old_after = Submit(first_key);
  EXPECT_EQ(old_after.error_code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(old_after);
  EXPECT_TRUE(Submit(second_key).ok());
  relogin = server_.Login(kAdminName, kAdminPassword);
  ASSERT_TRUE(relogin.ok());
  admin = *relogin;
  status = list(admin, &listed);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_TRUE(listed.partners(0).previous_key_id().empty());

  // A grace of 0: the replaced key is refused at once.
  status = rotate("partners/meldformulier", absl::ZeroDuration(), &rotated);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(Submit(second_key).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  const std::string third_key = rotated.api_key();
  EXPECT_TRUE(Submit(third_key).ok());

  // Bad input names the field; only admins rotate; a revoked partner cannot be rotated back.
  EXPECT_EQ(ViolatedFields(rotate("partners/meldformulier", absl::Hours(24 * 31), &rotated)),
            std::vector<std::string>{"grace_period"});
  EXPECT_EQ(ViolatedFields(rotate("meldformulier", std::nullopt, &rotated)),
            std::vector<std::string>{"name"});
  EXPECT_EQ(rotate("partners/onbekend", std::nullopt, &rotated).error_code(),
            grpc::StatusCode::NOT_FOUND);
  {
    v1::RotatePartnerKeyRequest request;
    request.set_name("partners/meldformulier");
    v1::RotatePartnerKeyResponse out;
    EXPECT_EQ(call(&v1::AuthService::Stub::RotatePartnerKey, NewDevice(), request, &out)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_TRUE(out.api_key().empty());
    v1::RevokePartnerRequest revoke;
    revoke.set_name("partners/meldformulier");
    v1::Partner revoked;
    ASSERT_TRUE(call(&v1::AuthService::Stub::RevokePartner, admin, revoke, &revoked).ok());
    EXPECT_EQ(rotate("partners/meldformulier", std::nullopt, &rotated).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(Submit(third_key).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }

  // Audited: who listed, who rotated which key into which (never a secret).
  grpc::ClientContext context;
  WithToken(context, admin);
  v1::GetAuditLogRequest request;
  request.set_page_size(1000);
  v1::GetAuditLogResponse log;
  status = v1::DispatchService::NewStub(server_.channel())->GetAuditLog(&context, request, &log);
  ASSERT_TRUE(status.ok()) << Describe(status);
  int listings = 0;
  std::vector<std::string> rotations;
  for (const v1::AuditEntry& e : log.entries()) {
    for (const std::string& key : {first_key, second_key, third_key}) {
      EXPECT_FALSE(absl::StrContains(e.detail(), key.substr(key.rfind('.') + 7))) << e.detail();
    }
    if (e.action() == "ListPartners") ++listings;
    if (e.action() != "RotatePartnerKey") continue;
    EXPECT_EQ(e.actor(), absl::StrCat("users/", kAdminName));
    EXPECT_EQ(e.target(), "partners/meldformulier");
    rotations.push_back(e.detail());
  }
  EXPECT_EQ(listings, 3);
  ASSERT_EQ(rotations.size(), 2u);
  EXPECT_TRUE(absl::StrContains(rotations[0], partner.key_id())) << rotations[0];
  EXPECT_TRUE(absl::StrContains(rotations[0], second_key.substr(0, partner.key_id().size())))
      << rotations[0];

  // The JSON API: GET /v1/partners, POST /v1/partners/{id}:rotateKey.
  httplib::Client http("127.0.0.1", server_.server()->http_port());
  httplib::Result page = http.Get("/v1/partners", {{"Authorization", "Bearer " + admin}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200) << page->body;
  EXPECT_TRUE(absl::StrContains(page->body, "\"keyId\"")) << page->body;
  httplib::Result refused = http.Post("/v1/partners/meldformulier:rotateKey",
                                      {{"Authorization", "Bearer " + admin}}, "{}",
                                      "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400) << refused->body;  // revoked: FAILED_PRECONDITION
}


// A partner key's last use survives a restart of the server on the same data dir: the first
// use is written to the partner's record (queued, off the request's path), later uses within
// --partner_last_use_interval only in memory, so after the restart ListPartners shows the
// last recorded use, at most one interval older than the real one. A use an interval later
// is written again.
TEST_F(RateLimitTest, PartnerLastUseSurvivesARestart) {
  server_.options().clock = &clock_;
  server_.options().partner_last_use_interval = absl::Minutes(10);
  ASSERT_TRUE(server_.Start().ok());
  const auto last_use = [&](std::optional<absl::Time>* out) {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    v1::ListPartnersResponse listed;
    grpc::Status status = server_.auth().ListPartners(&context, v1::ListPartnersRequest(), &listed);
    ASSERT_TRUE(status.ok()) << Describe(status);
    ASSERT_EQ(listed.partners_size(), 1);
    out->reset();
    if (listed.partners(0).has_last_use_time()) {
      *out = absl::FromUnixSeconds(listed.partners(0).last_use_time().seconds());
    }
  };
  v1::CreatePartnerResponse created;
  grpc::Status status = CreatePartner(server_.admin_token(), &created);
  ASSERT_TRUE(status.ok()) << Describe(status);
  const std::string key = created.api_key();
  std::optional<absl::Time> seen;
  last_use(&seen);
  EXPECT_FALSE(seen.has_value()) << "a new key was never used";

  const absl::Time first = absl::FromUnixSeconds(absl::ToUnixSeconds(clock_.Now()));
  ASSERT_TRUE(Submit(key).ok());
  clock_.Advance(absl::Minutes(3));
  const absl::Time within = absl::FromUnixSeconds(absl::ToUnixSeconds(clock_.Now()));
  ASSERT_TRUE(Submit(key).ok());
  last_use(&seen);
  EXPECT_EQ(seen, within) << "while the server runs the last use is exact";

  server_.Stop();
  ASSERT_TRUE(server_.Start().ok());
  last_use(&seen);
  EXPECT_EQ(seen, first) << "the restart lost the recorded use (or the use within the "
                            "interval was written too)";

  clock_.Advance(absl::Minutes(10));
  const absl::Time later = absl::FromUnixSeconds(absl::ToUnixSeconds(clock_.Now()));
  ASSERT_TRUE(Submit(key).ok());
  server_.Stop();
  ASSERT_TRUE(server_.Start().ok());
  last_use(&seen);
  EXPECT_EQ(seen, later);
}

}  // namespace
}  // namespace wijkwacht::testing
