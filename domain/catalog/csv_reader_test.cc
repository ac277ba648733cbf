#include "domain/catalog/csv_reader.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wijkwacht::catalog {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kCategoriesDir = std::string(WIJKWACHT_DATA_DIR) + "/categories";

TEST(CsvReaderTest, QuotedFieldsWithCommasQuotesAndNewlines) {
  absl::StatusOr<CsvTable> table = ParseCsv(
      "a,b,c\n"
      "1,\"x, y\",\"say \"\"hi\"\"\"\n"
      "2,\"two\nlines\",\n"
      "3,,\"\"\n",
      "t.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->header, ElementsAre("a", "b", "c"));
  ASSERT_EQ(table->records.size(), 3u);
  EXPECT_THAT(table->records[0].fields, ElementsAre("1", "x, y", "say \"hi\""));
  EXPECT_EQ(table->records[0].line, 2);
  EXPECT_THAT(table->records[1].fields, ElementsAre("2", "two\nlines", ""));
  EXPECT_EQ(table->records[1].line, 3);
  EXPECT_THAT(table->records[2].fields, ElementsAre("3", "", ""));
  EXPECT_EQ(table->records[2].line, 5);  // the record before spans two lines
}

TEST(CsvReaderTest, CrlfBomEmptyLinesAndMissingFinalNewline) {
  absl::StatusOr<CsvTable> table = ParseCsv("\xEF\xBB\xBFk,v\r\n\r\nx,1\r\n\ny,2", "t.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->header, ElementsAre("k", "v"));
  ASSERT_EQ(table->records.size(), 2u);
  EXPECT_THAT(table->records[0].fields, ElementsAre("x", "1"));
  EXPECT_EQ(table->records[0].line, 3);
  EXPECT_THAT(table->records[1].fields, ElementsAre("y", "2"));
  EXPECT_EQ(table->records[1].line, 5);
}

TEST(CsvReaderTest, ErrorsNameFileAndLine) {
  EXPECT_THAT(ParseCsv("a,b\n1,2\n3\n", "t.csv").status().message(),
              HasSubstr("t.csv:3: has 1 fields, the header has 2"));
  EXPECT_THAT(ParseCsv("a,b\n1,\"open\n\n", "t.csv").status().message(),
              HasSubstr("t.csv:2: quoted field is not closed"));
  EXPECT_THAT(ParseCsv("a,b\n1,\"x\"y\n", "t.csv").status().message(),
              HasSubstr("t.csv:2: unexpected character after a closing quote"));
  EXPECT_THAT(ParseCsv("a,b\n1,x\"y\n", "t.csv").status().message(),
              HasSubstr("t.csv:2: quote inside an unquoted field"));
  EXPECT_THAT(ParseCsv("", "t.csv").status().message(), HasSubstr("t.csv:1: file is empty"));
  EXPECT_THAT(ParseCsv("a,a\n", "t.csv").status().message(),
              HasSubstr("t.csv:1: column 'a' appears twice"));
  EXPECT_EQ(ParseCsv("a,b\n3\n", "t.csv").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CsvReaderTest, ColumnIndex) {
  absl::StatusOr<CsvTable> table = ParseCsv("a,b\n", "t.csv");
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->ColumnIndex("b").value(), 1u);
  EXPECT_THAT(table->ColumnIndex("c").status().message(), HasSubstr("t.csv:1: missing column 'c'"));
}

TEST(CsvReaderTest, MissingFileIsNotFound) {
  absl::StatusOr<CsvTable> table = ReadCsvFile("/nonexistent/x.csv");
  EXPECT_EQ(table.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(table.status().message(), HasSubstr("/nonexistent/x.csv"));
}

TEST(CsvReaderTest, ReadsShippedTables) {
  absl::StatusOr<CsvTable> signalen =
      ReadCsvFile(kCategoriesDir + "/signalen_categories_amsterdam.csv");
  ASSERT_TRUE(signalen.ok()) << signalen.status();
  EXPECT_EQ(signalen->records.size(), 156u);
  EXPECT_EQ(signalen->header.size(), 8u);
  absl::StatusOr<CsvTable> bor_meld = ReadCsvFile(kCategoriesDir + "/bor_meld_referentietabel.csv");
  ASSERT_TRUE(bor_meld.ok()) << bor_meld.status();
  EXPECT_EQ(bor_meld->records.size(), 202u);
  // Row id 6 has a quoted item with a comma.
  EXPECT_EQ(bor_meld->records[5].fields[4], "Anders, zie vrij opmerkingenveld");
}

}  // namespace
}  // namespace wijkwacht::catalog
