#include "auth/roles.h"

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace wijkwacht::auth {
namespace {

TEST(RolesTest, NamesRoundTrip) {
  for (Role role : kAllRoles) {
    EXPECT_EQ(ParseRole(RoleName(role)), role) << RoleName(role);
  }
  EXPECT_EQ(RoleName(Role::kDispatcher), "DISPATCHER");
  EXPECT_EQ(RoleName(Role::kUnspecified), "UNSPECIFIED");
}

TEST(RolesTest, ParseRejectsUnknown) {
  for (const char* bad : {"", "UNSPECIFIED", "resident", "Admin", " ADMIN", "ADMIN ",
                          "ROLE_ADMIN", "SUPERUSER"}) {
    EXPECT_EQ(ParseRole(bad), std::nullopt) << bad;
  }
}

TEST(RolesTest, StaffRoles) {
  EXPECT_FALSE(IsStaffRole(Role::kResident));
  EXPECT_FALSE(IsStaffRole(Role::kEntrepreneur));
  EXPECT_TRUE(IsStaffRole(Role::kDispatcher));
  EXPECT_TRUE(IsStaffRole(Role::kAnalyst));
  EXPECT_TRUE(IsStaffRole(Role::kAdmin));
}

// The enum must mirror wijkwacht.v1.Role value for value.
TEST(RolesTest, MatchesProtoEnum) {
  std::ifstream in(WIJKWACHT_AUTH_PROTO);
  ASSERT_TRUE(in) << WIJKWACHT_AUTH_PROTO;
  std::stringstream text;
  text << in.rdbuf();
  const std::string proto = text.str();
  std::smatch enum_body;
  ASSERT_TRUE(std::regex_search(proto, enum_body, std::regex(R"(enum Role \{([^}]*)\})")));
  const std::string body = enum_body[1];
  std::map<std::string, int> proto_values;
  const std::regex value(R"(ROLE_([A-Z_]+)\s*=\s*(\d+)\s*;)");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), value);
       it != std::sregex_iterator(); ++it) {
    proto_values[(*it)[1]] = std::stoi((*it)[2]);
  }
  ASSERT_EQ(proto_values.size(), kAllRoles.size() + 1);
  EXPECT_EQ(proto_values.at("UNSPECIFIED"), static_cast<int>(Role::kUnspecified));
  for (Role role : kAllRoles) {
    auto it = proto_values.find(std::string(RoleName(role)));
    ASSERT_NE(it, proto_values.end()) << RoleName(role);
    EXPECT_EQ(it->second, static_cast<int>(role)) << RoleName(role);
  }
}

}  // namespace
}  // namespace wijkwacht::auth
