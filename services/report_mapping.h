// Conversions between the v1 API messages and the domain/storage types of the report path.
//
// Thread safety: pure functions.
#pragma once

#include "absl/status/statusor.h"
#include "domain/report/ingest.h"
#include "storage/incident_store.h"
#include "storage/report_store.h"
#include "wijkwacht/v1/report.pb.h"

namespace wijkwacht::services {

// The client-supplied fields of `report` (output-only fields are ignored). Errors:
// INVALID_ARGUMENT on "observed_time" for a timestamp outside the valid range.
[[nodiscard]] absl::StatusOr<report::ReportDraft> DraftFromProto(const v1::Report& report);

// What the store writes: the client's fields, normalised, plus the derived fields.
[[nodiscard]] storage::NewReport BuildNewReport(const v1::Report& input,
                                                const report::IngestDecision& decision);

// An open incident PreviewReport offers, with its match score.
[[nodiscard]] v1::IncidentMatch IncidentMatchToProto(const storage::ScoredIncident& match);

// The time of a Timestamp within the valid range (years 1-9999, nanos in [0, 1e9)), else
// INVALID_ARGUMENT on `field`.
[[nodiscard]] absl::StatusOr<absl::Time> TimeFromProto(const google::protobuf::Timestamp& t,
                                                       absl::string_view field);

// "reports/{id}" -> normalised id. INVALID_ARGUMENT on `field` when malformed.
[[nodiscard]] absl::StatusOr<std::string> ParseReportName(absl::string_view name,
                                                          absl::string_view field);

// `status` (code and payloads kept) with every mention of `stored_id` replaced by `client_id`:
// an error about a reporter's own report, in the id the reporter sent (the stored id of a
// report kept under an alias is never shown to it; storage/report_store.h).
[[nodiscard]] absl::Status InOwnTerms(const absl::Status& status, absl::string_view stored_id,
                                      absl::string_view client_id);

}  // namespace wijkwacht::services
