// The kg program's arguments: help on every subcommand, and a clear usage
// error (status 2) for an option it does not know or a value it lacks.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

namespace {

// Runs kg with args (in directory cwd, when given); returns its exit status
// and what it printed.
int Kg(const std::string& args, std::string* output, const std::string& cwd = "") {
  std::string cmd = (cwd.empty() ? "" : "cd '" + cwd + "' && ") + std::string(KG_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p)) output->append(buf, n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_CASE("every subcommand answers --help with the usage", "[cli]") {
  for (const char* command : {"--help", "load --help", "query -h", "export --help", "check --help", "example --help",
                              "shell --help"}) {
    INFO(command);
    std::string output;
    CHECK(Kg(command, &output) == 0);
    CHECK(output.starts_with("usage: kg [DIR]"));
  }
  std::string output;
  CHECK(Kg("load --bogus", &output) == 2);
  CHECK(output.starts_with("kg: unknown option --bogus\nusage: kg [DIR]"));
}

TEST_CASE("an option where a value belongs is a usage error, not a directory", "[cli]") {
  char pattern[] = "/tmp/kg-cli-XXXXXX";
  REQUIRE(::mkdtemp(pattern));
  std::string dir = pattern;
  std::string output;
  // kg shell --db --read-only would otherwise make a database named --read-only.
  CHECK(Kg("query --db --read-only 'RETURN 1'", &output, dir) == 2);
  CHECK(output.find("kg: --db needs a value, not the option --read-only") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/--read-only"));
  output.clear();
  CHECK(Kg("export --format --query 'RETURN 1'", &output) == 2);
  CHECK(output.starts_with("kg: --format needs a value, not the option --query"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("kg query takes a time limit and a memory limit", "[cli]") {
  char pattern[] = "/tmp/kg-cli-XXXXXX";
  REQUIRE(::mkdtemp(pattern));
  std::string dir = pattern, output;
  CHECK(Kg("query --db db --max-memory 8M 'UNWIND range(1, 100000000) AS x RETURN collect(x)'", &output, dir) == 1);
  CHECK(output.find("MemoryLimit") != std::string::npos);
  CHECK(output.find("8 MiB") != std::string::npos);
  output.clear();
  CHECK(Kg("query --db db --timeout 0.2 'UNWIND range(1, 100000000000) AS x RETURN count(*)'", &output, dir) == 1);
  CHECK(output.find("Timeout") != std::string::npos);
  output.clear();
  CHECK(Kg("query --db db --max-memory 0 --timeout 0 'RETURN 1 AS one'", &output, dir) == 0);
  output.clear();
  CHECK(Kg("query --db db --max-memory lots 'RETURN 1'", &output, dir) == 2);
  CHECK(output.find("--max-memory needs a size") != std::string::npos);
  output.clear();
  CHECK(Kg("query --db db --timeout -1 'RETURN 1'", &output, dir) == 2);
  CHECK(output.find("--timeout needs a number of seconds") != std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
