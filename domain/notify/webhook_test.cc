#include "domain/notify/webhook.h"

#include <set>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace wijkwacht::notify {
namespace {

TEST(SignBodyTest, IsHexHmacSha256OfTheBody) {
  // RFC 4231, test case 2.
  EXPECT_EQ(SignBody("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_NE(SignBody("Jefe", "what do ya want for nothing!"),
            SignBody("Jefe", "what do ya want for nothing?"));
  EXPECT_NE(SignBody("jefe", "what do ya want for nothing?"),
            SignBody("Jefe", "what do ya want for nothing?"));
}

TEST(DevicePseudonymTest, StablePerDeviceAndKeyNotTheId) {
  const std::string key(32, 'k');
  const std::string a = DevicePseudonym(key, "p0123456789abcdef0123456789abcdef");
  EXPECT_EQ(a, DevicePseudonym(key, "p0123456789abcdef0123456789abcdef"));
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find("0123456789abcdef0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, DevicePseudonym(key, "p0123456789abcdef0123456789abcdee"));
  EXPECT_NE(a, DevicePseudonym(std::string(32, 'K'), "p0123456789abcdef0123456789abcdef"));
}

TEST(RetryDelayTest, DoublesFromInitialUpToTheCapWithEqualJitter) {
  const BackoffOptions options{.initial = absl::Seconds(1), .max = absl::Seconds(60)};
  EXPECT_EQ(RetryDelay(1, options, 0.0), absl::Milliseconds(500));
  EXPECT_EQ(RetryDelay(1, options, 1.0), absl::Seconds(1));
  EXPECT_EQ(RetryDelay(2, options, 0.0), absl::Seconds(1));
  EXPECT_EQ(RetryDelay(3, options, 0.5), absl::Seconds(3));  // ceiling 4 s: 2 + 1
  EXPECT_EQ(RetryDelay(6, options, 1.0), absl::Seconds(32));
  // Capped: 2^6 s > 60 s.
  EXPECT_EQ(RetryDelay(7, options, 1.0), absl::Seconds(60));
  EXPECT_EQ(RetryDelay(7, options, 0.0), absl::Seconds(30));
  EXPECT_EQ(RetryDelay(1000, options, 1.0), absl::Seconds(60));
  // Out-of-range jitter is clamped.
  EXPECT_EQ(RetryDelay(1, options, 7.0), absl::Seconds(1));
  EXPECT_EQ(RetryDelay(1, options, -1.0), absl::Milliseconds(500));
}

TEST(RetryDelayTest, JitterSpreadsRetries) {
  const BackoffOptions options{.initial = absl::Seconds(2), .max = absl::Minutes(5)};
  std::set<int64_t> delays;
  for (int i = 0; i < 10; ++i) {
    const absl::Duration d = RetryDelay(4, options, i / 10.0);
    EXPECT_GE(d, absl::Seconds(8));
    EXPECT_LT(d, absl::Seconds(16));
    delays.insert(absl::ToInt64Milliseconds(d));
  }
  EXPECT_EQ(delays.size(), 10u);
}

TEST(RenderBodyTest, CarriesOnlyTheDocumentedFields) {
  Notification n;
  n.id = "0123456789abcdef0123456789abcdef";
  n.kind = "status_changed";
  n.device = std::string(64, 'a');
  n.incident = "incidents/i1";
  n.report = "reports/r1";
  n.status = "IN_PROGRESS";
  n.time = absl::FromUnixSeconds(1796000000);
  const nlohmann::json body = nlohmann::json::parse(RenderBody(n));
  std::set<std::string> keys;
  for (const auto& [key, value] : body.items()) keys.insert(key);
  EXPECT_EQ(keys, (std::set<std::string>{"id", "kind", "device", "incident", "report", "status",
                                         "time"}));
  EXPECT_EQ(body["time"], "2026-11-30T00:53:20Z");
  EXPECT_EQ(body["status"], "IN_PROGRESS");

  Notification alert;
  alert.id = "x";
  alert.kind = "alert";
  alert.alert = "alerts/a";
  alert.alert_type = "THEFT";
  alert.status = "ACTIVE";
  alert.areas = {"GM0375", "FA037501"};
  const nlohmann::json alert_body = nlohmann::json::parse(RenderBody(alert));
  EXPECT_FALSE(alert_body.contains("device"));
  EXPECT_EQ(alert_body["areas"].size(), 2u);
}

TEST(RenderBodyTest, EscapesTextAsJson) {
  Notification n;
  n.id = "x";
  n.kind = "feedback";
  n.message = "Bedankt \"buurman\"\n\u00e9\u00e9n <script>";
  const nlohmann::json body = nlohmann::json::parse(RenderBody(n));
  EXPECT_EQ(body["message"], n.message);
}

}  // namespace
}  // namespace wijkwacht::notify
