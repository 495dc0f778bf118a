#include "query/parser.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "kg/utf8.h"
#include "query/lexer.h"

namespace kg::query {

Expr::~Expr() {
  // Children are moved to a worklist and freed childless, one at a time.
  std::vector<ExprPtr> pending;
  for (auto& a : args)
    if (a) pending.push_back(std::move(a));
  while (!pending.empty()) {
    ExprPtr e = std::move(pending.back());
    pending.pop_back();
    for (auto& a : e->args)
      if (a) pending.push_back(std::move(a));
  }
}

namespace {


class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), tokens_(Tokenize(text)) {}

  Statement ParseStatement() {
    Statement st;
    if (AcceptKeyword("EXPLAIN")) st.explain = true;
    else if (AcceptKeyword("PROFILE")) st.profile = true;
    if (!ParseSchema(&st.schema)) {
      st.parts.push_back(ParseSingleQuery());
      while (AcceptKeyword("UNION")) {
        st.union_all.push_back(AcceptKeyword("ALL"));
        st.parts.push_back(ParseSingleQuery());
      }
    }
    AcceptSymbol(";");
    if (Cur().kind != TokenKind::kEnd) Unexpected("end of statement");
    return st;
  }

 private:
  // ---- token helpers ----
  const Token& Cur() const { return tokens_[i_]; }
  const Token& PeekTok(size_t k = 1) const { return tokens_[std::min(i_ + k, tokens_.size() - 1)]; }
  void Next() {
    if (i_ + 1 < tokens_.size()) ++i_;
  }
  bool IsSymbol(std::string_view s, size_t k = 0) const {
    const Token& t = PeekTok(k);
    return t.kind == TokenKind::kSymbol && t.text == s;
  }
  bool IsKeyword(std::string_view kw, size_t k = 0) const {
    const Token& t = PeekTok(k);
    return t.kind == TokenKind::kIdentifier && !t.quoted && AsciiUpper(t.text) == kw;
  }
  bool AcceptSymbol(std::string_view s) {
    if (!IsSymbol(s)) return false;
    Next();
    return true;
  }
  bool AcceptKeyword(std::string_view kw) {
    if (!IsKeyword(kw)) return false;
    Next();
    return true;
  }
  std::string Describe(const Token& t) const {
    switch (t.kind) {
      case TokenKind::kEnd: return "end of input";
      case TokenKind::kString: return "string literal";
      case TokenKind::kParameter: return "$" + t.text;
      default: return "'" + std::string(text_.substr(t.pos.offset, t.length)) + "'";
    }
  }
  [[noreturn]] void Unexpected(const std::string& expected) {
    const Token& t = Cur();
    std::string message = "unexpected " + Describe(t) + ", expected " + expected;
    if (t.kind == TokenKind::kSymbol && t.text == "!=") message = "unexpected '!=': Cypher writes 'not equal' as <>";
    if (t.kind == TokenKind::kSymbol && t.text == "==") message = "unexpected '==': Cypher writes 'equal' as =";
    QueryError e = ErrorAt("SyntaxError", "UnexpectedSyntax", false, message, t.pos);
    e.length = std::max(1, t.length);
    throw e;
  }
  void ExpectSymbol(std::string_view s) {
    if (!AcceptSymbol(s)) Unexpected("'" + std::string(s) + "'");
  }
  // A closing bracket, naming its opener in the error.
  void ExpectClosing(std::string_view s, const Token& opener) {
    if (AcceptSymbol(s))
      return;
    Unexpected("'" + std::string(s) + "' to close '" + opener.text + "' at " + std::to_string(opener.pos.line) +
               ":" + std::to_string(opener.pos.column));
  }
  void ExpectKeyword(std::string_view kw) {
    if (!AcceptKeyword(kw)) Unexpected(std::string(kw));
  }
  std::string ExpectName(const std::string& what) {
    if (Cur().kind != TokenKind::kIdentifier) Unexpected(what);
    std::string n = Cur().text;
    Next();
    return n;
  }
  std::string SourceFrom(size_t first_token) const {
    const Token& a = tokens_[first_token];
    const Token& b = tokens_[i_ > first_token ? i_ - 1 : first_token];
    return std::string(text_.substr(a.pos.offset, b.pos.offset + b.length - a.pos.offset));
  }
  // An inner expression's text: verbatim up to kMaxExpressionText bytes,
  // else a prefix (cut at a character boundary) and where it stands, which
  // no other expression's text equals.
  std::string SpanText(size_t first_token) const {
    const Token& a = tokens_[first_token];
    const Token& b = tokens_[i_ > first_token ? i_ - 1 : first_token];
    size_t length = b.pos.offset + b.length - a.pos.offset;
    if (length <= kMaxExpressionText) return std::string(text_.substr(a.pos.offset, length));
    std::string_view head = Utf8Prefix(text_.substr(a.pos.offset, 256), 256);
    return std::string(head) + "... (" + std::to_string(length) + " bytes from line " + std::to_string(a.pos.line) +
           ", column " + std::to_string(a.pos.column) + ")";
  }
  // Records e's height and refuses a tree deeper than kMaxNestingDepth, so
  // that no later recursion over it (binding, planning, evaluation, freeing)
  // runs out of stack.
  ExprPtr Sealed(ExprPtr e) {
    int h = 0;
    for (const auto& a : e->args)
      if (a) h = std::max(h, a->height);
    for (const auto& item : e->projection)
      if (item.value) h = std::max(h, item.value->height);
    e->height = h + 1;
    if (e->height > kMaxNestingDepth)
      SyntaxError("UnexpectedSyntax", "the expression nests too deeply (more than " + std::to_string(kMaxNestingDepth) +
                                          " levels of operators, properties or brackets)", e->pos);
    return e;
  }

