// SPDX-License-Identifier: Apache-2.0
// The network side of `moat serve`, built into the module moat-serve.so (server_module.h): the
// only file that includes Boost.Asio, Beast and OpenSSL (slow to compile: keep them here).
// <utility> first: Boost 1.74's asio needs it under g++ 12 in C++20.
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/date.h"
#include "http/problem.h"
#include "http/server.h"

namespace moat::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

// One I/O context per thread, each connection bound to one of them: a connection's handlers
// never run on two threads at once, so they need no strand, and the contexts share no lock.
using Executor = asio::io_context::executor_type;
using PlainStream = beast::basic_stream<tcp, Executor, beast::unlimited_rate_policy>;
using TlsStream = beast::ssl_stream<PlainStream>;
using Socket = PlainStream::socket_type;

constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr auto kShutdownGrace = std::chrono::seconds(5);
constexpr auto kShutdownPoll = std::chrono::milliseconds(20);

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A connection as the registry sees it: something that can be closed while it waits for a request.
class Evictable {
 public:
  virtual ~Evictable() = default;
  // Closes the connection if it is still waiting for a request (called from any thread).
  virtual void evict() = 0;
};

// Every open connection with its client address and state, shared by the I/O threads: the
// connection limits are decided here. A connection is idle while it waits for a request (its
// first, the rest of one, or the next on a keep-alive connection); only idle connections are
// evicted to make room, the one idle the longest first, and at the global limit only those no
// signed-in caller has used, so that signed-in keep-alive clients are served on.
class Registry {
  struct Slot {
    std::string address;
    std::weak_ptr<Evictable> connection;
    std::chrono::steady_clock::time_point idle_since;
    bool idle = true;
    bool signed_in = false;
    bool evicting = false;
  };

 public:
  using Handle = std::list<Slot>::iterator;

  // Registers a connection from `address`, evicting an idle one when a limit is reached; nothing
  // when no room can be made. `per_address` is that limit, 0 for none.
  std::optional<Handle> admit(const std::string& address, std::weak_ptr<Evictable> connection,
                              std::size_t total, std::size_t per_address) {
    std::shared_ptr<Evictable> victim;
    std::optional<Handle> handle;
    {
      std::lock_guard lock(mutex_);
      std::size_t& from_address = by_address_[address];
      if (per_address != 0 && from_address >= per_address) {
        victim = take_idle([&](const Slot& slot) { return slot.address == address; });
        if (!victim) return std::nullopt;
      } else if (slots_.size() >= total) {
        victim = take_idle([](const Slot& slot) { return !slot.signed_in; });
        if (!victim) return std::nullopt;
      }
      ++from_address;
      handle =
          slots_.insert(slots_.end(), Slot{address, std::move(connection), std::chrono::steady_clock::now()});
    }
    if (victim) victim->evict();
    return handle;
  }

  void leave(Handle handle) {
    std::lock_guard lock(mutex_);
    const auto count = by_address_.find(handle->address);
    if (count != by_address_.end() && --count->second == 0) by_address_.erase(count);
    slots_.erase(handle);
  }

  void set_idle(Handle handle, bool idle) {
    std::lock_guard lock(mutex_);
    handle->idle = idle;
    handle->evicting = false;
    if (idle) handle->idle_since = std::chrono::steady_clock::now();
  }

  void set_signed_in(Handle handle) {
    std::lock_guard lock(mutex_);
    handle->signed_in = true;
  }

 private:
  // The connection idle the longest among those `eligible`, marked as being evicted; or nothing.
  template <class Eligible>
  std::shared_ptr<Evictable> take_idle(Eligible eligible) {
    Slot* oldest = nullptr;
    for (Slot& slot : slots_) {
      if (!slot.idle || slot.evicting || !eligible(slot)) continue;
      if (!oldest || slot.idle_since < oldest->idle_since) oldest = &slot;
    }
    if (!oldest) return nullptr;
    oldest->evicting = true;
    return oldest->connection.lock();
  }

  std::mutex mutex_;
  std::list<Slot> slots_;
  std::unordered_map<std::string, std::size_t> by_address_;
};

// What every connection shares.
struct Shared {
  Api& api;
  const ServerOptions& options;
  asio::thread_pool& slow;
  asio::thread_pool& writes;
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};
  Registry registry;
  std::mutex log_mutex;
};

