#include "services/server.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/worker_pool.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "common/status.h"
#include "services/action_plan_service.h"
#include "services/auth_service.h"
#include "services/call_gate.h"
#include "services/directory_service.h"
#include "services/dispatch_service.h"
#include "services/desk_monitor.h"
#include "services/desk_policy.h"
#include "services/early_warning_monitor.h"
#include "services/map_layers.h"
#include "services/map_service.h"
#include "services/exports.h"
#include "services/ogc_features.h"
#include "services/http_api.h"
#include "services/method_table.h"
#include "services/open311.h"
#include "services/operations_service.h"
#include "services/poll_service.h"
#include "services/report_service.h"
#include "services/pipeline_only_store.h"
#include "services/server_metrics.h"
#include "services/server_options.h"
#include "services/webhook_notifier.h"
#include "services/alert_service.h"
#include "services/sync_service.h"
#include "services/unimplemented_service.h"
#include "storage/notify_outbox.h"
#include "storage/directory_store.h"
#include "storage/identity_store.h"
#include "storage/change_feed.h"
#include "storage/engine.h"
#include "storage/report_store.h"
#include "storage/retention.h"
#include "storage/sealed_identity_store.h"
#include "privacy/sealer.h"
#include "web/http_server.h"

namespace wijkwacht::services {
namespace {

// umask 077 for the process, then the data dir created (0700) or narrowed to 0700.
absl::Status PrivateDataDir(const std::string& dir) {
  ::umask(077);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("data_dir: cannot create ", dir, ": ", error.message()));
  }
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("data_dir: cannot make ", dir, " private (0700): ", error.message()));
  }
  return absl::OkStatus();
}

class ServerImpl final : public WijkwachtServer {
 public:
  // One builder per subsystem, in the order their parts depend on each other. A builder that
  // fails leaves the server half-built: the destructor's Shutdown() stops what was started.
  static absl::StatusOr<std::unique_ptr<WijkwachtServer>> Create(const ServerOptions& options) {
    WW_ASSIGN_OR_RETURN(CheckedServerOptions checked, CheckServerOptions(options));
    auto self = std::unique_ptr<ServerImpl>(new ServerImpl());
    self->server_metrics_ = std::make_unique<ServerMetrics>(&self->registry_);
    WW_RETURN_IF_ERROR(self->LoadReferenceData(options));
    WW_RETURN_IF_ERROR(self->OpenStorage(options));
    // Always: what an earlier configuration left in the outbox is listed, resent and erased
    // with the rest even while notifications are off.
    self->outbox_ = std::make_unique<storage::NotifyOutbox>(self->engine_.get(), auth::SystemRandom());
    WW_RETURN_IF_ERROR(self->outbox_->Load());
    // Before any write, so that every change that notifies is in the outbox.
    if (checked.webhook) {
      WW_RETURN_IF_ERROR(self->BuildNotify(options, *std::move(checked.webhook)));
    }
    WW_RETURN_IF_ERROR(self->BuildIdentities(options));
    WW_RETURN_IF_ERROR(self->BuildAuth(options));
    self->workers_ = std::make_unique<WorkerPool>(options.worker_threads);
    self->anonymous_workers_ =
        std::make_unique<WorkerPool>(std::max(1, options.anonymous_stream_threads));
    WW_RETURN_IF_ERROR(self->BuildDeskRules(options, checked));
    WW_RETURN_IF_ERROR(self->BuildIngest(options, checked));
    WW_RETURN_IF_ERROR(self->BuildMap(options, checked));
    WW_RETURN_IF_ERROR(self->BuildDesk(options));
    WW_RETURN_IF_ERROR(self->BuildResidentServices(options));
    WW_RETURN_IF_ERROR(self->BuildOperations(options));
    WW_RETURN_IF_ERROR(self->BuildGrpc(options));
    WW_RETURN_IF_ERROR(self->BuildHttp(options, checked));
    return std::unique_ptr<WijkwachtServer>(std::move(self));
  }

  ~ServerImpl() override { Shutdown(absl::ZeroDuration()); }

  int port() const override { return port_; }
  bool tls() const override { return tls_; }
  int http_port() const override { return http_ != nullptr ? http_->port() : 0; }
  int ops_http_port() const override { return http_ != nullptr ? http_->ops_port() : 0; }