  struct DepthGuard {
    Parser* p;
    explicit DepthGuard(Parser* parser) : p(parser) {
      if (++p->depth_ > kMaxNestingDepth)
        SyntaxError("UnexpectedSyntax", "the statement nests too deeply (more than " +
                                            std::to_string(kMaxNestingDepth) + " levels)", p->Cur().pos);
    }
    ~DepthGuard() { --p->depth_; }
  };

  // An index or constraint creation after its kind: [name] [IF NOT EXISTS] FOR.
  void ParseCreationHead(SchemaCommand* cmd) {
    if (Cur().kind == TokenKind::kIdentifier && !IsKeyword("IF") && !IsKeyword("FOR") && !IsKeyword("ON"))
      cmd->name = ExpectName("a name");
    if (AcceptKeyword("IF")) {
      ExpectKeyword("NOT");
      ExpectKeyword("EXISTS");
      cmd->if_not_exists = true;
    }
    ExpectKeyword("FOR");
  }

  // variable.key, where variable must be the one FOR declared; returns the key.
  std::string ExpectPropertyOf(const std::string& variable) {
    const Token at = Cur();
    std::string var = ExpectName("a variable");
    if (var != variable)
      SemanticError("UndefinedVariable", "variable `" + var + "` is not the one declared in FOR", at.pos);
    ExpectSymbol(".");
    return ExpectName("a property key");
  }

  // CREATE FULLTEXT INDEX [name] [IF NOT EXISTS]
  //   FOR (n:A|B) | FOR ()-[r:T|U]-()  ON EACH [n.p, n.q]
  //   [OPTIONS {indexConfig: {`fulltext.analyzer`: 'english', ...}}]
  void ParseFullTextIndex(SchemaCommand* cmd) {
    cmd->kind = SchemaKind::kCreateFullTextIndex;
    ParseCreationHead(cmd);
    auto names = [&](const char* what) {
      do {
        cmd->labels.push_back(ExpectName(what));
      } while (AcceptSymbol("|"));
    };
    const Token open = Cur();
    ExpectSymbol("(");
    if (AcceptSymbol(")")) {
      cmd->relationships = true;
      ExpectSymbol("-");
      const Token bracket = Cur();
      ExpectSymbol("[");
      cmd->variable = ExpectName("a variable");
      ExpectSymbol(":");
      names("a relationship type");
      ExpectClosing("]", bracket);
      ExpectSymbol("-");
      const Token paren = Cur();
      ExpectSymbol("(");
      ExpectClosing(")", paren);
    } else {
      cmd->variable = ExpectName("a variable");
      ExpectSymbol(":");
      names("a label");
      ExpectClosing(")", open);
    }
    ExpectKeyword("ON");
    ExpectKeyword("EACH");
    const Token list = Cur();
    ExpectSymbol("[");
    do {
      cmd->properties.push_back(ExpectPropertyOf(cmd->variable));
    } while (AcceptSymbol(","));
    ExpectClosing("]", list);
    if (AcceptKeyword("OPTIONS")) ParseIndexOptions(cmd);
  }

  // OPTIONS {indexConfig: {`fulltext.analyzer`: 'x', `fulltext.eventually_consistent`: false}}:
  // literal values only.
  void ParseIndexOptions(SchemaCommand* cmd) {
    const Token open = Cur();
    ExpectSymbol("{");
    if (!IsSymbol("}")) do {
        const Token at = Cur();
        std::string k = ExpectName("an option name");
        ExpectSymbol(":");
        if (k != "indexConfig")
          SemanticError("InvalidArgument", "unknown index option '" + k + "' (there is: indexConfig)", at.pos);
        const Token inner = Cur();
        ExpectSymbol("{");
        if (!IsSymbol("}")) do {
            const Token setting = Cur();
            std::string name = ExpectName("a setting name");
            ExpectSymbol(":");
            const Token value = Cur();
            if (name == "fulltext.analyzer") {
              if (value.kind != TokenKind::kString) Unexpected("the analyzer's name as a string");
              cmd->analyzer = value.text;
              Next();
            } else if (name == "fulltext.eventually_consistent") {
              // Accepted for Neo4j's scripts: kg's full-text indexes are always
              // written with the data.
              if (!IsKeyword("TRUE") && !IsKeyword("FALSE")) Unexpected("true or false");
              Next();
            } else {
              SemanticError("InvalidArgument",
                            "unknown full-text index setting '" + name +
                                "' (there are: fulltext.analyzer, fulltext.eventually_consistent)",
                            setting.pos);
            }
          } while (AcceptSymbol(","));
        ExpectClosing("}", inner);
      } while (AcceptSymbol(","));
    ExpectClosing("}", open);
  }

