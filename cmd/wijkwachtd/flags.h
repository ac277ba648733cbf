// wijkwachtd's flags: one per setting of services::ServerOptions (plus --clock_offset and
// --bootstrap_admin_password_file, which the binary turns into options itself), each defined
// with the option's default: ServerOptions' member initialisers, with the shipped data and
// the build's theme model and web site as Defaults() gives them. deploy/README.md documents
// every flag and its default; tests/server_options_test.cc fails when the two disagree.
//
// Thread safety: call ServerOptionsFromFlags() after absl::ParseCommandLine, from one thread.
#pragma once

#include "absl/status/statusor.h"
#include "services/server.h"

namespace wijkwacht::wijkwachtd {

// The defaults of every flag, as ServerOptions.
[[nodiscard]] const services::ServerOptions& Defaults();

// The parsed flags as ServerOptions. Errors (INVALID_ARGUMENT naming the flag): a
// --dedup_windows or --retain_incidents that does not parse, an unreadable
// --bootstrap_admin_password_file. Not validated here: WijkwachtServer::Start does that, once
// (services::ValidateServerOptions).
[[nodiscard]] absl::StatusOr<services::ServerOptions> ServerOptionsFromFlags();

}  // namespace wijkwacht::wijkwachtd
