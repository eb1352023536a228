// SPDX-License-Identifier: Apache-2.0
#include "app/file_kinds.h"

#include <gtest/gtest.h>
#include <zip.h>

namespace moat::app {
namespace {

struct KindCase {
  const char* name;
  std::string content;
  std::string_view media_type;
};

class DetectMediaType : public ::testing::TestWithParam<KindCase> {};

TEST_P(DetectMediaType, FromContentAlone) {
  EXPECT_EQ(detect_media_type(GetParam().content), GetParam().media_type);
}

INSTANTIATE_TEST_SUITE_P(
    FileKinds, DetectMediaType,
    ::testing::Values(KindCase{"Pdf", "%PDF-1.7\n1 0 obj\n", kPdf},
                      KindCase{"PdfAfterJunk", std::string(300, ' ') + "%PDF-1.4\n", kPdf},
                      KindCase{"Step", "ISO-10303-21;\nHEADER;\n", kStep},
                      KindCase{"StepWithBom", "\xEF\xBB\xBF\nISO-10303-21;\n", kStep},
                      KindCase{"Gerber", "G04 top*\n%FSLAX46Y46*%\n%MOMM*%\n%ADD10C,0.1*%\nM02*\n", kGerber},
                      KindCase{"Excellon", ";drill\nM48\nMETRIC\nT1C0.300\n%\nT1\nX1Y1\nM30\n", kExcellon},
                      KindCase{"Zip", std::string("PK\x03\x04", 4) + "rest", kZip},
                      // A stored (uncompressed) PDF as its first member: "%PDF-" within the first
                      // kilobyte, the archive still an archive.
                      KindCase{"ZipOfAStoredPdf",
                               std::string("PK\x03\x04", 4) + std::string(26, '\0') + "a.pdf%PDF-1.4\n",
                               kZip},
                      KindCase{"Text", "just notes, 中文 too\n", kText},
                      KindCase{"Binary",
                               std::string("\x7f"
                                           "ELF\0\0\1",
                                           7),
                               kOctets},
                      KindCase{"GerberWordsInText", "we use %FS in prose without units\n", kText}),
    [](const ::testing::TestParamInfo<KindCase>& param_info) { return std::string(param_info.param.name); });

std::string zip_of(const std::vector<std::pair<std::string, std::string>>& members) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_source_keep(buffer);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  for (const auto& [path, content] : members) {
    zip_source_t* data = zip_source_buffer(archive, content.data(), content.size(), 0);
    zip_file_add(archive, path.c_str(), data, ZIP_FL_ENC_UTF_8);
  }
  zip_close(archive);
  zip_source_open(buffer);
  zip_source_seek(buffer, 0, SEEK_END);
  const auto size = static_cast<std::size_t>(zip_source_tell(buffer));
  zip_source_seek(buffer, 0, SEEK_SET);
  std::string out(size, '\0');
  zip_source_read(buffer, out.data(), size);
  zip_source_close(buffer);
  zip_source_free(buffer);
  return out;
}

TEST(ZipMembers, KeepsPathsAndContent) {
  const std::string gerber = "%FSLAX46Y46*%\n%MOMM*%\nM02*\n";
  const auto members =
      zip_members(zip_of({{"board/top.GTL", gerber}, {"board/readme.txt", "hi"}}), "fab.zip");
  ASSERT_TRUE(members.ok()) << members.error().to_string();
  ASSERT_EQ(members->size(), 2U);
  EXPECT_EQ((*members)[0].path, "board/top.GTL");
  EXPECT_EQ((*members)[0].content, gerber);
  EXPECT_TRUE(is_fabrication_set(*members));
}

TEST(ZipMembers, RefusesPathsThatClimbOut) {
  const auto members = zip_members(zip_of({{"../evil.GTL", "x"}}), "fab.zip");
  ASSERT_FALSE(members.ok());
  EXPECT_NE(members.error().to_string().find("fab.zip"), std::string::npos);
}

TEST(ZipMembers, RefusesADamagedArchive) {
  std::string zip = zip_of({{"a.txt", std::string(1000, 'a')}});
  zip.resize(zip.size() / 2);
  EXPECT_FALSE(zip_members(zip, "cut.zip").ok());
}

TEST(ZipMembers, AnArchiveOfDocumentsIsNotAFabricationSet) {
  const auto members = zip_members(zip_of({{"a.pdf", "%PDF-1.7\n"}}), "docs.zip");
  ASSERT_TRUE(members.ok());
  EXPECT_FALSE(is_fabrication_set(*members));
}

}  // namespace
}  // namespace moat::app
