#include "server/bolt_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "kg/connection.h"
#include "server/packstream.h"

namespace kg::server {
namespace {

// Request and response tags.
enum : uint8_t {
  kHello = 0x01, kGoodbye = 0x02, kReset = 0x0F, kRun = 0x10, kBegin = 0x11, kCommit = 0x12, kRollback = 0x13,
  kDiscard = 0x2F, kPull = 0x3F, kTelemetry = 0x54, kRoute = 0x66, kLogon = 0x6A, kLogoff = 0x6B,
  kSuccess = 0x70, kRecord = 0x71, kIgnored = 0x7E, kFailure = 0x7F,
};

constexpr uint8_t kMajor = 5, kMinMinor = 0, kMaxMinor = 4;
constexpr auto kTick = std::chrono::milliseconds(200);

// Commits made through this server: a bookmark names one, and every later
// transaction sees it (they share one process's store).
std::atomic<int64_t> commits{0};

std::string Bookmark() { return "kg:" + std::to_string(++commits); }

// Neo4j's status code for a failed statement.
std::string Neo4jCode(const QueryError& e) {
  const std::string& c = e.code;
  if (c == "SyntaxError" || c == "SemanticError" || c == "TypeError" || c == "ArgumentError" ||
      c == "ArithmeticError" || c == "ParameterMissing" || c == "EntityNotFound")
    return "Neo.ClientError.Statement." + c;
  if (c == "ConstraintValidationFailed" || c == "ConstraintVerificationFailed") return "Neo.ClientError.Schema." + c;
  if (c == "ExternalResourceError") return "Neo.ClientError.Statement.ExternalResourceFailed";
  if (c == "TransientError") {
    if (e.detail == "Conflict") return "Neo.TransientError.Transaction.DeadlockDetected";
    if (e.detail == "Busy") return "Neo.TransientError.Transaction.LockAcquisitionTimeout";
    if (e.detail == "Timeout") return "Neo.ClientError.Transaction.TransactionTimedOut";
    return "Neo.TransientError.Transaction.Terminated";
  }
  if (c == "ClientError") {
    if (e.detail == "ReadOnly") return "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase";
    if (e.detail == "SchemaInTransaction") return "Neo.ClientError.Transaction.ForbiddenDueToTransactionType";
    return "Neo.ClientError.Statement.SemanticError";
  }
  return "Neo.DatabaseError.General.UnknownError";
}

// One statement's rows, produced on a thread of their own as the client
// pulls them, at most `ahead` rows before it.
class RowStream {
 public:
  RowStream(Connection& conn, std::string text, QueryParams params, size_t ahead)
      : conn_(conn), ahead_(ahead), text_(std::move(text)), params_(std::move(params)) {
    thread_ = std::thread([this] { Produce(); });
  }
  ~RowStream() {
    Stop();
    thread_.join();
  }