  // ---- schema statements ----
  bool ParseSchema(SchemaCommand* cmd) {
    if (IsKeyword("SHOW") && (IsKeyword("PROCEDURES", 1) || IsKeyword("FUNCTIONS", 1))) {
      Next();
      cmd->kind = IsKeyword("PROCEDURES") ? SchemaKind::kShowProcedures : SchemaKind::kShowFunctions;
      Next();
      return true;
    }
    if (IsKeyword("SHOW") && (IsKeyword("INDEXES", 1) || IsKeyword("INDEX", 1) || IsKeyword("CONSTRAINTS", 1) ||
                              IsKeyword("CONSTRAINT", 1))) {
      Next();
      cmd->kind = IsKeyword("INDEXES") || IsKeyword("INDEX") ? SchemaKind::kShowIndexes : SchemaKind::kShowConstraints;
      Next();
      return true;
    }
    if (IsKeyword("CREATE") && IsKeyword("FULLTEXT", 1)) {
      Next();
      Next();
      ExpectKeyword("INDEX");
      ParseFullTextIndex(cmd);
      return true;
    }
    bool create = IsKeyword("CREATE"), drop = IsKeyword("DROP");
    if (!(create || drop) || !(IsKeyword("INDEX", 1) || IsKeyword("CONSTRAINT", 1))) return false;
    Next();
    bool index = AcceptKeyword("INDEX");
    if (!index) ExpectKeyword("CONSTRAINT");
    if (drop) {
      cmd->kind = index ? SchemaKind::kDropIndex : SchemaKind::kDropConstraint;
      cmd->name = ExpectName("an index or constraint name");
      if (AcceptKeyword("IF")) {
        ExpectKeyword("EXISTS");
        cmd->if_exists = true;
      }
      return true;
    }
    cmd->kind = index ? SchemaKind::kCreateIndex : SchemaKind::kCreateConstraint;
    ParseCreationHead(cmd);
    const Token open = Cur();
    ExpectSymbol("(");
    cmd->variable = ExpectName("a variable");
    ExpectSymbol(":");
    cmd->label = ExpectName("a label");
    ExpectClosing(")", open);
    if (index) {
      ExpectKeyword("ON");
      const Token paren = Cur();
      ExpectSymbol("(");
      cmd->property = ExpectPropertyOf(cmd->variable);
      ExpectClosing(")", paren);
    } else {
      ExpectKeyword("REQUIRE");
      cmd->property = ExpectPropertyOf(cmd->variable);
      ExpectKeyword("IS");
      ExpectKeyword("UNIQUE");
    }
    return true;
  }

  // ---- clauses ----
  bool AtClauseStart() const {
    for (const char* kw : {"MATCH", "OPTIONAL", "UNWIND", "LOAD", "WITH", "RETURN", "CREATE", "MERGE", "SET", "REMOVE",
                           "DELETE", "DETACH", "CALL"})
      if (IsKeyword(kw)) return true;
    return false;
  }

  SingleQuery ParseSingleQuery() {
    SingleQuery q;
    if (!AtClauseStart()) Unexpected("a clause (MATCH, RETURN, CREATE, ...)");
    while (AtClauseStart()) {
      // Each clause is an operator that hands its rows to the next one:
      // their number is bounded as the nesting of expressions is.
      if (++clauses_ > kMaxClauses)
        SyntaxError("UnexpectedSyntax", "the statement has more than " + std::to_string(kMaxClauses) +
                                            " clauses; split it into several statements", Cur().pos);
      q.clauses.push_back(ParseClause());
    }
    return q;
  }

  Clause ParseClause() {
    Position pos = Cur().pos;
    if (AcceptKeyword("OPTIONAL")) {
      ExpectKeyword("MATCH");
      Clause c(ClauseKind::kMatch, pos);
      c.optional = true;
      c.pattern = ParsePattern();
      if (AcceptKeyword("WHERE")) c.where = ParseExpr();
      return c;
    }
    if (AcceptKeyword("MATCH")) {
      Clause c(ClauseKind::kMatch, pos);
      c.pattern = ParsePattern();
      if (AcceptKeyword("WHERE")) c.where = ParseExpr();
      return c;
    }
    if (AcceptKeyword("CALL")) {
      // CALL ns.name(args) [YIELD * | YIELD field [AS alias], ... [WHERE expr]]
      Clause c(ClauseKind::kCall, pos);
      c.procedure = ExpectName("a procedure name");
      while (AcceptSymbol(".")) c.procedure += "." + ExpectName("a procedure name");
      if (IsSymbol("(")) {
        const Token paren = Cur();
        Next();
        if (!IsSymbol(")")) {
          c.call_args.push_back(ParseExpr());
          while (AcceptSymbol(",")) c.call_args.push_back(ParseExpr());
        }
        ExpectClosing(")", paren);
      } else {
        c.implicit_args = true;
      }
      if (AcceptKeyword("YIELD")) {
        if (AcceptSymbol("*")) {
          c.yield_all = true;
        } else {
          do {
            YieldItem y;
            y.pos = Cur().pos;
            y.field = ExpectName("a field to yield");
            y.alias = AcceptKeyword("AS") ? ExpectName("a variable") : y.field;
            c.yields.push_back(std::move(y));
          } while (AcceptSymbol(","));
          if (AcceptKeyword("WHERE")) c.where = ParseExpr();
        }
      } else {
        c.yield_all = true;  // standalone only (the binder checks)
      }
      return c;
    }
    if (AcceptKeyword("UNWIND")) {
      Clause c(ClauseKind::kUnwind, pos);
      c.expr = ParseExpr();
      ExpectKeyword("AS");
      c.alias = ExpectName("a variable");
      return c;
    }
    if (AcceptKeyword("LOAD")) {
      ExpectKeyword("CSV");
      Clause c(ClauseKind::kLoadCsv, pos);
      if (AcceptKeyword("WITH")) {
        ExpectKeyword("HEADERS");
        c.with_headers = true;
      }
      ExpectKeyword("FROM");
      c.expr = ParseExpr();
      ExpectKeyword("AS");
      c.alias = ExpectName("a variable");
      if (AcceptKeyword("FIELDTERMINATOR")) {
        if (Cur().kind != TokenKind::kString) Unexpected("a string literal");
        if (Cur().text.size() != 1)
          SyntaxError("InvalidArgument", "FIELDTERMINATOR takes a string of one character", Cur().pos);
        c.field_terminator = Cur().text[0];
        Next();
      }
      return c;
    }
    if (AcceptKeyword("WITH")) {
      Clause c(ClauseKind::kWith, pos);
      c.projection = ParseProjection(true);
      return c;
    }
    if (AcceptKeyword("RETURN")) {
      Clause c(ClauseKind::kReturn, pos);
      c.projection = ParseProjection(false);
      return c;
    }
    if (AcceptKeyword("CREATE")) {
      Clause c(ClauseKind::kCreate, pos);
      c.pattern = ParsePattern(/*matched=*/false);
      return c;
    }
    if (AcceptKeyword("MERGE")) {
      Clause c(ClauseKind::kMerge, pos);
      c.pattern.push_back(ParsePatternPart());
      while (IsKeyword("ON")) {
        Next();
        bool on_create = AcceptKeyword("CREATE");
        if (!on_create) ExpectKeyword("MATCH");
        ExpectKeyword("SET");
        auto items = ParseSetItems();
        auto& dest = on_create ? c.on_create : c.on_match;
        for (auto& it : items) dest.push_back(std::move(it));
      }
      return c;
    }
    if (AcceptKeyword("SET")) {
      Clause c(ClauseKind::kSet, pos);
      c.set_items = ParseSetItems();
      return c;
    }
    if (AcceptKeyword("REMOVE")) {
      Clause c(ClauseKind::kRemove, pos);
      do {
        RemoveItem item;
        item.pos = Cur().pos;
        if (Cur().kind == TokenKind::kIdentifier && IsSymbol(":", 1)) {
          item.is_labels = true;
          item.var = ExpectName("a variable");
          while (AcceptSymbol(":")) item.labels.push_back(ExpectName("a label"));
        } else {
          item.property = ParseExpr();
          if (item.property->kind != ExprKind::kProperty)
            SyntaxError("UnexpectedSyntax", "REMOVE takes a property (n.key) or labels (n:Label)", item.pos);
        }
        c.remove_items.push_back(std::move(item));
      } while (AcceptSymbol(","));
      return c;
    }
    bool detach = AcceptKeyword("DETACH");
    if (AcceptKeyword("DELETE")) {
      Clause c(ClauseKind::kDelete, pos);
      c.detach = detach;
      do c.delete_exprs.push_back(ParseExpr());
      while (AcceptSymbol(","));
      return c;
    }
    Unexpected("DELETE");
  }

