// The kg program's arguments: help on every subcommand, and a clear usage
// error (status 2) for an option it does not know.
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include <catch2/catch.hpp>

namespace {

// Runs kg with args; returns its exit status and what it printed.
int Kg(const std::string& args, std::string* output) {
  std::string cmd = std::string(KG_BINARY) + " " + args + " 2>&1";
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

}  // namespace
