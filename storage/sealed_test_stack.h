// Test helper: a fixture with an engine in a temporary dir on a fake clock, and the sealed
// identity stack over it (sealer with a fixed master key, SealedIdentityStore, IdentityStore
// that gives devices pseudonyms, incidents, and a ReportStore that seals contact details).
#pragma once

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "storage/identity_store.h"
#include "storage/report_store.h"
#include "storage/sealed_identity_store.h"
#include "storage/test_util.h"

namespace wijkwacht::storage {

class SealedStackTest : public ::testing::Test {
 public:
  // The fake clock's start.
  static constexpr absl::Time Base() { return absl::FromUnixSeconds(1'780'000'000); }

 protected:
  void SetUp() override {
    EngineOptions options;
    options.data_dir = dir_.path();
    options.clock = &clock_;
    absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
    sealer_ = *privacy::IdentitySealer::Create({std::string(32, '\x5a'), &random_});
    sealed_ = std::make_unique<SealedIdentityStore>(engine_.get(), sealer_.get());
    identities_ = std::make_unique<IdentityStore>(engine_.get(), sealed_.get());
    incidents_ = std::make_unique<IncidentStore>(engine_.get(), &matcher_);
    reports_ = NewReportStore(engine_.get(), incidents_.get(), sealed_.get());
  }

  // Registers `device_id`; returns its pseudonym.
  std::string Register(const std::string& device_id) {
    internal::DeviceRecord device;
    device.set_device_id(device_id);
    device.set_role(1);
    absl::StatusOr<internal::DeviceRecord> stored = identities_->CreateDevice(device);
    EXPECT_TRUE(stored.ok()) << stored.status();
    EXPECT_TRUE(IsPseudonym(stored->pseudonym())) << stored->pseudonym();
    return stored->pseudonym();
  }

  FakeClock clock_{Base()};
  auth::FakeRandomSource random_{42};
  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<privacy::IdentitySealer> sealer_;
  std::unique_ptr<SealedIdentityStore> sealed_;
  std::unique_ptr<IdentityStore> identities_;
  dedup::IncidentMatcher matcher_{dedup::DedupOptions{}, nullptr};
  std::unique_ptr<IncidentStore> incidents_;
  std::unique_ptr<ReportStore> reports_;
};

}  // namespace wijkwacht::storage
