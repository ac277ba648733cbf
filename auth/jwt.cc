#include "auth/jwt.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "auth/base64url.h"
#include "auth/roles.h"
#include "common/status.h"
#include "common/text.h"
#include "nlohmann/json.hpp"

namespace wijkwacht::auth {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr char kAlg[] = "EdDSA";
constexpr size_t kTokenIdBytes = 16;

absl::Status Unauthenticated(absl::string_view reason) {
  return absl::UnauthenticatedError(reason);
}

const json* Member(const json& object, const char* name) {
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

// The string member `name`, or nullptr if absent or not a string.
const std::string* StringMember(const json& object, const char* name) {
  const json* v = Member(object, name);
  return v != nullptr && v->is_string() ? v->get_ptr<const std::string*>() : nullptr;
}

// RFC 7519 NumericDate: integer or finite fractional seconds since the epoch.
std::optional<absl::Time> NumericDate(const json* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_number_unsigned()) {
    uint64_t u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return absl::InfiniteFuture();
    }
    return absl::FromUnixSeconds(static_cast<int64_t>(u));
  }
  if (v->is_number_integer()) return absl::FromUnixSeconds(v->get<int64_t>());
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (!std::isfinite(d)) return std::nullopt;
    return absl::UnixEpoch() + absl::Seconds(d);
  }
  return std::nullopt;
}

// Decodes one base64url segment into a JSON object; nullopt if either step fails.
std::optional<json> DecodeJsonObject(absl::string_view segment) {
  absl::StatusOr<std::string> bytes = Base64UrlDecode(segment);
  if (!bytes.ok()) return std::nullopt;
  json doc = json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  return doc;
}

absl::Status CheckText(absl::string_view field, const std::string& value) {
  if (value.empty()) return InvalidFieldError(field, "must not be empty");
  if (std::string problem = TextProblem(value, /*allow_controls=*/false); !problem.empty()) {
    return InvalidFieldError(field, problem);
  }
  return absl::OkStatus();
}

}  // namespace

TokenSigner::TokenSigner(Options options) : options_(std::move(options)) {
  if (options_.clock == nullptr) options_.clock = SystemClock();
  if (options_.random == nullptr) options_.random = SystemRandom();
}

absl::StatusOr<std::string> TokenSigner::Issue(Claims claims) const {
  if (options_.keys == nullptr) return absl::InternalError("token signer: no key ring");
  if (claims.issued_at == absl::Time()) claims.issued_at = options_.clock->Now();
  if (claims.token_id.empty()) {
    WW_ASSIGN_OR_RETURN(std::string id, options_.random->Bytes(kTokenIdBytes));
    claims.token_id = Base64UrlEncode(id);
  }
  WW_RETURN_IF_ERROR(CheckText("issuer", claims.issuer));
  WW_RETURN_IF_ERROR(CheckText("audience", claims.audience));
  WW_RETURN_IF_ERROR(CheckText("subject", claims.subject));
  WW_RETURN_IF_ERROR(CheckText("token_id", claims.token_id));
  if (!ParseRole(claims.role)) return InvalidFieldError("role", "is not a known role");
  const int64_t iat = absl::ToUnixSeconds(claims.issued_at);
  const int64_t exp = absl::ToUnixSeconds(claims.expires_at);
  if (claims.expires_at <= claims.issued_at || exp <= iat) {
    return InvalidFieldError("expires_at", "must be after issued_at");
  }
  if (claims.expires_at - claims.issued_at > kMaxTokenLifetime) {
    return InvalidFieldError("expires_at", "token lifetime must not exceed 15 minutes");
  }
  if (claims.not_before && *claims.not_before >= claims.expires_at) {
    return InvalidFieldError("not_before", "must be before expires_at");
  }

  const KeyRing::SigningKey key = options_.keys->Current();
  ordered_json header = {{"alg", kAlg}, {"typ", "JWT"}, {"kid", key.kid}};
  ordered_json payload = {{"iss", claims.issuer}, {"sub", claims.subject},
                          {"aud", claims.audience}, {"iat", iat}};
  if (claims.not_before) payload["nbf"] = absl::ToUnixSeconds(*claims.not_before);
  payload["exp"] = exp;
  payload["role"] = claims.role;
  payload["jti"] = claims.token_id;

  // Strings were checked to be valid UTF-8 above, so dump() cannot throw.
  std::string signing_input =
      absl::StrCat(Base64UrlEncode(header.dump()), ".", Base64UrlEncode(payload.dump()));
  WW_ASSIGN_OR_RETURN(std::string signature, key.key->Sign(signing_input));
  return absl::StrCat(signing_input, ".", Base64UrlEncode(signature));
}

