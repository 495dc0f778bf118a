// kg example wordnet on a small directory in the wndb(5WN) format: synsets,
// lemmas (adjective markers stripped, one per text and part of speech),
// semantic and lexical pointers, satellites resolved to data.adj.
#include <cstdio>
#include <fstream>

#include "kg/kg.h"
#include "tests/test_util.h"

namespace kg {
namespace {

void Write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << "  1 This software and database is being provided to you, the LICENSEE, by\n"
      << "  2 Princeton University under the following license.\n"
      << text;
}

TEST_CASE("the WordNet loader reads synsets, lemmas and pointers", "[wordnet]") {
  test::TempDir dir;
  std::string wn = dir.path() + "/wn";
  std::filesystem::create_directories(wn);
  Write(wn + "/data.noun",
        "00000100 05 n 02 dog 0 domestic_dog 0 002 @ 00000200 n 0000 + 00000100 v 0101 | a member of the genus Canis\n"
        "00000200 05 n 01 canine 0 001 ~ 00000100 n 0000 | a mammal\n");
  Write(wn + "/data.verb", "00000100 29 v 01 dog 0 001 + 00000100 n 0101 01 + 08 00 | go after with the intent to catch\n");
  Write(wn + "/data.adj",
        "00000100 00 a 01 remote 0 001 & 00000300 s 0000 | far\n"
        "00000300 00 s 01 outback(a) 0 001 & 00000100 a 0000 | inaccessible\n");
  Write(wn + "/data.adv", "00000100 02 r 01 a_cappella 0 000 | without accompaniment\n");
  std::string cmd = std::string(KG_BINARY) + " example wordnet --wordnet-dir " + wn + " --db " + dir.db() + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string output;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p)) output.append(buf, n);
  INFO(output);
  REQUIRE(pclose(p) == 0);
  CHECK(output.find("loaded 13 nodes, 13 relationships") != std::string::npos);

  auto db = test::OpenDb(dir.db());
  Connection conn(*db);
  auto count = [&](const std::string& q) {
    auto r = conn.Execute(q);
    INFO(q << "\n" << r.error().pretty);
    REQUIRE(r.ok());
    return r.rows()[0][0].as_int();
  };
  CHECK(count("MATCH (s:Synset) RETURN count(s)") == 6);
  CHECK(count("MATCH (l:Lemma) RETURN count(l)") == 7);
  CHECK(count("MATCH (:Lemma {text: 'domestic dog', pos: 'n'})-[:HAS_SENSE {word_number: 2}]->(:Synset {id: 'n00000100'}) RETURN count(*)") == 1);
  CHECK(count("MATCH (:Synset {id: 'n00000100', lex_file: 'noun.animal'})-[:HYPERNYM]->(:Synset {id: 'n00000200'}) RETURN count(*)") == 1);
  // A lexical pointer carries the word numbers at both ends.
  CHECK(count("MATCH (:Synset {id: 'n00000100'})-[r:DERIVATIONALLY_RELATED {src_word: 1, tgt_word: 1}]->(:Synset {id: 'v00000100'}) RETURN count(r)") == 1);
  // A satellite ('s') is found in data.adj; its marker '(a)' is not part of the lemma.
  CHECK(count("MATCH (:Synset {id: 'a00000100'})-[:SIMILAR_TO]->(s:Synset {id: 'a00000300', pos: 's'}) RETURN count(s)") == 1);
  CHECK(count("MATCH (l:Lemma {text: 'outback'}) RETURN count(l)") == 1);
  CHECK(count("MATCH (s:Synset {id: 'n00000100'}) WHERE s.words = ['dog', 'domestic dog'] AND s.gloss = 'a member of the genus Canis' RETURN count(s)") == 1);
  auto report = Check(*db);
  REQUIRE(report.ok());
  CHECK(report->ok());
}

TEST_CASE("the WordNet loader names a missing or broken file", "[wordnet]") {
  test::TempDir dir;
  std::string cmd = std::string(KG_BINARY) + " example wordnet --wordnet-dir " + dir.path() + "/none --db " + dir.db() + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string output;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p)) output.append(buf, n);
  CHECK(pclose(p) != 0);
  CHECK(output.find("cannot read " + dir.path() + "/none/data.noun (install it with: apt-get install wordnet-base)") !=
        std::string::npos);
}

}  // namespace
}  // namespace kg
