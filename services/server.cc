#include "services/server.h"

#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/worker_pool.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "services/report_service.h"
#include "storage/engine.h"
#include "storage/report_store.h"
#include "wijkwacht/v1/alert.grpc.pb.h"
#include "wijkwacht/v1/auth.grpc.pb.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"
#include "wijkwacht/v1/map.grpc.pb.h"
#include "wijkwacht/v1/sync.grpc.pb.h"

namespace wijkwacht::services {
namespace {

class ServerImpl final : public WijkwachtServer {
 public:
  static absl::StatusOr<std::unique_ptr<WijkwachtServer>> Create(const ServerOptions& options) {
    auto self = std::unique_ptr<ServerImpl>(new ServerImpl());
    geo::AreaIndexOptions area_options;
    area_options.area_paths = options.area_paths;
    area_options.focus_areas_path = options.focus_areas_path;
    absl::StatusOr<std::unique_ptr<geo::AreaIndex>> areas = geo::AreaIndex::Load(area_options);
    if (!areas.ok()) return areas.status();
    self->areas_ = *std::move(areas);

    absl::StatusOr<std::unique_ptr<catalog::CategoryCatalog>> categories =
        catalog::CategoryCatalog::Load(options.categories_dir);
    if (!categories.ok()) return categories.status();
    self->catalog_ = *std::move(categories);

    storage::EngineOptions engine_options;
    engine_options.data_dir = options.data_dir;
    engine_options.clock = options.clock;
    absl::StatusOr<std::unique_ptr<storage::Engine>> engine = storage::Engine::Open(engine_options);
    if (!engine.ok()) return engine.status();
    self->engine_ = *std::move(engine);
    self->report_store_ = storage::NewReportStore(self->engine_.get());

    self->ingest_ = std::make_unique<report::ReportIngest>(
        report::IngestOptions{self->catalog_.get(), self->areas_.get(), options.clock,
                              options.limits});
    self->workers_ = std::make_unique<WorkerPool>(options.worker_threads);
    self->report_service_ = std::make_unique<ReportServiceImpl>(ReportServiceImpl::Parts{
        self->ingest_.get(), self->report_store_.get(), self->catalog_.get(),
        self->workers_.get()});

    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(), &self->port_);
    builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
    builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options.max_concurrent_streams);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                               static_cast<int>(absl::ToInt64Milliseconds(options.keepalive_time)));
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
    builder.AddChannelArgument(
        GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
        static_cast<int>(absl::ToInt64Milliseconds(options.keepalive_min_time)));
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
    builder.RegisterService(self->report_service_.get());
    builder.RegisterService(&self->map_service_);
    builder.RegisterService(&self->sync_service_);
    builder.RegisterService(&self->alert_service_);
    builder.RegisterService(&self->dispatch_service_);
    builder.RegisterService(&self->auth_service_);
    self->server_ = builder.BuildAndStart();
    if (self->server_ == nullptr || self->port_ == 0) {
      self->engine_->Shutdown();
      return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen));
    }
    return std::unique_ptr<WijkwachtServer>(std::move(self));
  }

  ~ServerImpl() override { Shutdown(absl::ZeroDuration()); }

  int port() const override { return port_; }

  void Shutdown(absl::Duration grace) override {
    std::call_once(shutdown_once_, [&] {
      if (grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService()) {
        health->Shutdown();  // health checks answer NOT_SERVING from now on
      }
      server_->Shutdown(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(absl::ToInt64Milliseconds(grace)));
      workers_.reset();  // runs queued list scans to completion
      engine_->Shutdown();
      stopped_.Notify();
    });
  }

  void Wait() override { stopped_.WaitForNotification(); }

 private:
  ServerImpl() = default;

  std::unique_ptr<geo::AreaIndex> areas_;
  std::unique_ptr<catalog::CategoryCatalog> catalog_;
  std::unique_ptr<storage::Engine> engine_;
  std::unique_ptr<storage::ReportStore> report_store_;
  std::unique_ptr<report::ReportIngest> ingest_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<ReportServiceImpl> report_service_;
  // Declared services: the generated bases answer UNIMPLEMENTED for every RPC.
  v1::MapService::CallbackService map_service_;
  v1::SyncService::CallbackService sync_service_;
  v1::AlertService::CallbackService alert_service_;
  v1::DispatchService::CallbackService dispatch_service_;
  v1::AuthService::CallbackService auth_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::once_flag shutdown_once_;
  absl::Notification stopped_;
};

}  // namespace

ServerOptions DefaultServerOptions(const std::string& data_root) {
  ServerOptions options;
  options.area_paths = {data_root + "/areas"};
  options.focus_areas_path = data_root + "/areas/focus_areas.geojson";
  options.categories_dir = data_root + "/categories";
  return options;
}

absl::StatusOr<std::unique_ptr<WijkwachtServer>> WijkwachtServer::Start(
    const ServerOptions& options) {
  return ServerImpl::Create(options);
}

}  // namespace wijkwacht::services
