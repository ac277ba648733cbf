#include "storage/identity_store.h"

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "storage/test_util.h"

namespace wijkwacht::storage {
namespace {

class IdentityStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  // Opens the engine over dir_ (again, after Close: what was stored must be there).
  void Open() {
    EngineOptions options;
    options.data_dir = dir_.path();
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
    store_ = std::make_unique<IdentityStore>(engine_.get());
  }
  void Close() {
    store_.reset();
    engine_->Shutdown();
    engine_.reset();
  }
  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<IdentityStore> store_;
};

TEST_F(IdentityStoreTest, DeviceLifecycle) {
  internal::DeviceRecord device;
  device.set_device_id("d1");
  device.set_role(1);
  device.set_refresh_secret_hash("hash");
  ASSERT_TRUE(store_->CreateDevice(device).ok());
  EXPECT_EQ(store_->CreateDevice(device).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->GetDevice("nope").status().code(), absl::StatusCode::kNotFound);

  auto updated = store_->UpdateDevice("d1", [](internal::DeviceRecord& d) {
    d.set_revoked(true);
    return absl::OkStatus();
  });
  ASSERT_TRUE(updated.ok());
  EXPECT_TRUE(updated->revoked());
  EXPECT_TRUE(store_->GetDevice("d1")->revoked());

  auto refused = store_->UpdateDevice("d1", [](internal::DeviceRecord& d) {
    d.set_role(5);
    return absl::FailedPreconditionError("no");
  });
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->GetDevice("d1")->role(), 1) << "a refused update must not be written";
}

TEST_F(IdentityStoreTest, ConcurrentUpdatesDoNotLoseWrites) {
  internal::UserRecord user;
  user.set_username("anna");
  user.set_role(3);
  ASSERT_FALSE(*store_->HasUsers());
  ASSERT_TRUE(store_->CreateUser(user).ok());
  ASSERT_TRUE(*store_->HasUsers());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        ASSERT_TRUE(store_
                        ->UpdateUser("anna",
                                     [](internal::UserRecord& u) {
                                       u.set_password_hash(u.password_hash() + "x");
                                       return absl::OkStatus();
                                     })
                        .ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(store_->GetUser("anna")->password_hash().size(), 100u);
}


// A key's last use is kept in the record of whichever key it still is: the current key's, the
// previous key's after a rotation (a use noted before the rotation never lands on the new
// key), nothing for a key the record no longer holds or an unknown partner, and never an
// earlier time over a later one. It survives reopening the engine.
TEST_F(IdentityStoreTest, RecordPartnerUseKeepsTheLatestUseOfTheKeyItNames) {
  internal::PartnerRecord partner;
  partner.set_partner_id("meldformulier");
  partner.set_key_id("wwp.meldformulier.AAAAAA");
  partner.set_key_hash("current");
  ASSERT_TRUE(store_->CreatePartner(partner).ok());
  const absl::Time t0 = absl::FromUnixSeconds(1'796'000'000);
  const auto record = [&](absl::string_view partner_id, absl::string_view key_id, absl::Time when) {
    std::promise<absl::Status> done;
    store_->RecordPartnerUse(partner_id, key_id, when, [&](absl::Status s) { done.set_value(s); });
    return done.get_future().get();
  };
  const auto seconds = [&](const google::protobuf::Timestamp& t) { return t.seconds(); };

  ASSERT_TRUE(record("meldformulier", "wwp.meldformulier.AAAAAA", t0 + absl::Minutes(5)).ok());
  EXPECT_EQ(seconds(store_->GetPartner("meldformulier")->last_use_time()),
            absl::ToUnixSeconds(t0 + absl::Minutes(5)));
  // An earlier time (a use recorded late) does not go back.
  ASSERT_TRUE(record("meldformulier", "wwp.meldformulier.AAAAAA", t0).ok());
  EXPECT_EQ(seconds(store_->GetPartner("meldformulier")->last_use_time()),
            absl::ToUnixSeconds(t0 + absl::Minutes(5)));

  // Rotated: the old key's id is now the previous one; a new key id is current.
  ASSERT_TRUE(store_
                  ->UpdatePartner("meldformulier",
                                  [](internal::PartnerRecord& r) {
                                    r.set_previous_key_hash(r.key_hash());
                                    r.set_previous_key_id(r.key_id());
                                    *r.mutable_previous_key_last_use_time() = r.last_use_time();
                                    r.clear_last_use_time();
                                    r.set_key_hash("new");
                                    r.set_key_id("wwp.meldformulier.BBBBBB");
                                    return absl::OkStatus();
                                  })
                  .ok());
  ASSERT_TRUE(record("meldformulier", "wwp.meldformulier.AAAAAA", t0 + absl::Minutes(20)).ok());
  absl::StatusOr<internal::PartnerRecord> stored = store_->GetPartner("meldformulier");
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->has_last_use_time()) << "the old key's use landed on the new key";
  EXPECT_EQ(seconds(stored->previous_key_last_use_time()),
            absl::ToUnixSeconds(t0 + absl::Minutes(20)));
  ASSERT_TRUE(record("meldformulier", "wwp.meldformulier.BBBBBB", t0 + absl::Minutes(30)).ok());
  // A key the record no longer holds, and an unknown partner: nothing written, no error.
  ASSERT_TRUE(record("meldformulier", "wwp.meldformulier.ZZZZZZ", t0 + absl::Hours(9)).ok());
  ASSERT_TRUE(record("onbekend", "wwp.onbekend.AAAAAA", t0 + absl::Hours(9)).ok());
  EXPECT_EQ(store_->GetPartner("onbekend").status().code(), absl::StatusCode::kNotFound);

  // Durable: the engine reopened over the same directory has both.
  Close();
  ASSERT_NO_FATAL_FAILURE(Open());
  stored = store_->GetPartner("meldformulier");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(seconds(stored->last_use_time()), absl::ToUnixSeconds(t0 + absl::Minutes(30)));
  EXPECT_EQ(seconds(stored->previous_key_last_use_time()),
            absl::ToUnixSeconds(t0 + absl::Minutes(20)));
}

}  // namespace
}  // namespace wijkwacht::storage