  // Waits until the columns are known or the statement has ended.
  void WaitStarted() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return started_ || done_; });
  }
  // Waits up to `wait` for the next row: 1 with a row, 0 when none came
  // yet, -1 when the statement has ended.
  int NextFor(std::vector<Value>* row, std::chrono::milliseconds wait) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, wait, [&] { return !rows_.empty() || done_; })) return 0;
    if (rows_.empty()) return -1;
    *row = std::move(rows_.front());
    rows_.pop_front();
    cv_.notify_all();
    return 1;
  }
  bool HasMore() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !rows_.empty() || done_; });
    return !rows_.empty();
  }
  // Lets the statement run to its end, keeping every row it produces.
  void Buffer() {
    std::unique_lock lock(mu_);
    ahead_ = SIZE_MAX;
    cv_.notify_all();
    cv_.wait(lock, [&] { return done_; });
  }
  // Stops taking rows (the statement still ends normally) and waits for it.
  void Stop() {
    std::unique_lock lock(mu_);
    stop_ = true;
    rows_.clear();
    cv_.notify_all();
    cv_.wait(lock, [&] { return done_; });
  }
  // Whether the statement has ended (rows it produced may still wait).
  bool finished() {
    std::lock_guard lock(mu_);
    return done_;
  }
  // REQUIRES: started or done.
  const std::vector<std::string>& columns() const { return columns_; }
  // REQUIRES: the statement has ended.
  const QueryResult& result() const { return result_; }
  bool failed_early() {
    std::lock_guard lock(mu_);
    return done_ && !started_ && !result_.ok();
  }

 private:
  void Produce() {
    QueryResult r = conn_.Stream(
        text_, params_,
        [&](const std::vector<std::string>& columns) {
          std::lock_guard lock(mu_);
          columns_ = columns;
          started_ = true;
          cv_.notify_all();
        },
        [&](const std::vector<Value>& row) {
          std::unique_lock lock(mu_);
          cv_.wait(lock, [&] { return stop_ || rows_.size() < ahead_; });
          if (stop_) return false;
          rows_.push_back(row);
          cv_.notify_all();
          return true;
        });
    std::lock_guard lock(mu_);
    if (!started_) columns_ = r.columns();
    result_ = std::move(r);
    done_ = true;
    cv_.notify_all();
  }

  Connection& conn_;
  size_t ahead_;
  std::string text_;
  QueryParams params_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<Value>> rows_;
  std::vector<std::string> columns_;
  bool started_ = false, done_ = false, stop_ = false;
  QueryResult result_;
  std::thread thread_;
};

class Session {
 public:
  // port: the one the server listens on, which ROUTE names.
  Session(int fd, std::string peer, int id, uint16_t port, Database& db, const ServeOptions& options,
          const std::atomic<bool>& stop)
      : fd_(fd), peer_(std::move(peer)), id_(id), port_(port), conn_(db), options_(options), stop_(stop) {
    conn_.set_timeout(options.statement_timeout);
    conn_.set_memory_limit(options.memory_limit);
  }

  void Serve() {
    std::string why = Run();
    EndStreams();  // a statement still running is cancelled: its client is gone
    if (conn_.in_transaction()) conn_.Rollback();
    Log("connection " + std::to_string(id_) + " from " + peer_ + " closed: " + why);
    ::close(fd_);
  }

 private:
  enum class State { kNew, kAuthentication, kReady, kStreaming, kTxReady, kTxStreaming, kFailed };

  // Cancels a statement still running and forgets every open result.
  void EndStreams() {
    bool running = false;
    for (auto& [qid, s] : streams_) running = running || !s->finished();
    if (running) conn_.Cancel();
    streams_.clear();
  }

  void Log(const std::string& line) {
    if (!options_.log) return;
    static std::mutex log_mu;
    std::lock_guard lock(log_mu);
    *options_.log << "kg serve: " << line << std::endl;
  }