  void Shutdown(absl::Duration grace) override {
    // Also runs when Create() fails half-way, so every part may still be missing.
    std::call_once(shutdown_once_, [&] {
      const auto deadline = std::chrono::system_clock::now() +
                            std::chrono::milliseconds(absl::ToInt64Milliseconds(grace));
      if (server_ != nullptr) {
        if (grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService()) {
          health->Shutdown();  // health checks answer NOT_SERVING from now on
        }
        if (http_ != nullptr) http_->BeginDrain();  // /healthz answers 503 from now on
      }
      // The monitor keeps its durable cursor and catches up at the next start.
      if (early_warnings_ != nullptr) early_warnings_->Stop();
      if (desk_monitor_ != nullptr) desk_monitor_->Stop();
      // Undelivered notifications stay in the outbox for the next start.
      if (notifier_ != nullptr) notifier_->Stop();
      periodic_retention_.reset();  // waits for a sweep in progress
      // Every server stream ends now with UNAVAILABLE and its resume cursor (LogStream);
      // unary calls in flight finish normally within the grace period.
      if (feed_ != nullptr) feed_->Close();
      if (server_ != nullptr) server_->Shutdown(deadline);
      if (operations_service_ != nullptr) operations_service_->Stop();  // a backup running
      workers_.reset();  // runs queued list scans to completion
      anonymous_workers_.reset();
      login_workers_.reset();
      login_replies_.reset();  // after the workers: a hashed login may still hand its reply over
      if (http_ != nullptr) http_->Stop();  // after the grace period: /healthz said 503 in it
      if (engine_ != nullptr) engine_->Shutdown();
      stopped_.Notify();
    });
  }

  void Wait() override { stopped_.WaitForNotification(); }

 private:
  ServerImpl() = default;

  // The clock every part reads (options.clock, or the system's).
  static Clock* ClockOf(const ServerOptions& options) {
    return options.clock != nullptr ? options.clock : SystemClock();
  }

  // Areas (CBS wijk- en buurtkaart, focus areas) and the category catalogue.
  absl::Status LoadReferenceData(const ServerOptions& options) {
    geo::AreaIndexOptions area_options;
    area_options.area_paths = options.area_paths;
    area_options.focus_areas_path = options.focus_areas_path;
    WW_ASSIGN_OR_RETURN(areas_, geo::AreaIndex::Load(area_options));
    WW_ASSIGN_OR_RETURN(catalog_, catalog::CategoryCatalog::Load(options.categories_dir));
    return absl::OkStatus();
  }

  // The private data dir, the engine and the change feed every stream reads.
  absl::Status OpenStorage(const ServerOptions& options) {
    // Reports hold free text and exact locations: nothing under the data dir is for other
    // local users (files 0600, folders 0700, whatever RocksDB or the key files create).
    WW_RETURN_IF_ERROR(PrivateDataDir(options.data_dir));
    storage::EngineOptions engine_options;
    engine_options.data_dir = options.data_dir;
    engine_options.clock = options.clock;
    engine_options.max_pending_writes = options.max_pending_writes;
    engine_options.max_queue_delay = options.max_write_queue_delay;
    engine_options.admission_delay = options.write_admission_delay;
    engine_options.min_free_disk_bytes = static_cast<uint64_t>(options.min_free_disk_bytes);
    WW_ASSIGN_OR_RETURN(engine_, storage::Engine::Open(engine_options));
    server_metrics_->ExportStore(engine_.get());
    feed_ = std::make_unique<storage::ChangeFeed>(engine_.get());
    return absl::OkStatus();
  }

  // The outbox (attached to the engine: changes stage their notifications from now on) and
  // its delivery worker; the devices' payload pseudonyms are keyed by <data_dir>/keys/notify.key
  // (generated on first use).
  absl::Status BuildNotify(const ServerOptions& options, WebhookTarget target) {
    WW_ASSIGN_OR_RETURN(std::string key,
                        privacy::LoadOrCreateMasterKeyFile(options.data_dir + "/keys/notify.key",
                                                           auth::SystemRandom()));
    WW_RETURN_IF_ERROR(outbox_->Attach());
    const ServerMetrics::NotifyCounters counters = server_metrics_->ExportNotifications(outbox_.get());
    WebhookNotifier::Parts parts;
    parts.outbox = outbox_.get();
    parts.engine = engine_.get();
    notify_key_ = std::move(key);
    parts.pseudonym_key = notify_key_;
    parts.clock = ClockOf(options);
    parts.random = auth::SystemRandom();
    parts.delivered = counters.delivered;
    parts.failed_attempts = counters.failed_attempts;
    parts.given_up = counters.given_up;
    notifier_ = std::make_unique<WebhookNotifier>(std::move(target), std::move(parts));
    notifier_->Start();
    return absl::OkStatus();
  }