  std::vector<SetItem> ParseSetItems() {
    std::vector<SetItem> items;
    do {
      SetItem item;
      item.pos = Cur().pos;
      if (Cur().kind == TokenKind::kIdentifier && IsSymbol(":", 1)) {
        item.kind = SetItem::Kind::kLabels;
        item.var = ExpectName("a variable");
        while (AcceptSymbol(":")) item.labels.push_back(ExpectName("a label"));
      } else if (Cur().kind == TokenKind::kIdentifier && (IsSymbol("=", 1) || IsSymbol("+=", 1))) {
        item.var = ExpectName("a variable");
        item.kind = AcceptSymbol("+=") ? SetItem::Kind::kMerge : (ExpectSymbol("="), SetItem::Kind::kReplaceAll);
        item.value = ParseExpr();
      } else {
        item.kind = SetItem::Kind::kProperty;
        item.target = ParsePostfix(ParseAtom());
        if (item.target->kind != ExprKind::kProperty)
          SyntaxError("UnexpectedSyntax", "SET takes n.key = value, n = map, n += map or n:Label", item.pos);
        ExpectSymbol("=");
        item.value = ParseExpr();
      }
      items.push_back(std::move(item));
    } while (AcceptSymbol(","));
    return items;
  }

  Projection ParseProjection(bool is_with) {
    Projection p;
    p.pos = Cur().pos;
    p.distinct = AcceptKeyword("DISTINCT");
    if (AcceptSymbol("*")) {
      p.star = true;
      if (!AcceptSymbol(",")) goto modifiers;
    }
    do {
      ReturnItem item;
      size_t first = i_;
      item.expr = ParseExpr();
      if (AcceptKeyword("AS")) {
        item.alias = ExpectName("a column name");
        item.has_alias = true;
      } else {
        item.alias = SourceFrom(first);
      }
      p.items.push_back(std::move(item));
    } while (AcceptSymbol(","));
  modifiers:
    if (AcceptKeyword("ORDER")) {
      ExpectKeyword("BY");
      do {
        SortItem s;
        s.expr = ParseExpr();
        if (AcceptKeyword("DESC") || AcceptKeyword("DESCENDING")) s.descending = true;
        else if (!AcceptKeyword("ASC")) AcceptKeyword("ASCENDING");
        p.order.push_back(std::move(s));
      } while (AcceptSymbol(","));
    }
    if (AcceptKeyword("SKIP")) p.skip = ParseExpr();
    if (AcceptKeyword("LIMIT")) p.limit = ParseExpr();
    if (is_with && AcceptKeyword("WHERE")) p.where = ParseExpr();
    return p;
  }

  // ---- patterns ----
  // matched: a pattern the matcher walks (MATCH), whose relationships and
  // parts are bounded together; CREATE makes its parts one after another.
  Pattern ParsePattern(bool matched = true) {
    Pattern p;
    size_t length = 0;
    do {
      Position pos = Cur().pos;
      p.push_back(ParsePatternPart());
      // Matching goes one relationship and one part deeper at a time.
      length += 1 + p.back()->rels.size();
      if (matched && length > kMaxPatternLength)
        SyntaxError("UnexpectedSyntax", "the pattern is longer than " + std::to_string(kMaxPatternLength) +
                                            " relationships and parts", pos);
    } while (AcceptSymbol(","));
    return p;
  }