// Text fit for one log line: no control characters, bounded.
std::string loggable(std::string_view text, std::size_t limit = 200) {
  std::string out;
  for (const char c : text.substr(0, limit))
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  return out;
}

void log_line(Shared& shared, std::string_view line) {
  std::lock_guard lock(shared.log_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fputc('\n', stderr);
}

bool is_loopback(const std::string& address) {
  return address == "127.0.0.1" || address == "::1" || address.starts_with("::ffff:127.");
}

std::string_view header(const bhttp::request<bhttp::string_body>& request, bhttp::field field) {
  const auto it = request.find(field);
  return it == request.end() ? std::string_view() : std::string_view(it->value().data(), it->value().size());
}

std::string_view header(const bhttp::request<bhttp::string_body>& request, std::string_view name) {
  const auto it = request.find(beast::string_view(name.data(), name.size()));
  return it == request.end() ? std::string_view() : std::string_view(it->value().data(), it->value().size());
}

// A header that may be given once and was given more often (its name), or empty. Two
// Authorization headers, or two Hosts, are the stuff of request smuggling: which one a proxy
// read and which one moat reads need not be the same.
std::string_view repeated_header(const bhttp::request<bhttp::string_body>& request) {
  // (Looked up by name, in any case. X-Forwarded-For may come as several lines: proxies add theirs.)
  static constexpr std::array<std::string_view, 9> kOnce = {
      "Authorization", "Host",         "Cookie",           "Content-Type",     "If-Match",
      "Origin",        "X-CSRF-Token", "X-Forwarded-Host", "X-Forwarded-Proto"};
  for (const std::string_view name : kOnce) {
    if (request.count(beast::string_view(name.data(), name.size())) > 1) return name;
  }
  return {};
}

// The answer to a connection no room could be made for: written at once, without reading.
constexpr std::string_view kBusyResponse =
    "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Type: text/plain\r\n"
    "Content-Length: 37\r\nConnection: close\r\n\r\ntoo many connections: try again soon\n";

template <class Stream>
class Connection : public Evictable, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Connection(Stream stream, Shared& shared, std::string peer)
      : stream_(std::move(stream)), shared_(shared), peer_(std::move(peer)) {}
  ~Connection() override {
    if (slot_) shared_.registry.leave(*slot_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs on the connection's own thread: takes a place in the registry, or answers 503.
  void start(std::size_t per_address) {
    slot_ =
        shared_.registry.admit(peer_, this->weak_from_this(), shared_.options.max_connections, per_address);
    if (!slot_) return refuse();
    beast::get_lowest_layer(stream_).expires_after(shared_.options.first_byte_timeout);
    if constexpr (kTls) {
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->read();
                              });
    } else {
      // The first byte within first_byte_timeout; the rest of the request as any other.
      stream_.async_read_some(buffer_.prepare(kFirstRead),
                              [self = this->shared_from_this()](beast::error_code ec, std::size_t bytes) {
                                if (ec) return;
                                self->buffer_.commit(bytes);
                                self->read();
                              });
    }
  }

  void evict() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (!self->busy_) beast::get_lowest_layer(self->stream_).close();
    });
  }

 private:
  static constexpr std::size_t kFirstRead = 4096;

  void refuse() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).close();
    } else {
      beast::get_lowest_layer(stream_).expires_after(kWriteTimeout);
      asio::async_write(stream_, asio::buffer(kBusyResponse.data(), kBusyResponse.size()),
                        [self = this->shared_from_this()](beast::error_code, std::size_t) { self->close(); });
    }
  }

  void read() {
    parser_.emplace();
    parser_->body_limit(shared_.options.max_body_bytes);
    parser_->header_limit(kMaxHeaderBytes);
    beast::get_lowest_layer(stream_).expires_after(shared_.options.idle_timeout);
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void set_busy(bool busy) {
    busy_ = busy;
    shared_.registry.set_idle(*slot_, !busy);
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream) return close();
    if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
      keep_alive_ = false;
      ++shared_.in_flight;
      set_busy(true);
      // The answer and its log line are of this request (its head, when that was read whole), not
      // of the connection's last one.
      started_ = std::chrono::steady_clock::now();
      request_ = ec == bhttp::error::body_limit && parser_->is_header_done()
                     ? parser_->release()
                     : bhttp::request<bhttp::string_body>{};
      view_ = view_of(request_);
      return respond(
          problem_response(Problem::kTooLarge, "the request is larger than this server accepts", ""));
    }
    if (ec) return;  // a timeout, a reset, an eviction or garbage: drop the connection
    set_busy(true);
    request_ = parser_->release();
    keep_alive_ = request_.keep_alive() && !shared_.stopping;
    ++shared_.in_flight;
    started_ = std::chrono::steady_clock::now();
    view_ = view_of(request_);
    if (const std::string_view repeated = repeated_header(request_); !repeated.empty()) {
      return respond(
          problem_response(Problem::kBadRequest,
                           "the " + std::string(repeated) +
                               " header is given more than once (which one counts would be a guess)",
                           view_.target.substr(0, view_.target.find('?'))));
    }
    asio::thread_pool* pool = shared_.api.is_grouped(view_.method, view_.target) ? &shared_.writes
                              : shared_.api.is_slow(view_.method, view_.target)  ? &shared_.slow
                                                                                 : nullptr;
    if (!pool) return respond(shared_.api.handle(view_));
    asio::post(*pool, [self = this->shared_from_this()] {
      Response response = self->shared_.api.handle(self->view_);
      asio::post(self->stream_.get_executor(),
                 [self, moved = std::move(response)]() mutable { self->respond(std::move(moved)); });
    });
  }

  Request view_of(const bhttp::request<bhttp::string_body>& request) const {
    Request view;
    view.method = std::string_view(request.method_string().data(), request.method_string().size());
    // HEAD is answered as GET without the body (respond() keeps the length).
    view.head = request.method() == bhttp::verb::head;
    if (view.head) view.method = "GET";
    view.target = std::string_view(request.target().data(), request.target().size());
    view.authorization = header(request, bhttp::field::authorization);
    view.cookie = header(request, bhttp::field::cookie);
    view.content_type = header(request, bhttp::field::content_type);
    view.if_none_match = header(request, bhttp::field::if_none_match);
    view.if_match = header(request, bhttp::field::if_match);
    view.csrf = header(request, "X-CSRF-Token");
    view.origin = header(request, bhttp::field::origin);
    view.host = header(request, bhttp::field::host);
    view.body = request.body();
    view.client = peer_;
    view.tls = kTls;
    if (shared_.options.trust_proxy && is_loopback(peer_)) {
      // The address the proxy added is the last one: on the last line, when a proxy adds a line of
      // its own rather than appending to the client's (which the client could have written).
      std::string_view forwarded;
      for (auto [it, end] = request.equal_range("X-Forwarded-For"); it != end; ++it)
        forwarded = std::string_view(it->value().data(), it->value().size());
      const std::size_t comma = forwarded.rfind(',');
      const std::string_view last = comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1);
      if (!last.empty()) view.client = loggable(std::string(last.substr(last.find_first_not_of(' '))), 64);
      view.tls = view.tls || header(request, "X-Forwarded-Proto") == "https";
      if (const std::string_view host = header(request, "X-Forwarded-Host"); !host.empty()) view.host = host;
    }
    return view;
  }

  void respond(Response response) {
    response_ = {};
    response_.version(request_.version() ? request_.version() : 11);
    response_.result(response.status);
    if (!response.body.empty()) response_.set(bhttp::field::content_type, response.content_type);
    bool cache_control = false;
    for (const auto& [name, value] : response.headers) {
      response_.insert(beast::string_view(name.data(), name.size()),
                       beast::string_view(value.data(), value.size()));
      cache_control = cache_control || name == "Cache-Control";
    }
    if (!cache_control) response_.set(bhttp::field::cache_control, "private, no-cache");
    // The API answers each user as that user: a browser's cache keeps one user's answer from
    // another signed in after them on the same machine.
    if (view_.target.starts_with("/api/")) response_.set(bhttp::field::vary, "Authorization, Cookie");
    response_.set("X-Content-Type-Options", "nosniff");
    response_.set("Referrer-Policy", "no-referrer");
    // The dashboard loads nothing from elsewhere and runs no inline script or style.
    response_.set(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    if (view_.tls) response_.set(bhttp::field::strict_transport_security, "max-age=31536000");
    response_.keep_alive(keep_alive_);
    if (request_.method() == bhttp::verb::head) {
      response_.content_length(response.body.size());
    } else {
      response_.body() = std::move(response.body);
      response_.prepare_payload();
    }
    if (shared_.options.access_log) log(response);
    if (!response.actor.empty() && !signed_in_) {
      signed_in_ = true;
      shared_.registry.set_signed_in(*slot_);
    }
    beast::get_lowest_layer(stream_).expires_after(kWriteTimeout);
    bhttp::async_write(
        stream_, response_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(beast::error_code ec) {
    --shared_.in_flight;
    set_busy(false);
    if (ec) return;
    if (!keep_alive_ || shared_.stopping) return close();
    read();
  }

  // "<time> <client> <method> <path> <status> <ms>ms <user>": the path without its query, no
  // header, no body — no token, cookie or password reaches the log.
  void log(const Response& response) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
    const std::string_view target = view_.target.substr(0, view_.target.find('?'));
    char elapsed[32];
    std::snprintf(elapsed, sizeof elapsed, "%.1fms", ms);
    const beast::string_view method = request_.method_string();
    log_line(shared_, iso8601_utc(wall_ms()) + " " + loggable(view_.client, 64) + " " +
                          loggable(std::string_view(method.data(), method.size()), 16) + " " +
                          loggable(target) + " " + std::to_string(response.status) + " " + elapsed + " " +
                          (response.actor.empty() ? "-" : loggable(response.actor, 64)));
  }

  void close() {
    beast::error_code ignored;
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(shared_.options.idle_timeout);
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  Stream stream_;
  Shared& shared_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::request<bhttp::string_body> request_;
  bhttp::response<bhttp::string_body> response_;
  Request view_;
  bool keep_alive_ = true;
  bool busy_ = false;       // a request is being answered (not to be evicted)
  bool signed_in_ = false;  // a signed-in caller has used the connection
  std::optional<Registry::Handle> slot_;
  std::chrono::steady_clock::time_point started_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(std::vector<asio::io_context*> contexts, tcp::acceptor acceptor, ssl::context* tls, Shared& shared)
      : contexts_(std::move(contexts)), acceptor_(std::move(acceptor)), tls_(tls), shared_(shared) {}

  void accept() {
    asio::io_context& context = *contexts_[next_++ % contexts_.size()];
    acceptor_.async_accept(context, [self = shared_from_this()](beast::error_code ec, Socket socket) {
      self->on_accept(ec, std::move(socket));
    });
  }
  void stop() {
    beast::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  void on_accept(beast::error_code ec, Socket socket) {
    if (!acceptor_.is_open()) return;
    if (!ec) start(std::move(socket));
    accept();
  }

  void start(Socket socket) {
    beast::error_code error;
    socket.set_option(tcp::no_delay(true), error);
    const auto peer = socket.remote_endpoint(error);
    if (error) return;
    std::string address = peer.address().to_string();
    // A trusted proxy's connections carry many clients: it limits them itself (docs/deploy.md).
    const std::size_t per_address =
        shared_.options.trust_proxy && is_loopback(address) ? 0 : shared_.options.max_connections_per_address;
    const Executor executor = socket.get_executor();
    // Started on its own context's thread, where all its handlers run.
    if (tls_) {
      auto connection = std::make_shared<Connection<TlsStream>>(
          TlsStream(PlainStream(std::move(socket)), *tls_), shared_, std::move(address));
      asio::post(executor, [connection, per_address] { connection->start(per_address); });
    } else {
      auto connection = std::make_shared<Connection<PlainStream>>(PlainStream(std::move(socket)), shared_,
                                                                  std::move(address));
      asio::post(executor, [connection, per_address] { connection->start(per_address); });
    }
  }

  std::vector<asio::io_context*> contexts_;
  std::size_t next_ = 0;  // accepts run one at a time, on the acceptor's context
  tcp::acceptor acceptor_;
  ssl::context* tls_;
  Shared& shared_;
};

// Why `path` cannot be read as a file, or nothing: OpenSSL's own errors ("asio.ssl error") do not
// say that a file is missing.
std::optional<std::string> unreadable(const std::filesystem::path& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) return "no such file";
  if (!std::filesystem::is_regular_file(status)) return "not a file";
  if (!std::ifstream(path)) return "cannot read it (" + std::generic_category().message(errno) + ")";
  return std::nullopt;
}

Result<std::unique_ptr<ssl::context>> tls_context(const TlsFiles& files) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  // A key under a passphrase would have OpenSSL ask for it on the terminal, which a server has
  // not: no passphrase is given, and the refusal says why.
  bool passphrase_asked = false;
  context->set_password_callback([&passphrase_asked](std::size_t, ssl::context::password_purpose) {
    passphrase_asked = true;
    return std::string();
  });
  beast::error_code ec;
  if (auto why = unreadable(files.certificate))
    return input_error(files.certificate.string(), "cannot use this certificate: " + *why);
  context->use_certificate_chain_file(files.certificate.string(), ec);
  if (ec) return input_error(files.certificate.string(), "cannot use this certificate: " + ec.message());
  if (auto why = unreadable(files.private_key))
    return input_error(files.private_key.string(), "cannot use this private key: " + *why);
  context->use_private_key_file(files.private_key.string(), ssl::context::pem, ec);
  if (ec && passphrase_asked) {
    return input_error(
        files.private_key.string(),
        "cannot use this private key: it is protected by a passphrase, which moat serve has no "
        "way to ask for; give it the key without one (openssl pkey -in KEY -out PLAIN), "
        "readable by its owner only");
  }
  if (ec) return input_error(files.private_key.string(), "cannot use this private key: " + ec.message());
  return context;
}

Result<tcp::acceptor> bind(asio::io_context& io, const ServerOptions& options) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(options.host, ec);
  if (ec) return input_error("--listen", "'" + options.host + "' is not an IP address");
  const tcp::endpoint endpoint(address, options.port);
  tcp::acceptor acceptor(io);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return input_error("--listen", "cannot listen on " + options.host + ":" + std::to_string(options.port) +
                                       ": " + ec.message());
  }
  return acceptor;
}

