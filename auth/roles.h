// Roles carried in access tokens.
//
// Role values equal wijkwacht.v1.Role (proto/wijkwacht/v1/auth.proto), so a Role converts to
// and from the proto enum with static_cast. The JWT "role" claim holds RoleName(): the proto
// name without the ROLE_ prefix ("RESIDENT", "ENTREPRENEUR", "DISPATCHER", "ANALYST",
// "ADMIN").
//
// Thread safety: pure constexpr functions.
// Errors: ParseRole returns std::nullopt for anything but the five names above (including
// "UNSPECIFIED", lower case and surrounding spaces); no absl::Status is involved.
#pragma once

#include <array>
#include <optional>

#include "absl/strings/string_view.h"

namespace wijkwacht::auth {

enum class Role {
  kUnspecified = 0,
  kResident = 1,
  kEntrepreneur = 2,
  kDispatcher = 3,
  kAnalyst = 4,
  kAdmin = 5,
};

// Every role a token may carry (kUnspecified excluded).
inline constexpr std::array<Role, 5> kAllRoles = {Role::kResident, Role::kEntrepreneur,
                                                  Role::kDispatcher, Role::kAnalyst,
                                                  Role::kAdmin};

// The JWT claim value; "UNSPECIFIED" for kUnspecified or an out-of-range value.
[[nodiscard]] constexpr absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kResident:
      return "RESIDENT";
    case Role::kEntrepreneur:
      return "ENTREPRENEUR";
    case Role::kDispatcher:
      return "DISPATCHER";
    case Role::kAnalyst:
      return "ANALYST";
    case Role::kAdmin:
      return "ADMIN";
    case Role::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

// The role named `name` (exact, case-sensitive); nullopt if it names no token role.
[[nodiscard]] constexpr std::optional<Role> ParseRole(absl::string_view name) {
  for (Role role : kAllRoles) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

// Staff roles log in with a password; residents and entrepreneurs are anonymous devices.
[[nodiscard]] constexpr bool IsStaffRole(Role role) {
  return role == Role::kDispatcher || role == Role::kAnalyst || role == Role::kAdmin;
}

}  // namespace wijkwacht::auth
