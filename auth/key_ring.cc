#include "auth/key_ring.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "auth/base64url.h"
#include "auth/secure_file.h"
#include "common/status.h"
#include "nlohmann/json.hpp"

namespace wijkwacht::auth {
namespace {

using nlohmann::json;

constexpr char kManifestName[] = "keyring.json";
constexpr int kManifestVersion = 1;

std::string JoinPath(const std::string& dir, absl::string_view name) {
  return (std::filesystem::path(dir) / std::string(name)).string();
}

std::string KeyFileName(absl::string_view kid) { return absl::StrCat(kid, ".pem"); }

// Kids come from the manifest and become file names: only base64url characters allowed.
bool ValidKid(absl::string_view kid) {
  if (kid.empty() || kid.size() > 64) return false;
  for (char c : kid) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
          c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

const json* Member(const json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

std::optional<std::string> StringMember(const json& object, const char* name) {
  const json* v = Member(object, name);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

}  // namespace

std::string PublicSigningKey::x() const { return Base64UrlEncode(public_key); }

absl::StatusOr<std::string> JwkThumbprint(absl::string_view public_key_raw) {
  if (public_key_raw.size() != kEd25519PublicKeySize) {
    return absl::InvalidArgumentError("thumbprint: public key must be 32 bytes");
  }
  // RFC 7638 section 3.2: required members in lexicographic order, no whitespace.
  const std::string jwk = absl::StrCat(R"({"crv":"Ed25519","kty":"OKP","x":")",
                                       Base64UrlEncode(public_key_raw), R"("})");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(jwk.data(), jwk.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
    return absl::InternalError("thumbprint: SHA-256 failed");
  }
  return Base64UrlEncode(absl::string_view(reinterpret_cast<const char*>(digest), len));
}

absl::StatusOr<KeyRing::Entry> KeyRing::NewEntry(Ed25519KeyPair key) {
  WW_ASSIGN_OR_RETURN(std::string kid, JwkThumbprint(key.RawPublicKey()));
  return Entry{std::move(kid), std::make_shared<const Ed25519KeyPair>(std::move(key)),
               absl::InfiniteFuture()};
}

absl::StatusOr<KeyRing::Entry> KeyRing::GenerateEntry(RandomSource* random) {
  WW_ASSIGN_OR_RETURN(Ed25519KeyPair key, Ed25519KeyPair::Generate(random));
  return NewEntry(std::move(key));
}

absl::StatusOr<std::unique_ptr<KeyRing>> KeyRing::Open(Options options) {
  if (options.clock == nullptr) options.clock = SystemClock();
  const bool files = !options.current_key_file.empty();
  if (!files && (!options.next_key_file.empty() || !options.accepted_key_files.empty())) {
    return absl::InvalidArgumentError("keyring: key files given without current_key_file");
  }
  if (files && !options.directory.empty()) {
    return absl::InvalidArgumentError("keyring: set either directory or key files, not both");
  }
  Mode mode = files                          ? Mode::kFiles
              : !options.directory.empty() ? Mode::kDirectory
                                           : Mode::kMemory;
  std::shared_ptr<const State> state;
  switch (mode) {
    case Mode::kFiles: {
      WW_ASSIGN_OR_RETURN(state, OpenFiles(options));
      break;
    }
    case Mode::kDirectory: {
      WW_ASSIGN_OR_RETURN(state, OpenDirectory(options));
      break;
    }
    case Mode::kMemory: {
      auto fresh = std::make_shared<State>();
      WW_ASSIGN_OR_RETURN(fresh->current, GenerateEntry(options.random));
      WW_ASSIGN_OR_RETURN(fresh->next, GenerateEntry(options.random));
      state = std::move(fresh);
      break;
    }
  }
  return std::unique_ptr<KeyRing>(new KeyRing(std::move(options), mode, std::move(state)));
}

KeyRing::KeyRing(Options options, Mode mode, std::shared_ptr<const State> state)
    : options_(std::move(options)), mode_(mode), state_(std::move(state)) {}

absl::StatusOr<std::shared_ptr<const KeyRing::State>> KeyRing::OpenFiles(
    const Options& options) {
  auto load = [](const std::string& path) -> absl::StatusOr<Entry> {
    WW_ASSIGN_OR_RETURN(Ed25519KeyPair key, Ed25519KeyPair::LoadFromFile(path));
    return NewEntry(std::move(key));
  };
  auto state = std::make_shared<State>();
  WW_ASSIGN_OR_RETURN(state->current, load(options.current_key_file));
  if (!options.next_key_file.empty()) {
    WW_ASSIGN_OR_RETURN(state->next, load(options.next_key_file));
  }
  for (const std::string& path : options.accepted_key_files) {
    WW_ASSIGN_OR_RETURN(Entry entry, load(path));
    state->retired.push_back(std::move(entry));  // accepted until removed from options
  }
  return std::shared_ptr<const State>(std::move(state));
}

absl::StatusOr<std::shared_ptr<const KeyRing::State>> KeyRing::OpenDirectory(
    const Options& options) {
  const std::string& dir = options.directory;
  WW_RETURN_IF_ERROR(EnsurePrivateDirectory(dir));
  const std::string manifest_path = JoinPath(dir, kManifestName);
  absl::StatusOr<std::string> manifest = ReadPrivateFile(manifest_path);

  if (absl::IsNotFound(manifest.status())) {
    // First use: a current and a next key.
    auto state = std::make_shared<State>();
    WW_ASSIGN_OR_RETURN(state->current, GenerateEntry(options.random));
    WW_ASSIGN_OR_RETURN(state->next, GenerateEntry(options.random));
    for (const Entry* e : {&state->current, &*state->next}) {
      WW_RETURN_IF_ERROR(e->key->SaveToFile(JoinPath(dir, KeyFileName(e->kid))));
    }
    WW_RETURN_IF_ERROR(WriteManifest(dir, *state));
    return std::shared_ptr<const State>(std::move(state));
  }
  if (!manifest.ok()) return manifest.status();

  const absl::Status corrupt =
      absl::DataLossError(absl::StrCat("keyring: malformed manifest ", manifest_path));
  json doc = json::parse(*manifest, nullptr, /*allow_exceptions=*/false);
  const json* version = Member(doc, "version");
  if (doc.is_discarded() || version == nullptr || !version->is_number_integer() ||
      version->get<int64_t>() != kManifestVersion) {
    return corrupt;
  }
  auto load = [&](const std::string& kid) -> absl::StatusOr<Entry> {
    if (!ValidKid(kid)) return corrupt;
    WW_ASSIGN_OR_RETURN(Ed25519KeyPair key,
                        Ed25519KeyPair::LoadFromFile(JoinPath(dir, KeyFileName(kid))));
    WW_ASSIGN_OR_RETURN(Entry entry, NewEntry(std::move(key)));
    if (entry.kid != kid) {
      return absl::DataLossError(absl::StrCat("keyring: key file for kid ", kid,
                                              " holds a different key"));
    }
    return entry;
  };

  auto state = std::make_shared<State>();
  std::optional<std::string> current = StringMember(doc, "current");
  if (!current) return corrupt;
  WW_ASSIGN_OR_RETURN(state->current, load(*current));
  if (std::optional<std::string> next = StringMember(doc, "next"); next && !next->empty()) {
    WW_ASSIGN_OR_RETURN(state->next, load(*next));
  }
  const json* retired = Member(doc, "retired");
  if (retired != nullptr && !retired->is_array()) return corrupt;
  const absl::Time now = options.clock->Now();
  std::vector<std::string> pruned;
  for (const json& item : retired != nullptr ? *retired : json::array()) {
    std::optional<std::string> kid = StringMember(item, "kid");
    const json* until = Member(item, "accept_until");
    if (!kid || until == nullptr || !until->is_number_integer()) return corrupt;
    const absl::Time accept_until = absl::FromUnixSeconds(until->get<int64_t>());
    if (accept_until <= now) {
      if (ValidKid(*kid)) pruned.push_back(*kid);
      continue;
    }
    WW_ASSIGN_OR_RETURN(Entry entry, load(*kid));
    entry.accept_until = accept_until;
    state->retired.push_back(std::move(entry));
  }
  if (!pruned.empty()) {
    WW_RETURN_IF_ERROR(WriteManifest(dir, *state));
    for (const std::string& kid : pruned) unlink(JoinPath(dir, KeyFileName(kid)).c_str());
  }
  return std::shared_ptr<const State>(std::move(state));
}

absl::Status KeyRing::WriteManifest(const std::string& directory, const State& state) {
  json doc = {{"version", kManifestVersion},
              {"current", state.current.kid},
              {"next", state.next ? state.next->kid : ""},
              {"retired", json::array()}};
  for (const Entry& e : state.retired) {
    doc["retired"].push_back(
        {{"kid", e.kid}, {"accept_until", absl::ToUnixSeconds(e.accept_until)}});
  }
  return WriteFileAtomically(JoinPath(directory, kManifestName), doc.dump(2) + "\n");
}

std::shared_ptr<const KeyRing::State> KeyRing::Snapshot() const {
  absl::ReaderMutexLock lock(&mu_);
  return state_;
}

KeyRing::SigningKey KeyRing::Current() const {
  std::shared_ptr<const State> state = Snapshot();
  return {state->current.kid, state->current.key};
}

std::string KeyRing::NextKid() const {
  std::shared_ptr<const State> state = Snapshot();
  return state->next ? state->next->kid : "";
}

std::shared_ptr<const Ed25519PublicKey> KeyRing::FindVerificationKey(
    absl::string_view kid) const {
  std::shared_ptr<const State> state = Snapshot();
  auto public_key = [](const Entry& e) {
    // Aliasing constructor: shares ownership of the key pair.
    return std::shared_ptr<const Ed25519PublicKey>(e.key, &e.key->PublicKey());
  };
  if (state->current.kid == kid) return public_key(state->current);
  if (state->next && state->next->kid == kid) return public_key(*state->next);
  const absl::Time now = options_.clock->Now();
  for (const Entry& e : state->retired) {
    if (e.kid == kid && now < e.accept_until) return public_key(e);
  }
  return nullptr;
}

std::vector<PublicSigningKey> KeyRing::PublicKeys() const {
  std::shared_ptr<const State> state = Snapshot();
  std::vector<PublicSigningKey> out;
  out.push_back({state->current.kid, state->current.key->RawPublicKey(), absl::InfiniteFuture()});
  if (state->next) {
    out.push_back({state->next->kid, state->next->key->RawPublicKey(), absl::InfiniteFuture()});
  }
  const absl::Time now = options_.clock->Now();
  for (const Entry& e : state->retired) {
    if (now < e.accept_until) out.push_back({e.kid, e.key->RawPublicKey(), e.accept_until});
  }
  return out;
}

absl::Status KeyRing::Rotate() {
  if (mode_ == Mode::kFiles) {
    return absl::FailedPreconditionError(
        "keyring: keys come from explicit files; replace the files and restart to rotate");
  }
  absl::MutexLock rotate_lock(&rotate_mu_);
  std::shared_ptr<const State> old_state = Snapshot();
  const absl::Time now = options_.clock->Now();

  auto state = std::make_shared<State>();
  Entry retiring = old_state->current;
  retiring.accept_until = now + options_.retired_key_lifetime;
  if (old_state->next) {
    state->current = *old_state->next;
  } else {
    WW_ASSIGN_OR_RETURN(state->current, GenerateEntry(options_.random));
  }
  WW_ASSIGN_OR_RETURN(state->next, GenerateEntry(options_.random));
  state->retired.push_back(std::move(retiring));
  std::vector<std::string> dropped;
  for (const Entry& e : old_state->retired) {
    if (now < e.accept_until) {
      state->retired.push_back(e);
    } else {
      dropped.push_back(e.kid);
    }
  }

  if (mode_ == Mode::kDirectory) {
    const std::string& dir = options_.directory;
    std::vector<const Entry*> new_keys = {&*state->next};
    if (!old_state->next) new_keys.push_back(&state->current);
    for (const Entry* e : new_keys) {
      WW_RETURN_IF_ERROR(e->key->SaveToFile(JoinPath(dir, KeyFileName(e->kid))));
    }
    WW_RETURN_IF_ERROR(WriteManifest(dir, *state));
    // The manifest no longer names them; failing to delete only leaves a stale file.
    for (const std::string& kid : dropped) unlink(JoinPath(dir, KeyFileName(kid)).c_str());
  }

  absl::MutexLock lock(&mu_);
  state_ = std::move(state);
  return absl::OkStatus();
}

}  // namespace wijkwacht::auth