  // ---- bytes ----
  // Reads n bytes; false (with *why) on a closed connection, an idle
  // timeout or a stop between messages (between_messages).
  bool ReadExact(char* out, size_t n, bool between_messages, std::string* why) {
    auto idle_since = std::chrono::steady_clock::now();
    size_t got = 0;
    while (got < n) {
      pollfd p{fd_, POLLIN, 0};
      int r = ::poll(&p, 1, static_cast<int>(kTick.count()));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) {
        *why = std::string("poll: ") + std::strerror(errno);
        return false;
      }
      if (r == 0) {
        if (between_messages && got == 0 && stop_) {
          *why = "the server is stopping";
          return false;
        }
        if (std::chrono::steady_clock::now() - idle_since > options_.idle_timeout) {
          *why = "idle for longer than the idle timeout";
          return false;
        }
        continue;
      }
      ssize_t k = ::recv(fd_, out + got, n - got, 0);
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) {
        *why = k == 0 ? "closed by the client" : std::string("recv: ") + std::strerror(errno);
        return false;
      }
      got += static_cast<size_t>(k);
      idle_since = std::chrono::steady_clock::now();
    }
    return true;
  }

  bool WriteAll(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t k = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(k));
    }
    return true;
  }

  // Queues a message, chunked; Flush sends what is queued.
  void Send(uint8_t tag, const std::vector<Value>& fields) {
    std::string body = PackMessage(tag, fields);
    for (size_t at = 0; at < body.size(); at += 0xFFFF) {
      size_t n = std::min<size_t>(0xFFFF, body.size() - at);
      out_.push_back(static_cast<char>(n >> 8));
      out_.push_back(static_cast<char>(n & 0xFF));
      out_.append(body, at, n);
    }
    out_.append(2, '\0');
    if (out_.size() > (64 << 10)) Flush();
  }
  bool Flush() {
    bool ok = WriteAll(out_);
    out_.clear();
    if (!ok) write_failed_ = true;
    return ok;
  }
  void Success(ValueMap metadata = {}) { Send(kSuccess, {Value(std::move(metadata))}); }
  void Failure(const std::string& code, const std::string& message) {
    Send(kFailure, {Value(ValueMap{{"code", Value(code)}, {"message", Value(message)}})});
    Log("connection " + std::to_string(id_) + ": " + code + ": " + message.substr(0, message.find('\n')));
    state_ = State::kFailed;
  }

  // ---- the protocol ----
  std::string Run() {
    std::string why;
    char hello[20];
    if (!ReadExact(hello, 20, true, &why)) return why;
    static const char kMagic[4] = {0x60, 0x60, static_cast<char>(0xB0), 0x17};
    if (std::memcmp(hello, kMagic, 4) != 0) {
      Log("connection " + std::to_string(id_) + " from " + peer_ + ": not a Bolt client (no magic preamble)");
      return "no Bolt magic preamble";
    }
    // Four proposals [reserved, range, minor, major]: the first that
    // covers a version this server speaks wins, at its highest such minor.
    std::optional<uint8_t> minor;
    for (int i = 0; i < 4 && !minor; ++i) {
      const auto* p = reinterpret_cast<const uint8_t*>(hello + 4 + 4 * i);
      uint8_t range = p[1], top = p[2], major = p[3];
      if (major != kMajor) continue;
      int high = std::min<int>(top, kMaxMinor), low = std::max<int>(top - range, kMinMinor);
      if (high >= low) minor = static_cast<uint8_t>(high);
    }
    if (!minor) {
      WriteAll(std::string(4, '\0'));
      return "no common Bolt version (this server speaks 5.0 to 5.4)";
    }
    minor_ = *minor;
    const char answer[4] = {0, 0, static_cast<char>(minor_), static_cast<char>(kMajor)};
    if (!WriteAll(std::string_view(answer, 4))) return "write failed";
    Log("connection " + std::to_string(id_) + " from " + peer_ + ": Bolt 5." + std::to_string(minor_));

    for (;;) {
      std::string message;
      if (!pending_.empty()) {
        message = std::move(pending_.front());
        pending_.pop_front();
      } else if (!ReadMessage(&message, &why)) {
        return why;
      }
      auto decoded = DecodeMessage(message);
      if (!decoded.ok() && decoded.status().code() == StatusCode::kNotSupported) {
        // A value kg does not have: the request fails, the connection stays.
        if (state_ == State::kFailed) Send(kIgnored, {});
        else Failure("Neo.ClientError.Statement.TypeError", decoded.status().message());
        if (!Flush()) return "write failed";
        continue;
      }
      if (!decoded.ok()) {
        Failure("Neo.ClientError.Request.InvalidFormat", decoded.status().message());
        Flush();
        return "a malformed message: " + decoded.status().message();
      }
      std::optional<std::string> end = Handle(*decoded);
      if (!Flush() || write_failed_) return "write failed";
      if (end) return *end;
    }
  }

  // Reads one message: chunks until an empty one (an empty message, a
  // keep-alive, is skipped). False with *why when the connection ends.
  bool ReadMessage(std::string* message, std::string* why) {
    message->clear();
    bool first = true;
    for (;;) {
      unsigned char header[2];
      if (!ReadExact(reinterpret_cast<char*>(header), 2, first, why)) return false;
      size_t n = (size_t{header[0]} << 8) | header[1];
      if (n == 0) {
        if (message->empty()) continue;
        return true;
      }
      first = false;
      if (message->size() + n > options_.max_message_bytes) {
        Failure("Neo.ClientError.Request.Invalid",
                "a message larger than " + std::to_string(options_.max_message_bytes) + " bytes");
        Flush();
        *why = "a message over the size limit";
        return false;
      }
      size_t at = message->size();
      message->resize(at + n);
      if (!ReadExact(message->data() + at, n, false, why)) return false;
    }
  }

  // While a result is being produced: reads what the client sent meanwhile
  // (pipelined requests, kept for later) and says whether a RESET is among
  // it. False with *why when the connection ends.
  bool ResetArrived(bool* reset, std::string* why) {
    *reset = false;
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 0) <= 0) return true;
      std::string message;
      if (!ReadMessage(&message, why)) return false;
      if (message.size() >= 2 && static_cast<uint8_t>(message[1]) == kReset) *reset = true;
      pending_.push_back(std::move(message));
      if (*reset) return true;
    }
  }

  // Handles one request; a closing reason ends the connection.
  std::optional<std::string> Handle(const Message& m) {
    auto field_map = [&](size_t i) -> const ValueMap* {
      static const ValueMap empty;
      if (i >= m.fields.size()) return &empty;
      return m.fields[i].is_map() ? &m.fields[i].as_map() : nullptr;
    };
    auto bad = [&](const std::string& what) -> std::optional<std::string> {
      Failure("Neo.ClientError.Request.Invalid", what);
      Flush();
      return "a malformed request: " + what;
    };
    if (m.tag == kGoodbye) return std::string("GOODBYE");
    if (m.tag == kReset) {
      EndStreams();
      if (conn_.in_transaction()) conn_.Rollback();
      state_ = authenticated_ ? State::kReady : (state_ == State::kNew ? State::kNew : State::kAuthentication);
      Success();
      return std::nullopt;
    }
    if (state_ == State::kFailed) {
      Send(kIgnored, {});
      return std::nullopt;
    }
    switch (m.tag) {
      case kHello: {
        if (state_ != State::kNew) return bad("HELLO after HELLO");
        const ValueMap* extra = field_map(0);
        if (!extra || m.fields.size() != 1) return bad("HELLO takes one map");
        ValueMap hints{{"connection.recv_timeout_seconds",
                        Value(static_cast<int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                                       options_.idle_timeout)
                                                       .count()))}};
        if (minor_ == 0) {  // 5.0: the credentials come with HELLO
          if (auto fail = Authenticate(*extra)) return fail;
        } else {
          state_ = State::kAuthentication;
        }
        Success({{"server", Value("Neo4j/5.4.0")},
                 {"connection_id", Value("bolt-" + std::to_string(id_))},
                 {"hints", Value(std::move(hints))}});
        return std::nullopt;
      }
      case kLogon: {
        if (state_ != State::kAuthentication) return bad("LOGON outside authentication");
        const ValueMap* auth = field_map(0);
        if (!auth) return bad("LOGON takes one map");
        if (auto fail = Authenticate(*auth)) return fail;
        Success();
        return std::nullopt;
      }
      case kLogoff:
        if (state_ != State::kReady) return bad("LOGOFF outside the ready state");
        authenticated_ = false;
        state_ = State::kAuthentication;
        Success();
        return std::nullopt;
      case kTelemetry:
        Success();
        return std::nullopt;
      case kRoute: {
        if (state_ != State::kReady) return bad("ROUTE outside the ready state");
        std::string address = options_.host + ":" + std::to_string(port_);
        ValueList servers;
        for (const char* role : {"ROUTE", "READ", "WRITE"})
          servers.push_back(Value(ValueMap{{"addresses", Value(ValueList{Value(address)})}, {"role", Value(role)}}));
        Success({{"rt", Value(ValueMap{{"ttl", Value(int64_t{300})},
                                       {"db", Value("neo4j")},
                                       {"servers", Value(std::move(servers))}})}});
        return std::nullopt;
      }
      case kBegin: {
        if (state_ != State::kReady) return bad("BEGIN outside the ready state");
        const ValueMap* extra = field_map(0);
        if (!extra) return bad("BEGIN takes a map");
        ApplyTimeout(*extra);
        // A read transaction (mode "r": a driver's executeRead) takes no
        // turn to write, so it never waits for another process.
        TransactionOptions txn_options;
        if (auto mode = extra->find("mode"); mode != extra->end() && mode->second.type() == Value::Type::kString)
          txn_options.read_only = mode->second.as_string() == "r";
        if (Status s = conn_.Begin(txn_options); !s.ok()) {
          Failure(s.code() == StatusCode::kBusy ? "Neo.TransientError.Transaction.LockAcquisitionTimeout"
                                                : "Neo.ClientError.Transaction.TransactionStartFailed",
                  s.ToString());
          return std::nullopt;
        }
        state_ = State::kTxReady;
        Success();
        return std::nullopt;
      }
      case kCommit:
      case kRollback: {
        if (state_ != State::kTxReady && state_ != State::kTxStreaming)
          return bad(std::string(m.tag == kCommit ? "COMMIT" : "ROLLBACK") + " outside a transaction");
        for (auto& [qid, s] : streams_) s->Buffer();
        streams_.clear();
        state_ = State::kReady;
        if (m.tag == kRollback) {
          conn_.Rollback();
          Success();
          return std::nullopt;
        }
        if (Status s = conn_.Commit(); !s.ok()) {
          Failure(s.IsRetryable() ? "Neo.TransientError.Transaction.DeadlockDetected"
                                  : "Neo.DatabaseError.Transaction.TransactionCommitFailed",
                  s.ToString());
          return std::nullopt;
        }
        Success({{"bookmark", Value(Bookmark())}});
        return std::nullopt;
      }
      case kRun: return RunStatement(m, bad);
      case kPull:
      case kDiscard: return Pull(m, m.tag == kDiscard, bad);
      default: return bad("unknown request tag " + std::to_string(m.tag));
    }
  }

  std::optional<std::string> Authenticate(const ValueMap& auth) {
    auto get = [&](const char* k) {
      auto it = auth.find(k);
      return it != auth.end() && it->second.is_string() ? it->second.as_string() : std::string();
    };
    if (!options_.user.empty() &&
        (get("scheme") != "basic" || get("principal") != options_.user || get("credentials") != options_.password)) {
      Failure("Neo.ClientError.Security.Unauthorized", "The client is unauthorized due to authentication failure.");
      Flush();
      return std::string("wrong credentials");
    }
    authenticated_ = true;
    state_ = State::kReady;
    return std::nullopt;
  }

  // A client's tx_timeout, else the server's statement time limit; the
  // shorter of the two when both are set.
  void ApplyTimeout(const ValueMap& extra) {
    auto it = extra.find("tx_timeout");
    std::chrono::milliseconds limit = options_.statement_timeout;
    if (it != extra.end() && it->second.is_int() && it->second.as_int() > 0) {
      std::chrono::milliseconds asked(it->second.as_int());
      if (limit.count() == 0 || asked < limit) limit = asked;
    }
    conn_.set_timeout(limit);
  }

  template <class Bad>
  std::optional<std::string> RunStatement(const Message& m, Bad& bad) {
    bool in_tx = state_ == State::kTxReady || state_ == State::kTxStreaming;
    if (state_ != State::kReady && !in_tx) return bad("RUN in the wrong state");
    if (m.fields.size() < 2 || !m.fields[0].is_string() || !m.fields[1].is_map())
      return bad("RUN takes a query, parameters and a map");
    if (!in_tx) {
      if (m.fields.size() > 2 && m.fields[2].is_map()) ApplyTimeout(m.fields[2].as_map());
      else conn_.set_timeout(options_.statement_timeout);
    }
    // kg runs one statement at a time: an earlier result still open in
    // this transaction is read to its end and kept.
    for (auto& [qid, s] : streams_) s->Buffer();
    QueryParams params;
    for (const auto& [k, v] : m.fields[1].as_map()) params[k] = v;
    auto started = std::chrono::steady_clock::now();
    auto stream = std::make_unique<RowStream>(conn_, m.fields[0].as_string(), std::move(params), options_.rows_ahead);
    stream->WaitStarted();
    if (stream->failed_early()) {
      const QueryError& e = stream->result().error();
      Failure(Neo4jCode(e), e.pretty.empty() ? e.message : e.pretty);
      return std::nullopt;
    }
    ValueList fields;
    for (const std::string& c : stream->columns()) fields.push_back(Value(c));
    ValueMap meta{{"fields", Value(std::move(fields))},
                  {"t_first", Value(static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                             std::chrono::steady_clock::now() - started)
                                                             .count()))}};
    int64_t qid = next_qid_++;
    if (in_tx) meta["qid"] = Value(qid);
    last_qid_ = qid;
    streams_[qid] = std::move(stream);
    state_ = in_tx ? State::kTxStreaming : State::kStreaming;
    Success(std::move(meta));
    return std::nullopt;
  }

  template <class Bad>
  std::optional<std::string> Pull(const Message& m, bool discard, Bad& bad) {
    if (state_ != State::kStreaming && state_ != State::kTxStreaming) return bad("PULL or DISCARD with no result");
    const ValueMap* extra = m.fields.empty() ? nullptr : (m.fields[0].is_map() ? &m.fields[0].as_map() : nullptr);
    if (!extra) return bad("PULL and DISCARD take a map");
    int64_t n = -1, qid = -1;
    if (auto it = extra->find("n"); it != extra->end() && it->second.is_int()) n = it->second.as_int();
    if (auto it = extra->find("qid"); it != extra->end() && it->second.is_int()) qid = it->second.as_int();
    if (qid == -1) qid = last_qid_;
    auto found = streams_.find(qid);
    if (found == streams_.end()) return bad("no open result with qid " + std::to_string(qid));
    RowStream& s = *found->second;
    if (discard) {
      s.Stop();
    } else {
      std::vector<Value> row;
      for (int64_t sent = 0; n < 0 || sent < n;) {
        int got = s.NextFor(&row, kTick);
        if (got < 0) break;
        if (got > 0) {
          Send(kRecord, {Value(std::move(row))});
          ++sent;
          continue;
        }
        // No row yet: a RESET sent meanwhile interrupts the statement.
        Flush();
        bool reset = false;
        std::string why;
        if (!ResetArrived(&reset, &why)) return why;
        if (reset) {
          conn_.Cancel();
          s.Stop();
          streams_.erase(found);
          Failure("Neo.TransientError.Transaction.Terminated", "the statement was interrupted by RESET");
          return std::nullopt;
        }
      }
      if (write_failed_) return std::string("write failed");
      if (s.HasMore()) {
        Success({{"has_more", Value(true)}});
        return std::nullopt;
      }
      s.Stop();
    }
    // The statement has ended: its summary, or its failure.
    const QueryResult& r = s.result();
    bool in_tx = state_ == State::kTxStreaming;
    if (!r.ok()) {
      streams_.erase(found);
      const QueryError& e = r.error();
      Failure(Neo4jCode(e), e.pretty.empty() ? e.message : e.pretty);
      return std::nullopt;
    }
    ValueMap meta = Summary(r, in_tx);
    streams_.erase(found);
    state_ = in_tx ? (streams_.empty() ? State::kTxReady : State::kTxStreaming) : State::kReady;
    Success(std::move(meta));
    return std::nullopt;
  }

  ValueMap Summary(const QueryResult& r, bool in_tx) {
    const QueryCounters& c = r.counters();
    ValueMap stats;
    auto put = [&](const char* k, int64_t v) {
      if (v) stats[k] = Value(v);
    };
    put("nodes-created", c.nodes_created);
    put("nodes-deleted", c.nodes_deleted);
    put("relationships-created", c.relationships_created);
    put("relationships-deleted", c.relationships_deleted);
    put("properties-set", c.properties_set + c.properties_removed);
    put("labels-added", c.labels_added);
    put("labels-removed", c.labels_removed);
    put("indexes-added", c.indexes_added);
    put("indexes-removed", c.indexes_removed);
    put("constraints-added", c.constraints_added);
    put("constraints-removed", c.constraints_removed);
    bool schema = c.indexes_added || c.indexes_removed || c.constraints_added || c.constraints_removed;
    bool writes = !stats.empty() && !schema;
    std::string type = schema ? "s" : writes ? (r.columns().empty() ? "w" : "rw") : "r";
    ValueMap meta{{"type", Value(type)},
                  {"t_last", Value(static_cast<int64_t>(r.seconds() * 1000))},
                  {"db", Value("neo4j")}};
    if (!stats.empty()) {
      stats["contains-updates"] = Value(true);
      meta["stats"] = Value(std::move(stats));
    }
    if (!r.plan().empty()) meta["plan"] = Value(ValueMap{{"operatorType", Value(r.plan())}});
    if (!in_tx) meta["bookmark"] = Value(Bookmark());
    return meta;
  }

 private:
  int fd_;
  std::string peer_;
  int id_;
  uint16_t port_;
  Connection conn_;
  const ServeOptions& options_;
  const std::atomic<bool>& stop_;
  uint8_t minor_ = 0;
  State state_ = State::kNew;
  bool authenticated_ = false;
  bool write_failed_ = false;
  std::string out_;
  std::map<int64_t, std::unique_ptr<RowStream>> streams_;
  std::deque<std::string> pending_;  // requests read ahead while a result was produced
  int64_t next_qid_ = 0, last_qid_ = -1;
};

