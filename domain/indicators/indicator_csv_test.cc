#include "domain/indicators/indicator_csv.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/status.h"
#include "domain/catalog/csv_reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wijkwacht::indicators {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

constexpr char kGenericHeader[] = "area_code,indicator,period,value,unit,source\n";
constexpr char kBeverwijkHeader[] =
    "gebied_code,gebied_naam,indicator,categorie,jaar,rang,waarde,eenheid,bron_url,opmerking\n";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string BeverwijkFile() {
  return ReadFile(std::string(INDICATORS_TESTDATA_DIR) + "/beverwijk_veiligheid_wijken.csv");
}

// The codes of the shipped IJmond areas (gemeenten, wijken, buurten).
const absl::flat_hash_set<std::string>& AreaCodes() {
  static const auto* codes = [] {
    auto* set = new absl::flat_hash_set<std::string>();
    absl::StatusOr<catalog::CsvTable> table =
        catalog::ReadCsvFile(std::string(WIJKWACHT_DATA_DIR) + "/areas/ijmond_gebieden_2015.csv");
    EXPECT_TRUE(table.ok()) << table.status();
    if (!table.ok()) return set;
    const size_t code = table->ColumnIndex("code").value();
    for (const catalog::CsvRecord& r : table->records) set->insert(r.fields[code]);
    return set;
  }();
  return *codes;
}

bool KnownArea(std::string_view code) {
  return AreaCodes().contains(absl::string_view(code.data(), code.size()));
}

std::vector<FieldViolation> Violations(const absl::StatusOr<std::vector<Indicator>>& result) {
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << result.status();
  return GetFieldViolations(result.status());
}

TEST(IndicatorCsvTest, RealBeverwijkFileParsesCompletely) {
  ASSERT_GT(AreaCodes().size(), 150u);
  absl::StatusOr<std::vector<Indicator>> parsed = ParseIndicatorsCsv(BeverwijkFile(), KnownArea);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 67u);

  const Indicator& first = parsed->front();
  EXPECT_EQ(first.area_code, "WK037500");
  EXPECT_EQ(first.indicator, "rapportcijfer_veiligheid_buurt");
  EXPECT_EQ(first.period.kind, PeriodKind::kYear);
  EXPECT_EQ(first.period.text, "2021");
  EXPECT_EQ(first.period.start, absl::CivilDay(2021, 1, 1));
  EXPECT_EQ(first.value, 6.6);
  EXPECT_EQ(first.unit, "cijfer 1-10");
  EXPECT_EQ(first.source,
            "https://www.veiligheidsindexbeverwijk.nl/wijken/centrum/ (Veiligheidsmonitor)");

  // A categorie row: the indicator carries the category.
  const Indicator& top = (*parsed)[15];
  EXPECT_EQ(top.indicator, "politieregistraties_top3/Diefstal v[...]");
  EXPECT_EQ(top.value, 84);
  EXPECT_EQ(top.unit, "aantal");
  // Quoted categorie with a comma, and a remark with doubled quotes.
  auto find = [&](absl::string_view area, absl::string_view indicator, absl::string_view year) {
    for (const Indicator& i : *parsed) {
      if (i.area_code == area && i.indicator == indicator && i.period.text == year) return &i;
    }
    return static_cast<const Indicator*>(nullptr);
  };
  const Indicator* comma =
      find("WK037506", "politieregistraties_top3/diefstal van brom-, [...]", "2022");
  ASSERT_NE(comma, nullptr);
  EXPECT_EQ(comma->value, 29);
  EXPECT_THAT(comma->source, HasSubstr("(label afgekapt in bron-excerpt (vermoedelijk brom-"));
  const Indicator* quotes = find("WK037507", "politieregistraties_top3/horizontale fraude", "2022");
  ASSERT_NE(quotes, nullptr);
  EXPECT_THAT(quotes->source, HasSubstr("#1 \"vernieling van horizontale fraude\")"));
  // Rows without a remark have the bare URL as source; gemeente rows are accepted too.
  const Indicator* no_remark = find("WK037500", "sociale_cohesie", "2019");
  ASSERT_NE(no_remark, nullptr);
  EXPECT_EQ(no_remark->source, "https://www.veiligheidsindexbeverwijk.nl/wijken/centrum/");
  const Indicator* gemeente = find("GM0396", "politieregistraties/diefstal van auto", "2016");
  ASSERT_NE(gemeente, nullptr);
  EXPECT_EQ(gemeente->value, 11);
  EXPECT_EQ(gemeente->period.end, absl::CivilDay(2017, 1, 1));
}

