// Normalisation, the model input line, and the labelled-file reader.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/text.h"
#include "domain/catalog/category_catalog.h"
#include "domain/classify/theme_classifier.h"
#include "domain/lexicon/event_lexicon.h"
#include "nlohmann/json.hpp"

namespace wijkwacht::classify {
namespace {

// Accent folding of U+00C0..U+00FF and U+0100..U+017F. Placeholders: '1' "ij", '2' "oe",
// '3' "ae", '4' "th", '5' "ss", ' ' not a letter.
constexpr absl::string_view kLatin1Fold =
    "aaaaaa3ceeeeiiiidnooooo ouuuuy45"
    "aaaaaa3ceeeeiiiidnooooo ouuuuy4y";
constexpr absl::string_view kLatinExtAFold =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii11jjkkkllllllllllnnnnnnnnnoooooo22"
    "rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
static_assert(kLatin1Fold.size() == 64);
static_assert(kLatinExtAFold.size() == 128);

void AppendFolded(char c, std::string& out) {
  switch (c) {
    case '1': out += "ij"; break;
    case '2': out += "oe"; break;
    case '3': out += "ae"; break;
    case '4': out += "th"; break;
    case '5': out += "ss"; break;
    default: out += c;
  }
}

// Decodes one UTF-8 sequence at s[i]; returns its length (0 if invalid) and the code point.
size_t DecodeUtf8(absl::string_view s, size_t i, uint32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  size_t len;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  } else if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

// Letters of non-Latin scripts that are kept as they are.
bool IsOtherScriptLetter(uint32_t cp) {
  return (cp >= 0x0370 && cp <= 0x1FFF) || (cp >= 0x3040 && cp <= 0x9FFF) ||
         (cp >= 0xAC00 && cp <= 0xD7AF);
}

// The cue tokens are written this many times: fastText averages over every word and
// character n-gram, and a cue written once is outweighed by long texts. Measured holding out
// by writer (data/corpus/README.md): macro-F1 text-only 0.79 / 0.78 without cues, 0.83 / 0.85
// once, 0.86 / 0.85 twice, 0.86 / 0.85 three times.
constexpr int kCueRepeat = 2;

constexpr absl::string_view kRoleNames[] = {"unspecified", "resident", "entrepreneur", "staff"};

}  // namespace

int ThemeIndex(catalog::Theme theme) {
  for (size_t i = 0; i < kNumThemes; ++i) {
    if (catalog::kFrameworkThemes[i] == theme) return static_cast<int>(i);
  }
  return -1;
}

std::string NormaliseForModel(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  auto emit_space = [&] { pending_space = !out.empty(); };
  auto start_token = [&] {
    if (pending_space) out += ' ';
    pending_space = false;
  };
  size_t i = 0;
  while (i < text.size()) {
    uint32_t cp = 0;
    size_t len = DecodeUtf8(text, i, cp);
    if (len == 0) {  // invalid byte
      emit_space();
      ++i;
      continue;
    }
    if (cp < 0x80) {
      const char c = static_cast<char>(cp);
      if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
        start_token();
        out += absl::ascii_tolower(static_cast<unsigned char>(c));
      } else {
        emit_space();
      }
    } else if (cp >= 0xC0 && cp <= 0xFF && kLatin1Fold[cp - 0xC0] != ' ') {
      start_token();
      AppendFolded(kLatin1Fold[cp - 0xC0], out);
    } else if (cp >= 0x100 && cp <= 0x17F) {
      start_token();
      AppendFolded(kLatinExtAFold[cp - 0x100], out);
    } else if (IsOtherScriptLetter(cp)) {
      start_token();
      out.append(text.data() + i, len);
    } else {
      emit_space();
    }
    i += len;
  }
  return out;
}

absl::string_view RoleName(int reporter_role) {
  if (reporter_role < 1 || reporter_role > 3) return kRoleNames[0];
  return kRoleNames[reporter_role];
}

ReadText ReadDescription(absl::string_view description) {
  ReadText text;
  text.normalised = NormaliseForModel(description);
  text.signature = lexicon::ReadSignature(text.normalised);
  return text;
}

std::string ModelInput(const ReadText& text, absl::string_view category, int /*reporter_role*/) {
  absl::string_view slug = category;
  if (size_t dot = slug.rfind('.'); dot != absl::string_view::npos) slug.remove_prefix(dot + 1);
  if (catalog::IsCatchAllCategory(category)) slug = "none";
  std::string out = absl::StrCat("__cat__", slug);
  const std::string cues = lexicon::CueTokens(text.signature);
  if (!cues.empty()) {
    for (int i = 0; i < kCueRepeat; ++i) absl::StrAppend(&out, " ", cues);
  }
  if (!text.normalised.empty()) absl::StrAppend(&out, " ", text.normalised);
  return out;
}

