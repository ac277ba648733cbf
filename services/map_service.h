// wijkwacht.v1.MapService over the gRPC callback API: the areas of the safety map and the
// incident and report counts per area x theme x period.
//
// GetAggregates reads the day counters kept by storage/AggregateStore (never reports) and
// sums them into the requested periods (civil days, ISO weeks starting Monday, months, half
// years, all in Europe/Amsterdam). Privacy: callers without a staff role (ANALYST,
// DISPATCHER, ADMIN), including anonymous ones, get every cell whose report count lies in
// [1, k) withheld (counts 0, suppressed = true); staff see exact counts. Only cells with at
// least one report are returned.
//
// Not served yet (UNIMPLEMENTED after the CallGate): StreamAggregates, ImportIndicators,
// ListEarlyWarnings, GetProgressReport; GetAggregates refuses s2_cell_level > 0.
//
// Thread safety: one instance serves all calls concurrently.
#pragma once

#include "common/worker_pool.h"
#include "domain/geo/area_index.h"
#include "services/unary_call.h"
#include "storage/aggregate_store.h"
#include "wijkwacht/v1/map.grpc.pb.h"

namespace wijkwacht::services {

using RawMapService = v1::MapService::WithRawCallbackMethod_ListAreas<
    v1::MapService::WithRawCallbackMethod_GetAggregates<
        v1::MapService::WithGenericMethod_StreamAggregates<
            v1::MapService::WithGenericMethod_ImportIndicators<
                v1::MapService::WithGenericMethod_ListEarlyWarnings<
                    v1::MapService::WithGenericMethod_GetProgressReport<
                        v1::MapService::Service>>>>>>;

class MapServiceImpl final : public RawMapService {
 public:
  struct Parts {
    const geo::AreaIndex* areas = nullptr;
    const storage::AggregateStore* aggregates = nullptr;
    WorkerPool* workers = nullptr;
    const CallGate* gate = nullptr;
    // Counts below this are withheld from non-staff callers.
    int suppression_k = 5;
  };
  explicit MapServiceImpl(Parts parts) : parts_(parts) {}

  grpc::ServerUnaryReactor* ListAreas(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetAggregates(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;

  void Areas(const Caller& caller, const v1::ListAreasRequest& request,
             v1::ListAreasResponse* response, UnaryDone done);
  void Aggregates(const Caller& caller, const v1::GetAggregatesRequest& request,
                  v1::GetAggregatesResponse* response, UnaryDone done);

 private:
  Parts parts_;
};

}  // namespace wijkwacht::services
