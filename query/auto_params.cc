#include "query/auto_params.h"

#include <charconv>

#include "query/lexer.h"

namespace kg::query {
namespace {

bool IsSymbol(const Token& t, std::string_view s) { return t.kind == TokenKind::kSymbol && t.text == s; }

// A literal's left neighbour: a map key's colon, a comparison or an
// assignment.
bool OpensOperand(const Token& t) {
  if (t.kind != TokenKind::kSymbol) return false;
  for (std::string_view s : {":", "=", "<>", "<", ">", "<=", ">="})
    if (t.text == s) return true;
  return false;
}

// A literal's right neighbour that ends the operand.
bool ClosesOperand(const Token& t) {
  if (t.kind == TokenKind::kEnd) return true;
  if (t.kind == TokenKind::kSymbol) return t.text == "," || t.text == "}" || t.text == ")" || t.text == ";";
  if (t.kind != TokenKind::kIdentifier || t.quoted) return false;
  std::string word = AsciiUpper(t.text);
  for (std::string_view k : {"AND", "OR", "XOR", "RETURN", "WITH", "SET", "MERGE", "ON", "CREATE", "MATCH", "OPTIONAL",
                             "DELETE", "DETACH", "REMOVE", "UNWIND", "WHERE", "UNION", "CALL", "FOREACH"})
    if (word == k) return true;
  return false;
}

// The value of a literal token taken as a parameter; nullopt to leave it.
std::optional<Value> LiteralValue(const Token& t) {
  if (t.kind == TokenKind::kString) return Value(t.text);
  if (t.kind != TokenKind::kInteger) return std::nullopt;
  // Decimal only, and in range: other forms stay for the parser to judge.
  for (char c : t.text)
    if (c < '0' || c > '9') return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
  if (ec != std::errc() || end != t.text.data() + t.text.size()) return std::nullopt;
  return Value(v);
}

int OffsetOf(std::string_view text, int line, int column) {
  size_t at = 0;
  for (int l = 1; l < line && at < text.size(); ++l) {
    size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) return static_cast<int>(text.size());
    at = nl + 1;
  }
  return static_cast<int>(std::min(text.size(), at + static_cast<size_t>(std::max(1, column) - 1)));
}

}  // namespace

std::string AutoParameters::Name(size_t i) { return "  " + std::to_string(i); }

bool AutoParameters::IsName(std::string_view name) { return name.size() > 2 && name[0] == ' ' && name[1] == ' '; }

std::optional<AutoParameters> Parameterize(std::string_view text) {
  std::vector<Token> tokens;
  try {
    tokens = Tokenize(text);
  } catch (const QueryError&) {
    return std::nullopt;
  }
  AutoParameters out;
  size_t copied = 0;
  for (size_t i = 1; i + 1 < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (!OpensOperand(tokens[i - 1]) || !ClosesOperand(tokens[i + 1])) continue;
    std::optional<Value> v = LiteralValue(t);
    if (!v) continue;
    size_t at = static_cast<size_t>(t.pos.offset), length = static_cast<size_t>(t.length);
    if (at < copied || at + length > text.size()) return std::nullopt;
    out.text.append(text.substr(copied, at - copied));
    std::string name = "$`" + AutoParameters::Name(out.values.size()) + "`";
    out.splices.push_back({static_cast<int>(out.text.size()), static_cast<int>(name.size()), static_cast<int>(at),
                           static_cast<int>(length)});
    out.text += name;
    out.values.push_back(std::move(*v));
    copied = at + length;
  }
  if (out.values.empty()) return std::nullopt;
  out.text.append(text.substr(copied));
  return out;
}

QueryError AutoParameters::ToOriginal(const QueryError& e, std::string_view original) const {
  QueryError out = e;
  for (size_t i = splices.size(); i-- > 0;) {
    const Splice& s = splices[i];
    std::string name = "$`" + Name(i) + "`";
    std::string_view literal = original.substr(static_cast<size_t>(s.original_at), static_cast<size_t>(s.original_length));
    for (size_t p = out.message.find(name); p != std::string::npos; p = out.message.find(name, p + literal.size()))
      out.message.replace(p, name.size(), literal);
  }
  if (e.line <= 0) return out;
  int at = OffsetOf(text, e.line, e.column);
  int moved = at;
  for (const Splice& s : splices) {
    if (at < s.at) break;
    if (at < s.at + s.length) {
      moved = s.original_at;
      out.length = s.original_length;
      break;
    }
    moved = at - (s.at + s.length) + (s.original_at + s.original_length);
  }
  out.line = 1;
  size_t line_start = 0;
  for (size_t p = 0; p < static_cast<size_t>(moved) && p < original.size(); ++p)
    if (original[p] == '\n') ++out.line, line_start = p + 1;
  out.column = moved - static_cast<int>(line_start) + 1;
  return out;
}

}  // namespace kg::query