using Contexts = std::vector<std::unique_ptr<asio::io_context>>;

void stop_all(Contexts& contexts) {
  for (auto& context : contexts) context->stop();
}

void stop_when_idle(Contexts& contexts, asio::steady_timer& timer, Shared& shared,
                    std::chrono::steady_clock::time_point deadline) {
  if (shared.in_flight == 0 || std::chrono::steady_clock::now() > deadline) return stop_all(contexts);
  timer.expires_after(kShutdownPoll);
  timer.async_wait([&contexts, &timer, &shared, deadline](beast::error_code) {
    stop_when_idle(contexts, timer, shared, deadline);
  });
}

// On SIGINT or SIGTERM: stop accepting, let requests in flight finish (for a few seconds at
// most), then stop the I/O threads; idle keep-alive connections are simply closed.
void stop_on_signal(Contexts& contexts, asio::signal_set& signals, asio::steady_timer& timer,
                    std::shared_ptr<Listener> listener, Shared& shared) {
  signals.async_wait([&contexts, &timer, listener, &shared](beast::error_code ec, int) {
    if (ec) return;
    shared.stopping = true;
    listener->stop();
    stop_when_idle(contexts, timer, shared, std::chrono::steady_clock::now() + kShutdownGrace);
  });
}

}  // namespace

