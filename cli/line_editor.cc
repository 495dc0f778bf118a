#include "cli/line_editor.h"

#include <histedit.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

namespace kg::cli {

struct EditLineSource::State {
  EditLine* el = nullptr;
  History* history = nullptr;
  std::string history_path;
  std::string prompt;
  Completer completer;
};

namespace {

char* Prompt(EditLine* el) {
  EditLineSource::State* state = nullptr;
  el_get(el, EL_CLIENTDATA, &state);
  return const_cast<char*>(state->prompt.c_str());
}

unsigned char CompleteKey(EditLine* el, int) {
  EditLineSource::State* state = nullptr;
  el_get(el, EL_CLIENTDATA, &state);
  const LineInfo* li = el_line(el);
  std::string so_far(li->buffer, li->cursor);
  std::vector<std::string> options = state->completer(so_far);
  if (options.empty()) return CC_ERROR;
  // The word being completed: letters, digits, '_' and a leading ':' of a command.
  size_t start = so_far.size();
  while (start > 0 && (std::isalnum(static_cast<unsigned char>(so_far[start - 1])) || so_far[start - 1] == '_' ||
                       (so_far[start - 1] == ':' && start == 1)))
    --start;
  size_t word_len = so_far.size() - start;
  std::string common = options[0];
  for (const std::string& o : options) {
    size_t i = 0;
    while (i < common.size() && i < o.size() && common[i] == o[i]) ++i;
    common.resize(i);
  }
  if (common.size() >= word_len) {
    el_deletestr(el, static_cast<int>(word_len));
    std::string insert = common;
    if (options.size() == 1 && common[0] == ':') insert += " ";
    el_insertstr(el, insert.c_str());
  }
  if (options.size() == 1) return CC_REFRESH;
  std::fputc('\n', stdout);
  size_t width = 0;
  for (const std::string& o : options) {
    if (width + o.size() + 2 > 80) {
      std::fputc('\n', stdout);
      width = 0;
    }
    std::fputs(o.c_str(), stdout);
    std::fputs("  ", stdout);
    width += o.size() + 2;
  }
  std::fputc('\n', stdout);
  std::fflush(stdout);
  return CC_REDISPLAY;
}

}  // namespace

EditLineSource::EditLineSource(const char* program, std::string history_path, Completer completer)
    : state_(new State) {
  state_->history_path = std::move(history_path);
  state_->completer = std::move(completer);
  state_->el = el_init(program, stdin, stdout, stderr);
  state_->history = history_init();
  HistEvent ev;
  history(state_->history, &ev, H_SETSIZE, 2000);
  history(state_->history, &ev, H_SETUNIQUE, 1);
  if (!state_->history_path.empty()) history(state_->history, &ev, H_LOAD, state_->history_path.c_str());
  el_set(state_->el, EL_CLIENTDATA, state_);
  el_set(state_->el, EL_EDITOR, "emacs");
  el_set(state_->el, EL_PROMPT, &Prompt);
  el_set(state_->el, EL_HIST, history, state_->history);
  el_set(state_->el, EL_ADDFN, "kg-complete", "complete a word", &CompleteKey);
  el_set(state_->el, EL_BIND, "^I", "kg-complete", nullptr);
  el_source(state_->el, nullptr);  // ~/.editrc, if any
}

EditLineSource::~EditLineSource() {
  if (state_->history) history_end(state_->history);
  if (state_->el) el_end(state_->el);
  delete state_;
}

bool EditLineSource::ReadLine(const std::string& prompt, std::string* line, bool* interrupted) {
  *interrupted = false;
  state_->prompt = prompt;
  int count = 0;
  errno = 0;
  const char* text = el_gets(state_->el, &count);
  if (text == nullptr) {
    // libedit: count 0 is the end of the input (Ctrl-D), -1 an error or
    // an interrupted read.
    if (count < 0 && errno == EINTR) {  // Ctrl-C at the prompt
      el_reset(state_->el);
      std::fputc('\n', stdout);
      *interrupted = true;
      return true;
    }
    return false;  // Ctrl-D on an empty line, or the end of the input
  }
  *line = std::string(text, static_cast<size_t>(count));
  while (!line->empty() && (line->back() == '\n' || line->back() == '\r')) line->pop_back();
  return true;
}

void EditLineSource::AddHistory(const std::string& entry) {
  HistEvent ev;
  history(state_->history, &ev, H_ENTER, entry.c_str());
  if (!state_->history_path.empty()) history(state_->history, &ev, H_SAVE, state_->history_path.c_str());
}

}  // namespace kg::cli
