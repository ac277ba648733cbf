#include "storage/identity_store.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "storage/test_util.h"

namespace wijkwacht::storage {
namespace {

class IdentityStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.data_dir = dir_.path();
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok());
    engine_ = *std::move(engine);
    store_ = std::make_unique<IdentityStore>(engine_.get());
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

}  // namespace
}  // namespace wijkwacht::storage