TEST(IndicatorCsvTest, BeverwijkRowsRoundTripThroughTheGenericFormat) {
  absl::StatusOr<std::vector<Indicator>> parsed = ParseIndicatorsCsv(BeverwijkFile(), KnownArea);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const std::string generic = FormatGenericIndicatorsCsv(*parsed);
  EXPECT_THAT(generic, StartsWith(kGenericHeader));
  absl::StatusOr<std::vector<Indicator>> again = ParseIndicatorsCsv(generic, KnownArea);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *parsed);
}

TEST(IndicatorCsvTest, GenericFormatWithEveryPeriodKindRoundTrips) {
  // clang-format off
  const std::string csv = absl::StrCat(
      "\xEF\xBB\xBF", absl::StrReplaceAll(kGenericHeader, {{"\n", "\r\n"}}),
      "GM0375,aangiftes_woninginbraak,2021,178,aantal,politie.nl\r\n",
      "WK037500,voelt_zich_onveilig,2026-H1,24.3,%,\"Veiligheidsmonitor, wijkprofiel\"\r\n",
      "\r\n",
      "BU03750000,meldingen_overlast,2026-03,-1.5e3,,\r\n",
      "WK037508,meldingen_overlast,2026-W07,0.1,per 1000 inwoners,"
      "\"zegt \"\"ongeveer\"\"\nen meer\"\r\n",
      "WK037508,meldingen_overlast,2026-03-14,0,aantal,https://example.nl/a?b=1\r\n");
  // clang-format on
  absl::StatusOr<std::vector<Indicator>> parsed = ParseIndicatorsCsv(csv, KnownArea);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 5u);
  EXPECT_EQ((*parsed)[0].value, 178);
  EXPECT_EQ((*parsed)[1].source, "Veiligheidsmonitor, wijkprofiel");
  EXPECT_EQ((*parsed)[1].period.kind, PeriodKind::kHalfYear);
  EXPECT_EQ((*parsed)[2].value, -1500);
  EXPECT_EQ((*parsed)[2].unit, "");
  EXPECT_EQ((*parsed)[3].period.start, absl::CivilDay(2026, 2, 9));
  EXPECT_EQ((*parsed)[3].source, "zegt \"ongeveer\"\nen meer");
  EXPECT_EQ((*parsed)[4].period.kind, PeriodKind::kDay);

  const std::string written = FormatGenericIndicatorsCsv(*parsed);
  EXPECT_THAT(written, HasSubstr("\nWK037500,voelt_zich_onveilig,2026-H1,24.3,%,"
                                 "\"Veiligheidsmonitor, wijkprofiel\"\n"));
  EXPECT_THAT(written, HasSubstr(",-1500,,\n"));
  absl::StatusOr<std::vector<Indicator>> again = ParseIndicatorsCsv(written, KnownArea);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *parsed);

  // Values survive exactly, whatever their digits.
  std::vector<Indicator> awkward = {(*parsed)[0], (*parsed)[1], (*parsed)[2]};
  awkward[0].value = 0.1 + 0.2;
  awkward[1].value = 1e300;
  awkward[2].value = -5e-324;
  absl::StatusOr<std::vector<Indicator>> exact =
      ParseIndicatorsCsv(FormatGenericIndicatorsCsv(awkward), KnownArea);
  ASSERT_TRUE(exact.ok()) << exact.status();
  EXPECT_EQ(*exact, awkward);
}

