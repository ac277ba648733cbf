// Integration: the shopkeepers' alert channel (AlertService) over the real server: geofenced
// delivery (area codes and circles), resuming from a cursor, expiry, resolution, and who may
// publish.
#include "absl/strings/ascii.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/alert.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

constexpr char kDrieStraatjes[] = "FA037501";

class AlertTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.options().device_write_burst = 1e6;
    server_.options().clock = &clock_;
    absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
    alerts_ = v1::AlertService::NewStub(server_.channel());
    shop_token_ = Entrepreneur("34567890", "Bakkerij De Breestraat");
  }

  // A device verified as a shopkeeper by the admin, with a token carrying the new role.
  std::string Entrepreneur(const std::string& kvk, const std::string& name) {
    std::string device, refresh;
    absl::StatusOr<std::string> token = server_.RegisterDevice(&device, &refresh);
    EXPECT_TRUE(token.ok()) << token.status();
    {
      grpc::ClientContext context;
      WithToken(context, server_.admin_token());
      v1::VerifyEntrepreneurRequest request;
      request.set_device(device);
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

  v1::PublishAlertRequest AlertAt(double lat, double lon, const std::string& text) {
    v1::PublishAlertRequest r;
    r.set_alert_id(NewUuid(rng_));
    r.set_type(v1::SHOPLIFTER);
    r.set_description(text);
    r.mutable_location()->set_latitude(lat);
    r.mutable_location()->set_longitude(lon);
    return r;
  }
  v1::PublishAlertRequest Breestraat(const std::string& text) {
    return AlertAt(52.4870, 4.6578, text);
  }

  grpc::Status Publish(const v1::PublishAlertRequest& request, v1::Alert* out,
                       const std::string& token = "") {
    grpc::ClientContext context;
    WithToken(context, token.empty() ? shop_token_ : token);
    return alerts_->PublishAlert(&context, request, out);
  }
  v1::Alert MustPublish(const v1::PublishAlertRequest& request) {
    v1::Alert out;
    grpc::Status status = Publish(request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  struct Stream {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<v1::AlertEvent>> reader;
    // The next event's alert name ("" when the stream ended).
    std::string Next(v1::AlertEvent* event = nullptr) {
      v1::AlertEvent e;
      if (!reader->Read(&e)) return "";
      if (event != nullptr) *event = e;
      return e.alert().name();
    }
    void Close() {
      context.TryCancel();
      v1::AlertEvent e;
      while (reader->Read(&e)) {
      }
      reader->Finish();
    }
  };
  std::unique_ptr<Stream> Subscribe(const v1::Geofence& fence, const std::string& cursor = "") {
    auto s = std::make_unique<Stream>();
    WithToken(s->context, shop_token_);
    s->context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    v1::SubscribeAlertsRequest request;
    *request.mutable_geofence() = fence;
    request.set_resume_cursor(cursor);
    s->reader = alerts_->SubscribeAlerts(&s->context, request);
    return s;
  }
  static v1::Geofence Areas(const std::string& code) {
    v1::Geofence f;
    f.mutable_areas()->add_codes(code);
    return f;
  }
  static v1::Geofence Circle(double lat, double lon, double radius) {
    v1::Geofence f;
    f.mutable_circle()->mutable_center()->set_latitude(lat);
    f.mutable_circle()->mutable_center()->set_longitude(lon);
    f.mutable_circle()->set_radius_meters(radius);
    return f;
  }

  FakeClock clock_{absl::Now()};
  std::mt19937_64 rng_{37};
  TempDir dir_;
  ServerFixture server_{dir_.path()};
  std::unique_ptr<v1::AlertService::Stub> alerts_;
  std::string shop_token_;
};

// Heemskerk, ~2.7 km north of the Breestraat: outside a 300 m circle around one and the other.
constexpr double kFarLat = 52.5110, kFarLon = 4.6700;

TEST_F(AlertTest, GeofencedDeliveryResumeExpiryAndResolution) {
  std::unique_ptr<Stream> drie = Subscribe(Areas(kDrieStraatjes));
  std::unique_ptr<Stream> far = Subscribe(Circle(kFarLat, kFarLon, 300));

  const v1::Alert a1 = MustPublish(Breestraat("Man in groene jas steelt bij de drogist"));
  ASSERT_EQ(a1.state(), v1::ACTIVE);
  ASSERT_EQ(a1.area().focus_areas_size(), 1);
  EXPECT_EQ(a1.area().focus_areas(0), kDrieStraatjes);
  EXPECT_EQ(a1.expire_time().seconds() - a1.publish_time().seconds(), 30 * 60);  // default ttl

  v1::AlertEvent event;
  EXPECT_EQ(drie->Next(&event), a1.name());
  const std::string cursor1 = event.cursor();
  // The far-away subscriber's first alert is the one in its circle, never the Breestraat one.
  const v1::Alert sentinel = MustPublish(AlertAt(kFarLat, kFarLon, "Zakkenroller bij de markt"));
  EXPECT_EQ(far->Next(), sentinel.name());
  far->Close();
  drie->Close();

  // While disconnected: one more alert in the area. Resuming gets only that one.
  const v1::Alert a2 = MustPublish(Breestraat("Twee jongens stelen blikjes bij de supermarkt"));
  std::unique_ptr<Stream> resumed = Subscribe(Areas(kDrieStraatjes), cursor1);
  EXPECT_EQ(resumed->Next(&event), a2.name());
  const std::string cursor2 = event.cursor();
  resumed->Close();

  // An alert that expires before anyone reads it is not delivered.
  v1::PublishAlertRequest short_lived = Breestraat("Verdachte man kijkt in etalages");
  short_lived.mutable_ttl()->set_seconds(60);
  const v1::Alert expired = MustPublish(short_lived);
  clock_.Advance(absl::Minutes(2));
  const v1::Alert a3 = MustPublish(Breestraat("Winkeldief met grote tas, rende richting station"));
  std::unique_ptr<Stream> later = Subscribe(Areas(kDrieStraatjes), cursor2);
  EXPECT_EQ(later->Next(), a3.name());  // `expired` was skipped

  // Resolving delivers the outcome to the matching subscriber.
  {
    grpc::ClientContext context;
    WithToken(context, shop_token_);
    v1::ResolveAlertRequest request;
    request.set_name(a3.name());
    request.set_outcome("Dader aangehouden door de politie");
    v1::Alert resolved;
    grpc::Status status = alerts_->ResolveAlert(&context, request, &resolved);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(resolved.state(), v1::ALERT_RESOLVED);
  }
  EXPECT_EQ(later->Next(&event), a3.name());
  EXPECT_EQ(event.alert().state(), v1::ALERT_RESOLVED);
  EXPECT_EQ(event.alert().outcome(), "Dader aangehouden door de politie");
  later->Close();
  EXPECT_NE(expired.name(), a3.name());
}

TEST_F(AlertTest, PublishIsIdempotentValidatedAndForShopkeepersOnly) {
  const v1::PublishAlertRequest request = Breestraat("Vrouw steelt portemonnee uit tas");
  const v1::Alert first = MustPublish(request);
  const v1::Alert again = MustPublish(request);
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(again.publish_time().seconds(), first.publish_time().seconds());
  v1::PublishAlertRequest changed = request;
  changed.set_description("Iets heel anders");
  v1::Alert out;
  EXPECT_EQ(Publish(changed, &out).error_code(), grpc::StatusCode::ALREADY_EXISTS);

  // A resident may not publish.
  grpc::Status status = Publish(Breestraat("Ik ben geen winkelier"), &out, server_.resident_token());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // Validation names the fields.
  v1::PublishAlertRequest bad = Breestraat("");
  bad.set_alert_id("nope");
  bad.mutable_ttl()->set_seconds(3 * 24 * 3600);
  bad.mutable_location()->set_latitude(48.85);  // Paris: not served
  bad.mutable_location()->set_longitude(2.35);
  status = Publish(bad, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<std::string> fields = ViolatedFields(status);
  std::sort(fields.begin(), fields.end());
  EXPECT_EQ(fields, (std::vector<std::string>{"alert_id", "description", "location", "ttl"}));

  // Acknowledgements: a known alert only.
  grpc::ClientContext context;
  WithToken(context, shop_token_);
  v1::AckAlertRequest ack;
  ack.set_name(first.name());
  ack.set_kind(v1::AckAlertRequest::SEEN);
  v1::AckAlertResponse ack_out;
  status = alerts_->AckAlert(&context, ack, &ack_out);
  EXPECT_TRUE(status.ok()) << status.error_message();
  grpc::ClientContext context2;
  WithToken(context2, shop_token_);
  ack.set_name("alerts/" + NewUuid(rng_));
  EXPECT_EQ(alerts_->AckAlert(&context2, ack, &ack_out).error_code(), grpc::StatusCode::NOT_FOUND);

  // Another shopkeeper cannot resolve it.
  const std::string other_shop = Entrepreneur("12345678", "Slagerij Zeestraat");
  grpc::ClientContext context3;
  WithToken(context3, other_shop);
  v1::ResolveAlertRequest resolve;
  resolve.set_name(first.name());
  resolve.set_outcome("Opgelost");
  v1::Alert resolved;
  EXPECT_EQ(alerts_->ResolveAlert(&context3, resolve, &resolved).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace wijkwacht::testing