  std::shared_ptr<PatternPart> ParsePatternPart() {
    auto part = std::make_shared<PatternPart>();
    part->pos = Cur().pos;
    if (Cur().kind == TokenKind::kIdentifier && IsSymbol("=", 1)) {
      part->path_var = Cur().text;
      Next();
      Next();
    }
    if (IsKeyword("SHORTESTPATH") || IsKeyword("ALLSHORTESTPATHS")) {
      part->kind = IsKeyword("SHORTESTPATH") ? PatternPart::Kind::kShortest : PatternPart::Kind::kAllShortest;
      Next();
      const Token open = Cur();
      ExpectSymbol("(");
      ParseChain(part.get());
      ExpectClosing(")", open);
      return part;
    }
    ParseChain(part.get());
    return part;
  }

  void ParseChain(PatternPart* part) {
    part->nodes.push_back(ParseNodePattern());
    while (IsSymbol("-") || IsSymbol("<-") || IsSymbol("<")) {
      if (part->rels.size() >= kMaxPatternLength)
        SyntaxError("UnexpectedSyntax", "the pattern is longer than " + std::to_string(kMaxPatternLength) +
                                            " relationships and parts", Cur().pos);
      part->rels.push_back(ParseRelPattern());
      part->nodes.push_back(ParseNodePattern());
    }
  }

  NodePattern ParseNodePattern() {
    DepthGuard guard(this);
    NodePattern n;
    n.pos = Cur().pos;
    const Token open = Cur();
    ExpectSymbol("(");
    if (Cur().kind == TokenKind::kIdentifier && !IsSymbol(":") ) n.var = ExpectName("a variable");
    while (AcceptSymbol(":")) n.labels.push_back(ExpectName("a label"));
    if (IsSymbol("{") || Cur().kind == TokenKind::kParameter) n.properties = ParseAtom();
    ExpectClosing(")", open);
    return n;
  }

  RelPattern ParseRelPattern() {
    RelPattern r;
    r.pos = Cur().pos;
    bool left = false;
    if (AcceptSymbol("<-")) {
      left = true;
    } else if (AcceptSymbol("<")) {
      left = true;
      ExpectSymbol("-");
    } else {
      ExpectSymbol("-");
    }
    if (IsSymbol("[")) {
      const Token open = Cur();
      Next();
      if (Cur().kind == TokenKind::kIdentifier) r.var = ExpectName("a variable");
      if (AcceptSymbol(":")) {
        r.types.push_back(ExpectName("a relationship type"));
        while (AcceptSymbol("|")) {
          AcceptSymbol(":");
          r.types.push_back(ExpectName("a relationship type"));
        }
      }
      if (AcceptSymbol("*")) {
        r.var_length = true;
        r.min_hops = 1;
        if (Cur().kind == TokenKind::kInteger) {
          r.min_hops = ParseIntegerText(Cur());
          Next();
          if (!IsSymbol("..")) r.max_hops = r.min_hops;
        }
        if (AcceptSymbol("..")) {
          if (Cur().kind == TokenKind::kInteger) {
            r.max_hops = ParseIntegerText(Cur());
            Next();
          }
        }
      }
      if (IsSymbol("{") || Cur().kind == TokenKind::kParameter) r.properties = ParseAtom();
      ExpectClosing("]", open);
    }
    bool right = false;
    if (AcceptSymbol("->")) {
      right = true;
    } else {
      ExpectSymbol("-");
      if (AcceptSymbol(">")) right = true;
    }
    r.direction = left && right ? Direction::kBoth : left ? Direction::kIn : right ? Direction::kOut : Direction::kBoth;
    return r;
  }

  // ---- expressions (Pratt) ----
  ExprPtr Make(ExprKind k, Position p) { return std::make_unique<Expr>(k, p); }

  ExprPtr ParseExpr() {
    DepthGuard guard(this);
    size_t first = i_;
    ExprPtr e = ParseBinary(0);
    if (e->text.empty()) e->text = SpanText(first);
    return e;
  }

  // Binding powers: OR 1, XOR 2, AND 3, NOT 4 (prefix), comparison 5,
  // string/list/null predicates 6, + - 7, * / % 8, ^ 9, unary +- 10.
  static int InfixPower(const Parser& p, std::string* op) {
    const Token& t = p.Cur();
    if (t.kind == TokenKind::kIdentifier && !t.quoted) {
      std::string u = AsciiUpper(t.text);
      if (u == "OR" || u == "XOR" || u == "AND") {
        *op = u;
        return u == "OR" ? 1 : u == "XOR" ? 2 : 3;
      }
      if (u == "IN" || u == "CONTAINS" || u == "IS") {
        *op = u;
        return 6;
      }
      if ((u == "STARTS" || u == "ENDS") && p.IsKeyword("WITH", 1)) {
        *op = u + " WITH";
        return 6;
      }
      return -1;
    }
    if (t.kind != TokenKind::kSymbol) return -1;
    const std::string& s = t.text;
    if (s == "=" || s == "<>" || s == "<" || s == ">" || s == "<=" || s == ">=" || s == "!=") {
      *op = s;
      return 5;
    }
    if (s == "=~") {
      *op = s;
      return 6;
    }
    if (s == "+" || s == "-") {
      *op = s;
      return 7;
    }
    if (s == "*" || s == "/" || s == "%") {
      *op = s;
      return 8;
    }
    if (s == "^") {
      *op = s;
      return 9;
    }
    return -1;
  }

