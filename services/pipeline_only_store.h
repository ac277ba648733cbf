// PipelineOnlyStore: a ReportStore for measuring the ingest pipeline without the store
// (wijkwachtd --pipeline_only). SubmitAsync runs everything a real submit runs before and
// around the write except the write itself: the caller has already validated, located and
// classified the report; this store scores the open incidents in memory (the dedup decision,
// as IncidentStore::Assign would) and answers at once with the report as it would be stored.
// Nothing is written, so nothing is durable: a benchmark ceiling, never a way to serve.
//
// Thread safety: all methods may be called concurrently. Reads go to the wrapped store.
#pragma once

#include <memory>

#include "storage/incident_store.h"
#include "storage/report_store.h"

namespace wijkwacht::services {

// `inner` answers reads; `incidents` (not owned) scores the dedup decision.
[[nodiscard]] std::unique_ptr<storage::ReportStore> NewPipelineOnlyStore(
    std::unique_ptr<storage::ReportStore> inner, const storage::IncidentStore* incidents);

}  // namespace wijkwacht::services
