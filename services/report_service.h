// wijkwacht.v1.ReportService over the gRPC callback API.
//
// PreviewReport shows staff the matching open incidents in full. Anyone else (residents,
// shopkeepers) learns only whether a similar open report exists that theirs would likely
// join: at most one match carrying just its theme and category (no incident name, which is
// another reporter's report id, no score or distance, no times, no count), and only for an
// incident whose reporters the public map would publish as a cell of their own
// (privacy::Publish: at least k reports and k plus the margin of distinct established
// reporters, the theme's k; never for a theme left off the map). Below that the answer is
// "none", exactly as without the incident: a preview cannot tell one neighbour's report, or
// its category, from nothing. SubmitReport joins as before, but a device is shown its own
// report's id as the incident (storage::ReporterView). The match is
// looked for from the four quarters of the report's public heatmap cell (`public_cell_level`,
// about 600 m) with the observed time cut to the hour, and only incidents whose centre lies
// in that cell count: so the answer is the same anywhere in the cell and within the hour, and
// repeated previews from nearby points cannot locate or time anyone's report more precisely
// than the public map. PreviewReport is rate-limited like a write (access_policy.h).
//
// Erasure: once a reporter's identity is erased (AuthService.RevokeDevice with erase), GetReport
// and ListReports show that reporter's reports to everyone, staff included, without their free
// text (description "") and with the location moved to the centre of its public heatmap cell.
// The stored report is not rewritten (the counts, incident and area stay right); only what
// is read through the API is masked.
//
// Need-to-know: staff see a report only when they may see its theme/category and, when it
// belongs to an incident, the incident's (services/need_to_know.h). GetReport answers NOT_FOUND
// otherwise (worded as for a missing report), ListReports leaves it out as if absent (pages
// and tokens do not depend on it), and staff PreviewReport leaves out incidents they may not
// see. A resident's own report is always theirs to read.
//
// No existence oracle: ids are the reporter's own (storage/report_store.h). A caller's report
// sent with an id that was already someone else's is answered, read and named by the id it
// sent (storage::ReporterView, storage::ResolveOwnReportId); GetReport answers NOT_FOUND
// "reports/{id} does not exist" (id in lower case) alike for a missing report and for
// someone else's.
//
// Handlers are thin: validate and map the request, call the domain (ReportIngest) and the
// store, map the status with ToGrpcStatus. SubmitReport answers only after the store has made
// the report durable (the reactor finishes from the storage writer's callback), so no gRPC
// thread waits on fsync. ListReports and PreviewReport's incident search run on a worker pool.
//
// Thread safety: one instance serves all calls concurrently; the referenced parts must be
// thread-safe and outlive the service.
#pragma once

#include <map>

#include "absl/container/flat_hash_map.h"
#include "common/worker_pool.h"
#include "domain/catalog/category_catalog.h"
#include "domain/report/ingest.h"
#include "services/desk_policy.h"
#include "services/method_table.h"
#include "services/need_to_know.h"
#include "services/unary_call.h"
#include "storage/incident_store.h"
#include "storage/report_store.h"
#include "storage/sealed_identity_store.h"
#include "storage/sealed_identity_store.h"
#include "wijkwacht/v1/report.grpc.pb.h"

namespace wijkwacht::services {

// Validation and classification of one client report, exactly as SubmitReport does it (also
// used by SyncService.Push). Field paths in errors are relative to the report
// ("location.latitude"; callers prefix them). With authentication on, the caller's token
// decides reporter_role and the reporter. Thread-safe.
[[nodiscard]] absl::StatusOr<storage::NewReport> PrepareReport(const report::ReportIngest& ingest,
                                                 const Caller& caller, const v1::Report& report);

class ReportServiceImpl final {
 public:
  struct Parts {
    const report::ReportIngest* ingest = nullptr;
    storage::ReportStore* store = nullptr;
    const storage::IncidentStore* incidents = nullptr;
    const catalog::CategoryCatalog* catalog = nullptr;
    WorkerPool* workers = nullptr;
    const CallGate* gate = nullptr;
    // PreviewReport for callers without a staff role: the S2 level of the cell the match is
    // looked for in (the public map's finest heatmap level); also how coarse the location of
    // an erased reporter's report is shown.
    int public_cell_level = 0;  // set by the server from ServerOptions
    // Whose identity was erased (SealedIdentityStore::IsErased; reports of erased reporters
    // are masked); may be null (nothing is masked).
    const storage::SealedIdentityStore* sealed = nullptr;
    // Need-to-know (services/need_to_know.h); either null: staff see every report.
    const storage::IdentityStore* identities = nullptr;
    const storage::DirectoryStore* directory = nullptr;
    // Routing and deadline of an incident a submitted report opens, and the handling message
    // in ListCategories and the SubmitReport answer; null: none.
    const DeskPolicy* desk = nullptr;
    // The public map's threshold (ServerOptions::map_suppression_k) and the themes with a
    // higher one or none on the map (kHiddenTheme): PreviewReport names an incident to a
    // caller without a staff role only when the map's rule would publish its reporters.
    int public_k = 0;
    std::map<int, int> theme_k;
  };
  explicit ReportServiceImpl(Parts parts) : parts_(parts) {}

  // Registers every RPC of the service with its handler (services/method_table.h).
  void Register(MethodTable* table);

  // The typed handlers.
  void Submit(const Caller& caller, const v1::SubmitReportRequest& request, v1::Report* response,
              UnaryDone done);
  void Preview(const Caller& caller, const v1::PreviewReportRequest& request,
               v1::PreviewReportResponse* response, UnaryDone done);
  void Get(const Caller& caller, const v1::GetReportRequest& request, v1::Report* response,
           UnaryDone done);
  void List(const Caller& caller, const v1::ListReportsRequest& request,
            v1::ListReportsResponse* response, UnaryDone done);
  void Categories(const Caller& caller, const v1::ListCategoriesRequest& request,
                  v1::ListCategoriesResponse* response, UnaryDone done);

 private:
  // Whether `visibility` admits the report (and its incident, read when it has one).
  [[nodiscard]] absl::StatusOr<bool> MaySee(const Visibility& visibility,
                                            const v1::Report& report) const;
  // Validation and classification shared by Submit and Preview. With authentication on, the
  // caller's token decides reporter_role and the reporter.
  [[nodiscard]] absl::StatusOr<storage::NewReport> Prepare(const Caller& caller,
                                                           const v1::Report* report,
                                                           bool has_report) const;
  // Masks `report` when its reporter was erased (see above). `erased` caches the answer per
  // reporter within one call.
  // Whether the public map's rule would publish the reporters of incident `incident_id`
  // (theme `theme`) as a cell of their own (see PreviewReport above).
  [[nodiscard]] absl::StatusOr<bool> PublicMayName(const std::string& incident_id, int theme) const;
  [[nodiscard]] absl::Status MaskIfErased(const std::string& reporter, v1::Report* report,
                                          absl::flat_hash_map<std::string, bool>* erased) const;

  Parts parts_;
};

}  // namespace wijkwacht::services