  ExprPtr ParseBinary(int min_power) {
    DepthGuard guard(this);
    size_t first = i_;
    ExprPtr left = ParsePrefix();
    while (true) {
      std::string op;
      int power = InfixPower(*this, &op);
      if (power < 0 || power <= min_power) break;
      Position pos = Cur().pos;
      if (op == "!=") Unexpected("an operator");
      if (op == "IS") {
        Next();
        bool negated = AcceptKeyword("NOT");
        ExpectKeyword("NULL");
        auto e = Make(ExprKind::kIsNull, pos);
        e->negated = negated;
        e->args.push_back(std::move(left));
        e->text = SpanText(first);
        left = Sealed(std::move(e));
        continue;
      }
      Next();
      if (op == "STARTS WITH" || op == "ENDS WITH") Next();
      ExprPtr right = ParseBinary(power);
      if (power == 5) {
        // Comparisons chain: a < b <= c means a < b AND b <= c.
        std::vector<ExprPtr> operands;
        std::vector<std::pair<std::string, Position>> ops{{op, pos}};
        operands.push_back(std::move(left));
        operands.push_back(std::move(right));
        std::string next_op;
        while (InfixPower(*this, &next_op) == 5) {
          if (next_op == "!=") Unexpected("an operator");
          ops.emplace_back(next_op, Cur().pos);
          Next();
          operands.push_back(ParseBinary(5));
        }
        ExprPtr chain;
        for (size_t k = 0; k < ops.size(); ++k) {
          auto cmp = Make(ExprKind::kBinary, ops[k].second);
          cmp->name = ops[k].first;
          cmp->args.push_back(k == 0 ? std::move(operands[0]) : Clone(*operands[k]));
          cmp->args.push_back(k + 1 == ops.size() ? std::move(operands[k + 1]) : Clone(*operands[k + 1]));
          cmp = Sealed(std::move(cmp));
          if (!chain) {
            chain = std::move(cmp);
          } else {
            auto conj = Make(ExprKind::kBinary, ops[k].second);
            conj->name = "AND";
            conj->args.push_back(std::move(chain));
            conj->args.push_back(std::move(cmp));
            chain = Sealed(std::move(conj));
          }
        }
        chain->text = SpanText(first);
        left = std::move(chain);
        continue;
      }
      auto e = Make(ExprKind::kBinary, pos);
      e->name = op;
      e->args.push_back(std::move(left));
      e->args.push_back(std::move(right));
      e->text = SpanText(first);
      left = Sealed(std::move(e));
    }
    return left;
  }

  ExprPtr ParsePrefix() {
    DepthGuard guard(this);
    size_t first = i_;
    Position pos = Cur().pos;
    if (IsKeyword("NOT")) {
      Next();
      auto e = Make(ExprKind::kUnary, pos);
      e->name = "NOT";
      e->args.push_back(ParseBinary(3));  // NOT binds looser than comparison
      e->text = SpanText(first);
      return Sealed(std::move(e));
    }
    if (IsSymbol("-") || IsSymbol("+")) {
      std::string op = Cur().text;
      Next();
      // A negative integer literal, so that the minimum 64-bit integer parses.
      if (op == "-" && Cur().kind == TokenKind::kInteger) {
        int64_t v = ParseIntegerText(Cur(), true);
        Next();
        auto lit = Make(ExprKind::kLiteral, pos);
        lit->value = Value(v);
        lit->text = SpanText(first);
        return ParsePostfix(std::move(lit));
      }
      auto e = Make(ExprKind::kUnary, pos);
      e->name = op;
      e->args.push_back(ParseBinary(9));  // binds tighter than everything but ^ operands
      e->text = SpanText(first);
      return Sealed(std::move(e));
    }
    return ParsePostfix(ParseAtom());
  }

  ExprPtr ParsePostfix(ExprPtr e) {
    while (true) {
      Position pos = Cur().pos;
      if (IsSymbol(".") && PeekTok().kind == TokenKind::kIdentifier) {
        Next();
        auto p = Make(ExprKind::kProperty, pos);
        p->name = Cur().text;
        Next();
        p->text = e->text.empty() || e->text.size() + p->name.size() >= kMaxExpressionText
                      ? std::string() : e->text + "." + p->name;
        p->args.push_back(std::move(e));
        e = Sealed(std::move(p));
        continue;
      }
      if (IsSymbol("[")) {
        const Token open = Cur();
        Next();
        ExprPtr from, to;
        bool slice = false;
        if (!IsSymbol("..")) from = ParseExpr();
        if (AcceptSymbol("..")) {
          slice = true;
          if (!IsSymbol("]")) to = ParseExpr();
        }
        ExpectClosing("]", open);
        auto s = Make(slice ? ExprKind::kSlice : ExprKind::kSubscript, pos);
        s->args.push_back(std::move(e));
        s->args.push_back(std::move(from));
        if (slice) s->args.push_back(std::move(to));
        e = Sealed(std::move(s));
        continue;
      }
      if (IsSymbol(":") && (PeekTok().kind == TokenKind::kIdentifier)) {
        auto l = Make(ExprKind::kLabelCheck, pos);
        while (AcceptSymbol(":")) l->labels.push_back(ExpectName("a label"));
        l->args.push_back(std::move(e));
        e = Sealed(std::move(l));
        continue;
      }
      return e;
    }
  }