  // The master key and the sealed identity store (crypto-shredding of reporter identities),
  // the identities (devices, accounts) and the directory (teams, partners of the desk).
  absl::Status BuildIdentities(const ServerOptions& options) {
    absl::StatusOr<std::string> master_key =
        !options.master_key.empty()
            ? absl::StatusOr<std::string>(options.master_key)
            : !options.master_key_file.empty()
                  ? privacy::ReadMasterKeyFile(options.master_key_file)
                  : privacy::LoadOrCreateMasterKeyFile(options.data_dir + "/keys/master.key",
                                                       nullptr);
    if (!master_key.ok()) return PrefixFieldPaths(master_key.status(), "master_key_file");
    WW_ASSIGN_OR_RETURN(sealer_,
                        privacy::IdentitySealer::Create({*std::move(master_key), nullptr}));
    sealed_ = std::make_unique<storage::SealedIdentityStore>(engine_.get(), sealer_.get());
    sealed_->set_notify_outbox(outbox_.get());  // an erasure removes the device's notifications
    identities_ = std::make_unique<storage::IdentityStore>(engine_.get(), sealed_.get());
    directory_ = std::make_unique<storage::DirectoryStore>(engine_.get());
    return directory_->SeedDefaults();
  }

  // The desk's rules (stored, admin-managed) and the policy that applies them with the
  // municipality's calendar: handling deadlines and messages for ingest and the desk.
  absl::Status BuildDeskRules(const ServerOptions& options, const CheckedServerOptions& checked) {
    desk_rules_ = std::make_unique<storage::DeskRulesStore>(engine_.get());
    WW_RETURN_IF_ERROR(desk_rules_->Load());
    desk_policy_ = std::make_unique<DeskPolicy>(
        desk_rules_.get(), catalog_.get(),
        desk::HolidayCalendar(checked.liberation_day, checked.closing_days), options.clock);
    return absl::OkStatus();
  }

  // Reports in: the open incidents in memory, the report store, the theme classifier, the
  // ingest pipeline and ReportService.
  absl::Status BuildIngest(const ServerOptions& options, const CheckedServerOptions& checked) {
    matcher_ = std::make_unique<dedup::IncidentMatcher>(options.dedup, catalog_.get());
    // Open incidents live in memory: a report may be observed up to max_age ago and up to
    // max_future ahead, so incidents older than that (plus the longest window) are dropped.
    incident_store_ = std::make_unique<storage::IncidentStore>(
        engine_.get(), matcher_.get(), options.limits.max_age + options.limits.max_future);
    const absl::Time start = absl::Now();
    WW_RETURN_IF_ERROR(incident_store_->Load());
    std::fprintf(stderr, "wijkwachtd: %zu open incidents loaded into memory in %s\n",
                 incident_store_->OpenInMemory(), absl::FormatDuration(absl::Now() - start).c_str());
    report_store_ = storage::NewReportStore(engine_.get(), incident_store_.get(), sealed_.get());
    if (!options.theme_model_path.empty()) {
      classify::ClassifierOptions classifier_options;
      classifier_options.review_threshold = options.review_threshold;
      WW_ASSIGN_OR_RETURN(classifier_, classify::ThemeClassifier::Load(options.theme_model_path,
                                                                       classifier_options));
      if (!options.match_model_path.empty()) {
        WW_ASSIGN_OR_RETURN(match_vectors_,
                            classify::ThemeClassifier::Load(options.match_model_path));
      }
    }
    ingest_ = std::make_unique<report::ReportIngest>(
        report::IngestOptions{catalog_.get(), areas_.get(), classifier_.get(), options.clock,
                              options.limits, match_vectors_.get()});
    if (options.pipeline_only) {
      std::fprintf(stderr,
                   "wijkwachtd: WARNING --pipeline_only: SubmitReport stores NOTHING (a "
                   "benchmark of the pipeline without the store)\n");
      report_store_ = NewPipelineOnlyStore(std::move(report_store_), incident_store_.get());
    }
    // /metrics: reports are counted where they are stored.
    report_store_ = server_metrics_->CountReports(std::move(report_store_));
    report_service_ = std::make_unique<ReportServiceImpl>(ReportServiceImpl::Parts{
        ingest_.get(), report_store_.get(), incident_store_.get(), catalog_.get(), workers_.get(),
        gate_.get(),
        options.map_public_max_cell_level > 0 ? options.map_public_max_cell_level : 13,
        sealed_.get(), identities_.get(), directory_.get(), desk_policy_.get(),
        options.map_suppression_k, checked.theme_k});
    return absl::OkStatus();
  }

