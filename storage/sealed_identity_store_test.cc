#include "storage/sealed_identity_store.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "storage/identity_store.h"
#include "storage/report_store.h"
#include "storage/sealed_test_stack.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;

const absl::Time kBase = SealedStackTest::Base();

NewReport MakeReport(int n, const std::string& reporter) {
  NewReport r;
  r.report.set_id(absl::StrFormat("00000000-0000-4000-8000-%012d", n));
  r.report.set_name("reports/" + r.report.id());
  r.report.set_description(absl::StrCat("melding ", n));
  r.report.set_category("verdachte-persoon");
  *r.report.mutable_observed_time() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(kBase));
  r.report.set_theme(v1::LIVEABILITY);
  r.report.mutable_area()->set_gemeente_code("GM0375");
  r.fingerprint = absl::StrCat("fp", n);
  r.area_codes = {"GM0375"};
  r.s2_cell_id = 0x47c6b1e3a5f00001ull + 2 * n;
  r.dedup.latitude = 52.40 + 0.01 * n;
  r.dedup.longitude = 4.65;
  r.dedup.observed = kBase;
  r.dedup.theme = catalog::Theme::kLiveability;
  r.dedup.category = r.report.category();
  r.reporter = reporter;
  return r;
}

v1::ContactDetails Contact(const std::string& marker) {
  v1::ContactDetails c;
  c.set_name(absl::StrCat("Naam-", marker));
  c.set_email(absl::StrCat("mail-", marker, "@example.nl"));
  c.set_phone("+31 6 1234 5678");
  return c;
}

// Every regular file under `dir`, read whole.
std::vector<std::pair<std::string, std::string>> ReadAllFiles(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    out.emplace_back(entry.path().string(),
                     std::string(std::istreambuf_iterator<char>(in), {}));
  }
  return out;
}

// The files holding `needle`.
std::vector<std::string> FilesContaining(const std::string& dir, const std::string& needle) {
  std::vector<std::string> hits;
  for (const auto& [path, bytes] : ReadAllFiles(dir)) {
    if (bytes.find(needle) != std::string::npos) hits.push_back(path);
  }
  return hits;
}

class SealedIdentityStoreTest : public SealedStackTest {};

TEST_F(SealedIdentityStoreTest, RegistrationSealsTheDeviceIdUnderAPseudonym) {
  const std::string pseudonym = Register("device-aaaa-0001");
  EXPECT_EQ(identities_->GetDevice("device-aaaa-0001")->pseudonym(), pseudonym);
  absl::StatusOr<RevealedIdentity> revealed = sealed_->Reveal(pseudonym);
  ASSERT_TRUE(revealed.ok()) << revealed.status();
  EXPECT_FALSE(revealed->erased);
  EXPECT_EQ(revealed->device_id, "device-aaaa-0001");
  EXPECT_EQ(revealed->registered, kBase);
  EXPECT_TRUE(revealed->contacts.empty());
  // Neither the devices key nor the sealed record holds the id in clear.
  EXPECT_FALSE(engine_->Get(ColumnFamily::kDevices, "device-aaaa-0001")->has_value());
  ASSERT_TRUE(engine_->Scan(ColumnFamily::kSealedIdentities, "", "",
                            [](absl::string_view key, absl::string_view value) {
                              EXPECT_EQ(value.find("device-aaaa"), absl::string_view::npos);
                              EXPECT_EQ(key.find("device-aaaa"), absl::string_view::npos);
                              return true;
                            })
                  .ok());
}

