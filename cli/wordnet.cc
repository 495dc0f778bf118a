// kg example wordnet: Princeton WordNet 3.0 as Debian's wordnet-base
// installs it (/usr/share/wordnet, format in wndb(5WN)), turned into CSV
// files in the neo4j-admin convention and loaded in one transaction.
//   (:Synset {id: 'n02084071', pos, lex_file, gloss, words})
//   (:Lemma {id: 'dog|n', text: 'dog', pos: 'n'})-[:HAS_SENSE {lex_id, word_number}]->(:Synset)
//   (:Synset)-[:HYPERNYM|HYPONYM|ANTONYM|...]->(:Synset), lexical pointers
//   carrying {src_word, tgt_word} (1-based positions in each synset's words).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unordered_set>

#include "cli/output.h"
#include "kg/kg.h"

namespace {

// lexnames(5WN): lex_filenum -> lexicographer file.
constexpr const char* kLexNames[] = {
    "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact", "noun.attribute",
    "noun.body", "noun.cognition", "noun.communication", "noun.event", "noun.feeling", "noun.food", "noun.group",
    "noun.location", "noun.motive", "noun.object", "noun.person", "noun.phenomenon", "noun.plant",
    "noun.possession", "noun.process", "noun.quantity", "noun.relation", "noun.shape", "noun.state",
    "noun.substance", "noun.time", "verb.body", "verb.change", "verb.cognition", "verb.communication",
    "verb.competition", "verb.consumption", "verb.contact", "verb.creation", "verb.emotion", "verb.motion",
    "verb.perception", "verb.possession", "verb.social", "verb.stative", "verb.weather", "adj.ppl"};

// wninput(5WN) pointer symbols -> relationship types.
const std::map<std::string, std::string>& PointerTypes() {
  static const std::map<std::string, std::string> kTypes = {
      {"!", "ANTONYM"}, {"@", "HYPERNYM"}, {"@i", "INSTANCE_HYPERNYM"}, {"~", "HYPONYM"},
      {"~i", "INSTANCE_HYPONYM"}, {"#m", "MEMBER_HOLONYM"}, {"#s", "SUBSTANCE_HOLONYM"}, {"#p", "PART_HOLONYM"},
      {"%m", "MEMBER_MERONYM"}, {"%s", "SUBSTANCE_MERONYM"}, {"%p", "PART_MERONYM"}, {"=", "ATTRIBUTE"},
      {"+", "DERIVATIONALLY_RELATED"}, {";c", "DOMAIN_TOPIC"}, {"-c", "MEMBER_OF_DOMAIN_TOPIC"},
      {";r", "DOMAIN_REGION"}, {"-r", "MEMBER_OF_DOMAIN_REGION"}, {";u", "DOMAIN_USAGE"},
      {"-u", "MEMBER_OF_DOMAIN_USAGE"}, {"*", "ENTAILMENT"}, {">", "CAUSE"}, {"^", "ALSO_SEE"},
      {"$", "VERB_GROUP"}, {"&", "SIMILAR_TO"}, {"<", "PARTICIPLE"}, {"\\", "PERTAINYM"}};
  return kTypes;
}

char FileLetter(char pos) { return pos == 's' ? 'a' : pos; }

}  // namespace