Status serve(Api& api, const ServerOptions& options) {
  const int threads = std::max(1, options.threads);
  // Declared in this order so that the I/O context, whose destruction ends the connections it
  // still holds, goes first, while the TLS context and the shared state they use still exist.
  std::unique_ptr<ssl::context> tls;
  if (options.tls) {
    MOAT_TRY(tls, tls_context(*options.tls));
  }
  asio::thread_pool slow(static_cast<std::size_t>(std::max(1, options.slow_threads)));
  asio::thread_pool writes(static_cast<std::size_t>(std::max(1, options.write_threads)));
  Shared shared{api, options, slow, writes};
  Contexts contexts;
  std::vector<asio::io_context*> lent;
  std::vector<asio::executor_work_guard<Executor>> busy;  // keeps idle contexts running
  for (int i = 0; i < threads; ++i) {
    contexts.push_back(std::make_unique<asio::io_context>(1));
    lent.push_back(contexts.back().get());
    busy.push_back(asio::make_work_guard(*contexts.back()));
  }
  asio::io_context& first = *contexts.front();
  MOAT_TRY(tcp::acceptor acceptor, bind(first, options));
  const std::uint16_t port = acceptor.local_endpoint().port();
  auto listener = std::make_shared<Listener>(std::move(lent), std::move(acceptor), tls.get(), shared);
  asio::signal_set signals(first, SIGINT, SIGTERM);
  asio::steady_timer timer(first);
  stop_on_signal(contexts, signals, timer, listener, shared);
  listener->accept();
  if (options.on_listening) options.on_listening(port);
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < contexts.size(); ++i) pool.emplace_back([&contexts, i] { contexts[i]->run(); });
  first.run();
  for (std::thread& thread : pool) thread.join();
  slow.join();
  writes.join();
  return {};
}

}  // namespace moat::http
