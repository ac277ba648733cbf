// The report ingest decision: validation, area and theme classification, and the content
// fingerprint that makes submits idempotent. Pure domain code (no gRPC, no RocksDB).
//
//   ReportIngest ingest(options);                 // catalog + area index + clock
//   absl::StatusOr<IngestDecision> d = ingest.Decide(draft);
//
// Field paths in errors are relative to the report ("location.latitude"); callers prefix
// them with where the report sits in their request ("report.").
//
// Theme: the fastText theme classifier (domain/classify) on the description, category and
// role, with its calibrated confidence; below the classifier's review threshold the report is
// flagged needs_review. Without a classifier (IngestOptions::classifier == nullptr) the
// theme is the category's theme hint with confidence 0 (= not scored by a model).
//
// Thread safety: Decide() is const and may be called concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/status.h"
#include "domain/catalog/category_catalog.h"
#include "domain/catalog/theme.h"
#include "domain/classify/theme_classifier.h"
#include "domain/dedup/incident_matcher.h"
#include "domain/geo/area_index.h"
#include "domain/lexicon/event_lexicon.h"

namespace wijkwacht::report {

// Values of wijkwacht.v1.ReporterRole.
enum class ReporterRole { kUnspecified = 0, kResident = 1, kEntrepreneur = 2, kStaff = 3 };

// Contact details a resident chose to leave with a report (wijkwacht.v1.ContactDetails).
// They identify the reporter, so storage seals them apart from the report.
struct ContactDraft {
  std::string name;
  std::string email;
  std::string phone;
  bool may_contact = false;  // consent to be contacted about the report
};

// What a client sends, before validation. Raw values (e.g. an unknown enum number) are kept
// so validation can name them.
struct ReportDraft {
  std::string id;
  // Who sends it ("devices/{id}", "users/{name}"; "" without authentication). Part of the
  // fingerprint: a report id belongs to its reporter.
  std::string reporter;
  int reporter_role = 0;
  std::optional<absl::Time> observed_time;  // nullopt: not set
  bool has_location = false;
  double latitude = 0;
  double longitude = 0;
  double accuracy_meters = 0;
  std::string category;
  std::string description;
  // A link to media published elsewhere (report/media_url.h); "" when none. Part of the
  // fingerprint only when set, so reports stored before it existed keep theirs.
  std::string media_url;
  // Not part of the fingerprint (it is not the report's content); validated as "contact.*".
  std::optional<ContactDraft> contact;
};

struct IngestLimits {
  absl::Duration max_age = absl::Hours(24 * 30);
  absl::Duration max_future = absl::Minutes(5);
  double max_accuracy_meters = 5000;
  size_t max_description_bytes = 4000;
};

struct IngestDecision {
  std::string id;  // normalised (lower case)
  ReporterRole reporter_role = ReporterRole::kUnspecified;
  absl::Time observed_time;
  geo::AreaMatch area;
  std::vector<std::string> area_codes;  // gemeente, wijk, buurt, focus areas (non-empty ones)
  catalog::Theme theme = catalog::Theme::kUnspecified;
  double theme_confidence = 0;
  bool needs_review = false;
  uint64_t s2_cell_id = 0;  // leaf cell of the location
  std::string fingerprint;  // SHA-256 (32 raw bytes) of the client-supplied content
  std::string reporter;     // as in the draft
  double latitude = 0;      // as in the draft
  double longitude = 0;
  double accuracy_meters = 0;
  std::string category;
  // fastText sentence vector of the description (L2-normalised) for deduplication; empty
  // without a classifier.
  std::vector<float> text_vector;
  // What the description says happened (event kinds, colours, brands, genders), for
  // deduplication; read by the event lexicon with or without a classifier.
  lexicon::EventSignature event;
  std::vector<uint32_t> stems;  // lexicon::ContentStems of the description
  // As in the draft, trimmed; nullopt when none was given.
  std::optional<ContactDraft> contact;
};

// The violations of contact details (field paths "contact.name", "contact.email",
// "contact.phone"; "contact" when every field is empty). Empty when valid.
[[nodiscard]] std::vector<FieldViolation> ContactViolations(const ContactDraft& contact);

struct IngestOptions {
  const catalog::CategoryCatalog* catalog = nullptr;  // required, not owned
  const geo::AreaIndex* areas = nullptr;              // required, not owned
  const classify::ThemeClassifier* classifier = nullptr;  // optional, not owned
  Clock* clock = nullptr;                             // nullptr = SystemClock()
  IngestLimits limits;
  // The model whose sentence vector goes to the incident matcher (IngestDecision::text_vector);
  // nullptr = the classifier's. Optional, not owned.
  const classify::ThemeClassifier* match_vectors = nullptr;
};

class ReportIngest {
 public:
  explicit ReportIngest(IngestOptions options);

  // Errors: INVALID_ARGUMENT naming every offending field (id, reporter_role, observed_time,
  // location, location.latitude, location.longitude, accuracy_meters, category, description,
  // media_url (report/media_url.h));
  // a description without content (no letter or digit of any script: only whitespace,
  // punctuation, symbols or emoji) is refused as "description";
  // a location outside every served gemeente is INVALID_ARGUMENT on "location".
  [[nodiscard]] absl::StatusOr<IngestDecision> Decide(const ReportDraft& draft) const;

  // Only the field checks (no area lookup); exposed for tests and batch pre-checks.
  [[nodiscard]] absl::Status Validate(const ReportDraft& draft) const;

 private:
  IngestOptions options_;
};

// What the incident matcher needs of a decided report.
[[nodiscard]] dedup::ReportFeatures DedupFeatures(const IngestDecision& decision);

// True for the RFC 4122 text form 8-4-4-4-12 hex digits (either case).
[[nodiscard]] bool IsUuid(absl::string_view s);
// SHA-256 over a canonical encoding of every client-supplied field (id normalised).
[[nodiscard]] std::string ContentFingerprint(const ReportDraft& draft);

}  // namespace wijkwacht::report