  int64_t ParseIntegerText(const Token& t, bool negative = false) {
    const std::string& s = t.text;
    int base = 10;
    size_t start = 0;
    if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) base = 16, start = 2;
    else if (s.size() >= 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) base = 8, start = 2;
    if (start == s.size()) SyntaxError("InvalidNumberLiteral", "invalid number literal '" + s + "'", t.pos);
    uint64_t v = 0;
    bool overflow = false;
    for (size_t k = start; k < s.size(); ++k) {
      char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[k])));
      int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : 99;
      if (d >= base) SyntaxError("InvalidNumberLiteral", "invalid number literal '" + s + "'", t.pos);
      if (__builtin_mul_overflow(v, static_cast<uint64_t>(base), &v) ||
          __builtin_add_overflow(v, static_cast<uint64_t>(d), &v))
        overflow = true;
    }
    const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
    if (overflow || v > limit)
      SyntaxError("IntegerOverflow", "integer literal " + std::string(negative ? "-" : "") + s + " is out of the 64-bit range", t.pos);
    if (negative) return v == (uint64_t{1} << 63) ? INT64_MIN : -static_cast<int64_t>(v);
    return static_cast<int64_t>(v);
  }

  ExprPtr Clone(const Expr& e) {
    auto c = std::make_unique<Expr>(e.kind, e.pos);
    c->text = e.text;
    c->height = e.height;
    c->value = e.value;
    c->name = e.name;
    c->var = e.var;
    for (const auto& a : e.args) c->args.push_back(a ? Clone(*a) : nullptr);
    c->keys = e.keys;
    c->labels = e.labels;
    c->distinct = e.distinct;
    c->star = e.star;
    c->negated = e.negated;
    c->has_subject = e.has_subject;
    c->has_else = e.has_else;
    c->pattern = e.pattern;
    for (const auto& item : e.projection)
      c->projection.push_back({item.kind, item.key, item.value ? Clone(*item.value) : nullptr});
    return c;
  }

  // Tries to read a pattern with at least one relationship at the current
  // position; restores the position and returns null when there is none.
  std::shared_ptr<PatternPart> TryPattern(bool allow_path_var) {
    size_t saved = i_;
    try {
      auto part = std::make_shared<PatternPart>();
      part->pos = Cur().pos;
      if (allow_path_var && Cur().kind == TokenKind::kIdentifier && IsSymbol("=", 1)) {
        part->path_var = Cur().text;
        Next();
        Next();
      }
      ParseChain(part.get());
      if (!part->rels.empty()) return part;
    } catch (const QueryError&) {
    }
    i_ = saved;
    return nullptr;
  }

  ExprPtr ParseAtom() {
    DepthGuard guard(this);
    size_t first = i_;
    const Token& t = Cur();
    Position pos = t.pos;
    auto finish = [&](ExprPtr e) {
      if (e->text.empty()) e->text = SpanText(first);
      return Sealed(std::move(e));
    };
    switch (t.kind) {
      case TokenKind::kInteger: {
        auto e = Make(ExprKind::kLiteral, pos);
        e->value = Value(ParseIntegerText(t));
        Next();
        return finish(std::move(e));
      }
      case TokenKind::kFloat: {
        errno = 0;
        double d = std::strtod(t.text.c_str(), nullptr);
        if (errno == ERANGE && std::isinf(d))
          SyntaxError("FloatingPointOverflow", "float literal " + t.text + " is out of range", pos);
        auto e = Make(ExprKind::kLiteral, pos);
        e->value = Value(d);
        Next();
        return finish(std::move(e));
      }
      case TokenKind::kString: {
        auto e = Make(ExprKind::kLiteral, pos);
        e->value = Value(t.text);
        Next();
        return finish(std::move(e));
      }
      case TokenKind::kParameter: {
        auto e = Make(ExprKind::kParameter, pos);
        e->name = t.text;
        Next();
        return finish(std::move(e));
      }
      case TokenKind::kEnd:
        Unexpected("an expression");
      case TokenKind::kSymbol:
        break;
      case TokenKind::kIdentifier:
        return finish(ParseIdentifierAtom());
    }
    if (IsSymbol("(")) {
      if (auto part = TryPattern(false)) {
        auto e = Make(ExprKind::kPattern, pos);
        e->pattern = std::move(part);
        return finish(std::move(e));
      }
      const Token open = Cur();
      Next();
      ExprPtr inner = ParseExpr();
      ExpectClosing(")", open);
      inner->text = SpanText(first);
      return inner;
    }
    if (IsSymbol("[")) return finish(ParseListAtom());
    if (IsSymbol("{")) return finish(ParseMapLiteral());
    Unexpected("an expression");
  }

  ExprPtr ParseMapLiteral() {
    Position pos = Cur().pos;
    const Token open = Cur();
    ExpectSymbol("{");
    auto e = Make(ExprKind::kMap, pos);
    if (!IsSymbol("}")) {
      do {
        if (Cur().kind != TokenKind::kIdentifier) Unexpected("a property key");
        std::string key = Cur().text;
        Next();
        ExpectSymbol(":");
        e->keys.push_back(key);
        e->args.push_back(ParseExpr());
      } while (AcceptSymbol(","));
    }
    ExpectClosing("}", open);
    return e;
  }

  ExprPtr ParseListAtom() {
    Position pos = Cur().pos;
    const Token open = Cur();
    // [x IN list WHERE pred | expr]
    if (PeekTok().kind == TokenKind::kIdentifier && IsKeyword("IN", 2)) {
      Next();
      auto e = Make(ExprKind::kListComprehension, pos);
      e->var = Cur().text;
      Next();
      Next();
      e->args.push_back(ParseExpr());
      e->args.push_back(AcceptKeyword("WHERE") ? ParseExpr() : nullptr);
      e->args.push_back(AcceptSymbol("|") ? ParseExpr() : nullptr);
      ExpectClosing("]", open);
      return e;
    }
    // [(a)-->(b) WHERE pred | expr]
    if (IsSymbol("(", 1) || (PeekTok().kind == TokenKind::kIdentifier && IsSymbol("=", 2))) {
      size_t saved = i_;
      Next();
      if (auto part = TryPattern(true)) {
        if (IsKeyword("WHERE") || IsSymbol("|")) {
          auto e = Make(ExprKind::kPatternComprehension, pos);
          e->pattern = std::move(part);
          e->args.push_back(AcceptKeyword("WHERE") ? ParseExpr() : nullptr);
          ExpectSymbol("|");
          e->args.push_back(ParseExpr());
          ExpectClosing("]", open);
          return e;
        }
      }
      i_ = saved;
    }
    Next();
    auto e = Make(ExprKind::kList, pos);
    if (!IsSymbol("]")) {
      do e->args.push_back(ParseExpr());
      while (AcceptSymbol(","));
    }
    ExpectClosing("]", open);
    return e;
  }

  ExprPtr ParseIdentifierAtom() {
    const Token t = Cur();
    Position pos = t.pos;
    std::string upper = t.quoted ? "" : AsciiUpper(t.text);
    if (upper == "TRUE" || upper == "FALSE" || upper == "NULL") {
      Next();
      auto e = Make(ExprKind::kLiteral, pos);
      if (upper != "NULL") e->value = Value(upper == "TRUE");
      return e;
    }
    if (upper == "CASE") return ParseCase();
    if ((upper == "ALL" || upper == "ANY" || upper == "NONE" || upper == "SINGLE") && IsSymbol("(", 1) &&
        PeekTok(2).kind == TokenKind::kIdentifier && IsKeyword("IN", 3)) {
      Next();
      const Token open = Cur();
      Next();
      auto e = Make(ExprKind::kQuantifier, pos);
      e->name = upper;
      e->var = Cur().text;
      Next();
      Next();
      e->args.push_back(ParseExpr());
      e->args.push_back(AcceptKeyword("WHERE") ? ParseExpr() : nullptr);
      ExpectClosing(")", open);
      return e;
    }
    if (upper == "REDUCE" && IsSymbol("(", 1) && PeekTok(2).kind == TokenKind::kIdentifier && IsSymbol("=", 3)) {
      Next();
      const Token open = Cur();
      Next();
      auto e = Make(ExprKind::kReduce, pos);
      e->name = ExpectName("an accumulator variable");
      ExpectSymbol("=");
      e->args.push_back(ParseExpr());
      ExpectSymbol(",");
      e->var = ExpectName("a variable");
      ExpectKeyword("IN");
      e->args.push_back(ParseExpr());
      ExpectSymbol("|");
      e->args.push_back(ParseExpr());
      ExpectClosing(")", open);
      return e;
    }
    if (upper == "EXISTS" && IsSymbol("(", 1)) {
      size_t saved = i_;
      Next();
      Next();
      if (auto part = TryPattern(false)) {
        if (AcceptSymbol(")")) {
          auto e = Make(ExprKind::kPattern, pos);
          e->pattern = std::move(part);
          return e;
        }
      }
      i_ = saved;
    }
    // Function call: name(...) or namespaced a.b(...)
    std::string name = t.text;
    size_t k = 1;
    if (!t.quoted)
      while (IsSymbol(".", k) && PeekTok(k + 1).kind == TokenKind::kIdentifier && !PeekTok(k + 1).quoted) k += 2;
    if (k > 1 && IsSymbol("(", k)) {
      for (size_t j = 1; j < k; j += 2) name += "." + PeekTok(j + 1).text;
      for (size_t j = 1; j < k; ++j) Next();
    }
    if (IsSymbol("(", 1)) {
      Next();
      const Token open = Cur();
      Next();
      auto e = Make(ExprKind::kFunction, pos);
      e->name = name;
      if (AcceptSymbol("*")) {
        e->star = true;
      } else {
        e->distinct = AcceptKeyword("DISTINCT");
        if (!IsSymbol(")")) {
          do e->args.push_back(ParseExpr());
          while (AcceptSymbol(","));
        }
      }
      ExpectClosing(")", open);
      return e;
    }
    Next();
    auto v = Make(ExprKind::kVariable, pos);
    v->name = t.text;
    v->text = t.text;
    if (IsSymbol("{")) return ParseMapProjection(std::move(v));
    return v;
  }

  ExprPtr ParseMapProjection(ExprPtr var) {
    const Token open = Cur();
    Next();
    auto e = Make(ExprKind::kMapProjection, var->pos);
    e->name = var->name;
    e->args.push_back(std::move(var));
    if (!IsSymbol("}")) {
      do {
        if (AcceptSymbol(".")) {
          if (AcceptSymbol("*")) {
            e->projection.push_back({MapProjectionItem::kAll, "", nullptr});
          } else {
            e->projection.push_back({MapProjectionItem::kProperty, ExpectName("a property key"), nullptr});
          }
        } else {
          std::string key = ExpectName("a property key or variable");
          if (AcceptSymbol(":")) {
            e->projection.push_back({MapProjectionItem::kLiteral, key, ParseExpr()});
          } else {
            auto v = Make(ExprKind::kVariable, Cur().pos);
            v->name = key;
            v->text = key;
            e->projection.push_back({MapProjectionItem::kVariable, key, std::move(v)});
          }
        }
      } while (AcceptSymbol(","));
    }
    ExpectClosing("}", open);
    return e;
  }

  ExprPtr ParseCase() {
    Position pos = Cur().pos;
    Next();
    auto e = Make(ExprKind::kCase, pos);
    if (!IsKeyword("WHEN")) {
      e->has_subject = true;
      e->args.push_back(ParseExpr());
    }
    if (!IsKeyword("WHEN")) Unexpected("WHEN");
    while (AcceptKeyword("WHEN")) {
      e->args.push_back(ParseExpr());
      ExpectKeyword("THEN");
      e->args.push_back(ParseExpr());
    }
    if (AcceptKeyword("ELSE")) {
      e->has_else = true;
      e->args.push_back(ParseExpr());
    }
    ExpectKeyword("END");
    return e;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t i_ = 0;
  int depth_ = 0;
  size_t clauses_ = 0;
};

}  // namespace

Statement Parse(std::string_view text) { return Parser(text).ParseStatement(); }

}  // namespace kg::query
