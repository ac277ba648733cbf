#include "domain/indicators/csv_rows.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wijkwacht::indicators {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(CsvRowsTest, QuotedFieldsKeepCommasQuotesAndLineBreaks) {
  const std::vector<CsvRow> rows = SplitCsvRows(
      "a,b,c\n"
      "1,\"x, y\",\"say \"\"hi\"\"\"\n"
      "2,\"two\nlines\",\n"
      "3,,\"\"\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_THAT(rows[1].fields, ElementsAre("1", "x, y", "say \"hi\""));
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_THAT(rows[2].fields, ElementsAre("2", "two\nlines", ""));
  EXPECT_EQ(rows[2].line, 3);
  EXPECT_THAT(rows[3].fields, ElementsAre("3", "", ""));
  EXPECT_EQ(rows[3].line, 5);  // the record before spans two lines
  for (const CsvRow& row : rows) EXPECT_THAT(row.problem, IsEmpty());
}

TEST(CsvRowsTest, BomCrlfEmptyLinesLoneCrAndNoFinalNewline) {
  const std::vector<CsvRow> rows = SplitCsvRows("\xEF\xBB\xBFk,v\r\n\r\nx,1\r\n\ny,a\rb,");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_THAT(rows[0].fields, ElementsAre("k", "v"));
  EXPECT_THAT(rows[1].fields, ElementsAre("x", "1"));
  EXPECT_EQ(rows[1].line, 3);
  EXPECT_THAT(rows[2].fields, ElementsAre("y", "a\rb", ""));  // a lone CR is data
  EXPECT_EQ(rows[2].line, 5);
}

TEST(CsvRowsTest, FieldCountsMayDiffer) {
  const std::vector<CsvRow> rows = SplitCsvRows("a,b\n1\n1,2,3\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_THAT(rows[1].fields, ElementsAre("1"));
  EXPECT_THAT(rows[2].fields, ElementsAre("1", "2", "3"));
}

TEST(CsvRowsTest, MalformedRecordsAreMarkedAndSplittingResumes) {
  const std::vector<CsvRow> rows = SplitCsvRows(
      "a,b\n"
      "x,say \"hi\"\n"
      "\"quoted\"tail,1\n"
      "ok,\"multi\nline\"\n"
      "\"never closed,2\n"
      "lost,3\n");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_THAT(rows[1].problem, HasSubstr("quote inside an unquoted field"));
  EXPECT_THAT(rows[1].fields, IsEmpty());
  EXPECT_EQ(rows[2].line, 3);
  EXPECT_THAT(rows[2].problem, HasSubstr("unexpected character after a closing quote"));
  EXPECT_EQ(rows[3].line, 4);
  EXPECT_THAT(rows[3].fields, ElementsAre("ok", "multi\nline"));
  EXPECT_EQ(rows[4].line, 6);
  EXPECT_EQ(rows[4].problem, "quoted field is not closed");
}

TEST(CsvRowsTest, EmptyInput) {
  EXPECT_THAT(SplitCsvRows(""), IsEmpty());
  EXPECT_THAT(SplitCsvRows("\n\r\n\n"), IsEmpty());
  EXPECT_THAT(SplitCsvRows("\xEF\xBB\xBF"), IsEmpty());
}

}  // namespace
}  // namespace wijkwacht::indicators