std::string PeerName(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = "?";
  uint16_t port = 0;
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
    port = ntohs(a->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
    port = ntohs(a->sin6_port);
  }
  return std::string(host) + ":" + std::to_string(port);
}

}  // namespace

Status Serve(Database& db, const ServeOptions& options, const std::atomic<bool>* stop,
             const std::function<void(uint16_t port)>& on_listening) {
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  int family = AF_INET;
  if (auto* a4 = reinterpret_cast<sockaddr_in*>(&addr); inet_pton(AF_INET, options.host.c_str(), &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons(options.port);
    addr_len = sizeof(sockaddr_in);
  } else if (auto* a6 = reinterpret_cast<sockaddr_in6*>(&addr);
             inet_pton(AF_INET6, options.host.c_str(), &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(options.port);
    addr_len = sizeof(sockaddr_in6);
    family = AF_INET6;
  } else {
    return Status::InvalidArgument("--listen: '" + options.host + "' is not an IPv4 or IPv6 address");
  }
  int listener = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0) return Status::IOError(std::string("socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  std::string where = options.host + ":" + std::to_string(options.port);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), addr_len) != 0 || ::listen(listener, 64) != 0) {
    std::string e = std::strerror(errno);
    ::close(listener);
    return Status::IOError("cannot listen on " + where + ": " + e);
  }
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  uint16_t port = ntohs(family == AF_INET ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                                          : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  if (on_listening) on_listening(port);

  struct Running {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> finished;
  };
  std::list<Running> sessions;
  int next_id = 0;
  while (!stop->load()) {
    pollfd p{listener, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(kTick.count()));
    for (auto it = sessions.begin(); it != sessions.end();) {
      if (it->finished->load()) {
        it->thread.join();
        it = sessions.erase(it);
      } else {
        ++it;
      }
    }
    if (r <= 0) continue;
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof peer;
    int fd = ::accept4(listener, reinterpret_cast<sockaddr*>(&peer), &peer_len, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int id = ++next_id;
    if (sessions.size() >= options.max_connections) {
      if (options.log)
        *options.log << "kg serve: connection " << id << " from " << PeerName(peer) << " refused: "
                     << options.max_connections << " connections already open" << std::endl;
      ::close(fd);
      continue;
    }
    auto finished = std::make_shared<std::atomic<bool>>(false);
    std::string name = PeerName(peer);
    sessions.push_back(Running{std::thread([&db, &options, stop, fd, name, id, finished, port] {
                                 Session session(fd, name, id, port, db, options, *stop);
                                 session.Serve();
                                 finished->store(true);
                               }),
                               finished});
  }
  ::close(listener);
  for (Running& s : sessions) s.thread.join();
  return Status::OK();
}

}  // namespace kg::server