  // The map: counts (the recent ones also in memory), indicators, enforcement and poll
  // layers, MapService, and the early-warning monitor over the counts.
  absl::Status BuildMap(const ServerOptions& options, const CheckedServerOptions& checked) {
    WW_ASSIGN_OR_RETURN(aggregates_,
                        storage::AggregateStore::OpenWithMemory(
                            engine_.get(),
                            storage::MapDay(ClockOf(options)->Now()) - options.map_memory_days));
    indicators_ = std::make_unique<storage::IndicatorStore>(engine_.get());
    warning_store_ = std::make_unique<storage::EarlyWarningStore>(engine_.get());
    enforcement_ = std::make_unique<storage::EnforcementStore>(engine_.get());
    poll_store_ = std::make_unique<storage::PollStore>(engine_.get(), nullptr);
    action_plan_store_ = std::make_unique<storage::ActionPlanStore>(engine_.get());
    map_layers_ = std::make_unique<MapLayers>(MapLayers{enforcement_.get(), poll_store_.get(),
                                                        areas_.get(), action_plan_store_.get()});
    MapServiceImpl::Parts map_parts{areas_.get(), aggregates_.get(), indicators_.get(),
                                    workers_.get(), gate_.get(), options.map_suppression_k,
                                    feed_.get(), options.map_stream_min_interval, options.clock,
                                    warning_store_.get(), options.report_gemeente_code,
                                    options.map_public_max_cell_level,
                                    options.map_public_stream_interval, anonymous_workers_.get(),
                                    options.anonymous_max_replay};
    map_parts.theme_k = checked.theme_k;
    map_parts.layers = map_layers_.get();
    map_parts.early_warning = options.early_warning;
    public_cursors_ = std::make_unique<PublicCursors>(
        "wijkwacht public map stream cursor v1",
        sealed_->DerivedSecret("wijkwacht sealed cursors v1"), nullptr);
    map_parts.public_cursors = public_cursors_.get();
    map_service_ = std::make_unique<MapServiceImpl>(std::move(map_parts));
    EarlyWarningMonitor::Parts monitor_parts{warning_store_.get(), feed_.get(), aggregates_.get(),
                                             workers_.get(), options.early_warning};
    // Every area x theme series is tested each day: correct alpha for all of them.
    monitor_parts.detector.comparisons =
        std::max<int>(1, static_cast<int>(areas_->areas().size()) * 5);
    early_warnings_ = std::make_unique<EarlyWarningMonitor>(monitor_parts);
    return early_warnings_->Start();
  }

  // The dispatch desk: incidents, their audit trail and deletions, the reporter dialog,
  // DispatchService and the monitor of handling deadlines.
  absl::Status BuildDesk(const ServerOptions& options) {
    dispatch_store_ = std::make_unique<storage::DispatchStore>(engine_.get(), incident_store_.get());
    WW_RETURN_IF_ERROR(dispatch_store_->IndexAuditLog());  // older data dirs
    purger_ = std::make_unique<storage::IncidentPurger>(engine_.get(), incident_store_.get());
    purger_->set_notify_outbox(outbox_.get());
    deletion_log_ = std::make_unique<storage::DeletionLog>(engine_.get());
    map_layers_->incidents = dispatch_store_.get();  // the progress report
    dialog_ = std::make_unique<storage::ReporterDialogStore>(engine_.get(), incident_store_.get());
    dispatch_service_ = std::make_unique<DispatchServiceImpl>(DispatchServiceImpl::Parts{
        dispatch_store_.get(), feed_.get(), catalog_.get(), workers_.get(), gate_.get(),
        options.clock, identities_.get(), directory_.get(), report_store_.get(), sealed_.get(),
        purger_.get(), deletion_log_.get(), desk_rules_.get(), desk_policy_.get(), areas_.get(),
        dialog_.get(), /*on_question_asked=*/nullptr, /*on_status_changed=*/nullptr,
        // ListIncidents' page tokens are signed with a key derived from the master key.
        sealed_->DerivedSecret("wijkwacht page token v1")});
    desk_monitor_ = std::make_unique<DeskMonitor>(DeskMonitor::Parts{
        dispatch_store_.get(), feed_.get(), workers_.get(), ClockOf(options),
        options.deadline_check_interval});
    directory_service_ = std::make_unique<DirectoryServiceImpl>(DirectoryServiceImpl::Parts{
        directory_.get(), catalog_.get(), workers_.get(), gate_.get()});
    return desk_monitor_->Start();
  }

  // What residents and shopkeepers use besides reporting: sync (both cursors over the change
  // log), alerts, polls and action plans.
  absl::Status BuildResidentServices(const ServerOptions& options) {
    Clock* clock = ClockOf(options);
    alert_store_ = std::make_unique<storage::AlertStore>(engine_.get());
    sync_store_ = std::make_unique<storage::SyncStore>(engine_.get());
    device_cursors_ = std::make_unique<PublicCursors>(
        "wijkwacht device feed cursor v1", sealed_->DerivedSecret("wijkwacht sealed cursors v1"),
        nullptr);
    sync_service_ = std::make_unique<SyncServiceImpl>(SyncServiceImpl::Parts{
        ingest_.get(), report_store_.get(), sync_store_.get(), alert_store_.get(),
        identities_.get(), feed_.get(), workers_.get(), gate_.get(), clock, sealed_.get(),
        options.max_amendments_per_report, desk_policy_.get(), dialog_.get(),
        device_cursors_.get()});
    alert_service_ = std::make_unique<AlertServiceImpl>(AlertServiceImpl::Parts{
        areas_.get(), alert_store_.get(), feed_.get(), workers_.get(), gate_.get(), clock});
    action_plan_service_ = std::make_unique<ActionPlanServiceImpl>(ActionPlanServiceImpl::Parts{
        action_plan_store_.get(), areas_.get(), workers_.get(), gate_.get(), enforcement_.get(),
        clock});
    poll_service_ = std::make_unique<PollServiceImpl>(PollServiceImpl::Parts{
        poll_store_.get(), areas_.get(), workers_.get(), anonymous_workers_.get(), gate_.get(),
        clock, options.poll_min_respondents, options.report_gemeente_code});
    return absl::OkStatus();
  }