TEST(IndicatorCsvTest, EachKindOfBadGenericRowIsReportedWithItsLine) {
  // clang-format off
  const std::string csv = absl::StrCat(
      kGenericHeader,
      "WK037500,goed,2021,1,aantal,bron\n",                         // 2 fine
      "XX000000,goed,2021,1,aantal,bron\n",                         // 3
      "WK037500,,2021,1,aantal,bron\n",                             // 4
      "WK037500,periode,2026-13,1,aantal,bron\n",                   // 5
      "WK037500,waarde,2021,abc,aantal,bron\n",                     // 6
      "WK037500,nan,2021,NaN,aantal,bron\n",                        // 7
      "WK037500,inf,2021,-inf,aantal,bron\n",                       // 8
      "WK037500,komma,2021,\"6,6\",aantal,bron\n",                  // 9
      "WK037500,kolommen,2021,1,aantal\n",                          // 10
      "WK037500,goed,2021,2,aantal,andere bron\n",                  // 11 duplicate of 2
      "WK037500,utf8,2021,1,\xC3\x28,bron\n",                       // 12
      "WK037500,ctrl\x01,2021,1,aantal,bron\n",                     // 13
      "WK037500,lang,2021,1,aantal,", std::string(2049, 'x'), "\n",  // 14
      "WK037500,quote,2021,1,aan\"tal,bron\n",                      // 15
      "WK037500,meerregelig,2021,1,aantal,\"regel 1\nregel 2\"\n",  // 16-17 fine
      "WK037500,twee,2021-W53,1e999,aantal,bron\n",                 // 18: two problems
      "WK037500,\"regel\nbreuk\",2021,1,aantal,bron\n",             // 19-20
      "WK037500,goed,2021-H1,1,aantal,bron\n");                     // 21 fine: other period
  absl::StatusOr<std::vector<Indicator>> result = ParseIndicatorsCsv(csv, KnownArea);
  // clang-format on
  EXPECT_THAT(std::string(result.status().message()),
              StartsWith("csv.line[3].area_code: unknown area code \"XX000000\" (and 15 more"));
  EXPECT_THAT(
      Violations(result),
      ElementsAre(
          FieldViolation{"csv.line[3].area_code", "unknown area code \"XX000000\""},
          FieldViolation{"csv.line[4].indicator", "is empty"},
          FieldViolation{"csv.line[5].period",
                         "\"2026-13\" is not a valid period: month must be 01-12"},
          FieldViolation{"csv.line[6].value", "\"abc\" is not a number"},
          FieldViolation{"csv.line[7].value", "\"NaN\" is not a finite number"},
          FieldViolation{"csv.line[8].value", "\"-inf\" is not a finite number"},
          FieldViolation{"csv.line[9].value",
                         "\"6,6\" is not a number (use a decimal point: \"6.6\")"},
          FieldViolation{"csv.line[10]", "has 5 fields, the header has 6"},
          FieldViolation{"csv.line[11]", "has the same area, indicator and period as line 2"},
          FieldViolation{"csv.line[12].unit", "is not valid UTF-8 (bad byte at 1)"},
          FieldViolation{"csv.line[13].indicator", "contains control character U+0001 at byte 4"},
          FieldViolation{"csv.line[14].source", "is 2049 bytes, more than the limit of 2048"},
          FieldViolation{"csv.line[15]",
                         "quote inside an unquoted field (quote the field and "
                         "double the quote)"},
          FieldViolation{"csv.line[18].period",
                         "\"2021-W53\" is not a valid period: week must be 01-52 in 2021"},
          FieldViolation{"csv.line[18].value", "\"1e999\" is out of the range of a double"},
          FieldViolation{"csv.line[19].indicator", "contains a tab or line break"}));
}

TEST(IndicatorCsvTest, BadBeverwijkRowsNameTheFileColumns) {
  // clang-format off
  const std::string csv = absl::StrCat(
      kBeverwijkHeader,
      "WK037500,Wijk 00 Centrum,cijfer,,2021,,6.6,cijfer 1-10,https://a.nl/,\n",   // 2 fine
      "WK037500,Wijk 00 Centrum,cijfer,,2021-H1,,6.6,cijfer 1-10,https://a.nl/,\n",  // 3
      "WK037500,Wijk 00 Centrum,top3,x,2022,één,5,aantal,https://a.nl/,\n",          // 4
      "WK037500,Wijk 00 Centrum,a/b,,2022,,5,aantal,https://a.nl/,\n",              // 5
      "WK037500,Wijk 00 Centrum,top3,y,2022,0,\"6,6\",aantal,https://a.nl/,\n",      // 6
      "WK999999,Nergens,cijfer,,2021,,6.6,cijfer 1-10,https://a.nl/,\n",            // 7
      "WK037500,Wijk 00 Centrum,top3,\"met\nregel\",2022,1,5,aantal,https://a.nl/,\n",  // 8-9
      "WK037500,Wijk 00 Centrum,cijfer,,2021,,7,cijfer 1-10,https://b.nl/,\"tweede\nopmerking\"\n",
      "WK037500,Wijk 00 Centrum,top3,z,2022,1,,aantal,,\n");                          // 12
  absl::StatusOr<std::vector<Indicator>> result = ParseIndicatorsCsv(csv, KnownArea);
  // clang-format on
  EXPECT_THAT(
      Violations(result),
      ElementsAre(
          FieldViolation{"csv.line[3].jaar", "\"2021-H1\" is not a year (YYYY)"},
          FieldViolation{"csv.line[4].rang", "\"één\" is not a rank (a whole number 1-999)"},
          FieldViolation{"csv.line[5].indicator",
                         "contains \"/\", which separates indicator and categorie"},
          FieldViolation{"csv.line[6].rang", "\"0\" is not a rank (a whole number 1-999)"},
          FieldViolation{"csv.line[6].waarde",
                         "\"6,6\" is not a number (use a decimal point: \"6.6\")"},
          FieldViolation{"csv.line[7].gebied_code", "unknown area code \"WK999999\""},
          FieldViolation{"csv.line[8].categorie", "contains a tab or line break"},
          FieldViolation{"csv.line[10]", "has the same area, indicator and period as line 2"},
          FieldViolation{"csv.line[12].waarde", "is empty"}));
}

