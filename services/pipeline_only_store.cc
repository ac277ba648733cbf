#include "services/pipeline_only_store.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace wijkwacht::services {
namespace {

class PipelineOnlyStore final : public storage::ForwardingReportStore {
 public:
  PipelineOnlyStore(std::unique_ptr<storage::ReportStore> inner,
                    const storage::IncidentStore* incidents)
      : ForwardingReportStore(std::move(inner)), incidents_(incidents) {}

  void SubmitAsync(storage::NewReport report, SubmitDone done) override {
    absl::StatusOr<std::vector<storage::ScoredIncident>> best =
        incidents_->FindMatches(report.dedup, 1, incidents_->matcher().options().threshold);
    if (!best.ok()) return done(best.status());
    storage::SubmitOutcome outcome;
    outcome.report = std::move(report.report);
    outcome.report.clear_contact();
    outcome.report.set_status(v1::RECEIVED);
    outcome.report.set_incident_id(absl::StrCat(
        "incidents/", best->empty() ? outcome.report.id() : best->front().incident.id));
    done(std::move(outcome));
  }
  absl::Status CheckAdmission() const override { return absl::OkStatus(); }

 private:
  const storage::IncidentStore* incidents_;
};

}  // namespace

std::unique_ptr<storage::ReportStore> NewPipelineOnlyStore(
    std::unique_ptr<storage::ReportStore> inner, const storage::IncidentStore* incidents) {
  return std::make_unique<PipelineOnlyStore>(std::move(inner), incidents);
}

}  // namespace wijkwacht::services