  // Retention (the sweep, periodically) and OperationsService (backups).
  absl::Status BuildOperations(const ServerOptions& options) {
    storage::RetentionOptions retention = options.retention;
    retention.clock = options.clock;
    retention_ = std::make_unique<storage::RetentionSweeper>(engine_.get(), sealed_.get(),
                                                             feed_.get(), retention, purger_.get(),
                                                             alert_store_.get(), outbox_.get());
    WW_RETURN_IF_ERROR(retention_->RestoreChangeLogBound());
    if (options.retention_sweep_interval > absl::ZeroDuration()) {
      periodic_retention_ = std::make_unique<storage::PeriodicRetention>(
          retention_.get(), options.retention_sweep_interval);
    }
    operations_service_ = std::make_unique<OperationsServiceImpl>(OperationsServiceImpl::Parts{
        engine_.get(), gate_.get(), options.backup_dir, options.backup_keep, outbox_.get(),
        notifier_ != nullptr, workers_.get()});
    return absl::OkStatus();
  }

  // Every RPC once in the method table (which the HTTP/JSON side serves too), and the gRPC
  // port with its credentials, limits and keepalive.
  absl::Status BuildGrpc(const ServerOptions& options) {
    report_service_->Register(&methods_);
    map_service_->Register(&methods_);
    dispatch_service_->Register(&methods_);
    sync_service_->Register(&methods_);
    alert_service_->Register(&methods_);
    operations_service_->Register(&methods_);
    action_plan_service_->Register(&methods_);
    poll_service_->Register(&methods_);
    directory_service_->Register(&methods_);
    if (auth_service_) auth_service_->Register(&methods_);
    WW_RETURN_IF_ERROR(methods_.status());
    WW_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                        ServerCredentialsFor(options));
    tls_ = !options.tls_cert_file.empty();

    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    builder.AddListeningPort(options.listen, credentials, &port_);
    builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
    grpc::ResourceQuota quota("wijkwacht");
    quota.Resize(static_cast<size_t>(options.grpc_memory_bytes));
    builder.SetResourceQuota(quota);
    builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options.max_concurrent_streams);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                               static_cast<int>(absl::ToInt64Milliseconds(options.keepalive_time)));
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
    builder.AddChannelArgument(
        GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
        static_cast<int>(absl::ToInt64Milliseconds(options.keepalive_min_time)));
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
    grpc_services_ = methods_.GrpcServices(gate_.get());
    for (const auto& service : grpc_services_) builder.RegisterService(service.get());
    // Everything else (RPCs not implemented yet) passes the gate, then gets UNIMPLEMENTED.
    unimplemented_ = std::make_unique<UnimplementedService>(gate_.get());
    builder.RegisterCallbackGenericService(unimplemented_.get());
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || port_ == 0) {
      return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen));
    }
    return absl::OkStatus();
  }

  // Keys, token signer/verifier, password hashing, throttles, the gate and AuthService.
  absl::Status BuildAuth(const ServerOptions& options) {
    auth::RateLimiter::Options device_limits;
    device_limits.rate_per_second = options.device_writes_per_second;
    device_limits.burst = options.device_write_burst;
    device_limits.clock = options.clock;
    device_writes_ = std::make_unique<auth::RateLimiter>(device_limits);
    auth::RateLimiter::Options peer_limits = device_limits;
    peer_limits.rate_per_second = options.peer_writes_per_second;
    peer_limits.burst = options.peer_write_burst;
    peer_writes_ = std::make_unique<auth::RateLimiter>(peer_limits);

    auth::RateLimiter::Options registration_limits = device_limits;
    registration_limits.rate_per_second = options.device_registrations_per_hour / 3600;
    registration_limits.burst = options.device_registration_burst;
    registrations_ = std::make_unique<auth::RateLimiter>(registration_limits);
    registration_limits.rate_per_second = options.global_device_registrations_per_hour / 3600;
    registration_limits.burst = options.global_device_registration_burst;
    registration_limits.max_keys = 1;
    all_registrations_ = std::make_unique<auth::RateLimiter>(registration_limits);
    partner_writes_ = std::make_unique<PartnerWriteLimits>(options.clock);
    partner_usage_ = std::make_unique<PartnerUsage>(
        [identities = identities_.get()](const std::string& partner, const std::string& key,
                                         absl::Time when) {
          identities->RecordPartnerUse(partner, key, when);
        },
        options.partner_last_use_interval);
    streams_ = std::make_unique<StreamRegistry>(options.stream_limits, options.clock);

    CallGate::Options gate;
    // Calls are counted where they are served (no per-call interceptor).
    if (options.rpc_metrics) gate.observer = server_metrics_.get();
    gate.device_writes = device_writes_.get();
    gate.peer_writes = peer_writes_.get();
    gate.registrations = registrations_.get();
    gate.all_registrations = all_registrations_.get();
    gate.partner_writes = partner_writes_.get();
    gate.partner_usage = partner_usage_.get();
    gate.trusted_proxies = options.trusted_proxies;
    gate.streams = streams_.get();
    gate.established_device_age = options.map_established_device_age;
    gate.clock = options.clock;
    if (!options.auth_enabled) {
      gate_ = std::make_unique<CallGate>(gate);
      return absl::OkStatus();
    }
    auth::KeyRing::Options key_options;
    key_options.clock = options.clock;
    if (!options.signing_key_file.empty()) {
      key_options.current_key_file = options.signing_key_file;
    } else {
      key_options.directory = options.signing_keys_dir.empty()
                                  ? options.data_dir + "/keys"
                                  : options.signing_keys_dir;
    }
    absl::StatusOr<std::unique_ptr<auth::KeyRing>> keys = auth::KeyRing::Open(key_options);
    if (!keys.ok()) return keys.status();
    keys_ = *std::move(keys);
    signer_ = std::make_unique<auth::TokenSigner>(
        auth::TokenSigner::Options{keys_.get(), options.clock, nullptr});
    verifier_ = std::make_unique<auth::TokenVerifier>(auth::TokenVerifier::Options{
        keys_.get(), options.token_issuer, options.token_audience, options.clock});
    cached_verifier_ = std::make_unique<auth::CachingTokenVerifier>(
        auth::CachingTokenVerifier::Options{verifier_.get(), options.clock});
    auth::PasswordHasher::Options password_options;
    password_options.params.log2_n = options.scrypt_log2_n;
    passwords_ = std::make_unique<auth::PasswordHasher>(password_options);
    auth::LoginThrottle::Options throttle_options;
    throttle_options.clock = options.clock;
    throttle_ = std::make_unique<auth::LoginThrottle>(throttle_options);
    if (!options.bootstrap_admin.empty()) {
      absl::Status created = BootstrapAdmin(*identities_, *passwords_, options.bootstrap_admin,
                                            options.bootstrap_admin_password, options.clock);
      if (!created.ok()) return created;
    }
    gate.verifier = cached_verifier_.get();
    gate.identities = identities_.get();
    gate_ = std::make_unique<CallGate>(gate);
    AuthServiceImpl::Parts parts;
    parts.partner_usage = partner_usage_.get();
    parts.gate = gate_.get();
    parts.identities = identities_.get();
    parts.sealed = sealed_.get();
    parts.directory = directory_.get();
    parts.keys = keys_.get();
    parts.signer = signer_.get();
    parts.passwords = passwords_.get();
    parts.throttle = throttle_.get();
    login_workers_ = std::make_unique<WorkerPool>(1);
    parts.login_workers = login_workers_.get();
    login_replies_ = std::make_unique<WorkerPool>(1);
    parts.login_replies = login_replies_.get();
    parts.max_pending_unknown_logins = options.max_pending_unknown_logins;
    parts.max_pending_logins_per_address = options.max_pending_logins_per_address;
    parts.streams = streams_.get();
    parts.refresh_token_lifetime = options.refresh_token_lifetime;
    parts.clock = options.clock;
    parts.issuer = options.token_issuer;
    parts.audience = options.token_audience;
    parts.notify_pseudonym_key = notify_key_;  // set up before: BuildNotify
    // Known-device tokens outlive restarts: their key is derived from the master key.
    known_devices_ = std::make_unique<PageTokenSigner>(
        sealed_->DerivedSecret("wijkwacht known device v1"));
    parts.known_devices = known_devices_.get();
    auth_service_ = std::make_unique<AuthServiceImpl>(std::move(parts));
    return absl::OkStatus();
  }

  // The map page and /healthz (and the ops listener: /healthz, /metrics). MapService is
  // called in-process without a token, so the page sees what any anonymous caller sees
  // (small counts withheld).
  absl::Status BuildHttp(const ServerOptions& options, const CheckedServerOptions& checked) {
    if (options.http_listen.empty()) return absl::OkStatus();
    web::HttpServerOptions http;
    http.listen = options.http_listen;
    http.assets_dir = options.http_assets_dir;
    http.tile_url = options.map_tile_url;
    http.suppression_k = options.map_suppression_k;
    http.gemeente_code = options.report_gemeente_code;
    http.channel = server_->InProcessChannel(grpc::ChannelArguments());
    http.metrics = &registry_;
    http.health = [engine = engine_.get()] { return engine->WriteHealth(); };
    http.max_event_streams = options.http_max_event_streams;
    http.max_token_event_streams = options.http_max_token_event_streams;
    http.max_event_streams_per_address = options.http_event_streams_per_address;
    http.max_connections_per_address = options.http_connections_per_address;
    http.request_deadline =
        std::chrono::milliseconds(absl::ToInt64Milliseconds(options.http_request_deadline));
    http.trusted_proxies = options.trusted_proxies;
    http.public_base_url = checked.public_base_url;
    http.ops_listen = options.ops_http_listen;
    http.clock = options.clock;
    WW_ASSIGN_OR_RETURN(json_api_,
                        JsonApi::Create(&methods_, gate_.get(), options.http_dev_plain_cookies));
    places_ = std::make_unique<geo::PlaceNames>(*areas_);
    Open311Api::Parts open311{&methods_, gate_.get(), catalog_.get(), options.clock, nullptr};
    open311.places = places_.get();
    open311.max_accuracy_meters = options.limits.max_accuracy_meters;
    open311_ = std::make_unique<Open311Api>(std::move(open311));
    exports_ = std::make_unique<ExportsApi>(&methods_, gate_.get(), options.clock);
    ogc_ = std::make_unique<OgcFeaturesApi>(&methods_, gate_.get(), options.clock);
    // Most specific prefix first: /v1/exports/ before the JSON routes' /v1/.
    http.api = {exports_.get(), open311_.get(), ogc_.get(), json_api_.get()};
    http.max_body_bytes = static_cast<size_t>(options.max_receive_message_bytes);
    WW_ASSIGN_OR_RETURN(http_, web::HttpServer::Start(std::move(http)));
    return absl::OkStatus();
  }

  static absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view flag) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return InvalidFieldError(flag, absl::StrCat("cannot read ", path));
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }

  // Plaintext, or TLS with the PEM files (their combination is checked by CheckServerOptions).
  static absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
      const ServerOptions& options) {
    if (options.tls_cert_file.empty()) return grpc::InsecureServerCredentials();
    grpc::SslServerCredentialsOptions ssl;
    grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
    WW_ASSIGN_OR_RETURN(pair.private_key, ReadPem(options.tls_key_file, "tls_key"));
    WW_ASSIGN_OR_RETURN(pair.cert_chain, ReadPem(options.tls_cert_file, "tls_cert"));
    ssl.pem_key_cert_pairs.push_back(std::move(pair));
    using Mode = ServerOptions::ClientCertificates;
    if (options.client_certificates != Mode::kNone) {
      WW_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPem(options.tls_client_ca_file, "tls_client_ca"));
      ssl.client_certificate_request =
          options.client_certificates == Mode::kRequire
              ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
              : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    return grpc::SslServerCredentials(ssl);
  }

  // First, so they outlive everything that counts into them.
  metrics::Registry registry_;
  std::unique_ptr<ServerMetrics> server_metrics_;
  std::unique_ptr<geo::AreaIndex> areas_;
  std::unique_ptr<geo::PlaceNames> places_;  // Open311's address_string, over areas_
  std::unique_ptr<catalog::CategoryCatalog> catalog_;
  std::unique_ptr<classify::ThemeClassifier> classifier_;
  std::unique_ptr<classify::ThemeClassifier> match_vectors_;  // nullptr: classifier_'s vectors
  std::unique_ptr<storage::Engine> engine_;
  std::unique_ptr<dedup::IncidentMatcher> matcher_;
  std::unique_ptr<storage::IncidentStore> incident_store_;
  std::unique_ptr<storage::ReportStore> report_store_;
  std::unique_ptr<report::ReportIngest> ingest_;
  std::unique_ptr<WorkerPool> workers_;
  // Streams, GetAggregates and GetPollResults without a token.
  std::unique_ptr<WorkerPool> anonymous_workers_;
  std::unique_ptr<privacy::IdentitySealer> sealer_;
  std::unique_ptr<storage::SealedIdentityStore> sealed_;
  std::unique_ptr<PublicCursors> public_cursors_;   // the public map stream's
  std::unique_ptr<PublicCursors> device_cursors_;   // the devices' feeds' (Pull, Subscribe)
  std::unique_ptr<storage::IdentityStore> identities_;
  std::unique_ptr<storage::DirectoryStore> directory_;
  std::unique_ptr<DirectoryServiceImpl> directory_service_;
  std::unique_ptr<auth::RateLimiter> device_writes_;
  std::unique_ptr<auth::RateLimiter> peer_writes_;
  std::unique_ptr<auth::RateLimiter> registrations_;
  std::unique_ptr<auth::RateLimiter> all_registrations_;
  std::unique_ptr<PageTokenSigner> known_devices_;
  std::unique_ptr<PartnerWriteLimits> partner_writes_;
  std::unique_ptr<PartnerUsage> partner_usage_;
  std::unique_ptr<StreamRegistry> streams_;
  std::unique_ptr<auth::KeyRing> keys_;
  std::unique_ptr<auth::TokenSigner> signer_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::unique_ptr<auth::CachingTokenVerifier> cached_verifier_;
  std::unique_ptr<auth::PasswordHasher> passwords_;
  std::unique_ptr<auth::LoginThrottle> throttle_;
  // Timed answers of unknown-pair logins; declared first, so it outlives login_workers_,
  // whose queued logins hand their answers to it.
  std::unique_ptr<WorkerPool> login_replies_;
  std::unique_ptr<WorkerPool> login_workers_;
  std::unique_ptr<CallGate> gate_;
  std::unique_ptr<ReportServiceImpl> report_service_;
  std::unique_ptr<AuthServiceImpl> auth_service_;  // null when authentication is off
  std::string notify_key_;  // the devices' notification pseudonyms ("" = no notifications)
  std::unique_ptr<storage::ChangeFeed> feed_;
  std::unique_ptr<storage::AggregateStore> aggregates_;
  std::unique_ptr<storage::EarlyWarningStore> warning_store_;
  std::unique_ptr<storage::IndicatorStore> indicators_;
  std::unique_ptr<EarlyWarningMonitor> early_warnings_;
  std::unique_ptr<storage::DeskRulesStore> desk_rules_;
  std::unique_ptr<DeskPolicy> desk_policy_;
  std::unique_ptr<DeskMonitor> desk_monitor_;
  std::unique_ptr<storage::ReporterDialogStore> dialog_;
  std::unique_ptr<storage::NotifyOutbox> outbox_;   // null without a webhook
  std::unique_ptr<WebhookNotifier> notifier_;
  std::unique_ptr<MapServiceImpl> map_service_;
  std::unique_ptr<storage::DispatchStore> dispatch_store_;
  std::unique_ptr<storage::IncidentPurger> purger_;
  std::unique_ptr<storage::DeletionLog> deletion_log_;
  std::unique_ptr<DispatchServiceImpl> dispatch_service_;
  std::unique_ptr<UnimplementedService> unimplemented_;
  std::unique_ptr<storage::AlertStore> alert_store_;
  std::unique_ptr<storage::SyncStore> sync_store_;
  std::unique_ptr<SyncServiceImpl> sync_service_;
  std::unique_ptr<AlertServiceImpl> alert_service_;
  std::unique_ptr<OperationsServiceImpl> operations_service_;
  std::unique_ptr<storage::ActionPlanStore> action_plan_store_;
  std::unique_ptr<ActionPlanServiceImpl> action_plan_service_;
  std::unique_ptr<storage::EnforcementStore> enforcement_;
  std::unique_ptr<storage::PollStore> poll_store_;
  std::unique_ptr<PollServiceImpl> poll_service_;
  std::unique_ptr<MapLayers> map_layers_;
  std::unique_ptr<storage::RetentionSweeper> retention_;
  std::unique_ptr<storage::PeriodicRetention> periodic_retention_;
  MethodTable methods_;  // every served RPC (gRPC and HTTP/JSON)
  std::vector<std::unique_ptr<grpc::Service>> grpc_services_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<JsonApi> json_api_;        // served by http_
  std::unique_ptr<Open311Api> open311_;      // served by http_
  std::unique_ptr<ExportsApi> exports_;      // served by http_
  std::unique_ptr<OgcFeaturesApi> ogc_;      // served by http_
  std::unique_ptr<web::HttpServer> http_;  // a client of server_
  int port_ = 0;
  bool tls_ = false;
  std::once_flag shutdown_once_;
  absl::Notification stopped_;
};

}  // namespace

void UseShippedData(const std::string& data_root, ServerOptions* options) {
  options->area_paths = {data_root + "/areas"};
  options->focus_areas_path = data_root + "/areas/focus_areas.geojson";
  options->categories_dir = data_root + "/categories";
  options->event_lexicon_path = data_root + "/lexicon/event_lexicon.tsv";
}

ServerOptions DefaultServerOptions(const std::string& data_root) {
  ServerOptions options;
  UseShippedData(data_root, &options);
  options.http_listen.clear();
  return options;
}

absl::StatusOr<std::unique_ptr<WijkwachtServer>> WijkwachtServer::Start(
    const ServerOptions& options) {
  return ServerImpl::Create(options);
}

}  // namespace wijkwacht::services
