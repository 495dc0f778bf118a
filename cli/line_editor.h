// EditLineSource: a LineSource on a terminal through libedit: emacs-style
// editing, history kept in a file across sessions, Tab completion from the
// shell, and Ctrl-C that drops the line being typed.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/shell.h"

namespace kg::cli {

class EditLineSource : public LineSource {
 public:
  using Completer = std::function<std::vector<std::string>(std::string_view line_so_far)>;
  EditLineSource(const char* program, std::string history_path, Completer completer);
  ~EditLineSource() override;
  EditLineSource(const EditLineSource&) = delete;
  EditLineSource& operator=(const EditLineSource&) = delete;

  bool ReadLine(const std::string& prompt, std::string* line, bool* interrupted) override;
  void AddHistory(const std::string& entry) override;

  struct State;

 private:
  State* state_;
};

}  // namespace kg::cli