std::string ModelInput(absl::string_view description, absl::string_view category,
                       int reporter_role) {
  return ModelInput(ReadDescription(description), category, reporter_role);
}

namespace {

// One line of the writers' JSON Lines form ({"id", "writer", "theme", "category", "text",
// ...}) into `example`; "" if fine, else the problem.
std::string ParseJsonLine(const std::string& line, LabelledExample& example) {
  const nlohmann::json json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return "not a JSON object";
  auto text = json.find("text");
  auto theme_name = json.find("theme");
  if (text == json.end() || !text->is_string()) return "\"text\" must be a string";
  if (theme_name == json.end() || !theme_name->is_string()) return "\"theme\" must be a string";
  std::optional<catalog::Theme> theme = catalog::ParseTheme(theme_name->get<std::string>());
  if (!theme || *theme == catalog::Theme::kUnspecified) return "unknown theme";
  example.theme = *theme;
  example.text = text->get<std::string>();
  if (std::string problem = TextProblem(example.text, /*allow_controls=*/true); !problem.empty()) {
    return absl::StrCat("text ", problem);
  }
  if (NormaliseForModel(example.text).empty()) return "no text";
  auto category = json.find("category");
  if (category != json.end() && category->is_string()) {
    const std::string code = category->get<std::string>();
    if (code != "none" && catalog::IsValidCategoryCode(code)) example.category = code;
  }
  return "";
}

}  // namespace

absl::StatusOr<std::vector<LabelledExample>> ReadLabelledFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    const int err = errno;
    if (err == ENOENT) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    return absl::ErrnoToStatus(err, absl::StrCat(path, ": cannot open"));
  }
  const bool json_lines = absl::EndsWith(path, ".jsonl");
  std::vector<LabelledExample> examples;
  std::string line;
  int number = 0;
  auto bad = [&](absl::string_view problem) {
    return absl::InvalidArgumentError(absl::StrCat(path, ":", number, ": ", problem));
  };
  while (std::getline(in, line)) {
    ++number;
    if (json_lines) {
      if (absl::StripAsciiWhitespace(line).empty()) continue;
      LabelledExample example;
      example.line = number;
      if (std::string problem = ParseJsonLine(line, example); !problem.empty()) return bad(problem);
      examples.push_back(std::move(example));
      continue;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    absl::string_view rest = absl::StripAsciiWhitespace(line);
    if (rest.empty() || rest.front() == '#') continue;
    if (std::string problem = TextProblem(line, /*allow_controls=*/false); !problem.empty()) {
      return bad(absl::StrCat("line ", problem));
    }
    LabelledExample example;
    example.line = number;
    auto next_token = [&rest]() {
      size_t end = rest.find_first_of(" \t");
      absl::string_view token = rest.substr(0, end);
      rest = end == absl::string_view::npos ? absl::string_view()
                                             : absl::StripLeadingAsciiWhitespace(rest.substr(end));
      return token;
    };
    absl::string_view label = next_token();
    if (!absl::ConsumePrefix(&label, "__label__")) {
      return bad(absl::StrCat("expected __label__<THEME> first, got \"", label, "\""));
    }
    std::optional<catalog::Theme> theme = catalog::ParseTheme(label);
    if (!theme || *theme == catalog::Theme::kUnspecified) {
      return bad(absl::StrCat("unknown theme \"", label,
                              "\" (LIVEABILITY, YOUTH, SUBVERSION, PHYSICAL_BUSINESS, OTHER)"));
    }
    example.theme = *theme;
    bool have_cat = false, have_role = false;
    while (!rest.empty()) {
      absl::string_view token = rest.substr(0, rest.find_first_of(" \t"));
      if (absl::StartsWith(token, "__cat__")) {
        if (have_cat) return bad("more than one __cat__ token");
        next_token();
        absl::string_view code = token.substr(7);
        if (code != "none") {
          if (!catalog::IsValidCategoryCode(code)) {
            return bad(absl::StrCat("invalid category code \"", code, "\""));
          }
          example.category = std::string(code);
        }
        have_cat = true;
      } else if (absl::StartsWith(token, "__role__")) {
        if (have_role) return bad("more than one __role__ token");
        next_token();
        absl::string_view role = token.substr(8);
        int value = -1;
        for (int r = 0; r < 4; ++r) {
          if (role == kRoleNames[r]) value = r;
        }
        if (value < 0) {
          return bad(absl::StrCat("unknown role \"", role,
                                  "\" (resident, entrepreneur, staff, unspecified)"));
        }
        example.reporter_role = value;
        have_role = true;
      } else {
        break;
      }
    }
    if (absl::StrContains(rest, "__label__")) return bad("more than one __label__ on the line");
    if (NormaliseForModel(rest).empty()) return bad("no text after the label and tokens");
    example.text = std::string(rest);
    examples.push_back(std::move(example));
  }
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read error"));
  if (examples.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": no examples"));
  return examples;
}

}  // namespace wijkwacht::classify
