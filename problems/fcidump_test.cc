// Tests for the FCIDUMP reader: the psi4 files, header variants, and error messages.
// Thread-safety: single-threaded tests.
#include "problems/fcidump.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace qgrad {
namespace {

using ::testing::HasSubstr;

std::string TestFile(const std::string& name) { return std::string(QGRAD_PROBLEMS_TESTDATA) + "/" + name; }

std::string ErrorOf(const std::string& text) {
  absl::StatusOr<MolecularIntegrals> ints = ParseFcidump(text);
  EXPECT_FALSE(ints.ok()) << text;
  if (ints.ok()) return "";
  EXPECT_EQ(ints.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(ints.status().message());
}

TEST(FcidumpTest, ReadsPsi4H2) {
  absl::StatusOr<MolecularIntegrals> ints = ReadFcidumpFile(TestFile("H2_0.735.FCIDUMP"));
  ASSERT_TRUE(ints.ok()) << ints.status();
  EXPECT_EQ(ints->num_orbitals, 2);
  EXPECT_EQ(ints->num_electrons, 2);
  EXPECT_EQ(ints->ms2, 0);
  EXPECT_DOUBLE_EQ(ints->core_energy, 7.19968994108843518553E-01);
  EXPECT_DOUBLE_EQ(ints->h(0, 0), -1.25633907279249612543E+00);
  EXPECT_DOUBLE_EQ(ints->h(1, 1), -4.71896007503182057796E-01);
  EXPECT_EQ(ints->h(0, 1), 0.0);
  // "(21|21)" in the file; all 8 images are set.
  for (auto [p, q, r, s] : {std::array{1, 0, 1, 0}, {0, 1, 0, 1}, {0, 1, 1, 0}, {1, 0, 0, 1}}) {
    EXPECT_DOUBLE_EQ(ints->eri(p, q, r, s), 1.80931199803597897446E-01);
  }
  EXPECT_DOUBLE_EQ(ints->eri(0, 0, 1, 1), ints->eri(1, 1, 0, 0));
}

TEST(FcidumpTest, ReadsPsi4LiH) {
  for (const char* name : {"LiH_1.6.FCIDUMP", "LiH_2.2.FCIDUMP"}) {
    absl::StatusOr<MolecularIntegrals> ints = ReadFcidumpFile(TestFile(name));
    ASSERT_TRUE(ints.ok()) << ints.status();
    EXPECT_EQ(ints->num_orbitals, 6);
    EXPECT_EQ(ints->num_electrons, 4);
  }
}

TEST(FcidumpTest, OneLineLowerCaseHeaderAndFortranExponents) {
  absl::StatusOr<MolecularIntegrals> ints = ParseFcidump(
      " &fci norb = 2, nelec=2, ms2=0, orbsym=1,1, isym=1, uhf=.false. /\n"
      "  5.0D-01 1 1 1 1\n"
      "  2.5d+00 2 1 0 0\n"
      "  -1.0E0 1 0 0 0\n"
      "  1.5 0 0 0 0\n");
  ASSERT_TRUE(ints.ok()) << ints.status();
  EXPECT_EQ(ints->eri(0, 0, 0, 0), 0.5);
  EXPECT_EQ(ints->h(0, 1), 2.5);
  EXPECT_EQ(ints->h(1, 0), 2.5);
  EXPECT_EQ(ints->h(0, 0), 0.0);  // orbital energy lines are ignored
  EXPECT_EQ(ints->core_energy, 1.5);
}

TEST(FcidumpTest, MultiLineHeaderWithDollarEnd) {
  absl::StatusOr<MolecularIntegrals> ints = ParseFcidump(
      "&FCI NORB=3,NELEC=2,\n ORBSYM=1,\n 1,1,\n ISYM=1\n$END\n 0.0 0 0 0 0\n");
  ASSERT_TRUE(ints.ok()) << ints.status();
  EXPECT_EQ(ints->num_orbitals, 3);
}

TEST(FcidumpTest, HeaderErrorsNameFieldAndLine) {
  EXPECT_THAT(ErrorOf("NORB=2\n"), HasSubstr("line 1: header must start with '&FCI'"));
  EXPECT_THAT(ErrorOf("&FCI NELEC=2,\nMS2=0,\n&END\n1.0 0 0 0 0\n"), HasSubstr("missing field NORB"));
  EXPECT_THAT(ErrorOf("&FCI NORB=2,\nMS2=0,\n&END\n1.0 0 0 0 0\n"), HasSubstr("missing field NELEC"));
  EXPECT_THAT(ErrorOf("&FCI\nNORB=two,\nNELEC=2,\n&END\n"), HasSubstr("line 2: NORB 'TWO' is not an integer"));
  EXPECT_THAT(ErrorOf("&FCI NORB=0, NELEC=0 /\n"), HasSubstr("NORB=0 out of range"));
  EXPECT_THAT(ErrorOf("&FCI NORB=2,\nNELEC=5 /\n"), HasSubstr("line 2: NELEC=5 out of range [0, 4]"));
  EXPECT_THAT(ErrorOf("&FCI NORB=2, NELEC=2,\nMS2=1 /\n"), HasSubstr("line 2: MS2=1 impossible"));
  EXPECT_THAT(ErrorOf("&FCI NORB=3, NELEC=2,\nORBSYM=1,1, /\n"), HasSubstr("line 2: ORBSYM has 2 entries"));
  EXPECT_THAT(ErrorOf("&FCI NORB=2, NELEC=2,\nUHF=.TRUE. /\n"), HasSubstr("line 2: UHF=.TRUE."));
  EXPECT_THAT(ErrorOf("&FCI NORB=2, NELEC=2,\nNORB=2 /\n"), HasSubstr("line 2: field NORB given twice"));
  EXPECT_THAT(ErrorOf("&FCI NORB=2, NELEC=2, ORBSYM=1,1\n"), HasSubstr("header not closed"));
  EXPECT_THAT(ErrorOf("   \n"), HasSubstr("empty file"));
}

TEST(FcidumpTest, BodyErrorsNameLine) {
  const std::string header = "&FCI\nNORB=6,\nNELEC=4,\n&END\n";  // body starts at line 5
  EXPECT_THAT(ErrorOf(header + "1.0 1 1 1 1\n1.0 9 1 1 1\n0.0 0 0 0 0\n"),
              HasSubstr("FCIDUMP line 6: orbital index 9 out of range [1, 6]"));
  EXPECT_THAT(ErrorOf(header + "1.0 1 -1 1 1\n"), HasSubstr("line 5: orbital index -1 out of range"));
  EXPECT_THAT(ErrorOf(header + "abc 1 1 1 1\n"), HasSubstr("line 5: value 'abc' is not a finite number"));
  EXPECT_THAT(ErrorOf(header + "nan 1 1 1 1\n"), HasSubstr("line 5: value 'nan' is not a finite number"));
  EXPECT_THAT(ErrorOf(header + "1.0 1 1.5 1 1\n"), HasSubstr("line 5: orbital index '1.5' is not an integer"));
  EXPECT_THAT(ErrorOf(header + "1.0 1 0 1 1\n"), HasSubstr("line 5: index pattern"));
  // Cut mid-line, and cut before the core-energy line.
  EXPECT_THAT(ErrorOf(header + "1.0 1 1 1 1\n2.0 2 2"), HasSubstr("line 6: expected 'value i j k l' (5 fields), got 3"));
  EXPECT_THAT(ErrorOf(header + "1.0 1 1 1 1\n"), HasSubstr("no core-energy line"));
}

TEST(FcidumpTest, MissingFileIsNotFound) {
  absl::StatusOr<MolecularIntegrals> ints = ReadFcidumpFile(TestFile("no_such.FCIDUMP"));
  EXPECT_EQ(ints.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace qgrad
