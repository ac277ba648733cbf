// Who may call what: one row for every RPC of every wijkwacht.v1 service. The call gate
// (call_gate.h) enforces it before any handler runs; an RPC without a row is denied.
// services/access_policy_test.cc fails when a proto RPC has no row.
//
// Object-level rules live in the handlers (a resident reads only their own reports; only
// dispatch and admin ever see who reported something; shopkeepers never see reporters), and
// need-to-know (which staff see incidents and reports of a restricted theme or category) in
// domain/access/need_to_know.h, applied through services/need_to_know.h.
#pragma once

#include <cstdint>

#include "absl/strings/string_view.h"
#include "auth/roles.h"

namespace wijkwacht::services {

constexpr uint32_t RoleBit(auth::Role role) { return uint32_t{1} << static_cast<int>(role); }

inline constexpr uint32_t kResident = RoleBit(auth::Role::kResident);
inline constexpr uint32_t kEntrepreneur = RoleBit(auth::Role::kEntrepreneur);
inline constexpr uint32_t kDispatcher = RoleBit(auth::Role::kDispatcher);
inline constexpr uint32_t kAnalyst = RoleBit(auth::Role::kAnalyst);
inline constexpr uint32_t kAdmin = RoleBit(auth::Role::kAdmin);
inline constexpr uint32_t kDevices = kResident | kEntrepreneur;
inline constexpr uint32_t kStaff = kDispatcher | kAnalyst | kAdmin;
inline constexpr uint32_t kEveryRole = kDevices | kStaff;

struct RpcAccess {
  absl::string_view method;  // "/wijkwacht.v1.ReportService/SubmitReport"
  uint32_t roles;            // roles whose token admits the call
  bool anonymous;            // callable without a token (a token, if sent, must be valid)
  bool rate_limited;         // counts against the per-device and per-peer write rate limits
  // Callable with a partner account's api_key (services/partner_keys.h): another channel
  // submitting reports. Such a caller is a RESIDENT whose reporter is "partners/{id}"; its
  // writes count against the partner's own limit instead of a device's.
  bool partners = false;
};

// clang-format off
inline constexpr RpcAccess kRpcAccessTable[] = {
    // ReportService
    {"/wijkwacht.v1.ReportService/SubmitReport",        kDevices | kDispatcher | kAdmin, false, true, true},
    {"/wijkwacht.v1.ReportService/PreviewReport",       kDevices | kDispatcher | kAdmin, false, true},
    {"/wijkwacht.v1.ReportService/GetReport",           kEveryRole,                      false, false, true},
    {"/wijkwacht.v1.ReportService/ListReports",         kStaff,                          false, false},
    {"/wijkwacht.v1.ReportService/ListCategories",      kEveryRole,                      true,  false, true},
    // MapService: the public map reads suppressed aggregates without a token.
    {"/wijkwacht.v1.MapService/ListAreas",              kEveryRole,                      true,  false},
    {"/wijkwacht.v1.MapService/GetAggregates",          kEveryRole,                      true,  false},
    {"/wijkwacht.v1.MapService/StreamAggregates",       kEveryRole,                      true,  false},
    {"/wijkwacht.v1.MapService/ImportIndicators",       kAnalyst | kAdmin,               false, true},
    {"/wijkwacht.v1.MapService/ListEarlyWarnings",      kStaff,                          false, false},
    {"/wijkwacht.v1.MapService/GetProgressReport",      kStaff,                          false, false},
    // SyncService: the phones.
    {"/wijkwacht.v1.SyncService/Push",                  kDevices,                        false, true},
    {"/wijkwacht.v1.SyncService/Pull",                  kDevices,                        false, false},
    {"/wijkwacht.v1.SyncService/Subscribe",             kDevices,                        false, false},
    {"/wijkwacht.v1.SyncService/AmendReport",           kDevices,                        false, true},
    {"/wijkwacht.v1.SyncService/ExportMyData",          kDevices,                        false, false},
    // ... the app answers the desk's questions and rates how a report was handled.
    {"/wijkwacht.v1.SyncService/AnswerQuestion",        kDevices,                        false, true},
    {"/wijkwacht.v1.SyncService/RateHandling",          kDevices,                        false, true},
    // AlertService: verified shopkeepers and dispatch.
    {"/wijkwacht.v1.AlertService/PublishAlert",         kEntrepreneur | kDispatcher,     false, true},
    {"/wijkwacht.v1.AlertService/SubscribeAlerts",      kEntrepreneur | kDispatcher,     false, false},
    {"/wijkwacht.v1.AlertService/AckAlert",             kEntrepreneur | kDispatcher,     false, false},
    {"/wijkwacht.v1.AlertService/ResolveAlert",         kEntrepreneur | kDispatcher,     false, true},
    {"/wijkwacht.v1.AlertService/RetractAlert",         kDispatcher | kAdmin,            false, true},
    // DispatchService: the dispatch desk.
    {"/wijkwacht.v1.DispatchService/WatchQueue",        kDispatcher | kAdmin,            false, false},
    {"/wijkwacht.v1.DispatchService/GetIncident",       kDispatcher | kAdmin,            false, false},
    {"/wijkwacht.v1.DispatchService/ListIncidents",     kDispatcher | kAdmin,            false, false},
    {"/wijkwacht.v1.DispatchService/ClaimIncident",     kDispatcher | kAdmin,            false, false},
    {"/wijkwacht.v1.DispatchService/AssignIncident",    kDispatcher | kAdmin,            false, false},
    {"/wijkwacht.v1.DispatchService/TransitionIncident", kDispatcher | kAdmin,           false, false},
    {"/wijkwacht.v1.DispatchService/MergeIncidents",    kDispatcher | kAdmin,            false, false},
    {"/wijkwacht.v1.DispatchService/SplitReport",       kDispatcher | kAdmin,            false, false},
    {"/wijkwacht.v1.DispatchService/ReclassifyIncident", kDispatcher | kAdmin,           false, false},
    {"/wijkwacht.v1.DispatchService/SendFeedback",      kDispatcher | kAdmin,            false, false},
    {"/wijkwacht.v1.DispatchService/GetAuditLog",       kAdmin,                          false, false},
    {"/wijkwacht.v1.DispatchService/GetReporterContact", kDispatcher | kAdmin,           false, false},
    {"/wijkwacht.v1.DispatchService/PurgeIncident",     kAdmin,                          false, false},
    {"/wijkwacht.v1.DispatchService/ListDeletions",     kAdmin,                          false, false},
    // ... the desk's tables: admins set them, the desk reads them and asks where a report goes.
    {"/wijkwacht.v1.DispatchService/AskReporter",       kDispatcher | kAdmin,            false, false},
    {"/wijkwacht.v1.DispatchService/SetRoutingRules",   kAdmin,                          false, false},
    {"/wijkwacht.v1.DispatchService/ListRoutingRules",  kDispatcher | kAdmin,            false, false},
    {"/wijkwacht.v1.DispatchService/ExplainRouting",    kDispatcher | kAdmin,            false, false},
    {"/wijkwacht.v1.DispatchService/SetHandlingTargets", kAdmin,                         false, false},
    {"/wijkwacht.v1.DispatchService/ListHandlingTargets", kStaff,                        false, false},
    {"/wijkwacht.v1.DispatchService/GetIncidentHistory", kDispatcher | kAdmin,           false, false},
    // AuthService
    {"/wijkwacht.v1.AuthService/RegisterDevice",        kEveryRole,                      true,  true},
    {"/wijkwacht.v1.AuthService/Login",                 kEveryRole,                      true,  true},
    {"/wijkwacht.v1.AuthService/RefreshToken",          kEveryRole,                      true,  true},
    {"/wijkwacht.v1.AuthService/RevokeDevice",          kDevices | kAdmin,               false, false},
    {"/wijkwacht.v1.AuthService/GetSigningKeys",        kEveryRole,                      true,  false},
    {"/wijkwacht.v1.AuthService/VerifyEntrepreneur",    kAdmin,                          false, false},
    {"/wijkwacht.v1.AuthService/CreateAccount",         kAdmin,                          false, false},
    {"/wijkwacht.v1.AuthService/UpdateAccount",         kAdmin,                          false, false},
    {"/wijkwacht.v1.AuthService/CreatePartner",         kAdmin,                          false, false},
    {"/wijkwacht.v1.AuthService/RevokePartner",         kAdmin,                          false, false},
    {"/wijkwacht.v1.AuthService/ListPartners",          kAdmin,                          false, false},
    {"/wijkwacht.v1.AuthService/RotatePartnerKey",      kAdmin,                          false, false},
    // ActionPlanService: policy staff write (audited); published plans are public.
    {"/wijkwacht.v1.ActionPlanService/CreateActionPlan",  kAnalyst | kAdmin,            false, false},
    {"/wijkwacht.v1.ActionPlanService/GetActionPlan",     kEveryRole,                   true,  false},
    {"/wijkwacht.v1.ActionPlanService/ListActionPlans",   kEveryRole,                   true,  false},
    {"/wijkwacht.v1.ActionPlanService/CreateMeasure",     kAnalyst | kAdmin,            false, false},
    {"/wijkwacht.v1.ActionPlanService/UpdateMeasure",     kAnalyst | kAdmin,            false, false},
    {"/wijkwacht.v1.ActionPlanService/ListMeasures",      kEveryRole,                   true,  false},
    // ... enforcement: the departments' records (staff); the public sees counts on the map.
    {"/wijkwacht.v1.ActionPlanService/RecordEnforcement", kStaff,                       false, false},
    {"/wijkwacht.v1.ActionPlanService/ImportEnforcement", kAnalyst | kAdmin,            false, true},
    {"/wijkwacht.v1.ActionPlanService/ListEnforcement",   kStaff,                       false, false},
    // PollService: the flitspeiling; answers from the app only, results for everyone.
    {"/wijkwacht.v1.PollService/CreatePoll",            kAnalyst | kAdmin,               false, false},
    {"/wijkwacht.v1.PollService/ListPolls",             kEveryRole,                      true,  false},
    {"/wijkwacht.v1.PollService/AnswerPoll",            kDevices,                        false, true},
    {"/wijkwacht.v1.PollService/GetPollResults",        kEveryRole,                      true,  false},
    // DirectoryService: departments and need-to-know rules (staff list departments to assign
    // incidents to them; only admins change anything or read the rules).
    {"/wijkwacht.v1.DirectoryService/CreateDepartment", kAdmin,                          false, false},
    {"/wijkwacht.v1.DirectoryService/ListDepartments",  kStaff,                          false, false},
    {"/wijkwacht.v1.DirectoryService/UpdateDepartment", kAdmin,                          false, false},
    {"/wijkwacht.v1.DirectoryService/SetAccessRules",   kAdmin,                          false, false},
    {"/wijkwacht.v1.DirectoryService/ListAccessRules",  kAdmin,                          false, false},
    // OperationsService: backups.
    {"/wijkwacht.v1.OperationsService/CreateBackup",    kAdmin,                          false, false},
    {"/wijkwacht.v1.OperationsService/ListBackups",     kAdmin,                          false, false},
    // ... and the notifications the webhook gave up on.
    {"/wijkwacht.v1.OperationsService/ListDeadLetters", kAdmin,                          false, false},
    {"/wijkwacht.v1.OperationsService/ResendDeadLetters", kAdmin,                        false, false},
};
// clang-format on

// The row for `method`, or nullptr.
[[nodiscard]] const RpcAccess* FindRpcAccess(absl::string_view method);

}  // namespace wijkwacht::services