TEST_F(SealedIdentityStoreTest, ContactDetailsAreSealedInTheReportsBatchAndNeverInTheReport) {
  const std::string pseudonym = Register("device-aaaa-0002");
  NewReport report = MakeReport(1, pseudonym);
  report.contact = Contact("C1");
  report.report.mutable_contact()->set_name("also in the message");
  absl::StatusOr<SubmitOutcome> outcome = reports_->Submit(report);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_FALSE(outcome->report.has_contact());
  absl::StatusOr<internal::StoredReport> stored = reports_->GetStored(report.report.id());
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->report().has_contact());
  EXPECT_EQ(stored->reporter(), pseudonym);
  EXPECT_EQ(stored->SerializeAsString().find("C1"), std::string::npos);

  absl::StatusOr<RevealedIdentity> revealed = sealed_->Reveal(pseudonym);
  ASSERT_TRUE(revealed.ok()) << revealed.status();
  ASSERT_EQ(revealed->contacts.size(), 1u);
  EXPECT_EQ(revealed->contacts[0].report_id, report.report.id());
  EXPECT_EQ(revealed->contacts[0].details.email(), "mail-C1@example.nl");

  // Without a reporter identity the whole report is refused, nothing stored.
  NewReport anonymous = MakeReport(2, "");
  anonymous.contact = Contact("C2");
  EXPECT_EQ(reports_->Submit(anonymous).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(reports_->Get(anonymous.report.id()).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SealedIdentityStoreTest, AlteredOrMovedSealedRecordsAreDataLoss) {
  const std::string a = Register("device-aaaa-0003");
  const std::string b = Register("device-aaaa-0004");
  std::string record_a;
  ASSERT_TRUE(engine_->Scan(ColumnFamily::kSealedIdentities, a, a,
                            [&](absl::string_view, absl::string_view value) {
                              record_a = std::string(value);
                              return false;
                            })
                  .ok());
  ASSERT_FALSE(record_a.empty());
  // a's sealed identity copied over b's: the AAD (b's key) does not match.
  ASSERT_TRUE(engine_
                  ->CommitAndWait([&](WriteContext& ctx) {
                    ctx.Put(ColumnFamily::kSealedIdentities, b + std::string(1, '\0') + "identity",
                            record_a);
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(sealed_->Reveal(b).status().code(), absl::StatusCode::kDataLoss);
  // One flipped bit in a's record.
  record_a[record_a.size() / 2] ^= 0x10;
  ASSERT_TRUE(engine_
                  ->CommitAndWait([&](WriteContext& ctx) {
                    ctx.Put(ColumnFamily::kSealedIdentities, a + std::string(1, '\0') + "identity",
                            record_a);
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(sealed_->Reveal(a).status().code(), absl::StatusCode::kDataLoss);
  // Another master key cannot unwrap the data keys.
  auto other = *privacy::IdentitySealer::Create({std::string(32, '\x5b'), &random_});
  SealedIdentityStore wrong_master(engine_.get(), other.get());
  EXPECT_EQ(wrong_master.Reveal(b).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(SealedIdentityStoreTest, ErasureLeavesNeitherMarkersNorKeysInAnyFile) {
  const std::string device_id = "marker-device-7f3e9c1a";
  const std::string pseudonym = Register(device_id);
  NewReport report = MakeReport(3, pseudonym);
  report.contact = Contact("Q7X9");
  ASSERT_TRUE(reports_->Submit(report).ok());
  const std::string wrapped = **engine_->Get(ColumnFamily::kReporterKeys, pseudonym);
  const std::string raw = *sealer_->UnwrapDataKey(pseudonym, wrapped);
  // Into SST files too, and the WAL holds them as well.
  ASSERT_TRUE(engine_->PurgeDeleted({}).ok());
  ASSERT_TRUE(reports_->Submit(MakeReport(4, pseudonym)).ok());
  // Positive control: the scan finds what is there as is (the wrapped key). The device id
  // (the device record is keyed by its hash) and the contact details were never in clear.
  EXPECT_FALSE(FilesContaining(dir_.path(), wrapped).empty());
  EXPECT_TRUE(FilesContaining(dir_.path(), device_id).empty());
  EXPECT_TRUE(FilesContaining(dir_.path(), "Q7X9").empty());

  ASSERT_TRUE(sealed_->Erase(pseudonym, device_id).ok());

  for (const std::string& needle :
       {device_id, std::string("Q7X9"), std::string("mail-Q7X9"), wrapped, raw,
        wrapped.substr(12, 16)}) {
    EXPECT_EQ(FilesContaining(dir_.path(), needle), std::vector<std::string>{})
        << "found after erasure: " << absl::CHexEscape(needle);
  }
  absl::StatusOr<RevealedIdentity> revealed = sealed_->Reveal(pseudonym);
  ASSERT_TRUE(revealed.ok());
  EXPECT_TRUE(revealed->erased);
  EXPECT_EQ(identities_->GetDevice(device_id).status().code(), absl::StatusCode::kNotFound);
  // The reports stay, pseudonymous.
  absl::StatusOr<internal::StoredReport> stored = reports_->GetStored(report.report.id());
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->reporter(), pseudonym);
  EXPECT_EQ(stored->report().description(), "melding 3");
  // No new contact details can be sealed for an erased reporter.
  NewReport later = MakeReport(5, pseudonym);
  later.contact = Contact("LATE");
  EXPECT_EQ(reports_->Submit(later).status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace wijkwacht::storage
