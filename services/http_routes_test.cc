// The HTTP routes of the API, generated from the descriptor pool: every RPC of every
// wijkwacht.v1 service must declare a google.api.http route (a new RPC without one fails here,
// by name), no two routes may claim the same request, and paths bind the declared fields.
#include "services/http_routes.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/api_methods.h"

namespace wijkwacht::services {
namespace {

std::vector<HttpRoute> AllRoutes() {
  std::vector<std::string> missing;
  std::vector<HttpRoute> routes;
  for (const ApiMethod& m : ApiMethods(&missing)) {
    absl::StatusOr<HttpRoute> route = RouteOf(m.descriptor);
    EXPECT_TRUE(route.ok()) << m.short_name << " has no usable HTTP route: " << route.status()
                            << "\n  add `option (google.api.http) = {...}` to the RPC in its "
                               ".proto file (see proto/google/api/http.proto)";
    if (route.ok()) routes.push_back(*std::move(route));
  }
  EXPECT_TRUE(missing.empty());
  return routes;
}

TEST(HttpRoutesTest, EveryRpcHasARoute) {
  std::vector<ApiMethod> methods = ApiMethods();
  ASSERT_GE(methods.size(), 38u);
  EXPECT_EQ(AllRoutes().size(), methods.size());
}

TEST(HttpRoutesTest, EveryRouteMatchesItsOwnPathsAndNoOther) {
  const std::vector<HttpRoute> routes = AllRoutes();
  for (const HttpRoute& route : routes) {
    const std::string path = route.ExamplePath("x1");
    std::vector<std::pair<std::string, std::string>> bindings;
    EXPECT_TRUE(MatchRoute(route, path, &bindings)) << route.rpc << " does not match " << path;
    for (const HttpRoute& other : routes) {
      if (&other == &route || other.http_method != route.http_method) continue;
      EXPECT_FALSE(MatchRoute(other, path, &bindings))
          << route.http_method << " " << path << " (" << route.rpc << ") is also claimed by "
          << other.rpc << " (" << other.path_template << ")";
    }
  }
}

TEST(HttpRoutesTest, PathVariablesBindTheirFields) {
  const google::protobuf::MethodDescriptor* claim =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          "wijkwacht.v1.DispatchService.ClaimIncident");
  ASSERT_NE(claim, nullptr);
  absl::StatusOr<HttpRoute> route = RouteOf(claim);
  ASSERT_TRUE(route.ok()) << route.status();
  EXPECT_EQ(route->http_method, "POST");
  EXPECT_EQ(route->body, "*");
  EXPECT_EQ(route->custom_verb, "claim");
  EXPECT_EQ(route->OpenApiPath(), "/v1/incidents/{name}:claim");
  std::vector<std::pair<std::string, std::string>> bindings;
  ASSERT_TRUE(MatchRoute(*route, "/v1/incidents/abc:claim", &bindings));
  ASSERT_EQ(bindings.size(), 1u);
  EXPECT_EQ(bindings[0].first, "name");
  EXPECT_EQ(bindings[0].second, "incidents/abc");
  EXPECT_FALSE(MatchRoute(*route, "/v1/incidents/abc", &bindings));
  EXPECT_FALSE(MatchRoute(*route, "/v1/incidents/abc:assign", &bindings));
  EXPECT_FALSE(MatchRoute(*route, "/v1/alerts/abc:claim", &bindings));
  EXPECT_FALSE(MatchRoute(*route, "/v1/incidents/:claim", &bindings));
  EXPECT_FALSE(MatchRoute(*route, "/v1/incidents/a/b:claim", &bindings));
}

TEST(HttpRoutesTest, ACollectionVerbIsNotAnId) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  absl::StatusOr<HttpRoute> get = RouteOf(pool->FindMethodByName("wijkwacht.v1.ReportService.GetReport"));
  ASSERT_TRUE(get.ok()) << get.status();
  std::vector<std::pair<std::string, std::string>> bindings;
  EXPECT_TRUE(MatchRoute(*get, "/v1/reports/r1", &bindings));
  EXPECT_FALSE(MatchRoute(*get, "/v1/reports:preview", &bindings));
  EXPECT_FALSE(MatchRoute(*get, "/v1/reports/r1:amend", &bindings));
}

}  // namespace
}  // namespace wijkwacht::services