TokenVerifier::TokenVerifier(Options options) : options_(std::move(options)) {
  if (options_.clock == nullptr) options_.clock = SystemClock();
}

absl::StatusOr<Claims> TokenVerifier::Verify(absl::string_view token) const {
  if (token.size() > kMaxTokenBytes) return Unauthenticated("token too large");
  if (options_.keys == nullptr) return Unauthenticated("no verification keys configured");
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == absl::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == absl::string_view::npos || token.find('.', dot2 + 1) != absl::string_view::npos ||
      dot1 == 0 || dot2 == dot1 + 1) {
    return Unauthenticated("malformed token");
  }
  const absl::string_view signing_input = token.substr(0, dot2);

  // Header: only enough to pick the algorithm and key.
  std::optional<json> header = DecodeJsonObject(token.substr(0, dot1));
  if (!header) return Unauthenticated("malformed token");
  const std::string* alg = StringMember(*header, "alg");
  if (alg == nullptr || *alg != kAlg) return Unauthenticated("unsupported algorithm");
  if (const json* typ = Member(*header, "typ");
      typ != nullptr && !(typ->is_string() && typ->get<std::string>() == "JWT")) {
    return Unauthenticated("unsupported token type");
  }
  if (Member(*header, "crit") != nullptr) return Unauthenticated("unsupported header");
  const std::string* kid = StringMember(*header, "kid");
  if (kid == nullptr) return Unauthenticated("unknown signing key");
  std::shared_ptr<const Ed25519PublicKey> key = options_.keys->FindVerificationKey(*kid);
  if (key == nullptr) return Unauthenticated("unknown signing key");

  absl::StatusOr<std::string> signature = Base64UrlDecode(token.substr(dot2 + 1));
  if (!signature.ok() || !key->Verify(signing_input, *signature)) {
    return Unauthenticated("invalid signature");
  }

  // Claims: authentic from here on.
  std::optional<json> payload = DecodeJsonObject(token.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!payload) return Unauthenticated("malformed token");
  const std::string* iss = StringMember(*payload, "iss");
  if (iss == nullptr || *iss != options_.issuer) return Unauthenticated("wrong issuer");
  bool audience_ok = false;
  if (const json* aud = Member(*payload, "aud"); aud != nullptr) {
    if (aud->is_string()) {
      audience_ok = aud->get<std::string>() == options_.audience;
    } else if (aud->is_array()) {
      for (const json& a : *aud) {
        if (a.is_string() && a.get<std::string>() == options_.audience) audience_ok = true;
      }
    }
  }
  if (!audience_ok) return Unauthenticated("wrong audience");

  const std::optional<absl::Time> exp = NumericDate(Member(*payload, "exp"));
  const std::optional<absl::Time> iat = NumericDate(Member(*payload, "iat"));
  const json* nbf_member = Member(*payload, "nbf");
  const std::optional<absl::Time> nbf = NumericDate(nbf_member);
  if (!exp || !iat || (nbf_member != nullptr && !nbf)) return Unauthenticated("malformed token");
  const absl::Time now = options_.clock->Now();
  if (now >= *exp + options_.leeway) return Unauthenticated("token expired");
  if (nbf && now + options_.leeway < *nbf) return Unauthenticated("token not yet valid");
  if (now + options_.leeway < *iat) return Unauthenticated("token issued in the future");
  if (*exp - *iat > kMaxTokenLifetime) return Unauthenticated("token lifetime too long");

  const std::string* role = StringMember(*payload, "role");
  if (role == nullptr || !ParseRole(*role)) return Unauthenticated("unknown role");
  const std::string* sub = StringMember(*payload, "sub");
  const std::string* jti = StringMember(*payload, "jti");
  if (sub == nullptr || sub->empty() || jti == nullptr || jti->empty()) {
    return Unauthenticated("malformed token");
  }

  Claims claims;
  claims.issuer = *iss;
  claims.audience = options_.audience;
  claims.subject = *sub;
  claims.role = *role;
  claims.token_id = *jti;
  claims.issued_at = *iat;
  claims.expires_at = *exp;
  claims.not_before = nbf;
  return claims;
}

}  // namespace wijkwacht::auth