TEST(IndicatorCsvTest, PartlyBadFileReturnsNothing) {
  // Line 32 of the real file (a Meerestein police figure) gets a non-numeric value.
  std::string csv = BeverwijkFile();
  const std::string good_row =
      "WK037507,Wijk 07 Meerestein,politieregistraties_top3,ongevallen op de weg,2021,3,25,";
  const size_t at = csv.find(good_row);
  ASSERT_NE(at, std::string::npos);
  ASSERT_EQ(std::count(csv.begin(), csv.begin() + static_cast<ptrdiff_t>(at), '\n'), 31);
  csv.replace(at + good_row.size() - 3, 2, "n.b.");
  absl::StatusOr<std::vector<Indicator>> result = ParseIndicatorsCsv(csv, KnownArea);
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(Violations(result),
              ElementsAre(FieldViolation{"csv.line[32].waarde", "\"n.b.\" is not a number"}));
  EXPECT_EQ(result.status().message(), "csv.line[32].waarde: \"n.b.\" is not a number");
  // Callers nest the paths under their request field.
  EXPECT_EQ(GetFieldViolations(PrefixFieldPaths(result.status(), "import"))[0].field,
            "import.csv.line[32].waarde");
}

TEST(IndicatorCsvTest, HeaderProblems) {
  auto only = [](const absl::StatusOr<std::vector<Indicator>>& r) {
    const std::vector<FieldViolation> v = Violations(r);
    EXPECT_EQ(v.size(), 1u);
    return v.empty() ? FieldViolation{} : v[0];
  };
  EXPECT_EQ(only(ParseIndicatorsCsv("", KnownArea)),
            (FieldViolation{"csv", "is empty; the first line must be the header"}));
  EXPECT_EQ(only(ParseIndicatorsCsv("\n\n", KnownArea)).field, "csv");

  const FieldViolation wrong = only(ParseIndicatorsCsv(
      "area,indicator,period,value,unit,source\nGM0375,a,2021,1,,\n", KnownArea));
  EXPECT_EQ(wrong.field, "csv.line[1]");
  EXPECT_THAT(wrong.description,
              HasSubstr("expected \"area_code,indicator,period,value,unit,source\" or the "
                        "Beverwijk header \"gebied_code,gebied_naam,"));
  EXPECT_EQ(
      only(ParseIndicatorsCsv("area_code,indicator,period,value,unit,source,extra\n", KnownArea))
          .field,
      "csv.line[1]");
  EXPECT_EQ(only(ParseIndicatorsCsv("\"area_code,indicator\n", KnownArea)),
            (FieldViolation{"csv.line[1]", "quoted field is not closed"}));

  // A header alone is a valid, empty file.
  absl::StatusOr<std::vector<Indicator>> header_only =
      ParseIndicatorsCsv(kBeverwijkHeader, KnownArea);
  ASSERT_TRUE(header_only.ok()) << header_only.status();
  EXPECT_THAT(*header_only, IsEmpty());
}

TEST(IndicatorCsvTest, FileSizeLimit) {
  const std::string csv = BeverwijkFile();
  IndicatorCsvOptions options;
  options.max_file_bytes = 1000;
  EXPECT_THAT(Violations(ParseIndicatorsCsv(csv, KnownArea, options)),
              ElementsAre(FieldViolation{
                  "csv", absl::StrCat("is ", csv.size(), " bytes, more than the limit of 1000")}));
  options.max_file_bytes = csv.size();
  EXPECT_TRUE(ParseIndicatorsCsv(csv, KnownArea, options).ok());
}

TEST(IndicatorCsvTest, ErrorListIsCapped) {
  std::string csv = kGenericHeader;
  for (int i = 0; i < 150; ++i) absl::StrAppend(&csv, "WK037500,x", i, ",2021,?,,\n");
  const std::vector<FieldViolation> v = Violations(ParseIndicatorsCsv(csv, KnownArea));
  ASSERT_EQ(v.size(), 101u);
  EXPECT_EQ(v[0].field, "csv.line[2].value");
  EXPECT_EQ(v[99].field, "csv.line[101].value");
  EXPECT_EQ(
      v[100],
      (FieldViolation{"csv", "has more than 100 problems; the rest of the file was not checked"}));

  IndicatorCsvOptions options;
  options.max_errors = 3;
  EXPECT_EQ(Violations(ParseIndicatorsCsv(csv, KnownArea, options)).size(), 4u);
  // Exactly at the cap: no extra note.
  options.max_errors = 150;
  EXPECT_EQ(Violations(ParseIndicatorsCsv(csv, KnownArea, options)).size(), 150u);
}

TEST(IndicatorCsvTest, MissingPredicateIsACallerBug) {
  EXPECT_EQ(ParseIndicatorsCsv(kGenericHeader, nullptr).status().code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace wijkwacht::indicators
