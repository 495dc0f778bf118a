#include "query/lexer.h"

#include <cctype>

#include "graph/text.h"
#include "kg/utf8.h"

namespace kg::query {

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string AsciiUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

[[noreturn]] void SyntaxError(const std::string& detail, const std::string& message, Position pos) {
  throw ErrorAt("SyntaxError", detail, false, message, pos);
}
[[noreturn]] void SemanticError(const std::string& detail, const std::string& message, Position pos) {
  throw ErrorAt("SemanticError", detail, false, message, pos);
}
[[noreturn]] void RuntimeError(const std::string& code, const std::string& detail, const std::string& message,
                               Position pos) {
  throw ErrorAt(code, detail, true, message, pos);
}
[[noreturn]] void TypeError(const std::string& detail, const std::string& message, Position pos) {
  throw ErrorAt("TypeError", detail, true, message, pos);
}

namespace {

// The value of a hexadecimal digit, or -1.
int HexValue(char h) {
  if (h >= '0' && h <= '9') return h - '0';
  if (h >= 'a' && h <= 'f') return h - 'a' + 10;
  if (h >= 'A' && h <= 'F') return h - 'A' + 10;
  return -1;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  std::vector<Token> Run() {
    std::vector<Token> out;
    while (true) {
      SkipSpaceAndComments();
      Token t;
      t.pos = Here();
      if (i_ >= text_.size()) {
        t.kind = TokenKind::kEnd;
        out.push_back(t);
        return out;
      }
      size_t start = i_;
      Lex(&t);
      t.length = static_cast<int>(i_ - start);
      out.push_back(std::move(t));
    }
  }

 private:
  Position Here() const { return {line_, static_cast<int>(i_ - line_start_) + 1, static_cast<int>(i_)}; }
  char Peek(size_t k = 0) const { return i_ + k < text_.size() ? text_[i_ + k] : '\0'; }
  void Advance() {
    if (text_[i_] == '\n') {
      ++line_;
      line_start_ = i_ + 1;
    }
    ++i_;
  }

  void SkipSpaceAndComments() {
    while (i_ < text_.size()) {
      unsigned char c = static_cast<unsigned char>(Peek());
      if (std::isspace(c)) {
        Advance();
      } else if (c == '/' && Peek(1) == '/') {
        while (i_ < text_.size() && Peek() != '\n') Advance();
      } else if (c == '/' && Peek(1) == '*') {
        Position start = Here();
        Advance();
        Advance();
        while (i_ < text_.size() && !(Peek() == '*' && Peek(1) == '/')) Advance();
        if (i_ >= text_.size()) SyntaxError("UnexpectedSyntax", "unterminated comment", start);
        Advance();
        Advance();
      } else {
        return;
      }
    }
  }

  static bool IsIdentStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
  static bool IsIdentPart(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

  void Lex(Token* t) {
    char c = Peek();
    if (IsIdentStart(static_cast<unsigned char>(c))) {
      t->kind = TokenKind::kIdentifier;
      while (i_ < text_.size() && IsIdentPart(static_cast<unsigned char>(Peek()))) t->text.push_back(text_[i_++]);
      return;
    }
    if (c == '`') {
      t->kind = TokenKind::kIdentifier;
      t->quoted = true;
      Advance();
      while (true) {
        if (i_ >= text_.size()) SyntaxError("UnexpectedSyntax", "unterminated quoted name", t->pos);
        if (Peek() == '`') {
          if (Peek(1) == '`') {  // `` inside a quoted name is one backquote
            t->text.push_back('`');
            Advance();
            Advance();
            continue;
          }
          Advance();
          return;
        }
        t->text.push_back(Peek());
        Advance();
      }
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && std::isdigit(static_cast<unsigned char>(Peek(1))))) {
      LexNumber(t);
      return;
    }
    if (c == '\'' || c == '"') {
      LexString(t);
      return;
    }
    if (c == '$') {
      Advance();
      t->kind = TokenKind::kParameter;
      if (Peek() == '`') {
        Token inner;
        Lex(&inner);
        t->text = inner.text;
        return;
      }
      while (i_ < text_.size() && IsIdentPart(static_cast<unsigned char>(Peek()))) t->text.push_back(text_[i_++]);
      if (t->text.empty()) SyntaxError("UnexpectedSyntax", "'$' must be followed by a parameter name", t->pos);
      return;
    }
    static const char* kMulti[] = {"..", "<>", "!=", "<=", ">=", "=~", "+=", "->", "<-"};
    for (const char* m : kMulti) {
      if (Peek() == m[0] && Peek(1) == m[1]) {
        t->kind = TokenKind::kSymbol;
        t->text = m;
        Advance();
        Advance();
        return;
      }
    }
    static const std::string_view kSingle = "()[]{},.:;|+-*/%^=<>";
    if (kSingle.find(c) != std::string_view::npos) {
      t->kind = TokenKind::kSymbol;
      t->text = std::string(1, c);
      Advance();
      return;
    }
    SyntaxError("UnexpectedSyntax", std::string("unexpected character '") + c + "'", t->pos);
  }

  void LexNumber(Token* t) {
    size_t start = i_;
    if (Peek() == '0' && (Peek(1) == 'x' || Peek(1) == 'X' || Peek(1) == 'o' || Peek(1) == 'O')) {
      Advance();
      Advance();
      while (i_ < text_.size() && IsIdentPart(static_cast<unsigned char>(Peek()))) Advance();
      t->kind = TokenKind::kInteger;
      t->text = std::string(text_.substr(start, i_ - start));
      return;
    }
    bool is_float = false;
    while (std::isdigit(static_cast<unsigned char>(Peek()))) Advance();
    if (Peek() == '.' && std::isdigit(static_cast<unsigned char>(Peek(1)))) {
      is_float = true;
      Advance();
      while (std::isdigit(static_cast<unsigned char>(Peek()))) Advance();
    }
    if ((Peek() == 'e' || Peek() == 'E') &&
        (std::isdigit(static_cast<unsigned char>(Peek(1))) ||
         ((Peek(1) == '-' || Peek(1) == '+') && std::isdigit(static_cast<unsigned char>(Peek(2)))))) {
      is_float = true;
      Advance();
      if (Peek() == '-' || Peek() == '+') Advance();
      while (std::isdigit(static_cast<unsigned char>(Peek()))) Advance();
    }
    // A number running into letters ("1B2c3e67") is not a number.
    if (IsIdentStart(static_cast<unsigned char>(Peek()))) {
      while (i_ < text_.size() && IsIdentPart(static_cast<unsigned char>(Peek()))) Advance();
      SyntaxError("InvalidNumberLiteral",
                  "invalid number literal '" + std::string(text_.substr(start, i_ - start)) + "'", t->pos);
    }
    t->kind = is_float ? TokenKind::kFloat : TokenKind::kInteger;
    t->text = std::string(text_.substr(start, i_ - start));
  }



  void LexString(Token* t) {
    char quote = Peek();
    t->kind = TokenKind::kString;
    Advance();
    while (true) {
      if (i_ >= text_.size()) SyntaxError("UnexpectedSyntax", "unterminated string literal", t->pos);
      char c = Peek();
      if (c == quote) {
        Advance();
        return;
      }
      if (c != '\\') {
        t->text.push_back(c);
        Advance();
        continue;
      }
      Position esc = Here();
      Advance();
      if (i_ >= text_.size()) SyntaxError("UnexpectedSyntax", "unterminated string literal", t->pos);
      char e = Peek();
      Advance();
      switch (e) {
        case '\\': t->text.push_back('\\'); break;
        case '\'': t->text.push_back('\''); break;
        case '"': t->text.push_back('"'); break;
        case 'n': t->text.push_back('\n'); break;
        case 't': t->text.push_back('\t'); break;
        case 'r': t->text.push_back('\r'); break;
        case 'b': t->text.push_back('\b'); break;
        case 'f': t->text.push_back('\f'); break;
        case 'u':
        case 'U': {
          int digits = e == 'u' ? 4 : 8;
          uint32_t cp = 0;
          for (int k = 0; k < digits; ++k) {
            int v = HexValue(Peek());
            if (v < 0)
              SyntaxError("InvalidUnicodeLiteral", "invalid unicode escape: \\" + std::string(1, e) +
                                                       " needs " + std::to_string(digits) + " hex digits", esc);
            cp = cp * 16 + static_cast<uint32_t>(v);
            Advance();
          }
          // A UTF-16 surrogate pair written as two escapes is one character.
          if (digits == 4 && cp >= 0xD800 && cp < 0xDC00 && Peek() == '\\' && Peek(1) == 'u') {
            uint32_t low = 0;
            bool hex = true;
            for (int k = 0; k < 4 && hex; ++k) {
              int v = HexValue(Peek(2 + k));
              hex = v >= 0;
              low = low * 16 + static_cast<uint32_t>(v);
            }
            if (hex && low >= 0xDC00 && low <= 0xDFFF) {
              for (int k = 0; k < 6; ++k) Advance();
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            }
          }
          if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            SyntaxError("InvalidUnicodeLiteral", "invalid unicode code point in escape (a lone UTF-16 surrogate or above U+10FFFF)", esc);
          kg::AppendUtf8(&t->text, cp);
          break;
        }
        default:
          SyntaxError("UnexpectedSyntax", std::string("invalid escape sequence '\\") + e + "'", esc);
      }
    }
  }

  std::string_view text_;
  size_t i_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
};

}  // namespace

std::vector<Token> Tokenize(std::string_view text) {
  // Every statement is checked once, here, so that no invalid byte reaches a
  // stored string, a result or an error message.
  size_t bad = FindInvalidUtf8(text);
  if (bad != std::string_view::npos) {
    Position pos{1, 1, static_cast<int>(bad)};
    size_t line_start = 0;
    for (size_t k = 0; k < bad; ++k)
      if (text[k] == '\n') ++pos.line, line_start = k + 1;
    pos.column = static_cast<int>(bad - line_start) + 1;
    SyntaxError("InvalidCharacter", "the statement is not valid UTF-8: " + InvalidUtf8Message(text, bad), pos);
  }
  return Lexer(text).Run();
}

std::string OpeningWords(std::string_view s) {
  std::string words;
  size_t i = 0;
  int count = 0;
  while (i < s.size() && count < 2) {
    if (std::isspace(static_cast<unsigned char>(s[i]))) {
      ++i;
    } else if (s.substr(i, 2) == "//") {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (s.substr(i, 2) == "/*") {
      size_t end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : end + 2;
    } else {
      size_t start = i;
      while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
      if (i == start) break;
      if (count++) words.push_back(' ');
      for (size_t j = start; j < i; ++j) words.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(s[j]))));
    }
  }
  return words;
}

}  // namespace kg::query