namespace {

int Convert(const std::string& source, const std::string& out_dir, std::vector<kg::LoadFile>* files) {
  using kg::cli::CsvQuote;
  std::ofstream synsets(out_dir + "/synsets.csv"), lemmas(out_dir + "/lemmas.csv"), senses(out_dir + "/senses.csv"),
      pointers(out_dir + "/pointers.csv");
  synsets << "id:ID(synset),:LABEL,pos,lex_file,gloss,words:string[]\n";
  lemmas << "id:ID(lemma),:LABEL,text,pos\n";
  senses << ":START_ID(lemma),:END_ID(synset),:TYPE,lex_id:int,word_number:int\n";
  pointers << ":START_ID(synset),:END_ID(synset),:TYPE,src_word:int,tgt_word:int\n";
  std::unordered_set<std::string> lemma_ids;
  for (const char* file : {"noun", "verb", "adj", "adv"}) {
    std::string path = source + "/data." + file;
    std::ifstream in(path);
    if (!in) {
      std::cerr << "kg example wordnet: cannot read " << path
                << " (install it with: apt-get install wordnet-base)\n";
      return 1;
    }
    char letter = file[0] == 'n' ? 'n' : file[0] == 'v' ? 'v' : file[2] == 'j' ? 'a' : 'r';
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (line.starts_with("  ")) continue;  // the license header
      size_t bar = line.find(" | ");
      std::string gloss = bar == std::string::npos ? "" : line.substr(bar + 3);
      while (!gloss.empty() && gloss.back() == ' ') gloss.pop_back();
      std::istringstream f(line.substr(0, bar));
      std::string offset, lex_filenum, ss_type, w_cnt_hex;
      f >> offset >> lex_filenum >> ss_type >> w_cnt_hex;
      if (!f || ss_type.size() != 1) {
        std::cerr << "kg example wordnet: " << path << ":" << number << ": not a synset line\n";
        return 1;
      }
      std::string id = std::string(1, letter) + offset;
      int w_cnt = std::stoi(w_cnt_hex, nullptr, 16);
      std::string words;
      for (int i = 1; i <= w_cnt; ++i) {
        std::string word, lex_id;
        f >> word >> lex_id;
        if (size_t paren = word.find('('); paren != std::string::npos) word.resize(paren);  // adjective markers
        std::string text = word;
        for (char& c : text)
          if (c == '_') c = ' ';
        words += (words.empty() ? "" : ";") + text;
        std::string key = text;
        for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string lemma_id = key + "|" + letter;
        if (lemma_ids.insert(lemma_id).second)
          lemmas << CsvQuote(lemma_id) << ",Lemma," << CsvQuote(key) << "," << letter << "\n";
        senses << CsvQuote(lemma_id) << "," << id << ",HAS_SENSE," << std::stoi(lex_id, nullptr, 16) << "," << i << "\n";
      }
      int p_cnt = 0;
      f >> p_cnt;
      for (int i = 0; i < p_cnt; ++i) {
        std::string symbol, target, pos, src_tgt;
        f >> symbol >> target >> pos >> src_tgt;
        auto type = PointerTypes().find(symbol);
        if (!f || type == PointerTypes().end() || pos.size() != 1 || src_tgt.size() != 4) {
          std::cerr << "kg example wordnet: " << path << ":" << number << ": bad pointer '" << symbol << "'\n";
          return 1;
        }
        int src = std::stoi(src_tgt.substr(0, 2), nullptr, 16), tgt = std::stoi(src_tgt.substr(2), nullptr, 16);
        pointers << id << "," << FileLetter(pos[0]) << target << "," << type->second << ",";
        if (src || tgt) pointers << src << "," << tgt;
        else pointers << ",";
        pointers << "\n";
      }
      int filenum = std::atoi(lex_filenum.c_str());
      synsets << id << ",Synset," << ss_type << ","
              << (filenum >= 0 && filenum < 45 ? kLexNames[filenum] : lex_filenum) << "," << CsvQuote(gloss) << ","
              << CsvQuote(words) << "\n";
    }
  }
  for (auto* s : {&synsets, &lemmas, &senses, &pointers}) {
    s->close();
    if (!*s) {
      std::cerr << "kg example wordnet: writing " << out_dir << " failed\n";
      return 1;
    }
  }
  for (const char* name : {"synsets.csv", "lemmas.csv", "senses.csv", "pointers.csv"})
    files->push_back({out_dir + "/" + name});
  return 0;
}

}  // namespace

// Called by `kg example wordnet`.
int Wordnet(kg::Database& db, const std::string& source) {
  {
    auto txn = db.Begin({.read_only = true});
    if (txn.ok()) {
      auto n = txn->CountNodes("Synset");
      if (n.ok() && *n > 0) {
        std::cerr << "kg example wordnet: already loaded (" << *n << " synsets)\n";
        return 0;
      }
    }
  }
  char tmpl[] = "/tmp/kg-wordnet-XXXXXX";
  if (!mkdtemp(tmpl)) {
    std::cerr << "kg example wordnet: cannot make a temporary directory\n";
    return 1;
  }
  std::string dir = tmpl;
  std::vector<kg::LoadFile> files;
  int rc = Convert(source, dir, &files);
  if (rc == 0) {
    std::vector<kg::IndexSpec> indexes = {{.label = "Synset", .property = "id", .if_not_exists = true},
                                          {.label = "Lemma", .property = "text", .if_not_exists = true},
                                          {.label = "Lemma", .property = "id", .if_not_exists = true}};
    if (kg::Status s = db.CreateIndexes(indexes); !s.ok()) std::cerr << "kg example wordnet: " << s.ToString() << "\n";
    auto stats = kg::Load(db, files);
    if (!stats.ok()) {
      std::cerr << "kg example wordnet: " << stats.status().message() << "\nnothing was loaded\n";
      rc = 1;
    } else {
      if (!stats->bulk) (void)db.Compact();
      std::cerr << "kg example wordnet: loaded " << stats->nodes << " nodes, " << stats->relationships
                << " relationships in " << stats->seconds << " s\n"
                << "WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. (license: "
                   "/usr/share/doc/wordnet-base/copyright)\n";
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return rc;
}
