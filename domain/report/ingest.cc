#include "domain/report/ingest.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status.h"
#include "common/text.h"
#include "domain/report/media_url.h"
#include "openssl/evp.h"
#include "s2/s2cell_id.h"
#include "s2/s2latlng.h"

namespace wijkwacht::report {
namespace {

void AppendField(std::string* out, absl::string_view s) {
  absl::StrAppend(out, s.size(), ":", s, ";");
}

}  // namespace

bool IsUuid(absl::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!absl::ascii_isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

std::string ContentFingerprint(const ReportDraft& d) {
  std::string canonical;
  AppendField(&canonical, absl::AsciiStrToLower(d.id));
  AppendField(&canonical, d.reporter);
  AppendField(&canonical, absl::StrCat(d.reporter_role));
  AppendField(&canonical,
              d.observed_time ? absl::StrCat(absl::ToUnixNanos(*d.observed_time)) : "-");
  AppendField(&canonical, d.has_location ? absl::StrFormat("%.17g,%.17g", d.latitude, d.longitude)
                                         : "-");
  AppendField(&canonical, absl::StrFormat("%.17g", d.accuracy_meters));
  AppendField(&canonical, d.category);
  AppendField(&canonical, d.description);
  if (!d.media_url.empty()) {
    AppendField(&canonical, "media_url");
    AppendField(&canonical, d.media_url);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(canonical.data(), canonical.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), length);
}

ReportIngest::ReportIngest(IngestOptions options) : options_(std::move(options)) {
  if (options_.clock == nullptr) options_.clock = SystemClock();
}

absl::Status ReportIngest::Validate(const ReportDraft& d) const {
  const IngestLimits& limits = options_.limits;
  std::vector<FieldViolation> v;
  if (d.id.empty()) {
    v.push_back({"id", "is required: a client-generated UUID"});
  } else if (!IsUuid(d.id)) {
    v.push_back({"id", "must be a UUID in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"});
  }
  if (d.reporter_role == 0) {
    v.push_back({"reporter_role", "is required (RESIDENT, ENTREPRENEUR or STAFF)"});
  } else if (d.reporter_role < 1 || d.reporter_role > 3) {
    v.push_back({"reporter_role", absl::StrCat("has unknown value ", d.reporter_role)});
  }
  if (!d.observed_time) {
    v.push_back({"observed_time", "is required"});
  } else {
    const absl::Time now = options_.clock->Now();
    if (*d.observed_time > now + limits.max_future) {
      v.push_back({"observed_time", absl::StrCat("is more than ",
                                                 absl::FormatDuration(limits.max_future),
                                                 " in the future")});
    } else if (*d.observed_time < now - limits.max_age) {
      v.push_back({"observed_time", absl::StrCat("is older than the maximum age of ",
                                                 absl::FormatDuration(limits.max_age))});
    }
  }
  if (!d.has_location) {
    v.push_back({"location", "is required"});
  } else {
    if (!std::isfinite(d.latitude) || d.latitude < -90 || d.latitude > 90) {
      v.push_back({"location.latitude", "must be a number in [-90, 90]"});
    }
    if (!std::isfinite(d.longitude) || d.longitude < -180 || d.longitude > 180) {
      v.push_back({"location.longitude", "must be a number in [-180, 180]"});
    }
  }
  if (!std::isfinite(d.accuracy_meters) || d.accuracy_meters < 0 ||
      d.accuracy_meters > limits.max_accuracy_meters) {
    v.push_back({"accuracy_meters",
                 absl::StrCat("must be a number in [0, ", limits.max_accuracy_meters, "]")});
  }
  if (d.category.empty()) {
    v.push_back({"category", "is required: a code from ListCategories"});
  } else {
    const catalog::Category* category = options_.catalog->Find(d.category);
    if (category == nullptr) {
      v.push_back({"category", "is not a known category code (see ListCategories)"});
    } else if (!category->active) {
      v.push_back({"category", "is retired and no longer accepted"});
    }
  }
  if (d.description.empty()) {
    v.push_back({"description", "is required"});
  } else if (d.description.size() > limits.max_description_bytes) {
    v.push_back({"description", absl::StrCat("is ", d.description.size(), " bytes; at most ",
                                             limits.max_description_bytes, " are allowed")});
  } else if (std::string problem = TextProblem(d.description, /*allow_controls=*/false); !problem.empty()) {
    v.push_back({"description", problem});
  } else if (classify::NormaliseForModel(d.description).empty()) {
    v.push_back({"description",
                 "has no content: it must contain at least one letter or digit (only "
                 "whitespace, punctuation, symbols or emoji were sent)"});
  }
  if (!d.media_url.empty()) {
    if (std::string problem = MediaUrlProblem(d.media_url); !problem.empty()) {
      v.push_back({"media_url", std::move(problem)});
    }
  }
  if (d.contact) {
    for (FieldViolation& violation : ContactViolations(*d.contact)) v.push_back(std::move(violation));
  }
  if (!v.empty()) return InvalidFieldsError(std::move(v));
  return absl::OkStatus();
}

std::vector<FieldViolation> ContactViolations(const ContactDraft& c) {
  std::vector<FieldViolation> v;
  if (c.name.empty() && c.email.empty() && c.phone.empty()) {
    v.push_back({"contact", "is empty: leave it out, or give a name, email or phone"});
    return v;
  }
  if (c.name.size() > 200) {
    v.push_back({"contact.name", absl::StrCat("is ", c.name.size(), " bytes; at most 200 are allowed")});
  } else if (std::string problem = TextProblem(c.name, /*allow_controls=*/false); !problem.empty()) {
    v.push_back({"contact.name", problem});
  }
  if (!c.email.empty()) {
    const size_t at = c.email.find('@');
    if (c.email.size() > 254) {
      v.push_back({"contact.email", absl::StrCat("is ", c.email.size(), " bytes; at most 254 are allowed")});
    } else if (at == std::string::npos || at == 0 || at + 1 >= c.email.size() ||
               c.email.find('@', at + 1) != std::string::npos ||
               c.email.find('.', at + 1) == std::string::npos ||
               c.email.find_first_of(" \t\r\n<>()[],;:\"\\") != std::string::npos ||
               std::any_of(c.email.begin(), c.email.end(),
                           [](char ch) { return static_cast<unsigned char>(ch) < 0x21 ||
                                                static_cast<unsigned char>(ch) > 0x7e; })) {
      v.push_back({"contact.email", "is not an e-mail address (local@domain.tld)"});
    }
  }
  if (!c.phone.empty()) {
    int digits = 0;
    bool ok = c.phone.size() <= 32;
    for (size_t i = 0; ok && i < c.phone.size(); ++i) {
      const char ch = c.phone[i];
      if (absl::ascii_isdigit(static_cast<unsigned char>(ch))) {
        ++digits;
      } else if (!(ch == ' ' || ch == '-' || (ch == '+' && i == 0))) {
        ok = false;
      }
    }
    if (!ok || digits < 6 || digits > 15) {
      v.push_back({"contact.phone",
                   "must be 6-15 digits with an optional leading \"+\", spaces and \"-\""});
    }
  }
  return v;
}

absl::StatusOr<IngestDecision> ReportIngest::Decide(const ReportDraft& d) const {
  WW_RETURN_IF_ERROR(Validate(d));
  IngestDecision decision;
  decision.id = absl::AsciiStrToLower(d.id);
  decision.reporter_role = static_cast<ReporterRole>(d.reporter_role);
  decision.observed_time = *d.observed_time;

  absl::StatusOr<geo::AreaMatch> area = options_.areas->Locate(d.latitude, d.longitude);
  if (absl::IsNotFound(area.status())) {
    return InvalidFieldError("location",
                             "lies outside every gemeente this service covers; the report "
                             "cannot be accepted here");
  }
  if (!area.ok()) return area.status();
  decision.area = *std::move(area);
  for (const std::string* code : {&decision.area.gemeente_code, &decision.area.wijk_code,
                                  &decision.area.buurt_code}) {
    if (!code->empty()) decision.area_codes.push_back(*code);
  }
  for (const std::string& focus : decision.area.focus_areas) decision.area_codes.push_back(focus);

  // The description is read once (normalised, event signature) for the theme model, the
  // sentence vector and the matcher's features.
  classify::ReadText text = classify::ReadDescription(d.description);
  if (options_.classifier != nullptr) {
    WW_ASSIGN_OR_RETURN(classify::ThemePrediction prediction,
                        options_.classifier->Predict(text, d.category, d.reporter_role));
    decision.theme = prediction.theme;
    decision.theme_confidence = prediction.confidence;
    decision.needs_review = prediction.needs_review;
    const classify::ThemeClassifier* vectors =
        options_.match_vectors != nullptr ? options_.match_vectors : options_.classifier;
    decision.text_vector = vectors->SentenceVector(text);
  } else {
    // No model: the category's theme hint, not model-scored.
    decision.theme = options_.catalog->Find(d.category)->theme_hint;
    decision.theme_confidence = 0;
    decision.needs_review = false;
  }

  decision.stems = lexicon::ContentStems(text.normalised);
  decision.event = std::move(text.signature);
  decision.s2_cell_id = S2CellId(S2LatLng::FromDegrees(d.latitude, d.longitude)).id();
  decision.fingerprint = ContentFingerprint(d);
  decision.reporter = d.reporter;
  decision.latitude = d.latitude;
  decision.longitude = d.longitude;
  decision.accuracy_meters = d.accuracy_meters;
  decision.category = d.category;
  if (d.contact) {
    ContactDraft& c = decision.contact.emplace();
    c.name = std::string(absl::StripAsciiWhitespace(d.contact->name));
    c.email = std::string(absl::StripAsciiWhitespace(d.contact->email));
    c.phone = std::string(absl::StripAsciiWhitespace(d.contact->phone));
    c.may_contact = d.contact->may_contact;
  }
  return decision;
}

dedup::ReportFeatures DedupFeatures(const IngestDecision& decision) {
  dedup::ReportFeatures f;
  f.latitude = decision.latitude;
  f.longitude = decision.longitude;
  f.accuracy_meters = decision.accuracy_meters;
  f.observed = decision.observed_time;
  f.theme = decision.theme;
  f.category = decision.category;
  f.text_vector = decision.text_vector;
  f.event = decision.event;
  f.stems = decision.stems;
  return f;
}

}  // namespace wijkwacht::report
