// Renders the sample report in real headless Chromium and checks what comes out: a PDF
// (printed on A4, text extracted with poppler's pdftotext) and a PNG screenshot (decoded and
// checked for the chart and map colours). Needs Debian's `chromium` and `poppler-utils`;
// the tests fail, not skip, without them. WIJKWACHT_KEEP_RENDER=1 keeps the output files.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "domain/progress/png_reader_for_test.h"
#include "domain/progress/progress_report.h"
#include "domain/progress/progress_test_data.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wijkwacht::progress {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kEscapedWijkName[] = "Kuenenkwartier A&B <x>";

// `s` as one single-quoted shell word.
std::string ShellQuote(const std::string& s) {
  return absl::StrCat("'", absl::StrReplaceAll(s, {{"'", "'\\''"}}), "'");
}

// A file:// URL for an absolute path, percent-encoding everything but unreserved characters.
std::string FileUrl(const fs::path& path) {
  std::string url = "file://";
  for (unsigned char c : path.string()) {
    if (absl::ascii_isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      url.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&url, absl::StrFormat("%%%02X", c));
    }
  }
  return url;
}

// The first of `names` that is an executable in PATH (or an absolute path), or "".
std::string FindTool(const std::vector<std::string>& names) {
  const char* path_env = std::getenv("PATH");
  std::vector<std::string> dirs = absl::StrSplit(path_env == nullptr ? "" : path_env, ':');
  for (const std::string& name : names) {
    if (name.front() == '/' && access(name.c_str(), X_OK) == 0) return name;
    for (const std::string& dir : dirs) {
      fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
      if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
  }
  return "";
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen(absl::StrCat(command, " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.output.append(buffer, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

class ChromiumRenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = FindTool({"/usr/bin/chromium", "chromium", "chromium-browser"});
    ASSERT_FALSE(chromium_.empty())
        << "headless Chromium is required: apt-get install -y chromium (Debian package)";

    std::string dir_template = (fs::temp_directory_path() / "progress_render_XXXXXX").string();
    ASSERT_NE(mkdtemp(dir_template.data()), nullptr) << "mkdtemp failed";
    dir_ = dir_template;

    absl::StatusOr<ProgressReportData> data = testing::SampleReport(5);
    ASSERT_TRUE(data.ok()) << data.status();
    data->wijken[3].name = kEscapedWijkName;
    absl::StatusOr<std::string> html = RenderHtml(*data);
    ASSERT_TRUE(html.ok()) << html.status();
    // A space and a quote in the name exercise the quoting of paths and URLs.
    html_path_ = dir_ / "tussenstand 2026-H1 'openbaar'.html";
    std::ofstream(html_path_, std::ios::binary) << *html;
    ASSERT_TRUE(fs::exists(html_path_));
  }

  void TearDown() override {
    // WIJKWACHT_KEEP_RENDER=1 keeps the files for a look at the PDF and PNG.
    if (HasFailure() || std::getenv("WIJKWACHT_KEEP_RENDER") != nullptr) {
      std::cerr << "Kept the rendering files in " << dir_ << "\n";
    } else {
      std::error_code ignored;
      fs::remove_all(dir_, ignored);
    }
  }

  // Runs Chromium on the report with `output_flags`; fails the test if it does not succeed.
  void RunChromium(const std::string& output_flags) {
    std::string command = absl::StrCat(
        "timeout 100 ", ShellQuote(chromium_),
        " --headless=new --no-sandbox --disable-gpu --no-first-run --no-default-browser-check "
        "--disable-extensions --hide-scrollbars --no-pdf-header-footer --user-data-dir=",
        ShellQuote((dir_ / "profile").string()), " ", output_flags, " ",
        ShellQuote(FileUrl(html_path_)));
    CommandResult result = RunCommand(command);
    ASSERT_EQ(result.exit_code, 0) << command << "\n" << result.output;
  }

  std::string chromium_;
  fs::path dir_;
  fs::path html_path_;
};

TEST_F(ChromiumRenderTest, PrintsToA4PdfWithTheReportText) {
  std::string pdftotext = FindTool({"pdftotext"});
  std::string pdfinfo = FindTool({"pdfinfo"});
  ASSERT_FALSE(pdftotext.empty() || pdfinfo.empty())
      << "pdftotext and pdfinfo are required: apt-get install -y poppler-utils";

  fs::path pdf = dir_ / "out put.pdf";
  ASSERT_NO_FATAL_FAILURE(RunChromium(absl::StrCat("--print-to-pdf=", ShellQuote(pdf.string()))));
  ASSERT_TRUE(fs::exists(pdf));
  EXPECT_GT(fs::file_size(pdf), 50 * 1024u);
  EXPECT_TRUE(absl::StartsWith(ReadFile(pdf), "%PDF-"));

  CommandResult info = RunCommand(absl::StrCat(ShellQuote(pdfinfo), " ", ShellQuote(pdf.string())));
  ASSERT_EQ(info.exit_code, 0) << info.output;
  EXPECT_THAT(info.output, HasSubstr("(A4)"));
  int pages = 0;
  for (absl::string_view line : absl::StrSplit(info.output, '\n')) {
    if (absl::ConsumePrefix(&line, "Pages:")) pages = std::atoi(std::string(line).c_str());
  }
  EXPECT_GE(pages, 4) << info.output;

  fs::path text_path = dir_ / "out.txt";
  CommandResult extract =
      RunCommand(absl::StrCat(ShellQuote(pdftotext), " -enc UTF-8 ", ShellQuote(pdf.string()), " ",
                              ShellQuote(text_path.string())));
  ASSERT_EQ(extract.exit_code, 0) << extract.output;
  // Table cells wrap, so compare with whitespace collapsed.
  std::string text = absl::StrJoin(
      absl::StrSplit(ReadFile(text_path), absl::ByAnyChar(" \n\t\f"), absl::SkipEmpty()), " ");
  for (const char* expected : {"Tussenstand veiligheidsbeleid Beverwijk 2020–2024",
                               "Samenvatting",
                               "Focusgebieden",
                               "De Drie Straatjes",
                               "Oosterwijk",
                               "Verloop per maand",
                               "Leefbaarheid en veiligheid in de buurten",
                               "Jeugd en veiligheid",
                               "Ondermijning",
                               "Fysieke veiligheid en veilig ondernemen",
                               "Overig",
                               "Wijk 00 Centrum",
                               "Wijk 09 De Pijp en Wijkerbroek",
                               "Vroegsignalering",
                               "Indicatoren",
                               "Voelt zich weleens onveilig in de buurt",
                               "Gegenereerd op 3 juli 2026",
                               "Actieplan: maatregelen en resultaten",
                               "Prioriteit 1: Leefbaarheid en veiligheid in de buurten",
                               "Extra handhavingsrondes De Drie Straatjes",
                               "12 extra rondes op vrijdagavond: 9 van 12 geregistreerd",
                               "Incidenten in de rest van de gemeente (vergelijking)",
                               "volgt dus niet dat de maatregel het verschil veroorzaakte",
                               "Flitspeiling: veiligheidsgevoel",
                               "Flitspeiling voorjaar 2026",
                               "Opvolging",
                               "geen maatregel of handhaving geregistreerd",
                               "<5",
                               "nieuw",
                               kEscapedWijkName}) {
    EXPECT_THAT(text, HasSubstr(expected));
  }
  // Escaped once, not twice.
  EXPECT_THAT(text, Not(HasSubstr("&amp;")));
  EXPECT_THAT(text, Not(HasSubstr("&lt;")));
}

// Pixels within `tolerance` per channel of `rgb` (0xRRGGBB).
size_t CountColor(const testing::RgbImage& image, uint32_t rgb, int tolerance = 3) {
  int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
  size_t n = 0;
  for (size_t i = 0; i + 2 < image.rgb.size(); i += 3) {
    if (std::abs(image.rgb[i] - r) <= tolerance && std::abs(image.rgb[i + 1] - g) <= tolerance &&
        std::abs(image.rgb[i + 2] - b) <= tolerance) {
      ++n;
    }
  }
  return n;
}

TEST_F(ChromiumRenderTest, ScreenshotShowsChartsAndMap) {
  fs::path png = dir_ / "out put.png";
  ASSERT_NO_FATAL_FAILURE(
      RunChromium(absl::StrCat("--window-size=1200,3000 --screenshot=", ShellQuote(png.string()))));
  ASSERT_TRUE(fs::exists(png));
  std::string bytes = ReadFile(png);
  ASSERT_TRUE(absl::StartsWith(bytes, std::string("\x89PNG\r\n\x1a\n", 8)));

  absl::StatusOr<testing::RgbImage> image = testing::DecodePng(bytes);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->width, 1200u);
  EXPECT_EQ(image->height, 3000u);

  // Not blank: a white page with a fair share of ink, in many colours.
  size_t pixels = static_cast<size_t>(image->width) * image->height;
  size_t white = CountColor(*image, 0xffffff, 0);
  EXPECT_GT(pixels - white, pixels / 20);
  EXPECT_GT(white, pixels / 4);
  std::set<uint32_t> colors;
  for (size_t i = 0; i + 2 < image->rgb.size(); i += 3) {
    colors.insert((image->rgb[i] << 16) | (image->rgb[i + 1] << 8) | image->rgb[i + 2]);
  }
  EXPECT_GT(colors.size(), 50u);

  // The bars of the current half-year (and the header rule), the focus-area box, and the map
  // classes are drawn.
  EXPECT_GT(CountColor(*image, 0x1f4e79), 2000u);
  EXPECT_GT(CountColor(*image, 0x6f9fd0), 1000u);
  EXPECT_GT(CountColor(*image, 0xfff6e5), 20000u);
  size_t map_pixels = CountColor(*image, 0xfdcc8a) + CountColor(*image, 0xfc8d59) +
                      CountColor(*image, 0xe34a33) + CountColor(*image, 0xa50f15);
  EXPECT_GT(map_pixels, 10000u);
}

// The Actieplan cycle's sections (Actieplan, flitspeiling, early warnings with their follow-up)
// on top of the page, screenshotted and kept as a test artefact (WIJKWACHT_ARTIFACT_DIR).
TEST_F(ChromiumRenderTest, ScreenshotOfTheActieplanSections) {
  std::string html = ReadFile(html_path_);
  const size_t main = html.find("<main>");
  const size_t plan = html.find("<section id=\"actieplan\"");
  const size_t indicators = html.find("<section id=\"indicatoren\"");
  ASSERT_NE(main, std::string::npos);
  ASSERT_NE(plan, std::string::npos);
  ASSERT_NE(indicators, std::string::npos);
  html = absl::StrCat(html.substr(0, main + 6), html.substr(plan, indicators - plan),
                      "</main></body></html>\n");
  html_path_ = dir_ / "actieplan.html";
  std::ofstream(html_path_, std::ios::binary) << html;
  fs::path png = dir_ / "actieplan.png";
  ASSERT_NO_FATAL_FAILURE(
      RunChromium(absl::StrCat("--window-size=1000,1800 --screenshot=", ShellQuote(png.string()))));
  ASSERT_TRUE(fs::exists(png));
  absl::StatusOr<testing::RgbImage> image = testing::DecodePng(ReadFile(png));
  ASSERT_TRUE(image.ok()) << image.status();
  // The measures' left rules are drawn; the page is not blank.
  EXPECT_GT(CountColor(*image, 0x1f5f8b), 400u);
  const size_t pixels = static_cast<size_t>(image->width) * image->height;
  EXPECT_GT(pixels - CountColor(*image, 0xffffff, 0), pixels / 50);
  fs::create_directories(WIJKWACHT_ARTIFACT_DIR);
  fs::copy_file(png, fs::path(WIJKWACHT_ARTIFACT_DIR) / "tussenstand_actieplan.png",
                fs::copy_options::overwrite_existing);
}

}  // namespace
}  // namespace wijkwacht::progress
